"""The flag-off edit, proved by a round trip: the edit the notice gives, applied to the file at head
and judged again by gate, leaves no activation of that flag (one case per format and shape)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import tomli_w
import yaml
from helpers import MONDAY_11, FakeTree, make_context
from notice_cases import edit_lines

from gate.core.engine import evaluate
from gate.core.flags.shape import decode
from gate.core.models import Activation, Outcome, Verdict
from gate.core.notice.flagoff import apply_edit, flag_off_edit
from gate.core.notice.model import build_notice
from gate.core.notice.render import render_text
from gate.core.policy import default_policy

FLAGD_JSON = '{"flags": {"new-checkout": {"state": "%s", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}'
FLAGD_YAML = """\
flags:
  new-checkout:
    state: ENABLED
    variants: {on: true, off: false}
    defaultVariant: "off"
    targeting:
      fractional:
      - [on, %d]
      - [off, %d]
"""
FLAGD_ARRAY = '{"flags": [{"key": "new-checkout", "state": "%s", "variants": {"on": true, "off": false}, "defaultVariant": "on"}]}'
FLIPT_VARIANT = """\
version: "1.4"
namespace: %s
flags:
- key: new-checkout
  name: New checkout
  enabled: %s
  variants:
  - {key: control, default: true}
  - {key: treatment}
  rules:
  - segment: everyone
    distributions:
    - {variant: treatment, rollout: 50}
    - {variant: control, rollout: 50}
"""
FLIPT_BOOLEAN = """\
version: "1.4"
flags:
- key: new-checkout
  name: New checkout
  type: BOOLEAN_FLAG_TYPE
  enabled: %s
  rollouts:
  - threshold: {percentage: %d, value: true}
  - segment: {key: staff, value: true}
"""
GOFF_YAML = "new-checkout:\n  variations: {on: true, off: false}\n  defaultRule: {variation: %s}\n"
GOFF_PERCENT = '{"new-checkout": {"variations": {"a": "A", "b": "B"}, "defaultRule": {"percentage": {"a": %d, "b": %d}}}}'
GOFF_TOML = """\
["new-checkout"]
disable = %s

["new-checkout".variations]
on = true
off = false

["new-checkout".defaultRule]
variation = "on"
"""
GOFF_SCHEDULED = """\
new-checkout:
  variations: {on: true, off: false}
  defaultRule: {variation: "off"}
  disable: true
  scheduledRollout:
  - date: "2026-12-01T11:00:00Z"
    disable: false
    defaultRule: {variation: "on"}
"""
GOFF_PROGRESSIVE = """\
new-checkout:
  variations: {on: true, off: false}
  defaultRule:
    progressiveRollout:
      initial: {variation: "off", percentage: 0, date: "2026-12-01T11:00:00Z"}
      end: {variation: "on", percentage: 100, date: "2026-12-02T11:00:00Z"}
