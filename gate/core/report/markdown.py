"""The Markdown report: the Actions job summary and the body of the pull-request comment.

The verdict comes first, then the counts, a narrow table with a row for every finding and each
finding's message and remedy below it, the flag activations drawn against the golden window (a
Mermaid gantt chart GitHub renders, on the policy's clock) with a table of them, and the override
decision. It is laid out for a pull-request comment's width (about 690 px): nothing in it scrolls
sideways. GitHub caps a step summary at 1 MiB (and a comment at 65536 characters), so the report fits
a byte budget: messages and remedies are shortened first, and the report says so, but every finding
keeps its row. Text from findings is hostile (a pull request chooses its paths and names): it is
escaped so it can never become markup, a link or a mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from gate import __version__
from gate.core.models import Activation, Context, Finding, Outcome, Override, Severity, Verdict
from gate.core.text import printable
from gate.core.window import Freeze, describe_days, make_window
from gate.core.window import Window as GoldenWindow

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
    return len(printable(text).encode("utf-8"))  # as written: a name's non-UTF-8 bytes shown as \xNN


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
    """A compact table (number, severity, rule, where) that fits a comment's width, then each
    finding's message and remedy as a numbered entry below it, where long text wraps."""
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
        "| # | Severity | Rule | Where |",
        "| ---: | --- | --- | --- |",
    ]
    for number, finding in enumerate(findings, start=1):
        severity = f"{_SEVERITY_ICON[finding.severity]} {finding.severity.value}"
        if finding.waived:
            severity += ", waived"
        if finding.pre_existing:
            severity += ", pre-existing"
        where = _location(finding.path, finding.line, 60 if compact else None)
        lines.append(f"| {number} | {severity} | {code(finding.rule)} | {where} |")
    if limit != 0:
        lines.append("")
        for number, finding in enumerate(findings, start=1):
            # The entry starts with the rule as code, so a message can never open a block of its own
            # (a heading, a quote, a nested list) at the start of the line.
            entry = f"{number}. {code(finding.rule)}: {inline(shorten(finding.message, limit))}"
            if finding.remedy:
                entry += f"<br>**Remedy:** {inline(shorten(finding.remedy, limit))}"
            lines.append(entry)
    return "\n".join(lines) + "\n"


