"""The bundled example judges what the README says it judges."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO_ROOT, run_gate


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("example") / "repo"
    subprocess.run([sys.executable, str(REPO_ROOT / "examples" / "make_repo.py"), str(target)], check=True,
                   capture_output=True)
    return target


def report(example: Path, now: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run_gate("check", "--repo", str(example), "--now", now, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_example_change_is_blocked_for_the_documented_reasons(example: Path) -> None:
    code, data = report(example, "2026-11-30T11:00:00Z")
    assert code == 1
    blocking = sorted((f["rule"], f["path"], f["line"]) for f in data["findings"] if f["severity"] == "error")
    assert blocking == [
        ("consumer-min-replicas", "services/payment-consumer/deploy/hpa.yaml", 12),
        ("required-docs", "services/payments", None),
        ("runbook-format", "services/inventory/runbook.yaml", 8),
        ("runbook-format", "services/inventory/runbook.yaml", 9),
    ]
    assert {s["name"]: s["status"] for s in data["services"]} == {
        "checkout": "modified", "inventory": "modified", "payment-consumer": "modified", "payments": "added"}
    (activation,) = data["activations"]
    assert (activation["flag"], activation["format"], activation["in_window"]) == ("express-checkout", "flagd", True)


def test_example_outside_the_window_is_also_blocked_for_the_flag(example: Path) -> None:
    code, data = report(example, "2026-12-04T16:00:00Z")
    assert code == 1
    (finding,) = [f for f in data["findings"] if f["rule"] == "golden-window"]
    assert finding["path"] == "flags/checkout.flagd.json"
    assert "2026-12-07T10:00:00Z" in finding["message"]  # Friday 16:00 -> Monday 10:00
