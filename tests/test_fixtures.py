"""The real files tests need are in the repository, each with its source and licence noted.

A fresh clone has no corpus beside it, so every file a test reads from a public project is copied
into tests/fixtures. These tests keep the copies honest: each is listed in its folder's SOURCES.md,
each listed file exists, an MIT-licensed copy has its licence text beside it, and (where the corpus
is present) each is still byte-for-byte the corpus's file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import CORPUS, FIXTURES, REPO_ROOT, needs_corpus

NOT_DATA = {"SOURCES.md", "LICENSE", "README.md"}
FOLDERS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
DATA = sorted(p.relative_to(FIXTURES) for p in FIXTURES.rglob("*") if p.is_file() and p.name not in NOT_DATA)


def listed(folder: str) -> set[str]:
    """The files a folder's SOURCES.md lists: the `file here` (or `file`) column of its tables,
    as paths relative to the folder or bare names."""
    text = (FIXTURES / folder / "SOURCES.md").read_text(encoding="utf-8")
    names: set[str] = set()
    column: int | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            column = None
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if column is None:
            column = next((i for i, cell in enumerate(cells) if cell in ("file here", "file")), -1)
        elif column >= 0 and not set(cells[column]) <= set("-: ") and cells[column].startswith("`"):
            names.add(cells[column].strip("`"))
    return names


def is_listed(relative: Path) -> bool:
    names = listed(relative.parts[0])
    return relative.name in names or str(relative.relative_to(relative.parts[0])) in names


def test_the_fixtures_are_the_folders_the_tests_read() -> None:
    assert FOLDERS == ["flags", "github-events", "k8s"]
    assert len(DATA) >= 15


@pytest.mark.parametrize("relative", DATA, ids=str)
def test_every_fixture_is_listed_with_its_source(relative: Path) -> None:
    assert is_listed(relative), f"{relative} is not in tests/fixtures/{relative.parts[0]}/SOURCES.md"


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_source_row_names_a_file_here(folder: str) -> None:
    present = {str(p.relative_to(FIXTURES / folder)) for p in (FIXTURES / folder).rglob("*") if p.is_file()}
    present |= {Path(p).name for p in present}
    names = listed(folder)
    assert names, f"tests/fixtures/{folder}/SOURCES.md lists no file"
    assert names <= present, f"listed but missing: {sorted(names - present)}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_licence_is_named_and_mit_copies_carry_its_text(folder: str) -> None:
    sources = (FIXTURES / folder / "SOURCES.md").read_text(encoding="utf-8")
    assert "Apache-2.0" in sources or "MIT" in sources, "name each source's licence"
    if "Apache-2.0" in sources:
        # The Apache licence's text is gate's own LICENSE, which SOURCES.md links.
        assert "Apache License" in (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
        assert "../LICENSE)" in sources
    notices = re.findall(r'MIT, "(Copyright \(c\) [^"]+)"', sources)
    assert len(notices) == sources.count("MIT"), "quote the copyright line of every MIT source"
    licences = [p.read_text(encoding="utf-8") for p in (FIXTURES / folder).rglob("LICENSE")]
    for notice in notices:
        # MIT: "The above copyright notice and this permission notice shall be included in all copies".
        assert any(notice in text and "Permission is hereby granted, free of charge" in text for text in licences), (
            f"tests/fixtures/{folder} has no LICENSE file with {notice!r}"
        )


@needs_corpus
@pytest.mark.parametrize("relative", DATA, ids=str)
def test_every_fixture_is_a_verbatim_copy_of_the_corpus(relative: Path) -> None:
    original = CORPUS / relative
    assert original.is_file(), f"{relative} is not in the corpus any more"
    assert (FIXTURES / relative).read_bytes() == original.read_bytes()
