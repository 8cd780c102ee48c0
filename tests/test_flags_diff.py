"""The semantic diff base -> head: what turns on, and what is only an edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIXTURES

from gate.core.flags import read_flag_file
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
        pytest.param(flagd("DISABLED"), flagd("ENABLED"), [("beta", "enabled")], id="flagd-state-on"),
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
