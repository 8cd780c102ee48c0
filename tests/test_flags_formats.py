"""Reading flag files: detection by shape, YAML 1.2, line numbers, and every file of the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CORPUS, CORPUS_ABSENT, needs_corpus

from gate.core.flags import (
    FLAGD,
    FLIPT,
    GO_FEATURE_FLAG,
    FlagFileError,
    is_flag_file,
    read_flag_file,
)

DATA = Path(__file__).parent / "data" / "flags"
FLAG_CORPUS = CORPUS / "flags"
DEFAULT_PATTERNS = ("**/flags/**", "**/features.yml", "**/features.yaml")

# Corpus files gate must refuse, with a word of the reason it gives. Every other file must read.
REFUSED = {
    "open-feature__flagd-schemas__json__flagd.json": "shape",  # JSON Schemas, not flag files
    "open-feature__flagd-schemas__json__flags.json": "shape",
    "open-feature__flagd-schemas__json__targeting.json": "shape",
    "flipt-io__flipt__core__validation__flipt.json": "shape",
    "thomaspoignant__go-feature-flag__.schema__flag-schema.json": "shape",
    # targeting fragments, not whole files
    "open-feature__flagd-schemas__json__test__targeting__positive__fractional-dynamic-weights.json": "shape",
    "open-feature__flagd-schemas__json__test__targeting__positive__fractional-mixed-weights.json": "shape",
    "thomaspoignant__go-feature-flag__testdata__internal__dto__rollout.yaml": "shape",
    # upstream negative cases
    "flipt-io__flipt__core__validation__testdata__invalid.yaml": "not a number from 0 to 100",  # rollout: 110
    "flipt-io__flipt__core__validation__testdata__invalid_yaml_stream.yaml": "not a number from 0 to 100",
    "open-feature__flagd-schemas__json__test__flags__negative__empty-variants.json": "no variants",
    "open-feature__flagd-schemas__json__test__flags__negative__missing-variants.json": "no variants",
    "open-feature__flagd-schemas__json__test__flags__negative__malformed-flag.json": "no variants",
    "open-feature__flagd-schemas__json__test__flags__negative__state-set-incorrectly.json": "WILL-FAIL",
    "thomaspoignant__go-feature-flag__cmd__cli__linter__testdata__invalid.toml": "TOML",
}
CORPUS_FILES = sorted(p for p in FLAG_CORPUS.glob("*/*") if p.name != "SOURCES.md")
# Without the corpus, one case skipped with the reason (an empty list would say only "empty parameter set").
CORPUS_CASES = [pytest.param(p, id=p.name) for p in CORPUS_FILES] or [
    pytest.param(None, id="corpus-absent", marks=pytest.mark.skip(reason=CORPUS_ABSENT))
]


@pytest.mark.parametrize("path", CORPUS_CASES)
def test_every_corpus_file_reads_or_is_refused_with_a_reason(path: Path) -> None:
    if path.name in REFUSED:
        with pytest.raises(FlagFileError) as caught:
            read_flag_file(path.name, path.read_bytes())
        assert REFUSED[path.name] in caught.value.message
        return
    flag_file = read_flag_file(path.name, path.read_bytes())
    # The folder names the format the corpus collected it as: detection by shape must agree.
    assert flag_file.format == path.parent.name
    for state in flag_file.flags.values():
        assert state.line is not None and state.line >= 1


@needs_corpus
def test_the_corpus_has_files_of_every_format() -> None:
    assert {p.parent.name for p in CORPUS_FILES} == {FLAGD, FLIPT, GO_FEATURE_FLAG}
    assert len(CORPUS_FILES) >= 70


@pytest.mark.parametrize(
    ("name", "fmt", "flags"),
    [
        pytest.param("flagd-enabled.flagd.json", FLAGD, ["new-checkout", "header-color"], id="flagd-json"),
        pytest.param("flagd-fractional-10.flagd.yaml", FLAGD, ["new-checkout"], id="flagd-yaml"),
        pytest.param("flipt-on.features.yml", FLIPT, ["new-checkout"], id="flipt-yaml"),
        pytest.param("goff-enabled.goff.yaml", GO_FEATURE_FLAG, ["new-checkout"], id="goff-yaml"),
        pytest.param("goff-flags.toml", GO_FEATURE_FLAG, ["new-checkout"], id="goff-toml"),
    ],
)
def test_format_is_detected_by_shape(name: str, fmt: str, flags: list[str]) -> None:
    flag_file = read_flag_file(f"flags/{name}", (DATA / name).read_bytes())
    assert (flag_file.format, list(flag_file.flags)) == (fmt, flags)


@pytest.mark.parametrize(
    ("path", "text", "reason"),
    [
        pytest.param("flags/a.json", '{"flags": {"x": ', "not valid JSON", id="broken-json"),
        pytest.param("flags/a.toml", "[x\nvariations = 1", "not valid TOML", id="broken-toml"),
        pytest.param("flags/a.yaml", "a: [1,\n", "not valid YAML", id="broken-yaml"),
        pytest.param("flags/a.json", '["just", "a", "list"]', "shape", id="list"),
        pytest.param("flags/a.json", '{"owner": "payments"}', "shape", id="unrelated-mapping"),
        pytest.param("flags/a.json", b"\xff\xfe{}", "UTF-8", id="not-utf8"),
        pytest.param(
            "flags/a.yaml", "flags:\n  x:\n    state: ON\n    variants: {a: 1}\n", "state 'ON'", id="flagd-bad-state"
        ),
        pytest.param("features.yml", "flags:\n- name: no key\n", "no `key`", id="flipt-flag-without-key"),
        pytest.param(
            "features.yml", "flags:\n- key: x\n  enabled: yes\n", "`enabled` is 'yes'", id="flipt-yes-is-a-string"
        ),
        pytest.param(
            "flags/a.yaml",
            "x:\n  variations: {a: true}\n  scheduledRollout:\n  - date: tomorrow\n    disable: false\n",
            "not a date-time",
            id="goff-bad-date",
        ),
    ],
)
def test_unreadable_files_say_why(path: str, text: str | bytes, reason: str) -> None:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(FlagFileError) as caught:
        read_flag_file(path, raw)
    assert reason in caught.value.message


def test_flipt_on_and_off_variant_keys_stay_strings() -> None:
    """PyYAML's YAML 1.1 would read `key: on` as True; Flipt (Go, YAML 1.2) reads the text "on"."""
    state = read_flag_file("features.yml", (DATA / "flipt-on.features.yml").read_bytes()).flags["new-checkout"]
    assert list(state.variants) == ["on", "off"]
    assert state.default == "off"
    assert state.rollouts[0].shares == {"on": 100.0}


