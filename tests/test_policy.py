"""Policies: the bundled default, validation errors that name file and key, the schema."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from helpers import REPO_ROOT, run_gate

from gate.core.checks import REGISTRY
from gate.core.errors import PolicyError
from gate.core.models import Severity
from gate.core.policy import default_policy, parse_policy, schema

DEFAULT_FILE = REPO_ROOT / "policies" / "default.yaml"


def test_default_file_is_exactly_the_built_in_default() -> None:
    from_file = parse_policy(DEFAULT_FILE.read_text(), str(DEFAULT_FILE))
    assert dataclasses.replace(from_file, source="x") == dataclasses.replace(default_policy(), source="x")


def test_default_file_has_a_block_for_every_check() -> None:
    text = DEFAULT_FILE.read_text()
    for rule_id in REGISTRY:
        assert f"\n  {rule_id}:\n" in text, f"policies/default.yaml documents no block for {rule_id}"


def test_version_alone_is_the_default() -> None:
    assert dataclasses.replace(parse_policy("version: 1\n", "p.yaml"), source="x") == dataclasses.replace(default_policy(), source="x")


def test_blocks_take_enabled_and_level() -> None:
    policy = parse_policy("version: 1\nchecks:\n  required-docs:\n    enabled: false\n  runbook-format:\n"
                          "    level: warning\n", "p.yaml")
    assert not policy.enabled("required-docs")
    assert policy.level("runbook-format") is Severity.WARNING
    assert policy.enabled("runbook-format")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("version: 1\nchecks:\n  required-docs:\n    readmee: [x]\n",
                     "p.yaml: checks.required-docs.readmee (line 4): unknown key (known: enabled, level, readme",
                     id="unknown check option"),
        pytest.param("version: 1\nchecks:\n  no-such-check: {}\n",
                     "p.yaml: checks.no-such-check (line 3): unknown key (known checks: required-docs",
                     id="unknown check"),
        pytest.param("version: 1\nservice: [a]\n", "p.yaml: service (line 2): unknown key (known: version",
                     id="unknown top-level key"),
        pytest.param("version: 1\noverride:\n  lable: x\n", "p.yaml: override.lable (line 3): unknown key",
                     id="unknown override key"),
        pytest.param("version: 2\n", "p.yaml: version (line 1): this gate reads policy version 1 only", id="version 2"),
        pytest.param("services: [a]\n", "p.yaml: version: missing", id="no version"),
        pytest.param("version: true\n", "p.yaml: version (line 1): write `version: 1`", id="version true"),
        pytest.param("version: 1\noverride:\n  waivable: [internal-error]\n",
                     "p.yaml: override.waivable (line 3): internal-error can never be waived", id="waive internal"),
        pytest.param("version: 1\noverride:\n  waivable: [golden-windows]\n",
                     "p.yaml: override.waivable (line 3): unknown rule id 'golden-windows'", id="waive unknown"),
        pytest.param("", "p.yaml: the policy is empty", id="empty"),
        pytest.param("- a\n", "p.yaml: a policy is a mapping", id="a list"),
        pytest.param("version: 1\nchecks: [\n", "p.yaml:3: not valid YAML", id="bad yaml"),
        pytest.param("version: 1\nchecks:\n  runbook-format:\n    level: loud\n",
                     "p.yaml: checks.runbook-format.level (line 4): Input should be 'error', 'warning' or 'notice'",
                     id="bad level"),
    ],
)
def test_errors_name_file_and_key_in_one_line(text: str, expected: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, "p.yaml")
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(expected), message


def test_schema_lists_every_check_and_forbids_unknown_keys() -> None:
    document = schema()
    checks = document["$defs"]["Checks"]
    assert set(checks["properties"]) == set(REGISTRY)
    assert checks["additionalProperties"] is False
    assert document["additionalProperties"] is False


def test_cli_policy_schema_and_validate(tmp_path: Path) -> None:
    result = run_gate("policy", "schema")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "gate policy"

    good = run_gate("policy", "validate", str(DEFAULT_FILE))
    assert (good.returncode, good.stdout.strip()) == (0, f"{DEFAULT_FILE}: valid")

    bad_file = tmp_path / "gate.yaml"
    bad_file.write_text("version: 1\nchecks:\n  golden-window:\n    enabeld: true\n")
    bad = run_gate("policy", "validate", str(bad_file))
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1
    assert str(bad_file) in bad.stderr and "checks.golden-window.enabeld" in bad.stderr
    assert "Traceback" not in bad.stderr

    missing = run_gate("policy", "validate", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "no such policy file" in missing.stderr
