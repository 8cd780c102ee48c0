"""Property-based tests (hypothesis): whatever a pull request holds, nothing escapes but gate's own errors.

The YAML loader raises only `YamlError`; the flag readers only `FlagFileError`, and their diff
nothing; the manifest loader nothing (a `ManifestFile` with an error); the checks, run by the
engine over manifests of the kinds they judge, never crash (no `internal-error`); the policy parser
raises only `PolicyError`; the notice is built, composed and rendered, or refused with `NoticeError`.

Example counts stay modest so the suite stays fast; the strategies aim at the shapes the readers
know, with hostile values (NaN, huge numbers, odd strings, wrong types) at every leaf.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import yaml
from helpers import judged_as, make_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate.core.engine import evaluate
from gate.core.errors import PolicyError
from gate.core.flags import FlagFileError, read_flag_file
from gate.core.flags.diff import activations
from gate.core.manifests import load_manifest
from gate.core.models import INTERNAL_ERROR, Commit
from gate.core.notice import NoticeError, build_notice, deployment_message, render_text
from gate.core.policy import default_policy, parse_policy
from gate.core.yamlio import YamlError, load_all

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.data_too_large])

# -- building blocks -----------------------------------------------------------------------------------
NAMES = st.sampled_from(["on", "off", "a", "b", "true", "false", "control", "new", "x\ny", "é", ""])
ODD_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
    NAMES, ODD_TEXT, st.sampled_from(["2026-12-01T10:30:00Z", "2026-12-01T10:30:00", "ENABLED", "DISABLED",
                                      "VARIANT_FLAG_TYPE", "BOOLEAN_FLAG_TYPE", "1m", "30s", "99", ".nan"]),
)
ANY = st.recursive(LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                 st.dictionaries(NAMES, inner, max_size=3)), max_leaves=12)


def some(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the right shape, sometimes anything at all."""
    return st.one_of(strategy, strategy, strategy, ANY)


