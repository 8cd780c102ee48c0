"""The `gate/golden-window` status and the scheduled sweep, end to end: the real CLI (`gate action`) in
a real Actions environment, real git repositories, and the fake GitHub API over HTTP, which answers
`compare` and `contents` from the "remote" repository as GitHub answers them from its own.

The sweep's workspace is a clone of the default branch only, as a scheduled run checks it out: the
pull requests' heads are not in it, so the sweep reads them through the API.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_github import FakeGitHub
from helpers import GitRepo, run_gate

from e2e.test_action import TOKEN, Run, event, parse_outputs

pytestmark = pytest.mark.e2e

CONTEXT = "gate/golden-window"
FLAGS = '{"flags": {"fast-pay": {"state": "%s", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}\n'
ENABLE = {"flags/pay.flagd.json": FLAGS % "ENABLED"}
DOCS = {"docs/notes.md": "# notes\n\nNothing that turns a flag on.\n"}
MONDAY_0900, MONDAY_1005, MONDAY_1305 = "2026-11-30T09:00:00Z", "2026-11-30T10:05:00Z", "2026-11-30T13:05:00Z"
RUN_ID = 7142
RUN_URL = f"https://github.com/octo-org/octo-repo/actions/runs/{RUN_ID}/attempts/1"


@dataclass
class Remote:
    """The repository on GitHub: `main` and one branch per pull request."""

    origin: GitRepo
    base: str
    heads: dict[int, str]


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(token=TOKEN).start()
    yield server
    server.stop()


def remote(tmp_path: Path, fake: FakeGitHub, pulls: Mapping[int, Mapping[str, str]],
           base_files: Mapping[str, str] | None = None, **pull_options: object) -> Remote:
    origin = GitRepo(tmp_path / "origin")
    base = origin.commit({"flags/pay.flagd.json": FLAGS % "DISABLED", "README.md": "# shop\n", **(base_files or {})},
                         "start")
    heads = branch_off(origin, base, pulls)
    for number in pulls:
        fake.add_pull(number, author="ana", head_sha=heads[number], base_sha=base, title=f"Change {number}",
                      **pull_options)  # type: ignore[arg-type]
    fake.git_dir = origin.path
    return Remote(origin, base, heads)


def branch_off(origin: GitRepo, base: str, pulls: Mapping[int, Mapping[str, str]]) -> dict[int, str]:
    """One branch `pr-<n>` per pull request, a commit on `base` each, written by one `git fast-import`
    (hundreds of branches in a second)."""
    stream = bytearray()
    for number, files in pulls.items():
        message = f"pull request {number}\n".encode()
        stream += f"commit refs/heads/pr-{number}\n".encode()
        stream += b"committer Ana Dev <ana@example.com> 1764493200 +0000\n"
        stream += b"data %d\n%s" % (len(message), message)
        stream += f"from {base}\n".encode()
        for path, text in files.items():
            data = text.encode()
            stream += f"M 100644 inline {path}\n".encode() + b"data %d\n%s\n" % (len(data), data)
        stream += b"\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=origin.path, input=bytes(stream), check=True)
    shas = origin.git("rev-parse", *(f"pr-{number}" for number in pulls)).split()
    return dict(zip(pulls, shas, strict=True))


def main_only_clone(tmp_path: Path, remote: Remote) -> GitRepo:
    """What a scheduled run checks out: the default branch, without the pull requests' heads."""
    path = tmp_path / "workspace"
    subprocess.run(["git", "clone", "-q", "--single-branch", "--branch", "main", remote.origin.path.as_uri(),
                    str(path)], check=True)
    clone = GitRepo.__new__(GitRepo)
    clone.path = path
    return clone


