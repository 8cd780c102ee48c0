"""The Markdown report: the Actions job summary and the body of the pull-request comment.

The verdict comes first, then the counts, a table with a row for every finding, the flag
activations drawn against the golden window (a Mermaid gantt chart GitHub renders) with a table of
them, and the override decision. GitHub caps a step summary at 1 MiB (and a comment at 65536
characters), so the report fits a byte budget: messages and remedies are shortened first, and the
report says so, but every finding keeps its row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from gate import __version__
from gate.core.models import Activation, Context, Finding, Outcome, Override, Severity, Verdict
from gate.core.window import Window as GoldenWindow
from gate.core.window import make_window

if TYPE_CHECKING:
    from gate.core.judge import Judgement
    from gate.core.policy import Policy

# GitHub's limit for $GITHUB_STEP_SUMMARY is 1 MiB per step; the margin leaves room for what the
# action adds around the report (a marker, a newline) and for rounding in GitHub's own count.
STEP_SUMMARY_LIMIT = 1024 * 1024
DEFAULT_BUDGET = STEP_SUMMARY_LIMIT - 16 * 1024
# An issue or pull-request comment body is limited to 65536 characters; bytes >= characters.
COMMENT_BUDGET = 65536 - 1024

# Mermaid renders slowly and GitHub refuses very large diagrams: draw at most this many activations
# and windows (the activation table below the chart always lists every one).
MAX_CHART_ACTIVATIONS = 40
MAX_CHART_WINDOWS = 14

# The default policy's window (DESIGN §4), drawn when the caller does not pass the policy's own.
DEFAULT_WINDOW = make_window("10:00", "13:00", "UTC", ("monday", "tuesday", "wednesday", "thursday", "friday"))

# Lengths messages and remedies are cut to, tried in turn until the report fits the budget.
_CELL_LIMITS: tuple[int | None, ...] = (None, 1000, 400, 160, 80, 40, 0)

_OUTCOME_HEADLINE = {
    Outcome.PASS: ("✅", "pass", "Nothing blocks this change."),
    Outcome.FAIL: ("❌", "fail", "This change is blocked until every blocking finding is fixed or waived."),
    Outcome.OVERRIDDEN: ("⚠️", "overridden", "Blocking findings were waived by an accepted override."),
}
_SEVERITY_ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.NOTICE: "ℹ️"}


@dataclass(frozen=True, slots=True)
class Span:
    """A bar on the chart: one opening of the window, or a freeze."""

    start: datetime
    end: datetime
    label: str


def render(judgement: Judgement, *, budget: int = DEFAULT_BUDGET) -> str:
    """The report of a judgement, with the golden window of the policy that judged it."""
    policy = judgement.policy
    window = None if policy.is_default else policy_window(policy)
    return render_markdown(judgement.verdict, judgement.context, budget=budget, window=window)


def render_markdown(
    verdict: Verdict,
    context: Context,
    *,
    budget: int = DEFAULT_BUDGET,
    window: GoldenWindow | None = None,
) -> str:
    """The report in at most `budget` UTF-8 bytes whenever a row per finding can fit at all.

    `window` is the policy's golden window (`policy.options("golden-window").window()`), drawn
    around the activations; without it the chart draws the default policy's window (10:00 to 13:00
    UTC, Monday to Friday) and says so.
    """
    chart = Chart(window or DEFAULT_WINDOW, is_default=window is None)
    text = ""
    for limit in _CELL_LIMITS:
        text = _compose(verdict, context, chart, limit, compact=False)
        if _size(text) <= budget:
            return text
    # Even without messages the rows do not fit (tens of thousands of findings): drop the chart
    # and shorten paths, still one row per finding.
    text = _compose(verdict, context, chart, 0, compact=True)
    if _size(text) <= budget:
        return text
    return _cut_rows(text, budget, len(verdict.findings))


def policy_window(policy: Policy) -> GoldenWindow | None:
    """The golden window a policy configures, to pass as `render_markdown(..., window=...)`."""
    from gate.core.checks import golden_window

    options = policy.options(golden_window.ID)
    return options.window() if isinstance(options, golden_window.Options) else None


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _compose(
    verdict: Verdict,
    context: Context,
    chart: Chart,
    limit: int | None,
    compact: bool,
) -> str:
    parts = [
        _headline(verdict, context),
        _findings(verdict.findings, limit, compact),
        _activations(verdict.activations, chart, compact),
        _override(verdict),
        f"<sub>gate {__version__}</sub>\n",
    ]
    return "\n".join(part for part in parts if part)


def _headline(verdict: Verdict, context: Context) -> str:
    icon, word, meaning = _OUTCOME_HEADLINE[verdict.outcome]
    change = f"`{context.base[:12]}..{context.head[:12]}`"
    where = ""
    if context.repository:
        where = f" in {cell(context.repository)}"
        if context.pull_request is not None:
            where += f" (pull request #{context.pull_request.number})"
    lines = [
        f"## {icon} gate: {word}",
        "",
        meaning,
        "",
        "| Blocking | Waived | Warnings | Notices | Flag activations |",
        "| ---: | ---: | ---: | ---: | ---: |",
        f"| {len(verdict.blocking)} | {len(verdict.waived)} | {verdict.count(Severity.WARNING)} "
        f"| {verdict.count(Severity.NOTICE)} | {len(verdict.activations)} |",
        "",
        f"Change {change}{where}, judged at {_when(context.now)}.",
        "",
    ]
    return "\n".join(lines)


def _findings(findings: Sequence[Finding], limit: int | None, compact: bool) -> str:
    if not findings:
        return "### Findings\n\nNo findings.\n"
    lines = [f"### Findings ({len(findings)})", ""]
    if limit is not None:
        if limit == 0:
            lines += ["> [!NOTE]", "> Messages and remedies are left out to keep this report within GitHub's size "
                      "limit; `gate check --format json` gives them in full.", ""]
        else:
            lines += ["> [!NOTE]", f"> Messages and remedies are shortened to {limit} characters to keep this report "
                      "within GitHub's size limit; `gate check --format json` gives them in full.", ""]
    if compact:
        lines += ["> Paths are shortened too.", ""]
    lines += [
        "| Severity | Rule | Where | Message | Remedy | Waived |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for finding in findings:
        severity = f"{_SEVERITY_ICON[finding.severity]} {finding.severity.value}"
        where = _location(finding.path, finding.line, 60 if compact else None)
        lines.append(
            f"| {severity} | {code(finding.rule)} | {where} | {cell(shorten(finding.message, limit))} "
            f"| {cell(shorten(finding.remedy, limit))} | {'yes' if finding.waived else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def _activations(activations: Sequence[Activation], chart: Chart, compact: bool) -> str:
    if not activations:
        return ""
    lines = [f"### Flag activations ({len(activations)})", ""]
    if not compact:
        lines += [*gantt(activations, chart), ""]
    lines += [
        "| Flag | Change | Takes effect (UTC) | In the window | Where | Format |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for activation in activations:
        change = activation.change + (f": {activation.detail}" if activation.detail else "")
        inside = "✅ yes" if activation.in_window else "❌ no"
        lines.append(
            f"| {code(activation.flag)} | {cell(change)} | {_when(activation.at)} | {inside} "
            f"| {_location(activation.path, activation.line, 60 if compact else None)} | {cell(activation.format)} |"
        )
    return "\n".join(lines) + "\n"


def _override(verdict: Verdict) -> str:
    override: Override | None = verdict.override
    waived = verdict.waived
    if override is None and not waived:
        return ""
    lines = ["### Override", ""]
    if override is not None:
        decision = "✅ accepted" if override.accepted else "❌ rejected"
        lines += [
            "| Label | Actor | Role | Decision | Reason |",
            "| --- | --- | --- | --- | --- |",
            f"| {code(override.label)} | {code(override.actor) if override.actor else 'unknown'} "
            f"| {cell(override.role or 'unknown')} | {decision} | {cell(override.reason)} |",
            "",
        ]
    if waived:
        noun = "finding" if len(waived) == 1 else "findings"
        lines.append(f"Waived: {len(waived)} blocking {noun}, each marked in the table above:")
        lines.append("")
        by_rule: dict[str, list[Finding]] = {}
        for finding in waived:
            by_rule.setdefault(finding.rule, []).append(finding)
        for rule, findings in by_rule.items():
            lines.append(f"- {code(rule)}: {len(findings)}")
    else:
        lines.append("Nothing was waived.")
    return "\n".join(lines) + "\n"


# --- the picture -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chart:
    window: GoldenWindow
    is_default: bool


def gantt(activations: Sequence[Activation], chart: Chart) -> list[str]:
    """A Mermaid gantt chart: the window's openings as bars, each activation as a milestone.

    Activations outside the window are `crit` (red), and so are freezes. Names are reduced to
    characters Mermaid's gantt grammar takes literally, so a flag name can never break or inject
    into the diagram. Times are drawn in UTC.
    """
    shown = list(activations)[:MAX_CHART_ACTIVATIONS]
    openings = window_openings(chart.window, shown)
    # Holidays and recurring freezes are generated for the span drawn, and as few bars as windows.
    drawn = chart.window.freezes_between(openings[0].start, openings[-1].end) if openings else []
    freezes = [Span(f.start, f.end, f"freeze {f.reason}") for f in drawn[:MAX_CHART_WINDOWS]]
    hours = f"{chart.window.start:%H.%M}-{chart.window.end:%H.%M} {chart.window.zone_name}"
    title = f"Golden window {hours}" + (" (default policy)" if chart.is_default else "")
    lines = [
        "```mermaid",
        "gantt",
        "    title Flag activations against the golden window (UTC)",
        "    dateFormat YYYY-MM-DD HH:mm",
        "    axisFormat %a %d %H:%M",
        "    todayMarker off",
        f"    section {mermaid_text(title)}",
    ]
    for number, span in enumerate(openings, start=1):
        lines.append(f"    {mermaid_text(span.label)} :active, w{number}, {_chart_time(span.start)}, "
                     f"{_chart_time(span.end)}")
    if freezes:
        lines.append("    section Freezes")
        for number, span in enumerate(freezes, start=1):
            lines.append(f"    {mermaid_text(span.label)} :crit, f{number}, {_chart_time(span.start)}, "
                         f"{_chart_time(span.end)}")
    lines.append("    section Activations")
    for number, activation in enumerate(shown, start=1):
        tags = "milestone" if activation.in_window else "crit, milestone"
        name = f"flag {activation.flag} {activation.change}"
        lines.append(f"    {mermaid_text(name)} :{tags}, a{number}, {_chart_time(activation.at)}, 0m")
    lines.append("```")
    if len(activations) > len(shown):
        lines += ["", f"The chart shows the first {len(shown)} of {len(activations)} activations; the table lists all."]
    return lines


def window_openings(window: GoldenWindow, activations: Iterable[Activation]) -> list[Span]:
    """The openings worth drawing: the window on each activation's day (on the policy's clock),
    and the next opening after each activation that falls outside. At most MAX_CHART_WINDOWS."""
    by_day: dict[date, datetime] = {}  # one bar per local day: its earliest opening

    def add(start: datetime) -> None:
        day = window.local(start).date()
        by_day[day] = min(start, by_day.get(day, start))

    for activation in activations:
        at = activation.at.astimezone(UTC)
        local_day = window.local(at).date()
        if local_day.weekday() in window.days:
            add(datetime.combine(local_day, window.start, tzinfo=window.zone).astimezone(UTC))
        if not activation.in_window and (opening := window.next_opening(at)) is not None:
            add(opening)
    spans = []
    for start in sorted(by_day.values())[:MAX_CHART_WINDOWS]:
        local = window.local(start)
        end = datetime.combine(local.date(), window.end, tzinfo=window.zone).astimezone(UTC)
        # An opening a freeze ends late starts then; on the chart the freeze bar shows the rest.
        spans.append(Span(start, end, f"open {local:%a %d %b} {local:%H.%M}-{window.end:%H.%M}"))
    return spans


def mermaid_text(text: str, limit: int = 60) -> str:
    """Text safe as a gantt task or section name: no `:`, `;`, `#`, `%`, quotes, HTML or newlines."""
    safe = _MERMAID_UNSAFE.sub("_", text).strip()
    safe = re.sub(r"\s+", " ", safe)[:limit].strip()
    return safe or "_"


# Letters of any script pass (holidays have local names: "Inmaculada Concepción"); punctuation
# beyond a few harmless marks does not.
_MERMAID_UNSAFE = re.compile(r"[^\w ./()+=-]")


def _chart_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


# --- escaping ----------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def cell(text: str) -> str:
    """Text as one GitHub-flavoured Markdown table cell: literal, on one line, no HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return text.replace("\n", "<br>")


