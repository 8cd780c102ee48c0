"""What the change did to each Kubernetes object, read from both sides (pure).

An object is known by its API group, kind, name and `metadata.namespace`, wherever it lives: one
moved to another file and edited is modified, not deleted and added. For a modified object the
fields that differ are listed, and whether its pod template is among them, because that decides
how it can be undone: `rollout undo` restores a pod template and nothing else.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from gate.core.manifests import YAML_SUFFIXES, Document, ManifestFile
from gate.core.models import ChangedFile, Context, Side

WORKLOAD_GROUPS = ("apps", "extensions")
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")  # `kubectl rollout undo` knows these
KUSTOMIZE_CONFIG_GROUP = "kustomize.config.k8s.io"  # a kustomization.yaml: build input, not an object
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
# A kustomization that sets only these leaves each resource file as the cluster gets it (plus the
# namespace); anything else (images, patches, namePrefix, labels...) transforms it.
_PLAIN_KUSTOMIZATION_KEYS = frozenset({"apiVersion", "kind", "metadata", "namespace", "resources"})
_MAX_LISTED_FIELDS = 6

# Kinds that live outside namespaces: no `-n` for them, and a kustomization namespace does not apply.
CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleBinding", "PriorityClass", "IngressClass", "RuntimeClass", "APIService",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "CSIDriver", "VolumeSnapshotClass", "ClusterIssuer",
    "ClusterSecretStore", "ClusterPolicy", "GatewayClass",
})

Key = tuple[str, str, str, str | None]  # group, kind, name, metadata.namespace


@dataclass(frozen=True, slots=True)
class Placed:
    """An object as one side of the change has it: the document and the file it is in."""

    document: Document
    path: str


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """What the commit did to one Kubernetes object: added, deleted or modified, and how."""

    key: Key
    before: Placed | None  # None: the change adds it
    after: Placed | None  # None: the change deletes it
    template_changed: bool = False
    other_fields: tuple[str, ...] = ()  # dotted keys besides the pod template that differ

    @property
    def status(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "deleted"
        return "modified"

    @property
    def group(self) -> str:
        return self.key[0]

    @property
    def kind(self) -> str:
        return self.key[1]

    @property
    def name(self) -> str:
        return self.key[2]

    @property
    def document(self) -> Document:
        placed = self.after or self.before
        assert placed is not None
        return placed.document

    @property
    def is_workload(self) -> bool:
        return self.kind in WORKLOAD_KINDS and self.group in WORKLOAD_GROUPS

    @property
    def template_only(self) -> bool:
        """A workload whose pod template is all that changed: exactly what `rollout undo` restores."""
        return self.is_workload and self.template_changed and not self.other_fields

    @property
    def cluster_scoped(self) -> bool:
        return self.kind in CLUSTER_SCOPED


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A changed YAML file gate could not read on one side: nothing in it can be undone per object."""

    path: str
    side: Side
    reason: str


@dataclass
class ObjectDiff:
    """Every object the commit changed, and the files gate could not read."""

    changes: list[ObjectChange] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    kustomizations: list[str] = field(default_factory=list)  # changed kustomization.yaml files


def object_diff(context: Context) -> ObjectDiff:
    """Every object the change adds, deletes or modifies in its changed YAML files."""
    diff = ObjectDiff()
    before: dict[Key, Placed] = {}
    after: dict[Key, Placed] = {}
    for changed in context.files:
        if not changed.path.lower().endswith(YAML_SUFFIXES) and not (
            changed.old_path and changed.old_path.lower().endswith(YAML_SUFFIXES)
        ):
            continue
        if posixpath.basename(changed.path) in KUSTOMIZATION_FILES:
            diff.kustomizations.append(changed.path)  # how a folder is built, not an object
            continue
        sides = [
            (side, path, into, context.manifest(path, side=side)) for side, path, into in _sides(changed, before, after)
        ]
        broken = [(side, path, m) for side, path, _, m in sides if not m.ok and not m.missing]
        if broken:
            # One side unreadable: what the change did to the file's objects is unknown, so none of
            # them is called added or deleted.
            side, path, manifest = broken[0]
            diff.unreadable.append(Unreadable(path, side, manifest.error or "cannot be read"))
            continue
        for _, path, into, manifest in sides:
            for document in _objects(manifest):
                into[object_key(document)] = Placed(document, path)
    for key in [*after, *(k for k in before if k not in after)]:
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None:
            template, others = _differences(old.document.data, new.document.data)
            if not template and not others:
                continue  # the same object, perhaps moved or reformatted: nothing to undo
            diff.changes.append(ObjectChange(key, old, new, template, others))
        else:
            diff.changes.append(ObjectChange(key, old, new))
    return diff


