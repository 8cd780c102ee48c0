"""The Markdown report: verdict first, a row per finding, a valid chart, escaping, the size budget."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import MONDAY_11, GitRepo, judged_as, make_context, run_gate

from gate.core.models import Activation, Finding, Outcome, Override, Severity, Verdict
from gate.core.policy import parse_policy
from gate.core.report import markdown
from gate.core.report.markdown import COMMENT_BUDGET, DEFAULT_BUDGET, STEP_SUMMARY_LIMIT
from gate.core.window import Freeze, Window, make_window

CONTEXT = make_context({"services/pay/app.py": "x\n"})


def finding(i: int = 0, message: str = "no runbook", remedy: str = "add one", **kw: object) -> Finding:
    fields: dict[str, object] = {
        "rule": "required-docs",
        "severity": Severity.ERROR,
        "path": f"services/s{i}",
        "line": None,
        "message": message,
        "remedy": remedy,
        "waived": False,
    }
    fields.update(kw)
    return Finding(**fields)  # type: ignore[arg-type]


def activation(flag: str = "new-checkout", at: datetime = MONDAY_11, in_window: bool = True) -> Activation:
    return Activation(flag, "flags/f.json", 3, "flagd", "enabled", at, in_window)


def verdict(*findings: Finding, activations: tuple[Activation, ...] = (), override: Override | None = None,
            outcome: Outcome = Outcome.FAIL) -> Verdict:
    return Verdict(outcome=outcome, findings=findings, activations=activations, override=override)


def finding_rows(report: str) -> list[str]:
    section = report.split("### Findings", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return rows[2:]  # the header and the delimiter row


def entries(report: str) -> list[str]:
    """The numbered entries below the findings table: each finding's message and remedy."""
    section = report.split("### Findings", 1)[1].split("\n### ", 1)[0]
    return [line for line in section.splitlines() if re.match(r"\d+\. ", line)]


def cells(row: str) -> list[str]:
    """Split a table row on the pipes GFM treats as cell separators (not the escaped ones)."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]


# --- the verdict first --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "headline"),
    [
        pytest.param(Outcome.PASS, "## ✅ gate: pass", id="pass"),
        pytest.param(Outcome.FAIL, "## ❌ gate: fail", id="fail"),
        pytest.param(Outcome.OVERRIDDEN, "## ⚠️ gate: overridden", id="overridden"),
    ],
)
def test_the_verdict_comes_first_with_an_icon(outcome: Outcome, headline: str) -> None:
    report = markdown.render(judged_as(verdict(outcome=outcome), CONTEXT))
    assert report.splitlines()[0] == headline


def test_counts_table() -> None:
    findings = (
        finding(0),
        finding(1, waived=True),
        finding(2, severity=Severity.WARNING),
        finding(3, severity=Severity.NOTICE),
        finding(4, severity=Severity.NOTICE),
    )
    report = markdown.render(judged_as(verdict(*findings, activations=(activation(),)), CONTEXT))
    assert "| 1 | 1 | 1 | 2 | 1 |" in report.splitlines()


def test_25_findings_make_25_rows() -> None:
    report = markdown.render(judged_as(verdict(*[finding(i) for i in range(25)]), CONTEXT))
    rows = finding_rows(report)
    assert len(rows) == 25
    assert [cells(r)[:1] + cells(r)[3:] for r in rows] == [[str(i + 1), f"`services/s{i}`"] for i in range(25)]
    assert [e.split(".", 1)[0] for e in entries(report)] == [str(i + 1) for i in range(25)]
    assert "### Findings (25)" in report


@pytest.mark.parametrize(
    ("item", "row", "entry"),
    [
        pytest.param(finding(line=12, path="a/b.yaml"), ["1", "❌ error", "`required-docs`", "`a/b.yaml:12`"],
                     "1. `required-docs`: no runbook<br>**Remedy:** add one", id="with-line"),
        pytest.param(finding(path=None), ["1", "❌ error", "`required-docs`", "(the change)"],
                     "1. `required-docs`: no runbook<br>**Remedy:** add one", id="no-path"),
        pytest.param(finding(waived=True), ["1", "❌ error, waived", "`required-docs`", "`services/s0`"],
                     "1. `required-docs`: no runbook<br>**Remedy:** add one", id="waived"),
        pytest.param(finding(severity=Severity.NOTICE, pre_existing=True), ["1", "ℹ️ notice, pre-existing",
                     "`required-docs`", "`services/s0`"], "1. `required-docs`: no runbook<br>**Remedy:** add one",
                     id="pre-existing"),
        pytest.param(finding(severity=Severity.NOTICE, remedy=""), ["1", "ℹ️ notice", "`required-docs`", "`services/s0`"],
                     "1. `required-docs`: no runbook", id="notice-without-remedy"),
        pytest.param(finding(message="run `make docs`", remedy="add `runbook.yaml` to `services/s0`"),
                     ["1", "❌ error", "`required-docs`", "`services/s0`"],
                     "1. `required-docs`: run `make docs`<br>**Remedy:** add `runbook.yaml` to `services/s0`",
                     id="code-in-message-and-remedy"),
    ],
)
def test_a_finding_row_and_entry(item: Finding, row: list[str], entry: str) -> None:
    report = markdown.render(judged_as(verdict(item), CONTEXT))
    (line,) = finding_rows(report)
    assert cells(line) == row
    assert entries(report) == [entry]


def test_the_findings_table_has_four_narrow_columns() -> None:
    """Message and remedy live below the table, where long text wraps at a comment's width."""
    report = markdown.render(judged_as(verdict(finding(message="m" * 300, remedy="r" * 300)), CONTEXT))
    assert "| # | Severity | Rule | Where |" in report.splitlines()
    (line,) = finding_rows(report)
    assert "m" * 300 not in line and "r" * 300 not in line


