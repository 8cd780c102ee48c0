"""The `gate` hook of .pre-commit-hooks.yaml, run by pre-commit itself, with no package index.

`pre-commit try-repo` installs the hook from a local copy of this working tree (`language: python`:
a virtualenv and `pip install .`) and runs it at the pre-push stage on a repository whose pushed
change CI would block: pre-commit must fail and print gate's findings. Then the hook installed for
real: `git push` is refused, and a second push that fixes the branch goes through (judged, as CI
judges the pull request, from the merge-base: the first push's commit included). pip is pointed at wheels
repacked from this test environment (tests/wheelhouse.py) and at the setuptools wheel virtualenv
ships, and told never to use an index, so the test works offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import wheelhouse
from helpers import REPO_ROOT, GitRepo, documented_service

pytestmark = pytest.mark.e2e


def source_snapshot(target: Path) -> Path:
    """This working tree as it is (tracked and new files, not ignored ones), committed in `target`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT, capture_output=True, check=False,
    )
    if listed.returncode != 0:
        pytest.skip("gate's source is not a git checkout, so there is no repository for pre-commit to install")
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = REPO_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    repo = GitRepo(target)
    repo.commit({}, "gate as it is being tested")
    return target


def offline_environment(tmp: Path) -> dict[str, str]:
    import virtualenv.seed.wheels.embed as embedded

    bundled = Path(embedded.__file__).parent
    if not any(bundled.glob("setuptools-*.whl")):
        pytest.fail(f"virtualenv ships no setuptools wheel in {bundled}: gate cannot be built offline")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUALENV_", "PRE_COMMIT"))}
    environ.update({
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": f"{wheelhouse.build('gate', tmp / 'wheels')} {bundled}",
        "PIP_CONFIG_FILE": os.devnull,  # the machine's pip configuration (indexes, constraints) stays out
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "VIRTUALENV_OVERRIDE_APP_DATA": str(tmp / "virtualenv-data"),
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
        "PRE_COMMIT_HOME": str(tmp / "pre-commit-home"),
        "NO_COLOR": "1",
    })
    return environ


@pytest.fixture(scope="module")
def gate_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return source_snapshot(tmp_path_factory.mktemp("gate-src"))


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return offline_environment(tmp_path_factory.mktemp("offline"))


def test_try_repo_blocks_a_pushed_change_and_prints_the_findings(
    tmp_path: Path, gate_source: Path, offline: dict[str, str]
) -> None:
    project = GitRepo(tmp_path / "project")
    base = project.commit({"README.md": "# shop\n", **documented_service("services/web")}, "start")
    project.git("checkout", "-q", "-b", "payments")
    head = project.commit({"services/payments/main.py": "print('pay')\n"}, "a payments service, undocumented")

    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(gate_source), "gate",
         "--hook-stage", "pre-push", "--from-ref", base, "--to-ref", head, "--verbose"],
        cwd=project.path, env=offline, capture_output=True, text=True, timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "gate" in output and "Failed" in output
    assert "gate: judging the pushed change" in output
    assert "services/payments" in output and "no runbook" in output  # gate's findings, printed
    assert "required-docs" in output


def test_the_installed_hook_refuses_the_push_and_lets_the_fix_through(
    tmp_path: Path, gate_source: Path, offline: dict[str, str]
) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    project = GitRepo(tmp_path / "project")
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=gate_source, capture_output=True, text=True,
                         check=True).stdout.strip()
    config = f"repos:\n- repo: {gate_source}\n  rev: {sha}\n  hooks:\n  - id: gate\n"
    project.commit({".pre-commit-config.yaml": config, "README.md": "# shop\n", **documented_service("services/web")},
                   "start")
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "-q", "origin", "main")  # before the hook is installed
    subprocess.run([sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-push"], cwd=project.path,
                   env=offline, check=True, capture_output=True)
    project.git("checkout", "-q", "-b", "payments")
    project.commit({"services/payments/main.py": "print('pay')\n"}, "a payments service, undocumented")

    def push(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "push", *flags, "origin", "payments"], cwd=project.path, env=offline,
                              capture_output=True, text=True, timeout=600, check=False)

    def on_the_remote() -> str:
        return subprocess.run(["git", "ls-remote", str(remote), "refs/heads/payments"], capture_output=True,
                              text=True, check=True).stdout.split("\t")[0]

    refused = push()
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "no runbook" in refused.stdout + refused.stderr
    assert on_the_remote() == ""  # nothing reached the remote
    # Someone skips the hook once; the next push carries only a harmless commit, yet CI judges the
    # pull request from the merge-base, so the hook does too.
    assert push("--no-verify").returncode == 0
    project.commit({"services/web/README.md": "# web\n\nThe shop's front end.\n"}, "a harmless edit")
    still_refused = push()
    assert still_refused.returncode != 0 and "no runbook" in still_refused.stdout + still_refused.stderr
    fixed = project.commit(documented_service("services/payments"), "document payments")
    accepted = push()
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Passed" in accepted.stdout + accepted.stderr and on_the_remote() == fixed