def _sides(
    changed: ChangedFile, before: dict[Key, Placed], after: dict[Key, Placed]
) -> Iterator[tuple[Side, str, dict[Key, Placed]]]:
    if changed.status.value != "added":
        yield Side.BASE, changed.old_path or changed.path, before
    if changed.exists_at_head:
        yield Side.HEAD, changed.path, after


def _objects(manifest: ManifestFile) -> Iterator[Document]:
    for document in manifest.resources():
        if document.group == KUSTOMIZE_CONFIG_GROUP:
            continue  # a Component or Kustomization of kustomize itself: build input
        if not document.name:
            continue  # generateName or a template: nothing gate can name in a command
        yield document


def object_key(document: Document) -> Key:
    return (document.group, document.kind, document.name, document.namespace)


def _differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[bool, tuple[str, ...]]:
    """(whether spec.template differs, the other dotted keys that differ), `status` ignored."""
    template = _get(before, "spec", "template") != _get(after, "spec", "template")
    others: list[str] = []
    _collect(before, after, "", others, depth=0, skip={"status", "spec.template"})
    return template, tuple(others[:_MAX_LISTED_FIELDS]) + (("...",) if len(others) > _MAX_LISTED_FIELDS else ())


def _collect(before: Any, after: Any, prefix: str, into: list[str], depth: int, skip: set[str]) -> None:
    if before == after or prefix in skip:
        return
    if isinstance(before, Mapping) and isinstance(after, Mapping) and depth < 3:
        for key in [*after, *(k for k in before if k not in after)]:
            child = f"{prefix}.{key}" if prefix else str(key)
            _collect(before.get(key), after.get(key), child, into, depth + 1, skip)
        return
    into.append(prefix)


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


# -- where an object is applied ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Kustomization:
    """What a kustomization in an object's folder does to the files it lists."""

    path: str
    namespace: str | None
    transforms: tuple[str, ...]  # keys that change the resources (images, patches, namePrefix...)

    @property
    def renames(self) -> bool:
        return any(key in ("namePrefix", "nameSuffix") for key in self.transforms)


def kustomization_in(context: Context, side: Side, folder: str) -> Kustomization | None:
    """The kustomization in `folder` on that side, if any (a parent's overlay is out of reach).
    Read through the context, so each file is read and parsed once whatever asks for it."""
    for file_name in KUSTOMIZATION_FILES:
        path = posixpath.join(folder, file_name) if folder else file_name
        parsed = context.manifest(path, side=side)
        if parsed.missing:
            continue
        namespace: str | None = None
        transforms: list[str] = []
        if not parsed.ok:
            return Kustomization(path, None, ("(unreadable)",))
        for document in parsed.documents:
            value = document.data.get("namespace")
            if isinstance(value, str) and value:
                namespace = value
            transforms += [str(k) for k in document.data if str(k) not in _PLAIN_KUSTOMIZATION_KEYS]
        return Kustomization(path, namespace, tuple(transforms))
    return None


@dataclass(frozen=True, slots=True)
class Scope:
    """The namespace an object is applied to: `namespace` when known; None with `why` when not.
    Cluster-scoped objects have neither and need no namespace."""

    namespace: str | None
    why: str = ""
    cluster: bool = False
    from_kustomization: bool = False


def scope_of(document: Document, kustomization: Kustomization | None) -> Scope:
    """`metadata.namespace`, else the kustomization's `namespace:` in the same folder. When both
    are set and differ, kustomize overrides the object's own: gate cannot tell which file the
    cluster got, so the namespace is unknown rather than guessed."""
    if document.kind in CLUSTER_SCOPED:
        return Scope(None, cluster=True)
    own = document.namespace
    kustomized = kustomization.namespace if kustomization is not None else None
    if own is not None and kustomized is not None and own != kustomized:
        assert kustomization is not None
        return Scope(None, f"metadata.namespace is {own!r} but {kustomization.path} sets {kustomized!r}")
    if own is not None:
        return Scope(own)
    if kustomized is not None:
        return Scope(kustomized, from_kustomization=True)
    return Scope(None, "it has no metadata.namespace and no kustomization in its folder sets one")


def folder_of(path: str) -> str:
    return posixpath.dirname(path)
