"""`gate action` end to end: the real CLI as a subprocess, in a real Actions environment (env vars,
event files adapted from GitHub's examples, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY files), on a
real git repository, against the fake GitHub API on loopback."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fake_github import PROXY_PAGE, FakeGitHub
from helpers import FIXTURES, GitRepo, documented_service, run_gate, run_gate_measured
from moto_server import DUMMY_AWS_ENV, REGION, Moto, aws_env_fixture, closed_port, moto_fixture  # noqa: F401

pytestmark = pytest.mark.e2e

TOKEN = "ghs_e2eSECRETtoken0123456789abcdef"
NOW = "2026-11-30T11:00:00Z"
PUSHED = "2026-11-30T09:00:00Z"
AFTER_PUSH = "2026-11-30T10:00:00Z"
LABEL = "gate/override"

@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    seconds: float = 0.0
    max_rss_mib: float = 0.0

@dataclass
class Change:
    repo: GitRepo
    base: str
    head: str

@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(token=TOKEN).start()
    yield server
    server.stop()

def new_service_without_runbook(tmp_path: Path) -> Change:
    """main has a documented service; the pull request adds `checkout` with a README only."""
    repo = GitRepo(tmp_path / "workspace")
    base = repo.commit(documented_service("services/cart"), "Add the cart service")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit({"services/checkout/README.md": "# checkout\n\nTakes orders.\n"}, "Add checkout")
    return Change(repo, base, head)

def event(tmp_path: Path, name: str, adapt: dict[str, Any]) -> Path:
    """One of GitHub's example payloads (tests/fixtures/github-events), adapted to the test repository."""
    payload = json.loads((FIXTURES / "github-events" / name).read_text())
    payload["repository"].update(full_name="octo-org/octo-repo", name="octo-repo", default_branch="main")
    for dotted, value in adapt.items():
        target = payload
        *parents, last = dotted.split(".")
        for key in parents:
            target = target[key]
        target[last] = value
    path = tmp_path / f"event-{name}"
    path.write_text(json.dumps(payload))
    return path

def pull_request_event(tmp_path: Path, change: Change, number: int = 5, action: str = "labeled") -> Path:
    name = "pull_request.labeled.json" if action == "labeled" else f"pull_request.{action}.json"
    return event(tmp_path, name, {
        "action": action,
        "number": number,
        "pull_request.number": number,
        "pull_request.base.sha": change.base,
        "pull_request.base.ref": "main",
        "pull_request.head.sha": change.head,
        "label": {"name": LABEL, "color": "d73a4a"},
    })

RUN_ID = 4242
WORKFLOW = ".github/workflows/gate.yml"


