"""The report a person reads in a terminal: the verdict first, then findings grouped by service.

Every finding shows where (file:line), what, and the remedy. Colour only when asked for (the CLI
asks when stdout is a terminal and NO_COLOR is unset).
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from gate.core.models import Context, Finding, Outcome, Severity, Verdict
from gate.core.text import one_line, visible

if TYPE_CHECKING:
    from gate.core.judge import Judgement

_COLOURS = {"red": "31", "yellow": "33", "blue": "34", "green": "32", "dim": "2", "bold": "1"}
_MARK = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.NOTICE: "i"}
_SEVERITY_COLOUR = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTICE: "blue"}
_OUTCOME_COLOUR = {Outcome.PASS: "green", Outcome.FAIL: "red", Outcome.OVERRIDDEN: "yellow"}


def render(judgement: Judgement, *, color: bool = False) -> str:
    verdict, context = judgement.verdict, judgement.context

    def paint(text: str, colour: str) -> str:
        return f"\033[{_COLOURS[colour]}m{text}\033[0m" if color else text

    lines = [_headline(verdict, context, paint), ""]
    groups = _group(verdict, context)
    if not verdict.findings:
        touched = one_line(", ".join(s.path for s in context.services)) or "no service"
        lines.append(f"No findings: {len(context.files)} changed file(s), {touched} judged.")
        lines.append("")
    for title, findings in groups:
        lines.append(paint(title, "bold"))
        for finding in findings:
            lines.extend(_finding(finding, paint))
        lines.append("")
    if verdict.activations:
        lines.append(paint("Flag activations", "bold"))
        for activation in verdict.activations:
            state = paint("in the window", "green") if activation.in_window else paint("OUTSIDE the window", "red")
            path = one_line(activation.path)
            where = f"{path}:{activation.line}" if activation.line else path
            at = activation.at.astimezone(UTC).strftime("%a %Y-%m-%d %H:%M UTC")
            detail = f" ({one_line(activation.detail)})" if activation.detail else ""
            lines.append(f"  {one_line(activation.flag)}: {activation.change}{detail} at {at}, {state}  {where}")
        lines.append("")
    if verdict.override is not None:
        o = verdict.override
        decision = "accepted" if o.accepted else "rejected"
        lines.append(paint("Override", "bold"))
        lines.append(one_line(f"  label {o.label} by {o.actor or 'unknown'} ({o.role or 'no role'}): {decision}: "
                              f"{o.reason}"))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _headline(verdict: Verdict, context: Context, paint: object) -> str:
    counts = (
        f"{len(verdict.blocking)} blocking, {len(verdict.waived)} waived, "
        f"{verdict.count(Severity.WARNING)} warning(s), {verdict.count(Severity.NOTICE)} notice(s)"
    )
    outcome = verdict.outcome.value.upper()
    painted = paint(outcome, _OUTCOME_COLOUR[verdict.outcome])  # type: ignore[operator]
    return f"gate: {painted}: {counts} ({context.base[:12]}..{context.head[:12]})"


def _group(verdict: Verdict, context: Context) -> list[tuple[str, list[Finding]]]:
    by_service: dict[str, list[Finding]] = {}
    titles: dict[str, str] = {}
    for service in context.services:
        titles[service.path] = f"{one_line(service.path)} ({service.status.value})"
    for finding in verdict.findings:
        owner = context.service_of(finding.path) if finding.path else None
        key = owner.path if owner else ""
        by_service.setdefault(key, []).append(finding)
    ordered = [key for key in titles if key in by_service]
    if "" in by_service:
        ordered.append("")
    return [(titles.get(key, "Outside any service"), by_service[key]) for key in ordered]


def _finding(finding: Finding, paint: object) -> list[str]:
    colour = _SEVERITY_COLOUR[finding.severity]
    mark = paint(f"{_MARK[finding.severity]} {finding.severity.value}", colour)  # type: ignore[operator]
    # What a finding quotes (a path, a name, a value from a file) may hold line breaks or a
    # terminal's escape sequences: shown escaped, so the terminal only ever receives gate's own
    # colours, and each line of a message stays indented under its finding.
    where = one_line(finding.path) if finding.path else "(change)"
    if finding.line:
        where += f":{finding.line}"
    waived = (" [waived]" if finding.waived else "") + (" [pre-existing]" if finding.pre_existing else "")
    out = [f"  {mark}{waived} {finding.rule}  {where}", _indent(visible(finding.message))]
    if finding.remedy:
        out.append(_indent(f"fix: {visible(finding.remedy)}"))
    return out


def _indent(text: str) -> str:
    """Every line of a multi-line message stays under its finding."""
    return "\n".join(f"      {line}" for line in text.split("\n") or [""])
