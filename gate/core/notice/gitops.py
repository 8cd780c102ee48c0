"""Which GitOps controller reconciles the changed files, if any: Flux or Argo CD (pure).

A controller that reconciles the repository puts back whatever a person changes in the cluster by
hand, so per-resource rollback commands last only until it runs again. gate finds the controller
from its objects among the files it reads anyway (the changed YAML files, both sides) and a bounded
set of well-known folders (`clusters/`, `flux-system/`, `argocd/`...), or from the policy's
`notice.gitops.reconcilers`. The cost stays bounded whatever the size of the repository.

- Flux: a `Kustomization` (kustomize.toolkit.fluxcd.io) applies the folder at `spec.path`;
  `flux suspend kustomization NAME -n NAMESPACE` pauses it.
- Argo CD: an `Application` (argoproj.io) syncs `spec.source.path` (or each of `spec.sources`);
  only an automated sync policy applies changes by itself, and `selfHeal` reverts hand edits.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gate.core.globs import matches_any
from gate.core.manifests import YAML_SUFFIXES, Document
from gate.core.models import Context, Side
from gate.core.notice.shell import DNS_LABEL, DNS_SUBDOMAIN, command
from gate.core.notice.steps import RollbackStep

if TYPE_CHECKING:
    from gate.core.notice.objects import ObjectDiff

FLUX = "flux"
ARGOCD = "argocd"
FLUX_KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io"
FLUX_GROUPS = (FLUX_KUSTOMIZE_GROUP, "source.toolkit.fluxcd.io", "helm.toolkit.fluxcd.io")
ARGO_GROUP = "argoproj.io"
DEFAULT_NAMESPACE = {FLUX: "flux-system", ARGOCD: "argocd"}
POLICY = "the policy"

# Folders where GitOps repositories keep their controllers' objects, by convention (Flux's
# bootstrap writes clusters/<name>/flux-system/). Read two levels deep, a bounded number of files.
WELL_KNOWN_FOLDERS = ("clusters", "flux-system", "flux", "argocd", "argo-cd", "argo", "gitops")
MAX_WELL_KNOWN_FILES = 40
MAX_SUBFOLDERS = 12


@dataclass(frozen=True, slots=True)
class Reconciler:
    """A GitOps controller's object that applies part of the repository to a cluster."""

    controller: str  # flux | argocd
    name: str
    namespace: str
    paths: tuple[str, ...]  # repository folders it applies ("" = all of it), or globs from the policy
    found_in: str  # the file that declares it, or "the policy"
    automated: Mapping[str, Any] | None = None  # Argo CD: the automated sync policy as written
    globs: bool = False

    def covers(self, path: str) -> bool:
        if self.globs:
            return matches_any(path, self.paths)
        return any(not folder or path == folder or path.startswith(folder + "/") for folder in self.paths)

    def depth(self, path: str) -> int:
        """How specific the match is: the longest folder that holds `path`."""
        return max((len(folder) for folder in self.paths if self.covers(path)), default=-1)

    @property
    def described(self) -> str:
        what = "Flux Kustomization" if self.controller == FLUX else "Argo CD Application"
        return f"{what} {self.namespace}/{self.name}"

    @property
    def reverts_hand_edits(self) -> bool:
        """Whether it undoes a `kubectl` change on its own (Flux always; Argo CD with selfHeal)."""
        if self.controller == FLUX or self.found_in == POLICY:
            return True  # a declared Argo CD Application: its sync policy is not known, so assume the worst
        return bool(self.automated and self.automated.get("selfHeal"))


@dataclass
class GitOps:
    """What gate knows about the controllers reconciling the repository."""

    reconcilers: list[Reconciler] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # controllers seen, even when no object maps a path
    seen_in: list[str] = field(default_factory=list)

    def for_path(self, path: str) -> Reconciler | None:
        """The most specific reconciler applying `path`."""
        covering = [r for r in self.reconcilers if r.covers(path)]
        return max(covering, key=lambda r: r.depth(path), default=None)


