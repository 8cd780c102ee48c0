"""The Kubernetes checks through the real CLI on a real git repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import SEED_CANARY, GitRepo, documented_service, run_gate

NOW = "2026-11-30T11:00:00Z"
DATA = Path(__file__).resolve().parent.parent / "data" / "k8s"


def check(repo: GitRepo, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_gate("check", "--repo", str(repo.path), "--now", NOW, "--format", "json", *args)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return result.returncode, report


def located(report: dict[str, Any]) -> list[tuple[str, str, int, str]]:
    return sorted((f["rule"], f["path"], f["line"], f["severity"]) for f in report["findings"])


def test_loose_manifests_block_with_their_lines_and_strict_ones_pass(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "shop")
    repo.commit({**documented_service("services/checkout"), **documented_service("services/payment")}, "Services")
    alerts = (DATA / "alerts-rule.yaml").read_text()
    repo.commit(
        {
            "services/checkout/deploy/canary.yaml": SEED_CANARY.replace("stepWeight: 10", "stepWeight: 20"),
            "services/payment/deploy/hpa.yaml": (DATA / "payment-consumer-hpa.yaml").read_text(),
            "services/payment/deploy/alerts.yaml": alerts,
        },
        "Deploy manifests",
    )
    code, report = check(repo)
    assert code == 1 and report["verdict"] == "fail"
    assert located(report) == [
        ("alert-runbook", "services/payment/deploy/alerts.yaml", 19, "error"),
        ("canary-thresholds", "services/checkout/deploy/canary.yaml", 16, "error"),
        ("consumer-min-replicas", "services/payment/deploy/hpa.yaml", 11, "error"),
    ]
    assert all(f["remedy"] for f in report["findings"])

    fixed_alerts = alerts.replace(
        "summary: No payment consumer is running",
        "summary: No payment consumer is running\n        runbook_url: ../runbook.yaml",
    )
    repo.commit(
        {
            "services/checkout/deploy/canary.yaml": SEED_CANARY,
            "services/payment/deploy/hpa.yaml": (DATA / "payment-consumer-hpa.yaml").read_text().replace(
                "minReplicas: 1", "minReplicas: 2"
            ),
            "services/payment/deploy/alerts.yaml": fixed_alerts,
        },
        "Tighten the manifests",
    )
    code, report = check(repo, "--base", "HEAD~2")
    assert (code, report["verdict"], report["findings"]) == (0, "pass", [])


def test_a_runbook_link_to_a_file_the_change_deletes_blocks(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "shop")
    alerts = (DATA / "alerts-rule.yaml").read_text().split("    - alert: PaymentConsumersDown")[0]
    repo.commit({**documented_service("services/payment"), "services/payment/deploy/alerts.yaml": alerts}, "Start")
    repo.commit(
        {
            "services/payment/runbook.yaml": None,
            "services/payment/RUNBOOK.md": "# Payment queue lag\n\n1. Are consumers running?\n",
            "services/payment/deploy/alerts.yaml": alerts + "# the runbook moved\n",
        },
        "Move the runbook",
    )
    code, report = check(repo)
    assert code == 1
    (finding,) = [f for f in report["findings"] if f["rule"] == "alert-runbook"]
    assert (finding["path"], finding["line"]) == ("services/payment/deploy/alerts.yaml", 18)
    assert "services/payment/runbook.yaml" in finding["message"]


DEPLOYMENT = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: refund-consumer\nspec:\n  replicas: {replicas}\n"
    "  selector:\n    matchLabels: {{app: refund-consumer}}\n"
)
HPA = (
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: refund-consumer\nspec:\n"
    "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: refund-consumer}\n"
    "  minReplicas: 2\n  maxReplicas: 10\n"
)


def test_a_consumer_whose_hpa_sits_unchanged_beside_it_passes_and_one_elsewhere_does_not(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "shop")
    deploy = "services/payment/deploy"
    repo.commit({**documented_service("services/payment"), f"{deploy}/hpa.yaml": HPA,
                 f"{deploy}/deployment.yaml": DEPLOYMENT.format(replicas=3)}, "Consumer with its HPA")
    repo.commit({f"{deploy}/deployment.yaml": DEPLOYMENT.format(replicas=1)}, "Replicas left to the HPA")
    code, report = check(repo)
    assert (code, report["findings"]) == (0, [])
    repo.commit({f"{deploy}/hpa.yaml": None, "services/payment/overlays/prod/hpa.yaml": HPA}, "HPA to an overlay")
    repo.commit({f"{deploy}/deployment.yaml": DEPLOYMENT.format(replicas=0)}, "Replicas 0")
    code, report = check(repo)
    assert code == 1
    assert located(report) == [("consumer-min-replicas", f"{deploy}/deployment.yaml", 6, "error")]
