"""`gate hook`: which change it judges (the pushed range as CI sees it, or exactly what is staged)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import GitRepo, documented_service, run_gate

from gate.adapters.git import Git
from gate.commands.hook import refs_from

pytestmark = pytest.mark.e2e

UNDOCUMENTED = {"services/payments/main.py": "print('pay')\n"}


def repository(tmp_path: Path) -> tuple[GitRepo, str, str, str]:
    """main with one commit; a feature branch with two pushed-looking commits on top."""
    repo = GitRepo(tmp_path / "project")
    base = repo.commit({"README.md": "# shop\n", **documented_service("services/web")}, "start")
    repo.git("checkout", "-q", "-b", "feature")
    first = repo.commit(UNDOCUMENTED, "payments")
    second = repo.commit({"services/web/README.md": "# web\n\nThe shop's front end.\n"}, "web readme")
    return repo, base, first, second


def test_a_push_is_judged_from_the_merge_base_with_the_default_branch(tmp_path: Path) -> None:
    repo, base, first, second = repository(tmp_path)
    # The second push of the branch: pre-commit names only the new commit, CI judges the whole branch.
    environ = {"PRE_COMMIT_FROM_REF": first, "PRE_COMMIT_TO_REF": second, "PRE_COMMIT_REMOTE_NAME": "origin"}
    with Git(repo.path) as git:
        refs, what = refs_from(environ, git)
    assert (refs.base, refs.head) == (base, second)
    assert "merge-base" in what


def test_a_push_of_the_default_branch_is_judged_from_the_remote_commit(tmp_path: Path) -> None:
    repo, _base, first, second = repository(tmp_path)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "feature")
    with Git(repo.path) as git:
        refs, what = refs_from({"PRE_COMMIT_FROM_REF": first, "PRE_COMMIT_TO_REF": "main"}, git)
    assert (refs.base, refs.head, what) == (first, second, "the pushed commits")


def test_a_push_of_the_whole_history_names_only_the_branch(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "project", branch="trunk")
    head = repo.commit(UNDOCUMENTED, "first")
    with Git(repo.path) as git:
        refs, _ = refs_from({"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/trunk"}, git)
        assert (refs.base, refs.head) == (None, head)
        assert git.default_base(head) == git.empty_tree


def test_without_a_push_exactly_the_staged_changes_are_judged(tmp_path: Path) -> None:
    repo, base, _first, second = repository(tmp_path)
    repo.write({"services/web/runbook.yaml": None, "services/web/notes.txt": "unstaged\n"})
    repo.git("add", "services/web/runbook.yaml")  # the deletion is staged; notes.txt is not
    with Git(repo.path) as git:
        refs, _ = refs_from({}, git)
        staged = git.commit(refs.head)
        changed = {f.path for f in git.diff(second, refs.head)}
    assert refs.base == base and staged.parents == (second,)
    assert changed == {"services/web/runbook.yaml"}
    assert repo.git("status", "--porcelain") == "D  services/web/runbook.yaml\n?? services/web/notes.txt".strip()


@pytest.mark.parametrize(
    ("environ", "code", "words"),
    [
        pytest.param({"PRE_COMMIT_TO_REF": "feature"}, 1, "no runbook", id="pushed-branch-blocks"),
        pytest.param({"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main"}, 0, "pass", id="whole-main-passes"),
    ],
)
def test_the_hook_reports_like_gate_check(tmp_path: Path, environ: dict[str, str], code: int, words: str) -> None:
    repo, *_ = repository(tmp_path)
    repo.git("checkout", "-q", "main")
    result = run_gate("hook", "--repo", str(repo.path), env=environ)
    assert result.returncode == code, result.stdout + result.stderr
    assert words in result.stdout.lower()
    assert "gate: judging" in result.stderr