def run_action(tmp_path: Path, fake: FakeGitHub, repo: GitRepo, event_name: str, event_path: Path,
               sha: str, now: str | None = NOW, run_id: int = RUN_ID, attempt: int = 1,
               extra_env: dict[str, str] | None = None, measured: bool = False, **inputs: str) -> Run:
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    output.write_text("")
    summary.write_text("")
    temp = tmp_path / "runner_temp"
    temp.mkdir(exist_ok=True)
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": fake.url,
        "GITHUB_WORKSPACE": str(repo.path),
        "GITHUB_SHA": sha,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(temp),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": str(run_id),
        "GITHUB_RUN_ATTEMPT": str(attempt),
        "GITHUB_WORKFLOW_REF": f"{fake.repository}/{WORKFLOW}@refs/heads/main",
        "INPUT_GITHUB-TOKEN": TOKEN,
        # `gate action` marks the workspace safe in the global git config: keep that in the test.
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        **{f"INPUT_{name.upper()}": value for name, value in inputs.items()},
    }
    if now is not None:
        env["GATE_NOW"] = now
    env.update(extra_env or {})
    if measured:
        cost = run_gate_measured("action", env=env, cwd=repo.path, timeout=120)
        result = subprocess.CompletedProcess(["gate", "action"], cost.returncode, cost.stdout, cost.stderr)
    else:
        result = run_gate("action", env=env, cwd=repo.path, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return Run(result.returncode, result.stdout, result.stderr, parse_outputs(output.read_text(encoding="utf-8")),
               summary.read_text(encoding="utf-8"), *((cost.seconds, cost.max_rss_mib) if measured else ()))

def parse_outputs(text: str) -> dict[str, str]:
    blocks = re.findall(r"^([\w-]+)<<(ghadelimiter_\w+)\n(.*?)\n\2$", text, flags=re.S | re.M)
    return {name: value for name, _, value in blocks}

def labeled_pull(fake: FakeGitHub, change: Change, *, actor: str, role: str, labeled_at: str = AFTER_PUSH,
                 pushed_at: str = PUSHED, author: str = "ana") -> None:
    fake.add_pull(5, author=author, head_sha=change.head, base_sha=change.base)
    fake.push(change.head, pushed_at)
    fake.roles[actor] = role
    fake.label(5, LABEL, actor=actor, at=labeled_at)

# -- the override ---------------------------------------------------------------------------------
def test_a_maintainer_who_is_not_the_author_overrides_after_the_last_push(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    labeled_pull(fake, change, actor="maria", role="maintain")

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head)

    assert run.code == 0, run.stdout + run.stderr
    assert set(run.outputs) == {"verdict", "errors", "warnings", "notices", "waived", "report"}
    assert run.outputs["verdict"] == "overridden"
    assert int(run.outputs["waived"]) >= 1
    assert "required-docs" in run.summary
    assert "error, waived |" in run.summary  # the waived finding stays in the table, marked waived
    assert "`maria`" in run.summary and "✅ accepted" in run.summary
    report = json.loads(Path(run.outputs["report"]).read_text())
    assert report["verdict"] == "overridden"
    assert report["override"] == {"label": LABEL, "actor": "maria", "role": "maintain", "accepted": True,
                                  "reason": report["override"]["reason"]}
    assert any(f["rule"] == "required-docs" and f["waived"] for f in report["findings"])
    # Who applied the label was asked of the API, never taken from the payload.
    assert fake.calls("GET", "/issues/5/events") and fake.calls("GET", "/collaborators/maria/permission")
    assert fake.calls("GET", f"/commits/{change.head}/check-suites")

@pytest.mark.parametrize(
    ("actor", "role", "labeled_at", "pushed_at", "reason"),
    [
        pytest.param("tom", "triage", AFTER_PUSH, PUSHED, "tom has the role triage", id="triage-user"),
        pytest.param("ana", "admin", AFTER_PUSH, PUSHED, "ana is the pull request", id="the-author"),
        pytest.param("maria", "maintain", "2026-11-30T08:00:00Z", PUSHED, "before the last push",
                     id="pushed-after-the-label"),
    ],
)
def test_an_override_that_does_not_count_blocks_with_its_reason(
    tmp_path: Path, fake: FakeGitHub, actor: str, role: str, labeled_at: str, pushed_at: str, reason: str
) -> None:
    change = new_service_without_runbook(tmp_path)
    labeled_pull(fake, change, actor=actor, role=role, labeled_at=labeled_at, pushed_at=pushed_at)

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head)

    assert run.code == 1, run.stdout + run.stderr
    assert run.outputs["verdict"] == "fail"
    assert run.outputs["waived"] == "0"
    assert "❌ rejected" in run.summary
    assert reason in run.summary
    assert "::error " in run.stdout

def test_a_label_in_the_payload_alone_is_not_an_override(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    fake.add_pull(5, author="ana", head_sha=change.head, base_sha=change.base)  # the API has no label
    fake.push(change.head, PUSHED)

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head)

    assert run.code == 1
    assert run.outputs["verdict"] == "fail"
    assert not fake.calls("GET", "/issues/5/events")

def test_an_api_that_refuses_rejects_the_override_and_still_judges(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    change = new_service_without_runbook(tmp_path)
    labeled_pull(fake, change, actor="maria", role="maintain")
    fake.fail("GET", "/collaborators/", 401, body={"message": "Bad credentials"})

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head)

    assert run.code == 1
    assert "could not verify it through the GitHub API" in run.summary

