"""Hostile file contents: YAML bombs, deep nesting, huge and odd numbers, and the readers that judge them.

Every case ends in a finding (`invalid-file` with the line where known) or a clean reading, never an
exception a check would turn into an `internal-error`, and never a pass for what was not judged.
"""

from __future__ import annotations

import json
import time

import pytest
from helpers import make_context

from gate.core.checks import canary_thresholds, consumer_min_replicas, golden_window
from gate.core.engine import evaluate
from gate.core.errors import PolicyError
from gate.core.flags import FlagFileError, read_flag_file
from gate.core.jsonio import DataError, load_json, load_toml
from gate.core.manifests import as_number, load_manifest
from gate.core.models import Finding, Outcome
from gate.core.policy import default_policy, parse_policy
from gate.core.yamlio import ALIAS_FLOOR, MAX_DEPTH, YamlError, load_all, load_one


def billion_laughs(levels: int = 9, key: str = "lol") -> str:
    """The classic: each level an anchor of nine aliases to the level below (9**levels strings)."""
    text = f'{key}0: &{key}0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for level in range(1, levels):
        aliases = ", ".join([f"*{key}{level - 1}"] * 9)
        text += f"{key}{level}: &{key}{level} [{aliases}]\n"
    return text


BOMB = billion_laughs()


# -- YAML: aliases, recursion, depth, integers ------------------------------------------------------
def test_a_billion_laughs_is_refused_at_load_with_its_line_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(YamlError) as caught:
        load_all(BOMB)
    assert time.monotonic() - started < 1.0  # measured once over the composed graph, never expanded
    assert "aliases expand this document" in caught.value.message
    assert caught.value.line is not None and 2 <= caught.value.line <= 9


def test_aliases_within_the_bound_load_as_before() -> None:
    text = "base: &base {cpu: 1, memory: 2Gi}\nweb:\n  <<: *base\n  replicas: 2\nworker: *base\n"
    data = load_one(text)
    assert data["web"] == {"cpu": 1, "memory": "2Gi", "replicas": 2}
    assert data["worker"] == {"cpu": 1, "memory": "2Gi"}


def test_a_document_may_alias_up_to_the_floor() -> None:
    items = ", ".join(["*a"] * (ALIAS_FLOOR // 12))
    load_one(f"a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [{items}]\n")  # ~ALIAS_FLOOR nodes: fine


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlError, match="contains it"):
        load_all("a: &a [1, *a]\n")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("v: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", id="flow"),
        pytest.param("".join(f"a{i}: &a{i} [*a{i - 1}]\n" if i else "a0: &a0 [x]\n" for i in range(MAX_DEPTH + 5)),
                     id="through-aliases"),
        pytest.param("- " * 5000 + "x\n", id="block-beyond-the-parsers-own-limit"),
    ],
)
def test_deep_nesting_is_refused(text: str) -> None:
    with pytest.raises(YamlError, match=r"nest|depth"):
        load_all(text)


@pytest.mark.parametrize("number", ["1" * 5000, "-" + "9" * 4301])
def test_an_integer_beyond_pythons_conversion_limit_is_a_yaml_error(number: str) -> None:
    with pytest.raises(YamlError, match="digits") as caught:
        load_all(f"a: 1\nreplicas: {number}\n")
    assert caught.value.line == 2


def test_a_manifest_bomb_is_invalid_file_and_blocks() -> None:
    verdict = evaluate(make_context(head={"deploy/canary.yaml": BOMB}), default_policy())
    assert verdict.outcome is Outcome.FAIL
    assert [(f.rule, f.path) for f in verdict.blocking] == [("invalid-file", "deploy/canary.yaml")]
    assert verdict.blocking[0].line is not None


def test_a_5000_digit_integer_in_a_manifest_is_invalid_file_not_a_crash() -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: " + "7" * 5000 + "\n"
    verdict = evaluate(make_context(head={"deploy/web.yaml": text}), default_policy())
    assert [(f.rule, f.line) for f in verdict.blocking] == [("invalid-file", 5)]
    assert not [f for f in verdict.findings if f.rule == "internal-error"]


