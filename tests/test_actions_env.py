"""The Actions environment: inputs, outputs with safe delimiters, the capped summary, the token."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import REPO_ROOT

from gate.adapters import runner
from gate.adapters.runner import ActionSettings, append_summary, input_value, output_block, write_outputs
from gate.core.errors import UsageError

BASE_ENV = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "octo-org/octo-repo"}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({"INPUT_GITHUB-TOKEN": "t1"}, "t1", id="hyphen-kept-as-the-runner-passes-it"),
        pytest.param({"INPUT_GITHUB_TOKEN": "t2"}, "t2", id="underscore-spelling"),
        pytest.param({"INPUT_GITHUB-TOKEN": "  ", "INPUT_GITHUB_TOKEN": "t3"}, "t3", id="blank-falls-through"),
        pytest.param({}, "", id="unset"),
    ],
)
def test_input_names(env: dict[str, str], expected: str) -> None:
    assert input_value(env, "github-token") == expected


def test_input_with_spaces() -> None:
    assert input_value({"INPUT_MY_INPUT": "x"}, "my input") == "x"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("True", True), ("TRUE", True), ("false", False), ("FALSE", False), ("", True)],
)
def test_boolean_inputs(value: str, expected: bool) -> None:
    assert ActionSettings.from_env({**BASE_ENV, "INPUT_COMMENT": value}).comment is expected


@pytest.mark.parametrize("value", ["yes", "1", "on", "nope"])
def test_a_bad_boolean_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match=f"input comment: '{value}' is not a boolean"):
        ActionSettings.from_env({**BASE_ENV, "INPUT_COMMENT": value})


def test_settings_defaults_and_secret() -> None:
    settings = ActionSettings.from_env({**BASE_ENV, "INPUT_GITHUB-TOKEN": "ghs_secret123", "INPUT_POLICY": "p.yaml"})
    assert settings.workspace == Path("/github/workspace")
    assert settings.api_url == "https://api.github.com"
    assert settings.policy == "p.yaml"  # the repository's path, read from git, not from the workspace
    assert (settings.comment, settings.notify, settings.fail_on_notice_error) == (True, True, False)
    assert settings.token == "ghs_secret123"
    assert "ghs_secret123" not in repr(settings)
    assert "ghs_secret123" not in str(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param({"GITHUB_REPOSITORY": "o/r"}, "GITHUB_EVENT_NAME is not set", id="no-event"),
        pytest.param({"GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "nope"}, "not owner/name", id="bad-repo"),
    ],
)
def test_missing_environment(env: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        ActionSettings.from_env(env)


def test_outputs_use_a_random_delimiter_the_value_cannot_end(tmp_path: Path) -> None:
    output = tmp_path / "output"
    hostile = "line one\nghadelimiter_x\nverdict<<EOF\npass\nEOF"
    write_outputs(output, {"verdict": "fail", "report": hostile})
    text = output.read_text()
    blocks = re.findall(r"^(\w+)<<(ghadelimiter_[0-9a-f]{32})\n(.*?)\n\2\n", text, flags=re.S | re.M)
    assert [(name, value) for name, _, value in blocks] == [("verdict", "fail"), ("report", hostile)]
    assert blocks[0][1] != blocks[1][1]


def test_an_output_name_cannot_smuggle_another() -> None:
    with pytest.raises(ValueError, match="invalid output name"):
        output_block("a\nb", "x")


def test_summary_is_appended_and_capped(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("x" * 100 + "\n")
    report = "".join(f"| row {i} | é |\n" for i in range(1000))
    append_summary(summary, report, limit=2000)
    data = summary.read_bytes()
    assert len(data) <= 2000
    assert data.startswith(b"x" * 100)
    assert b"gate cut this summary here" in data
    assert data.decode("utf-8")  # never cut inside a character


def test_summary_under_the_cap_is_kept_whole(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    append_summary(summary, "## gate: pass")
    assert summary.read_text() == "## gate: pass\n"
    assert append_summary(None, "x") is False


def test_mask_and_commands_are_escaped() -> None:
    assert runner.add_mask("a%b\nc") == "::add-mask::a%25b%0Ac"
    # gate's own messages stay one line: a line break a path or an answer carried is shown escaped.
    assert runner.notice("50% done\nnext", title="gate: x") == "::notice title=gate%3A x::50%25 done\\nnext"


def _action_yml() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    return data


def test_action_yml_runs_gate_action_in_the_image() -> None:
    runs = _action_yml()["runs"]
    assert runs == {"using": "docker", "image": "Dockerfile", "entrypoint": "gate", "args": ["action"]}


def test_every_input_of_action_yml_reaches_the_settings() -> None:
    inputs = _action_yml()["inputs"]
    assert inputs["github-token"]["default"] == "${{ github.token }}"
    given = {
        "policy": "ci/gate.yaml", "github-token": "tok", "comment": "false", "notify": "false",
        "sns-topic-arn": "arn:aws:sns:eu-west-1:123456789012:deploys", "aws-region": "eu-west-1",
        "sns-endpoint-url": "http://127.0.0.1:4566", "fail-on-notice-error": "true", "sweep": "true",
    }
    assert set(inputs) == set(given)
    # As the runner passes them to a Docker action: upper case, hyphens kept.
    env = {**BASE_ENV, **{f"INPUT_{name.upper()}": value for name, value in given.items()}}
    settings = ActionSettings.from_env(env)
    assert (settings.policy, settings.token, settings.comment, settings.notify) == (
        "ci/gate.yaml", "tok", False, False)
    assert (settings.sns_topic_arn, settings.aws_region, settings.sns_endpoint_url) == (
        given["sns-topic-arn"], "eu-west-1", "http://127.0.0.1:4566")
    assert settings.fail_on_notice_error is True
    assert settings.sweep is True


def test_action_yml_declares_the_outputs_gate_writes() -> None:
    assert set(_action_yml()["outputs"]) == {"verdict", "errors", "warnings", "notices", "waived", "report"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("ci/gate.yaml", "ci/gate.yaml", id="plain"),
        pytest.param("./ci/gate.yaml", "ci/gate.yaml", id="dot-slash"),
        pytest.param("ci//gate.yaml", "ci/gate.yaml", id="double-slash"),
        pytest.param("ci/old/../gate.yaml", "ci/gate.yaml", id="dot-dot-inside"),
        pytest.param(r"ci\gate.yaml", "ci/gate.yaml", id="backslash"),
    ],
)
def test_the_policy_input_is_a_repository_path(value: str, expected: str) -> None:
    assert ActionSettings.from_env({**BASE_ENV, "INPUT_POLICY": value}).policy == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [
        pytest.param("/github/workspace/gate.yaml", "is absolute", id="absolute"),
        pytest.param("C:/gate.yaml", "is absolute", id="drive"),
        pytest.param("../gate.yaml", "climbs out of the repository", id="parent"),
        pytest.param("ci/../../gate.yaml", "climbs out of the repository", id="climbs-out"),
        pytest.param("./", "names the repository itself, not a file", id="the-repository"),
    ],
)
def test_a_policy_input_outside_the_repository_is_refused(value: str, why: str) -> None:
    with pytest.raises(UsageError) as caught:
        ActionSettings.from_env({**BASE_ENV, "INPUT_POLICY": value})
    assert str(caught.value).startswith(f"input policy: '{value}' {why}; give the file's path relative to the")


# -- the workflow users copy, and what the documentation promises ----------------------------------
def _example_workflow() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO_ROOT / "examples/workflows/gate.yml").read_text())
    return data


def _documented_workflow() -> dict[str, Any]:
    doc = (REPO_ROOT / "docs/github-action.md").read_text()
    section = doc.split("## The workflow to copy", 1)[1]
    snippet = re.search(r"```yaml\n(.*?)```", section, flags=re.S)
    assert snippet is not None
    data: dict[str, Any] = yaml.safe_load(snippet.group(1))
    return data


def test_the_documented_workflow_is_the_example() -> None:
    assert _documented_workflow() == _example_workflow()


def test_a_push_never_cancels_or_replaces_another_pushs_notice() -> None:
    concurrency = _example_workflow()["concurrency"]
    # Only pull-request runs cancel each other; a push's notice job always runs to its end.
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    # GitHub keeps one pending run per group: each pushed commit needs a group of its own.
    assert "github.event_name == 'push' && github.sha ||" in concurrency["group"]


def test_the_documented_retry_budget_is_the_clients() -> None:
    import inspect

    from gate.adapters import github

    defaults = {name: p.default for name, p in inspect.signature(github.GitHub.__init__).parameters.items()}
    doc = " ".join((REPO_ROOT / "docs/github-action.md").read_text().split())
    assert "within a minute in total" not in doc
    assert f"up to {github.MAX_ATTEMPTS} attempts per request" in doc
    assert f"at most {defaults['timeout']:g} seconds for an answer" in doc
    assert f"once {defaults['retry_budget']:g} seconds have passed since its first attempt" in doc
    assert f"more than {defaults['session_budget']:g} seconds after gate began talking to the API" in doc
