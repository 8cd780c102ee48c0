"""Benchmarks of `gate check` (run with scripts/bench.sh; in the test suite each runs once).

The pairs to compare: the same one-file change in a 50-service and a 1000-service repository
(should cost the same), and a 1-file and a 40-file change in the same repository (should grow).
Each round judges in-process with the real git edge, so git's own cost is included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import SEED_CANARY, GitRepo, documented_service

from gate.adapters.git import Git
from gate.core import judge as core
from gate.core.request import Refs, Request

NOW = datetime(2026, 11, 30, 11, tzinfo=UTC)


def build(tmp_path: Path, services: int, changed: int) -> tuple[Path, str, str]:
    repo = GitRepo(tmp_path / f"repo-{services}-{changed}")
    files: dict[str, str | bytes | None] = {}
    for n in range(services):
        files.update(documented_service(f"services/svc-{n:04}"))
        files[f"services/svc-{n:04}/deploy/canary.yaml"] = SEED_CANARY
    base = repo.commit(files, "base")
    head = repo.commit(
        {f"services/svc-{n:04}/deploy/canary.yaml": SEED_CANARY.replace("stepWeight: 10", "stepWeight: 5")
         for n in range(changed)},
        "change",
    )
    return repo.path, base, head


def judge(path: Path, base: str, head: str) -> int:
    with Git(path) as git:
        judgement = core.judge(Request(refs=Refs(base=base, head=head), now=NOW), git)
    return len(judgement.context.files)


@pytest.mark.benchmark(group="repository size, one changed file")
@pytest.mark.parametrize("services", [50, 1000])
def test_cost_does_not_follow_repository_size(benchmark, tmp_path: Path, services: int) -> None:  # type: ignore[no-untyped-def]
    path, base, head = build(tmp_path, services, changed=1)
    assert benchmark(judge, path, base, head) == 1


@pytest.mark.benchmark(group="change size, 200-service repository")
@pytest.mark.parametrize("changed", [1, 40])
def test_cost_follows_change_size(benchmark, tmp_path: Path, changed: int) -> None:  # type: ignore[no-untyped-def]
    path, base, head = build(tmp_path, 200, changed=changed)
    assert benchmark(judge, path, base, head) == changed
