"""SARIF 2.1.0 for code scanning: structure, rules, levels, locations, suppressions, fingerprints."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import GitRepo, judged_as, make_context, run_gate

from gate import __version__
from gate.core.checks import REGISTRY
from gate.core.models import (
    INTERNAL_ERROR,
    INVALID_FILE,
    OVERRIDE,
    POLICY,
    Finding,
    Outcome,
    Override,
    Severity,
    Verdict,
)
from gate.core.report import sarif

CONTEXT = make_context({"services/pay/runbook.yaml": "x: 1\n", "services/pay/README.md": "# pay\n"})
ACCEPTED = Override("gate/override", "mia", "maintain", True, "applied after the last push")


def finding(**kw: Any) -> Finding:
    base = Finding("runbook-format", Severity.ERROR, "services/pay/runbook.yaml", 4, "no steps", "add steps")
    return dataclasses.replace(base, **kw)


def render(*findings: Finding, override: Override | None = None, context: Any = CONTEXT) -> dict[str, Any]:
    verdict = Verdict(outcome=Outcome.FAIL, findings=findings, override=override)
    document: dict[str, Any] = json.loads(sarif.render(judged_as(verdict, context)))
    assert_valid_sarif(document)
    return document


def results(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = document["runs"][0]["results"]
    return found


def assert_valid_sarif(document: dict[str, Any]) -> None:
    """The properties SARIF 2.1.0 requires, and those GitHub code scanning needs to accept an upload."""
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    assert isinstance(document["runs"], list) and len(document["runs"]) == 1
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gate"
    assert driver["semanticVersion"] == __version__
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        # Code scanning rejects the whole file for a result with no location or an empty uri.
        assert len(result["locations"]) >= 1
        for location in result["locations"]:
            artifact = location["physicalLocation"]["artifactLocation"]
            assert artifact["uri"] and artifact["uriBaseId"] == "%SRCROOT%"
            assert not re.match(r"^([a-z]+:|/)", artifact["uri"]), "uris are relative to the repository root"
            assert " " not in artifact["uri"]
            region = location["physicalLocation"].get("region")
            if region is not None:
                assert isinstance(region["startLine"], int) and region["startLine"] >= 1
        assert all(isinstance(v, str) and v for v in result["partialFingerprints"].values())
        for suppression in result.get("suppressions", []):
            assert suppression["kind"] in {"inSource", "external"}
    _validate_against_schema_if_available(document)


def _validate_against_schema_if_available(document: dict[str, Any]) -> None:
    """No installed package ships the SARIF schema; point GATE_SARIF_SCHEMA at a copy to use it."""
    schema_path = os.environ.get("GATE_SARIF_SCHEMA")
    if not schema_path:
        return
    import jsonschema  # type: ignore[import-untyped]

    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class(schema, format_checker=validator_class.FORMAT_CHECKER).validate(document)


def test_rules_are_the_registry_then_the_engines_own() -> None:
    rules = render()["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [*REGISTRY, INVALID_FILE, OVERRIDE, INTERNAL_ERROR, POLICY]
    for rule in rules[: len(REGISTRY)]:
        spec = REGISTRY[rule["id"]]
        assert rule["shortDescription"]["text"] == spec.doc.splitlines()[0]
        assert rule["fullDescription"]["text"] == spec.doc
        assert rule["help"]["text"] == spec.doc


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        pytest.param(Severity.ERROR, "error", id="error"),
        pytest.param(Severity.WARNING, "warning", id="warning"),
        pytest.param(Severity.NOTICE, "note", id="notice-is-note"),
    ],
)
def test_levels(severity: Severity, level: str) -> None:
    (result,) = results(render(finding(severity=severity)))
    assert result["level"] == level


@pytest.mark.parametrize(
    ("item", "context", "location"),
    [
        pytest.param(
            finding(),
            CONTEXT,
            {"artifactLocation": {"uri": "services/pay/runbook.yaml", "uriBaseId": "%SRCROOT%"},
             "region": {"startLine": 4}},
            id="file-and-line",
        ),
        pytest.param(
            finding(path="services/pay", line=None),
            CONTEXT,
            {"artifactLocation": {"uri": "services/pay", "uriBaseId": "%SRCROOT%"}},
            id="no-line-no-region",
        ),
        pytest.param(
            finding(path="services/my service/100%.yaml"),
            CONTEXT,
            {"artifactLocation": {"uri": "services/my%20service/100%25.yaml", "uriBaseId": "%SRCROOT%"},
             "region": {"startLine": 4}},
            id="percent-encoded",
        ),
        pytest.param(
            finding(path=None, line=None, rule=INTERNAL_ERROR),
            CONTEXT,
            {"artifactLocation": {"uri": "services/pay/README.md", "uriBaseId": "%SRCROOT%"}},
            id="no-path-goes-to-the-first-changed-file",
        ),
        pytest.param(
            finding(path=None, line=None, rule=OVERRIDE),
            make_context({}),
            {"artifactLocation": {"uri": ".", "uriBaseId": "%SRCROOT%"}},
            id="no-path-no-files-goes-to-the-root",
        ),
        pytest.param(
            finding(path=None, line=3),
            make_context({}, base={"gone.yaml": "a: 1\n"}),
            {"artifactLocation": {"uri": "gone.yaml", "uriBaseId": "%SRCROOT%"}},
            id="only-deleted-files-and-a-line-without-a-file",
        ),
    ],
)
def test_locations(item: Finding, context: Any, location: dict[str, Any]) -> None:
    (result,) = results(render(item, context=context))
    assert result["locations"] == [{"physicalLocation": location}]


def test_message_carries_the_remedy() -> None:
    (result,) = results(render(finding()))
    assert result["message"]["text"] == "no steps\n\nFix: add steps"


@pytest.mark.parametrize(
    ("override", "justification"),
    [
        pytest.param(
            ACCEPTED,
            "waived by the override label gate/override applied by mia (maintain): applied after the last push",
            id="with-the-override",
        ),
        pytest.param(None, "waived by an accepted gate override", id="without-override-details"),
    ],
)
def test_waived_findings_are_suppressed_not_dropped(override: Override | None, justification: str) -> None:
    waived, kept = results(render(finding(waived=True), finding(line=9, message="other"), override=override))
    assert waived["suppressions"] == [{"kind": "external", "justification": justification}]
    assert waived["level"] == "error"
    assert "suppressions" not in kept


@pytest.mark.parametrize(
    ("change", "same"),
    [
        pytest.param({"line": 40}, True, id="line-moves-same-fingerprint"),
        pytest.param({"remedy": "other remedy"}, True, id="remedy-reworded-same-fingerprint"),
        pytest.param({"waived": True}, True, id="waived-same-fingerprint"),
        pytest.param({"message": "no steps at all"}, False, id="message-differs"),
        pytest.param({"path": "services/pay/other.yaml"}, False, id="path-differs"),
        pytest.param({"rule": "required-docs"}, False, id="rule-differs"),
    ],
)
def test_fingerprints(change: dict[str, Any], same: bool) -> None:
    first, second = results(render(finding(), finding(**change)))
    key = sarif.FINGERPRINT_KEY
    assert (first["partialFingerprints"][key] == second["partialFingerprints"][key]) is same


def test_fingerprints_are_stable_across_runs() -> None:
    """A fixed value: a change to the hashing would reopen every alert users have triaged."""
    assert sarif.fingerprint(finding()) == sarif.fingerprint(finding(line=1))
    assert sarif.fingerprint(finding()) == "b49f556aff96e795717ee25835d972d5d17154c78198448f6bcfe6ded90539f0"


def test_gate_check_format_sarif_end_to_end(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "# shop\n"}, "init")
    repo.commit({"services/payments/README.md": "# payments\n"}, "add payments")
    out = tmp_path / "gate.sarif"
    result = run_gate(
        "check", "--repo", str(repo.path), "--now", "2026-11-30T11:00:00Z", "--format", "sarif", "--output", str(out)
    )
    assert result.returncode == 1, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert_valid_sarif(document)
    (found,) = results(document)
    assert found["ruleId"] == "required-docs"
    assert found["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "services/payments"
