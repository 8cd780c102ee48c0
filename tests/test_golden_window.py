"""The golden-window check on in-memory changes: activations, findings and their words, options."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import FakeTree, make_context

from gate.core.checks import golden_window
from gate.core.checks.golden_window import Options, check
from gate.core.engine import evaluate
from gate.core.errors import PolicyError
from gate.core.models import Activation, ChangedFile, Context, FileStatus, Finding, Severity
from gate.core.policy import default_policy, parse_policy

DATA = Path(__file__).parent / "data" / "flags"
OFF, ON = (DATA / "flagd-disabled.flagd.json").read_text(), (DATA / "flagd-enabled.flagd.json").read_text()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def run(
    head: dict[str, str], base: dict[str, str] | None = None, now: str = "2026-11-30T11:00:00Z",
    options: Options | None = None,
) -> tuple[list[Activation], list[Finding]]:
    results = list(check(make_context(head=head, base=base, now=at(now)), options or Options()))
    return [r for r in results if isinstance(r, Activation)], [r for r in results if isinstance(r, Finding)]


@pytest.mark.parametrize(
    ("now", "inside"),
    [
        pytest.param("2026-11-30T11:00:00Z", True, id="monday-11"),
        pytest.param("2026-11-30T10:00:00Z", True, id="monday-10-opening"),
        pytest.param("2026-11-30T13:00:00Z", False, id="monday-13-closed"),
        pytest.param("2026-11-30T14:00:00Z", False, id="monday-14"),
        pytest.param("2026-11-28T11:00:00Z", False, id="saturday-11"),
    ],
)
def test_flagd_turned_on_is_judged_at_now(now: str, inside: bool) -> None:
    activations, findings = run({"flags/checkout.json": ON}, {"flags/checkout.json": OFF}, now=now)
    assert activations == [
        Activation("new-checkout", "flags/checkout.json", 4, "flagd", "enabled", at(now), inside,
                   "state DISABLED \u2192 ENABLED")
    ]
    assert [f.rule for f in findings] == ([] if inside else ["golden-window"])


def test_the_finding_says_what_when_why_and_the_next_opening() -> None:
    _, (finding,) = run({"flags/checkout.json": ON}, {"flags/checkout.json": OFF}, now="2026-11-30T14:00:00Z")
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "golden-window", Severity.ERROR, "flags/checkout.json", 4)
    for words in ("'new-checkout'", "enabled", "DISABLED \u2192 ENABLED", "2026-11-30T14:00:00Z",
                  "14:00 UTC is at or after the window closes", "10:00\u201313:00 UTC",
                  "next window opens 2026-12-01T10:00:00Z"):
        assert words in finding.message
    assert "2026-12-01T10:00:00Z" in finding.remedy


def test_saturday_names_the_weekday_and_monday() -> None:
    _, (finding,) = run({"flags/checkout.json": ON}, {"flags/checkout.json": OFF}, now="2026-11-28T11:00:00Z")
    assert "Saturday is not a window day" in finding.message
    assert "next window opens 2026-11-30T10:00:00Z" in finding.message


def test_a_freeze_is_named_by_its_reason() -> None:
    options = Options.of(freezes=({"start": "2026-11-30T00:00:00Z", "end": "2026-12-02T00:00:00Z",
                                "reason": "Cyber Monday"},))
    _, (finding,) = run({"flags/checkout.json": ON}, {"flags/checkout.json": OFF}, options=options)
    assert "\u201cCyber Monday\u201d" in finding.message
    assert "next window opens 2026-12-02T10:00:00Z" in finding.message


def test_a_local_timezone_shows_the_local_opening_too() -> None:
    options = Options.of(timezone="Europe/Madrid")
    _, (finding,) = run({"flags/checkout.json": ON}, {"flags/checkout.json": OFF}, now="2026-11-30T14:00:00Z",
                        options=options)
    assert "15:00 Europe/Madrid is at or after the window closes" in finding.message
    assert "next window opens 2026-12-01T09:00:00Z (Tuesday 10:00 Europe/Madrid)" in finding.message


def test_naive_freeze_times_are_read_in_the_policy_timezone() -> None:
    options = Options.of(timezone="Europe/Madrid", freezes=(
        {"start": "2026-11-30T11:30:00", "end": "2026-11-30T12:30:00", "reason": "demo"},
    ))
    window = options.window()
    assert not window.contains(at("2026-11-30T10:45:00Z"))  # 11:45 in Madrid
    assert window.contains(at("2026-11-30T11:45:00Z"))


@pytest.mark.parametrize(
    ("head", "base", "expected"),
    [
        pytest.param("flipt-on.features.yml", "flipt-off.features.yml", "enabled", id="flipt-enabled"),
        pytest.param("goff-enabled.goff.yaml", "goff-disabled.goff.yaml", "enabled", id="goff-disable-false"),
        pytest.param("flagd-fractional-50.flagd.yaml", "flagd-fractional-10.flagd.yaml", "rollout-raised",
                     id="flagd-fractional-raised"),
        pytest.param("flipt-off.features.yml", "flipt-on.features.yml", None, id="flipt-turned-off"),
        pytest.param("goff-disabled.goff.yaml", "goff-enabled.goff.yaml", None, id="goff-turned-off"),
    ],
)
def test_each_format_through_the_check(head: str, base: str, expected: str | None) -> None:
    path = "features.yml" if head.endswith("features.yml") else f"flags/{head}"
    activations, findings = run({path: (DATA / head).read_text()}, {path: (DATA / base).read_text()},
                                now="2026-11-30T20:00:00Z")
    assert [a.change for a in activations] == ([expected] if expected else [])
    assert len(findings) == (1 if expected else 0)


@pytest.mark.parametrize(
    ("fixture", "now", "blocked", "when"),
    [
        pytest.param("goff-scheduled-1030.goff.yaml", "2026-11-30T20:00:00Z", False, "2026-12-01T10:30:00Z",
                     id="step-at-1030-passes-at-night"),
        pytest.param("goff-scheduled-1500.goff.yaml", "2026-11-30T11:00:00Z", True, "2026-12-01T15:00:00Z",
                     id="step-at-1500-blocks-in-window"),
        pytest.param("goff-scheduled-1030.goff.yaml", "2026-12-02T20:00:00Z", True, "2026-12-02T20:00:00Z",
                     id="step-already-past-takes-effect-now"),
    ],
)
def test_scheduled_steps_are_judged_at_their_own_time(fixture: str, now: str, blocked: bool, when: str) -> None:
    activations, findings = run({"flags/goff.yaml": (DATA / fixture).read_text()},
                                {"flags/goff.yaml": (DATA / "goff-base.goff.yaml").read_text()}, now=now)
    assert [(a.change, a.at, a.in_window) for a in activations] == [("default-changed", at(when), not blocked)]
    assert len(findings) == blocked
    if blocked and when != now:
        assert "the time its scheduled rollout step sets" in findings[0].message
        assert "move the scheduled rollout step" in findings[0].remedy


@pytest.mark.parametrize(
    ("path", "text", "words"),
    [
        pytest.param("flags/x.json", '{"flags": ', "not valid JSON", id="broken-json"),
        pytest.param("flags/x.toml", "[x\n", "not valid TOML", id="broken-toml"),
        pytest.param("flags/x.json", (DATA / "unknown-shape.json").read_text(), "shape", id="unknown-shape"),
    ],
)
def test_unreadable_flag_files_are_invalid_files(path: str, text: str, words: str) -> None:
    activations, (finding,) = run({path: text})
    assert activations == []
    assert (finding.rule, finding.severity, finding.path) == ("invalid-file", Severity.ERROR, path)
    assert words in finding.message and "blocks" in finding.message
    assert "ignore" in finding.remedy


def test_yaml_syntax_errors_are_reported_once_by_the_engine() -> None:
    context = make_context(head={"flags/x.yaml": "flags: [1,\n"})
    verdict = evaluate(context, default_policy())
    assert [(f.rule, f.path) for f in verdict.findings] == [("invalid-file", "flags/x.yaml")]


def test_other_files_under_flags_are_not_read() -> None:
    activations, findings = run({"flags/README.md": "# flags\n", "docs/flags.json": "{not json"})
    assert (activations, findings) == ([], [])


def test_only_changed_flag_files_are_read() -> None:
    context = make_context(
        head={"flags/a.json": ON, "flags/b.json": ON, "src/app.py": "print()\n"},
        base={"flags/a.json": OFF, "flags/b.json": ON, "src/app.py": ""},
    )
    list(check(context, Options()))
    assert isinstance(context.head_tree, FakeTree) and isinstance(context.base_tree, FakeTree)
    assert set(context.head_tree.accessed) == {"flags/a.json"}
    assert set(context.base_tree.accessed) == {"flags/a.json"}


def test_a_renamed_flag_file_is_compared_with_its_old_path() -> None:
    context = make_context(head={"flags/new.json": ON}, base={"flags/old.json": ON}, changed=[])
    context = replace(context, files=(ChangedFile("flags/new.json", FileStatus.RENAMED, old_path="flags/old.json"),))
    assert list(check(context, Options())) == []


def test_an_unreadable_base_counts_every_flag_that_is_on() -> None:
    activations, _ = run({"flags/a.json": ON}, {"flags/a.json": "{broken"})
    assert {a.flag for a in activations} == {"new-checkout", "header-color"}


def test_policy_options_and_their_errors() -> None:
    policy = parse_policy(
        "version: 1\nchecks:\n  golden-window:\n    start: '09:00'\n    timezone: America/Guayaquil\n"
        "    days: [monday, wed]\n    freezes:\n    - {start: 2026-12-20, end: 2027-01-04, reason: holidays}\n",
        "gate.yaml",
    )
    options = policy.options(golden_window.ID)
    assert isinstance(options, Options)
    window = options.window()
    assert (window.start.hour, window.zone_name, sorted(window.days)) == (9, "America/Guayaquil", [0, 2])
    assert window.freezes[0].start == datetime(2026, 12, 20, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("block", "words"),
    [
        pytest.param("timezone: Mars/Olympus", "IANA", id="zone"),
        pytest.param("start: '25:00'", "HH:MM", id="clock"),
        pytest.param("days: [someday]", "weekday", id="day"),
        pytest.param("start: '14:00'", "before its end", id="reversed"),
        pytest.param("freezes: [{start: 2026-12-20, end: 2026-12-01, reason: x}]", "not after it starts", id="freeze"),
        pytest.param("freezes: [{start: 2026-12-20, end: 2026-12-21}]", "reason", id="freeze-reason"),
        pytest.param("window: 10-13", "unknown key", id="unknown-key"),
    ],
)
def test_bad_options_are_policy_errors(block: str, words: str) -> None:
    with pytest.raises(PolicyError, match=words):
        parse_policy(f"version: 1\nchecks:\n  golden-window:\n    {block}\n", "gate.yaml")


def test_default_options_are_the_seed_window() -> None:
    options = Options()
    assert (options.start, options.end, options.timezone, options.freezes) == ("10:00", "13:00", "UTC", ())
    assert options.days == ("monday", "tuesday", "wednesday", "thursday", "friday")


@pytest.mark.parametrize(
    ("timezone", "freeze", "words"),
    [
        pytest.param("UTC", "{start: '2026-12-22T00:00:00', end: '2026-12-21T00:00:00Z', reason: x}",
                     r"checks\.golden-window\.freezes \(line 5\): freezes\[0\] \('x'\) ends at "
                     r"2026-12-21T00:00:00Z, not after it starts at 2026-12-22T00:00:00Z", id="naive-start-after-aware-end"),
        pytest.param("Europe/Madrid", "{start: '2026-12-21T00:00:00Z', end: '2026-12-21T00:30:00', reason: x}",
                     r"checks\.golden-window\.freezes .*ends at 2026-12-20T23:30:00Z.*read in Europe/Madrid",
                     id="naive-end-read-in-the-policy-zone"),
        pytest.param("America/Guayaquil", "{start: 2026-12-20, end: '9999-12-31T23:00:00', reason: forever}",
                     r"checks\.golden-window\.freezes .*freezes\[0\] \('forever'\) reaches past the year 9999",
                     id="past-the-calendar"),
    ],
)
def test_freezes_mixing_offsets_are_policy_errors_not_crashes(timezone: str, freeze: str, words: str) -> None:
    text = f"version: 1\nchecks:\n  golden-window:\n    timezone: {timezone}\n    freezes:\n    - {freeze}\n"
    with pytest.raises(PolicyError, match=words):
        parse_policy(text, "gate.yaml")


@pytest.mark.parametrize(
    ("timezone", "start", "end", "utc_start", "utc_end"),
    [
        pytest.param("UTC", "2026-12-21T00:00:00", "2026-12-22T00:00:00Z",
                     "2026-12-21T00:00:00Z", "2026-12-22T00:00:00Z", id="naive-start-utc"),
        pytest.param("Europe/Madrid", "2026-12-21T00:30:00", "2026-12-21T00:00:00Z",
                     "2026-12-20T23:30:00Z", "2026-12-21T00:00:00Z", id="naive-start-madrid-before-aware-end"),
    ],
)
def test_freezes_mixing_offsets_read_the_naive_side_in_the_policy_zone(
    timezone: str, start: str, end: str, utc_start: str, utc_end: str
) -> None:
    text = (f"version: 1\nchecks:\n  golden-window:\n    timezone: {timezone}\n    freezes:\n"
            f"    - {{start: '{start}', end: '{end}', reason: x}}\n")
    options = parse_policy(text, "gate.yaml").options(golden_window.ID)
    assert isinstance(options, Options)
    (freeze,) = options.window().freezes
    assert (freeze.start, freeze.end) == (at(utc_start), at(utc_end))


def test_a_freeze_until_9999_blocks_and_says_the_window_does_not_open() -> None:
    options = Options.of(freezes=({"start": "2026-11-01", "end": "9999-12-31T23:59:59", "reason": "forever"},))
    _, (finding,) = run({"flags/checkout.json": ON}, {"flags/checkout.json": OFF}, options=options)
    assert "forever" in finding.message and "does not open again as far as gate looks" in finding.message


def unreadable(path: str) -> Context:
    """A change that modifies `path`, which the head tree cannot read (as git's tree for a bad symlink)."""
    return make_context(head={}, changed=[path])  # in neither tree: FakeTree reads None, status modified


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("flags/checkout.json", id="json"),
        pytest.param("flags/checkout.toml", id="toml"),
        pytest.param("flags/CHECKOUT.JSON", id="upper-case-json"),
    ],
)
def test_a_flag_file_that_cannot_be_read_at_head_blocks(path: str) -> None:
    (finding,) = list(check(unreadable(path), Options()))
    assert isinstance(finding, Finding)
    assert (finding.rule, finding.severity, finding.path) == ("invalid-file", Severity.ERROR, path)
    assert ("cannot be read: a symlink that leaves the repository or loops; gate reads only files inside the "
            "repository") in finding.message


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("flags/checkout.json", id="json-by-golden-window"),
        pytest.param("flags/checkout.yaml", id="yaml-by-the-engine"),
        pytest.param("flags/CHECKOUT.YML", id="upper-case-yaml"),
    ],
)
def test_an_unreadable_flag_file_is_reported_once(path: str) -> None:
    verdict = evaluate(unreadable(path), default_policy())
    assert [(f.rule, f.severity, f.path) for f in verdict.findings] == [("invalid-file", Severity.ERROR, path)]
    assert "symlink" in verdict.findings[0].message


