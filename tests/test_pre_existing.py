"""Judge what the change introduces: findings about objects a change leaves as they were are
pre-existing (a notice by default, the policy's `pre_existing` severity), never blocking by default.
New and changed objects are judged in full."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SEED_CANARY, GitRepo, judged_as, make_context, run_gate

from gate.core.engine import evaluate
from gate.core.models import Outcome, Severity
from gate.core.policy import default_policy, parse_policy
from gate.core.report import github, sarif, text
from gate.core.report import json as json_report


def rules(*alerts: str) -> str:
    body = "".join(alerts)
    return f"groups:\n- name: payments\n  rules:\n{body}"


def alert(name: str, runbook: str | None = None, expr: str = "up == 0") -> str:
    annotations = f"    annotations:\n      runbook_url: {runbook}\n" if runbook else ""
    return f"  - alert: {name}\n    expr: {expr}\n{annotations}"


OLD_A, OLD_B = alert("QueueLag"), alert("ConsumerDown")
THIRD = alert("StripeErrors", "https://runbooks.example.com/stripe")
THIRD_EDITED = alert("StripeErrors", "https://runbooks.example.com/stripe", expr="rate(errors[5m]) > 1")

WEAK_CANARY = SEED_CANARY.replace("name: checkout-service\n  namespace", "name: legacy\n  namespace").replace(
    "threshold: 5", "threshold: 20"
)
STRICT_EDITED = SEED_CANARY.replace("stepWeight: 10", "stepWeight: 5")

HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: payment-consumer
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: payment-consumer}
  minReplicas: 1
  maxReplicas: 10
"""
WORKER = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger-worker{labels}
spec:
  replicas: 1