@pytest.mark.parametrize(
    ("method", "path", "times"),
    [
        pytest.param("GET", "/repos/octo-org/octo-repo/issues/5/labels", 1, id="labels"),
        pytest.param("GET", "/repos/octo-org/octo-repo/issues/5/events", 1, id="label-events"),
        pytest.param("GET", "/repos/octo-org/octo-repo/collaborators/maria/permission", 1, id="role"),
        pytest.param("GET", f"/repos/octo-org/octo-repo/commits/{'{head}'}/check-suites", 1, id="push-time"),
        pytest.param("GET", "/repos/octo-org/octo-repo/pulls/5", 2, id="pull-request"),
    ],
)
def test_an_html_answer_rejects_the_override_naming_the_endpoint(
    tmp_path: Path, fake: FakeGitHub, method: str, path: str, times: int
) -> None:
    change = new_service_without_runbook(tmp_path)
    labeled_pull(fake, change, actor="maria", role="maintain")
    path = path.replace("{head}", change.head)
    fake.serve_html(method, re.escape(path) + "$", times=times)

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head)

    assert run.code == 1, run.stdout + run.stderr  # judged and blocked, not a crash (exit 3)
    assert run.outputs["verdict"] == "fail"
    reason = f"GitHub answered {method} {path} with something that is not the expected JSON"
    assert "❌ rejected" in run.summary
    assert reason in run.summary
    report = json.loads(Path(run.outputs["report"]).read_text())
    assert report["override"]["accepted"] is False and reason in report["override"]["reason"]
    assert PROXY_PAGE.text not in run.stdout + run.summary


