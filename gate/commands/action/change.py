"""The change in the checkout: its base and head, and the changed files when git cannot list them.

A shallow checkout lacks the change's commits; for a pull request the GitHub API still lists its
files, so gate judges the head against an empty base rather than not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from gate.adapters.git import Git
from gate.adapters.github import GitHub, GitHubError
from gate.commands.action.events import Plan
from gate.commands.action.notes import Notes
from gate.core.errors import InputError
from gate.core.models import ChangedFile
from gate.core.request import Refs

MAX_PULL_FILES = 3000  # GitHub lists at most this many files of a pull request


@dataclass(frozen=True)
class CheckedOutChange:
    """The change in the checkout: its refs, and the files GitHub listed when the clone is shallow."""

    refs: Refs
    listed_files: tuple[ChangedFile, ...] | None = None  # None: git lists them; else the checkout is shallow


def resolve_change(git: Git, github: GitHub, plan: Plan, notes: Notes) -> CheckedOutChange:
    """Base and head, and the changed files when git cannot give them (a shallow checkout)."""
    base, head = plan.base, plan.head
    if git.has(head) and (base is None or git.has(base)):
        if plan.merge_base and base is not None:
            # Resolved first: what reaches git's command line is a sha, never text from the event.
            base = git.merge_base(git.resolve(base), git.resolve(head)) or base
        return CheckedOutChange(Refs(base=base, head=head))
    if plan.pull_number is None:
        missing = head if not git.has(head) else base
        raise InputError(
            f"the checkout lacks commit {missing}; check out with actions/checkout and `fetch-depth: 0`"
        )
    if not git.has(head):
        head = "HEAD"  # a shallow pull-request checkout holds the merge commit: what would land
    files = files_from_api(github, plan.pull_number)
    notes.notice(
        f"the checkout lacks the change's commits, so gate listed the changed files through the GitHub API "
        f"and judged {head} against an empty base (flags in changed files count as new); "
        "check out with `fetch-depth: 0` for an exact judgement"
    )
    return CheckedOutChange(Refs(base=None, head=head), files)


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
    return listed
