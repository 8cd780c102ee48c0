"""The semantic diff base -> head: what turns on, and what is only an edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIXTURES

from gate.core.flags import Baseline, read_flag_file
from gate.core.flags.diff import FlagChange, activations

DATA = Path(__file__).parent / "data" / "flags"


def changes(base: str | None, head: str, path: str = "flags/f.yaml") -> list[tuple[str, str]]:
    before = read_flag_file(path, base.encode()) if base is not None else None
    return [(c.flag, c.change) for c in activations(before, read_flag_file(path, head.encode()))]


def fixture(name: str) -> str:
    return (DATA / name).read_text()


FLAGD = """\
flags:
  beta:
    state: {state}
    variants: {{'on': true, 'off': false}}
    defaultVariant: '{default}'
    {targeting}
"""


def flagd(state: str = "ENABLED", default: str = "off", targeting: str = "") -> str:
    return FLAGD.format(state=state, default=default, targeting=targeting)


FRACTIONAL = "targeting: {{fractional: [{{var: email}}, ['on', {on}], ['off', {off}]]}}"

GOFF = """\
beta:
  variations: {{yes_var: true, no_var: false}}
  {rest}
"""


def goff(rest: str) -> str:
    return GOFF.format(rest=rest)


FLIPT_BOOL = """\
flags:
- key: beta
  type: BOOLEAN_FLAG_TYPE
  enabled: {enabled}
  rollouts:
  - threshold: {{percentage: {pct}, value: {value}}}
