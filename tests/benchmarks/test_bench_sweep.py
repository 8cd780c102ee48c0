"""Benchmark of the golden-window sweep over 210 open pull requests (5 turn a flag on), in process,
against the fake GitHub API over HTTP (run with scripts/bench.sh; in the test suite each runs once).

The pair to compare: a checkout that holds the pull requests' heads (git only: one listing and the
status writes) and one that holds only the default branch (one `compare` request per pull request,
one `contents` request per flag file). The second pays the API's round trips, which on GitHub
itself cost far more than on loopback; both should grow with the number of pull requests, not more.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from e2e.test_window_status import DOCS, ENABLE, main_only_clone, remote
from fake_github import FakeGitHub

from gate.adapters.git import Git
from gate.adapters.github import GitHub
from gate.adapters.runner import ActionSettings
from gate.commands.action.remote import Clone
from gate.commands.action.sweep import Pacer, Sweeper, Swept

TOKEN = "ghs_benchTOKEN0123456789"
NOW = datetime(2026, 11, 30, 10, 5, tzinfo=UTC)
PULLS = {**dict.fromkeys(range(1, 6), ENABLE), **{n: {f"docs/n{n}.md": f"{n}\n", **DOCS} for n in range(6, 211)}}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(token=TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory, fake: FakeGitHub) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("sweep")
    repo = remote(tmp, fake, PULLS)
    return {"heads-in-the-clone": repo.origin.path, "heads-through-the-api": main_only_clone(tmp, repo).path}


def sweep_all(fake: FakeGitHub, workspace: Path) -> list[Swept]:
    settings = ActionSettings.from_env({"GITHUB_EVENT_NAME": "schedule", "GITHUB_REPOSITORY": fake.repository})
    with GitHub(fake.url, TOKEN, fake.repository) as github, Git(workspace) as git:
        sweeper = Sweeper(settings, Clone(git), github, NOW, pacer=Pacer(burst=10**6))
        return [sweeper.pull(pull) for pull in github.open_pulls()]


@pytest.mark.benchmark(group="sweep of 210 open pull requests")
@pytest.mark.parametrize("where", ["heads-in-the-clone", "heads-through-the-api"])
def test_sweep(benchmark, fake: FakeGitHub, workspaces: dict[str, Path], where: str) -> None:  # type: ignore[no-untyped-def]
    swept = benchmark(sweep_all, fake, workspaces[where])
    assert len(swept) == 210 and not any(s.problem for s in swept)
    assert sum(1 for s in swept if s.status is not None) == 5