# --- escaping -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        pytest.param("plain", "plain", id="plain"),
        pytest.param("a | b", r"a \| b", id="pipe"),
        pytest.param("one\ntwo", "one<br>two", id="newline"),
        pytest.param("one\r\ntwo\rthree", "one<br>two<br>three", id="crlf-and-cr"),
        pytest.param("run `make`", r"run \`make\`", id="backticks"),
        pytest.param("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", id="html"),
        pytest.param("a &lt; b", "a &amp;lt; b", id="entity-stays-literal"),
        pytest.param("*bold* _it_ [link](x) ~~s~~", r"\*bold\* \_it\_ \[link\](x) \~\~s\~\~", id="emphasis-links"),
        pytest.param("back\\slash", r"back\\slash", id="backslash"),
        pytest.param("\ntrailing\n", "trailing", id="outer-newlines-dropped"),
        pytest.param("ask @octocat or @acme/owners", "ask @\u2060octocat or @\u2060acme/owners", id="mentions"),
        pytest.param("see #12, GH-7, acme/shop#3", "see #\u206012, GH-\u20607, acme/shop#\u20603", id="references"),
        pytest.param("https://x.example www.x.example a@b.example", "https:\u2060//x.example www\u2060.x.example "
                     "a@\u2060b.example", id="literal-autolinks"),
        pytest.param("a@ b, #x, a:/b, www", "a@ b, #x, a:/b, www", id="look-alikes-untouched"),
        pytest.param("$x$", r"\$x\$", id="math"),
    ],
)
def test_cell_escaping(raw: str, escaped: str) -> None:
    assert markdown.cell(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "rendered"),
    [
        pytest.param("services/pay", "`services/pay`", id="plain-path"),
        pytest.param("a|b.yaml", r"`a\|b.yaml`", id="pipe-escaped-inside-code"),
        pytest.param("a`b.yaml", r"a\`b.yaml", id="backtick-falls-back-to-text"),
        pytest.param("a\nb", "a<br>b", id="newline-falls-back-to-text"),
    ],
)
def test_code_spans(raw: str, rendered: str) -> None:
    assert markdown.code(raw) == rendered


