"""Golden files: every report format for a few fixed verdicts, compared byte for byte.

A change to a report shows up here as a diff a reviewer reads. After an intended change,
regenerate with `GATE_UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py` and review
the diff of tests/golden/report/.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import MONDAY_11, judged_as, make_context

from gate import __version__
from gate.core.models import (
    INTERNAL_ERROR,
    INVALID_FILE,
    OVERRIDE,
    Activation,
    Context,
    Finding,
    Outcome,
    Override,
    PullRequest,
    Severity,
    Verdict,
)
from gate.core.report import renderer

GOLDEN = Path(__file__).resolve().parent / "golden" / "report"
UPDATE = os.environ.get("GATE_UPDATE_GOLDEN") == "1"

# Format name -> file suffix of its golden file.
SUFFIXES = {"text": "txt", "json": "json", "markdown": "md", "github": "github.log", "sarif": "sarif"}


def golden_context() -> Context:
    """A pull request touching two services and a flag file, judged on Monday 11:00 UTC."""
    head = {
        "services/payments/app.py": "print('pay')\n",
        "services/payments/runbook.yaml": "trigger: queue lag\n",
        "services/checkout/deploy/canary.yaml": "kind: Canary\n",
        "flags/checkout.flagd.json": "{}\n",
    }
    base = {"services/checkout/README.md": "# checkout\n", "flags/checkout.flagd.json": "{ }\n"}
    return make_context(
        head,
        base={**base, "services/checkout/deploy/canary.yaml": "kind: Canary # old\n"},
        pull_request=PullRequest(number=7, author="ana", title="Pay faster"),
    )


MISSING_RUNBOOK = Finding(
    rule="required-docs",
    severity=Severity.ERROR,
    path="services/payments",
    line=None,
    message="services/payments has no runbook (runbook.yaml, runbooks/ or RUNBOOK.md)",
    remedy="add services/payments/runbook.yaml: a trigger and steps, each with a check and a command",
)
BAD_RUNBOOK = Finding(
    rule="runbook-format",
    severity=Severity.ERROR,
    path="services/payments/runbook.yaml",
    line=1,
    message="the runbook has no `steps`: a runbook is a decision tree | trigger -> steps",
    remedy="add `steps:`, a list of {check, command, if_yes, if_no}",
)
OUTSIDE_WINDOW = Finding(
    rule="golden-window",
    severity=Severity.ERROR,
    path="flags/checkout.flagd.json",
    line=3,
    message="flag new-checkout is enabled at Mon 2026-11-30 14:00 UTC, after the window closes at 13:00;\n"
    "the next window opens 2026-12-01T10:00:00Z",
    remedy="merge between 10:00 and 13:00 UTC on a weekday, or schedule the activation then",
)
WEAK_CANARY = Finding(
    rule="canary-thresholds",
    severity=Severity.WARNING,
    path="services/checkout/deploy/canary.yaml",
    line=14,
    message="analysis.threshold is 8, above 5: <b>eight</b> failed checks before a rollback, 100% sure",
    remedy="set analysis.threshold: 5 or less",
)
HELM = Finding(
    rule=INVALID_FILE,
    severity=Severity.NOTICE,
    path="services/checkout/chart/templates/deploy.yaml",
    line=2,
    message="a Helm template, not YAML until rendered; gate did not judge it",
    remedy="judge the rendered manifests",
)
CRASH = Finding(
    rule=INTERNAL_ERROR,
    severity=Severity.ERROR,
    path=None,
    line=None,
    message="the alert-runbook check crashed (KeyError: 'spec', at alert_runbook.py:42); gate cannot decide, "
    "so it blocks",
    remedy="this is a bug in gate: please report it; to unblock meanwhile, disable alert-runbook in the policy",
)

IN_WINDOW = Activation(
    flag="dark-mode",
    path="flags/checkout.flagd.json",
    line=12,
    format="flagd",
    change="rollout-raised",
    at=MONDAY_11,
    in_window=True,
    detail="rollout of 'on' 10% -> 50%",
)
LATE = Activation(
    flag="new-checkout",
    path="flags/checkout.flagd.json",
    line=3,
    format="flagd",
    change="enabled",
    at=datetime(2026, 11, 30, 14, 0, tzinfo=UTC),
    in_window=False,
)

ACCEPTED = Override(
    label="gate/override",
    actor="mia",
    role="maintain",
    accepted=True,
    reason="applied by mia (maintain), not the author, after the last push",
)
REJECTED = Override(
    label="gate/override",
    actor="tom",
    role="triage",
    accepted=False,
    reason="tom's role is triage; only admin or maintain may override",
)


def waived(finding: Finding) -> Finding:
    return Finding(finding.rule, finding.severity, finding.path, finding.line, finding.message, finding.remedy, True)


VERDICTS: dict[str, Callable[[], Verdict]] = {
    "pass": lambda: Verdict(outcome=Outcome.PASS, findings=(HELM,), activations=(IN_WINDOW,)),
    # Accepted override, yet a crash no override can waive still blocks.
    "fail": lambda: Verdict(
        outcome=Outcome.FAIL,
        findings=(
            CRASH,
            waived(MISSING_RUNBOOK),
            waived(OUTSIDE_WINDOW),
            waived(BAD_RUNBOOK),
            WEAK_CANARY,
            HELM,
            Finding(OVERRIDE, Severity.NOTICE, None, None, "override by mia (maintain) accepted: 3 blocking "
                    "findings waived and recorded"),
        ),
        activations=(IN_WINDOW, LATE),
        override=ACCEPTED,
    ),
    "overridden": lambda: Verdict(
        outcome=Outcome.OVERRIDDEN,
        findings=(
            waived(MISSING_RUNBOOK),
            waived(OUTSIDE_WINDOW),
            Finding(OVERRIDE, Severity.NOTICE, None, None, "override by mia (maintain) accepted: 2 blocking "
                    "findings waived and recorded"),
        ),
        activations=(LATE,),
        override=ACCEPTED,
    ),
    "rejected-override": lambda: Verdict(
        outcome=Outcome.FAIL,
        findings=(
            MISSING_RUNBOOK,
            OUTSIDE_WINDOW,
            Finding(
                OVERRIDE,
                Severity.WARNING,
                None,
                None,
                f"the label gate/override was not accepted as an override: {REJECTED.reason}",
                "ask someone with one of the roles admin, maintain who is not the author to apply the label "
                "after the last push",
            ),
        ),
        activations=(LATE,),
        override=REJECTED,
    ),
}


def stable(fmt: str, report: str) -> str:
    """The report without what other changes legitimately move: gate's version, and the rules'
    documentation in SARIF (the checks' docstrings; tests/test_report_sarif.py checks those)."""
    if fmt == "sarif":
        document = json.loads(report)
        driver = document["runs"][0]["tool"]["driver"]
        driver["rules"] = [rule["id"] for rule in driver["rules"]]
        driver["semanticVersion"] = driver["version"] = "VERSION"
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return report.replace(f"gate {__version__}", "gate VERSION")


@pytest.mark.parametrize("fmt", sorted(SUFFIXES))
@pytest.mark.parametrize("case", sorted(VERDICTS))
def test_report_matches_golden_file(case: str, fmt: str) -> None:
    report = stable(fmt, renderer(fmt)(judged_as(VERDICTS[case](), golden_context())))
    golden = GOLDEN / f"{case}.{SUFFIXES[fmt]}"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(report, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run with GATE_UPDATE_GOLDEN=1 to create it"
    assert report == golden.read_text(encoding="utf-8"), (
        f"{fmt} report of {case!r} differs from {golden.name}; if intended, regenerate with GATE_UPDATE_GOLDEN=1"
    )


def test_every_golden_file_belongs_to_a_case() -> None:
    """A renamed case or format must not leave a stale golden file behind."""
    expected = {f"{case}.{suffix}" for case in VERDICTS for suffix in SUFFIXES.values()}
    assert {p.name for p in GOLDEN.iterdir()} == expected
