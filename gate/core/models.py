"""The data gate's core passes around: the change, findings, activations and the verdict.

These are plain frozen dataclasses: cheap to build in tests, hashable, and free of I/O. The JSON
report (DESIGN §3) is a separate, versioned shape built from them in `gate.core.report.json`, so the
internal types can change without breaking users' pipelines.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from gate.core import limits

if TYPE_CHECKING:
    from gate.core.manifests import Document, ManifestFile


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


class Side(enum.StrEnum):
    """One side of the change."""

    BASE = "base"
    HEAD = "head"


class EntryKind(enum.StrEnum):
    """What a folder listing holds under a name."""

    FILE = "file"
    DIR = "dir"


class FlagFormat(enum.StrEnum):
    """The flag-file formats gate reads (the JSON report's `activations[].format`)."""

    FLAGD = "flagd"
    FLIPT = "flipt"
    GO_FEATURE_FLAG = "go-feature-flag"


class ActivationKind(enum.StrEnum):
    """How a change turns a flag on (the JSON report's `activations[].change`)."""

    ENABLED = "enabled"
    ROLLOUT_RAISED = "rollout-raised"
    DEFAULT_CHANGED = "default-changed"


# Rule ids the engine reports itself, besides the checks' own (DESIGN §3). Check ids come from
# the registry (`gate.core.checks.REGISTRY`), never from a list kept by hand.
INVALID_FILE = "invalid-file"  # a file gate must read could not be read or parsed
POLICY = "policy"  # notices about which policy judged the change (an edited or invalid policy)
OVERRIDE = "override"  # notices about an override label
INTERNAL_ERROR = "internal-error"  # a check crashed; never waivable
ENGINE_RULES = (INVALID_FILE, POLICY, OVERRIDE, INTERNAL_ERROR)


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """A file the change adds, modifies, deletes or renames."""

    path: str
    status: FileStatus
    old_path: str | None = None  # set for renames

    @property
    def exists_at_head(self) -> bool:
        return self.status is not FileStatus.DELETED


@dataclass(frozen=True, slots=True)
class Service:
    """A service folder the change touches, and whether it is added, modified or deleted."""

    name: str
    path: str
    status: ServiceStatus


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem gate found: which rule, how serious, where, what, and how to fix it."""

    rule: str
    severity: Severity
    path: str | None
    line: int | None
    message: str
    remedy: str = ""
    waived: bool = False
    # About an object this change leaves as it was (a Canary, an alert rule, an autoscaler...): the
    # problem was there before, so it is reported at the policy's `pre_existing` severity.
    pre_existing: bool = False


def internal_error(what: str, error: BaseException, consequence: str, meanwhile: str, at: str = "") -> Finding:
    """The finding for a bug in gate (never waivable): what crashed, how and where (`at`, e.g.
    "engine.py:12"), what it means for this change, and what to do until it is fixed."""
    where = f", at {at}" if at else ""
    return Finding(
        rule=INTERNAL_ERROR,
        severity=Severity.ERROR,
        path=None,
        line=None,
        message=f"{what} ({type(error).__name__}: {error}{where}); {consequence}",
        remedy=f"this is a bug in gate: please report it with this message; {meanwhile}",
    )


@dataclass(frozen=True, slots=True)
class Activation:
    """A feature flag that turns on, or turns on for more users, with the change."""

    flag: str
    path: str
    line: int | None
    format: FlagFormat
    change: ActivationKind
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
    """The outcome of a judgement, with every finding, activation and the override decision."""

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

    def listdir(self, path: str) -> Mapping[str, EntryKind]:
        """Entries directly under the directory; empty when absent."""
        ...


@dataclass(frozen=True, slots=True)
class Commit:
    """The head commit: its id, message, author and parents."""

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
    """The pull request a change belongs to, as far as gate knows it."""

    number: int
    author: str | None = None
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Context:
    """Everything a check may look at: the change, built by `gate.core.judge`, read by the checks.

    `files` excludes paths the policy ignores. File contents come through `base_tree`/`head_tree`
    on demand, so only what a check asks for is read; a parsed file is kept, so every check that
    reads it shares one parse.
    """

    base: str
    head: str
    files: tuple[ChangedFile, ...]
    services: tuple[Service, ...]
    now: datetime
    base_tree: Tree
    head_tree: Tree
    commit: Commit | None = None
    repository: str | None = None  # "owner/name" when known
    pull_request: PullRequest | None = None
    event: str | None = None  # the GitHub event name when run as an action
    # What was parsed, per side and path: a cache, not part of the value.
    _manifests: dict[tuple[Side, str], ManifestFile] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # Lookups asked once per finding, indexed once: a file of thousands of objects must not cost
    # the square of them.
    _by_path: dict[str, ChangedFile] = field(default_factory=dict, init=False, repr=False, compare=False)
    _objects: dict[str, dict[tuple[str, str, str, str | None], Document]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def file(self, path: str) -> ChangedFile | None:
        if not self._by_path:
            for changed in self.files:
                self._by_path.setdefault(changed.path, changed)
        return self._by_path.get(path)

    def changed(self, *, suffixes: tuple[str, ...] = (), at_head: bool = True) -> Iterator[ChangedFile]:
        """Changed files, optionally filtered by suffix and by existing at head."""
        for changed in self.files:
            if at_head and not changed.exists_at_head:
                continue
            if suffixes and not changed.path.lower().endswith(suffixes):
                continue
            yield changed

    def changed_manifests(self) -> Iterator[tuple[ChangedFile, ManifestFile]]:
        """Each changed YAML file at head with its parse, when it parses: a file that does not is
        reported once, as `invalid-file`, by the engine, and skipped by everyone else."""
        from gate.core.manifests import YAML_SUFFIXES

        for changed in self.changed(suffixes=YAML_SUFFIXES):
            manifest = self.manifest(changed.path)
            if manifest.ok:
                yield changed, manifest

    def resources(self, kinds: Iterable[str], groups: Iterable[str] | None = None) -> Iterator[Document]:
        """The Kubernetes resources of these kinds (and API groups) in the changed YAML files."""
        wanted_kinds, wanted_groups = tuple(kinds), None if groups is None else tuple(groups)
        for _changed, manifest in self.changed_manifests():
            yield from manifest.resources(kinds=wanted_kinds, groups=wanted_groups)

    def before(self, document: Document) -> Document | None:
        """The same object (API group, kind, namespace, name) on the base side of its file, if any."""
        changed = self.file(document.path)
        if changed is None or changed.status is FileStatus.ADDED:
            return None
        path = changed.old_path or changed.path
        if path not in self._objects:
            index: dict[tuple[str, str, str, str | None], Document] = {}
            for candidate in self.manifest(path, Side.BASE).resources():
                index.setdefault((candidate.group, candidate.kind, candidate.name, candidate.namespace), candidate)
            self._objects[path] = index
        return self._objects[path].get((document.group, document.kind, document.name, document.namespace))

    def unchanged(self, document: Document) -> bool:
        """Whether this change leaves the object exactly as it was (its findings are pre-existing)."""
        previous = self.before(document)
        return previous is not None and previous.data == document.data

    def service_of(self, path: str) -> Service | None:
        for service in self.services:
            if path == service.path or path.startswith(service.path + "/"):
                return service
        return None

    def manifest(self, path: str, side: Side = Side.HEAD) -> ManifestFile:
        """The parsed YAML documents of a file, read and parsed once per side.

        Parsed files are kept for every check that asks again, so what one judgement keeps is
        bounded too: past MAX_NODES_KEPT values, a further file is refused as too much to judge
        (fail closed) rather than parsed.
        """
        from gate.core.manifests import ManifestFile, load_manifest

        key = (side, path)
        if key not in self._manifests:
            kept = sum(m.nodes for m in self._manifests.values())
            if kept >= limits.MAX_NODES_KEPT:
                self._manifests[key] = ManifestFile(
                    path=path,
                    error=f"the change holds more YAML than gate judges at once ({kept:,} values read before this "
                    "file); split the change, or list generated files under the policy's `ignore`",
                )
            else:
                tree = self.head_tree if side is Side.HEAD else self.base_tree
                self._manifests[key] = load_manifest(path, tree.read(path))
        return self._manifests[key]


def as_mapping(value: Any) -> Mapping[str, Any] | None:
    """The value when it is a mapping, else None: a small guard for reading untrusted YAML."""
    return value if isinstance(value, Mapping) else None
