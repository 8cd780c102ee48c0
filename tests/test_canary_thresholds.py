"""canary-thresholds: the seed's canary passes, each loosened bound fails at its own line."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SEED_CANARY, make_context

from gate.core.checks import canary_thresholds
from gate.core.checks.canary_thresholds import Options, parse_go_duration
from gate.core.models import Finding, Severity
from gate.core.policy import parse_policy

DATA = Path(__file__).parent / "data" / "k8s"
PATH = "deploy/checkout-canary.yaml"


def run(text: str, options: Options | None = None, path: str = PATH) -> list[Finding]:
    context = make_context(head={path: text})
    return [f for f in canary_thresholds.check(context, options or Options()) if isinstance(f, Finding)]


def errors(findings: list[Finding]) -> list[tuple[int | None, str]]:
    return [(f.line, f.message) for f in findings if f.severity is Severity.ERROR]


def seed(*replacements: tuple[str, str]) -> str:
    """The seed's canary with some lines changed; each replacement must apply."""
    text = SEED_CANARY
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_the_seed_canary_passes() -> None:
    assert run(SEED_CANARY) == []


# (id, replacements, expected line, a fact the message states)
FAILING = [
    ("stepWeight-20", [("stepWeight: 10", "stepWeight: 20")], 16, "stepWeight is 20"),
    (
        "stepWeights-up-to-60-despite-maxWeight-50",
        [("stepWeight: 10", "stepWeights: [10, 20, 30, 40, 50, 60]")],
        16,
        "last stepWeights entry is 60",
    ),
    ("stepWeights-rising-by-15", [("stepWeight: 10", "stepWeights: [5, 20, 30]")], 16, "from 5 to 20"),
    ("stepWeights-first-step-20", [("stepWeight: 10", "stepWeights: [20, 30]")], 16, "from 0 to 20"),
    ("skipAnalysis", [("  analysis:\n", "  skipAnalysis: true\n  analysis:\n")], 12, "skipAnalysis is true"),
    ("success-rate-min-95", [("min: 99", "min: 95")], 20, "success-rate bound of 95%"),
    ("latency-max-800", [("max: 500", "max: 800")], 24, "latency bound of 800 ms"),
    ("threshold-10", [("threshold: 5", "threshold: 10")], 14, "analysis.threshold is 10"),
    ("interval-2m", [("interval: 1m\n    threshold", "interval: 2m\n    threshold")], 13, "interval is 2m"),
    ("interval-1m30s", [("interval: 1m\n    threshold", "interval: 1m30s\n    threshold")], 13, "1m30s"),
    ("interval-unreadable", [("interval: 1m\n    threshold", "interval: soon\n    threshold")], 13, "'soon'"),
    ("progress-deadline-900", [("progressDeadlineSeconds: 600", "progressDeadlineSeconds: 900")], 11, "is 900"),
    ("maxWeight-60", [("maxWeight: 50", "maxWeight: 60")], 15, "maxWeight is 60"),
    ("maxWeight-unset-means-100", [("    maxWeight: 50\n", "")], 12, "maxWeight is unset (100)"),
    ("no-step-at-all", [("    maxWeight: 50\n    stepWeight: 10\n", "    maxWeight: 50\n")], 12, "neither stepWeight"),
    (
        "success-rate-deprecated-threshold-95",
        [("      thresholdRange:\n        min: 99\n", "      threshold: 95\n")],
        19,
        "threshold min 95",
    ),
    (
        "no-latency-metric",
        [("    - name: request-duration\n      thresholdRange:\n        max: 500\n      interval: 1m\n", "")],
        17,
        "no latency bound",
    ),
    ("no-metrics", [("    metrics:\n", "    metrics: []\n    unused:\n")], 17, "no success-rate bound"),
    # Meaning-level mistakes: Flagger accepts them, and they change what the analysis does.
    ("stepWeight-30-above-maxWeight-20", [("maxWeight: 50", "maxWeight: 20"), ("stepWeight: 10", "stepWeight: 30")],
     16, "stepWeight is 30, above maxWeight 20"),
    ("stepWeight-8-above-maxWeight-5", [("maxWeight: 50", "maxWeight: 5"), ("stepWeight: 10", "stepWeight: 8")],
     16, "promotes it after that single step"),
    ("stepWeight-0-never-advances", [("stepWeight: 10", "stepWeight: 0")], 16, "never advances"),
    ("stepWeights-falling", [("stepWeight: 10", "stepWeights: [5, 10, 8, 20]")], 16, "does not rise at step 3"),
    ("stepWeights-repeated", [("stepWeight: 10", "stepWeights: [5, 10, 10, 20]")], 16, "stalls there"),
    ("stepWeights-first-0", [("stepWeight: 10", "stepWeights: [0, 10]")], 16, "0 as its first step"),
    ("stepWeight-and-stepWeights", [("stepWeight: 10", "stepWeight: 5\n    stepWeights: [10, 20]")], 16,
     "both stepWeight (5) and stepWeights"),
    ("iterations-with-weights", [("maxWeight: 50", "maxWeight: 100"), ("stepWeight: 10", "iterations: 10")], 15,
     "mixes iterations (10, so blue/green) with maxWeight"),
    ("iterations-match-with-stepWeight", [("    maxWeight: 50\n", "    iterations: 5\n    match: [{headers: {x: {exact: y}}}]\n")],
     17, "A/B testing) with stepWeight"),
    ("metric-that-checks-nothing", [("    - name: request-duration\n", "    - name: request-latency\n")], 22,
     "'request-latency' has neither a templateRef, a query nor a built-in name"),
    ("builtin-names-are-exact", [("    - name: request-success-rate\n", "    - name: Request-Success-Rate\n")], 18,
     "Flagger skips it, so it checks nothing"),
]