"""


@pytest.mark.parametrize(
    ("base", "head", "expected"),
    [
        pytest.param(flagd("DISABLED", "on"), flagd("ENABLED", "on"), [("beta", "enabled")], id="flagd-state-on"),
        pytest.param(flagd("DISABLED", "off"), flagd("ENABLED", "off"), [], id="flagd-state-on-serving-its-baseline"),
        pytest.param(flagd("ENABLED"), flagd("DISABLED"), [], id="flagd-turned-off-is-not"),
        pytest.param(flagd(default="off"), flagd(default="on"), [("beta", "default-changed")], id="flagd-default-on"),
        pytest.param(flagd(default="on"), flagd(default="off"), [], id="flagd-default-off-is-not"),
        pytest.param(
            flagd(targeting=FRACTIONAL.format(on=10, off=90)),
            flagd(targeting=FRACTIONAL.format(on=50, off=50)),
            [("beta", "rollout-raised")],
            id="flagd-fractional-raised",
        ),
        pytest.param(
            flagd(targeting=FRACTIONAL.format(on=50, off=50)),
            flagd(targeting=FRACTIONAL.format(on=10, off=90)),
            [],
            id="flagd-fractional-lowered-is-not",
        ),
        pytest.param(
            flagd(targeting=FRACTIONAL.format(on=1, off=9)),
            flagd(targeting=FRACTIONAL.format(on=10, off=90)),
            [],
            id="flagd-same-share-other-weights",
        ),
        pytest.param(
            flagd(targeting=FRACTIONAL.format(on=10, off=90)),
            flagd(targeting=FRACTIONAL.format(on="{'-': [{var: $flagd.timestamp}, 1740000000]}", off=100)),
            [("beta", "rollout-raised")],
            id="flagd-computed-weight-counts-as-all-traffic",
        ),
        pytest.param(
            flagd(), flagd(targeting="targeting: {if: [{in: ['@corp', {var: email}]}, 'on', 'off']}"),
            [("beta", "rollout-raised")],
            id="flagd-rule-starts-serving-on",
        ),
        pytest.param(
            flagd(state="DISABLED", default="on"), flagd(state="DISABLED", default="on").replace("beta", "beta2"),
            [], id="flagd-new-flag-that-is-off",
        ),
        pytest.param(None, flagd(default="on"), [("beta", "enabled")], id="flagd-new-flag-that-is-on"),
        pytest.param(None, flagd(default="off"), [], id="flagd-new-flag-serving-off"),
        pytest.param(
            goff("disable: true\n  defaultRule: {variation: yes_var}"),
            goff("disable: false\n  defaultRule: {variation: yes_var}"),
            [("beta", "enabled")],
            id="goff-disable-true-to-false",
        ),
        pytest.param(
            goff("defaultRule: {percentage: {yes_var: 10, no_var: 90}}"),
            goff("defaultRule: {percentage: {yes_var: 30, no_var: 70}}"),
            [("beta", "rollout-raised")],
            id="goff-percentage-raised",
        ),
        pytest.param(
            goff("defaultRule: {variation: no_var}"), goff("defaultRule: {variation: yes_var}"),
            [("beta", "default-changed")], id="goff-default-rule-to-true",
        ),
        pytest.param(
            goff("defaultRule: {variation: no_var}"),
            goff("targeting: [{name: staff, query: 'staff eq true', variation: yes_var}]\n"
                 "  defaultRule: {variation: no_var}"),
            [("beta", "rollout-raised")],
            id="goff-new-rule-serving-true",
        ),
        pytest.param(
            goff("defaultRule: {variation: no_var}\n  metadata: {owner: a}"),
            goff("metadata: {owner: b, description: moved}\n  defaultRule:\n    variation: no_var"),
            [],
            id="goff-metadata-and-reformat-are-not",
        ),
        pytest.param(
            FLIPT_BOOL.format(enabled="false", pct=50, value="true"),
            FLIPT_BOOL.format(enabled="true", pct=50, value="true"),
            [("beta", "enabled")],
            id="flipt-boolean-enabled",
        ),
        pytest.param(
            FLIPT_BOOL.format(enabled="false", pct=10, value="true"),
            FLIPT_BOOL.format(enabled="false", pct=60, value="true"),
            [("beta", "rollout-raised")],
            id="flipt-threshold-raised-even-while-disabled",
        ),
        pytest.param(
            FLIPT_BOOL.format(enabled="false", pct=10, value="false"),
            FLIPT_BOOL.format(enabled="false", pct=60, value="false"),
            [],
            id="flipt-threshold-of-false-is-not",
        ),
    ],
)
def test_activations(base: str | None, head: str, expected: list[tuple[str, str]]) -> None:
    path = "features.yml" if "rollouts" in head else "flags/f.yaml"
    assert changes(base, head, path) == expected


def test_flipt_enabled_false_to_true_with_on_off_variants() -> None:
    assert changes(fixture("flipt-off.features.yml"), fixture("flipt-on.features.yml"), "features.yml") == [
        ("new-checkout", "enabled")
    ]
    assert changes(fixture("flipt-on.features.yml"), fixture("flipt-off.features.yml"), "features.yml") == []


def test_flipt_distribution_raised_toward_a_non_default_variant() -> None:
    base = fixture("flipt-on.features.yml").replace("rollout: 100", "rollout: 20")
    head = fixture("flipt-on.features.yml").replace("rollout: 100", "rollout: 80")
    assert changes(base, head, "features.yml") == [("new-checkout", "rollout-raised")]


def test_reordering_flags_and_keys_is_not_an_activation() -> None:
    base = fixture("flagd-enabled.flagd.json")
    head = (
        '{"flags": {"header-color": {"defaultVariant": "red", "variants": {"blue": "#0000FF", "red": "#FF0000"},'
        ' "state": "ENABLED"}, "new-checkout": {"variants": {"off": false, "on": true}, "defaultVariant": "on",'
        ' "state": "ENABLED"}}}'
    )
    assert changes(base, head, "flags/f.json") == []


def test_the_change_names_file_line_and_how() -> None:
    before = read_flag_file("flags/f.json", fixture("flagd-disabled.flagd.json").encode())
    after = read_flag_file("flags/f.json", fixture("flagd-enabled.flagd.json").encode())
    assert list(activations(before, after)) == [
        FlagChange("new-checkout", "flagd", 4, "enabled", "state DISABLED \u2192 ENABLED")
    ]


def test_fractional_raise_detail() -> None:
    before = read_flag_file("flags/f.yaml", fixture("flagd-fractional-10.flagd.yaml").encode())
    after = read_flag_file("flags/f.yaml", fixture("flagd-fractional-50.flagd.yaml").encode())
    (change,) = activations(before, after)
    assert (change.change, change.detail) == ("rollout-raised", "'on' 10% \u2192 50% at targeting.fractional")


# Scheduled changes: judged at their own time, only when the change adds or edits them.


def test_a_new_scheduled_step_is_judged_at_its_date() -> None:
    before = read_flag_file("flags/f.yaml", fixture("goff-base.goff.yaml").encode())
    after = read_flag_file("flags/f.yaml", fixture("goff-scheduled-1030.goff.yaml").encode())
    (change,) = activations(before, after)
    assert (change.change, change.at.isoformat() if change.at else None, change.scheduled, change.line) == (
        "default-changed", "2026-12-01T10:30:00+00:00", "scheduled rollout step", 8
    )


def test_a_step_the_base_already_had_is_not_judged_again() -> None:
    same = read_flag_file("flags/f.yaml", fixture("goff-scheduled-1030.goff.yaml").encode())
    assert list(activations(same, same)) == []


def test_steps_build_on_each_other() -> None:
    head = goff(
        "defaultRule: {percentage: {yes_var: 0, no_var: 100}}\n"
        "  scheduledRollout:\n"
        "  - {date: '2026-12-01T10:30:00Z', defaultRule: {percentage: {yes_var: 10, no_var: 90}}}\n"
        "  - {date: '2026-12-02T10:30:00Z', defaultRule: {percentage: {yes_var: 50, no_var: 50}}}\n"
        "  - {date: '2026-12-03T10:30:00Z', defaultRule: {percentage: {yes_var: 20, no_var: 80}}}\n"
    )
    found = list(activations(None, read_flag_file("flags/f.yaml", head.encode())))
    assert [(c.change, c.at.day if c.at else None) for c in found] == [
        ("rollout-raised", 1), ("rollout-raised", 2)
    ]


def test_a_progressive_rollout_is_judged_at_its_start() -> None:
    base = goff("defaultRule: {variation: no_var}")
    head = goff(
        "defaultRule:\n    progressiveRollout:\n"
        "      initial: {variation: no_var, percentage: 0, date: 2026-12-02T11:00:00Z}\n"
        "      end: {variation: yes_var, percentage: 100, date: 2026-12-09T11:00:00Z}\n"
    )
    found = list(activations(read_flag_file("f.yaml", base.encode()), read_flag_file("f.yaml", head.encode())))
    assert [(c.change, c.scheduled, c.at.isoformat() if c.at else None) for c in found] == [
        ("rollout-raised", "progressive rollout start", "2026-12-02T11:00:00+00:00")
    ]


# Real before/after pairs from public projects (tests/fixtures/flags/SOURCES.md).

FLAGD_PAIR = (
    FIXTURES / "flags/flagd/open-feature__flagd__flagd-proxy__tests__loadtest__config__start-spec.json",
    FIXTURES / "flags/flagd/open-feature__flagd__flagd-proxy__tests__loadtest__config__end-spec.json",
)
GOFF_PAIR = (
    FIXTURES / "flags/go-feature-flag/thomaspoignant__go-feature-flag__testdata__flag-config.yaml",
    FIXTURES / "flags/go-feature-flag/thomaspoignant__go-feature-flag__testdata__flag-config-updated.yaml",
)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(*FLAGD_PAIR, [], id="flagd-default-on-to-off-is-a-deactivation"),
        pytest.param(*reversed(FLAGD_PAIR), [("myBoolFlag", "default-changed")], id="flagd-reversed-turns-on"),
        pytest.param(*GOFF_PAIR, [], id="goff-true-100-to-99-is-a-decrease"),
        pytest.param(*reversed(GOFF_PAIR), [("test-flag", "rollout-raised")], id="goff-reversed-is-a-raise"),
    ],
)
def test_corpus_pairs(before: Path, after: Path, expected: list[tuple[str, str]]) -> None:
    path = "flags/f" + after.suffix
    assert changes(before.read_text(), after.read_text(), path) == expected


# The baseline: a flag that serves only its baseline turns nothing on.

NUMERIC = """\
flags:
  paymentFailure:
    state: {state}
    variants: {{'off': 0, '10%': 0.1, 'on': 1}}
    defaultVariant: '{default}'