@pytest.mark.parametrize(
    ("raw", "rendered"),
    [
        pytest.param("plain", "plain", id="plain"),
        pytest.param("run `make docs`", "run `make docs`", id="one-span"),
        pytest.param("`a` and `b`", "`a` and `b`", id="two-spans"),
        pytest.param("``a ` b``", "``a ` b``", id="backtick-inside-longer-fence"),
        pytest.param("`a``b`", "```a``b```", id="run-inside-gets-a-longer-fence"),
        pytest.param("`` `x` ``", "`` `x` ``", id="spaces-kept-around-inner-backticks"),
        pytest.param("` x `", "`x`", id="one-space-each-side-stripped-as-commonmark-does"),
        pytest.param("`  x `", "`  x `", id="only-one-space-stripped"),
        pytest.param("` x`", "`  x `", id="one-sided-space-kept"),
        pytest.param("a lone ` here", r"a lone \` here", id="unpaired"),
        pytest.param("`a`` b", r"\`a\`\` b", id="runs-of-other-lengths-do-not-pair"),
        pytest.param("` `", r"\` \`", id="blank-is-not-code"),
        pytest.param("`a\nb`", r"\`a<br>b\`", id="not-across-lines"),
        pytest.param("`<b>@x [l](u)</b>` <b>@x", "`<b>@x [l](u)</b>` &lt;b&gt;@\u2060x", id="code-is-literal-text-is-escaped"),
        pytest.param("`a|b`", "`a|b`", id="pipe-in-code-outside-a-table"),
        pytest.param("one\r\ntwo\n", "one<br>two", id="line-breaks"),
    ],
)
def test_inline_code_spans(raw: str, rendered: str) -> None:
    assert markdown.inline(raw) == rendered


_INLINE_ALPHABET = "`a @#:/w.<>[]()|\\*_\n"


@pytest.mark.parametrize("seed", range(300))
def test_inline_never_lets_markup_out(seed: int) -> None:
    """Any pairing of backticks: outside code spans no character that starts markup is left raw,
    and every code span is closed on its line by a fence that occurs nowhere inside it."""
    import random

    rng = random.Random(seed)
    raw = "".join(rng.choice(_INLINE_ALPHABET) for _ in range(rng.randint(1, 30)))
    rendered = markdown.inline(raw)
    assert "\n" not in rendered and "\r" not in rendered
    outside: list[str] = []
    position = 0
    while position < len(rendered):
        char = rendered[position]
        if char == "\\":  # an escaped character is literal text
            outside.append(" ")
            position += 2
            continue
        if char == "`":
            fence = re.match(r"`+", rendered[position:]).group()  # type: ignore[union-attr]
            close = re.compile(rf"(?<!`){fence}(?!`)").search(rendered, position + len(fence))
            assert close, f"unclosed code span in {rendered!r} from {raw!r}"
            position = close.end()
            continue
        outside.append(char)
        position += 1
    text = "".join(outside).replace("<br>", " ")
    assert "<" not in text and ">" not in text, (raw, rendered)
    assert not re.search(r"[\[\]`*_|\\]", text), (raw, rendered)
    assert not re.search(r"@[A-Za-z0-9]|#[0-9]|://|www\.", text), (raw, rendered)


def test_hostile_text_keeps_the_table_and_the_list_shape() -> None:
    hostile = finding(
        path="services/a|b",
        message="| broken | table |\n\n### not a heading\n<details>\n1. not a new entry",
        remedy="```\ncode fence\n```",
        rule="required|docs",
    )
    report = markdown.render(judged_as(verdict(hostile, finding(1)), CONTEXT))
    rows = finding_rows(report)
    assert len(rows) == 2
    assert all(len(cells(row)) == 4 for row in rows)
    assert [e[:3] for e in entries(report)] == ["1. ", "2. "]
    assert "<details>" not in report
    assert "\n### not a heading" not in report
    assert "\n```\ncode fence" not in report
    assert "\n1. not a new entry" not in report


# --- the size budget ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "message_size", "budget"),
    [
        pytest.param(300, 10_000, DEFAULT_BUDGET, id="3MB-of-messages-into-the-step-summary"),
        pytest.param(200, 2_000, COMMENT_BUDGET, id="into-a-pr-comment"),
        pytest.param(5_000, 500, DEFAULT_BUDGET, id="5000-findings"),
        pytest.param(40, 5_000, 20_000, id="tight-budget"),
    ],
)
def test_shortens_messages_but_keeps_every_row(count: int, message_size: int, budget: int) -> None:
    findings = [finding(i, message=f"m{i} " + "x" * message_size, remedy="r" * message_size) for i in range(count)]
    report = markdown.render_markdown(verdict(*findings), CONTEXT, budget=budget)
    assert len(report.encode()) <= budget
    assert len(finding_rows(report)) == count
    assert "within GitHub's size limit" in report
    assert "gate check --format json" in report


