"""Run the checks, isolate crashes, apply levels and the override, and reach the verdict.

gate fails closed: a file it must read but cannot parse is an `invalid-file` error, and a check
that crashes is an `internal-error` that no override can waive. The engine never raises for a
check's sake; the verdict always comes out, with the reason in it.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Iterable

from gate.core.checks import REGISTRY
from gate.core.checks.base import Result
from gate.core.manifests import YAML_SUFFIXES
from gate.core.models import (
    INTERNAL_ERROR,
    INVALID_FILE,
    OVERRIDE,
    Activation,
    Context,
    Finding,
    Outcome,
    Override,
    Severity,
    Verdict,
    internal_error,
)
from gate.core.policy import Policy


def evaluate(
    context: Context,
    policy: Policy,
    override: Override | None = None,
    preliminary: tuple[Finding, ...] | list[Finding] = (),
    rules: Collection[str] | None = None,
) -> Verdict:
    """The whole judgement of a change: reading, every enabled check, then the override.

    `rules` narrows the checks run to those ids (the golden-window status needs that check alone);
    None runs every enabled check.
    """
    findings: list[Finding] = [*preliminary, *read_changed_yaml(context)]
    activations: list[Activation] = []
    for rule_id, spec in REGISTRY.items():
        if not policy.enabled(rule_id) or (rules is not None and rule_id not in rules):
            continue
        options = policy.options(rule_id)
        produced = _run_isolated(rule_id, functools.partial(spec.run, context, options))
        level = policy.level(rule_id)
        for item in produced:
            if isinstance(item, Activation):
                activations.append(item)
            elif item.pre_existing:
                # Judge what the change introduces: a problem the change did not bring is reported at
                # the policy's chosen severity, so a team can adopt gate without fixing history first.
                findings.append(dataclasses.replace(item, severity=policy.pre_existing))
            else:
                findings.append(_apply_level(item, level) if item.rule == rule_id else item)
    return judge(findings, activations, override, policy)


def read_changed_yaml(context: Context) -> list[Finding]:
    """Every changed YAML file at head must parse: an error names the file and line (fail closed)."""
    findings = []
    for changed in context.changed(suffixes=YAML_SUFFIXES):
        manifest = context.manifest(changed.path)
        if manifest.ok:
            continue
        if manifest.missing:
            # The change says the file is there, yet it cannot be read: a symlink that leaves the
            # repository or loops. Judging nothing would be a silent pass.
            severity, message, remedy = (
                Severity.ERROR,
                "cannot be read: a symlink that leaves the repository or loops; gate reads only files "
                "inside the repository",
                "replace the symlink with the file, or point it at a file inside the repository",
            )
        elif manifest.is_template:
            severity, message, remedy = (
                Severity.NOTICE,
                f"a Helm template, not YAML until rendered; gate did not judge it ({manifest.error})",
                "judge the rendered manifests (helm template ... > rendered.yaml) or list the chart's "
                "templates under `ignore` in the policy",
            )
        else:
            severity, message, remedy = (
                Severity.ERROR,
                f"cannot be parsed as YAML: {manifest.error}",
                "fix the syntax (yamllint shows the exact spot), or add the path to the policy's `ignore` "
                "if gate should not read it",
            )
        findings.append(Finding(INVALID_FILE, severity, changed.path, manifest.error_line, message, remedy))
    return findings


def _run_isolated(rule_id: str, run: Callable[[], Iterable[Result]]) -> list[Result]:
    """Run a check; a crash keeps what it yielded before and adds an unwaivable error."""
    produced: list[Result] = []
    try:
        for item in run():  # one by one, so what came before a crash is kept
            produced.append(item)
    except Exception as exc:
        import traceback  # only when a check crashed

        where = traceback.extract_tb(exc.__traceback__)[-1]
        at = f"{where.filename.rsplit('/', 1)[-1]}:{where.lineno}"
        produced.append(
            internal_error(
                f"the {rule_id} check crashed",
                exc,
                "gate cannot decide, so it blocks",
                f"to unblock meanwhile, disable {rule_id} in the policy",
                at=at,
            )
        )
    return produced


def _apply_level(finding: Finding, level: Severity | None) -> Finding:
    """`level` raises or lowers the severity of every finding of its check (DESIGN §4)."""
    return finding if level is None else dataclasses.replace(finding, severity=level)


def judge(
    findings: list[Finding], activations: list[Activation], override: Override | None, policy: Policy
) -> Verdict:
    # The policy refuses to list these; excluded here too, since waiving them would pass what was not judged.
    waivable = set(policy.override.waivable) - {INTERNAL_ERROR, INVALID_FILE}
    if override is not None and override.accepted:
        findings = [
            dataclasses.replace(f, waived=True)
            if f.severity is Severity.ERROR and f.rule in waivable
            else f
            for f in findings
        ]
        waived = sum(1 for f in findings if f.waived)
        findings.append(
            Finding(
                rule=OVERRIDE,
                severity=Severity.NOTICE,
                path=None,
                line=None,
                message=f"override by {override.actor or 'unknown'} ({override.role or 'no role'}) accepted: "
                f"{waived} blocking finding{'s' if waived != 1 else ''} waived and recorded",
            )
        )
    elif override is not None:
        findings.append(
            Finding(
                rule=OVERRIDE,
                severity=Severity.WARNING,
                path=None,
                line=None,
                message=f"the label {override.label} was not accepted as an override: {override.reason}",
                remedy="ask someone with one of the roles "
                f"{', '.join(policy.override.roles)} who is not the author to apply the label after the last push",
            )
        )
    findings.sort(key=_order)
    blocking = any(f.severity is Severity.ERROR and not f.waived for f in findings)
    any_waived = any(f.waived for f in findings)
    outcome = Outcome.FAIL if blocking else Outcome.OVERRIDDEN if any_waived else Outcome.PASS
    activations.sort(key=lambda a: (a.path, a.line or 0, a.flag, a.at))
    return Verdict(outcome=outcome, findings=tuple(findings), activations=tuple(activations), override=override)


def _order(finding: Finding) -> tuple[int, str, int, str, str]:
    return (-finding.severity.rank, finding.path or "", finding.line or 0, finding.rule, finding.message)
