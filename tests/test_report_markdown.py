"""The Markdown report: verdict first, a row per finding, a valid chart, escaping, the size budget."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import MONDAY_11, GitRepo, judged_as, make_context, run_gate

from gate.core.models import Activation, Finding, Outcome, Override, Severity, Verdict
from gate.core.policy import parse_policy
from gate.core.report import markdown
from gate.core.report.markdown import COMMENT_BUDGET, DEFAULT_BUDGET, STEP_SUMMARY_LIMIT
from gate.core.window import Freeze, make_window

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
    assert [cells(r)[2] for r in rows] == [f"`services/s{i}`" for i in range(25)]
    assert "### Findings (25)" in report


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        pytest.param(finding(line=12, path="a/b.yaml"), ["❌ error", "`required-docs`", "`a/b.yaml:12`",
                                                         "no runbook", "add one", "no"], id="with-line"),
        pytest.param(finding(path=None), ["❌ error", "`required-docs`", "(the change)", "no runbook", "add one",
                                          "no"], id="no-path"),
        pytest.param(finding(waived=True), ["❌ error", "`required-docs`", "`services/s0`", "no runbook", "add one",
                                            "yes"], id="waived"),
        pytest.param(finding(severity=Severity.NOTICE, remedy=""), ["ℹ️ notice", "`required-docs`",
                                                                   "`services/s0`", "no runbook", "", "no"],
                     id="notice-without-remedy"),
    ],
)
def test_a_finding_row(item: Finding, expected: list[str]) -> None:
    (row,) = finding_rows(markdown.render(judged_as(verdict(item), CONTEXT)))
    assert cells(row) == expected


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


def test_hostile_text_keeps_the_table_shape() -> None:
    hostile = finding(
        path="services/a|b",
        message="| broken | table |\n\n### not a heading\n<details>",
        remedy="```\ncode fence\n```",
        rule="required|docs",
    )
    report = markdown.render(judged_as(verdict(hostile, finding(1)), CONTEXT))
    rows = finding_rows(report)
    assert len(rows) == 2
    assert all(len(cells(row)) == 6 for row in rows)
    assert "<details>" not in report
    assert "\n### not a heading" not in report
    assert "\n```\ncode fence" not in report


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
    for row in finding_rows(report):
        message = cells(row)[3]
        assert re.fullmatch(r"(&lt;)*…?", message), message


# --- activations and the chart ------------------------------------------------------------------------

TASK = re.compile(
    r"^    [\w ./()+=-]+ :(active|crit|milestone|crit, milestone), [afw]\d+, "
    r"\d{4}-\d\d-\d\d \d\d:\d\d, (\d{4}-\d\d-\d\d \d\d:\d\d|0m)$"
)


def chart(report: str) -> list[str]:
    body = report.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    return body.splitlines()


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
        pytest.param("::::", id="only-unsafe"),
        pytest.param("é" * 200, id="long-unicode"),
    ],
)
def test_chart_task_names_are_sanitised(flag: str) -> None:
    report = markdown.render(judged_as(verdict(activations=(activation(flag),)), CONTEXT))
    lines = chart(report)
    assert lines[:6] == [
        "gantt",
        "    title Flag activations against the golden window (UTC)",
        "    dateFormat YYYY-MM-DD HH:mm",
        "    axisFormat %a %d %H:%M",
        "    todayMarker off",
        "    section Golden window 10.00-13.00 UTC (default policy)",
    ]
    tasks = [line for line in lines[6:] if not line.startswith("    section ")]
    assert tasks
    assert all(TASK.match(task) for task in tasks), tasks
    assert [line for line in lines if line.startswith("    section ")] == [
        "    section Golden window 10.00-13.00 UTC (default policy)",
        "    section Activations",
    ]


@pytest.mark.parametrize(
    ("at", "in_window", "windows"),
    [
        pytest.param(MONDAY_11, True, ["2026-11-30 10:00, 2026-11-30 13:00"], id="monday-inside"),
        pytest.param(MONDAY_11.replace(hour=14), False,
                     ["2026-11-30 10:00, 2026-11-30 13:00", "2026-12-01 10:00, 2026-12-01 13:00"],
                     id="monday-after-close-shows-tuesday"),
        pytest.param(MONDAY_11.replace(hour=8), False, ["2026-11-30 10:00, 2026-11-30 13:00"],
                     id="monday-before-open"),
        pytest.param(MONDAY_11 + timedelta(days=4, hours=3), False,
                     ["2026-12-04 10:00, 2026-12-04 13:00", "2026-12-07 10:00, 2026-12-07 13:00"],
                     id="friday-14h-shows-monday"),
        pytest.param(MONDAY_11 + timedelta(days=5), False, ["2026-12-07 10:00, 2026-12-07 13:00"],
                     id="saturday-shows-monday"),
    ],
)
def test_default_windows_around_an_activation(at: datetime, in_window: bool, windows: list[str]) -> None:
    lines = chart(markdown.render(judged_as(verdict(activations=(activation(at=at, in_window=in_window),)), CONTEXT)))
    drawn = [line.split(":active, ", 1)[1].split(", ", 1)[1] for line in lines if ":active, " in line]
    assert drawn == windows
    (milestone,) = [line for line in lines if "milestone" in line]
    assert ("crit" in milestone) is not in_window


@pytest.mark.parametrize(
    ("window", "at", "in_window", "section", "bars"),
    [
        pytest.param(
            make_window("09:00", "15:00", "UTC", ["monday"]),
            MONDAY_11, True,
            "    section Golden window 09.00-15.00 UTC",
            ["    open Mon 30 Nov 09.00-15.00 :active, w1, 2026-11-30 09:00, 2026-11-30 15:00"],
            id="policy-hours-and-days",
        ),
        pytest.param(
            make_window("10:00", "13:00", "Europe/Madrid", ["monday", "tuesday"]),
            MONDAY_11.replace(hour=13), False,
            "    section Golden window 10.00-13.00 Europe/Madrid",
            [
                "    open Mon 30 Nov 10.00-13.00 :active, w1, 2026-11-30 09:00, 2026-11-30 12:00",
                "    open Tue 01 Dec 10.00-13.00 :active, w2, 2026-12-01 09:00, 2026-12-01 12:00",
            ],
            id="local-timezone-drawn-in-utc",
        ),
        pytest.param(
            make_window("10:00", "13:00", "Europe/Madrid", ["friday", "monday"]),
            datetime(2026, 3, 27, 12, 30, tzinfo=UTC), False,
            "    section Golden window 10.00-13.00 Europe/Madrid",
            [
                "    open Fri 27 Mar 10.00-13.00 :active, w1, 2026-03-27 09:00, 2026-03-27 12:00",
                "    open Mon 30 Mar 10.00-13.00 :active, w2, 2026-03-30 08:00, 2026-03-30 11:00",
            ],
            id="across-the-spring-clock-change",
        ),
    ],
)
def test_the_policys_window_is_drawn(window: object, at: datetime, in_window: bool, section: str,
                                     bars: list[str]) -> None:
    report = markdown.render_markdown(
        verdict(activations=(activation(at=at, in_window=in_window),)), CONTEXT, window=window  # type: ignore[arg-type]
    )
    lines = chart(report)
    assert section in lines
    assert [line for line in lines if ":active, " in line] == bars


def test_freezes_are_drawn_and_the_next_opening_follows_them() -> None:
    freeze = Freeze(datetime(2026, 11, 30, 0, 0, tzinfo=UTC), datetime(2026, 12, 2, 0, 0, tzinfo=UTC), "sale; #1: big")
    window = make_window("10:00", "13:00", "UTC", ["monday", "tuesday", "wednesday"], [freeze])
    report = markdown.render_markdown(verdict(activations=(activation(in_window=False),)), CONTEXT, window=window)
    lines = chart(report)
    assert "    section Freezes" in lines
    assert "    freeze sale_ _1_ big :crit, f1, 2026-11-30 00:00, 2026-12-02 00:00" in lines
    assert "    open Wed 02 Dec 10.00-13.00 :active, w2, 2026-12-02 10:00, 2026-12-02 13:00" in lines
    assert all(TASK.match(line) for line in lines[7:] if not line.startswith("    section ")), lines


def test_a_holiday_freeze_is_drawn_by_its_name() -> None:
    from gate.core.checks.golden_window import Options

    window = Options(freezes=({"holidays": "ES"},)).window()
    holiday = datetime(2026, 12, 8, 11, 0, tzinfo=UTC)
    report = markdown.render_markdown(verdict(activations=(activation(at=holiday, in_window=False),)), CONTEXT,
                                      window=window)
    lines = chart(report)
    assert "    freeze Inmaculada Concepción (ES public holiday) :crit, f1, 2026-12-08 00:00, 2026-12-09 00:00" in lines
    assert "    open Wed 09 Dec 10.00-13.00 :active, w2, 2026-12-09 10:00, 2026-12-09 13:00" in lines


def test_many_activations_chart_is_capped_but_the_table_lists_all() -> None:
    many = tuple(activation(f"flag-{i}", at=MONDAY_11 + timedelta(minutes=i)) for i in range(100))
    report = markdown.render(judged_as(verdict(activations=many), CONTEXT))
    assert sum("milestone" in line for line in chart(report)) == markdown.MAX_CHART_ACTIVATIONS
    assert f"first {markdown.MAX_CHART_ACTIVATIONS} of 100 activations" in report
    assert sum(line.startswith("| `flag-") for line in report.splitlines()) == 100


def test_activation_table_row() -> None:
    late = Activation("new-checkout", "flags/f.json", 3, "flagd", "rollout-raised",
                      MONDAY_11.replace(hour=14), False, "10% -> 50%")
    report = markdown.render(judged_as(verdict(activations=(late,)), CONTEXT))
    row = next(line for line in report.splitlines() if line.startswith("| `new-checkout`"))
    assert cells(row) == ["`new-checkout`", "rollout-raised: 10% -&gt; 50%", "Mon 2026-11-30 14:00:00 UTC",
                          "❌ no", "`flags/f.json:3`", "flagd"]


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
    assert cells(row)[:3] == ["❌ error", "`required-docs`", "`services/payments`"]


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
    assert "    section Golden window 09.00-11.30 Europe/Madrid" in chart(report)
