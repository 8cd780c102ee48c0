"""The JSON report, version 1 (DESIGN §3): a stable contract for users' pipelines.

It is built field by field from the internal types, so internal changes cannot leak into it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from gate.core.models import Activation, Finding, Override
from gate.core.text import printable_data
from gate.core.times import utc_iso

if TYPE_CHECKING:
    from gate.core.judge import Judgement

VERSION = 1


utc = utc_iso  # kept for importers of the report's time format


def document(judgement: Judgement) -> dict[str, Any]:
    """The report as JSON-ready data; every string printable (a path's bytes that are not UTF-8 as `\\xNN`)."""
    report: dict[str, Any] = printable_data(_document(judgement))
    return report


def _document(judgement: Judgement) -> dict[str, Any]:
    verdict, context = judgement.verdict, judgement.context
    return {
        "version": VERSION,
        "verdict": verdict.outcome.value,
        "base": context.base,
        "head": context.head,
        "now": utc(context.now),
        "services": [
            {"name": s.name, "path": s.path, "status": s.status.value} for s in context.services
        ],
        "activations": [_activation(a) for a in verdict.activations],
        "findings": [_finding(f) for f in verdict.findings],
        "override": _override(verdict.override),
    }


def render(judgement: Judgement) -> str:
    return json.dumps(document(judgement), indent=2, ensure_ascii=False) + "\n"


def _activation(activation: Activation) -> dict[str, Any]:
    return {
        "flag": activation.flag,
        "path": activation.path,
        "line": activation.line,
        "format": activation.format,
        "change": activation.change,
        "at": utc(activation.at),
        "in_window": activation.in_window,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
        "remedy": finding.remedy,
        "waived": finding.waived,
        # Optional (DESIGN §3): present only on findings about objects the change left as they were.
        **({"pre_existing": True} if finding.pre_existing else {}),
    }


def _override(override: Override | None) -> dict[str, Any] | None:
    if override is None:
        return None
    return {
        "label": override.label,
        "actor": override.actor,
        "role": override.role,
        "accepted": override.accepted,
        "reason": override.reason,
    }
