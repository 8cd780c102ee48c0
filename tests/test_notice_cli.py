"""`gate notify` on the command line, without any AWS endpoint: the topic option and the dry run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO_ROOT, SEED_CANARY, GitRepo, documented_service, run_gate

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


def sent_json(output: str) -> dict[str, Any]:
    start = output.index("--- json (sqs, lambda) ---\n") + len("--- json (sqs, lambda) ---\n")
    end = output.index("\n--- envelope ---")
    document: dict[str, Any] = json.loads(output[start:end])
    return document


def test_a_real_flag_activation_gets_its_off_edit_and_applying_it_leaves_no_activation(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "shop")
    repo.commit({**documented_service("services/checkout"), "services/checkout/flags/flags.json": flagd("DISABLED")},
                "Add checkout, flag off")
    repo.commit({"services/checkout/flags/flags.json": flagd("ENABLED")}, "Turn on new-checkout")

    result = run_gate("notify", "--repo", str(repo.path), "--dry-run", "--now", "2026-11-30T11:00:00Z",
                      env={"GITHUB_REPOSITORY": "acme/shop"})

    assert result.returncode == 0, result.stderr
    sent = sent_json(result.stdout)
    (activation,) = sent["report"]["activations"]
    assert activation["flag"] == "new-checkout"
    (step,) = [step for step in sent["notice"]["rollback"] if step["kind"] == "edit"]
    assert step["code"] == '"state": "DISABLED"'
    assert f"in services/checkout/flags/flags.json line {activation['line']} (flagd, enabled)" in step["title"]

    # The edit as the JSON message carries it, made to the file and judged again by gate.
    path = repo.path / step["edit"]["path"]
    data = json.loads(path.read_text(encoding="utf-8"))
    for assignment in step["edit"]["set"]:
        _, *keys, last = assignment["pointer"]
        target = data
        for key in keys:
            target = target[key]
        target[last] = assignment["value"]
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    repo.git("commit", "-qam", "Turn new-checkout off again")
    check = run_gate("check", "--repo", str(repo.path), "--base", "HEAD~2", "--now", "2026-12-05T03:00:00Z",
                     "--format", "json")
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout)["activations"] == []


def test_notify_documents_now_in_its_help() -> None:
    result = run_gate("notify", "--help")
    assert result.returncode == 0
    assert "--now TIME" in result.stdout
    assert "judge as if it were TIME" in result.stdout


def test_the_demo_change_is_judged_at_the_time_given(tmp_path: Path) -> None:
    """`gate notify --dry-run --now 2026-11-30T11:00:00Z` on the demo change: the notice's verdict on
    the golden window is the one `gate check --now` gives, and the notice says when it judged."""
    repo = tmp_path / "repo"
    subprocess.run([sys.executable, str(REPO_ROOT / "examples" / "make_repo.py"), str(repo)], check=True,
                   capture_output=True, timeout=120)
    inside = run_gate("notify", "--repo", str(repo), "--dry-run", "--now", "2026-11-30T11:00:00Z")
    outside = run_gate("notify", "--repo", str(repo), "--dry-run", "--now", "2026-12-04T16:00:00Z")
    check = run_gate("check", "--repo", str(repo), "--now", "2026-11-30T11:00:00Z", "--format", "json")
    assert inside.returncode == outside.returncode == 0, inside.stderr + outside.stderr

    judged = sent_json(inside.stdout)
    assert judged["report"]["now"] == judged["notice"]["judged_at"] == "2026-11-30T11:00:00Z"
    assert [a["in_window"] for a in judged["report"]["activations"]] == [True]
    assert not any(f["rule"] == "golden-window" for f in judged["report"]["findings"])
    assert judged["report"]["findings"] == json.loads(check.stdout)["findings"]
    assert "Judged at:    2026-11-30T11:00:00Z" in inside.stdout

    late = sent_json(outside.stdout)
    assert [a["in_window"] for a in late["report"]["activations"]] == [False]
    assert any(f["rule"] == "golden-window" for f in late["report"]["findings"])
    assert "Judged at:    2026-12-04T16:00:00Z" in outside.stdout


def test_the_demo_gives_the_notice_the_checks_time() -> None:
    demo = (REPO_ROOT / "examples" / "demo.sh").read_text(encoding="utf-8")
    check = re.search(r'gate" check --repo examples/repo --now (\S+)', demo)
    notify = re.search(r'gate" notify --repo examples/repo --dry-run --now (\S+)', demo)
    assert check is not None and notify is not None
    assert notify.group(1) == check.group(1) == "2026-11-30T11:00:00Z"