"""


def numeric(default: str = "off", state: str = "ENABLED") -> str:
    return NUMERIC.format(default=default, state=state)


def variants(pairs: str, default: str) -> str:
    return f"flags:\n  f:\n    state: ENABLED\n    variants: {{{pairs}}}\n    defaultVariant: {default}\n"


@pytest.mark.parametrize(
    ("base", "head", "expected"),
    [
        pytest.param(None, numeric("off"), [], id="new-flag-serving-off-0"),
        pytest.param(None, numeric("on"), [("paymentFailure", "enabled")], id="new-flag-serving-on-1"),
        pytest.param(None, numeric("10%"), [("paymentFailure", "enabled")], id="new-flag-serving-a-share"),
        pytest.param(numeric("on"), numeric("off"), [], id="default-changed-toward-the-baseline"),
        pytest.param(numeric("10%"), numeric("on"), [("paymentFailure", "default-changed")], id="default-changed-up"),
        pytest.param(numeric("off", "DISABLED"), numeric("off"), [], id="switched-on-serving-the-baseline"),
        pytest.param(numeric("on", "DISABLED"), numeric("on"), [("paymentFailure", "enabled")], id="switched-on-serving-on"),
        pytest.param(None, variants("'x': '', 'y': 'banner'", "x"), [], id="empty-string-is-a-baseline"),
        pytest.param(None, variants("'x': null, 'y': 2", "x"), [], id="null-is-a-baseline"),
        pytest.param(None, variants("'x': {}, 'y': {a: 1}", "x"), [], id="empty-object-is-a-baseline"),
        pytest.param(None, variants("'x': [], 'y': [1]", "x"), [], id="empty-list-is-a-baseline"),
        pytest.param(None, variants("'x': 0.0, 'y': 2.5", "x"), [], id="zero-float-is-a-baseline"),
        pytest.param(None, variants("'Control': 'v1', 'treatment': 'v2'", "Control"), [], id="control-any-case"),
        pytest.param(None, variants("'DISABLED': 'a', 'b': 'c'", "DISABLED"), [], id="disabled-upper-case"),
        pytest.param(None, variants("'none': 'a', 'b': 'c'", "none"), [], id="none-by-name"),
        pytest.param(None, variants("'red': '#f00', 'blue': '#00f'", "red"), [("f", "enabled")],
                     id="no-baseline-variant-serving-its-default-is-new"),
        pytest.param(None, variants("'off': false, 'on': true", "off"), [], id="boolean-false"),
        pytest.param(None, variants("'a': false, 'b': true", "b"), [("f", "enabled")], id="boolean-true"),
    ],
)
def test_baseline(base: str | None, head: str, expected: list[tuple[str, str]]) -> None:
    assert changes(base, head) == expected


def test_a_new_flag_serving_its_baseline_with_a_split_to_on_activates() -> None:
    head = numeric("off").replace("defaultVariant: 'off'", "defaultVariant: 'off'\n    targeting: "
                                  "{fractional: [['on', 5], ['off', 95]]}")
    (change,) = activations(None, read_flag_file("flags/f.yaml", head.encode()))
    assert (change.change, change.detail) == ("enabled", "new flag, on: 'on' 5% at targeting.fractional")


def test_the_policy_baseline_names_change_the_answer() -> None:
    head = read_flag_file("flags/f.yaml", variants("'legacy': 'v1', 'checkout-v2': 'v2'", "legacy").encode())
    assert [c.change for c in activations(None, head)] == ["enabled"]
    assert list(activations(None, head, Baseline(names=("legacy",)))) == []
    # And the other way round: without `off` among the names, only its zero value keeps it a baseline.
    named_only = read_flag_file("flags/f.yaml", variants("'off': 'dark', 'on': 'light'", "off").encode())
    assert list(activations(None, named_only)) == []
    assert [c.change for c in activations(None, named_only, Baseline(names=()))] == ["enabled"]


# What a flag serves, not only its shares: values and the conditions that select users.

CONDITION = """\
flags:
  beta:
    state: ENABLED
    variants: {{'on': true, 'off': false}}
    defaultVariant: 'off'
    targeting: {{if: [{{ends_with: [{{var: email}}, '{domain}']}}, 'on', 'off']}}