def test_an_html_answer_for_the_comments_keeps_the_report_in_the_summary(tmp_path: Path,
                                                                       fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    fake.add_pull(5, author="ana", head_sha=change.head, base_sha=change.base)
    fake.serve_html("GET", "/issues/5/comments$")

    run = run_action(tmp_path, fake, change.repo, "pull_request",
                     pull_request_event(tmp_path, change, action="opened"), change.head)

    assert run.code == 1
    assert run.outputs["verdict"] == "fail"
    assert ("GitHub answered GET /repos/octo-org/octo-repo/issues/5/comments with something that is not the "
            "expected JSON") in run.summary
    assert not fake.calls("POST", "/issues/5/comments")


# -- the clock ------------------------------------------------------------------------------------
def test_gate_now_is_announced_as_an_overridden_clock(tmp_path: Path, fake: FakeGitHub) -> None:
    repo, _, after = deployed(tmp_path)

    run = run_action(tmp_path, fake, repo, "workflow_dispatch", event(tmp_path, "workflow_dispatch.json", {}), after,
                     now="2026-11-30T12:00:00+01:00")

    assert run.code == 0, run.stdout + run.stderr
    warnings = [line for line in run.stdout.splitlines() if line.startswith("::warning ") and "GATE_NOW" in line]
    assert len(warnings) == 1
    assert "2026-11-30T11:00:00Z" in warnings[0]
    assert "clock was overridden" in run.summary and "2026-11-30T11:00:00Z" in run.summary


def test_without_gate_now_the_real_clock_is_used_silently(tmp_path: Path, fake: FakeGitHub) -> None:
    repo, _, after = deployed(tmp_path)

    run = run_action(tmp_path, fake, repo, "workflow_dispatch", event(tmp_path, "workflow_dispatch.json", {}), after,
                     now=None)

    assert run.code == 0, run.stdout + run.stderr
    assert "GATE_NOW" not in run.stdout
    assert "clock was overridden" not in run.summary


# -- the policy input -----------------------------------------------------------------------------
LOOSE_POLICY = "version: 1\nchecks:\n  required-docs:\n    enabled: false\n"


def test_a_pull_request_cannot_loosen_the_policy_the_input_names(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = GitRepo(tmp_path / "workspace")
    base = repo.commit({**documented_service("services/cart"), "ci/gate.yaml": "version: 1\n"},
                       "Add the cart service and gate's policy")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit({"services/checkout/README.md": "# checkout\n", "ci/gate.yaml": LOOSE_POLICY},
                       "Add checkout, and switch off required-docs")
    change = Change(repo, base, head)
    fake.add_pull(5, author="ana", head_sha=head, base_sha=base)

    run = run_action(tmp_path, fake, repo, "pull_request", pull_request_event(tmp_path, change, action="opened"),
                     head, POLICY="ci/gate.yaml")

    assert run.code == 1, run.stdout + run.stderr
    assert run.outputs["verdict"] == "fail"
    report = json.loads(Path(run.outputs["report"]).read_text())
    assert any(f["rule"] == "required-docs" and f["severity"] == "error" for f in report["findings"])
    # The edit is reported as news, applying once merged.
    assert any(f["path"] == "ci/gate.yaml" and "applies once merged" in f["message"] for f in report["findings"])


def test_the_policy_input_is_the_repositorys_override_of_the_default_path(tmp_path: Path,
                                                                          fake: FakeGitHub) -> None:
    repo = GitRepo(tmp_path / "workspace")
    base = repo.commit({**documented_service("services/cart"), "ci/gate.yaml": LOOSE_POLICY,
                        ".github/gate.yaml": "version: 1\n"}, "Add the cart service and two policies")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit({"services/checkout/README.md": "# checkout\n"}, "Add checkout")
    fake.add_pull(5, author="ana", head_sha=head, base_sha=base)

    run = run_action(tmp_path, fake, repo, "pull_request",
                     pull_request_event(tmp_path, Change(repo, base, head), action="opened"), head,
                     POLICY="./ci/gate.yaml")

    assert run.code == 0, run.stdout + run.stderr  # the base's ci/gate.yaml, not .github/gate.yaml
    assert run.outputs["verdict"] == "pass"


def test_a_policy_input_naming_no_file_is_judged_by_the_default_and_said(tmp_path: Path,
                                                                          fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    fake.add_pull(5, author="ana", head_sha=change.head, base_sha=change.base)

    run = run_action(tmp_path, fake, change.repo, "pull_request",
                     pull_request_event(tmp_path, change, action="opened"), change.head, POLICY="ci/gaet.yaml")

    assert run.code == 1  # the bundled default: the strictest rules
    assert "::warning title=gate::the policy input names ci/gaet.yaml, which this repository does not have" \
        in run.stdout
    assert "which this repository does not have" in run.summary


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param("/github/workspace/ci/gate.yaml", id="absolute"),
        pytest.param("../gate.yaml", id="parent"),
        pytest.param("ci/../../gate.yaml", id="climbs-out"),
    ],
)
def test_a_policy_input_outside_the_repository_is_an_input_error(tmp_path: Path, fake: FakeGitHub,
                                                                 policy: str) -> None:
    change = new_service_without_runbook(tmp_path)

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head,
                     POLICY=policy)

    assert run.code == 2, run.stdout + run.stderr
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1
    assert f"input policy: '{policy}'" in errors[0] and "relative to the repository" in errors[0]
    assert fake.requests == []