TEMPLATE = """\
flags:
  new-checkout:
    state: {{ .Values.checkout.state }}
{{- if .Values.headerColor }}
  header-color:
    state: ENABLED
{{- end }}
"""


@pytest.mark.parametrize(
    "path",
    [pytest.param("flags/checkout.yaml", id="yaml"), pytest.param("flags/Checkout.YAML", id="upper-case-yaml")],
)
def test_a_templated_flag_file_blocks(path: str) -> None:
    context = make_context(head={path: TEMPLATE}, base={path: OFF})
    verdict = evaluate(context, default_policy())
    assert verdict.activations == ()
    found = {(f.rule, f.severity) for f in verdict.findings if f.path == path}
    assert ("invalid-file", Severity.ERROR) in found
    (error,) = [f for f in verdict.findings if f.severity is Severity.ERROR]
    assert "a flag file must be plain YAML/JSON/TOML that the flag tool reads; gate cannot judge templates" in (
        error.message)
    assert error.line is not None


FLIPT_OFF, FLIPT_ON = (DATA / "flipt-off.features.yml").read_text(), (DATA / "flipt-on.features.yml").read_text()


@pytest.mark.parametrize(
    ("path", "base", "head"),
    [
        pytest.param("flags/FLAGS.JSON", OFF, ON, id="json"),
        pytest.param("flags/Checkout.Yaml", OFF, ON, id="yaml"),
        pytest.param("services/web/FEATURES.YML", FLIPT_OFF, FLIPT_ON, id="flipt-name-upper-case"),
    ],
)
def test_flag_file_suffixes_match_in_any_case(path: str, base: str, head: str) -> None:
    options = Options.of(flag_files=("**/flags/**", "**/FEATURES.YML"))
    activations, _ = run({path: head}, {path: base}, options=options)
    assert [a.change for a in activations] != []


