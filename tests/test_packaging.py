"""Packaging: `pip install .` in a fresh virtual environment prints no warning from gate's metadata.

setuptools reports a problem in `pyproject.toml` (a deprecated `license` table, a missing
licence file, an unknown key) as a Python warning while it builds the wheel; pip prints the build
backend's output with `--verbose` in every version. The install runs from a copy of what an sdist
holds, so the build leaves nothing in the checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from helpers import REPO_ROOT

# pip's own complaints about this machine's package indexes, not about the project.
NOT_THE_PROJECT = re.compile(r"^WARNING: Location '[^']*' is ignored")
WARNING = re.compile(r"warn|deprecat", re.IGNORECASE)

# What setuptools >= 77 printed for gate's metadata before it used an SPDX licence string.
LICENCE_TABLE_OUTPUT = """\
  Getting requirements to build wheel: started
  /tmp/pip-build-env-sviz94r2/overlay/lib/python3.11/site-packages/setuptools/config/_apply_pyprojecttoml.py:82: \
BuildBackendWarning: `project.license` as a TOML table is deprecated
  !!
          Please use a simple string containing a SPDX expression for `project.license`.
WARNING: Location 'file:///opt/pypi-more/simple/pydantic/' is ignored: it is neither a file nor a directory.
Successfully installed gate-0.1.0
"""


def metadata_warnings(output: str) -> list[str]:
    """The lines of pip's output that warn about the project being built."""
    return [line for line in output.splitlines() if WARNING.search(line) and not NOT_THE_PROJECT.match(line)]


def test_the_check_catches_the_licence_table_deprecation() -> None:
    assert metadata_warnings(LICENCE_TABLE_OUTPUT) == [
        "  /tmp/pip-build-env-sviz94r2/overlay/lib/python3.11/site-packages/setuptools/config/"
        "_apply_pyprojecttoml.py:82: BuildBackendWarning: `project.license` as a TOML table is deprecated"
    ]


def test_the_licence_is_an_spdx_expression_with_its_file() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    assert project["project"]["license-files"] == ["LICENSE"]
    assert "Apache License" in (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert any(req.startswith("setuptools>=77") for req in project["build-system"]["requires"])


def sdist_tree(target: Path) -> Path:
    """The files the wheel is built from (as in an sdist), copied to `target`."""
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO_ROOT / name, target / name)
    shutil.copytree(REPO_ROOT / "gate", target / "gate", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


@pytest.mark.packaging
def test_pip_install_in_a_fresh_venv_prints_no_warning_from_the_metadata(tmp_path: Path) -> None:
    (tmp_path / "gate").mkdir()
    project = sdist_tree(tmp_path / "gate")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # pip from the test environment installs into the fresh one (`--python`), verbosely so every pip
    # version shows what the build backend printed. Without PYTHONDONTWRITEBYTECODE, which would
    # make setuptools say it skips byte-compiling.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--verbose", "--no-deps", str(project)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Successfully installed gate-" in output
    assert metadata_warnings(output) == []
    # The metadata as installed (without dependencies, gate itself cannot run here).
    code = ("import importlib.metadata as m; d = m.metadata('gate'); "
            "print(d['Version'], d['License-Expression'], d.get_all('License-File'))")
    installed = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    assert installed.stdout.strip() == f"{_version()} Apache-2.0 ['LICENSE']"


def _version() -> str:
    from gate import __version__

    return __version__
