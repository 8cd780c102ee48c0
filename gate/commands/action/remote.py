"""A pull request's change read where it costs least: the clone when it has the commits, else the API.

The sweep judges pull requests it did not check out. A checkout with `fetch-depth: 0` holds the
default branch's history (so every merge-base) and the branches of this repository (so most
heads): those are read from git, without a request. A head the clone lacks (a fork's, or one pushed
after the checkout) costs one `compare` request for the merge-base and the changed files, then one
`contents` request per file gate reads at that head; everything the change leaves as it was is read
on the base side, since it is the same there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gate.adapters.git import Git
from gate.adapters.github import GitHub, OpenPull
from gate.commands.action.change import MAX_PULL_FILES
from gate.core.errors import InputError
from gate.core.models import ChangedFile, EntryKind, FileStatus, Tree


@dataclass(frozen=True)
class PullChange:
    """A pull request's change: from the merge-base of its base and head, to its head."""

    base: str
    head: str
    files: tuple[ChangedFile, ...]
    base_tree: Tree
    head_tree: Tree
    through_api: bool  # the clone lacked the commits: the API listed the files


class Clone:
    """The checkout, remembering which commits it holds: pull requests share their bases."""

    def __init__(self, git: Git) -> None:
        self.git = git
        self._has: dict[str, bool] = {}

    def has(self, sha: str) -> bool:
        if sha not in self._has:
            self._has[sha] = self.git.has(sha)
        return self._has[sha]


def read_pull_change(clone: Clone, github: GitHub, pull: OpenPull) -> PullChange:
    git, head = clone.git, pull.head_sha
    if clone.has(head) and clone.has(pull.base_sha):
        base = git.merge_base(pull.base_sha, head) or pull.base_sha
        return PullChange(base, head, tuple(git.diff(base, head)), git.tree(base), git.tree(head), through_api=False)
    comparison = github.compare(pull.base_sha, head)
    files = comparison.files
    if not comparison.complete:
        files = github.pull_files(pull.number)
        if len(files) >= MAX_PULL_FILES:
            raise InputError(
                f"it changes {MAX_PULL_FILES} files or more, more than the API lists; its own gate run judges it"
            )
    base = comparison.merge_base
    base_tree: Tree = git.tree(base) if clone.has(base) else ApiTree(github, base)
    head_source: Tree = git.tree(head) if clone.has(head) else ApiTree(github, head)
    return PullChange(base, head, files, base_tree, ChangedTree(base_tree, head_source, files), through_api=True)


@dataclass
class ApiTree:
    """One commit's files through the contents API, each read at most once."""

    github: GitHub
    commit: str
    _read: dict[str, bytes | None] = field(default_factory=dict)

    @property
    def rev(self) -> str:
        return self.commit

    def read(self, path: str) -> bytes | None:
        if path not in self._read:
            self._read[path] = self.github.contents(path, self.commit)
        return self._read[path]

    def listdir(self, path: str) -> Mapping[str, EntryKind]:
        return self.github.folder(path, self.commit)


class ChangedTree:
    """The head side of a change: what the change touched read at head, the rest from the base side
    (where it is the same), so that reading an untouched file costs no request."""

    def __init__(self, base: Tree, head: Tree, files: tuple[ChangedFile, ...]) -> None:
        self._base, self._head = base, head
        self._touched = {changed.path for changed in files if changed.exists_at_head}
        self._gone = {changed.path for changed in files if changed.status is FileStatus.DELETED}
        self._gone |= {changed.old_path for changed in files if changed.old_path}
        self._gone -= self._touched

    @property
    def rev(self) -> str:
        return self._head.rev

    def read(self, path: str) -> bytes | None:
        if path in self._touched:
            return self._head.read(path)
        if path in self._gone:
            return None
        return self._base.read(path)

    def listdir(self, path: str) -> Mapping[str, EntryKind]:
        return self._head.listdir(path)