# -- JSON and TOML: the same bounds -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param('{"a": NaN}', "NaN is not a JSON number", id="nan"),
        pytest.param('{"a": Infinity}', "Infinity is not a JSON number", id="infinity"),
        pytest.param('{"a": -Infinity}', "Infinity is not a JSON number", id="minus-infinity"),
        pytest.param('{"a": 1e999}', "too large", id="overflowing-float"),
        pytest.param('{"a": ' + "1" * 5000 + "}", "digits", id="5000-digits"),
        pytest.param("[" * 5000 + "]" * 5000, "nest", id="deep"),
        pytest.param("[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2), "nested deeper", id="deeper-than-gate-reads"),
    ],
)
def test_json_gate_cannot_judge_is_a_data_error(text: str, says: str) -> None:
    with pytest.raises(DataError, match=says):
        load_json(text)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param("a = " + "1" * 5000 + "\n", "digits", id="5000-digits"),
        pytest.param("a = " + "[" * 3000 + "]" * 3000 + "\n", r"nest|TOML", id="deep"),
        pytest.param("a = [" * 1 + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 3) + "\n", "nested deeper",
                     id="deeper-than-gate-reads"),
    ],
)
def test_toml_gate_cannot_judge_is_a_data_error(text: str, says: str) -> None:
    with pytest.raises(DataError, match=says):
        load_toml(text)


def test_a_lone_surrogate_escape_in_json_becomes_a_replacement_character() -> None:
    data = load_json('{"flag\\udcff": ["x\\ud800"]}')
    assert data == {"flag\ufffd": ["x\ufffd"]}
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # writable anywhere


# -- flag files: odd numbers never hide a rollout ---------------------------------------------------
FLAGD = """\
flags:
  checkout:
    state: ENABLED
    variants: {{on: true, off: false}}
    defaultVariant: off
    targeting:
      fractional:
        - [on, {on}]
        - [off, {off}]
"""
FLIPT_RULE = """\
flags:
  - key: checkout
    enabled: true
    variants: [{{key: control, default: true}}, {{key: new}}]
    rules:
      - segment: everyone
        distributions:
          - {{variant: new, rollout: {new}}}
          - {{variant: control, rollout: 50}}
"""
FLIPT_THRESHOLD = """\
flags:
  - key: express
    type: BOOLEAN_FLAG_TYPE
    enabled: false
    rollouts:
      - threshold: {{percentage: {value}, value: true}}
"""
GOFF = """\
checkout:
  variations: {{on: true, off: false}}
  defaultRule:
    percentage: {{on: {on}, off: {off}}}
"""
GOFF_LEGACY = "checkout:\n  true: a\n  false: b\n  default: b\n  percentage: {value}\n"
GOFF_PROGRESSIVE = """\
checkout:
  variations: {{on: true, off: false}}
  defaultRule:
    progressiveRollout:
      initial: {{variation: off, percentage: 0, date: 2026-11-30T10:00:00Z}}
      end: {{variation: on, percentage: {value}, date: 2026-12-01T10:00:00Z}}
"""
ODD = [".nan", ".inf", "-.inf", "1e999", "-5"]


@pytest.mark.parametrize("weight", ODD)
def test_odd_flagd_fractional_weights_are_invalid(weight: str) -> None:
    with pytest.raises(FlagFileError, match="not a number from 0 to"):
        read_flag_file("flags/f.yaml", FLAGD.format(on=weight, off=50).encode())


@pytest.mark.parametrize("value", [*ODD, "101"])
def test_odd_flipt_rollouts_are_invalid(value: str) -> None:
    with pytest.raises(FlagFileError, match="not a number from 0 to 100"):
        read_flag_file("flags/features.yml", FLIPT_RULE.format(new=value).encode())
    with pytest.raises(FlagFileError, match="not a number from 0 to 100"):
        read_flag_file("flags/features.yml", FLIPT_THRESHOLD.format(value=value).encode())


@pytest.mark.parametrize("value", [*ODD, "150"])
def test_odd_go_feature_flag_percentages_are_invalid(value: str) -> None:
    for text in (GOFF.format(on=value, off=50), GOFF_LEGACY.format(value=value),
                 GOFF_PROGRESSIVE.format(value=value)):
        with pytest.raises(FlagFileError, match="not a number from 0 to 100"):
            read_flag_file("flags/goff.yaml", text.encode())


@pytest.mark.parametrize("weight", ["NaN", "Infinity", "1e999", "-5"])
def test_odd_weights_in_a_json_flag_file_block_as_invalid_file(weight: str) -> None:
    head = ('{"flags": {"checkout": {"state": "ENABLED", "variants": {"on": true, "off": false}, '
            '"defaultVariant": "off", "targeting": {"fractional": [["on", WEIGHT], ["off", 50]]}}}}'
            ).replace("WEIGHT", weight)
    base = head.replace(weight, "10", 1)
    context = make_context(head={"flags/f.flagd.json": head}, base={"flags/f.flagd.json": base})
    found = [r for r in golden_window.check(context, golden_window.Options()) if isinstance(r, Finding)]
    assert [(f.rule, f.path) for f in found] == [("invalid-file", "flags/f.flagd.json")]