def test_a_report_that_fits_is_not_shortened() -> None:
    findings = [finding(i, message="m" * 2000) for i in range(10)]
    report = markdown.render_markdown(verdict(*findings), CONTEXT, budget=STEP_SUMMARY_LIMIT)
    assert "m" * 2000 in report
    assert "size limit" not in report


def test_the_default_budget_is_under_githubs_cap() -> None:
    assert DEFAULT_BUDGET < STEP_SUMMARY_LIMIT == 1024 * 1024
    assert COMMENT_BUDGET < 65536


def test_when_even_short_rows_cannot_fit_it_says_how_many_are_missing() -> None:
    findings = [finding(i) for i in range(500)]
    report = markdown.render_markdown(verdict(*findings), CONTEXT, budget=6_000)
    assert len(report.encode()) <= 6_000
    shown = len(finding_rows(report))
    assert 0 < shown < 500
    assert f"{500 - shown} of 500 findings did not fit" in report


def test_shortened_text_is_cut_before_escaping() -> None:
    """An escape sequence is never cut in half (`&lt;` stays whole)."""
    findings = [finding(i, message="<" * 3000) for i in range(20)]
    report = markdown.render_markdown(verdict(*findings), CONTEXT, budget=40_000)
    for entry in entries(report):
        message = entry.split(": ", 1)[1].split("<br>", 1)[0]
        assert re.fullmatch(r"(&lt;)*…?", message), message


def test_without_messages_the_table_still_lists_every_finding() -> None:
    findings = [finding(i, message="m" * 500, remedy="r" * 500) for i in range(400)]
    report = markdown.render_markdown(verdict(*findings), CONTEXT, budget=30_000)
    assert len(report.encode()) <= 30_000
    assert len(finding_rows(report)) == 400
    assert entries(report) == []
    assert "Messages and remedies are left out" in report


# --- activations and the chart ------------------------------------------------------------------------

TASK = re.compile(
    r"^    [\w ./()+=-]+ :(active|crit|milestone|crit, milestone), [afw]\d+, "
    r"\d{4}-\d\d-\d\d \d\d:\d\d, (\d{4}-\d\d-\d\d \d\d:\d\d|0m)$"
)
MADRID = ZoneInfo("Europe/Madrid")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


def chart(report: str) -> list[str]:
    body = report.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    return body.splitlines()


def bars(lines: list[str], kind: str = "active") -> list[tuple[str, str]]:
    """(start, end) of each bar of a kind (`active` window openings, `crit` freezes), as written."""
    found = []
    for line in lines:
        if f" :{kind}, " in line and "milestone" not in line:
            _, start, end = line.rsplit(", ", 2)
            found.append((start, end))
    return found


def render_chart(*activations: Activation, window: Window | None = None) -> list[str]:
    return chart(markdown.render_markdown(verdict(activations=activations), CONTEXT, window=window))


def test_no_activations_no_chart() -> None:
    assert "mermaid" not in markdown.render(judged_as(verdict(finding()), CONTEXT))


@pytest.mark.parametrize(
    "flag",
    [
        pytest.param("plain-flag", id="plain"),
        pytest.param("a:b;c#d", id="gantt-separators"),
        pytest.param("x %% comment", id="mermaid-comment"),
        pytest.param("line\nsection evil", id="newline"),
        pytest.param("<img src=x onerror=alert(1)>", id="html"),
        pytest.param("section", id="keyword"),
        pytest.param("title x", id="title-keyword"),
        pytest.param("2026-01-01-launch", id="starts-with-a-date"),
        pytest.param("::::", id="only-unsafe"),
        pytest.param("é" * 200, id="long-unicode"),
    ],
)
def test_chart_task_names_are_sanitised(flag: str) -> None:
    lines = render_chart(activation(flag))
    assert lines[:7] == [
        "gantt",
        "    title Flag activations (times in UTC)",
        "    dateFormat YYYY-MM-DD HH:mm",
        "    axisFormat %H:%M",
        "    tickInterval 1hour",
        "    todayMarker off",
        "    section Window",
    ]
    tasks = [line for line in lines[7:] if not line.startswith("    section ")]
    assert tasks
    assert all(TASK.match(task) for task in tasks), tasks
    assert [line for line in lines if line.startswith("    section ")] == ["    section Window", "    section Flags"]


