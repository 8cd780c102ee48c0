"""`gate action` on a push: the deployment notice is judged at the action's time (one clock), so its
verdict is the report's, and it says when it was judged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_github import FakeGitHub
from moto_server import REGION, Moto, aws_env_fixture, moto_fixture  # noqa: F401

from e2e.test_action import NOW, deployed, fake, push_event, run_action  # noqa: F401  (fake is a fixture)

pytestmark = pytest.mark.e2e


@pytest.mark.usefixtures("aws_env")
def test_the_notice_on_a_push_is_judged_at_the_time_the_action_judged(
    tmp_path: Path, fake: FakeGitHub, moto: Moto  # noqa: F811
) -> None:
    repo, before, after = deployed(tmp_path)
    topic_arn, queue = moto.topic_with_queue(raw=True)

    run = run_action(tmp_path, fake, repo, "push", push_event(tmp_path, before, after), after,
                     **{"SNS-TOPIC-ARN": topic_arn, "AWS-REGION": REGION, "SNS-ENDPOINT-URL": moto.endpoint})

    assert run.code == 0, run.stdout + run.stderr
    (message,) = moto.drain(queue)
    sent = json.loads(message["Body"])
    assert sent["notice"]["judged_at"] == sent["report"]["now"] == NOW
    report = json.loads(Path(run.outputs["report"]).read_text())
    assert report["now"] == NOW and report["verdict"] == sent["report"]["verdict"]
