"""Which `gate/notice` statuses prove the notice went out: only one gate can show it wrote.

Every forged or doubtful status is ignored (and reported), so the notice is published: a duplicate
notice costs less than a missing one. The GitHub client talks to the fake API on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fake_github import BOT, FakeGitHub, user

from gate.adapters.github import GitHub
from gate.adapters.runner import ActionSettings
from gate.commands.action.deployment import _already_sent
from gate.commands.action.notes import Notes

TOKEN = "ghs_statusTOKEN0123456789abcdefABCDEF"
SHA = "a" * 40
OTHER_SHA = "b" * 40
EARLIER = 4000
URL = f"https://github.com/octo-org/octo-repo/actions/runs/{EARLIER}/attempts/1"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(token=TOKEN).start()
    yield server
    server.stop()


def settings(**changes: Any) -> ActionSettings:
    base = ActionSettings.from_env({
        "GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "octo-org/octo-repo", "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_ATTEMPT": "1", "GITHUB_WORKFLOW_REF": "octo-org/octo-repo/.github/workflows/gate.yml@refs/heads/main",
    })
    return replace(base, **changes)


def sent(fake: FakeGitHub, **changes: Any) -> tuple[bool, Notes]:
    notes = Notes()
    with GitHub(fake.url, TOKEN, fake.repository, sleep=lambda _: None) as github:
        return _already_sent(github, settings(**changes), SHA, notes), notes


def test_no_status_means_not_sent(fake: FakeGitHub) -> None:
    assert sent(fake)[0] is False


def test_a_status_from_gates_own_earlier_run_for_this_commit_counts(fake: FakeGitHub) -> None:
    fake.add_run(EARLIER, head_sha=SHA)
    fake.add_status(SHA, creator=BOT, target_url=URL)
    assert sent(fake)[0] is True


@pytest.mark.parametrize(
    ("arrange", "reason"),
    [
        pytest.param(lambda f: f.add_status(SHA, creator=user("mallory"), target_url=URL),
                     "created by mallory", id="another-identity"),
        pytest.param(lambda f: f.add_status(SHA, creator={**BOT, "id": 666}, target_url=URL),
                     "created by github-actions[bot], not by gate's identity", id="same-login-other-id"),
        pytest.param(lambda f: f.add_status(SHA, creator=BOT, target_url=None), "names no run", id="no-run-named"),
        pytest.param(lambda f: f.add_status(SHA, creator=BOT, target_url="https://evil.example/actions/runs/4000"),
                     "names no run", id="another-host"),
        pytest.param(lambda f: f.add_status(SHA, creator=BOT, target_url=URL.replace("octo-repo", "other-repo")),
                     "names no run", id="another-repository-in-the-url"),
        pytest.param(lambda f: f.add_status(SHA, creator=BOT, target_url=URL), "does not exist", id="no-such-run"),
        pytest.param(lambda f: (f.add_run(EARLIER, head_sha=SHA, path=".github/workflows/other.yml"),
                                f.add_status(SHA, creator=BOT, target_url=URL)), "another workflow",
                     id="another-workflow"),
        pytest.param(lambda f: (f.add_run(EARLIER, head_sha=OTHER_SHA), f.add_status(SHA, creator=BOT, target_url=URL)),
                     "another commit", id="another-commit"),
        pytest.param(lambda f: (f.add_run(EARLIER, head_sha=SHA, event="workflow_dispatch"),
                                f.add_status(SHA, creator=BOT, target_url=URL)), "ran on workflow_dispatch",
                     id="another-event"),
        pytest.param(lambda f: (f.add_run(EARLIER, head_sha=SHA, repository="evil/fork"),
                                f.add_status(SHA, creator=BOT, target_url=URL)), "another repository",
                     id="a-run-of-another-repository"),
        pytest.param(lambda f: (f.add_run(EARLIER, head_sha=SHA, started_at="2026-11-30T12:00:00Z"),
                                f.add_status(SHA, creator=BOT, target_url=URL, at="2026-11-30T11:00:00Z")),
                     "before run 4000", id="older-than-the-run"),
        pytest.param(lambda f: (f.add_run(EARLIER, head_sha=SHA), f.add_status(SHA, creator=BOT, target_url=URL,
                                                                             state="failure")),
                     "not success", id="not-success"),
        pytest.param(lambda f: (f.add_run(4242, head_sha=SHA),
                                f.add_status(SHA, creator=BOT, target_url=URL.replace("4000", "4242"))),
                     "this very run", id="this-very-attempt"),
        pytest.param(lambda f: (f.add_run(EARLIER, head_sha="c" * 40, event="pull_request"),
                                f.add_status(SHA, creator=BOT, target_url=URL,
                                             description="notice published (pull_request #5)")),
                     "not merged as this commit", id="a-pull-request-not-merged-as-this-commit"),
    ],
)
def test_a_status_gate_cannot_prove_it_wrote_does_not_count_and_is_reported(fake: FakeGitHub, arrange: Any,
                                                                            reason: str) -> None:
    fake.add_pull(5, author="ana", head_sha="c" * 40, base_sha="d" * 40)
    arrange(fake)
    found, notes = sent(fake)
    assert found is False
    (line,) = [line for line in notes.lines if "ignored" in line]
    assert reason in line and "duplicate costs less than a missing one" in line


def test_a_forged_status_beside_gates_own_does_not_hide_it(fake: FakeGitHub) -> None:
    fake.add_run(EARLIER, head_sha=SHA)
    fake.add_status(SHA, creator=BOT, target_url=URL, at="2026-11-30T11:05:00Z")
    fake.add_status(SHA, creator=user("mallory"), state="failure")  # newer, and not gate's
    assert sent(fake)[0] is True


def test_an_earlier_attempt_of_this_run_counts(fake: FakeGitHub) -> None:
    fake.add_run(4242, head_sha=SHA, attempt=2)
    fake.add_status(SHA, creator=BOT, target_url=URL.replace("4000", "4242"))
    assert sent(fake, run_attempt=2)[0] is True


def test_a_merged_pull_requests_status_counts_for_its_merge_commit(fake: FakeGitHub) -> None:
    fake.add_pull(5, author="ana", head_sha="c" * 40, base_sha="d" * 40)
    fake.pulls[5].update(merged=True, merge_commit_sha=SHA)
    fake.add_run(EARLIER, head_sha="c" * 40, event="pull_request")
    fake.add_status(SHA, creator=BOT, target_url=URL, description="notice published (pull_request #5)")
    assert sent(fake)[0] is True


def test_without_the_workflow_ref_no_status_can_be_proven(fake: FakeGitHub) -> None:
    fake.add_run(EARLIER, head_sha=SHA)
    fake.add_status(SHA, creator=BOT, target_url=URL)
    found, notes = sent(fake, workflow_ref="")
    assert found is False and any("GITHUB_WORKFLOW_REF" in line for line in notes.lines)


@pytest.mark.parametrize(("status", "says"), [(403, "actions: read"), (502, "could not read run")])
def test_a_run_gate_cannot_read_does_not_count(fake: FakeGitHub, status: int, says: str) -> None:
    fake.add_run(EARLIER, head_sha=SHA)
    fake.add_status(SHA, creator=BOT, target_url=URL)
    fake.fail("GET", f"/actions/runs/{EARLIER}$", status, body={"message": "no"}, times=10)
    found, notes = sent(fake)
    assert found is False and any(says in line for line in notes.lines)


def test_when_gate_cannot_tell_its_identity_it_publishes(fake: FakeGitHub) -> None:
    fake.add_run(EARLIER, head_sha=SHA)
    fake.add_status(SHA, creator=BOT, target_url=URL)
    fake.fail("GET", "^/user$", 502, times=10)
    found, notes = sent(fake)
    assert found is False and any("may be a repeat" in line for line in notes.lines)


def test_statuses_gate_cannot_read_mean_it_publishes_and_says_it_may_repeat(fake: FakeGitHub) -> None:
    fake.fail("GET", f"/commits/{SHA}/statuses$", 403, body={"message": "Resource not accessible by integration"})
    found, notes = sent(fake)
    assert found is False and any("may be a repeat" in line for line in notes.lines)