@pytest.mark.parametrize(
    ("first", "last", "interval", "axis_format"),
    [
        pytest.param("2026-11-30 10:00", "2026-11-30 11:00", "15minute", "%H:%M", id="one-hour"),
        pytest.param("2026-11-30 10:00", "2026-11-30 12:00", "30minute", "%H:%M", id="two-hours"),
        pytest.param("2026-11-30 10:00", "2026-11-30 13:00", "1hour", "%H:%M", id="the-default-window"),
        pytest.param("2026-11-30 08:00", "2026-11-30 20:00", "3hour", "%H:%M", id="a-long-day"),
        pytest.param("2026-11-30 10:00", "2026-12-01 13:00", "6hour", "%a %H:%M", id="into-the-next-day"),
        pytest.param("2026-11-30 09:00", "2026-12-03 19:00", "1day", "%a %d %b", id="four-days"),
        pytest.param("2026-11-30 10:00", "2026-12-10 10:00", "2day", "%a %d %b", id="ten-days"),
        pytest.param("2026-11-30 10:00", "2026-12-14 10:00", "3day", "%a %d %b", id="two-weeks"),
        pytest.param("2026-11-30 10:00", "2026-12-30 10:00", "7day", "%a %d %b", id="a-month"),
        pytest.param("2026-11-30 10:00", "2027-03-30 10:00", "14day", "%a %d %b", id="longer"),
        pytest.param("2026-11-30 10:00", "2026-11-30 10:00", "15minute", "%H:%M", id="one-moment"),
    ],
)
def test_the_tick_interval_fits_the_span(first: str, last: str, interval: str, axis_format: str) -> None:
    axis = markdown.chart_axis(datetime.fromisoformat(first), datetime.fromisoformat(last))
    assert (axis.interval, axis.format) == (interval, axis_format)


@pytest.mark.parametrize(
    ("at", "in_window", "windows"),
    [
        pytest.param(MONDAY_11, True, [("2026-11-30 10:00", "2026-11-30 13:00")], id="monday-inside"),
        pytest.param(MONDAY_11.replace(hour=14), False,
                     [("2026-11-30 10:00", "2026-11-30 13:00"), ("2026-12-01 10:00", "2026-12-01 13:00")],
                     id="monday-after-close-shows-tuesday"),
        pytest.param(MONDAY_11.replace(hour=8), False, [("2026-11-30 10:00", "2026-11-30 13:00")],
                     id="monday-before-open"),
        pytest.param(MONDAY_11 + timedelta(days=4, hours=3), False,
                     [("2026-12-04 10:00", "2026-12-04 13:00"), ("2026-12-07 10:00", "2026-12-07 13:00")],
                     id="friday-14h-shows-monday"),
        pytest.param(MONDAY_11 + timedelta(days=5), False, [("2026-12-07 10:00", "2026-12-07 13:00")],
                     id="saturday-shows-monday"),
    ],
)
def test_default_windows_around_an_activation(at: datetime, in_window: bool, windows: list[tuple[str, str]]) -> None:
    lines = render_chart(activation(at=at, in_window=in_window))
    assert bars(lines) == windows
    (milestone,) = [line for line in lines if "milestone" in line]
    assert ("crit" in milestone) is not in_window