def _activations(activations: Sequence[Activation], chart: Chart, compact: bool) -> str:
    if not activations:
        return ""
    zone = chart.window.zone_name
    lines = [f"### Flag activations ({len(activations)})", ""]
    if not compact:
        lines += [*gantt(activations, chart), ""]
    lines += [
        "| Flag | Change | Takes effect | In the window |",
        "| --- | --- | --- | --- |",
    ]
    for activation in activations:
        change = activation.change + (f": {activation.detail}" if activation.detail else "")
        inside = "✅ yes" if activation.in_window else "❌ no"
        where = _location(activation.path, activation.line, 60 if compact else None)
        when = _when(activation.at)
        if not chart.window.is_utc:
            when += f"<br>{chart.window.local(activation.at):%a %H:%M} {cell(zone)}"
        lines.append(
            f"| {code(activation.flag)}<br>{where} ({cell(activation.format)}) | {cell(change)} | {when} | {inside} |"
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
    """What the chart draws: the window and whether it is the default policy's."""

    window: GoldenWindow
    is_default: bool


@dataclass(frozen=True, slots=True)
class Axis:
    """Mermaid's `tickInterval` and `axisFormat` for a chart's span."""

    interval: str
    format: str


# Tick steps from fine to coarse, with Mermaid's name for each.
_TICK_STEPS: tuple[tuple[timedelta, str], ...] = (
    (timedelta(minutes=15), "15minute"),
    (timedelta(minutes=30), "30minute"),
    (timedelta(hours=1), "1hour"),
    (timedelta(hours=2), "2hour"),
    (timedelta(hours=3), "3hour"),
    (timedelta(hours=6), "6hour"),
    (timedelta(hours=12), "12hour"),
    (timedelta(days=1), "1day"),
    (timedelta(days=2), "2day"),
    (timedelta(days=3), "3day"),
    (timedelta(days=7), "7day"),
    (timedelta(days=14), "14day"),
)
# At most this many steps across the chart: at a comment's width (about 690 px, of which Mermaid
# keeps 150 for its margins) six labels such as "Mon 12:00" sit well apart in Mermaid 10 to 12.
MAX_TICK_STEPS = 5


def chart_axis(first: datetime, last: datetime) -> Axis:
    """The axis for a span: the finest step that puts at most MAX_TICK_STEPS steps across it,
    labelled with the time of day (and the weekday once the chart spans more than one
    day), or with the date for steps of a day or more. `first` and `last` are wall times."""
    span = last - first
    step, interval = next(((s, i) for s, i in _TICK_STEPS if span <= s * MAX_TICK_STEPS), _TICK_STEPS[-1])
    if step >= timedelta(days=1):
        return Axis(interval, "%a %d %b")
    return Axis(interval, "%H:%M" if first.date() == last.date() else "%a %H:%M")


def gantt(activations: Sequence[Activation], chart: Chart) -> list[str]:
    """A Mermaid gantt chart: the window's openings as bars, freezes as red bars, each activation as
    a milestone (red when outside the window), with a caption that says what the bars are.

    Everything is drawn on the policy's wall clock (its timezone), which the title names: Mermaid
    reads the times as they are written. An opening less its freezes is what is drawn, so frozen
    time never shows as open; a freeze is drawn only over the chart's span. Names are reduced to
    characters Mermaid's gantt grammar takes literally, and every task name starts with gate's own
    word ("flag", "frozen", a weekday), so a flag name or a freeze's reason can never be read as a
    keyword (`section`, `title`, a date), break or inject into the diagram.
    """
    window = chart.window
    shown = list(activations)[:MAX_CHART_ACTIVATIONS]
    openings = window_openings(window, shown)
    moments = [a.at for a in shown] + [s.start for s in openings] + [s.end for s in openings]
    first, last = min(moments), max(moments)
    # Holidays and recurring freezes are generated for the span drawn only, and as few bars as windows.
    freezes = [
        Span(max(f.start, first), min(f.end, last), f"frozen ({f.reason})")
        for f in window.freezes_between(first, last)[:MAX_CHART_WINDOWS]
    ]
    wall = window.local
    axis = chart_axis(_naive(wall(first)), _naive(wall(last)))
    zone = "UTC" if window.is_utc else window.zone_name
    lines = [
        "```mermaid",
        "gantt",
        f"    title {mermaid_text(f'Flag activations (times in {zone})', 80)}",
        "    dateFormat YYYY-MM-DD HH:mm",
        f"    axisFormat {axis.format}",
        f"    tickInterval {axis.interval}",
        "    todayMarker off",
    ]
    if openings:
        lines.append("    section Window")
        for number, span in enumerate(openings, start=1):
            lines.append(f"    {mermaid_text(span.label)} :active, w{number}, {_chart_time(span.start, window)}, "
                         f"{_chart_time(span.end, window)}")
    if freezes:
        lines.append("    section Freeze")
        for number, span in enumerate(freezes, start=1):
            lines.append(f"    {mermaid_text(span.label)} :crit, f{number}, {_chart_time(span.start, window)}, "
                         f"{_chart_time(span.end, window)}")
    lines.append("    section Flags")
    for number, activation in enumerate(shown, start=1):
        tags = "milestone" if activation.in_window else "crit, milestone"
        name = f"flag {activation.flag} {activation.change}"
        lines.append(f"    {mermaid_text(name, 40)} :{tags}, a{number}, {_chart_time(activation.at, window)}, 0m")
    lines += ["```", "", _caption(chart, zone, bool(freezes))]
    if len(activations) > len(shown):
        lines += ["", f"The chart shows the first {len(shown)} of {len(activations)} activations; the table lists all."]
    return lines


def _caption(chart: Chart, zone: str, frozen: bool) -> str:
    window = chart.window
    hours = f"{window.start:%H:%M}\u2013{window.end:%H:%M}"
    policy = "the default policy's" if chart.is_default else "the policy's"
    text = (
        f"Times in {zone}. Bars: {policy} golden window, {hours} {zone}, {describe_days(window.days)}"
        + (", less the freezes (red bars)" if frozen else "")
        + ". Diamonds: flag activations, red when outside the window."
    )
    return f"<sub>{cell(text)}</sub>"


def window_openings(window: GoldenWindow, activations: Iterable[Activation]) -> list[Span]:
    """The openings worth drawing, less their freezes: the window on each activation's day (on the
    policy's clock), and on the day of the next opening after each activation that falls outside.
    At most MAX_CHART_WINDOWS days. A day a freeze covers whole draws no bar; a day a freeze cuts
    into draws the open part(s) only."""
    days: set[date] = set()
    for activation in activations:
        at = activation.at.astimezone(UTC)
        local_day = window.local(at).date()
        if local_day.weekday() in window.days:
            days.add(local_day)
        if not activation.in_window and (opening := window.next_opening(at)) is not None:
            days.add(window.local(opening).date())
    spans: list[Span] = []
    for day in sorted(days)[:MAX_CHART_WINDOWS]:
        start = datetime.combine(day, window.start, tzinfo=window.zone).astimezone(UTC)
        end = datetime.combine(day, window.end, tzinfo=window.zone).astimezone(UTC)
        for piece_start, piece_end in _less_freezes(start, end, window.freezes_between(start, end)):
            local_start, local_end = window.local(piece_start), window.local(piece_end)
            label = f"{local_start:%a} {local_start:%H.%M}-{local_end:%H.%M}"
            spans.append(Span(piece_start, piece_end, label))
    return spans


def _less_freezes(start: datetime, end: datetime, freezes: Iterable[Freeze]) -> list[tuple[datetime, datetime]]:
    """[start, end) without the parts any freeze covers, as ordered, non-empty pieces."""
    pieces = [(start, end)]
    for freeze in freezes:
        cut: list[tuple[datetime, datetime]] = []
        for low, high in pieces:
            if freeze.end <= low or freeze.start >= high:
                cut.append((low, high))
                continue
            if low < freeze.start:
                cut.append((low, freeze.start))
            if freeze.end < high:
                cut.append((freeze.end, high))
        pieces = cut
    return sorted(pieces)


def mermaid_text(text: str, limit: int = 60) -> str:
    """Text safe as a gantt task or section name: no `:`, `;`, `#`, `%`, quotes, HTML or newlines."""
    safe = _MERMAID_UNSAFE.sub("_", text).strip()
    safe = re.sub(r"\s+", " ", safe)[:limit].strip()
    return safe or "_"


# Letters of any script pass (holidays have local names: "Inmaculada Concepción"); punctuation
# beyond a few harmless marks does not.
_MERMAID_UNSAFE = re.compile(r"[^\w ./()+=-]")


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def _chart_time(moment: datetime, window: GoldenWindow) -> str:
    """The wall time on the policy's clock, which Mermaid draws as written."""
    return window.local(moment).strftime("%Y-%m-%d %H:%M")


# --- escaping ----------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
# U+2060 WORD JOINER: invisible, and it breaks what GitHub would turn into a mention (@name), a
# reference (#12, GH-12) or a link (https://…, www.…, name@host.example) without changing the text
# a reader sees.
_JOINER = "\u2060"
_AUTOLINKS = re.compile(r"(@)(?=[A-Za-z0-9])|(#)(?=[0-9])|(\bGH-)(?=[0-9])|(:)(?=//)|(\bwww)(?=\.)", re.IGNORECASE)
_BACKTICK_RUN = re.compile(r"`+")


def cell(text: str) -> str:
    """Text as literal GitHub-flavoured Markdown on one line (a table cell or a list entry): no
    HTML, link, mention, reference, emphasis, math or code, and no table separator."""
    return _escape(_one_kind_of_newline(text).strip("\n"))


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINKS.sub(lambda match: match.group() + _JOINER, text)
    return text.replace("\n", "<br>")


def _one_kind_of_newline(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def code(text: str) -> str:
    """Text as an inline code span in a table cell, or escaped text when a code span cannot hold it."""
    if "`" in text or "\n" in text or "\r" in text or not text.strip():
        return cell(text)
    # In a GFM table a pipe must be escaped even inside a code span; the table parser removes the `\`.
    return "`" + text.replace("|", "\\|") + "`"


def inline(text: str) -> str:
    """A message or remedy on one line: its `backtick-delimited` segments as code spans, the rest
    escaped as by `cell`.

    A segment opens at a run of backticks and closes at the next run of the same length, as in
    CommonMark; a run without its pair stays a literal (escaped) backtick. Each span is fenced with
    one backtick more than its longest inner run, so nothing inside can close it early; a segment
    across a line break stays text (a line break would let the next line start a block). Whatever
    the pairing, the worst outcome is the wrong text shown as code: never a link, HTML, a mention
    or a fence left open.
    """
    text = _one_kind_of_newline(text).strip("\n")
    parts: list[str] = []
    runs = list(_BACKTICK_RUN.finditer(text))
    done = 0  # text[:done] is rendered
    index = 0
    while index < len(runs):
        opener = runs[index]
        closer = next((j for j in range(index + 1, len(runs)) if len(runs[j].group()) == len(opener.group())), None)
        content = text[opener.end() : runs[closer].start()] if closer is not None else ""
        if closer is None or "\n" in content or not content.strip():
            index += 1
            continue
        parts += [_escape(text[done : opener.start()]), code_span(content)]
        done = runs[closer].end()
        index = closer + 1
    parts.append(_escape(text[done:]))
    return "".join(parts)


def code_span(content: str) -> str:
    """A code span outside a table showing what CommonMark shows for `content` between a pair of
    backtick runs: one space stripped each side when both have one. Its fence is longer than any
    backtick run inside, with a space each side when the text starts or ends with a backtick or a
    space (CommonMark then strips exactly those)."""
    if content.startswith(" ") and content.endswith(" ") and content.strip():
        content = content[1:-1]
    fence = "`" * (max((len(run) for run in _BACKTICK_RUN.findall(content)), default=0) + 1)
    if content.startswith(("`", " ")) or content.endswith(("`", " ")):
        content = f" {content} "
    return f"{fence}{content}{fence}"


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
        is_row = in_findings and line.startswith("| ") and not line.startswith(("| # |", "| ---"))
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
