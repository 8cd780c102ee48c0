"""`gate notify` on the command line, without any AWS endpoint: the topic option and the dry run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SEED_CANARY, GitRepo, documented_service, run_gate

TOPIC = "arn:aws:sns:eu-west-1:123456789012:deployments.fifo"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "shop")
    repo.commit(documented_service("services/checkout"), "Add checkout")
    repo.commit({"services/checkout/deploy/canary.yaml": SEED_CANARY}, "Add the canary")
    return repo


def envelope(output: str) -> dict[str, object]:
    start = output.index("--- envelope ---\n") + len("--- envelope ---\n")
    return json.loads(output[start:])  # type: ignore[no-any-return]


def test_a_missing_topic_without_dry_run_is_a_usage_error(repo: GitRepo) -> None:
    result = run_gate("notify", "--repo", str(repo.path), env={"GATE_SNS_TOPIC_ARN": ""})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "gate: notify: no SNS topic: pass --topic-arn or set GATE_SNS_TOPIC_ARN (or use --dry-run)"
    ]
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "env", "topic"),
    [
        pytest.param([], {"GATE_SNS_TOPIC_ARN": ""}, None, id="no-topic"),
        pytest.param([], {"GATE_SNS_TOPIC_ARN": TOPIC}, TOPIC, id="topic-from-environment"),
        pytest.param(["--topic-arn", TOPIC], {"GATE_SNS_TOPIC_ARN": "arn:aws:sns:eu-west-1:1:other"}, TOPIC,
                     id="option-wins"),
    ],
)
def test_dry_run_shows_the_envelope_for_the_chosen_topic(
    repo: GitRepo, args: list[str], env: dict[str, str], topic: str | None
) -> None:
    result = run_gate("notify", "--repo", str(repo.path), "--dry-run", "--now", "2026-11-30T11:00:00Z", *args,
                      env={**env, "GITHUB_REPOSITORY": "acme/shop"})
    assert result.returncode == 0, result.stderr
    shown = envelope(result.stdout)
    assert shown["TopicArn"] == topic
    assert (shown["MessageGroupId"] == "acme/shop") is (topic == TOPIC)
    assert shown["Subject"] == f"Deployed acme/shop@{repo.git('rev-parse', 'HEAD')[:12]}: Add the canary"


def test_the_repository_name_comes_from_the_origin_remote(repo: GitRepo) -> None:
    repo.git("remote", "add", "origin", "git@github.com:acme/storefront.git")
    result = run_gate("notify", "--repo", str(repo.path), "--dry-run", env={"GITHUB_REPOSITORY": ""})
    assert result.returncode == 0, result.stderr
    assert "Repository:   acme/storefront" in result.stdout


def flagd(state: str) -> str:
    return (
        '{\n  "flags": {\n    "new-checkout": {\n      "state": "' + state + '",\n'
        '      "variants": {"on": true, "off": false},\n      "defaultVariant": "on"\n    }\n  }\n}\n'
    )


def test_a_real_flag_activation_gets_its_off_switch_in_the_notice(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "shop")
    repo.commit({**documented_service("services/checkout"), "services/checkout/flags/flags.json": flagd("DISABLED")},
                "Add checkout, flag off")
    repo.commit({"services/checkout/flags/flags.json": flagd("ENABLED")}, "Turn on new-checkout")

    result = run_gate("notify", "--repo", str(repo.path), "--dry-run", "--now", "2026-11-30T11:00:00Z",
                      env={"GITHUB_REPOSITORY": "acme/shop"})

    assert result.returncode == 0, result.stderr
    start = result.stdout.index("--- json (sqs, lambda) ---\n") + len("--- json (sqs, lambda) ---\n")
    end = result.stdout.index("\n--- envelope ---")
    sent = json.loads(result.stdout[start:end])
    (activation,) = sent["report"]["activations"]
    assert activation["flag"] == "new-checkout"
    edits = [step for step in sent["notice"]["rollback"] if step["kind"] == "edit"]
    assert [step["code"] for step in edits] == ['"state": "DISABLED"']
    assert f"in services/checkout/flags/flags.json line {activation['line']}, set" in edits[0]["title"]
