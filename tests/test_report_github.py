"""GitHub workflow commands: the toolkit's escaping, one annotation per finding, the per-level limit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import GitRepo, judged_as, make_context, run_gate

from gate.core.models import Finding, Outcome, Severity, Verdict
from gate.core.report import github


def finding(
    severity: Severity = Severity.ERROR,
    path: str | None = "services/pay/runbook.yaml",
    line: int | None = 3,
    message: str = "no steps",
    remedy: str = "",
    waived: bool = False,
    rule: str = "runbook-format",
) -> Finding:
    return Finding(rule, severity, path, line, message, remedy, waived)


def verdict(*findings: Finding) -> Verdict:
    blocking = any(f.severity is Severity.ERROR and not f.waived for f in findings)
    return Verdict(outcome=Outcome.FAIL if blocking else Outcome.PASS, findings=findings)


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        pytest.param("plain text", "plain text", "plain text", id="plain"),
        pytest.param("100%", "100%25", "100%25", id="percent"),
        pytest.param("a\nb", "a%0Ab", "a%0Ab", id="newline"),
        pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="crlf"),
        pytest.param("key: value", "key: value", "key%3A value", id="colon-only-in-properties"),
        pytest.param("a,b", "a,b", "a%2Cb", id="comma-only-in-properties"),
        pytest.param("%0A", "%250A", "%250A", id="already-escaped-looking-text-stays-literal"),
        pytest.param("::add-mask::x", "::add-mask::x", "%3A%3Aadd-mask%3A%3Ax", id="command-lookalike"),
    ],
)
def test_escaping_matches_the_actions_toolkit(raw: str, data: str, prop: str) -> None:
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        pytest.param(
            finding(),
            "::error file=services/pay/runbook.yaml,line=3,title=runbook-format::no steps",
            id="error-with-file-and-line",
        ),
        pytest.param(
            finding(Severity.WARNING, line=None),
            "::warning file=services/pay/runbook.yaml,title=runbook-format::no steps",
            id="warning-without-line",
        ),
        pytest.param(
            finding(Severity.NOTICE, path=None, line=None, rule="override", message="accepted"),
            "::notice title=override::accepted",
            id="no-path-no-file-property",
        ),
        pytest.param(
            finding(path=None, line=7),
            "::error title=runbook-format::no steps",
            id="a-line-without-a-file-is-left-out",
        ),
        pytest.param(
            finding(remedy="add steps"),
            "::error file=services/pay/runbook.yaml,line=3,title=runbook-format::no steps%0A%0AFix: add steps",
            id="remedy-on-its-own-lines",
        ),
        pytest.param(
            finding(waived=True),
            "::notice file=services/pay/runbook.yaml,line=3,title=runbook-format (waived)::"
            "waived by an accepted override: no steps",
            id="waived-is-a-notice-that-says-so",
        ),
        pytest.param(
            finding(path="services/a,b/x:y.yaml", message="line1\nline2 100%"),
            "::error file=services/a%2Cb/x%3Ay.yaml,line=3,title=runbook-format::line1%0Aline2 100%25",
            id="hostile-path-and-message",
        ),
    ],
)
def test_annotation(item: Finding, expected: str) -> None:
    assert github.annotation(item) == expected


def test_a_message_cannot_inject_a_second_command() -> None:
    hostile = finding(message="oops\n::add-mask::secret\n::error::forged")
    lines = github.render(judged_as(verdict(hostile), make_context({}))).splitlines()
    assert [line for line in lines if line.startswith("::")] == [github.annotation(hostile)]
    assert len(lines) == 2  # the headline and the one annotation


def commands(lines: list[str], level: str) -> list[str]:
    return [line for line in lines if line.startswith(f"::{level} ")]


@pytest.mark.parametrize(
    ("errors", "warnings", "notices", "waived", "limit", "expected_summary"),
    [
        pytest.param(25, 0, 0, 0, 10, ["15 more errors not annotated: see the job summary"], id="25-errors"),
        pytest.param(10, 0, 0, 0, 10, [], id="exactly-the-limit"),
        pytest.param(11, 0, 0, 0, 10, ["1 more error not annotated: see the job summary"], id="one-over"),
        pytest.param(
            3, 12, 0, 9, 10,
            ["2 more warnings not annotated: see the job summary"],
            id="waived-count-as-notices",
        ),
        pytest.param(
            0, 0, 6, 6, 10,
            ["2 more notices not annotated: see the job summary"],
            id="waived-and-notices-share-the-notice-limit",
        ),
        pytest.param(
            4, 4, 4, 0, 2,
            [
                "2 more errors not annotated: see the job summary",
                "2 more warnings not annotated: see the job summary",
                "2 more notices not annotated: see the job summary",
            ],
            id="custom-limit-per-level",
        ),
    ],
)
def test_at_most_limit_annotations_per_level_and_the_rest_summed_up(
    errors: int, warnings: int, notices: int, waived: int, limit: int, expected_summary: list[str]
) -> None:
    findings = (
        [finding(message=f"error {i}") for i in range(errors)]
        + [finding(Severity.WARNING, message=f"warning {i}") for i in range(warnings)]
        + [finding(Severity.NOTICE, message=f"notice {i}") for i in range(notices)]
        + [finding(waived=True, message=f"waived {i}") for i in range(waived)]
    )
    lines = github.workflow_commands(verdict(*findings), limit=limit)
    assert len(commands(lines, "error")) == min(errors, limit)
    assert len(commands(lines, "warning")) == min(warnings, limit)
    assert len(commands(lines, "notice")) == min(notices + waived, limit)
    summary = [line for line in lines if not line.startswith("::")]
    assert summary == expected_summary
    # Nothing is dropped silently: annotated plus summed up is every finding.
    summed = sum(int(re.findall(r"^(\d+) more", line)[0]) for line in summary)
    assert len(lines) - len(summary) + summed == len(findings)


def test_the_default_limit_is_githubs_ten() -> None:
    lines = github.render(judged_as(verdict(*[finding(message=f"e{i}") for i in range(25)]), make_context({}))).splitlines()
    assert len(commands(lines, "error")) == 10
    assert lines[-1] == "15 more errors not annotated: see the job summary"
    assert lines[0].startswith("gate: fail: 25 blocking")


def test_errors_come_first_whatever_the_order_of_findings() -> None:
    lines = github.workflow_commands(verdict(finding(Severity.NOTICE), finding(Severity.WARNING), finding()))
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning", "::notice"]


def test_gate_check_format_github_end_to_end(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "# shop\n"}, "init")
    repo.commit({"services/payments/README.md": "# payments\n"}, "add payments")
    result = run_gate("check", "--repo", str(repo.path), "--now", "2026-11-30T11:00:00Z", "--format", "github")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("gate: fail: 1 blocking")
    (command,) = lines[1:]
    # GitHub shows an annotation only on a file: the folder's finding goes on the README the change added.
    assert command.startswith(
        "::error file=services/payments/README.md,line=1,title=required-docs::new service services/payments"
    )
    assert "\n" not in command and "%0A%0AFix: " in command
    # The finding itself is about the folder: the JSON report keeps its path.
    report = run_gate("check", "--repo", str(repo.path), "--now", "2026-11-30T11:00:00Z", "--format", "json")
    assert [(f["path"], f["line"]) for f in json.loads(report.stdout)["findings"]] == [("services/payments", None)]


# A finding about a folder is annotated on a file of that folder the change touched, at line 1.
FOLDER_CASES = [
    pytest.param(["services/pay/README.md", "services/pay/app.py"], "services/pay/README.md", 1, id="the-readme-first"),
    pytest.param(["services/pay/readme.md"], "services/pay/readme.md", 1, id="any-case-readme"),
    pytest.param(["services/pay/src/main.py", "services/pay/Dockerfile"], "services/pay/Dockerfile", 1,
                 id="else-the-shallowest-file"),
    pytest.param(["services/pay/b.py", "services/pay/a.py"], "services/pay/a.py", 1, id="then-alphabetical"),
    pytest.param(["services/payments/README.md"], "services/pay", None, id="a-sibling-with-a-longer-name-is-not-inside"),
    pytest.param([], "services/pay", None, id="nothing-touched-keeps-the-folder"),
]


@pytest.mark.parametrize(("touched", "file", "line"), FOLDER_CASES)
def test_a_folder_finding_is_annotated_on_a_touched_file(touched: list[str], file: str, line: int | None) -> None:
    context = make_context(dict.fromkeys(touched, "x\n"))
    folder = finding(path="services/pay", line=None, rule="required-docs")
    assert github.annotated_location(folder, context) == (file, line)
    assert github.annotated_location(folder, None) == ("services/pay", None)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        pytest.param("services/pay/runbook.yaml", 3, id="a-file-with-a-line-is-kept"),
        pytest.param("services/pay/runbook.yaml", None, id="a-changed-file-without-a-line-is-kept"),
        pytest.param(None, None, id="no-path"),
    ],
)
def test_files_and_pathless_findings_stay_where_they_are(path: str | None, line: int | None) -> None:
    context = make_context({"services/pay/runbook.yaml": "x\n", "services/pay/README.md": "x\n"})
    assert github.annotated_location(finding(path=path, line=line), context) == (path, line)


def test_a_deleted_file_is_never_the_anchor() -> None:
    context = make_context({"services/pay/app.py": "x\n"}, base={"services/pay/README.md": "x\n"})
    folder = finding(path="services/pay", line=None, rule="required-docs")
    assert github.annotated_location(folder, context) == ("services/pay/app.py", 1)