def find_gitops(context: Context, declared: tuple[Reconciler, ...] = (), detect: bool = True) -> GitOps:
    found = GitOps(reconcilers=list(declared))  # declared ones cover only their paths: not "present"
    if not detect:
        return found
    for path, side in _candidate_files(context):
        manifest = context.manifest(path, side=side)
        if not manifest.ok:
            continue
        for document in manifest.resources():
            reconciler = _reconciler(document, path)
            argo = document.group == ARGO_GROUP and document.kind.startswith("Application")
            if document.group in FLUX_GROUPS or argo:
                found.present.add(FLUX if document.group in FLUX_GROUPS else ARGOCD)
                if path not in found.seen_in:
                    found.seen_in.append(path)
            if reconciler is not None and reconciler not in found.reconcilers:
                found.reconcilers.append(reconciler)
    return found


def _candidate_files(context: Context) -> Iterator[tuple[str, Side]]:
    for changed in context.files:
        if changed.exists_at_head and changed.path.lower().endswith(YAML_SUFFIXES):
            yield changed.path, Side.HEAD
        elif (changed.old_path or changed.path).lower().endswith(YAML_SUFFIXES):
            yield changed.old_path or changed.path, Side.BASE
    budget = MAX_WELL_KNOWN_FILES
    for root in WELL_KNOWN_FOLDERS:
        for path in _yaml_files(context, root, depth=2):
            if budget <= 0:
                return
            budget -= 1
            if context.file(path) is None:
                yield path, Side.HEAD


def _yaml_files(context: Context, folder: str, depth: int) -> Iterator[str]:
    entries = context.head_tree.listdir(folder)
    for name in sorted(entries):
        if entries[name] == "file" and name.lower().endswith(YAML_SUFFIXES):
            yield posixpath.join(folder, name)
    if depth > 0:
        folders = sorted(name for name, kind in entries.items() if kind == "dir")[:MAX_SUBFOLDERS]
        for name in folders:
            yield from _yaml_files(context, posixpath.join(folder, name), depth - 1)


def _reconciler(document: Document, path: str) -> Reconciler | None:
    """The reconciler a document declares; None when it declares none gate can name in a command."""
    controller = FLUX if document.group in FLUX_GROUPS else ARGOCD
    namespace = document.namespace or DEFAULT_NAMESPACE[controller]
    if DNS_SUBDOMAIN.fullmatch(document.name) is None or DNS_LABEL.fullmatch(namespace) is None:
        return None  # seen, so the notice still says a controller is there, with the command that lists them
    if document.group == FLUX_KUSTOMIZE_GROUP and document.kind == "Kustomization":
        folder = _folder(document.spec.get("path"))
        if folder is None or document.spec.get("suspend") is True:
            return None
        return Reconciler(FLUX, document.name, namespace, (folder,), path)
    if document.group == ARGO_GROUP and document.kind == "Application":
        sources = [document.spec.get("source")]
        listed = document.spec.get("sources")
        if isinstance(listed, list):
            sources += listed
        folders = tuple(
            folder for source in sources if isinstance(source, Mapping)
            for folder in [_folder(source.get("path"))] if folder is not None
        )
        if not folders:
            return None
        policy = document.spec.get("syncPolicy")
        automated = policy.get("automated") if isinstance(policy, Mapping) else None
        return Reconciler(
            ARGOCD, document.name, namespace, folders, path,
            automated=_plain(automated) if isinstance(automated, Mapping) else None,
        )
    return None


def _folder(value: Any) -> str | None:
    """`./services/checkout/` -> `services/checkout`; `./` or `.` -> "" (the whole repository)."""
    if not isinstance(value, str):
        return None
    normal = posixpath.normpath(value.strip().lstrip("/")) if value.strip() else "."
    if normal.startswith(".."):
        return None
    return "" if normal == "." else normal


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# -- the steps in the notice -----------------------------------------------------------------------

_AUTOMATED_KEYS = frozenset({"prune", "selfHeal", "allowEmpty"})


