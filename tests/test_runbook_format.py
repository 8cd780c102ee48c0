"""runbook-format: one line per case, a runbook text and the (line, words) of each finding."""

from __future__ import annotations

import pytest
from helpers import SEED_RUNBOOK, make_context

from gate.core.checks import runbook_format
from gate.core.engine import evaluate
from gate.core.models import Finding
from gate.core.policy import default_policy

PATH = "services/payments/runbook.yaml"


def run(text: str, path: str = PATH) -> list[tuple[int | None, str]]:
    context = make_context(head={path: text})
    found = runbook_format.check(context, runbook_format.Options())
    return [(f.line, f.message) for f in found if isinstance(f, Finding)]


CASES: list[tuple[str, str, list[tuple[int, str]]]] = [
    ("the seed's runbook", SEED_RUNBOOK, []),
    ("name key instead of comment", "name: lag\ntrigger: t\nsteps:\n- check: c\n  action: a\n", []),
    ("no steps", "runbook: lag\ntrigger: depth > 10\n", [(1, "no `steps`")]),
    ("empty steps", "trigger: t\nsteps: []\n", [(2, "non-empty list")]),
    ("steps not a list", "trigger: t\nsteps: restart it\n", [(2, "non-empty list")]),
    ("no trigger", "steps:\n- check: c\n  command: x\n", [(1, "no `trigger`")]),
    ("blank trigger", "trigger: ''\nsteps:\n- check: c\n  command: x\n", [(1, "`trigger` must be")]),
    ("step without check", "trigger: t\nsteps:\n- check: c\n  command: x\n- command: y\n", [(5, "step 2 has no `check`")]),
    ("step without command or action", "trigger: t\nsteps:\n- check: c\n", [(3, "step 1 has no `command` or `action`")]),
    ("step is a string", "trigger: t\nsteps:\n- restart the pods\n", [(3, "step 1 must be a mapping")]),
    ("branch not a string", "trigger: t\nsteps:\n- check: c\n  command: x\n  if_no:\n    - a\n", [(5, "branch `if_no`")]),
    ("status branch fine", "trigger: t\nsteps:\n- check: c\n  command: x\n  if_5xx: open the breaker\n", []),
    ("two documents, second bad", SEED_RUNBOOK + "---\ntrigger: t\n", [(16, "no `steps`")]),
    ("empty file", "", [(1, "the runbook is empty")]),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in CASES])
def test_runbook_format(text: str, expected: list[tuple[int, str]]) -> None:
    found = run(text)
    assert len(found) == len(expected), found
    for (line, message), (want_line, words) in zip(found, expected, strict=True):
        assert line == want_line
        assert words in message


@pytest.mark.parametrize(
    ("path", "judged"),
    [
        ("services/a/runbook.yaml", True),
        ("services/a/runbook.yml", True),
        ("services/a/runbooks/lag.yaml", True),
        ("runbooks/lag.yml", True),
        ("services/a/deploy.yaml", False),
        ("services/a/runbooks/README.md", False),
    ],
)
def test_which_files_are_runbooks(path: str, judged: bool) -> None:
    assert bool(run("trigger: t\n", path=path)) is judged


def test_malformed_yaml_is_one_invalid_file_finding_not_a_format_finding() -> None:
    context = make_context(head={PATH: "trigger: [unclosed\n"})
    verdict = evaluate(context, default_policy())
    rules = [f.rule for f in verdict.findings if f.path == PATH]
    assert rules == ["invalid-file"]
