"""The benchmark (`python -m bench`) works: it builds its repositories, gate judges the change it
was built to judge, and every number it reports is there. It runs once, small; nothing here
asserts a time (docs/performance.md has the numbers)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))  # `bench` lives beside `gate`, not in the installed package

from bench import measure, monorepo


@pytest.mark.parametrize(
    ("services", "touched", "expected"),
    [
        (100, 10, [5, 15, 25, 35, 45, 55, 65, 75, 85, 95]),
        (10, 10, list(range(10))),
        (5000, 2, [1250, 3750]),
        (3, 1, [1]),
    ],
)
def test_touched_services_are_spread_over_the_repository(services: int, touched: int, expected: list[int]) -> None:
    assert monorepo.touched_indices(services, touched) == expected


def test_a_change_cannot_touch_more_services_than_there_are() -> None:
    with pytest.raises(ValueError, match="cannot touch 4 services in a repository of 3"):
        monorepo.touched_indices(3, 4)


def test_the_repository_holds_n_documented_services_and_the_change(tmp_path: Path) -> None:
    repo = monorepo.build(tmp_path / "repo", services=7, touched=5)
    listed = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", repo.base], cwd=repo.path, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(listed) == 7 * 8 + 1
    assert "services/svc-00003-consumer/deploy/autoscaler.yaml" in listed
    # K edited files (one of each kind), the new service's eight, the shared flag file.
    assert len(repo.changed) == 5 + 8 + 1
    assert set(repo.changed) == set(monorepo.change_files(7, 5))
    edited = [path.split("/", 2)[2] for path in repo.changed if not path.startswith(("flags/", "services/svc-00007"))]
    assert sorted(edited) == sorted(
        ["deploy/canary.yaml", "deploy/autoscaler.yaml", "deploy/alerts.yaml", "runbook.yaml",
         "flags/svc-00004.flagd.json"]
    )
    assert repo.activations == 2


def test_a_built_repository_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = monorepo.cached(5, 2, tmp_path)
    assert first.path.name == f"n5-k2-v{monorepo.GENERATOR_VERSION}"

    def no_rebuild(*args: object) -> None:
        raise AssertionError("rebuilt a cached repository")

    monkeypatch.setattr(monorepo, "build", no_rebuild)
    again = monorepo.cached(5, 2, tmp_path)
    assert (again.path, again.base, again.head) == (first.path, first.base, first.head)


def test_peak_memory_is_the_childs_not_the_benchmarks() -> None:
    # On Linux a forked child's ru_maxrss starts at its parent's resident size; measured straight
    # from this pytest process, `python -c pass` would report at least this process's size.
    ballast = bytearray(96 * 1024 * 1024)
    ballast[:: resource.getpagesize()] = b"\1" * len(ballast[:: resource.getpagesize()])
    launcher = measure.Launcher()
    try:
        sample = launcher.run([sys.executable, "-c", "pass"])
    finally:
        launcher.close()
    assert sample.returncode == 0
    assert 1 < sample.peak_mib < 48, sample.peak_mib
    del ballast


def test_the_benchmark_runs_once_at_100_services(tmp_path: Path) -> None:
    report = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--n", "100", "--runs", "1", "--imports", "5",
         "--cache", str(tmp_path / "cache"), "--json", str(report)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "gate/floor" in result.stdout and "slowest by own time" in result.stdout
    numbers = json.loads(report.read_text())
    row = numbers["sizes"]["100"]
    for key in ("gate_seconds", "gate_peak_mib", "floor_seconds", "floor_peak_mib", "ratio"):
        assert row[key] > 0, key
    modules = {entry["module"] for entry in numbers["imports"]}
    assert {"gate.cli", "gate.core.policy", "yaml"} <= modules
    assert "boto3" not in modules
    stages = numbers["stages"]["100"]
    assert {"check: required-docs", "check: golden-window", "check: alert-runbook", "report: json",
            "git: processes read as bytes (diff-tree, log)"} <= set(stages["seconds"])
    # The bundled default policy needs no validation: a run with it never imports pydantic.
    assert "pydantic" not in modules
    assert "import: pydantic and its dependencies (with the stdlib they load)" not in stages["seconds"]
    # A function the breakdown wraps is gone: bench/stages.py needs its new name to split that stage out.
    assert stages["unwrapped"] == []


def test_another_copy_of_gate_runs_with_its_own_import_path(tmp_path: Path) -> None:
    other = tmp_path / "other"
    (other / "gate").mkdir(parents=True)
    (other / "gate" / "__init__.py").write_text("WHERE = 'the other copy'\n")
    probe = [sys.executable, "-c", "import gate; print(gate.WHERE)"]
    assert measure.run_child(probe, other).stdout == b"the other copy\n"
    assert measure.ensure_bytecode(other) == other.resolve() / "gate"
    with pytest.raises(SystemExit, match="holds no gate package"):
        measure.ensure_bytecode(tmp_path)
