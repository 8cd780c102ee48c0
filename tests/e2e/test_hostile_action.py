"""Hostile input and remote answers against `gate action`: a YAML bomb on a push, forged notice
statuses, a token echoed by the API, odd timestamps, a bug in one report format or in judging.

The real CLI in a real Actions environment, against the fake GitHub API and moto's SNS on loopback.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_github import BOT, FakeGitHub, user
from helpers import GitRepo, documented_service
from moto_server import REGION, Moto, aws_env_fixture, moto_fixture  # noqa: F401
from test_hostile_files import billion_laughs

from e2e.test_action import (
    RUN_ID,
    TOKEN,
    deployed,
    event,
    labeled_pull,
    new_service_without_runbook,
    pull_request_event,
    push_event,
    run_action,
)

pytestmark = pytest.mark.e2e

MAX_SECONDS = 5.0
MAX_RSS_MIB = 200.0
EARLIER_RUN = 4000
EARLIER_URL = f"https://github.com/octo-org/octo-repo/actions/runs/{EARLIER_RUN}/attempts/1"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(token=TOKEN).start()
    yield server
    server.stop()


def sns_inputs(moto: Moto) -> tuple[dict[str, str], str]:
    topic_arn, queue = moto.topic_with_queue(raw=True)
    return {"SNS-TOPIC-ARN": topic_arn, "AWS-REGION": REGION, "SNS-ENDPOINT-URL": moto.endpoint}, queue


def notices(moto: Moto, queue: str) -> list[dict[str, object]]:
    return [json.loads(m["Body"]) for m in moto.drain(queue)]


# -- the bomb on a push: invalid-file, within bounds, and the notice still goes out -----------------
@pytest.mark.usefixtures("aws_env")
def test_a_billion_laughs_on_a_push_is_invalid_file_and_the_notice_is_published(
    tmp_path: Path, fake: FakeGitHub, moto: Moto
) -> None:
    repo = GitRepo(tmp_path / "workspace")
    before = repo.commit(documented_service("services/checkout"), "Add the checkout service")
    after = repo.commit({"services/checkout/deploy/canary.yaml": billion_laughs()}, "Add a canary")
    inputs, queue = sns_inputs(moto)

    run = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after, measured=True,
                     **inputs)

    assert run.code == 0, run.stdout + run.stderr  # landed: reported, not blocked
    assert run.outputs["verdict"] == "fail"
    report = json.loads(Path(run.outputs["report"]).read_text())
    assert [(f["rule"], f["path"]) for f in report["findings"] if f["severity"] == "error"] == [
        ("invalid-file", "services/checkout/deploy/canary.yaml")]
    (message,) = notices(moto, queue)
    assert "invalid-file" in json.dumps(message)
    assert run.seconds < MAX_SECONDS, run.seconds
    assert run.max_rss_mib < MAX_RSS_MIB, run.max_rss_mib


# -- the notice status: only one gate can prove it wrote counts ------------------------------------
@pytest.mark.usefixtures("aws_env")
def test_a_forged_notice_status_from_another_identity_is_ignored_and_the_notice_published_once(
    tmp_path: Path, fake: FakeGitHub, moto: Moto
) -> None:
    repo, before, after = deployed(tmp_path)
    fake.add_run(EARLIER_RUN, head_sha=after)  # a real run of gate's workflow for this commit...
    fake.add_status(after, creator=user("mallory"), target_url=EARLIER_URL)  # ...that mallory names
    fake.add_run(RUN_ID, head_sha=after)
    inputs, queue = sns_inputs(moto)

    first = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after, **inputs)
    second = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after, attempt=2,
                        **inputs)

    assert (first.code, second.code) == (0, 0), first.stdout + first.stderr
    assert len(notices(moto, queue)) == 1  # published by the first run, not again by the re-run
    assert "ignored 1 gate/notice status" in first.summary
    assert "created by mallory, not by gate's identity github-actions[bot]" in first.summary
    assert "already published" in second.summary


@pytest.mark.usefixtures("aws_env")
def test_a_status_from_gates_own_earlier_run_is_not_published_again(tmp_path: Path, fake: FakeGitHub,
                                                                     moto: Moto) -> None:
    repo, before, after = deployed(tmp_path)
    fake.add_run(EARLIER_RUN, head_sha=after)
    fake.add_status(after, creator=BOT, target_url=EARLIER_URL, at="2026-11-30T11:05:00Z")
    inputs, queue = sns_inputs(moto)

    run = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after, **inputs)

    assert run.code == 0
    assert notices(moto, queue) == []
    assert "already published" in run.summary
    assert fake.calls("GET", f"/actions/runs/{EARLIER_RUN}$")


@pytest.mark.usefixtures("aws_env")
def test_with_a_personal_token_gates_identity_is_the_tokens_user(tmp_path: Path, fake: FakeGitHub,
                                                                moto: Moto) -> None:
    repo, before, after = deployed(tmp_path)
    fake.me = {"login": "gate-ci", "id": 7777, "type": "User"}
    fake.add_run(EARLIER_RUN, head_sha=after)
    fake.add_status(after, creator=BOT, target_url=EARLIER_URL)  # github-actions[bot] is not this token
    inputs, queue = sns_inputs(moto)

    first = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after, **inputs)
    fake.add_run(RUN_ID, head_sha=after)
    second = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after, attempt=2,
                        **inputs)

    assert len(notices(moto, queue)) == 1
    assert "not by gate's identity gate-ci" in first.summary
    assert fake.statuses[after][0]["creator"]["login"] == "gate-ci"
    assert "already published" in second.summary


# -- a token echoed by the API never reaches what gate stores or shows -----------------------------
def test_a_token_echoed_in_an_api_error_is_redacted_everywhere(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    labeled_pull(fake, change, actor="maria", role="maintain")
    echoed = {"message": f"Bad token {TOKEN} for maria_dev (also ghp_abcdefghijklmnopqrstuvwxyz0123456789)"}
    fake.fail("GET", "/collaborators/", 403, body=echoed)

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head)

    assert run.code == 1
    report = Path(run.outputs["report"]).read_text()
    comment = fake.comments[5][-1]["body"]
    escaped = TOKEN.replace("_", "\\_")
    for text in (run.stdout.split("\n", 1)[1], run.stderr, run.summary, report, comment):
        assert TOKEN not in text and escaped not in text and "ghp_abcdefghij" not in text
    assert "redacted" in run.summary and "[redacted]" in report


# -- timestamps GitHub gave without an offset -------------------------------------------------------
def test_a_push_time_without_an_offset_rejects_the_override_without_crashing(tmp_path: Path,
                                                                            fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    labeled_pull(fake, change, actor="maria", role="maintain", pushed_at="2026-11-30T09:00:00")

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head)

    assert run.code == 1, run.stdout + run.stderr
    assert "does not say when the head commit was pushed" in run.summary


def test_a_label_time_that_is_garbage_rejects_the_override(tmp_path: Path, fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    labeled_pull(fake, change, actor="maria", role="maintain", labeled_at="yesterday-ish")

    run = run_action(tmp_path, fake, change.repo, "pull_request", pull_request_event(tmp_path, change), change.head)

    assert run.code == 1
    assert "no record of who applied the label" in run.summary


# -- a bug in one output never takes the others down --------------------------------------------------
def break_gate(tmp_path: Path, target: str, attribute: str) -> dict[str, str]:
    """An environment whose Python replaces `target.attribute` with a function that raises: a stand-in
    for a bug, injected through sitecustomize so the real CLI runs as usual otherwise."""
    folder = tmp_path / "inject"
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(textwrap.dedent(f"""
        import importlib
        module = importlib.import_module({target!r})
        def broken(*args, **kwargs):
            raise RuntimeError("injected bug")
        setattr(module, {attribute!r}, broken)
    """))
    return {"PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}


def test_a_crash_in_the_summary_format_leaves_the_other_reports_and_the_verdict(tmp_path: Path,
                                                                              fake: FakeGitHub) -> None:
    change = new_service_without_runbook(tmp_path)
    fake.add_pull(5, author="ana", head_sha=change.head, base_sha=change.base)

    run = run_action(tmp_path, fake, change.repo, "pull_request",
                     pull_request_event(tmp_path, change, action="opened"), change.head,
                     extra_env=break_gate(tmp_path, "gate.core.report.markdown", "render"))

    assert run.code == 1  # the verdict's
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error title=gate::")]
    assert any("the job summary could not be written (a bug in gate): RuntimeError: injected bug" in e
               for e in errors)
    assert json.loads(Path(run.outputs["report"]).read_text())["verdict"] == "fail"
    assert "::error file=services/checkout" in run.stdout  # the annotations
    assert run.outputs["verdict"] == "fail"


@pytest.mark.usefixtures("aws_env")
def test_a_crash_while_judging_a_push_still_publishes_the_notice_with_the_internal_error(
    tmp_path: Path, fake: FakeGitHub, moto: Moto
) -> None:
    repo, before, after = deployed(tmp_path)
    inputs, queue = sns_inputs(moto)

    run = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after,
                     extra_env=break_gate(tmp_path, "gate.core.judge", "judge"), **inputs)

    assert run.code == 3  # a bug in gate, said as such
    (message,) = notices(moto, queue)
    assert "internal-error" in json.dumps(message) and "injected bug" in json.dumps(message)
    assert run.outputs["verdict"] == "fail"
    assert "internal-error" in run.summary


@pytest.mark.usefixtures("aws_env")
def test_a_non_utf8_name_on_a_push_reaches_the_summary_and_the_notice(tmp_path: Path, fake: FakeGitHub,
                                                                     moto: Moto) -> None:
    repo = GitRepo(tmp_path / "workspace")
    before = repo.commit(documented_service("services/checkout"), "start")
    after = repo.commit({os.fsdecode(b"services/checkout/deploy/\xff.yaml"): "kind: [unclosed\n"}, "odd name")
    inputs, queue = sns_inputs(moto)

    run = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after, **inputs)

    assert run.code == 0, run.stdout + run.stderr
    assert "\\xff.yaml" in run.summary
    (message,) = notices(moto, queue)
    assert "\\\\xff.yaml" in json.dumps(message)


# -- the event file -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "says"),
    [
        pytest.param("[" * 100_000 + "]" * 100_000, "not a readable JSON event", id="deeply-nested"),
        pytest.param('{"after": ' + "1" * 5000 + "}", "not a readable JSON event", id="5000-digits"),
        pytest.param("\udcff", "not a readable JSON event", id="not-utf8"),
    ],
)
def test_an_unreadable_event_file_is_one_line_exit_2(tmp_path: Path, fake: FakeGitHub, content: str,
                                                     says: str) -> None:
    repo = GitRepo(tmp_path / "workspace")
    sha = repo.commit({"README.md": "# shop\n"}, "start")
    path = tmp_path / "event.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))

    run = run_action(tmp_path, fake, repo, "push", path, sha)

    assert run.code == 2
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1 and says in errors[0]


def test_a_merged_pull_request_status_counts_only_for_its_merge_commit(tmp_path: Path, fake: FakeGitHub) -> None:
    # The closed event's notice names its pull request; a later run checks it was merged as this commit.
    repo, before, after = deployed(tmp_path)
    fake.add_pull(5, author="ana", head_sha="c" * 40, base_sha=before)
    fake.pulls[5].update(merged=True, merge_commit_sha=after)
    fake.add_run(EARLIER_RUN, head_sha="c" * 40, event="pull_request")
    fake.add_status(after, creator=BOT, target_url=EARLIER_URL, description="notice published (pull_request #5)")
    event_path = event(tmp_path, "pull_request.closed.json", {
        "number": 5, "pull_request.number": 5, "pull_request.merged": True, "pull_request.merge_commit_sha": after,
    })

    run = run_action(tmp_path, fake, repo, "pull_request", event_path, after,
                     **{"SNS-TOPIC-ARN": f"arn:aws:sns:{REGION}:123456789012:deploys"})

    assert "already published" in run.summary