def test_a_flag_file_too_large_to_judge_blocks() -> None:
    from gate.core.manifests import MAX_FILE_BYTES

    big = '{"flags": {}, "padding": "' + "x" * MAX_FILE_BYTES + '"}'
    context = make_context(head={"flags/big.json": big})
    found = [f for f in golden_window.check(context, golden_window.Options()) if isinstance(f, Finding)]
    assert [(f.rule, f.path) for f in found] == [("invalid-file", "flags/big.json")]
    assert "too large to judge" in found[0].message


# The baseline: the must-show cases through the check, and the policy option that changes them.

FAILURE_INJECTOR = """\
flags:
  paymentFailure:
    state: ENABLED
    variants: {{'off': 0, 'on': 1}}
    defaultVariant: '{default}'
"""
EXPERIMENT = '{"flags": {"checkout": {"state": "ENABLED", "variants": {"legacy": "v1", "v2": "v2"}, "defaultVariant": "legacy"}}}'


@pytest.mark.parametrize(
    ("default", "blocked"),
    [
        pytest.param("off", False, id="new-flag-serving-off-0-is-no-activation"),
        pytest.param("on", True, id="new-flag-serving-on-1-is-an-activation"),
    ],
)
def test_a_new_flagd_flag_is_an_activation_only_beyond_its_baseline(default: str, blocked: bool) -> None:
    activations, findings = run({"flags/demo.flagd.yaml": FAILURE_INJECTOR.format(default=default)},
                                now="2026-11-30T20:00:00Z")
    assert [(a.flag, a.change) for a in activations] == ([("paymentFailure", "enabled")] if blocked else [])
    assert [f.severity for f in findings] == ([Severity.ERROR] if blocked else [])