@pytest.mark.parametrize(
    ("window", "at", "in_window", "title", "lines"),
    [
        pytest.param(
            make_window("09:00", "15:00", "UTC", ["monday"]),
            MONDAY_11, True,
            "    title Flag activations (times in UTC)",
            ["    Mon 09.00-15.00 :active, w1, 2026-11-30 09:00, 2026-11-30 15:00",
             "    flag new-checkout enabled :milestone, a1, 2026-11-30 11:00, 0m"],
            id="policy-hours-and-days",
        ),
        pytest.param(
            make_window("10:00", "13:00", "Europe/Madrid", ["monday", "tuesday"]),
            MONDAY_11.replace(hour=13), False,
            "    title Flag activations (times in Europe/Madrid)",
            [
                "    Mon 10.00-13.00 :active, w1, 2026-11-30 10:00, 2026-11-30 13:00",
                "    Tue 10.00-13.00 :active, w2, 2026-12-01 10:00, 2026-12-01 13:00",
                "    flag new-checkout enabled :crit, milestone, a1, 2026-11-30 14:00, 0m",
            ],
            id="drawn-in-madrids-wall-time",
        ),
        pytest.param(
            make_window("10:00", "13:00", "Europe/Madrid", ["friday", "monday"]),
            datetime(2026, 3, 27, 12, 30, tzinfo=UTC), False,
            "    title Flag activations (times in Europe/Madrid)",
            [
                "    Fri 10.00-13.00 :active, w1, 2026-03-27 10:00, 2026-03-27 13:00",
                "    Mon 10.00-13.00 :active, w2, 2026-03-30 10:00, 2026-03-30 13:00",
                "    flag new-checkout enabled :crit, milestone, a1, 2026-03-27 13:30, 0m",
            ],
            id="across-the-spring-clock-change",
        ),
    ],
)
def test_the_policys_window_is_drawn_on_its_clock(window: Window, at: datetime, in_window: bool, title: str,
                                                  lines: list[str]) -> None:
    drawn = render_chart(activation(at=at, in_window=in_window), window=window)
    assert drawn[1] == title
    assert [line for line in drawn if ":active, " in line or "milestone" in line] == lines


def test_a_whole_day_freeze_draws_no_window_bar_that_day() -> None:
    """Freeze from Tuesday 00:00 to Thursday 00:00 in Madrid; a flag turned on Tuesday waits for Thursday."""
    freeze = Freeze(datetime(2026, 12, 1, tzinfo=MADRID), datetime(2026, 12, 3, tzinfo=MADRID), "release freeze")
    window = make_window("09:00", "19:00", "Europe/Madrid", WEEKDAYS, [freeze])
    monday = activation("dark-mode", datetime(2026, 11, 30, 12, 0, tzinfo=MADRID), True)
    tuesday = activation("new-checkout", datetime(2026, 12, 1, 11, 0, tzinfo=MADRID), False)
    lines = render_chart(monday, tuesday, window=window)
    assert bars(lines) == [("2026-11-30 09:00", "2026-11-30 19:00"), ("2026-12-03 09:00", "2026-12-03 19:00")]
    assert bars(lines, "crit") == [("2026-12-01 00:00", "2026-12-03 00:00")]
    assert "    frozen (release freeze) :crit, f1, 2026-12-01 00:00, 2026-12-03 00:00" in lines
    assert all(TASK.match(line) for line in lines if line.startswith("    ") and " :" in line), lines


@pytest.mark.parametrize(
    ("freeze_hours", "expected"),
    [
        pytest.param((11, 12), [("2026-12-02 10:00", "2026-12-02 11:00"), ("2026-12-02 12:00", "2026-12-02 13:00")],
                     id="cut-in-two"),
        pytest.param((8, 11), [("2026-12-02 11:00", "2026-12-02 13:00")], id="opens-late"),
        pytest.param((12, 18), [("2026-12-02 10:00", "2026-12-02 12:00"), ("2026-12-03 10:00", "2026-12-03 13:00")],
                     id="closes-early"),
        pytest.param((9, 14), [("2026-12-03 10:00", "2026-12-03 13:00")], id="whole-window-next-day-drawn"),
    ],
)
def test_a_freeze_inside_a_day_leaves_only_the_open_part(freeze_hours: tuple[int, int],
                                                         expected: list[tuple[str, str]]) -> None:
    start, end = freeze_hours
    freeze = Freeze(datetime(2026, 12, 2, start, tzinfo=UTC), datetime(2026, 12, 2, end, tzinfo=UTC), "migration")
    window = make_window("10:00", "13:00", "UTC", WEEKDAYS, [freeze])
    at = datetime(2026, 12, 2, start, 30, tzinfo=UTC)
    lines = render_chart(activation(at=at, in_window=window.contains(at)), window=window)
    assert bars(lines) == expected