@pytest.mark.parametrize(("replacements", "line", "fact"), [c[1:] for c in FAILING], ids=[c[0] for c in FAILING])
def test_a_loosened_bound_fails_at_its_line(replacements: list[tuple[str, str]], line: int, fact: str) -> None:
    found = errors(run(seed(*replacements)))
    assert any(at == line and fact in message for at, message in found), found


def test_every_finding_states_value_bound_and_remedy() -> None:
    (finding,) = run(seed(("threshold: 5", "threshold: 10")))
    assert finding.path == PATH and finding.line == 14
    assert "10" in finding.message and "5" in finding.message and "checkout-service" in finding.message
    assert finding.remedy == "set `threshold: 5` or less"


PASSING = [
    ("threshold-unset-is-1", [("    threshold: 5\n", "")]),
    ("interval-unset-is-1m", [("    interval: 1m\n    threshold", "    threshold")]),
    ("interval-30s", [("interval: 1m\n    threshold", "interval: 30s\n    threshold")]),
    ("interval-60s", [("interval: 1m\n    threshold", "interval: 60s\n    threshold")]),
    ("progress-deadline-unset-is-600", [("  progressDeadlineSeconds: 600\n", "")]),
    ("skipAnalysis-false", [("  analysis:\n", "  skipAnalysis: false\n  analysis:\n")]),
    ("stepWeights-by-10-to-50", [("stepWeight: 10", "stepWeights: [10, 20, 30, 40, 50]")]),
    ("stepWeights-ignore-maxWeight", [("maxWeight: 50", "maxWeight: 100"), ("stepWeight: 10", "stepWeights: [5, 10]")]),
    ("stricter-success-rate", [("min: 99", "min: 99.9")]),
    (
        "blue-green-iterations-alone",
        [("    maxWeight: 50\n    stepWeight: 10\n", "    iterations: 10\n")],
    ),
    ("templated-query-placeholders", [("  namespace: production\n", "  namespace: production\n  labels: {team: '{{ team }}'}\n")]),
]


@pytest.mark.parametrize("replacements", [c[1] for c in PASSING], ids=[c[0] for c in PASSING])
def test_strict_variants_pass(replacements: list[tuple[str, str]]) -> None:
    assert run(seed(*replacements)) == []


def test_an_ab_canary_without_max_weight_passes() -> None:
    assert run((DATA / "ab-canary.yaml").read_text()) == []


def test_a_flanksource_canary_is_ignored() -> None:
    assert run((DATA / "flanksource-canary.yaml").read_text()) == []


def test_the_legacy_canary_analysis_is_read_like_analysis() -> None:
    found = errors(run((DATA / "legacy-canary.yaml").read_text()))
    assert [(line, "2m" in m or "800" in m) for line, m in found] == [(11, True), (20, True)]


def test_a_canary_without_analysis_fails() -> None:
    text = SEED_CANARY.split("  analysis:")[0]
    ((line, message),) = errors(run(text))
    assert line == 6 and "skips the analysis" in message and "promotes the new version at once" in message


def test_step_weight_above_max_weight_is_an_error_at_its_line() -> None:
    """The must-show: `stepWeight: 30` with `maxWeight: 20`."""
    text = seed(("maxWeight: 50", "maxWeight: 20"), ("stepWeight: 10", "stepWeight: 30"))
    lines = SEED_CANARY.splitlines()
    assert lines[15] == "    stepWeight: 10"  # line 16
    found = [f for f in run(text, Options.of(max_step_weight=50)) if f.severity is Severity.ERROR]
    assert [(f.line, f.rule) for f in found] == [(16, "canary-thresholds")]
    assert "above maxWeight 20" in found[0].message and "30%" in found[0].message
    assert "stepWeight` below `maxWeight`" in found[0].remedy