def reconcilers_of(context: Context, gitops: GitOps) -> list[Reconciler]:
    """The reconcilers that apply the changed files, most specific first, each once."""
    found: list[Reconciler] = []
    for changed in context.files:
        reconciler = gitops.for_path(changed.path)
        if reconciler is not None and reconciler not in found:
            found.append(reconciler)
    return found


def unique(reconcilers: Iterable[Reconciler]) -> list[Reconciler]:
    unique: list[Reconciler] = []
    for reconciler in reconcilers:
        if reconciler not in unique:
            unique.append(reconciler)
    return unique


def pause_steps(gitops: GitOps, reconcilers: list[Reconciler], diff: ObjectDiff) -> Iterator[RollbackStep]:
    if not diff.changes and not diff.unreadable:
        return  # nothing in the cluster to undo by hand; flags live in files
    for reconciler in reconcilers:
        if reconciler.controller == FLUX:
            yield RollbackStep(
                "command", f"{reconciler.described} ({reconciler.found_in}) applies these files and would put the "
                "change back at its next reconcile: pause it first",
                command("flux", "suspend", "kustomization", reconciler.name, "-n", reconciler.namespace),
                essential=True,
            )
        elif reconciler.found_in == POLICY or reconciler.automated is not None:
            patch = json.dumps({"spec": {"syncPolicy": {"automated": None}}}, separators=(",", ":"))
            yield RollbackStep(
                "command", f"{reconciler.described} ({reconciler.found_in}) syncs these files by itself"
                + (" and reverts changes made by hand" if reconciler.reverts_hand_edits else "")
                + ": turn its automated sync off first",
                command("kubectl", "-n", reconciler.namespace, "patch", "application.argoproj.io", reconciler.name,
                        "--type", "merge", "-p", patch),
                essential=True,
            )
        else:
            yield RollbackStep(
                "note", f"{reconciler.described} ({reconciler.found_in}) syncs these files by hand: the commands below "
                "last until someone syncs it.", essential=True,
            )
    missing = gitops.present - {r.controller for r in reconcilers}
    for controller in sorted(missing):
        where = ", ".join(gitops.seen_in[:3]) or "the policy"
        if controller == FLUX:
            yield RollbackStep(
                "lookup", f"Flux objects are in this repository ({where}), but gate cannot tell which Kustomization "
                "applies these files: the commands below last only until it reconciles. Find it, and suspend it "
                "(flux suspend kustomization NAME -n NAMESPACE) before you run them:",
                command("flux", "get", "kustomizations", "--all-namespaces"),
                essential=True,
            )
        else:
            yield RollbackStep(
                "lookup", f"Argo CD objects are in this repository ({where}), but gate cannot tell which Application "
                "syncs these files: the commands below last only until it syncs again. Find it, and turn its "
                "automated sync off before you run them:",
                command("kubectl", "get", "applications.argoproj.io", "--all-namespaces"),
                essential=True,
            )


def resume_steps(reconcilers: list[Reconciler]) -> Iterator[RollbackStep]:
    for reconciler in reconcilers:
        if reconciler.controller == FLUX:
            yield RollbackStep(
                "command", f"Once the revert (A) has landed, resume {reconciler.described}:",
                command("flux", "resume", "kustomization", reconciler.name, "-n", reconciler.namespace),
                essential=True,
            )
        elif reconciler.automated is not None and set(reconciler.automated) <= _AUTOMATED_KEYS and all(
            isinstance(v, bool) for v in reconciler.automated.values()
        ):
            patch = json.dumps({"spec": {"syncPolicy": {"automated": dict(reconciler.automated)}}},
                               separators=(",", ":"), sort_keys=True)
            yield RollbackStep(
                "command",
                f"Once the revert (A) has landed, turn the automated sync of {reconciler.described} back on:",
                command("kubectl", "-n", reconciler.namespace, "patch", "application.argoproj.io", reconciler.name,
                        "--type", "merge", "-p", patch),
                essential=True,
            )
        elif reconciler.controller == ARGOCD and (reconciler.reverts_hand_edits or reconciler.automated is not None):
            yield RollbackStep(
                "note", f"Once the revert (A) has landed, turn the automated sync of {reconciler.described} back on "
                "as it was.", essential=True,
            )