@pytest.mark.parametrize(
    ("policy", "blocked"),
    [
        pytest.param("version: 1\n", True, id="default-names"),
        pytest.param("version: 1\nchecks:\n  golden-window:\n    baseline_variants: [LEGACY]\n", False,
                     id="legacy-named-a-baseline-any-case"),
        pytest.param("version: 1\nchecks:\n  golden-window:\n    baseline_variants: ['leg*']\n", False,
                     id="a-glob"),
    ],
)
def test_the_policy_baseline_option_changes_the_answer(policy: str, blocked: bool) -> None:
    parsed = parse_policy(policy, "gate.yaml")
    context = make_context(head={"flags/checkout.json": EXPERIMENT}, now=at("2026-11-30T20:00:00Z"), policy=parsed)
    verdict = evaluate(context, parsed)
    assert [a.flag for a in verdict.activations] == (["checkout"] if blocked else [])
    assert [f.rule for f in verdict.findings if f.severity is Severity.ERROR] == (["golden-window"] if blocked else [])


def test_turning_the_default_toward_the_baseline_is_no_activation() -> None:
    path = "flags/demo.flagd.yaml"
    activations, findings = run({path: FAILURE_INJECTOR.format(default="off")},
                                {path: FAILURE_INJECTOR.format(default="on")}, now="2026-11-30T20:00:00Z")
    assert (activations, findings) == ([], [])


# The OpenFeature CLI manifest: recognised, not judged, a notice.

MANIFEST = """\
{
  "$schema": "https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json",
  "flags": {
    "enableFeatureA": {"flagType": "boolean", "defaultValue": true, "description": "Feature A."},
    "greetingMessage": {"flagType": "string", "defaultValue": "Hello there!"}
  }
}
"""


def test_an_openfeature_cli_manifest_is_a_notice_not_an_invalid_file() -> None:
    context = make_context(head={"flags/flags.json": MANIFEST}, now=at("2026-11-30T20:00:00Z"))
    verdict = evaluate(context, default_policy())
    assert verdict.activations == ()
    assert [(f.rule, f.severity, f.path) for f in verdict.findings] == [
        ("golden-window", Severity.NOTICE, "flags/flags.json")
    ]
    assert "OpenFeature CLI flag manifest" in verdict.findings[0].message
    assert "does not judge" in verdict.findings[0].message
    assert verdict.outcome.value == "pass"
