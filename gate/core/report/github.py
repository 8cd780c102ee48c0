"""Findings as GitHub Actions workflow commands (annotations on the pull request's files).

One command per finding, escaped as the Actions toolkit escapes them, so a message can never end
the command early or start another one. GitHub shows at most 10 annotations of each level per
step; the rest are summed up on a plain log line pointing to the job summary, never dropped
silently. A waived finding is annotated as a notice that says it was waived.

GitHub shows an annotation on the pull request only when it names a file (and a line); one on a
folder is listed in the run but shown nowhere in the diff. A finding about a folder (a service
missing its documentation) is therefore annotated on a file of that folder the change touched, at
line 1: the folder's README.md when the change touched it, else the first such file. The finding
itself keeps the folder as its path (the JSON report and SARIF are unchanged).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from gate.core.models import Context, Finding, Severity, Verdict

if TYPE_CHECKING:
    from gate.core.judge import Judgement

# GitHub displays at most this many annotations of each level (error, warning, notice) per step.
MAX_ANNOTATIONS_PER_LEVEL = 10

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "notice"}
_NOUN = {Severity.ERROR: ("error", "errors"), Severity.WARNING: ("warning", "warnings"),
         Severity.NOTICE: ("notice", "notices")}
_LEVELS = (Severity.ERROR, Severity.WARNING, Severity.NOTICE)


def escape_data(text: str) -> str:
    """The toolkit's escaping of a command's message (toCommandValue + escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """The toolkit's escaping of a property value: the message's, plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, properties: Mapping[str, str | int | None], message: str) -> str:
    """`::command key=value,...::message`, leaving out properties whose value is None."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{command}{' ' + props if props else ''}::{escape_data(message)}"


def level_of(finding: Finding) -> Severity:
    """The annotation level: a waived finding no longer blocks, so it is shown as a notice."""
    return Severity.NOTICE if finding.waived else finding.severity


def annotated_location(finding: Finding, context: Context | None) -> tuple[str | None, int | None]:
    """The file and line GitHub shows the finding on (see the module's docstring)."""
    path, line = finding.path, finding.line
    if not path or line is not None or context is None or context.file(path) is not None:
        return path, line
    prefix = path.rstrip("/") + "/"
    touched = [f.path for f in context.files if f.exists_at_head and f.path.startswith(prefix)]
    if not touched:
        return path, line
    readmes = [p for p in touched if p[len(prefix):].lower() == "readme.md"]
    # Else the shallowest, then alphabetically first: a file of the folder itself before a nested one.
    chosen = readmes[0] if readmes else min(touched, key=lambda p: (p.count("/"), p))
    return chosen, 1


def annotation(finding: Finding, context: Context | None = None) -> str:
    message = finding.message
    if finding.waived:
        message = f"waived by an accepted override: {message}"
    if finding.remedy:
        message += f"\n\nFix: {finding.remedy}"
    title = finding.rule + (" (waived)" if finding.waived else "") + (" (pre-existing)" if finding.pre_existing else "")
    path, line = annotated_location(finding, context)
    properties: dict[str, str | int | None] = {
        "file": path or None,
        # A line means nothing without a file, so it goes with the file only.
        "line": line if path and line else None,
        "title": title,
    }
    return workflow_command(_COMMAND[level_of(finding)], properties, message)


def workflow_commands(
    verdict: Verdict, context: Context | None = None, limit: int = MAX_ANNOTATIONS_PER_LEVEL
) -> list[str]:
    """At most `limit` annotations per level, errors first, then one plain line per level that
    counts the findings left unannotated."""
    lines: list[str] = []
    for level in _LEVELS:
        findings = [f for f in verdict.findings if level_of(f) is level]
        lines += [annotation(f, context) for f in findings[:limit]]
        rest = len(findings) - limit
        if rest > 0:
            singular, plural = _NOUN[level]
            lines.append(f"{rest} more {singular if rest == 1 else plural} not annotated: see the job summary")
    return lines


def headline(verdict: Verdict, context: Context) -> str:
    """The verdict in one plain line: `gate: fail: 2 blocking, 0 waived, ... (base..head)`."""
    counts = (
        f"{len(verdict.blocking)} blocking, {len(verdict.waived)} waived, "
        f"{verdict.count(Severity.WARNING)} warning(s), {verdict.count(Severity.NOTICE)} notice(s)"
    )
    return f"gate: {verdict.outcome.value}: {counts} ({context.base[:12]}..{context.head[:12]})"


def render(judgement: Judgement) -> str:
    verdict, context = judgement.verdict, judgement.context
    # A plain line first (never a command: it starts with "gate"), so the log says the verdict.
    return "\n".join([headline(verdict, context), *workflow_commands(verdict, context)]) + "\n"
