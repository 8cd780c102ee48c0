"""The Kubernetes checks on real files: findings must match a table written by reading the files.

Each corpus file is put in a change as `deploy/<its name>` and judged with the default policy. The
expected table, tests/data/corpus_expected.yaml, lists every file, so a new false positive or a
lost finding on any of them fails here, with the difference shown.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import CORPUS, make_context, needs_corpus

from gate.core.checks import alert_runbook, canary_thresholds, consumer_min_replicas
from gate.core.engine import read_changed_yaml
from gate.core.models import Finding
from gate.core.yamlio import load_one

EXPECTED_PATH = Path(__file__).parent / "data" / "corpus_expected.yaml"
EXPECTED: dict[str, list[dict[str, Any]]] = load_one(EXPECTED_PATH.read_text(encoding="utf-8"))
FOLDERS = ("flagger", "k8s")


def corpus_files() -> list[str]:
    return sorted(
        str(path.relative_to(CORPUS))
        for folder in FOLDERS
        for path in (CORPUS / folder).rglob("*")
        if path.suffix in (".yaml", ".yml")
    )


def judge(relative: str) -> list[Finding]:
    path = "deploy/" + Path(relative).name
    context = make_context(head={path: (CORPUS / relative).read_bytes()})
    findings = list(read_changed_yaml(context))
    for module in (canary_thresholds, consumer_min_replicas, alert_runbook):
        findings.extend(f for f in module.check(context, module.Options()) if isinstance(f, Finding))
    return findings


def expand(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One expected finding per line: `lines` is shorthand for many findings with the same facts."""
    expanded = []
    for entry in entries:
        lines = entry.get("lines", [entry.get("line")])
        for line in lines:
            expanded.append({"rule": entry["rule"], "severity": entry.get("severity", "error"), "line": line,
                             "facts": entry.get("facts", [])})
    return expanded


@needs_corpus
def test_the_table_lists_every_corpus_file() -> None:
    assert sorted(EXPECTED) == corpus_files()


@needs_corpus
@pytest.mark.parametrize("relative", sorted(EXPECTED), ids=lambda r: r.split("/", 1)[1])
def test_findings_match_the_table(relative: str) -> None:
    findings = judge(relative)
    expected = expand(EXPECTED[relative] or [])
    got = Counter((f.rule, str(f.severity), f.line) for f in findings)
    want = Counter((e["rule"], e["severity"], e["line"]) for e in expected if e["line"] is not None)
    unlined = Counter((e["rule"], e["severity"]) for e in expected if e["line"] is None)
    for (rule, severity), count in unlined.items():
        matching = [key for key in got if key[:2] == (rule, severity)]
        assert sum(got[key] for key in matching) == count, f"expected {count} {rule} {severity} finding(s)"
        for key in matching:
            del got[key]
    assert got == want, "\n".join(f"{f.line}: {f.rule} {f.severity}: {f.message}" for f in findings)
    for entry in expected:
        messages = [
            f.message
            for f in findings
            if f.rule == entry["rule"] and (entry["line"] is None or f.line == entry["line"])
        ]
        for fact in entry["facts"]:
            assert any(fact in message for message in messages), f"line {entry['line']}: {fact!r} not in {messages}"


@needs_corpus
def test_every_finding_names_a_file_line_and_remedy() -> None:
    for relative in corpus_files():
        for finding in judge(relative):
            assert finding.path == "deploy/" + Path(relative).name
            assert finding.remedy, finding
            if finding.rule != "invalid-file":
                assert finding.line is not None, finding