def test_flipt_namespaces_qualify_flags_outside_the_default_one() -> None:
    text = "namespace: {key: team-a}\nflags:\n- key: x\n  enabled: true\n---\nnamespace: default\nflags:\n- key: x\n"
    flags = read_flag_file("features.yaml", text.encode()).flags
    assert list(flags) == ["team-a/x", "x"]
    assert flags["team-a/x"].line == 3


def test_flipt_type_defaults_to_variant_flags() -> None:
    state = read_flag_file("features.yml", b"flags:\n- key: x\n  enabled: true\n").flags["x"]
    assert state.gated and state.enabled and not state.boolean


@pytest.mark.parametrize(
    ("name", "flag", "line"),
    [
        pytest.param("flagd-enabled.flagd.json", "header-color", 12, id="json-scan"),
        pytest.param("flagd-fractional-10.flagd.yaml", "new-checkout", 2, id="yaml-lines"),
        pytest.param("goff-flags.toml", "new-checkout", 1, id="toml-scan"),
        pytest.param("flipt-on.features.yml", "new-checkout", 6, id="flipt-list-item"),
    ],
)
def test_flags_keep_their_line(name: str, flag: str, line: int) -> None:
    assert read_flag_file(f"flags/{name}", (DATA / name).read_bytes()).flags[flag].line == line


def test_goff_boolean_keys_of_any_spelling_agree() -> None:
    """`True:` (a YAML boolean) and `"True":` (text) name the same variation, as in Go."""
    bare = read_flag_file("a.yaml", b"f:\n  variations: {True: true, False: false}\n  defaultRule: {variation: False}\n")
    quoted = read_flag_file(
        "a.yaml", b'f:\n  variations: {"True": true, "False": false}\n  defaultRule: {variation: "False"}\n'
    )
    assert bare.flags["f"].variants == quoted.flags["f"].variants == {"true": True, "false": False}
    assert bare.flags["f"].default == quoted.flags["f"].default == "false"