def test_each_meaning_level_mistake_is_one_finding() -> None:
    text = seed(("stepWeight: 10", "stepWeights:\n    - 5\n    - 10\n    - 8\n    - 15"))
    assert [line for line, _ in errors(run(text))] == [19]


# templateRef metrics: mapped to a kind and unit by the policy.
TEMPLATES = {
    "error-rate": {"kind": "error-rate", "unit": "percent"},
    "latency": {"kind": "latency", "unit": "s"},
    "success-ratio": {"kind": "success-rate", "unit": "ratio"},
}


def templated(error_max: str = "1", latency_max: str = "0.5", error_template: str = "error-rate") -> str:
    return seed(
        (
            "    - name: request-success-rate\n      thresholdRange:\n        min: 99\n",
            f"    - name: errors\n      templateRef:\n        name: {error_template}\n"
            f"      thresholdRange:\n        max: {error_max}\n",
        ),
        (
            "    - name: request-duration\n      thresholdRange:\n        max: 500\n",
            f"    - name: p99\n      templateRef:\n        name: latency\n      thresholdRange:\n        max: {latency_max}\n",
        ),
    )


def test_mapped_templates_meeting_the_bounds_pass() -> None:
    assert run(templated(), Options.validate({"metric_templates": TEMPLATES})) == []


@pytest.mark.parametrize(
    ("error_max", "latency_max", "line", "fact"),
    [("5", "0.5", 22, "success-rate bound of 95%"), ("1", "0.8", 28, "latency bound of 800 ms")],
    ids=["error-rate-5-percent", "latency-0.8-seconds"],
)
def test_mapped_templates_are_judged_in_their_units(error_max: str, latency_max: str, line: int, fact: str) -> None:
    found = errors(run(templated(error_max, latency_max), Options.validate({"metric_templates": TEMPLATES})))
    assert len(found) == 1 and found[0][0] == line and fact in found[0][1], found


def test_a_ratio_template_is_read_as_a_fraction() -> None:
    text = seed(
        (
            "    - name: request-success-rate\n      thresholdRange:\n        min: 99\n",
            "    - name: ok\n      templateRef:\n        name: success-ratio\n      thresholdRange:\n        min: 0.95\n",
        )
    )
    found = errors(run(text, Options.validate({"metric_templates": TEMPLATES})))
    assert len(found) == 1 and "95%" in found[0][1]


def test_an_unmapped_custom_metric_is_a_notice() -> None:
    text = seed(("    - name: request-duration\n", "    - name: saturation\n      templateRef:\n        name: cpu\n"
                 "      thresholdRange:\n        max: 80\n    - name: request-duration\n"))
    findings = run(text)
    assert [(f.severity, f.line) for f in findings] == [(Severity.NOTICE, 22)]
    assert "saturation" in findings[0].message and "metric_templates" in findings[0].remedy


def test_unmapped_templates_leave_the_bounds_missing_and_say_which() -> None:
    findings = run(templated())
    assert [f.severity for f in findings].count(Severity.NOTICE) == 2
    missing = errors(findings)
    assert len(missing) == 2 and all("unmapped metrics: errors (templateRef error-rate)" in m for _, m in missing)


def test_the_bounds_come_from_the_policy() -> None:
    policy = parse_policy(
        "version: 1\nchecks:\n  canary-thresholds:\n    max_threshold: 10\n    max_weight: 80\n", "p.yaml"
    )
    options = policy.options("canary-thresholds")
    assert isinstance(options, Options)
    assert run(seed(("threshold: 5", "threshold: 10"), ("maxWeight: 50", "maxWeight: 80")), options) == []


def test_only_changed_files_are_read() -> None:
    loose = seed(("threshold: 5", "threshold: 50"))
    context = make_context(head={PATH: loose, "deploy/other.yaml": "a: 1\n"}, base={PATH: loose})
    assert list(canary_thresholds.check(context, Options())) == []
    assert PATH not in context.head_tree.accessed  # type: ignore[attr-defined]


def test_a_file_that_does_not_parse_is_left_to_the_engine() -> None:
    assert run(SEED_CANARY + "  broken: [\n") == []


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("1m", 60), ("1m30s", 90), ("1.5h", 5400), ("500ms", 0.5), ("0", 0), ("2h45m", 9900)],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "1", "m", "1 m", "1d", "-1m", "soon", None, 60])
def test_unreadable_durations(text: object) -> None:
    assert parse_go_duration(text) is None
