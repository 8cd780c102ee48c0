"""The data gate's core passes around: the change, findings, activations and the verdict.

These are plain frozen dataclasses: cheap to build in tests, hashable, and free of I/O. The JSON
report (DESIGN §3) is a separate, versioned shape built from them in `gate.core.report.json`, so the
internal types can change without breaking users' pipelines.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from gate.core.manifests import ManifestFile


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        """Higher is more serious; used to sort and to cap severities."""
        return {Severity.NOTICE: 0, Severity.WARNING: 1, Severity.ERROR: 2}[self]


class FileStatus(enum.StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"


class ServiceStatus(enum.StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"


class Outcome(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    OVERRIDDEN = "overridden"


# Rule ids that are not checks but that the engine itself reports (DESIGN §3).
INVALID_FILE = "invalid-file"
OVERRIDE = "override"
INTERNAL_ERROR = "internal-error"


@dataclass(frozen=True, slots=True)
class ChangedFile:
    path: str
    status: FileStatus
    old_path: str | None = None  # set for renames

    @property
    def exists_at_head(self) -> bool:
        return self.status is not FileStatus.DELETED


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    path: str
    status: ServiceStatus


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    path: str | None
    line: int | None
    message: str
    remedy: str = ""
    waived: bool = False


@dataclass(frozen=True, slots=True)
class Activation:
    """A feature flag that turns on, or turns on for more users, with the change."""

    flag: str
    path: str
    line: int | None
    format: str  # flagd | flipt | go-feature-flag
    change: str  # enabled | rollout-raised | default-changed
    at: datetime
    in_window: bool
    detail: str = ""  # e.g. "rollout of 'on' 10% -> 50%"


@dataclass(frozen=True, slots=True)
class Override:
    """What gate decided about an override label (DESIGN §3 `override`)."""

    label: str
    actor: str | None
    role: str | None
    accepted: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    findings: tuple[Finding, ...]
    activations: tuple[Activation, ...] = ()
    override: Override | None = None

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR and not f.waived)

    @property
    def waived(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.waived)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


MAX_FILE_BYTES = 4 * 1024 * 1024  # larger files are generated bundles; judging them would stall CI
# YAML values one judgement keeps parsed (about 200 bytes each once built): many files of the
# largest size each would otherwise add up past any memory bound.
MAX_NODES_KEPT = 400_000


class Truncated(bytes):
    """The first bytes of a file too large to read whole; `size` is the whole file's size.

    A tree hands this out instead of reading a huge file into memory. It is longer than
    `MAX_FILE_BYTES`, so every reader that bounds what it parses refuses it, naming the real size.
    """

    size: int


def size_of(content: bytes) -> int:
    """The size of the file `content` came from (its real size when it was truncated)."""
    return content.size if isinstance(content, Truncated) else len(content)


def too_large(content: bytes) -> str | None:
    """Why a file is too large to judge, or None."""
    size = size_of(content)
    if size <= MAX_FILE_BYTES:
        return None
    return f"too large to judge ({size / 1048576:.1f} MiB; gate reads files up to {MAX_FILE_BYTES // 1048576} MiB)"


class Tree(Protocol):
    """Read-only access to one side of the change (a commit's tree, or the empty tree).

    Paths are repo-relative with `/`. Implementations never follow a symlink out of the repository.
    """

    @property
    def rev(self) -> str:
        """The commit sha, or the empty tree's id."""
        ...

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None when there is no regular file (or in-repo symlink) there."""
        ...

    def listdir(self, path: str) -> Mapping[str, str]:
        """Entries directly under the directory: name -> "file" | "dir"; empty when absent."""
        ...


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    subject: str
    body: str
    author_name: str
    author_email: str
    parents: tuple[str, ...]

    @property
    def short(self) -> str:
        return self.sha[:12]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


@dataclass(frozen=True, slots=True)
class PullRequest:
    number: int
    author: str | None = None
    url: str | None = None
    title: str | None = None


@dataclass
class Context:
    """Everything a check may look at. Built at the edge, read by the pure core.

    `files` excludes paths the policy ignores. File contents come through `base_tree`/`head_tree`
    on demand, so only what a check asks for is read.
    """

    base: str
    head: str
    files: tuple[ChangedFile, ...]
    services: tuple[Service, ...]
    now: datetime
    base_tree: Tree
    head_tree: Tree
    labels: tuple[str, ...] = ()
    commit: Commit | None = None
    repository: str | None = None  # "owner/name" when known
    pull_request: PullRequest | None = None
    event: str | None = None  # the GitHub event name when run as an action
    _manifests: dict[tuple[str, str], ManifestFile] = field(default_factory=dict, repr=False)

    def file(self, path: str) -> ChangedFile | None:
        for changed in self.files:
            if changed.path == path:
                return changed
        return None

    def changed(self, *, suffixes: tuple[str, ...] = (), at_head: bool = True) -> Iterator[ChangedFile]:
        """Changed files, optionally filtered by suffix and by existing at head."""
        for changed in self.files:
            if at_head and not changed.exists_at_head:
                continue
            if suffixes and not changed.path.lower().endswith(suffixes):
                continue
            yield changed

    def service_of(self, path: str) -> Service | None:
        for service in self.services:
            if path == service.path or path.startswith(service.path + "/"):
                return service
        return None

    def manifest(self, path: str, side: str = "head") -> ManifestFile:
        """The parsed YAML documents of a file, read and parsed once per side.

        Parsed files are kept for every check that asks again, so what one judgement keeps is
        bounded too: past MAX_NODES_KEPT values, a further file is refused as too much to judge
        (fail closed) rather than parsed.
        """
        from gate.core.manifests import ManifestFile, load_manifest

        key = (side, path)
        if key not in self._manifests:
            kept = sum(m.nodes for m in self._manifests.values())
            if kept >= MAX_NODES_KEPT:
                self._manifests[key] = ManifestFile(
                    path=path,
                    error=f"the change holds more YAML than gate judges at once ({kept:,} values read before this "
                    "file); split the change, or list generated files under the policy's `ignore`",
                )
            else:
                tree = self.head_tree if side == "head" else self.base_tree
                self._manifests[key] = load_manifest(path, tree.read(path))
        return self._manifests[key]


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, to the second: how gate writes every time it reports."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_mapping(value: Any) -> Mapping[str, Any] | None:
    """The value when it is a mapping, else None: a small guard for reading untrusted YAML."""
    return value if isinstance(value, Mapping) else None
