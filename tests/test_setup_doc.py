"""docs/setup.md stays true to what gate and the example workflow read.

A team pastes its commands: the label must be the one the default policy accepts, the variables
the ones the example workflow reads, the AWS policies valid JSON that grant what the doc says and
no more, and the required check the job the example names.
"""

from __future__ import annotations

import json
import re
import string

import pytest
import yaml
from helpers import REPO_ROOT

from gate.core.policy import default_policy
from gate.core.window_status import STATUS_CONTEXT

SETUP = (REPO_ROOT / "docs" / "setup.md").read_text(encoding="utf-8")
EXAMPLE = (REPO_ROOT / "examples" / "workflows" / "gate.yml").read_text(encoding="utf-8")
VARIABLES = {"REPO": "acme/shop", "BRANCH": "main", "ACCOUNT": "123456789012", "REGION": "eu-west-1",
             "TOPIC": "deploys"}


def heredoc(name: str) -> str:
    """The text a `cat > NAME <<EOF ... EOF` block writes, with the doc's variables expanded."""
    match = re.search(rf"cat > {re.escape(name)} <<'?EOF'?\n(.*?)\n\s*EOF\n", SETUP, re.S)
    assert match, f"docs/setup.md has no heredoc for {name}"
    quoted = "<<'EOF'" in match.group(0)
    text = match.group(1)
    return text if quoted else string.Template(text).substitute(VARIABLES)


def json_input(marker: str) -> dict[str, object]:
    """The JSON a `gh api ... --input - <<'EOF'` command whose line contains `marker` sends."""
    match = re.search(rf"{re.escape(marker)}[^\n]*--input - <<'EOF'\n(.*?)\nEOF\n", SETUP, re.S)
    assert match, f"docs/setup.md has no gh api call for {marker}"
    loaded: dict[str, object] = json.loads(match.group(1))
    return loaded


def test_the_readme_links_the_setup() -> None:
    assert "(docs/setup.md)" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_the_label_is_the_one_the_default_policy_accepts() -> None:
    label = default_policy().override.label
    assert f"gh label create {label} " in SETUP


def test_every_variable_the_example_workflow_reads_is_set() -> None:
    read = set(re.findall(r"vars\.([A-Z0-9_]+)", EXAMPLE))
    assert read == {"GATE_NOTICE_ROLE_ARN", "GATE_NOTICE_REGION", "GATE_NOTICE_TOPIC_ARN"}
    for name in read:
        assert f"gh variable set {name} " in SETUP


def test_the_trust_policy_admits_only_the_repository_s_default_branch() -> None:
    trust = json.loads(heredoc("gate-notice-trust.json"))
    (statement,) = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}
    assert statement["Condition"] == {"StringEquals": {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:acme/shop:ref:refs/heads/main",
    }}


def test_the_permission_policy_allows_only_publishing_to_one_topic() -> None:
    publish = json.loads(heredoc("gate-notice-publish.json"))
    (statement,) = publish["Statement"]
    assert (statement["Effect"], statement["Action"], statement["Resource"]) == (
        "Allow", "sns:Publish", "arn:aws:sns:eu-west-1:123456789012:deploys")


def test_the_chat_channel_role_trusts_only_the_chatbot_service() -> None:
    (statement,) = json.loads(heredoc("chatbot-trust.json"))["Statement"]
    assert statement["Principal"] == {"Service": "chatbot.amazonaws.com"}


@pytest.mark.parametrize("marker", ["rulesets", "protection"])
def test_the_required_check_is_the_example_s_gate_job_from_github_actions(marker: str) -> None:
    jobs = yaml.safe_load(EXAMPLE)["jobs"]
    assert "gate" in jobs and "name" not in jobs["gate"]  # so its check run is named `gate`
    body = json_input(marker)
    if marker == "rulesets":
        rules = {rule["type"]: rule.get("parameters", {}) for rule in body["rules"]}  # type: ignore[attr-defined]
        checks = rules["required_status_checks"]["required_status_checks"]
        assert checks == [{"context": "gate", "integration_id": 15368},
                          {"context": STATUS_CONTEXT, "integration_id": 15368}]
        assert "merge_queue" in rules
        assert body["conditions"] == {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}}
    else:
        assert body["required_status_checks"]["checks"] == [  # type: ignore[index]
            {"context": "gate", "app_id": 15368}, {"context": STATUS_CONTEXT, "app_id": 15368}]


def test_the_example_workflow_listens_to_the_merge_queue() -> None:
    triggers = yaml.safe_load(EXAMPLE)[True]  # PyYAML reads the key `on` as True
    assert "merge_group" in triggers