def test_a_flag_file_bomb_is_invalid_file_not_minutes_of_cpu() -> None:
    bomb = billion_laughs(key="t").replace("lol0:", "flags:\n  checkout:\n    state: ENABLED\n    variants: "
                                            "{on: true, off: false}\n    defaultVariant: off\n    targeting: "
                                            "{if: [true, on, off]}\n  x:", 1)
    started = time.monotonic()
    with pytest.raises(FlagFileError, match="aliases expand"):
        read_flag_file("flags/f.yaml", bomb.encode())
    assert time.monotonic() - started < 1.0


# -- manifests: a number that is not one never passes a bound ---------------------------------------
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 10**400, "nan", "inf", True])
def test_as_number_refuses_what_is_no_count(value: object) -> None:
    assert as_number(value) is None


CANARY = """\
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {{name: checkout}}
spec:
  analysis:
    interval: 1m
    threshold: 5
    stepWeight: 10
    maxWeight: {weight}
    metrics:
      - {{name: request-success-rate, thresholdRange: {{min: 99}}}}
      - {{name: request-duration, thresholdRange: {{max: 500}}}}
"""


@pytest.mark.parametrize("weight", [".nan", ".inf", "1e999"])
def test_a_canary_max_weight_of_nan_or_infinity_is_not_a_number(weight: str) -> None:
    context = make_context(head={"deploy/canary.yaml": CANARY.format(weight=weight)})
    found = list(canary_thresholds.check(context, canary_thresholds.Options()))
    assert any("maxWeight" in f.message and "not a number" in f.message for f in found)


@pytest.mark.parametrize("replicas", [".nan", ".inf"])
def test_an_autoscaler_minimum_of_nan_or_infinity_is_not_a_number(replicas: str) -> None:
    hpa = ("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: payment-consumer}\n"
           f"spec:\n  minReplicas: {replicas}\n  maxReplicas: 5\n  scaleTargetRef: {{kind: Deployment, name: x}}\n")
    context = make_context(head={"deploy/hpa.yaml": hpa})
    found = list(consumer_min_replicas.check(context, consumer_min_replicas.Options()))
    assert any("not a number" in f.message for f in found)


# -- bounds on every file gate reads ----------------------------------------------------------------
def test_a_policy_bomb_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="aliases expand"):
        parse_policy("version: 1\n" + BOMB, ".github/gate.yaml")


def test_a_huge_policy_text_is_refused_before_parsing() -> None:
    with pytest.raises(PolicyError, match="larger than"):
        parse_policy(b"version: 1\n#" + b"x" * (2 * 1024 * 1024), "p.yaml")


def test_a_manifest_larger_than_the_bound_names_its_real_size() -> None:
    from gate.core.limits import MAX_FILE_BYTES, Truncated

    prefix = Truncated(b"a: " + b"x" * MAX_FILE_BYTES)
    prefix.size = 900 * 1024 * 1024
    manifest = load_manifest("big.yaml", prefix)
    assert manifest.error is not None and "900.0 MiB" in manifest.error