"""

EVALUATOR = """\
flags:
  beta:
    state: ENABLED
    variants: {{'on': true, 'off': false}}
    defaultVariant: 'off'
    targeting: {{if: [{{$ref: staff}}, 'on', 'off']}}
$evaluators:
  staff: {{in: [{{var: email}}, [{emails}]]}}
"""


@pytest.mark.parametrize(
    ("base", "head", "expected"),
    [
        pytest.param(CONDITION.format(domain="@corp.com"), CONDITION.format(domain=""), [("beta", "rollout-raised")],
                     id="flagd-condition-widened"),
        pytest.param(CONDITION.format(domain="@corp.com"), CONDITION.format(domain="@corp.com"), [],
                     id="flagd-condition-unchanged"),
        pytest.param(EVALUATOR.format(emails="a@x.io"), EVALUATOR.format(emails="a@x.io, b@x.io"),
                     [("beta", "rollout-raised")], id="flagd-shared-evaluator-edited"),
        pytest.param(variants("'off': 0, 'on': 1", "on"), variants("'off': 0, 'on': 5", "on"),
                     [("f", "default-changed")], id="flagd-value-of-the-default-changed"),
        pytest.param(variants("'off': 0, 'on': 5", "on"), variants("'off': 0, 'on': 0", "on"), [],
                     id="flagd-default-value-changed-to-the-zero-value"),
        pytest.param(goff("targeting: [{name: staff, query: 'team eq \"qa\"', variation: yes_var}]\n"
                          "  defaultRule: {variation: no_var}"),
                     goff("targeting: [{name: staff, query: 'team pr', variation: yes_var}]\n"
                          "  defaultRule: {variation: no_var}"),
                     [("beta", "rollout-raised")], id="goff-query-edited-under-the-same-name"),
        pytest.param(goff("targeting: [{name: staff, query: 'team eq \"qa\"', variation: no_var}]\n"
                          "  defaultRule: {variation: no_var}"),
                     goff("targeting: [{name: staff, query: 'team pr', variation: no_var}]\n"
                          "  defaultRule: {variation: no_var}"),
                     [], id="goff-query-edited-serving-false"),
    ],
)
def test_values_and_conditions(base: str, head: str, expected: list[tuple[str, str]]) -> None:
    assert changes(base, head) == expected


def test_an_edited_condition_says_so() -> None:
    before = read_flag_file("flags/f.yaml", CONDITION.format(domain="@corp.com").encode())
    after = read_flag_file("flags/f.yaml", CONDITION.format(domain="").encode())
    (change,) = activations(before, after)
    assert change.detail == "'on' 0% \u2192 100% at targeting.if[1] (its condition changed, so it reaches other users)"


# GO Feature Flag's older format: `true` for users the rule selects within the percentage.

LEGACY = """\
beta:
{rest}
  true: {true}
  false: false
  default: {default}