"""
GOFF_LEGACY = "new-checkout:\n  true: on\n  false: off\n  default: off\n  percentage: %d\n"


@pytest.mark.parametrize(
    ("path", "before", "after", "flag"),
    [
        pytest.param("flags/flags.json", FLAGD_JSON % "DISABLED", FLAGD_JSON % "ENABLED", "new-checkout",
                     id="flagd-json-enabled"),
        pytest.param("flags/flags.yaml", FLAGD_YAML % (10, 90), FLAGD_YAML % (50, 50), "new-checkout",
                     id="flagd-yaml-fraction-raised"),
        pytest.param("flags/flags.json", FLAGD_ARRAY % "DISABLED", FLAGD_ARRAY % "ENABLED", "new-checkout",
                     id="flagd-array-form"),
        pytest.param("features.yml", FLIPT_VARIANT % ("default", "false"), FLIPT_VARIANT % ("default", "true"),
                     "new-checkout", id="flipt-variant-enabled"),
        pytest.param("features.yml", FLIPT_VARIANT % ("shop", "false"), FLIPT_VARIANT % ("shop", "true"),
                     "shop/new-checkout", id="flipt-namespaced"),
        pytest.param("features.yml", FLIPT_BOOLEAN % ("false", 10), FLIPT_BOOLEAN % ("false", 60), "new-checkout",
                     id="flipt-boolean-rollouts-serve-whatever-enabled-says"),
        pytest.param("flags/goff.yaml", GOFF_YAML % '"off"', GOFF_YAML % '"on"', "new-checkout",
                     id="goff-yaml-default-changed"),
        pytest.param("flags/goff.json", GOFF_PERCENT % (90, 10), GOFF_PERCENT % (50, 50), "new-checkout",
                     id="goff-json-percentage-raised"),
        pytest.param("flags/goff.toml", GOFF_TOML % "true", GOFF_TOML % "false", "new-checkout",
                     id="goff-toml-enabled"),
        pytest.param("flags/goff.yaml", None, GOFF_SCHEDULED, "new-checkout", id="goff-scheduled-step-turns-it-on"),
        pytest.param("flags/goff.yaml", None, GOFF_PROGRESSIVE, "new-checkout", id="goff-progressive-rollout"),
        pytest.param("flags/goff.yaml", GOFF_LEGACY % 0, GOFF_LEGACY % 30, "new-checkout", id="goff-legacy-format"),
    ],
)
def test_the_off_edit_applied_and_judged_again_leaves_no_activation(
    path: str, before: str | None, after: str, flag: str
) -> None:
    base = {path: before} if before is not None else {}
    activated = activations_of(flag, make_context(head={path: after}, base=base))
    assert activated, "the scenario must activate the flag"

    notice = build_notice(_verdict(activated), make_context(head={path: after}, base=base))
    (step,) = [s for _, s in notice.rollback.steps if s.edit is not None]
    assert step.edit is not None
    assert edit_lines(render_text(notice)) == [step.edit.text]

    documents, _ = decode(path, after.encode())
    edited = serialize(path, apply_edit(documents, step.edit))
    assert activations_of(flag, make_context(head={path: edited}, base=base)) == []


@pytest.mark.parametrize(
    ("path", "text", "written"),
    [
        pytest.param("flags/flags.json", FLAGD_JSON % "ENABLED", '"state": "DISABLED"', id="flagd-json"),
        pytest.param("flags/flags.yaml", FLAGD_YAML % (1, 1), "state: DISABLED", id="flagd-yaml"),
        pytest.param("features.yml", FLIPT_VARIANT % ("default", "true"), "enabled: false", id="flipt-yaml"),
        pytest.param("flags/goff.yaml", GOFF_YAML % "on", "disable: true", id="goff-yaml"),
        pytest.param("flags/goff.json", GOFF_PERCENT % (1, 1), '"disable": true', id="goff-json"),
        pytest.param("flags/goff.toml", GOFF_TOML % "false", "disable = true", id="goff-toml"),
    ],
)
def test_the_edit_is_written_in_the_files_own_format(path: str, text: str, written: str) -> None:
    fmt = "flagd" if "flags." in path else "flipt" if "features" in path else "go-feature-flag"
    flag = "new-checkout"
    edit = flag_off_edit(Activation(flag, path, 1, fmt, "enabled", MONDAY_11, True), FakeTree({path: text}))
    assert edit.text == written


def test_a_flag_gate_cannot_find_is_left_to_a_person_with_the_reason() -> None:
    context = make_context(head={"flags/flags.json": FLAGD_JSON % "ENABLED"})
    activation = Activation("gone\nrm -rf /", "flags/flags.json", 1, "flagd", "enabled", MONDAY_11, True)
    notice = build_notice(_verdict([activation]), context)
    (step,) = [s for _, s in notice.rollback.steps if "flag " in s.title and s.kind == "manual"]
    assert "turn it off by hand (flag 'gone\\nrm -rf /' is not in the file)" in step.title
    assert "rm -rf /\n" not in render_text(notice)


# -- helpers -------------------------------------------------------------------------------------------

def _verdict(activations: list[Activation]) -> Verdict:
    return Verdict(outcome=Outcome.PASS, findings=(), activations=tuple(activations))


def activations_of(flag: str, context: Any) -> list[Activation]:
    return [a for a in evaluate(context, default_policy()).activations if a.flag == flag]


def serialize(path: str, documents: list[Any]) -> str:
    plain = [_plain(d) for d in documents]
    if path.endswith(".json"):
        (document,) = plain
        return json.dumps(document, indent=2)
    if path.endswith(".toml"):
        (document,) = plain
        return tomli_w.dumps(document)
    return yaml.safe_dump_all(plain, sort_keys=False)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
