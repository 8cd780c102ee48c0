"""Alternative A proved by a round trip: the revert the notice prints, pasted into a shell in the
repository, gives back the judged base's tree exactly (one commit, a merge, a push of several)."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import GitRepo, documented_service, run_gate

NOW = "2026-11-30T11:00:00Z"


def notice_of(repo: GitRepo, *args: str) -> dict[str, Any]:
    result = run_gate("notify", "--repo", str(repo.path), "--dry-run", "--now", NOW, *args,
                      env={"GITHUB_REPOSITORY": "acme/shop"})
    assert result.returncode == 0, result.stderr
    start = result.stdout.index("--- json (sqs, lambda) ---\n") + len("--- json (sqs, lambda) ---\n")
    end = result.stdout.index("\n--- envelope ---")
    notice: dict[str, Any] = json.loads(result.stdout[start:end])["notice"]
    return notice


def paste_the_revert(repo: GitRepo, notice: dict[str, Any]) -> list[list[str]]:
    """Run each command of alternative A as a person would: the line, in a shell, in the clone."""
    ran = []
    for step in notice["rollback"]:
        if step["alternative"] != "revert" or "argv" not in step:
            continue
        flat = [token for index, stage in enumerate(step["argv"]) for token in (["|"] if index else []) + stage]
        assert shlex.split(step["code"]) == flat
        subprocess.run(["/bin/sh", "-c", f"set -e; {step['code']}"], cwd=repo.path, check=True, timeout=60,
                       capture_output=True)
        ran.append(flat)
    return ran


def tree(repo: GitRepo, rev: str) -> str:
    return repo.git("rev-parse", f"{rev}^{{tree}}")


def change_everything(repo: GitRepo) -> dict[str, str | bytes | None]:
    return {
        "services/api/deploy.yaml": "kind: Deployment\nreplicas: 5\n",  # modified
        "services/api/new.yaml": "added: true\n",  # added
        "services/api/old.yaml": None,  # deleted
        "services/api/logo.bin": bytes(range(256)),  # binary
    }


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "shop")
    repo.commit({**documented_service("services/api"), "services/api/deploy.yaml": "kind: Deployment\nreplicas: 2\n",
                 "services/api/old.yaml": "old: true\n", "services/api/logo.bin": b"\x00\x01"}, "Start")
    return repo


def test_one_commit_reverted_gives_back_the_base_tree(repo: GitRepo) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.commit(change_everything(repo), "Change everything")
    ran = paste_the_revert(repo, notice_of(repo))
    assert ran == [["git", "revert", "--no-edit", repo.git("rev-parse", "HEAD~1")]]
    assert tree(repo, "HEAD") == tree(repo, base)


def test_a_merge_commit_is_reverted_against_the_branch_it_landed_on(repo: GitRepo) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"services/api/deploy.yaml": "kind: Deployment\nreplicas: 3\n"}, "Feature one")
    repo.commit({"services/api/new.yaml": "added: true\n"}, "Feature two")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    notice = notice_of(repo)
    assert notice["commit"]["merge"] is True
    ran = paste_the_revert(repo, notice)
    assert ran[0][:5] == ["git", "revert", "--no-edit", "-m", "1"]
    assert tree(repo, "HEAD") == tree(repo, base)


def test_a_push_of_several_commits_is_undone_in_one_change(repo: GitRepo) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.commit({"services/api/deploy.yaml": "kind: Deployment\nreplicas: 3\n"}, "One")
    repo.git("checkout", "-q", "-b", "side")
    repo.commit({"services/api/side.yaml": "side: true\n"}, "Side")
    repo.git("checkout", "-q", "main")
    repo.commit(change_everything(repo), "Two")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
    notice = notice_of(repo, "--base", base)
    ran = paste_the_revert(repo, notice)
    assert [argv[:2] for argv in ran] == [["git", "diff"], ["git", "commit"]]
    assert tree(repo, "HEAD") == tree(repo, base)


def test_the_revert_still_applies_after_later_commits_and_keeps_them(repo: GitRepo) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.commit(change_everything(repo), "Change everything")
    notice = notice_of(repo)
    repo.commit({"services/other/README.md": "# later\n"}, "A later, unrelated commit")
    paste_the_revert(repo, notice)
    assert repo.git("show", "HEAD:services/other/README.md") == "# later"
    assert repo.git("diff", "--stat", base, "HEAD", "--", "services/api") == ""