"""


def legacy(rest: str = "", true: str = "true", default: str = "false") -> str:
    return LEGACY.format(rest=rest, true=true, default=default)


@pytest.mark.parametrize(
    ("base", "head", "expected"),
    [
        pytest.param(None, legacy("  percentage: 0"), [], id="new-flag-at-0-percent"),
        pytest.param(None, legacy("  rule: key eq \"a\"\n  percentage: 100"), [("beta", "enabled")],
                     id="new-flag-with-a-rule"),
        pytest.param(legacy("  percentage: 10"), legacy("  percentage: 30"), [("beta", "rollout-raised")],
                     id="percentage-raised"),
        pytest.param(legacy("  percentage: 30"), legacy("  percentage: 10"), [], id="percentage-lowered"),
        pytest.param(legacy("  rule: country eq \"FR\"\n  percentage: 100"),
                     legacy("  rule: country in [\"FR\", \"DE\"]\n  percentage: 100"),
                     [("beta", "rollout-raised")], id="rule-only-change"),
        pytest.param(legacy("  rule: country eq \"FR\"\n  percentage: 100"), legacy("  percentage: 100"),
                     [("beta", "rollout-raised")], id="rule-removed-reaches-everyone"),
        pytest.param(legacy("  rule: country eq \"FR\"\n  percentage: 100"),
                     legacy("  rule: \"country  eq \\\"FR\\\"\"\n  percentage: 100"), [], id="rule-respaced"),
        pytest.param(legacy("  rule: country eq \"FR\"\n  percentage: 0"),
                     legacy("  rule: country eq \"DE\"\n  percentage: 0"), [], id="rule-change-serving-nobody"),
        pytest.param(legacy("  rule: a eq 1\n  percentage: 0"), legacy("  rule: a eq 1\n  percentage: 0", default="true"),
                     [("beta", "default-changed")], id="default-value-turned-true"),
        pytest.param(legacy("  percentage: 50\n  disable: true"), legacy("  percentage: 50\n  disable: false"),
                     [("beta", "enabled")], id="disable-true-to-false"),
        pytest.param(legacy("  percentage: 50"), legacy("  percentage: 50\n  disable: true"), [], id="disabled"),
        pytest.param(legacy("  percentage: 100", true="\"A\""), legacy("  percentage: 100", true="\"B\""),
                     [("beta", "rollout-raised")], id="true-value-changed"),
        pytest.param(None, legacy("  percentage: 100", true="false"), [], id="true-equal-to-false-is-the-baseline"),
    ],
)
def test_goff_older_format(base: str | None, head: str, expected: list[tuple[str, str]]) -> None:
    assert changes(base, head) == expected


def test_goff_older_format_progressive_and_scheduled_rollouts() -> None:
    head = legacy(
        "  percentage: 0\n"
        "  rollout:\n"
        "    progressive:\n"
        "      percentage: {initial: 0, end: 100}\n"
        "      releaseRamp: {start: 2026-12-02T11:00:00Z, end: 2026-12-09T11:00:00Z}\n"
        "    scheduled:\n"
        "      steps:\n"
        "      - {date: 2026-12-01T10:30:00Z, rule: 'beta eq true'}\n"
    )
    found = list(activations(read_flag_file("f.yaml", legacy("  percentage: 0").encode()),
                             read_flag_file("f.yaml", head.encode())))
    assert [(c.change, c.scheduled, c.at.isoformat() if c.at else None) for c in found] == [
        ("rollout-raised", "progressive rollout start", "2026-12-02T11:00:00+00:00"),
    ]


def test_goff_older_format_scheduled_step_raising_the_percentage() -> None:
    head = legacy("  percentage: 0\n  rollout:\n    scheduled:\n      steps:\n"
                  "      - {date: 2026-12-01T10:30:00Z, percentage: 20}\n")
    (change,) = activations(None, read_flag_file("f.yaml", head.encode()))
    assert (change.change, change.at.isoformat() if change.at else None) == ("rollout-raised", "2026-12-01T10:30:00+00:00")
    assert change.detail == "'true' 0% \u2192 20% at default rule"


def test_goff_older_format_in_toml_and_json() -> None:
    toml = '[beta]\nrule = "key eq \\"a\\""\npercentage = 100.0\ntrue = true\nfalse = false\ndefault = false\n'
    json_text = '{"beta": {"rule": "key eq \\"b\\"", "percentage": 100, "true": true, "false": false, "default": false}}'
    assert changes(None, toml, "flags/f.toml") == [("beta", "enabled")]
    assert changes(json_text.replace('\\"b\\"', '\\"a\\"'), json_text, "flags/f.json") == [("beta", "rollout-raised")]


def test_a_new_fractional_bucketing_key_is_no_activation() -> None:
    """It reshuffles who lands in each bucket; the shares, and so the exposure, stay the same."""
    split = "targeting: {{fractional: [{key}['on', 10], ['off', 90]]}}"
    before = flagd(targeting=split.format(key="{var: session}, "))
    after = flagd(targeting=split.format(key=""))
    assert changes(before, after) == []
    behind_a_condition = "targeting: {{if: [{{in: ['@{d}', {{var: email}}]}}, {{fractional: [['on', 10], ['off', 90]]}}, 'off']}}"
    assert changes(flagd(targeting=behind_a_condition.format(d="a.io")), flagd(targeting=behind_a_condition.format(d=""))) == [
        ("beta", "rollout-raised")
    ]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(legacy("  rule: key eq \"a\"\n  percentage: 100"),
                     goff("targeting: [{name: rule1, query: 'key eq \"a\"', percentage: {yes_var: 100, no_var: 0}}]\n"
                          "  defaultRule: {variation: no_var}").replace("yes_var", "true").replace("no_var", "false"),
                     [], id="older-format-migrated-with-its-rule"),
        pytest.param(legacy("  percentage: 30"),
                     goff("defaultRule: {percentage: {yes_var: 30, no_var: 70}}").replace("yes_var", "true")
                     .replace("no_var", "false"), [], id="older-format-migrated-without-a-rule"),
        pytest.param(goff("targeting: [{name: a, query: 'team pr', variation: yes_var}]\n  defaultRule: {variation: no_var}"),
                     goff("targeting: [{name: b, query: 'team pr', variation: yes_var}]\n  defaultRule: {variation: no_var}"),
                     [], id="rule-renamed"),
        pytest.param(goff("targeting: [{name: a, query: 'team pr', percentage: {yes_var: 10, no_var: 90}}]\n"
                          "  defaultRule: {variation: no_var}"),
                     goff("targeting: [{name: b, query: 'team pr', percentage: {yes_var: 40, no_var: 60}}]\n"
                          "  defaultRule: {variation: no_var}"),
                     [("beta", "rollout-raised")], id="rule-renamed-and-raised"),
    ],
)
def test_a_rule_is_followed_by_its_condition(before: str, after: str, expected: list[tuple[str, str]]) -> None:
    assert changes(before, after) == expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(legacy("  percentage: 10", true="green", default="grey").replace("false: false", "false: red"),
                     "beta:\n  variations: {green_var: green, red_var: red, default_var: grey}\n"
                     "  defaultRule: {percentage: {green_var: 10, red_var: 90}}\n",
                     [], id="older-format-migrated-with-renamed-variations"),
        pytest.param(variants("'off': 0, 'on': 1", "on"), variants("'off': 0, 'enabled': 1", "enabled"), [],
                     id="default-variant-renamed"),
        pytest.param(variants("'off': 0, 'on': 1", "off"), variants("'off': 0, 'on': 1, 'max': 1", "max"),
                     [("f", "default-changed")], id="default-to-another-name-of-a-value-not-served-before"),
    ],
)
def test_a_renamed_variant_keeps_what_it_served(before: str, after: str, expected: list[tuple[str, str]]) -> None:
    assert changes(before, after) == expected