"""
CRITICAL_LABEL = "\n  labels:\n    critical: \"true\""


def judge(base: dict[str, str], head: dict[str, str], policy_text: str | None = None):  # type: ignore[no-untyped-def]
    policy = parse_policy(policy_text, "test.yaml") if policy_text else default_policy()
    context = make_context(head=head, base=base, policy=policy)
    return context, evaluate(context, policy)


# (id, base files, head files, expected (rule, severity, pre_existing) of each finding, outcome)
CASES = [
    pytest.param(
        {"deploy/rules.yaml": rules(OLD_A, OLD_B, THIRD)},
        {"deploy/rules.yaml": rules(OLD_A, OLD_B, THIRD_EDITED)},
        [("alert-runbook", Severity.NOTICE, True)] * 2, Outcome.PASS,
        id="an-edited-alert-beside-two-old-ones-without-runbooks",
    ),
    pytest.param(
        {"deploy/rules.yaml": rules(OLD_A, OLD_B, THIRD)},
        {"deploy/rules.yaml": rules(OLD_A, OLD_B, THIRD, alert("NewAlert"))},
        [("alert-runbook", Severity.ERROR, False)] + [("alert-runbook", Severity.NOTICE, True)] * 2, Outcome.FAIL,
        id="a-new-alert-without-a-runbook-blocks",
    ),
    pytest.param(
        {"deploy/rules.yaml": rules(OLD_A, OLD_B)},
        {"deploy/rules.yaml": rules(OLD_A, alert("ConsumerDown", expr="absent(up)"))},
        [("alert-runbook", Severity.ERROR, False), ("alert-runbook", Severity.NOTICE, True)], Outcome.FAIL,
        id="an-edited-alert-without-a-runbook-is-judged-in-full",
    ),
    pytest.param(
        {"deploy/rules.yaml": rules(alert("QueueLag", "runbooks/lag.md")), "runbooks/lag.md": "# lag\n"},
        {"deploy/rules.yaml": rules(alert("QueueLag", "runbooks/lag.md"), THIRD), "runbooks/lag.md": "# lag\n"},
        [], Outcome.PASS,
        id="an-unchanged-alert-whose-runbook-exists",
    ),
    pytest.param(
        {"deploy/rules.yaml": rules(alert("QueueLag", "runbooks/lag.md"), THIRD), "runbooks/lag.md": "# lag\n"},
        {"deploy/rules.yaml": rules(alert("QueueLag", "runbooks/lag.md"), THIRD_EDITED)},
        [("alert-runbook", Severity.ERROR, False)], Outcome.FAIL,
        id="the-change-deletes-the-runbook-an-unchanged-alert-links",
    ),
    pytest.param(
        {"deploy/rules.yaml": rules(alert("QueueLag", "runbooks/lag.md"), THIRD)},
        {"deploy/rules.yaml": rules(alert("QueueLag", "runbooks/lag.md"), THIRD_EDITED)},
        [("alert-runbook", Severity.NOTICE, True)], Outcome.PASS,
        id="an-unchanged-alert-whose-runbook-never-existed",
    ),
    pytest.param(
        {"deploy/canaries.yaml": f"{SEED_CANARY}---\n{WEAK_CANARY}"},
        {"deploy/canaries.yaml": f"{STRICT_EDITED}---\n{WEAK_CANARY}"},
        [("canary-thresholds", Severity.NOTICE, True)], Outcome.PASS,
        id="an-edited-strict-canary-beside-an-old-weak-one",
    ),
    pytest.param(
        {"deploy/canaries.yaml": f"{SEED_CANARY}---\n{WEAK_CANARY}"},
        {"deploy/canaries.yaml": f"{SEED_CANARY}---\n{WEAK_CANARY.replace('interval: 1m', 'interval: 30s', 1)}"},
        [("canary-thresholds", Severity.ERROR, False)], Outcome.FAIL,
        id="an-edited-weak-canary-is-judged-in-full",
    ),
    pytest.param(
        {},
        {"deploy/canaries.yaml": f"{SEED_CANARY}---\n{WEAK_CANARY}"},
        [("canary-thresholds", Severity.ERROR, False)], Outcome.FAIL,
        id="a-new-file-holds-nothing-pre-existing",
    ),
    pytest.param(
        {"deploy/hpa.yaml": HPA, "deploy/worker.yaml": WORKER.format(labels="")},
        {"deploy/hpa.yaml": HPA + "---\n" + WORKER.format(labels="").replace("ledger-worker", "other")},
        [("consumer-min-replicas", Severity.NOTICE, True)], Outcome.PASS,
        id="an-old-consumer-autoscaler-in-an-edited-file",
    ),
    pytest.param(
        {"deploy/worker.yaml": WORKER.format(labels="")},
        {"deploy/worker.yaml": WORKER.format(labels=CRITICAL_LABEL)},
        [("consumer-min-replicas", Severity.ERROR, False)], Outcome.FAIL,
        id="a-deployment-made-critical-by-the-change",
    ),
    pytest.param(
        {"deploy/worker.yaml": WORKER.format(labels=CRITICAL_LABEL) + "---\n" + HPA.replace(
            "payment-consumer}", "ledger-worker}").replace("minReplicas: 1", "minReplicas: 2")},
        {"deploy/worker.yaml": WORKER.format(labels=CRITICAL_LABEL)},
        [("consumer-min-replicas", Severity.ERROR, False)], Outcome.FAIL,
        id="the-change-removes-the-autoscaler-of-an-unchanged-deployment",
    ),
]


@pytest.mark.parametrize(("base", "head", "expected", "outcome"), CASES)
def test_pre_existing_findings(base: dict[str, str], head: dict[str, str],
                               expected: list[tuple[str, Severity, bool]], outcome: Outcome) -> None:
    _, verdict = judge(base, head)
    assert sorted((f.rule, f.severity, f.pre_existing) for f in verdict.findings) == sorted(expected)
    assert verdict.outcome is outcome


@pytest.mark.parametrize(("severity", "outcome"), [("warning", Outcome.PASS), ("error", Outcome.FAIL)])
def test_the_policy_chooses_the_severity_of_pre_existing_findings(severity: str, outcome: Outcome) -> None:
    base = {"deploy/rules.yaml": rules(OLD_A, THIRD)}
    head = {"deploy/rules.yaml": rules(OLD_A, THIRD_EDITED)}
    _, verdict = judge(base, head, f"version: 1\npre_existing: {severity}\n")
    (finding,) = verdict.findings
    assert (finding.severity, finding.pre_existing, verdict.outcome) == (Severity(severity), True, outcome)


def test_every_format_says_a_finding_is_pre_existing() -> None:
    context, verdict = judge({"deploy/rules.yaml": rules(OLD_A, THIRD)}, {"deploy/rules.yaml": rules(OLD_A, THIRD_EDITED)})
    judgement = judged_as(verdict, context)
    (finding,) = json.loads(json_report.render(judgement))["findings"]
    assert finding["pre_existing"] is True and finding["severity"] == "notice"
    (result,) = json.loads(sarif.render(judgement))["runs"][0]["results"]
    assert result["baselineState"] == "unchanged"
    assert "[pre-existing]" in text.render(judgement)
    assert "title=alert-runbook (pre-existing)::" in github.render(judgement)


def test_a_finding_about_new_work_carries_no_pre_existing_key() -> None:
    context, verdict = judge({}, {"deploy/rules.yaml": rules(OLD_A)})
    (finding,) = json.loads(json_report.render(judged_as(verdict, context)))["findings"]
    assert "pre_existing" not in finding


def test_adopting_gate_on_a_repository_with_history(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    base = repo.commit({"deploy/rules.yaml": rules(OLD_A, OLD_B, THIRD)}, "the rules as they were")
    head = repo.commit({"deploy/rules.yaml": rules(OLD_A, OLD_B, THIRD_EDITED)}, "tune StripeErrors")

    result = run_gate("check", "--repo", str(repo.path), "--base", base, "--head", head, "--format", "json",
                      "--now", "2026-11-30T11:00:00Z")

    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert [(f["severity"], f.get("pre_existing")) for f in report["findings"]] == [("notice", True)] * 2