def dump(data: Any, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(data, allow_nan=True).encode()
    return yaml.safe_dump(data, allow_unicode=True).encode()


# -- the YAML loader ---------------------------------------------------------------------------------
YAML_ALPHABET = st.sampled_from([*"ab:- \n[]{},&*!|>'\"#%@`?0123456789.~", "<<", "\t", "\ufeff", "é"])


@FAST
@given(st.lists(YAML_ALPHABET, max_size=80).map("".join))
def test_the_yaml_loader_raises_only_its_own_error(text: str) -> None:
    try:
        load_all(text)
    except YamlError as exc:
        assert exc.line is None or exc.line >= 1


@FAST
@given(st.integers(1, 12), st.integers(1, 12), st.booleans())
def test_aliases_of_any_fan_out_load_or_are_refused_quickly(levels: int, fan_out: int, nested: bool) -> None:
    text = "l0: &l0 [x]\n" + "".join(
        f"l{i}: &l{i} " + ("[" if nested else "{") + ", ".join(
            (f"*l{i - 1}" if nested else f"k{j}: *l{i - 1}") for j in range(fan_out)) + ("]" if nested else "}")
        + "\n" for i in range(1, levels))
    try:
        load_all(text)
    except YamlError as exc:
        assert "aliases expand" in exc.message


# -- the flag readers and their diff ---------------------------------------------------------------
FLAGD_FLAG = st.fixed_dictionaries(
    {"state": some(st.sampled_from(["ENABLED", "DISABLED"])),
     "variants": some(st.dictionaries(NAMES, LEAF, min_size=1, max_size=3)), "defaultVariant": some(NAMES)},
    optional={"targeting": some(st.one_of(
        st.fixed_dictionaries({"fractional": st.lists(some(st.tuples(NAMES, LEAF).map(list)), max_size=3)}),
        st.fixed_dictionaries({"if": st.lists(some(NAMES), max_size=4)})))},
)
FLAGD = st.fixed_dictionaries({"flags": st.one_of(st.dictionaries(NAMES, some(FLAGD_FLAG), max_size=3),
                                                  st.lists(FLAGD_FLAG.map(lambda f: {**f, "key": "k"}), max_size=2))})
DISTRIBUTION = st.fixed_dictionaries({"variant": some(NAMES), "rollout": some(LEAF)})
RULE = st.fixed_dictionaries({"segment": some(st.one_of(NAMES, st.fixed_dictionaries({"keys": ANY}))),
                              "distributions": some(st.lists(some(DISTRIBUTION), max_size=3))})
BOOLEAN_ROLLOUT = st.one_of(
    st.fixed_dictionaries({"threshold": some(st.fixed_dictionaries({"percentage": LEAF, "value": LEAF}))}),
    st.fixed_dictionaries({"segment": some(st.fixed_dictionaries({"key": NAMES, "value": LEAF}))}),
)
FLIPT_FLAG = st.fixed_dictionaries(
    {"key": some(NAMES)},
    optional={"enabled": some(st.booleans()), "type": some(st.sampled_from(["VARIANT_FLAG_TYPE", "BOOLEAN_FLAG_TYPE"])),
              "variants": some(st.lists(st.fixed_dictionaries({"key": NAMES}, optional={"default": LEAF}),
                                        max_size=3)),
              "rules": some(st.lists(some(RULE), max_size=2)), "rollouts": some(st.lists(some(BOOLEAN_ROLLOUT),
                                                                                       max_size=2))},
)
FLIPT = st.fixed_dictionaries({"flags": st.lists(FLIPT_FLAG, max_size=3)},
                              optional={"namespace": some(NAMES), "version": st.just("1.2")})
GOFF_RULE = st.fixed_dictionaries({}, optional={
    "name": some(NAMES), "query": some(NAMES), "variation": some(NAMES), "disable": some(st.booleans()),
    "percentage": some(st.dictionaries(NAMES, LEAF, max_size=3)),
    "progressiveRollout": some(st.fixed_dictionaries({
        "initial": some(st.fixed_dictionaries({"variation": NAMES, "date": LEAF, "percentage": LEAF})),
        "end": some(st.fixed_dictionaries({"variation": NAMES, "date": LEAF, "percentage": LEAF}))})),
})
GOFF_FLAG = st.fixed_dictionaries(
    {"variations": some(st.dictionaries(NAMES, LEAF, min_size=1, max_size=3))},
    optional={"defaultRule": some(GOFF_RULE), "targeting": some(st.lists(some(GOFF_RULE), max_size=2)),
              "disable": some(st.booleans()),
              "scheduledRollout": some(st.lists(some(st.fixed_dictionaries(
                  {"date": LEAF}, optional={"targeting": st.lists(GOFF_RULE, max_size=2), "defaultRule": GOFF_RULE,
                                            "disable": LEAF})), max_size=2))},
)
GOFF_LEGACY = st.fixed_dictionaries(
    {"true": LEAF, "false": LEAF, "default": LEAF},
    optional={"percentage": some(LEAF), "rule": some(NAMES), "disable": some(st.booleans()),
              "rollout": some(st.fixed_dictionaries({}, optional={
                  "progressive": some(st.fixed_dictionaries({}, optional={
                      "percentage": some(st.fixed_dictionaries({}, optional={"initial": LEAF, "end": LEAF})),
                      "releaseRamp": some(st.fixed_dictionaries({}, optional={"start": LEAF, "end": LEAF}))})),
                  "scheduled": some(st.fixed_dictionaries({}, optional={"steps": some(st.lists(
                      some(st.fixed_dictionaries({"date": LEAF}, optional={"percentage": LEAF, "rule": NAMES})),
                      max_size=2))}))}))},
)
GOFF = st.dictionaries(NAMES, st.one_of(GOFF_FLAG, GOFF_LEGACY), min_size=1, max_size=3)
OPENFEATURE = st.fixed_dictionaries({"flags": st.dictionaries(NAMES, some(st.fixed_dictionaries(
    {"flagType": some(st.sampled_from(["boolean", "string"])), "defaultValue": LEAF})), max_size=3)},
    optional={"$schema": st.just("https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json")})
FLAG_DOCUMENT = st.one_of(FLAGD, FLIPT, GOFF, OPENFEATURE)


@FAST
@given(FLAG_DOCUMENT, FLAG_DOCUMENT, st.sampled_from(["json", "yaml"]))
def test_the_flag_readers_and_their_diff_raise_only_their_own_error(before: Any, after: Any, fmt: str) -> None:
    path = f"flags/fuzzed.{fmt}"
    try:
        base = read_flag_file(path, dump(before, fmt))
    except FlagFileError:
        base = None
    try:
        head = read_flag_file(path, dump(after, fmt))
    except FlagFileError:
        return
    for change in activations(base, head):
        assert change.change in ("enabled", "rollout-raised", "default-changed")


@FAST
@given(st.binary(max_size=200), st.sampled_from(["json", "yaml", "toml"]))
def test_any_bytes_as_a_flag_file_raise_only_its_error(raw: bytes, fmt: str) -> None:
    with contextlib.suppress(FlagFileError):
        read_flag_file(f"flags/raw.{fmt}", raw)


# -- manifests and the checks that judge them ------------------------------------------------------
METRIC = st.fixed_dictionaries({"name": some(st.sampled_from(["request-success-rate", "request-duration", "x"]))},
                               optional={"thresholdRange": some(st.fixed_dictionaries({}, optional={"min": LEAF,
                                                                                                    "max": LEAF})),
                                         "threshold": LEAF, "templateRef": some(st.fixed_dictionaries({"name": NAMES})),
                                         "interval": LEAF})
ANALYSIS = st.fixed_dictionaries({}, optional={
    "interval": LEAF, "threshold": LEAF, "maxWeight": LEAF, "stepWeight": LEAF, "iterations": LEAF,
    "stepWeights": some(st.lists(LEAF, max_size=4)), "match": ANY, "metrics": some(st.lists(some(METRIC), max_size=3)),
})
CANARY = st.fixed_dictionaries({
    "apiVersion": st.just("flagger.app/v1beta1"), "kind": st.just("Canary"),
    "metadata": some(st.fixed_dictionaries({"name": NAMES}, optional={"namespace": NAMES})),
    "spec": some(st.fixed_dictionaries({}, optional={
        "analysis": some(ANALYSIS), "progressDeadlineSeconds": LEAF, "skipAnalysis": LEAF,
        "targetRef": some(st.fixed_dictionaries({"kind": NAMES, "name": NAMES}))})),
})
AUTOSCALER = st.fixed_dictionaries({
    "apiVersion": st.sampled_from(["autoscaling/v2", "autoscaling/v1", "keda.sh/v1alpha1", "apps/v1"]),
    "kind": st.sampled_from(["HorizontalPodAutoscaler", "ScaledObject", "Deployment"]),
    "metadata": some(st.fixed_dictionaries({"name": st.sampled_from(["pay-consumer", "web", "x"])},
                                           optional={"labels": ANY, "namespace": NAMES})),
    "spec": some(st.fixed_dictionaries({}, optional={
        "minReplicas": LEAF, "minReplicaCount": LEAF, "replicas": LEAF, "metrics": ANY,
        "scaleTargetRef": some(st.fixed_dictionaries({"kind": NAMES, "name": st.sampled_from(["pay-consumer", "x"])})),
        "triggers": some(st.lists(some(st.fixed_dictionaries({"type": st.sampled_from(["aws-sqs-queue", "cpu"])})),
                                  max_size=2)),
    })),
})
RULES = st.fixed_dictionaries({
    "apiVersion": st.just("monitoring.coreos.com/v1"), "kind": st.just("PrometheusRule"),
    "metadata": st.fixed_dictionaries({"name": NAMES}),
    "spec": some(st.fixed_dictionaries({"groups": some(st.lists(some(st.fixed_dictionaries({
        "name": NAMES, "rules": some(st.lists(some(st.fixed_dictionaries({"alert": NAMES}, optional={
            "annotations": some(st.fixed_dictionaries({}, optional={"runbook_url": LEAF}))})), max_size=2))})),
        max_size=2))})),
})
RUNBOOK = st.fixed_dictionaries({}, optional={"trigger": LEAF, "steps": some(st.lists(some(st.fixed_dictionaries(
    {}, optional={"check": LEAF, "command": LEAF, "action": LEAF, "if_yes": LEAF, "if_5xx": ANY})), max_size=3))})


@FAST
@given(st.lists(st.one_of(CANARY, AUTOSCALER, RULES, ANY), min_size=1, max_size=3), RUNBOOK)
def test_the_checks_never_crash_on_manifests_of_their_kinds(documents: list[Any], runbook: Any) -> None:
    manifest = yaml.safe_dump_all(documents, allow_unicode=True)
    context = make_context(head={"services/pay/deploy/all.yaml": manifest, "services/pay/runbook.yaml":
                                 yaml.safe_dump(runbook), "services/pay/README.md": "# pay\n"})
    verdict = evaluate(context, default_policy())
    assert not [f for f in verdict.findings if f.rule == INTERNAL_ERROR], verdict.findings


@FAST
@given(st.binary(max_size=300))
def test_the_manifest_loader_turns_any_bytes_into_documents_or_an_error(raw: bytes) -> None:
    manifest = load_manifest("x.yaml", raw)
    assert manifest.ok or manifest.error is not None


# -- the policy parser -------------------------------------------------------------------------------
POLICY = st.fixed_dictionaries({"version": some(st.just(1))}, optional={
    "services": some(st.lists(ODD_TEXT, max_size=2)), "ignore": some(st.lists(ODD_TEXT, max_size=2)),
    "checks": some(st.dictionaries(st.sampled_from(["golden-window", "canary-thresholds", "consumer-min-replicas",
                                                    "required-docs", "alert-runbook", "runbook-format", "nope"]),
                                   some(st.dictionaries(st.sampled_from(["enabled", "level", "start", "end", "timezone",
                                                                         "days", "freezes", "max_weight", "min_replicas",
                                                                         "flag_files", "metric_templates"]),
                                                        ANY, max_size=3)), max_size=3)),
    "override": some(st.dictionaries(st.sampled_from(["label", "roles", "waivable", "allow_author"]), ANY,
                                     max_size=3)),
})


@FAST
@given(POLICY)
def test_the_policy_parser_raises_only_policy_errors(data: Any) -> None:
    try:
        policy = parse_policy(yaml.safe_dump(data, allow_unicode=True), "fuzzed.yaml")
    except PolicyError as exc:
        assert str(exc).startswith("fuzzed.yaml")  # the parser names the file; the CLI makes it one line
        return
    for rule_id in ("golden-window", "canary-thresholds"):
        policy.options(rule_id)


# -- the notice --------------------------------------------------------------------------------------
@FAST
@given(st.lists(st.one_of(CANARY, AUTOSCALER, ANY), max_size=3), ODD_TEXT, ODD_TEXT,
       st.sampled_from(["services/pay/deploy/x.yaml", "services/p a y/deploy/$(x).yaml", "flags/f\n.yaml",
                        "services/pay/deploy/\udcff.yaml"]))
def test_the_notice_is_built_composed_and_rendered_or_refused(documents: list[Any], subject: str, body: str,
                                                              path: str) -> None:
    head = {path: yaml.safe_dump_all(documents, allow_unicode=True)}
    commit = Commit(sha="a" * 40, subject=subject, body=body, author_name="Ana", author_email="a@x",
                    parents=("b" * 40,))
    context = make_context(head=head, base={}, commit=commit)
    verdict = evaluate(context, default_policy())
    render_text(build_notice(verdict, context, event="push"))  # the notice itself, as the core builds it
    try:  # and as gate sends it: every text printable, within SNS's limits
        message = deployment_message(judged_as(verdict, context), topic_arn="arn:aws:sns:us-east-1:123456789012:t")
    except NoticeError:
        return
    assert message.size <= 256 * 1024
    message.message.encode("utf-8")