@pytest.mark.parametrize("seed", range(40))
def test_no_window_bar_ever_overlaps_a_freeze(seed: int) -> None:
    import random

    rng = random.Random(seed)
    base = datetime(2026, 11, 30, tzinfo=UTC)
    freezes = []
    for number in range(rng.randint(1, 3)):
        start = base + timedelta(hours=rng.randint(0, 24 * 6))
        freezes.append(Freeze(start, start + timedelta(hours=rng.randint(1, 60)), f"f{number}"))
    window = make_window("10:00", "13:00", rng.choice(["UTC", "Europe/Madrid", "America/New_York"]), WEEKDAYS, freezes)
    moments = [base + timedelta(minutes=rng.randint(0, 7 * 24 * 60)) for _ in range(rng.randint(1, 4))]
    lines = render_chart(*(activation(f"f{i}", at, window.contains(at)) for i, at in enumerate(moments)), window=window)
    for start, end in bars(lines):
        for freeze in freezes:
            wall_start = window.local(freeze.start).strftime("%Y-%m-%d %H:%M")
            wall_end = window.local(freeze.end).strftime("%Y-%m-%d %H:%M")
            assert end <= wall_start or start >= wall_end, (start, end, freeze)


def test_a_long_freeze_is_drawn_over_the_charts_span_only() -> None:
    freeze = Freeze(datetime(2026, 12, 24, tzinfo=UTC), datetime(2027, 1, 4, tzinfo=UTC), "holidays")
    window = make_window("10:00", "13:00", "UTC", WEEKDAYS, [freeze])
    at = datetime(2026, 12, 28, 11, 0, tzinfo=UTC)
    lines = render_chart(activation(at=at, in_window=False), window=window)
    assert bars(lines) == [("2027-01-04 10:00", "2027-01-04 13:00")]
    assert bars(lines, "crit") == [("2026-12-28 11:00", "2027-01-04 00:00")]


@pytest.mark.parametrize(
    ("window", "caption"),
    [
        pytest.param(None, "<sub>Times in UTC. Bars: the default policy's golden window, 10:00–13:00 UTC, "
                     "Monday–Friday. Diamonds: flag activations, red when outside the window.</sub>", id="default"),
        pytest.param(make_window("09:00", "11:30", "Europe/Madrid", ["monday", "wednesday"],
                                 [Freeze(MONDAY_11.replace(hour=9), MONDAY_11.replace(hour=10), "x")]),
                     "<sub>Times in Europe/Madrid. Bars: the policy's golden window, 09:00–11:30 Europe/Madrid, "
                     "Monday, Wednesday, less the freezes (red bars). Diamonds: flag activations, red when outside "
                     "the window.</sub>", id="policy-with-a-freeze"),
    ],
)
def test_the_caption_says_what_the_chart_shows(window: Window | None, caption: str) -> None:
    report = markdown.render_markdown(verdict(activations=(activation(),)), CONTEXT, window=window)
    assert caption in report.splitlines()


def test_a_holiday_freeze_is_drawn_by_its_name() -> None:
    from gate.core.checks.golden_window import Options

    window = Options.of(freezes=({"holidays": "ES"},)).window()
    holiday = datetime(2026, 12, 8, 11, 0, tzinfo=UTC)
    report = markdown.render_markdown(verdict(activations=(activation(at=holiday, in_window=False),)), CONTEXT,
                                      window=window)
    lines = chart(report)
    assert bars(lines, "crit") == [("2026-12-08 11:00", "2026-12-09 00:00")]  # from the activation on
    assert "    frozen (Inmaculada Concepción (ES public holiday)) :crit, f1, 2026-12-08 11:00, 2026-12-09 00:00" in lines
    assert bars(lines) == [("2026-12-09 10:00", "2026-12-09 13:00")]  # no bar on the holiday itself


def test_many_activations_chart_is_capped_but_the_table_lists_all() -> None:
    many = tuple(activation(f"flag-{i}", at=MONDAY_11 + timedelta(minutes=i)) for i in range(100))
    report = markdown.render(judged_as(verdict(activations=many), CONTEXT))
    assert sum("milestone" in line for line in chart(report)) == markdown.MAX_CHART_ACTIVATIONS
    assert f"first {markdown.MAX_CHART_ACTIVATIONS} of 100 activations" in report
    assert sum(line.startswith("| `flag-") for line in report.splitlines()) == 100


