"""docs/reliability.md is true to the tests: its counts match its tables, it lists at least 40 hostile
inputs and 10 faults, each row names at least one test, and every named test exists and is collected."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache

from helpers import REPO_ROOT

CATALOGUE = REPO_ROOT / "docs" / "reliability.md"
_ROW = re.compile(r"^\| (\d+) \|(.*)\|\s*$")
_PROOF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def sections() -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    current = None
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            found[current] = []
        elif current is not None and (row := _ROW.match(line)):
            found[current].append((int(row[1]), row[2]))
    return found


def test_the_counts_match_the_tables_and_the_minimums() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    stated = re.search(r"\*\*(\d+) hostile inputs\*\* and \*\*(\d+) faults\*\*", text)
    assert stated, "the catalogue states its counts as **N hostile inputs** and **M faults**"
    found = sections()
    inputs, faults = found["Hostile inputs"], found["Faults"]
    assert (len(inputs), len(faults)) == (int(stated[1]), int(stated[2]))
    assert len(inputs) >= 40 and len(faults) >= 10
    for rows in (inputs, faults):
        assert [number for number, _ in rows] == list(range(1, len(rows) + 1)), "rows are numbered 1..N"


def test_every_row_names_a_test() -> None:
    for title, rows in sections().items():
        for number, row in rows:
            assert _PROOF.search(row), f"{title} #{number} names no test"


@cache
def collected() -> frozenset[str]:
    files = sorted({path for rows in sections().values() for _, row in rows for path, _ in _PROOF.findall(row)})
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return frozenset(line.split("[", 1)[0] for line in result.stdout.splitlines() if "::" in line)


def test_every_named_test_exists_and_is_collected() -> None:
    ids = collected()
    missing = [f"{path}::{name}" for rows in sections().values() for _, row in rows
               for path, name in _PROOF.findall(row) if f"{path}::{name}" not in ids]
    assert missing == [], f"the catalogue names tests that are not collected: {missing}"
