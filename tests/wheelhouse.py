"""Wheels of gate's dependencies, repacked from the test environment, for installs without an index.

pre-commit installs a `language: python` hook with `pip install .` in a fresh virtualenv. The test
of the hook must not reach a package index, so pip gets `--no-index` and this folder instead: each
installed distribution gate needs, zipped back into the wheel it was installed from (its files as
listed in its RECORD, with a fresh RECORD), plus the setuptools wheel virtualenv ships, to build gate.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as metadata
import re
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import sys_tags

# Files pip writes at install time; a wheel does not carry them.
_INSTALL_ONLY = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def dependencies(project: str) -> list[metadata.Distribution]:
    """The installed distributions `project` needs at run time, recursively (markers evaluated)."""
    found: dict[str, metadata.Distribution] = {}
    pending = [project]
    while pending:
        for text in metadata.requires(pending.pop()) or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            name = _canonical(requirement.name)
            if name not in found:
                found[name] = metadata.distribution(requirement.name)
                pending.append(requirement.name)
    return list(found.values())


def repack(distribution: metadata.Distribution, folder: Path) -> Path:
    files = [f for f in distribution.files or [] if _packable(f.parts)]
    info = next(f.parts[0] for f in files if f.parts[0].endswith(".dist-info"))
    # One tag this interpreter accepts (a py2.py3 wheel lists py2 first).
    supported = {str(t) for t in sys_tags()}
    tags = [line.split(":", 1)[1].strip() for line in (distribution.read_text("WHEEL") or "").splitlines()
            if line.startswith("Tag:")]
    tag = next(t for t in tags if t in supported)
    name = re.sub(r"[-_.]+", "_", distribution.metadata["Name"])
    target = folder / f"{name}-{distribution.version}-{tag}.whl"
    records = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as wheel:
        for file in files:
            path = file.as_posix()
            data = Path(str(distribution.locate_file(file))).read_bytes()
            wheel.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            records.append(f"{path},sha256={digest},{len(data)}")
        records.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return target


def _packable(parts: tuple[str, ...]) -> bool:
    if parts[0] == ".." or "__pycache__" in parts or parts[-1].endswith(".pyc"):
        return False  # scripts pip writes outside site-packages, and bytecode
    return not (parts[0].endswith(".dist-info") and parts[-1] in _INSTALL_ONLY)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def build(project: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for distribution in dependencies(project):
        repack(distribution, folder)
    return folder
