"""The change in the checkout: its base, head and changed files, and the policy to judge it by.

A shallow checkout lacks the change's commits; for a pull request the GitHub API still lists its
files, so gate judges the head against an empty base rather than not at all.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from gate.adapters import runner
from gate.adapters.git import Git
from gate.adapters.github import GitHub, GitHubError
from gate.adapters.runner import ActionSettings
from gate.commands.action.console import say
from gate.commands.action.events import Plan
from gate.commands.action.notes import Notes
from gate.core.context import ChosenPolicy, Refs, resolve_refs
from gate.core.errors import InputError
from gate.core.judge import select_policy
from gate.core.models import ChangedFile, FileStatus
from gate.core.policy import REPO_POLICY_PATH

MAX_PULL_FILES = 3000  # GitHub lists at most this many files of a pull request

_API_STATUS = {
    "added": FileStatus.ADDED,
    "copied": FileStatus.ADDED,
    "removed": FileStatus.DELETED,
    "renamed": FileStatus.RENAMED,
}


@dataclass(frozen=True)
class Change:
    base: str | None
    head: str
    files: tuple[ChangedFile, ...] | None = None  # None: git lists them; else the checkout is shallow

    @property
    def refs(self) -> Refs:
        return Refs(base=self.base, head=self.head)

    @property
    def shallow(self) -> bool:
        return self.files is not None


def mark_safe_directory(workspace: Path) -> None:
    """The workspace is owned by the runner's user, not the container's: git refuses it unless safe."""
    try:
        listed = subprocess.run(
            ["git", "config", "--global", "--get-all", "safe.directory"],
            capture_output=True, text=True, check=False, timeout=30,
        )
        if str(workspace) in listed.stdout.splitlines():
            return
        subprocess.run(
            ["git", "config", "--global", "--add", "safe.directory", str(workspace)],
            capture_output=True, text=True, check=True, timeout=30,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        say(runner.warning(f"could not mark {workspace} a git safe.directory: {exc}", title="gate"))


def resolve_change(git: Git, github: GitHub, plan: Plan, notes: Notes) -> Change:
    """Base, head, and the changed files when git cannot give them (a shallow checkout)."""
    base, head = plan.base, plan.head
    if _has(git, head) and _has(git, base):
        if plan.merge_base and base is not None:
            # Resolved first: what reaches git's command line is a sha, never text from the event.
            base = _merge_base(git.root, git.resolve(base), git.resolve(head)) or base
        return Change(base, head)
    if plan.pull_number is None:
        missing = head if not _has(git, head) else base
        raise InputError(
            f"the checkout lacks commit {missing}; check out with actions/checkout and `fetch-depth: 0`"
        )
    if not _has(git, head):
        head = "HEAD"  # a shallow pull-request checkout holds the merge commit: what would land
    files = files_from_api(github, plan.pull_number)
    notes.notice(
        f"the checkout lacks the change's commits, so gate listed the changed files through the GitHub API "
        f"and judged {head} against an empty base (flags in changed files count as new); "
        "check out with `fetch-depth: 0` for an exact judgement"
    )
    return Change(git.empty_tree, head, files)


def _has(git: Git, rev: str | None) -> bool:
    if rev is None:
        return True
    try:
        git.resolve(rev)
    except InputError:
        return False
    return True


def _merge_base(root: Path, base: str, head: str) -> str | None:
    result = subprocess.run(
        ["git", "merge-base", base, head], cwd=root, capture_output=True, text=True, check=False, timeout=60
    )
    found = result.stdout.strip()
    return found if result.returncode == 0 and found else None


def files_from_api(github: GitHub, number: int) -> tuple[ChangedFile, ...]:
    try:
        listed = github.pull_files(number)
    except GitHubError as exc:
        raise InputError(
            f"the checkout lacks the change's commits and the API did not list them: {exc}; "
            "check out with `fetch-depth: 0`"
        ) from None
    if len(listed) >= MAX_PULL_FILES:
        raise InputError(
            f"pull request #{number} changes {MAX_PULL_FILES} files or more, more than the API lists; "
            "check out with `fetch-depth: 0` so gate reads the change from git"
        )
    files = []
    for item in listed:
        status = _API_STATUS.get(str(item.get("status")), FileStatus.MODIFIED)
        old = item.get("previous_filename") if status is FileStatus.RENAMED else None
        files.append(ChangedFile(str(item["filename"]), status, str(old) if old else None))
    return tuple(files)


def repo_policy_path(settings: ActionSettings) -> str:
    return settings.policy or REPO_POLICY_PATH


def choose_policy(git: Git, settings: ActionSettings, change: Change, notes: Notes) -> ChosenPolicy:
    """The policy to judge by, needed before judging to know the label and who may apply it.

    In a shallow checkout the base is missing, not empty: the change's own policy must not count.
    """
    base_rev, head_rev = resolve_refs(git, change.refs)
    repo_policy = repo_policy_path(settings)
    on_neither_side = git.tree(base_rev).read(repo_policy) is None and git.tree(head_rev).read(repo_policy) is None
    if settings.policy and on_neither_side:
        # The bundled default is the strictest policy, so judging by it fails closed; but a
        # misspelt input should not go unnoticed.
        notes.warning(
            f"the policy input names {repo_policy}, which this repository does not have; "
            "gate judged by the bundled default policy"
        )
    return select_policy(git, base_rev, head_rev, None, repo_policy, base_is_root=False if change.shallow else None)