@pytest.mark.parametrize(
    ("window", "when"),
    [
        pytest.param(None, "Mon 2026-11-30 14:00:00 UTC", id="utc"),
        pytest.param(make_window("10:00", "13:00", "Europe/Madrid", WEEKDAYS),
                     "Mon 2026-11-30 14:00:00 UTC<br>Mon 15:00 Europe/Madrid", id="policy-timezone-too"),
    ],
)
def test_activation_table_row(window: Window | None, when: str) -> None:
    late = Activation("new-checkout", "flags/f.json", 3, "flagd", "rollout-raised",
                      MONDAY_11.replace(hour=14), False, "10% -> 50%")
    report = markdown.render_markdown(verdict(activations=(late,)), CONTEXT, window=window)
    row = next(line for line in report.splitlines() if line.startswith("| `new-checkout`"))
    assert cells(row) == ["`new-checkout`<br>`flags/f.json:3` (flagd)", "rollout-raised: 10% -&gt; 50%", when, "❌ no"]


# --- the override -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "waived", "row", "waived_line"),
    [
        pytest.param(
            Override("gate/override", "mia", "maintain", True, "applied after the last push"),
            2,
            ["`gate/override`", "`mia`", "maintain", "✅ accepted", "applied after the last push"],
            "Waived: 2 blocking findings, each marked in the table above:",
            id="accepted",
        ),
        pytest.param(
            Override("gate/override", "ana", "admin", False, "ana is the pull request's author"),
            0,
            ["`gate/override`", "`ana`", "admin", "❌ rejected", "ana is the pull request's author"],
            "Nothing was waived.",
            id="rejected",
        ),
        pytest.param(
            Override("gate/override", None, None, False, "simulated with --label"),
            0,
            ["`gate/override`", "unknown", "unknown", "❌ rejected", "simulated with --label"],
            "Nothing was waived.",
            id="simulated",
        ),
    ],
)
def test_override_decision(override: Override, waived: int, row: list[str], waived_line: str) -> None:
    findings = [finding(i, waived=i < waived) for i in range(3)]
    report = markdown.render(judged_as(verdict(*findings, override=override), CONTEXT))
    section = report.split("### Override", 1)[1]
    table = [line for line in section.splitlines() if line.startswith("| ")]
    assert cells(table[0]) == ["Label", "Actor", "Role", "Decision", "Reason"]
    assert cells(table[2]) == row
    assert waived_line in section
    if waived:
        assert "- `required-docs`: 2" in section


def test_no_override_no_section() -> None:
    assert "### Override" not in markdown.render(judged_as(verdict(finding()), CONTEXT))


def test_gate_check_format_markdown_end_to_end(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "# shop\n"}, "init")
    repo.commit({"services/payments/README.md": "# payments\n"}, "add payments")
    result = run_gate("check", "--repo", str(repo.path), "--now", "2026-11-30T11:00:00Z", "--format", "markdown")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == "## ❌ gate: fail"
    (row,) = finding_rows(result.stdout)
    assert cells(row) == ["1", "❌ error", "`required-docs`", "`services/payments`"]


def test_policy_window_reads_the_policys_golden_window() -> None:
    policy = parse_policy(
        "version: 1\nchecks:\n  golden-window:\n    start: '09:00'\n    end: '11:30'\n    timezone: Europe/Madrid\n",
        "test.yaml",
    )
    window = markdown.policy_window(policy)
    assert window is not None
    assert (window.start.isoformat(), window.end.isoformat(), window.zone_name) == ("09:00:00", "11:30:00",
                                                                                    "Europe/Madrid")
    report = markdown.render_markdown(verdict(activations=(activation(),)), CONTEXT, window=window)
    assert "    title Flag activations (times in Europe/Madrid)" in chart(report)
    assert "09:00–11:30 Europe/Madrid" in report


@pytest.mark.parametrize("reason", ["section evil", "title x", "2026-01-01 launch", "%% comment", "a: b; c # d"])
def test_a_freezes_reason_cannot_become_a_keyword(reason: str) -> None:
    freeze = Freeze(MONDAY_11.replace(hour=9), MONDAY_11.replace(hour=12), reason)
    window = make_window("10:00", "13:00", "UTC", WEEKDAYS, [freeze])
    lines = render_chart(activation(in_window=False), window=window)
    (frozen,) = [line for line in lines if line.startswith("    frozen (")]
    assert TASK.match(frozen), frozen
    assert [line for line in lines if line.startswith("    section ")] == [
        "    section Window", "    section Freeze", "    section Flags"]
