"""The notice's facts as one-line statements, shared by the plain-text and the chat renderings (pure)."""

from __future__ import annotations

from collections.abc import Callable

from gate.core.models import Activation, Finding, Outcome
from gate.core.notice.canary import CanaryChange
from gate.core.notice.model import Notice


def title(notice: Notice, subject: Callable[[str], str] = str) -> str:
    """`Deployed owner/name@sha [FAIL]: subject`; `subject` renders the commit's own text (for chat)."""
    tag = "" if notice.outcome is Outcome.PASS else f" [{notice.outcome.value.upper()}]"
    return f"Deployed {notice.repository}@{notice.commit.short}{tag}: {subject(notice.commit.subject)}"


def services_line(notice: Notice) -> str:
    return ", ".join(f"{s.name} ({s.status.value})" for s in notice.services) or "none"


def override_lines(notice: Notice) -> list[str]:
    override = notice.override
    if override is None:
        return []
    decision = "accepted" if override.accepted else "not accepted"
    who = override.actor or "unknown"
    lines = [f"label {override.label} by {who} ({override.role or 'no role'}): {decision}: {override.reason}"]
    lines += [f"waived: {finding_line(f)}" for f in notice.waived]
    return lines


def finding_line(finding: Finding) -> str:
    where = f"{finding.path}:{finding.line}" if finding.path and finding.line else (finding.path or "(change)")
    return f"{finding.rule} at {where}: {finding.message}"


def activation_line(activation: Activation) -> str:
    where = f"{activation.path}:{activation.line}" if activation.line else activation.path
    return f"{activation.flag} ({activation.format}, {activation.change}) {where}"


def canary_lines(canary: CanaryChange) -> list[str]:
    """A heading line for the canary, then one indented line per setting it changes."""
    where = f"{canary.namespace}/{canary.name}" if canary.namespace else canary.name
    head = f"{where} -> {canary.target or 'no target'} ({canary.path}:{canary.line}){', new' if canary.is_new else ''}"
    lines = [head]
    for setting in canary.settings:
        if canary.is_new:
            lines.append(f"  {setting.key}: {setting.value}")
        else:
            lines.append(f"  {setting.key}: {setting.before or '(unset)'} -> {setting.value or '(unset)'}")
    if not canary.settings:
        lines.append("  no progression or analysis setting changed")
    return lines