def test_goff_dates_with_long_fractions_and_offsets() -> None:
    text = b"f:\n  variations: {a: 1, b: 2}\n  scheduledRollout:\n  - date: 2021-02-01T10:10:10.00000001+02:00\n"
    (step,) = read_flag_file("a.yaml", text).flags["f"].steps
    assert step.at.isoformat() == "2021-02-01T08:10:10+00:00"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("flags/checkout.json", True),
        ("services/checkout/flags/new.flagd.yaml", True),
        ("deploy/flags/nested/deeper/goff.toml", True),
        ("features.yml", True),
        ("config/features.yaml", True),
        ("flags/README.md", False),
        ("services/checkout/deployment.yaml", False),
        ("featureflags/x.json", False),
    ],
)
def test_which_paths_are_flag_files(path: str, expected: bool) -> None:
    assert is_flag_file(path, DEFAULT_PATTERNS) is expected


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        pytest.param('{"flags": {"a": {"flagType": "boolean", "defaultValue": false}}}', None, id="manifest"),
        pytest.param('{"$schema": "https://example.test/schema/v0/flag-manifest.json", "flags": {}}', None,
                     id="empty-manifest-with-its-schema"),
        pytest.param('{"flags": {"a": {"defaultValue": 3, "description": "d"}}}', None, id="manifest-without-flag-type"),
        pytest.param('{"flags": {"a": {"flagType": "boolean", "variants": {"on": true}, "defaultVariant": "on"}}}',
                     FLAGD, id="flagd-with-a-stray-flag-type"),
    ],
)
def test_openfeature_cli_manifests_are_recognised(text: str, fmt: str | None) -> None:
    """A manifest is read without flags and marked as not judged; a flagd file stays flagd."""
    flag_file = read_flag_file("flags/flags.json", text.encode())
    assert (flag_file.format, flag_file.judged) == (fmt, fmt is not None)


@pytest.mark.parametrize(
    ("text", "variants", "baseline"),
    [
        pytest.param("f:\n  true: true\n  false: false\n  default: false\n", {"true": True, "false": False, "default": False},
                     {"false", "default"}, id="booleans"),
        pytest.param("f:\n  true: B\n  false: A\n  default: Default\n", {"true": "B", "false": "A", "default": "Default"},
                     {"false"}, id="strings-default-differs"),
        pytest.param("f:\n  true: B\n  false: A\n", {"true": "B", "false": "A"}, {"false", "default"},
                     id="no-default-serves-the-code-default"),
        pytest.param("f:\n  converter: v0\n  percentage: 10\n", {}, {"true", "false", "default"}, id="converter-v0"),
        pytest.param("f:\n  variations: {a: 1}\n  defaultRule: {variation: a}\n  true: 2\n", {"true": 2},
                     {"false", "default"}, id="true-makes-it-the-older-format-as-in-go-feature-flag"),
    ],
)
def test_goff_older_format_values_and_baseline(text: str, variants: dict[str, object], baseline: set[str]) -> None:
    flag_file = read_flag_file("flags/f.yaml", text.encode())
    state = flag_file.flags["f"]
    assert (flag_file.format, dict(state.variants), state.baseline) == (GO_FEATURE_FLAG, variants, frozenset(baseline))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("f:\n  true: 1\n  false: 0\n  rule: 3\n", "`rule` is 3"),
        pytest.param("f:\n  true: 1\n  false: 0\n  percentage: lots\n", "percentage is 'lots'"),
        pytest.param("f:\n  true: 1\n  false: 0\n  rollout: [1]\n", "`rollout` is not a mapping"),
        pytest.param("f:\n  true: 1\n  false: 0\n  rollout: {scheduled: {steps: [{date: soon}]}}\n", "not a date-time"),
    ],
)
def test_goff_older_format_errors_say_why(text: str, reason: str) -> None:
    with pytest.raises(FlagFileError) as caught:
        read_flag_file("flags/f.yaml", text.encode())
    assert reason in caught.value.message