# -- how much one file, and one judgement, may hold -------------------------------------------------
def test_a_yaml_file_of_more_values_than_gate_judges_is_refused_before_composing() -> None:
    from gate.core.yamlio import MAX_NODES

    text = "items:\n" + "".join(f"  - {{name: i{i}, v: {i}}}\n" for i in range(MAX_NODES // 4))
    started = time.monotonic()
    with pytest.raises(YamlError, match="more than 100,000 values") as caught:
        load_all(text)
    assert time.monotonic() - started < 5.0
    assert caught.value.line is not None and caught.value.line > 1


@pytest.mark.parametrize("text", ["[" + "{}," * 500_000 + "{}]", '{"a": [' + ",".join(['{"b": 1}'] * 120_000) + "]}"])
def test_a_json_file_of_more_values_than_gate_judges_is_refused(text: str) -> None:
    with pytest.raises(DataError, match="more than 100,000 values"):
        load_json(text)


def test_a_change_of_many_large_files_stops_at_what_one_judgement_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.core.limits as limits

    monkeypatch.setattr(limits, "MAX_NODES_KEPT", 100)
    files = {f"deploy/cm-{i}.yaml": "data:\n" + "".join(f"  k{j}: v{j}\n" for j in range(20)) for i in range(10)}
    verdict = evaluate(make_context(head=files), default_policy())
    refused = [f for f in verdict.blocking if "more YAML than gate judges at once" in f.message]
    assert refused and all(f.rule == "invalid-file" for f in refused)
    assert len(refused) < 10  # the first files were judged; the rest are refused, never silently skipped


# -- no regex that judges a file rescans it: linear time whatever the text ------------------------
def test_a_readme_of_millions_of_empty_lines_is_judged_in_linear_time() -> None:
    from helpers import SEED_RUNBOOK

    from gate.core.checks import required_docs

    readme = "# pay\n" + "\n" * 3_000_000 + "```mermaid\ngraph TD\n  a --> b\n```\n"
    context = make_context(head={"services/pay/README.md": readme, "services/pay/runbook.yaml": SEED_RUNBOOK})
    started = time.monotonic()
    found = list(required_docs.check(context, required_docs.Options()))
    assert time.monotonic() - started < 5.0
    assert found == []  # the diagram is the Mermaid block at the end


def test_a_toml_flag_file_with_long_runs_of_empty_lines_is_read_in_linear_time() -> None:
    text = "[f]\ndisable = false\nvariations = {on = true, off = false}\ndefaultRule = {variation = \"on\"}\n"
    text += "\n" * 300_000 + "[g]\nvariations = {a = 1, b = 2}\ndefaultRule = {variation = \"a\"}\n"
    started = time.monotonic()
    flag_file = read_flag_file("flags/goff.toml", text.encode())
    assert time.monotonic() - started < 5.0
    assert set(flag_file.flags) == {"f", "g"} and flag_file.flags["g"].line == 300_005


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_a_flag_file_of_thousands_of_flags_finds_their_lines_in_linear_time(fmt: str) -> None:
    count = 10_000
    if fmt == "json":
        text = '{"flags": {\n' + ",\n".join(
            f'"flag-{i}": {{"state": "ENABLED", "variants": {{"on": true, "off": false}}, "defaultVariant": "off"}}'
            for i in range(count)) + "\n}}\n"
    else:
        text = "".join(f'[flag-{i}]\nvariations = {{a = 1, b = 2}}\ndefaultRule = {{variation = "a"}}\n'
                       for i in range(count))
    started = time.monotonic()
    flag_file = read_flag_file(f"flags/many.{fmt}", text.encode())
    assert time.monotonic() - started < 5.0
    assert len(flag_file.flags) == count
    assert flag_file.flags["flag-9999"].line == (10_001 if fmt == "json" else 29_998)


# -- shared conditions and many objects: no expansion and no lookup costs the square ---------------
def test_flagd_evaluators_that_refer_to_each_other_many_times_over_are_invalid_quickly() -> None:
    evaluators: dict[str, object] = {"e0": {"==": [1, 1]}}
    for level in range(1, 40):
        evaluators[f"e{level}"] = {"and": [{"$ref": f"e{level - 1}"}, {"$ref": f"e{level - 1}"}]}
    document = {"$evaluators": evaluators, "flags": {"f": {
        "state": "ENABLED", "variants": {"on": True, "off": False}, "defaultVariant": "off",
        "targeting": {"if": [{"$ref": "e39"}, "on", "off"]}}}}
    started = time.monotonic()
    with pytest.raises(FlagFileError, match="refer to each other"):
        read_flag_file("flags/f.flagd.json", json.dumps(document).encode())
    assert time.monotonic() - started < 5.0


def test_a_long_chain_of_flagd_conditions_costs_one_step_each() -> None:
    import tracemalloc

    conditions: list[object] = []
    for i in range(5000):
        conditions += [{"==": [{"var": "email"}, f"user{i}@example.com"]}, "on"]
    document = {"flags": {"f": {"state": "ENABLED", "variants": {"on": True, "off": False}, "defaultVariant": "off",
                                "targeting": {"if": [*conditions, "off"]}}}}
    tracemalloc.start()
    try:
        flag_file = read_flag_file("flags/f.flagd.json", json.dumps(document).encode())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(flag_file.flags["f"].rollouts) == 5001
    assert peak < 100 * 1024 * 1024  # each branch's conditions as a digest, not the texts joined again


def test_a_file_of_thousands_of_objects_is_judged_without_comparing_each_with_each() -> None:
    hpas = "".join(f"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: q{i}-consumer}}\n"
                   f"spec: {{minReplicas: 1, scaleTargetRef: {{kind: Deployment, name: d{i}}}}}\n" for i in range(3000))
    deployments = "".join(f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w{i}-consumer}}\n"
                          f"spec: {{replicas: 1}}\n" for i in range(3000))
    base = {"deploy/hpa.yaml": hpas, "deploy/dep.yaml": deployments}
    head = {"deploy/hpa.yaml": hpas + "---\n{}\n", "deploy/dep.yaml": deployments + "---\n{}\n"}
    started = time.monotonic()
    verdict = evaluate(make_context(head=head, base=base), default_policy())
    assert time.monotonic() - started < 10.0
    found = [f for f in verdict.findings if f.rule == "consumer-min-replicas"]
    assert len(found) == 6000 and all(f.pre_existing for f in found)  # each object matched to its base self
