"""Policies that would turn fail-closed into pass, globs that a path could slip past, names with a
trailing newline: each refused or matched whole."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import make_context, run_gate

from gate.commands.local import read_policy_file
from gate.core.checks import golden_window
from gate.core.engine import judge
from gate.core.errors import PolicyError
from gate.core.globs import matches, service_root
from gate.core.models import Finding, Outcome, Override, Severity
from gate.core.policy import default_policy, parse_policy


@pytest.mark.parametrize("rule", ["invalid-file", "internal-error"])
def test_what_gate_could_not_judge_can_never_be_listed_as_waivable(rule: str) -> None:
    with pytest.raises(PolicyError, match=f"{rule} can never be waived"):
        parse_policy(f"version: 1\noverride:\n  waivable: [golden-window, {rule}]\n", ".github/gate.yaml")


def test_the_engine_never_waives_an_unreadable_file_whatever_the_policy_says() -> None:
    policy = default_policy()
    # The validated model refuses it; a copy made around validation claims both are waivable.
    # A policy built around validation: dataclasses.replace does not run the field checks.
    override = dataclasses.replace(policy.override, waivable=(*policy.override.waivable, "invalid-file", "internal-error"))
    policy = dataclasses.replace(policy, override=override, source="test")
    findings = [Finding("invalid-file", Severity.ERROR, "a.yaml", 1, "cannot be parsed"),
                Finding("internal-error", Severity.ERROR, None, None, "crashed")]
    verdict = judge(findings, [], Override("gate/override", "lead", "admin", True, "verified"), policy)
    assert verdict.outcome is Outcome.FAIL
    assert not any(f.waived for f in verdict.findings)


@pytest.mark.parametrize(
    "block",
    [
        pytest.param("canary-thresholds: {max_weight: .nan}", id="nan-bound"),
        pytest.param("canary-thresholds: {max_threshold: .inf}", id="infinite-bound"),
        pytest.param("consumer-min-replicas: {min_replicas: .nan}", id="nan-minimum"),
    ],
)
def test_a_bound_of_nan_or_infinity_is_a_policy_error(block: str) -> None:
    # NaN fails every comparison and infinity passes every maximum: the check would be off, silently.
    with pytest.raises(PolicyError):
        parse_policy(f"version: 1\nchecks:\n  {block}\n", "p.yaml")


def test_an_empty_override_label_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="label"):
        parse_policy("version: 1\noverride: {label: ''}\n", "p.yaml")


def test_policy_dev_zero_is_one_line_exit_2_without_reading_forever() -> None:
    result = run_gate("policy", "validate", "/dev/zero", timeout=30)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "larger than" in result.stderr


def test_a_policy_file_too_large_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    path.write_bytes(b"version: 1\n" + b"# padding\n" * 200_000)
    with pytest.raises(PolicyError, match="larger than"):
        parse_policy(read_policy_file(path), str(path))


# -- globs match whole paths, whatever they contain -------------------------------------------------
@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("flags/a\nb.json", "**/flags/**", True),
        ("svc/flags/x\ny/z.yaml", "**/flags/**", True),
        ("vendor/a\nb/c.yaml", "vendor", True),
        ("services/pay\nments/x.yaml", "services/*", True),
        ("flags/x.json\n", "flags/*.json", False),  # a trailing newline is part of the name
        ("charts/\udcff/t.yaml", "charts/**", True),  # bytes that are not UTF-8
        ("a[]b", "a[]b", True),  # not a class: literal
        ("a[z-a]b", "a[z-a]b", True),
        ("ab", "a[]b", False),
    ],
)
def test_globs_match_whole_paths(path: str, pattern: str, expected: bool) -> None:
    assert matches(path, pattern) is expected


def test_a_service_root_with_a_newline_is_found() -> None:
    assert service_root("services/pay\nments/deploy.yaml", ("services/*",)) == "services/pay\nments"


def test_a_flag_file_whose_path_holds_a_newline_is_judged() -> None:
    on = '{"flags": {"f": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}'
    path = "flags/evil\n.json"
    context = make_context(head={path: on})
    results = list(golden_window.check(context, golden_window.Options()))
    assert [r.flag for r in results if not isinstance(r, Finding)] == ["f"]


# -- names checked with a full match --------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "value"),
    [
        pytest.param("topic", "arn:aws:sns:us-east-1:123456789012:deploys\n", id="topic-arn"),
        pytest.param("topic", "arn:aws:sns:us-east-1:١٢٣٤٥٦٧٨٩٠١٢:deploys", id="topic-arn-other-digits"),
        pytest.param("queue", "refs/heads/gh-readonly-queue/main/pr-7-abcdef1\n", id="merge-queue-ref"),
        pytest.param("date", "2026-12-01T10:30:00Z\nx", id="goff-date"),
    ],
)
def test_a_trailing_newline_or_odd_digit_never_passes_a_name_check(call: str, value: str) -> None:
    from gate.adapters.sns import region_of
    from gate.commands.action.events import _QUEUE_REF
    from gate.core.flags.goff import parse_date
    from gate.core.flags.model import FlagFileError

    if call == "topic":
        assert region_of(value) is None
    elif call == "queue":
        assert _QUEUE_REF.fullmatch(value) is None
    else:
        with pytest.raises(FlagFileError):
            parse_date(value, "date", None)
