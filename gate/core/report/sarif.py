"""SARIF 2.1.0 for GitHub code scanning (`gate check --format sarif`).

One run whose tool is gate, with a rule for every check in the registry (its documentation is the
check's docstring) and for the rule ids the engine reports itself. Locations are relative to the
repository root (`%SRCROOT%`); a waived finding stays in the log as a suppressed result, so code
scanning shows it as dismissed with the override as justification. Fingerprints leave the line
out, so a finding keeps its identity when lines above it move.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from gate import __version__
from gate.core.checks import REGISTRY
from gate.core.models import (
    INTERNAL_ERROR,
    INVALID_FILE,
    OVERRIDE,
    POLICY,
    Context,
    Finding,
    Override,
    Severity,
)
from gate.core.text import printable_data

if TYPE_CHECKING:
    from gate.core.judge import Judgement

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
# Where a reader of a code-scanning alert learns about gate: its documentation of the rules.
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "gateFinding/v1"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "note"}

# The rule ids the engine reports itself (DESIGN §3), documented here since no check module has them.
ENGINE_RULES: dict[str, tuple[str, str]] = {
    INVALID_FILE: (
        "A file gate must read could not be read or parsed.",
        "A file gate must read could not be read or parsed.\n\ngate fails closed: a changed YAML file that "
        "does not parse, or a flag file it cannot read, blocks the change until it is fixed or the "
        "policy's `ignore` excludes it. A Helm template is reported as a notice.",
    ),
    OVERRIDE: (
        "Notices about an override label.",
        "Notices about an override label.\n\nWhen the override label is on the pull request, gate reports "
        "whether it was accepted (who applied it, their role) or why it was rejected.",
    ),
    INTERNAL_ERROR: (
        "A check crashed; gate cannot decide, so it blocks.",
        "A check crashed; gate cannot decide, so it blocks.\n\nThis is a bug in gate and is never waivable. "
        "Report it with the message; to unblock meanwhile, disable the check in the policy.",
    ),
    POLICY: (
        "Notices about which policy judged the change.",
        "Notices about which policy judged the change.\n\nA pull request that edits gate's policy is judged by the "
        "policy on the base side; the edit applies once merged. When the base's policy is invalid and the change "
        "fixes it, gate judges by the bundled default and says so.",
    ),
}


def rules() -> list[dict[str, Any]]:
    """Every rule gate can report: the registered checks in order, then the engine's own."""
    described = [(rule_id, spec.summary, spec.doc) for rule_id, spec in REGISTRY.items()]
    described += [(rule_id, short, full) for rule_id, (short, full) in ENGINE_RULES.items()]
    return [
        {
            "id": rule_id,
            "name": _pascal(rule_id),
            "shortDescription": {"text": short},
            "fullDescription": {"text": full},
            "help": {"text": full},
            "defaultConfiguration": {"level": "error"},
        }
        for rule_id, short, full in described
    ]


def fingerprint(finding: Finding) -> str:
    """Stable across runs and line moves: the rule, the path and the message, not the line."""
    key = "\0".join((finding.rule, finding.path or "", finding.message))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def document(judgement: Judgement) -> dict[str, Any]:
    verdict, context = judgement.verdict, judgement.context
    rule_list = rules()
    index = {rule["id"]: position for position, rule in enumerate(rule_list)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "gate",
                "semanticVersion": __version__,
                "version": __version__,
                "rules": rule_list,
            }
        },
        "results": [_result(f, index, verdict.override, _anchor(context)) for f in verdict.findings],
        "properties": {"verdict": verdict.outcome.value, "base": context.base, "head": context.head},
    }
    sarif: dict[str, Any] = printable_data({"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]})
    return sarif


def render(judgement: Judgement) -> str:
    return json.dumps(document(judgement), indent=2, ensure_ascii=False) + "\n"


def _result(finding: Finding, index: dict[str, int], override: Override | None, anchor: str) -> dict[str, Any]:
    text = finding.message + (f"\n\nFix: {finding.remedy}" if finding.remedy else "")
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [_location(finding, anchor)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.pre_existing:
        # SARIF's own word for a problem that was there before this change.
        result["baselineState"] = "unchanged"
    if finding.waived:
        result["suppressions"] = [{"kind": "external", "justification": _justification(override)}]
    return result


def _anchor(context: Context) -> str:
    """Where a finding about the change as a whole (no path) is shown.

    Code scanning rejects the whole upload when a result has no location or an empty uri, so such a
    finding is placed on the first file the change touches (the change is what it is about), or on
    the repository root when the change touches none.
    """
    at_head = [changed.path for changed in context.files if changed.exists_at_head]
    if at_head:
        return at_head[0]
    return context.files[0].path if context.files else "."


def _location(finding: Finding, anchor: str) -> dict[str, Any]:
    # A SARIF uri is a URI reference: a path with spaces or `%` must be percent-encoded, and so are
    # the bytes of a name that is not UTF-8, which git gave and gate keeps as they are.
    artifact = {"uri": quote(_bytes(finding.path or anchor), safe="/"), "uriBaseId": SRCROOT}
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if finding.path and finding.line:
        physical["region"] = {"startLine": finding.line}
    return {"physicalLocation": physical}


def _bytes(path: str) -> bytes:
    try:
        return path.encode("utf-8", "surrogateescape")  # the name's own bytes
    except UnicodeEncodeError:
        return path.encode("utf-8", "backslashreplace")


def _justification(override: Override | None) -> str:
    if override is None:
        return "waived by an accepted gate override"
    who = override.actor or "unknown"
    return f"waived by the override label {override.label} applied by {who} ({override.role or 'no role'}): " + (
        override.reason
    )


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))