def code(text: str) -> str:
    """Text as an inline code span in a table cell, or escaped text when a code span cannot hold it."""
    if "`" in text or "\n" in text or "\r" in text or not text.strip():
        return cell(text)
    # In a GFM table a pipe must be escaped even inside a code span; the table parser removes the `\`.
    return "`" + text.replace("|", "\\|") + "`"


def shorten(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    if limit == 0:
        return "…" if text else ""
    return text[: limit - 1].rstrip() + "…"


def _location(path: str | None, line: int | None, limit: int | None) -> str:
    if not path:
        return "(the change)"
    if limit is not None and len(path) > limit:
        path = "…" + path[-(limit - 1) :]
    return code(f"{path}:{line}" if line else path)


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a %Y-%m-%d %H:%M:%S UTC")


def _cut_rows(text: str, budget: int, total: int) -> str:
    """The last resort when even one short row per finding exceeds the budget: keep the rows that
    fit and say plainly how many are missing, never drop them silently."""
    lines = text.split("\n")
    note_size = 400
    kept: list[str] = []
    used = 0
    shown = 0
    in_findings = False
    for line in lines:
        if line.startswith("### Findings"):
            in_findings = True
        elif line.startswith("### "):
            in_findings = False
        is_row = in_findings and line.startswith("| ") and not line.startswith(("| Severity", "| ---"))
        if used + _size(line) + 1 > budget - note_size:
            if is_row:
                continue
            break
        kept.append(line)
        used += _size(line) + 1
        shown += is_row
    missing = total - shown
    kept += [
        "",
        f"> [!WARNING]\n> {missing} of {total} findings did not fit in GitHub's size limit and are not listed "
        "here; `gate check --format json` lists every one.",
        "",
    ]
    return "\n".join(kept)
