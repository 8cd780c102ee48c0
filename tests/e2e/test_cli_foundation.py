"""The real CLI on real git repositories: the foundation's must-show cases."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import SEED_RUNBOOK, GitRepo, documented_service, run_gate

from gate.adapters.git import Git
from gate.core.judge import judge
from gate.core.request import Refs, Request

NOW = "2026-11-30T11:00:00Z"
README = "# payments\n\nTakes the money.\n"
DIAGRAM = "graph TD\n  api --> db\n"


def check(repo: GitRepo, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run_gate("check", "--repo", str(repo.path), "--now", NOW, "--format", "json", *args)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "shop")
    repo.commit(documented_service("services/checkout"), "Initial services")
    return repo


def test_new_service_without_a_runbook_blocks_and_with_one_passes(repo: GitRepo) -> None:
    repo.commit({"services/payments/README.md": README, "services/payments/docs/architecture.mmd": DIAGRAM},
                "Add payments")
    code, report = check(repo)
    assert code == 1 and report["verdict"] == "fail"
    assert report["services"] == [{"name": "payments", "path": "services/payments", "status": "added"}]
    (finding,) = report["findings"]
    assert (finding["rule"], finding["path"], finding["severity"], finding["waived"]) == (
        "required-docs", "services/payments", "error", False)
    assert "runbook" in finding["message"]

    repo.commit({"services/payments/runbook.yaml": SEED_RUNBOOK}, "Add the runbook")
    code, report = check(repo, "--base", "HEAD~2")
    assert (code, report["verdict"], report["findings"]) == (0, "pass", [])


def test_json_report_shape(repo: GitRepo) -> None:
    head = repo.commit({"services/checkout/README.md": README}, "Edit README")
    code, report = check(repo)
    assert code == 0
    assert list(report) == ["version", "verdict", "base", "head", "now", "services", "activations", "findings",
                            "override"]
    assert (report["version"], report["head"], report["now"], report["override"]) == (1, head, NOW, None)
    assert len(report["base"]) == 40


def test_empty_readme_does_not_count_and_a_mermaid_block_is_the_diagram(repo: GitRepo) -> None:
    repo.commit({"services/payments/README.md": "", "services/payments/runbook.yaml": SEED_RUNBOOK,
                 "services/payments/docs/architecture.mmd": DIAGRAM})
    code, report = check(repo)
    assert code == 1 and "README.md is empty" in report["findings"][0]["message"]

    repo.commit({"services/payments/README.md": "# payments\n\n```mermaid\ngraph TD\n  a-->b\n```\n",
                 "services/payments/docs/architecture.mmd": None})
    code, report = check(repo, "--base", "HEAD~2")
    assert (code, report["findings"]) == (0, [])


def test_runbook_without_steps_is_reported_with_file_and_line(repo: GitRepo) -> None:
    repo.commit({"services/checkout/runbook.yaml": "# runbook: lag\ntrigger: depth > 10000\n"})
    code, report = check(repo)
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["path"], finding["line"]) == (
        "runbook-format", "services/checkout/runbook.yaml", 2)
    assert "steps" in finding["message"]


def test_text_report_groups_by_service_with_remedies(repo: GitRepo) -> None:
    repo.commit({"services/payments/README.md": README})
    result = run_gate("check", "--repo", str(repo.path), "--now", NOW)
    assert result.returncode == 1
    assert result.stdout.startswith("gate: FAIL: 1 blocking")
    assert "services/payments (added)" in result.stdout
    assert "fix: add services/payments/runbook.yaml" in result.stdout
    assert "\033[" not in result.stdout  # no colour when not a terminal


def test_only_the_touched_service_is_read_in_a_500_service_repository(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "big")
    files: dict[str, str | bytes | None] = {}
    for n in range(500):
        files.update(documented_service(f"services/svc-{n:03}"))
    base = repo.commit(files, "500 services")
    head = repo.commit({"services/svc-042/README.md": "# svc-042\n\nNow with more words.\n"})
    with Git(repo.path) as git:
        judgement = judge(Request(refs=Refs(base=base, head=head), now=datetime(2026, 11, 30, 11, tzinfo=UTC)), git)
        requested = list(git.requests)
    assert judgement.verdict.outcome.value == "pass"
    assert [s.path for s in judgement.context.services] == ["services/svc-042"]
    named_paths = [name.split(":", 1)[1] for name in requested if ":" in name]
    assert named_paths, "folders are read through cat-file by path"
    for path in named_paths:
        assert path == ".github" or path.startswith("services/svc-042"), f"read outside the change: {path}"
    assert len(requested) < 25, requested


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--base", "no-such-ref"), "the revision 'no-such-ref' is not in this clone"),
        (("--head", "deadbeef"), "the revision 'deadbeef' is not in this clone"),
        (("--now", "tomorrow"), "--now: 'tomorrow' is not an ISO 8601 time"),
        (("--now", "2026-11-30T11:00:00"), "has no time zone"),
        (("--format", "yaml"), "invalid choice"),
        (("--policy", "/nonexistent/gate.yaml"), "no such policy file"),
    ],
)
def test_usage_and_input_errors_exit_2_with_one_line(repo: GitRepo, args: tuple[str, ...], words: str) -> None:
    result = run_gate("check", "--repo", str(repo.path), *args)
    assert result.returncode == 2
    assert words in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_directory_that_is_not_a_repository(tmp_path: Path) -> None:
    result = run_gate("check", "--repo", str(tmp_path))
    assert (result.returncode, result.stderr.strip()) == (2, f"gate: {tmp_path} is not a git repository")


def test_unknown_policy_key_exits_2_naming_file_and_key(repo: GitRepo, tmp_path: Path) -> None:
    policy = tmp_path / "gate.yaml"
    policy.write_text("version: 1\nchecks:\n  required-docs:\n    readme_names: [README]\n")
    result = run_gate("check", "--repo", str(repo.path), "--policy", str(policy))
    assert result.returncode == 2
    assert result.stderr.startswith(f"gate: {policy}: checks.required-docs.readme_names (line 4): unknown key")
    assert result.stderr.count("\n") == 1


def test_the_repository_policy_is_read_from_the_base(repo: GitRepo) -> None:
    repo.commit({".github/gate.yaml": "version: 1\nchecks:\n  required-docs:\n    level: warning\n"})
    repo.commit({"services/payments/README.md": README})
    code, report = check(repo)
    assert (code, report["verdict"]) == (0, "pass")
    assert [f["severity"] for f in report["findings"]] == ["warning"]

    # A pull request cannot loosen the rules it is judged by.
    repo.commit({".github/gate.yaml": "version: 1\nchecks:\n  required-docs:\n    enabled: false\n",
                 "services/orders/README.md": README})
    code, report = check(repo)
    assert code == 0  # still only a warning: the base's policy applies
    assert {f["rule"] for f in report["findings"]} == {"required-docs", "policy"}
    notice = next(f for f in report["findings"] if f["rule"] == "policy")
    assert "applies once merged" in notice["message"]


def test_an_invalid_policy_in_the_change_blocks(repo: GitRepo) -> None:
    repo.commit({".github/gate.yaml": "version: 1\nchecks:\n  nope: {}\n"})
    code, report = check(repo)
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["path"]) == ("invalid-file", ".github/gate.yaml")


def test_label_on_the_command_line_is_only_simulated(repo: GitRepo) -> None:
    repo.commit({"services/payments/README.md": README})
    code, report = check(repo, "--label", "gate/override")
    assert code == 1
    assert report["override"]["accepted"] is False
    assert "GitHub API" in report["override"]["reason"]
    assert report["findings"][0]["waived"] is False


def test_output_file(repo: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_gate("check", "--repo", str(repo.path), "--format", "json", "--output", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(out.read_text())["verdict"] == "pass"
    # The report is in the file; the verdict still shows where the command ran, on stderr.
    assert re.fullmatch(r"gate: pass: 0 blocking, 0 waived, 0 warning\(s\), 0 notice\(s\) "
                        rf"\(\w{{12}}\.\.\w{{12}}\) -> {re.escape(str(out))}\n", result.stderr), result.stderr


def test_output_file_of_a_blocked_change_says_fail_on_stderr(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit({"services/payments/README.md": README})
    out = tmp_path / "report.md"
    result = run_gate("check", "--repo", str(repo.path), "--format", "markdown", "--output", str(out))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("gate: fail: 1 blocking, 0 waived") and result.stderr.endswith(f" -> {out}\n")
    assert "services/payments" in out.read_text()


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_python_m_gate_and_version(flag: str) -> None:
    from gate import __version__

    result = run_gate(flag)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"gate {__version__}\n", "")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("check", "--format", "yaml"), "gate: check: argument --format: invalid choice: 'yaml'"),
        (("check", "--nope"), "gate: unrecognized arguments: --nope"),
        (("policy", "validate"), "gate: policy validate: the following arguments are required: FILE"),
        (("frobnicate",), "gate: argument COMMAND: invalid choice: 'frobnicate'"),
    ],
)
def test_argument_errors_name_the_command_once(args: tuple[str, ...], error: str) -> None:
    result = run_gate(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(error), result.stderr
    assert "gate: gate" not in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["check", "notify"])
def test_help_says_where_the_policy_and_the_base_come_from(command: str) -> None:
    result = run_gate(command, "--help")
    text = " ".join(result.stdout.split())
    assert result.returncode == 0
    assert "as it is on the BASE side of the change" in text
    assert ".github/gate.yaml as it is on the base side, so a change cannot loosen the rules" in text
    assert "the merge-base with the default branch, else the parent of --head, else the empty tree" in text


def test_an_invalid_policy_on_the_base_side_does_not_lock_the_repository(repo: GitRepo) -> None:
    repo.commit({".github/gate.yaml": "version: 1\nchecks:\n  nope: {}\n"}, "A broken policy lands")
    repo.commit({"services/checkout/README.md": README}, "An unrelated change")
    code, report = check(repo)
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["severity"], finding["path"]) == ("invalid-file", "error", ".github/gate.yaml")
    assert "on the base side is invalid" in finding["message"] and "bundled default" in finding["message"]

    repo.commit({".github/gate.yaml": "version: 1\n"}, "Fix the policy")
    code, report = check(repo)
    assert code == 0
    (finding,) = report["findings"]
    assert (finding["severity"], finding["path"]) == ("notice", ".github/gate.yaml")
    assert "this change fixes it" in finding["message"]


def test_a_symlink_out_of_the_repository_is_an_error_not_a_silent_pass(repo: GitRepo, tmp_path: Path) -> None:
    import os

    outside = tmp_path / "outside.yaml"
    outside.write_text("apiVersion: v1\nkind: ConfigMap\n")
    os.symlink(str(outside), repo.path / "services" / "checkout" / "config.yaml")
    repo.commit({}, "Link a file from outside")
    code, report = check(repo)
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["path"]) == ("invalid-file", "services/checkout/config.yaml")


def test_a_closed_pipe_does_not_turn_a_block_into_a_pass(repo: GitRepo) -> None:
    import subprocess
    import sys

    repo.commit({"services/payments/README.md": README})
    process = subprocess.Popen([sys.executable, "-m", "gate", "check", "--repo", str(repo.path), "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()  # the reader goes away before gate writes
    process.wait(timeout=60)
    assert process.returncode == 1