def act(tmp_path: Path, fake: FakeGitHub, workspace: GitRepo, event_name: str, event_path: Path, sha: str,
        now: str, **inputs: str) -> Run:
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    output.write_text("")
    summary.write_text("")
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": fake.url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": str(RUN_ID),
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_WORKSPACE": str(workspace.path),
        "GITHUB_SHA": sha,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "INPUT_GITHUB-TOKEN": TOKEN,
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "GATE_NOW": now,
        **{f"INPUT_{name.upper()}": value for name, value in inputs.items()},
    }
    result = run_gate("action", env=env, cwd=workspace.path, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return Run(result.returncode, result.stdout, result.stderr, parse_outputs(output.read_text()), summary.read_text())


def pull_request_run(tmp_path: Path, fake: FakeGitHub, remote: Remote, number: int, now: str,
                     action: str = "opened") -> Run:
    """The pull request's own run: its checkout has the head (the remote repository itself here)."""
    event_path = event(tmp_path, f"pull_request.{action}.json", {
        "action": action, "number": number, "pull_request.number": number,
        "pull_request.base.sha": remote.base, "pull_request.base.ref": "main",
        "pull_request.head.sha": remote.heads[number],
    })
    return act(tmp_path, fake, remote.origin, "pull_request", event_path, remote.heads[number], now)


def schedule_event(tmp_path: Path, cron: str = "0 10 * * 1-5") -> Path:
    payload = json.loads(event(tmp_path, "push.json", {}).read_text())
    path = tmp_path / "event-schedule.json"
    path.write_text(json.dumps({"schedule": cron, "workflow": ".github/workflows/gate.yml",
                                "repository": payload["repository"], "sender": payload["sender"]}))
    return path


def sweep(tmp_path: Path, fake: FakeGitHub, workspace: GitRepo, now: str) -> Run:
    sha = workspace.git("rev-parse", "HEAD")
    return act(tmp_path, fake, workspace, "schedule", schedule_event(tmp_path), sha, now)


def window_status(fake: FakeGitHub, sha: str) -> dict[str, str]:
    status = fake.status_of(sha, CONTEXT)
    assert status is not None, f"no {CONTEXT} status on {sha}"
    return status


# -- the must-show: pending at 09:00, success at 10:05, pending at 13:05, no push -------------------
def test_the_status_follows_the_window_through_the_day_without_a_push(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = remote(tmp_path, fake, {5: ENABLE})
    head = repo.heads[5]

    opened = pull_request_run(tmp_path, fake, repo, 5, MONDAY_0900)

    assert opened.code == 1, opened.stdout  # the golden-window finding blocks the gate job itself
    status = window_status(fake, head)
    assert status["state"] == "pending"
    assert status["description"] == "closed: outside 10:00–13:00 UTC; opens 10:00 UTC, in 1 h"
    assert status["target_url"] == RUN_URL
    assert f"`{CONTEXT}` on `{head[:12]}`: **pending**" in opened.summary

    workspace = main_only_clone(tmp_path, repo)
    fake.requests.clear()
    morning = sweep(tmp_path, fake, workspace, MONDAY_1005)

    assert morning.code == 0, morning.stdout + morning.summary
    assert window_status(fake, head)["state"] == "success"
    assert window_status(fake, head)["description"] == "open until 13:00 UTC"
    assert "#5: success: open until 13:00 UTC" in morning.stdout
    assert "| success | open until 13:00 UTC |" in morning.summary.replace("✅ ", "")

    afternoon = sweep(tmp_path, fake, workspace, MONDAY_1305)

    assert afternoon.code == 0, afternoon.stdout + afternoon.summary
    status = window_status(fake, head)
    assert status["state"] == "pending"
    assert status["description"] == "closed: outside 10:00–13:00 UTC; opens Tue 10:00 UTC, in 20 h 55 min"
    # No push and no re-run: the head is where it was, and the sweeps only read and set statuses.
    assert repo.origin.git("rev-parse", "pr-5") == head
    assert [s["state"] for s in fake.statuses[head] if s["context"] == CONTEXT] == ["pending", "success", "pending"]
    assert {(r.method, r.path.split("/")[4]) for r in fake.requests} <= {
        ("GET", "pulls"), ("GET", "compare"), ("GET", "contents"), ("POST", "statuses")}


def test_a_change_without_activations_is_green_at_once(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = remote(tmp_path, fake, {6: DOCS, 7: {"flags/pay.flagd.json": FLAGS % "DISABLED" + "\n"}})

    for number in (6, 7):
        run = pull_request_run(tmp_path, fake, repo, number, MONDAY_0900)
        assert run.code == 0, run.stdout
        status = window_status(fake, repo.heads[number])
        assert (status["state"], status["description"]) == ("success", "no flag activations")


def test_an_accepted_override_turns_the_status_green_and_says_so(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = remote(tmp_path, fake, {5: ENABLE})
    fake.push(repo.heads[5], "2026-11-30T08:00:00Z")
    fake.roles["maria"] = "maintain"
    fake.label(5, "gate/override", actor="maria", at="2026-11-30T08:30:00Z")

    run = pull_request_run(tmp_path, fake, repo, 5, MONDAY_0900, action="labeled")
    swept = sweep(tmp_path, fake, main_only_clone(tmp_path, repo), MONDAY_1305)

    assert run.code == 0 and swept.code == 0, run.stdout + swept.stdout
    status = window_status(fake, repo.heads[5])
    assert (status["state"], status["description"]) == (
        "success", "outside the window; waived by maria's accepted override")
    assert len(fake.statuses[repo.heads[5]]) == 2
    # The sweep verified the label through the API, as the pull request's run did.
    assert len(fake.calls("GET", "/collaborators/maria/permission")) == 2


# -- the sweep: one failure does not stop the others; 200+ pull requests; the budget ---------------
def test_a_pull_request_that_cannot_be_judged_does_not_stop_the_others(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = remote(tmp_path, fake, {1: ENABLE, 2: ENABLE, 3: ENABLE})
    fake.fail("GET", f"/compare/.*{repo.heads[2]}$", 404, body={"message": "Not Found"})

    run = sweep(tmp_path, fake, main_only_clone(tmp_path, repo), MONDAY_1005)

    assert run.code == 1, run.stdout
    assert window_status(fake, repo.heads[1])["state"] == "success"
    assert window_status(fake, repo.heads[3])["state"] == "success"
    failed = window_status(fake, repo.heads[2])
    assert failed["state"] == "error"  # fail closed: a green left from before must not stand
    assert failed["description"].startswith("gate could not judge the window at 10:05 UTC: GitHub refused GET")
    assert len(failed["description"]) <= 140
    assert "::warning title=gate sweep::pull request #2: GitHub refused GET" in run.stdout
    assert "⚠️ not judged" in run.summary and "1 could not be judged" in run.summary


def test_two_hundred_open_pull_requests_are_swept_with_bounded_requests(tmp_path: Path, fake: FakeGitHub) -> None:
    flagged = dict.fromkeys(range(1, 6), ENABLE)
    others = {number: {f"docs/note-{number}.md": f"note {number}\n"} for number in range(6, 211)}
    repo = remote(tmp_path, fake, {**flagged, **others})
    workspace = main_only_clone(tmp_path, repo)
    fake.requests.clear()

    run = sweep(tmp_path, fake, workspace, MONDAY_1005)

    assert run.code == 0, run.stdout[-2000:]
    assert all(window_status(fake, repo.heads[n])["state"] == "success" for n in flagged)
    assert not any(fake.status_of(repo.heads[n], CONTEXT) for n in others)
    listing = fake.calls("GET", r"/pulls$")
    compares = fake.calls("GET", "/compare/")
    contents = fake.calls("GET", "/contents/")
    writes = fake.calls("POST", "/statuses/")
    assert len(listing) == 3  # 210 pull requests, 100 a page
    assert len(compares) == 210  # one per pull request whose head the clone lacks
    assert len(contents) == len(flagged)  # the flag file at head; the base side is in the clone
    assert len(writes) == len(flagged)
    assert len(fake.requests) == 3 + 210 + 2 * len(flagged)
    assert "210 open pull requests; 5 statuses set, 205 without flag files" in run.summary


def test_a_clone_that_has_the_heads_spends_no_request_reading_them(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = remote(tmp_path, fake, {1: ENABLE, 2: DOCS})
    fake.requests.clear()

    run = sweep(tmp_path, fake, repo.origin, MONDAY_1305)

    assert run.code == 0, run.stdout
    assert window_status(fake, repo.heads[1])["state"] == "pending"
    assert [(r.method, r.path.split("/")[4]) for r in fake.requests] == [("GET", "pulls"), ("POST", "statuses")]


def test_the_sweep_stops_cleanly_when_the_rate_limit_runs_low(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = remote(tmp_path, fake, dict.fromkeys(range(1, 31), ENABLE))
    workspace = main_only_clone(tmp_path, repo)
    fake.requests.clear()
    fake.rate_limit = 160  # the sweep leaves 100 requests to other runs, and 40 for the pull request it starts

    run = sweep(tmp_path, fake, workspace, MONDAY_1005)

    assert run.code == 1
    judged = [n for n in range(1, 31) if fake.status_of(repo.heads[n], CONTEXT)]
    assert judged == list(range(1, len(judged) + 1)) and 1 <= len(judged) < 30
    assert len(fake.requests) <= 160 - 100
    assert "GitHub's rate limit is running low" in run.summary
    assert f"stopped before {30 - len(judged)} pull requests" in run.summary
    assert "::warning title=gate sweep::the sweep stopped before" in run.stdout


def test_a_forks_pull_request_without_flags_gets_its_status_from_the_sweep(tmp_path: Path,
                                                                          fake: FakeGitHub) -> None:
    repo = remote(tmp_path, fake, {9: DOCS}, fork=True)
    workspace = main_only_clone(tmp_path, repo)

    first = sweep(tmp_path, fake, workspace, MONDAY_1005)
    second = sweep(tmp_path, fake, workspace, MONDAY_1305)

    assert first.code == 0 and second.code == 0, first.stdout + second.stdout
    assert [(s["state"], s["description"]) for s in fake.statuses[repo.heads[9]]] == [
        ("success", "no flag activations")]  # set once: the second sweep found it there


# -- the pull-request run's status where it cannot or must go elsewhere ----------------------------
def test_a_read_only_token_is_said_in_the_summary_and_the_verdict_stands(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = remote(tmp_path, fake, {5: ENABLE})
    fake.read_only = True

    run = pull_request_run(tmp_path, fake, repo, 5, MONDAY_1005)

    assert run.code == 0, run.stdout  # inside the window: the verdict passes, whatever the status
    assert "the token cannot set the `gate/golden-window` status" in run.summary
    assert "the scheduled sweep sets it" in run.summary
    assert not fake.statuses


def test_the_merge_queue_gets_the_status_on_its_own_commit(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = remote(tmp_path, fake, {7: ENABLE})
    queued = repo.heads[7]
    event_path = event(tmp_path, "merge_group.checks_requested.json", {
        "merge_group.head_ref": f"refs/heads/gh-readonly-queue/main/pr-7-{queued}",
        "merge_group.head_sha": queued, "merge_group.base_sha": repo.base,
    })

    run = act(tmp_path, fake, repo.origin, "merge_group", event_path, queued, MONDAY_1305)

    assert run.code == 1
    assert window_status(fake, queued)["state"] == "pending"


def test_a_sweep_can_be_asked_for_by_hand_and_only_where_it_belongs(tmp_path: Path, fake: FakeGitHub) -> None:
    repo = remote(tmp_path, fake, {5: ENABLE})
    workspace = main_only_clone(tmp_path, repo)
    sha = workspace.git("rev-parse", "HEAD")

    manual = act(tmp_path, fake, workspace, "workflow_dispatch", event(tmp_path, "workflow_dispatch.json", {}), sha,
                 MONDAY_1005, sweep="true")
    misplaced = pull_request_run_with_sweep(tmp_path, fake, repo)

    assert manual.code == 0, manual.stdout
    assert "gate: sweep asked for by hand" in manual.stdout
    assert window_status(fake, repo.heads[5])["state"] == "success"
    assert misplaced.code == 2
    assert "the sweep input is for schedule and workflow_dispatch events" in misplaced.stdout


def pull_request_run_with_sweep(tmp_path: Path, fake: FakeGitHub, repo: Remote) -> Run:
    event_path = event(tmp_path, "pull_request.opened.json", {
        "number": 5, "pull_request.number": 5, "pull_request.base.sha": repo.base,
        "pull_request.head.sha": repo.heads[5],
    })
    return act(tmp_path, fake, repo.origin, "pull_request", event_path, repo.heads[5], MONDAY_1005, sweep="true")
