"""The engine: crash isolation, levels, overrides and the verdict."""

from __future__ import annotations

import dataclasses
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import documented_service, make_context

import gate.core.checks
from gate.core.checks import REGISTRY
from gate.core.checks.base import CheckOptions, CheckSpec
from gate.core.engine import evaluate
from gate.core.models import Context, Finding, Outcome, Override, Severity
from gate.core.policy import default_policy, parse_policy

NEW_SERVICE_WITHOUT_DOCS = {"services/payments/deploy.yaml": "kind: ConfigMap\n"}


def test_every_check_module_is_registered_and_documented() -> None:
    modules = {name for _, name, _ in pkgutil.iter_modules(gate.core.checks.__path__) if name != "base"}
    registered = {spec.run.__module__.rsplit(".", 1)[-1] for spec in REGISTRY.values()}
    assert modules == registered
    for rule_id, spec in REGISTRY.items():
        assert spec.doc.startswith(rule_id + ":"), f"{rule_id}'s docstring must start with its id"
        assert len(spec.doc.splitlines()) > 3, f"{rule_id} needs user documentation in its docstring"
        assert dataclasses.is_dataclass(spec.options) and spec.options.__dataclass_params__.frozen  # type: ignore[attr-defined]
        assert spec.options.__pydantic_config__["extra"] == "forbid"


def test_clean_change_passes() -> None:
    verdict = evaluate(make_context(head=documented_service("services/payments")), default_policy())
    assert (verdict.outcome, verdict.findings) == (Outcome.PASS, ())


def test_missing_docs_fail() -> None:
    verdict = evaluate(make_context(head=NEW_SERVICE_WITHOUT_DOCS), default_policy())
    assert verdict.outcome is Outcome.FAIL
    assert [f.rule for f in verdict.blocking] == ["required-docs"]


class _CrashOptions(CheckOptions):
    pass


def _crashing(context: Context, options: _CrashOptions) -> Iterator[Finding]:
    yield Finding("required-docs", Severity.WARNING, "x", 1, "before the crash")
    raise KeyError("boom")


def test_a_crashing_check_is_an_unwaivable_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = REGISTRY["required-docs"]
    monkeypatch.setitem(REGISTRY, "required-docs", CheckSpec("required-docs", spec.options, _crashing, spec.doc, spec.order))
    override = Override("gate/override", "lead", "admin", True, "verified")
    verdict = evaluate(make_context(head=documented_service("services/a")), default_policy(), override=override)
    assert verdict.outcome is Outcome.FAIL
    internal = [f for f in verdict.findings if f.rule == "internal-error"]
    assert len(internal) == 1 and not internal[0].waived
    assert "required-docs check crashed (KeyError" in internal[0].message
    assert any(f.message == "before the crash" for f in verdict.findings)


@pytest.mark.parametrize(
    ("level", "outcome", "severity"),
    [("warning", Outcome.PASS, Severity.WARNING), ("notice", Outcome.PASS, Severity.NOTICE),
     ("error", Outcome.FAIL, Severity.ERROR)],
)
def test_level_sets_the_severity_of_a_checks_findings(level: str, outcome: Outcome, severity: Severity) -> None:
    policy = parse_policy(f"version: 1\nchecks:\n  required-docs:\n    level: {level}\n", "p.yaml")
    verdict = evaluate(make_context(head=NEW_SERVICE_WITHOUT_DOCS), policy)
    assert verdict.outcome is outcome
    assert [f.severity for f in verdict.findings if f.rule == "required-docs"] == [severity]


def test_level_error_raises_notices_too() -> None:
    from gate.core.engine import _apply_level

    notice = Finding("canary-thresholds", Severity.NOTICE, "c.yaml", 3, "unmapped metric")
    assert _apply_level(notice, Severity.ERROR).severity is Severity.ERROR
    assert _apply_level(notice, None) is notice


def test_disabled_check_does_not_run() -> None:
    policy = parse_policy("version: 1\nchecks:\n  required-docs:\n    enabled: false\n", "p.yaml")
    assert evaluate(make_context(head=NEW_SERVICE_WITHOUT_DOCS), policy).outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("override", "outcome", "waived"),
    [
        (Override("gate/override", "lead", "maintain", True, "verified"), Outcome.OVERRIDDEN, True),
        (Override("gate/override", "dev", "triage", False, "role triage may not override"), Outcome.FAIL, False),
        (None, Outcome.FAIL, False),
    ],
)
def test_override(override: Override | None, outcome: Outcome, waived: bool) -> None:
    verdict = evaluate(make_context(head=NEW_SERVICE_WITHOUT_DOCS), default_policy(), override=override)
    assert verdict.outcome is outcome
    docs = [f for f in verdict.findings if f.rule == "required-docs"]
    assert len(docs) == 1 and docs[0].waived is waived
    assert verdict.override == override
    notes = [f for f in verdict.findings if f.rule == "override"]
    assert len(notes) == (0 if override is None else 1)


def test_invalid_yaml_is_not_waivable_by_default() -> None:
    head = {**documented_service("services/a"), "services/a/deploy.yaml": "a: [\n"}
    override = Override("gate/override", "lead", "admin", True, "verified")
    verdict = evaluate(make_context(head=head), default_policy(), override=override)
    assert verdict.outcome is Outcome.FAIL
    assert [(f.rule, f.line, f.waived) for f in verdict.blocking] == [("invalid-file", 2, False)]


