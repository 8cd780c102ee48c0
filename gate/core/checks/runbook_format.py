"""runbook-format: a YAML runbook is a decision tree, not a novel.

"If metric X is above Y, do Z." A runbook file the change adds or edits (`runbook.yaml`,
`runbook.yml`, or any YAML file in a `runbooks/` folder) must have:

- `trigger`: the alert condition that sends someone here (a non-empty string);
- `steps`: a non-empty list; each step has a `check` (the question) and a `command` or an
  `action` (what to run or do), and its branches as strings: `if_yes`, `if_no`, or
  `if_<status>` such as `if_5xx` or `if_200`.

A `runbook` or `name` key is optional. The model is the payment-queue-lag runbook:

    runbook: payment-queue-lag
    trigger: sqs_queue_depth > 10000 for 5m
    steps:
      - check: "Are consumers running?"
        command: "kubectl get pods -l app=payment-consumer -n production"
        if_no: "kubectl rollout restart deployment/payment-consumer -n production"
        if_yes: "continue"

Each problem is reported at its line. A file that is not valid YAML is an `invalid-file` error
instead. A YAML stream may hold several runbooks, one per document.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gate.core.checks.base import CheckOptions, Result
from gate.core.models import Context, Finding, Severity
from gate.core.yamlio import YList, YMap

ID = "runbook-format"
ORDER = 20

_REMEDY = (
    "write the runbook as a decision tree: `trigger:` the alert condition, then `steps:`, each with "
    "`check:` the question, `command:` or `action:`, and `if_yes:`/`if_no:` (or `if_<status>:`) branches as strings"
)


@dataclass(frozen=True)
class Options(CheckOptions):
    """Which YAML files are runbooks, and what each step needs."""

    file_names: tuple[str, ...] = ("runbook.yaml", "runbook.yml")
    """Names of runbook files."""
    folders: tuple[str, ...] = ("runbooks",)
    """Folders whose YAML files are runbooks."""
    action_keys: tuple[str, ...] = ("command", "action")
    """Keys of which each step needs at least one."""


def is_runbook(path: str, options: Options) -> bool:
    folder, name = posixpath.split(path)
    if name in options.file_names:
        return True
    return posixpath.basename(folder) in options.folders and name.endswith((".yaml", ".yml"))


def check(context: Context, options: Options) -> Iterator[Result]:
    for changed, manifest in context.changed_manifests():
        if not is_runbook(changed.path, options):
            continue
        if not manifest.documents:
            yield _finding(changed.path, 1, "the runbook is empty")
            continue
        for document in manifest.documents:
            yield from _judge(changed.path, document.data, options)


def _judge(path: str, runbook: YMap, options: Options) -> Iterator[Finding]:
    trigger = runbook.get("trigger")
    if trigger is None:
        yield _finding(path, runbook.line, "no `trigger`: say which alert condition sends someone to this runbook")
    elif not _text(trigger):
        yield _finding(path, runbook.line_of("trigger"), "`trigger` must be a non-empty string (the alert condition)")

    steps = runbook.get("steps")
    if steps is None:
        yield _finding(path, runbook.line, "no `steps`: a runbook is a decision tree of steps")
        return
    if not isinstance(steps, YList) or not steps:
        yield _finding(path, runbook.line_of("steps"), "`steps` must be a non-empty list of steps")
        return
    for index, step in enumerate(steps):
        number = index + 1
        line = steps.line_of(index)
        if not isinstance(step, YMap):
            yield _finding(path, line, f"step {number} must be a mapping with `check` and `command` or `action`")
            continue
        if not _text(step.get("check")):
            yield _finding(path, line, f"step {number} has no `check`: the question this step answers")
        if not any(_text(step.get(key)) for key in options.action_keys):
            keys = " or ".join(f"`{key}`" for key in options.action_keys)
            yield _finding(path, line, f"step {number} has no {keys}: what to run or do")
        for key, value in step.items():
            if isinstance(key, str) and key.startswith("if_") and not _text(value):
                yield _finding(
                    path,
                    step.line_of(key),
                    f"step {number}: branch `{key}` must be a string (a command, `continue`, or an instruction)",
                )


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _finding(path: str, line: int | None, message: str) -> Finding:
    return Finding(rule=ID, severity=Severity.ERROR, path=path, line=line, message=message, remedy=_REMEDY)