# -- the sticky comment ---------------------------------------------------------------------------
def test_a_second_run_updates_the_one_comment(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    fake.add_pull(5, author="ana", head_sha=change.head, base_sha=change.base)
    fake.push(change.head, PUSHED)
    fake.comments[5].append({"id": 1, "body": "LGTM", "user": {"login": "bob", "type": "User"}})
    event_path = pull_request_event(tmp_path, change, action="synchronize")

    first = run_action(tmp_path, fake, change.repo, "pull_request", event_path, change.head)
    second = run_action(tmp_path, fake, change.repo, "pull_request", event_path, change.head)

    assert (first.code, second.code) == (1, 1)
    assert len(fake.calls("POST", "/issues/5/comments")) == 1
    patches = fake.calls("PATCH", "/issues/comments/")
    assert len(patches) == 1
    gate_comments = [c for c in fake.comments[5] if "<!-- gate:report -->" in c["body"]]
    assert len(gate_comments) == 1 and len(fake.comments[5]) == 2
    assert patches[0].path.endswith(f"/issues/comments/{gate_comments[0]['id']}")
    assert "required-docs" in gate_comments[0]["body"]

def test_a_persons_comment_with_the_marker_is_left_alone(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    fake.add_pull(5, author="ana", head_sha=change.head, base_sha=change.base)
    planted = "<!-- gate:report -->\n## ✅ gate: pass (trust me)"
    fake.comments[5].append({"id": 1, "body": planted, "user": {"login": "eve", "type": "User"}})
    event_path = pull_request_event(tmp_path, change, action="synchronize")

    first = run_action(tmp_path, fake, change.repo, "pull_request", event_path, change.head)
    second = run_action(tmp_path, fake, change.repo, "pull_request", event_path, change.head)

    assert (first.code, second.code) == (1, 1)
    assert fake.comments[5][0]["body"] == planted  # never edited
    assert not fake.calls("PATCH", "/issues/comments/1$")
    assert len(fake.calls("POST", "/issues/5/comments")) == 1  # gate's own, then updated in place
    assert len(fake.calls("PATCH", "/issues/comments/")) == 1
    ours = fake.comments[5][1]
    assert ours["user"]["type"] == "Bot" and "required-docs" in ours["body"]


def test_a_read_only_token_falls_back_to_the_summary(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    fake.add_pull(5, author="ana", head_sha=change.head, base_sha=change.base)
    fake.read_only = True

    run = run_action(tmp_path, fake, change.repo, "pull_request",
                     pull_request_event(tmp_path, change, action="opened"), change.head)

    assert run.code == 1  # the verdict's, not the comment's
    assert "the token cannot write to this pull request" in run.summary
    assert "pull-requests: write" in run.summary
    assert "## ❌ gate: fail" in run.summary

# -- reporting limits ----------------------------------------------------------------------------
def test_25_findings_make_10_error_annotations_and_25_summary_rows(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = GitRepo(tmp_path / "workspace")
    base = repo.commit({"README.md": "# shop\n"}, "start")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit({f"config/broken-{i:02d}.yaml": "key: [unclosed\n" for i in range(25)}, "Break 25 files")
    change = Change(repo, base, head)
    fake.add_pull(5, author="ana", head_sha=head, base_sha=base)

    run = run_action(tmp_path, fake, repo, "pull_request", pull_request_event(tmp_path, change, action="opened"),
                     head)

    assert run.code == 1
    assert run.outputs["errors"] == "25"
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == 10
    assert "15 more errors not annotated: see the job summary" in run.stdout
    assert all(f"config/broken-{i:02d}.yaml" in run.summary for i in range(25))

# -- the merge queue ------------------------------------------------------------------------------
def test_a_merge_group_finds_its_pull_request_in_the_head_ref(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    fake.add_pull(7, author="ana", head_sha=change.head, base_sha=change.base)
    fake.push(change.head, PUSHED)
    event_path = event(tmp_path, "merge_group.checks_requested.json", {
        "merge_group.head_ref": f"refs/heads/gh-readonly-queue/main/pr-7-{change.head}",
        "merge_group.head_sha": change.head,
        "merge_group.base_sha": change.base,
    })

    run = run_action(tmp_path, fake, change.repo, "merge_group", event_path, change.head)

    assert run.code == 1
    assert run.outputs["verdict"] == "fail"
    assert "pull request #7 in the merge queue" in run.stdout
    assert "(pull request #7)" in run.summary
    assert fake.calls("GET", "/repos/octo-org/octo-repo/pulls/7$")
    assert fake.calls("GET", "/issues/7/labels")
    assert len(fake.calls("POST", "/issues/7/comments")) == 1

def test_a_merge_group_with_an_unreadable_head_ref_is_an_input_error(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    event_path = event(tmp_path, "merge_group.checks_requested.json", {"merge_group.head_ref": "refs/heads/main"})

    run = run_action(tmp_path, fake, change.repo, "merge_group", event_path, change.head)

    assert run.code == 2
    assert "::error title=gate::merge_group: cannot find the pull request in the head ref" in run.stdout

# -- events gate does not judge, and the token ----------------------------------------------------
@pytest.mark.parametrize(
    ("event_name", "file", "adapt", "says"),
    [
        pytest.param("push", "push.json", {"deleted": False}, "pushes to the default branch only (the deployment notice), "
                     "not refs/tags/simple-tag", id="push-tag"),
        pytest.param("issues", "pull_request.opened.json", {}, "does not judge 'issues' events", id="other-event"),
        pytest.param("pull_request_target", "pull_request.opened.json", {}, "does not judge pull_request_target",
                     id="pull-request-target"),
    ],
)
def test_events_gate_does_not_judge_fail_with_one_line_naming_the_events_to_use(
    tmp_path: Path, fake: FakeGitHub, event_name: str, file: str, adapt: dict[str, Any], says: str
) -> None:
    # A required check wired to such an event must not turn green on a judgement that never happened.
    repo = GitRepo(tmp_path / "workspace")
    sha = repo.commit({"README.md": "# shop\n"}, "start")

    run = run_action(tmp_path, fake, repo, event_name, event(tmp_path, file, adapt), sha)

    assert run.code == 2, run.stdout
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1 and says in errors[0]
    assert "run gate on pull_request" in errors[0]
    assert run.outputs == {}
    assert fake.requests == []


def test_a_pull_request_closed_without_merging_is_a_notice(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = GitRepo(tmp_path / "workspace")
    sha = repo.commit({"README.md": "# shop\n"}, "start")
    event_path = event(tmp_path, "pull_request.closed.json", {"pull_request.merged": False})

    run = run_action(tmp_path, fake, repo, "pull_request", event_path, sha)

    assert run.code == 0
    assert re.search(r"^::notice title=gate::.*closed without being merged", run.stdout, flags=re.M)
    assert run.outputs == {"verdict": ""}


def test_other_pull_request_activity_is_judged_like_a_push_to_it(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    fake.add_pull(5, author="ana", head_sha=change.head, base_sha=change.base)

    run = run_action(tmp_path, fake, change.repo, "pull_request",
                     pull_request_event(tmp_path, change, action="opened") , change.head)
    ready = pull_request_event(tmp_path, change, action="opened")
    payload = json.loads(ready.read_text())
    payload["action"] = "ready_for_review"
    ready.write_text(json.dumps(payload))
    again = run_action(tmp_path, fake, change.repo, "pull_request", ready, change.head)

    assert (run.code, again.code) == (1, 1)
    assert again.outputs["verdict"] == "fail"
    assert "pull request #5 (ready_for_review)" in again.stdout


def test_the_token_is_masked_first_and_never_printed_otherwise(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    labeled_pull(fake, change, actor="maria", role="maintain")

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head)

    lines = run.stdout.splitlines()
    assert lines[0] == f"::add-mask::{TOKEN}"
    assert TOKEN not in "\n".join(lines[1:]) + run.stderr + run.summary
    assert {r.authorization for r in fake.requests} == {f"Bearer {TOKEN}"}

def test_a_shallow_checkout_lists_the_files_through_the_api(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", change.repo.path.as_uri(),
                    str(shallow)], check=True)
    fake.add_pull(5, author="ana", head_sha=change.head, base_sha=change.base)
    fake.files[5] = [{"sha": "0" * 40, "filename": "services/checkout/README.md", "status": "added",
                      "additions": 3, "deletions": 0, "changes": 3}]
    repo = GitRepo.__new__(GitRepo)
    repo.path = shallow

    run = run_action(tmp_path, fake, repo, "pull_request",
                     pull_request_event(tmp_path, change, action="synchronize"), change.head)

    assert run.code == 1
    assert fake.calls("GET", "/pulls/5/files")
    assert "listed the changed files through the GitHub API" in run.summary
    report = json.loads(Path(run.outputs["report"]).read_text())
    assert {f["rule"] for f in report["findings"] if f["severity"] == "error"} == {"required-docs"}
    assert all(f["path"].startswith("services/checkout") for f in report["findings"] if f["path"])

# -- the deployment notice on push ----------------------------------------------------------------
def deployed(tmp_path: Path) -> tuple[GitRepo, str, str]:
    repo = GitRepo(tmp_path / "workspace")
    before = repo.commit({"README.md": "# shop\n"}, "start")
    after = repo.commit(documented_service("services/checkout"), "Add the checkout service")
    return repo, before, after

def push_event(tmp_path: Path, before: str, after: str) -> Path:
    return event(tmp_path, "push.json", {"ref": "refs/heads/main", "before": before, "after": after,
                                         "deleted": False, "created": False})

@pytest.mark.usefixtures("aws_env")
def test_a_push_publishes_the_notice_once(tmp_path: Path, fake: FakeGitHub, moto: Moto) -> None:
    repo, before, after = deployed(tmp_path)
    topic_arn, queue = moto.topic_with_queue(raw=True)
    inputs = {"SNS-TOPIC-ARN": topic_arn, "AWS-REGION": REGION, "SNS-ENDPOINT-URL": moto.endpoint}

    fake.add_run(RUN_ID, head_sha=after)

    first = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after, **inputs)
    second = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after, attempt=2,
                        **inputs)  # a re-run of the same workflow run

    assert (first.code, second.code) == (0, 0), first.stdout + first.stderr
    assert len(moto.drain(queue)) == 1
    statuses = fake.calls("POST", f"/statuses/{after}")
    assert len(statuses) == 1
    assert statuses[0].body["context"] == "gate/notice" and statuses[0].body["state"] == "success"
    assert statuses[0].body["target_url"] == f"https://github.com/{fake.repository}/actions/runs/{RUN_ID}/attempts/1"
    assert fake.calls("GET", f"/actions/runs/{RUN_ID}$")  # the run the status names was checked
    assert "deployment notice published" in first.summary
    assert "already published" in second.summary

@pytest.mark.parametrize(("fail_on_error", "code"), [("false", 0), ("true", 1)])
@pytest.mark.usefixtures("aws_env")
def test_a_notice_that_cannot_be_sent_is_printed_whole(tmp_path: Path, fake: FakeGitHub, fail_on_error: str,
                                                       code: int) -> None:

    repo, before, after = deployed(tmp_path)
    run = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after,
                     **{"SNS-TOPIC-ARN": f"arn:aws:sns:{REGION}:123456789012:deploys", "AWS-REGION": REGION,
                        "SNS-ENDPOINT-URL": f"http://127.0.0.1:{closed_port()}",
                        "FAIL-ON-NOTICE-ERROR": fail_on_error})

    assert run.code == code
    assert "the deployment notice was NOT published" in run.summary
    assert f"git revert --no-edit {after}" in run.stdout
    assert f"git revert --no-edit {after}" in run.summary
    assert not fake.calls("POST", "/statuses/")
    assert DUMMY_AWS_ENV["AWS_SECRET_ACCESS_KEY"] not in run.stdout + run.summary


@pytest.mark.parametrize("merged", [True, False])
def test_a_closed_pull_request_is_judged_only_when_merged(tmp_path: Path, fake: FakeGitHub, merged: bool) -> None:
    repo, before, after = deployed(tmp_path)
    fake.add_pull(5, author="ana", head_sha=after, base_sha=before)
    event_path = event(tmp_path, "pull_request.closed.json", {
        "number": 5, "pull_request.number": 5, "pull_request.merged": merged, "pull_request.merge_commit_sha": after,
    })

    run = run_action(tmp_path, fake, repo, "pull_request", event_path, after)

    assert run.code == 0
    if merged:
        assert run.outputs["verdict"] == "pass"
        assert "merged pull request #5" in run.stdout
        assert "no sns-topic-arn; no deployment notice" in run.stdout
        assert json.loads(Path(run.outputs["report"]).read_text())["base"] == before
    else:
        assert run.outputs == {"verdict": ""}


def test_workflow_dispatch_judges_the_workflow_commit(tmp_path: Path, fake: FakeGitHub) -> None:
    repo, before, after = deployed(tmp_path)

    run = run_action(tmp_path, fake, repo, "workflow_dispatch", event(tmp_path, "workflow_dispatch.json", {}), after)

    assert run.code == 0
    report = json.loads(Path(run.outputs["report"]).read_text())
    assert (report["base"], report["head"], report["verdict"]) == (before, after, "pass")
    assert fake.requests == []


def test_a_push_that_landed_with_blocking_findings_reports_them_without_failing(tmp_path: Path,
                                                                                  fake: FakeGitHub) -> None:
    repo = GitRepo(tmp_path / "workspace")
    before = repo.commit({"README.md": "# shop\n"}, "start")
    after = repo.commit({"services/checkout/README.md": "# checkout\n"}, "Add checkout without a runbook")

    run = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after)

    assert run.code == 0, run.stdout + run.stderr
    assert run.outputs["verdict"] == "fail"
    assert "::warning title=gate::this change landed with blocking findings" in run.stdout
    assert "required-docs" in run.summary


def test_a_shallow_checkout_cannot_loosen_its_own_policy(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = GitRepo(tmp_path / "workspace")
    base = repo.commit(documented_service("services/cart"), "Add the cart service")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit({"services/checkout/README.md": "# checkout\n",
                        ".github/gate.yaml": "version: 1\nchecks:\n  required-docs:\n    enabled: false\n"},
                       "Add checkout and switch off required-docs")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", repo.path.as_uri(), str(shallow)],
                   check=True)
    fake.add_pull(5, author="ana", head_sha=head, base_sha=base)
    fake.files[5] = [{"sha": "0" * 40, "filename": name, "status": "added", "additions": 1, "deletions": 0,
                      "changes": 1} for name in ("services/checkout/README.md", ".github/gate.yaml")]
    clone = GitRepo.__new__(GitRepo)
    clone.path = shallow
    change = Change(clone, base, head)

    run = run_action(tmp_path, fake, clone, "pull_request", pull_request_event(tmp_path, change, action="synchronize"),
                     head)

    assert run.code == 1, run.stdout
    report = json.loads(Path(run.outputs["report"]).read_text())
    assert {f["rule"] for f in report["findings"] if f["severity"] == "error"} == {"required-docs"}
    assert any("applies once merged" in f["message"] for f in report["findings"] if f["path"] == ".github/gate.yaml")


def test_a_force_push_after_the_label_voids_it(tmp_path: Path, fake: FakeGitHub) -> None:
    # The head commit's check suite is older than the label (it was pushed to another branch first),
    # but the branch was force-pushed onto it after the label: the label never saw this code.
    change = new_service_without_runbook(tmp_path)
    labeled_pull(fake, change, actor="maria", role="maintain")
    fake.force_push(5, actor="ana", at="2026-11-30T10:30:00Z")

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head)

    assert run.code == 1
    assert run.outputs["verdict"] == "fail"
    assert "before the last push at 2026-11-30T10:30:00Z" in run.summary


# -- one judgement, every report alike -------------------------------------------------------------
MADRID_POLICY = """\
version: 1
checks:
  golden-window:
    start: "08:00"
    end: "18:00"
    timezone: Europe/Madrid
"""


def _mermaid(markdown: str) -> str:
    blocks = re.findall(r"```mermaid\n.*?```", markdown, flags=re.S)
    assert len(blocks) == 1, markdown
    return blocks[0]


def test_the_summary_and_the_comment_draw_the_policys_window(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = GitRepo(tmp_path / "workspace")
    flags = '{"flags": {"fast-pay": {"state": "%s", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}\n'
    base = repo.commit({".github/gate.yaml": MADRID_POLICY, "flags/pay.flagd.json": flags % "DISABLED"}, "base")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit({"flags/pay.flagd.json": flags % "ENABLED"}, "Turn fast-pay on")
    change = Change(repo, base, head)
    fake.add_pull(5, author="ana", head_sha=head, base_sha=base)
    fake.push(head, PUSHED)

    run = run_action(tmp_path, fake, repo, "pull_request", pull_request_event(tmp_path, change, action="opened"), head)
    local = run_gate("check", "--repo", str(repo.path), "--base", base, "--head", head, "--now", NOW,
                     "--format", "markdown")

    assert run.code == 0 and local.returncode == 0, run.stdout + local.stderr
    (comment,) = [c["body"] for c in fake.comments[5] if "<!-- gate:report -->" in c["body"]]
    expected = _mermaid(local.stdout)
    assert "Europe/Madrid" in expected and "default policy" not in expected
    assert _mermaid(run.summary) == expected
    assert _mermaid(comment) == expected