def test_helm_template_is_a_notice() -> None:
    template = "apiVersion: v1\nkind: ConfigMap\n{{- if .Values.enabled }}\ndata: {}\n{{- end }}\n"
    head = {**documented_service("services/a"), "services/a/templates/cm.yaml": template}
    verdict = evaluate(make_context(head=head), default_policy())
    assert verdict.outcome is Outcome.PASS
    (notice,) = [f for f in verdict.findings if f.rule == "invalid-file"]
    assert notice.severity is Severity.NOTICE and "Helm template" in notice.message


def test_ignored_paths_are_not_read() -> None:
    policy = parse_policy("version: 1\nignore: ['vendor/**']\n", "p.yaml")
    context = make_context(head={"vendor/x.yaml": "a: [\n"}, policy=policy)
    assert evaluate(context, policy).outcome is Outcome.PASS


def test_a_changed_yaml_file_that_cannot_be_read_blocks() -> None:
    # The diff says the file is at head, but reading it gives nothing: a symlink out of the repository.
    context = make_context(head=documented_service("services/a"), changed=["services/a/escape.yaml"])
    verdict = evaluate(context, default_policy())
    assert [(f.rule, f.path) for f in verdict.blocking] == [("invalid-file", "services/a/escape.yaml")]
    assert "symlink" in verdict.blocking[0].message


def test_a_file_too_large_to_judge_blocks() -> None:
    from gate.core.manifests import MAX_FILE_BYTES

    big = "a: " + "x" * (MAX_FILE_BYTES + 1) + "\n"
    verdict = evaluate(make_context(head={"k8s/bundle.yaml": big}), default_policy())
    (finding,) = verdict.blocking
    assert finding.rule == "invalid-file" and "too large to judge" in finding.message


def test_upper_case_suffixes_are_read() -> None:
    verdict = evaluate(make_context(head={"k8s/deploy.YAML": "a: [\n"}), default_policy())
    assert [f.rule for f in verdict.blocking] == ["invalid-file"]


THROWAWAY_CHECK = '''\
"""throwaway-probe: a check written only to show that one module is all a new check needs.

It reports every changed file named `probe.txt`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dataclasses import dataclass

from gate.core.checks.base import CheckOptions, Result
from gate.core.models import Context, Finding, Severity

ID = "throwaway-probe"
ORDER = 999


@dataclass(frozen=True)
class Options(CheckOptions):
    name: str = "probe.txt"
    """The file name the probe reports."""


def check(context: Context, options: Options) -> Iterator[Result]:
    for changed in context.changed():
        if changed.path.rsplit("/", 1)[-1] == options.name:
            yield Finding(ID, Severity.WARNING, changed.path, None, "a probe file changed")
'''


def test_a_new_check_module_reaches_the_registry_the_schema_and_the_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gate.core import checks, policy
    from gate.core.docs import render_checks_doc

    (tmp_path / "throwaway_probe.py").write_text(THROWAWAY_CHECK, encoding="utf-8")
    # The module lives outside gate's folder: only the package's search path is extended, as if
    # the file had been added to gate/core/checks/.
    monkeypatch.setattr(checks, "__path__", [*checks.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, "gate.core.checks.throwaway_probe", raising=False)
    registry = checks.discover(path=checks.__path__)

    assert list(registry)[-1] == "throwaway-probe"
    assert list(registry)[:-1] == list(checks.REGISTRY)
    spec = registry["throwaway-probe"]
    assert spec.summary.startswith("throwaway-probe: a check written only")

    schema = policy.schema(registry)
    block = schema["$defs"][schema["properties"]["checks"]["$ref"].rsplit("/", 1)[-1]]["properties"]
    assert "throwaway-probe" in block
    parsed = policy.policy_adapter(registry).validate_python(
        {"version": 1, "checks": {"throwaway-probe": {"name": "x.txt", "level": "error"}}}
    )
    assert parsed.checks.throwaway_probe.name == "x.txt"
    assert block["throwaway-probe"]["$ref"]

    doc = render_checks_doc(registry)
    assert "## `throwaway-probe`" in doc
    assert "| `name` | `\"probe.txt\"` | The file name the probe reports. |" in doc

    context = make_context({"a/probe.txt": "x"})
    (finding,) = spec.run(context, spec.options())
    assert (finding.rule, finding.path) == ("throwaway-probe", "a/probe.txt")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        pytest.param("ID = 'x-y'\nORDER = 1\n", "has no Options, check", id="no-options-or-check"),
        pytest.param('"""x-y: doc"""\nID = "other"\nORDER = 1\nOptions = object\ndef check(c, o): ...\n',
                     "name it after its id", id="id-not-the-module-name"),
        pytest.param('"""nothing here"""\nID = "x-y"\nORDER = 1\nOptions = object\ndef check(c, o): ...\n',
                     "docstring must start with 'x-y:'", id="docstring-not-the-docs"),
        pytest.param('"""x-y: doc"""\nfrom gate.core.checks.base import CheckOptions\nID = "x-y"\nORDER = 1\n'
                     'class Options(CheckOptions):\n    limit: int = 3\ndef check(c, o): ...\n',
                     "must be a @dataclass", id="options-not-a-dataclass-of-its-own"),
    ],
)
def test_a_check_module_that_lacks_a_part_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, problem: str
) -> None:
    from gate.core import checks

    (tmp_path / "x_y.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(checks, "__path__", [*checks.__path__, str(tmp_path)])
    try:
        with pytest.raises(TypeError, match=problem):
            checks.discover(path=checks.__path__)
    finally:
        sys.modules.pop("gate.core.checks.x_y", None)  # each case is a new module of that name
