"""Alternative B for Kubernetes objects: undo what the commit did to each, now (pure).

Derived from both sides of the change (`objects`):

- a workload whose pod template is all that changed: `kubectl rollout undo` (back to its previous
  ReplicaSet or revision), never for anything else: it restores a template, not replicas,
  autoscaler bounds, a canary's analysis or a ConfigMap;
- objects whose other fields changed, or that the commit deleted: their file as it was before the
  commit, re-applied (`git show BASE:path | kubectl apply -f -`); the file's unchanged objects are
  applied unchanged, and objects the commit added are handled on their own;
- an object the commit added: the command that removes it (a StatefulSet is scaled to zero and
  keeps its volumes); never a delete of a Namespace, a volume or anything else that may hold data:
  the step says so and leaves it to a person;
- a Flagger canary analysing the workload: what the undo does under Flagger, and, when it has a
  `rollback` webhook on Flagger's load tester, the command that opens that gate.

Where gate cannot be sure of a value (an unknown namespace, a name that is not a Kubernetes name) it
says why, once, and gives a read-only command that finds the object, never a placeholder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from gate.core.manifests import FLAGGER_GROUP, YAML_SUFFIXES, Document
from gate.core.models import Context, Side
from gate.core.notice import shell
from gate.core.notice.objects import (
    ObjectChange,
    ObjectDiff,
    Scope,
    folder_of,
    kustomization_in,
    scope_of,
)
from gate.core.notice.shell import Command, Refused, command, pipeline
from gate.core.notice.steps import RollbackStep

# Objects gate removes when the commit added them: none of them holds data or owns anything outside
# the cluster. Anything else added is left to a person, with the reason.
DELETABLE = frozenset({
    ("", "Service"), ("", "ConfigMap"), ("", "Secret"), ("", "ServiceAccount"),
    ("apps", "Deployment"), ("apps", "DaemonSet"), ("apps", "ReplicaSet"),
    ("autoscaling", "HorizontalPodAutoscaler"), ("policy", "PodDisruptionBudget"),
    ("networking.k8s.io", "Ingress"), ("networking.k8s.io", "NetworkPolicy"),
    ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "RoleBinding"),
    ("rbac.authorization.k8s.io", "ClusterRole"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("batch", "CronJob"), ("batch", "Job"), ("keda.sh", "ScaledObject"),
    ("monitoring.coreos.com", "PrometheusRule"), ("monitoring.coreos.com", "ServiceMonitor"),
    ("monitoring.coreos.com", "PodMonitor"), ("flagger.app", "MetricTemplate"),
    ("gateway.networking.k8s.io", "HTTPRoute"),
})
NEVER_DELETED = {
    "Namespace": "deleting a Namespace deletes everything in it",
    "PersistentVolumeClaim": "it holds data: deleting the claim can delete its volume",
    "PersistentVolume": "it holds data",
    "CustomResourceDefinition": "deleting a CustomResourceDefinition deletes every object of its kind",
    "StorageClass": "volumes are provisioned through it",
}
_SIBLING_FILES = 20  # unchanged YAML files read per folder to find a workload's Flagger canary
_LOADTESTER_ROLLBACK = re.compile(
    r"http://(?P<host>[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*)"
    r"(?::(?P<port>[0-9]{1,5}))?(?P<path>(?:/[A-Za-z0-9._~-]+)*)/rollback/check/?"
)


@dataclass
class Canaries:
    """Flagger canaries at head: those in changed files, and those beside a workload (bounded)."""

    context: Context
    changed: list[Document]
    by_folder: dict[str, list[Document]] = field(default_factory=dict)

    def targeting(self, workload: ObjectChange) -> list[Document]:
        assert workload.after is not None
        folder = folder_of(workload.after.path)
        if folder not in self.by_folder:
            self.by_folder[folder] = list(self._siblings(folder))
        found = []
        for canary in [*self.changed, *self.by_folder[folder]]:
            target = canary.spec.get("targetRef")
            if not isinstance(target, Mapping) or target.get("name") != workload.name:
                continue
            if target.get("kind", "Deployment") != workload.kind:
                continue
            theirs, mine = canary.namespace, workload.document.namespace
            if theirs is not None and mine is not None and theirs != mine:
                continue
            if canary not in found:
                found.append(canary)
        return found

    def _siblings(self, folder: str) -> Iterator[Document]:
        entries = self.context.head_tree.listdir(folder)
        names = sorted(n for n, kind in entries.items() if kind == "file" and n.lower().endswith(YAML_SUFFIXES))
        for name in names[:_SIBLING_FILES]:
            path = f"{folder}/{name}" if folder else name
            if self.context.file(path) is not None:
                continue  # changed files are already in `changed`
            manifest = self.context.manifest(path)
            if manifest.ok:
                yield from manifest.resources(kinds=("Canary",), groups=(FLAGGER_GROUP,))


def resource_steps(context: Context, diff: ObjectDiff, canaries: Canaries) -> Iterator[RollbackStep]:
    groups: dict[str, list[ObjectChange]] = {}
    for change in diff.changes:
        if change.before is not None:
            groups.setdefault(change.before.path, []).append(change)
    done: set[str] = set()
    for change in diff.changes:
        if change.before is None:
            yield from _added(change, context)
            continue
        path = change.before.path
        if path not in done:
            done.add(path)
            yield from _restore_file(path, groups[path], context, canaries)


def _restore_file(
    path: str, changes: list[ObjectChange], context: Context, canaries: Canaries
) -> Iterator[RollbackStep]:
    """Objects of one file as it was before the commit: undo templates, re-apply everything else."""
    to_reapply = [c for c in changes if not c.template_only]
    if not to_reapply:
        for change in changes:
            yield from _undo(change, context, canaries)
        return
    try:
        reapply = _reapply(path, context)
    except Refused as why:
        for change in changes:
            if change.is_workload and change.template_changed and change.after is not None:
                yield from _undo(change, context, canaries, left=change.other_fields)
            else:
                yield from _unknown(change, f"gate cannot re-apply {path}: {why}")
        return
    restored = "; ".join(_what_changed(c) for c in changes)
    managed = [
        (change, canary) for change in changes if change.is_workload and change.template_changed and change.after
        for canary in canaries.targeting(change)
    ]
    for change, canary in managed:
        yield from _rollback_gate(canary, change)
    yield RollbackStep(
        "command", f"Re-apply {path} as it was before this commit; this restores {restored}", reapply
    )
    for change, canary in managed:
        yield _under_flagger(canary, change, "re-applying its previous template")
    for change in changes:
        if change.kind in ("PersistentVolumeClaim", "Namespace") and change.status == "deleted":
            yield RollbackStep(
                "note", f"{_ref(change)} comes back empty: re-creating it does not bring back what it held. "
                "A person restores the data."
            )
        if change.kind in ("ConfigMap", "Secret") and change.group == "":
            yield RollbackStep(
                "note", f"Pods read {_ref(change)} when they start: restart the workloads that use it once it is "
                "re-applied."
            )


def _what_changed(change: ObjectChange) -> str:
    if change.status == "deleted":
        return f"{_ref(change)} (deleted by this commit: created again)"
    fields = (["pod template"] if change.template_changed else []) + list(change.other_fields)
    return f"{_ref(change)} ({', '.join(fields)})"


def _reapply(path: str, context: Context) -> Command:
    """`git show BASE:path | kubectl [-n NS] apply -f -`, or Refused with the reason."""
    base = shell.sha(context.base)
    shell.repo_path(path)
    manifest = context.manifest(path, side=Side.BASE)
    if any(not document.is_resource for document in manifest.documents):
        raise Refused("it holds documents that are not Kubernetes objects")
    kustomization = kustomization_in(context, Side.BASE, folder_of(path))
    if kustomization is not None and kustomization.transforms:
        raise Refused(
            f"{kustomization.path} transforms it ({', '.join(kustomization.transforms[:4])}), so the file alone "
            "is not what the cluster got"
        )
    flag_namespace: str | None = None
    for document in manifest.documents:
        scope = scope_of(document, kustomization)
        if scope.cluster:
            continue
        if scope.namespace is None:
            raise Refused(f"the namespace of {_doc_ref(document)} is unknown: {scope.why}")
        shell.namespace(scope.namespace)
        if scope.from_kustomization:
            flag_namespace = scope.namespace
    namespace = ("-n", flag_namespace) if flag_namespace else ()
    kubectl = ("kubectl", *namespace, "apply", "-f", "-")
    return pipeline(("git", "show", f"{base}:{path}"), kubectl)


def _undo(
    change: ObjectChange, context: Context, canaries: Canaries, left: tuple[str, ...] = ()
) -> Iterator[RollbackStep]:
    assert change.after is not None
    where, refusal = _where(change, context, change.after.path, "undo its rollout (kubectl rollout undo)")
    if refusal is not None:
        yield refusal
        return
    managed = canaries.targeting(change)
    for canary in managed:
        yield from _rollback_gate(canary, change)
    revision = "ReplicaSet" if change.kind == "Deployment" else "revision"
    title = (
        f"{_ref(change)} in namespace {where.namespace} ({change.after.path}): its pod template changed; this returns "
        f"it to its previous {revision} (the one before this commit, unless something else rolled out since)"
    )
    if left:
        title += f"; its other changes ({', '.join(left)}) stay until the revert (A)"
    assert where.namespace is not None  # workloads live in namespaces; `_where` refused otherwise
    yield RollbackStep("command", title, command("kubectl", "-n", where.namespace, "rollout", "undo", _target(change)))
    for canary in managed:
        yield _under_flagger(canary, change, "the undo")


def _under_flagger(canary: Document, change: ObjectChange, what: str) -> RollbackStep:
    return RollbackStep(
        "note", f"Flagger canary {_doc_ref(canary, with_kind=False)} manages {_ref(change)}: {what} starts a new "
        "canary analysis of the previous template, promoted only once it passes (minutes, not seconds)."
    )


def _rollback_gate(canary: Document, change: ObjectChange) -> Iterator[RollbackStep]:
    """Flagger's manual rollback: a `rollback` webhook on the load tester, opened for this canary."""
    for url in _rollback_webhooks(canary):
        found = _LOADTESTER_ROLLBACK.fullmatch(url)
        owner = f"Flagger canary {_doc_ref(canary, with_kind=False)} ({canary.path})"
        if found is None:
            yield RollbackStep(
                "manual", f"{owner} has a rollback webhook at {shell.shown(url)}; gate knows how to open only "
                "Flagger's load tester: open it as that service documents to stop the analysis."
            )
            continue
        try:
            name = shell.name(canary.name, "the canary's name")
            namespace = shell.namespace(canary.namespace or change.document.namespace)
            host = found["host"].split(".")
            service = shell.name(host[0], "the load tester's service")
            tester_namespace = shell.namespace(host[1] if len(host) > 1 else namespace)
        except Refused as why:
            yield RollbackStep("manual", f"{owner} has a rollback gate, but {why}: open it by hand.")
            continue
        opened = url.rstrip("/")[: -len("/check")] + "/open"
        payload = json.dumps({"name": name, "namespace": namespace}, separators=(",", ":"))
        yield RollbackStep(
            "command",
            f"{owner} has a rollback gate: while the canary analysis of this commit still runs, this opens it and "
            "Flagger stops the analysis and routes all traffic back to the primary (the version before)",
            command("kubectl", "-n", tester_namespace, "exec", f"svc/{service}", "--",
                    "curl", "-sS", "-d", payload, opened),
        )


def _rollback_webhooks(canary: Document) -> list[str]:
    analysis = canary.spec.get("analysis", canary.spec.get("canaryAnalysis"))
    hooks = analysis.get("webhooks") if isinstance(analysis, Mapping) else None
    return [
        hook["url"] for hook in hooks or []
        if isinstance(hook, Mapping) and hook.get("type") == "rollback" and isinstance(hook.get("url"), str)
    ] if isinstance(hooks, list) else []


def _added(change: ObjectChange, context: Context) -> Iterator[RollbackStep]:
    assert change.after is not None
    path = change.after.path
    if change.kind in NEVER_DELETED:
        yield RollbackStep(
            "manual", f"{_ref(change)} ({path}) is new in this commit. gate never deletes a {change.kind}: "
            f"{NEVER_DELETED[change.kind]}. Leave it, or let a person decide."
        )
        return
    if change.group == FLAGGER_GROUP and change.kind == "Canary":
        yield RollbackStep(
            "manual", f"{_ref(change)} ({path}) is new in this commit. gate gives no command: deleting a canary hands "
            "traffic back to its Deployment only with spec.revertOnDeletion, and Flagger's revert can interrupt "
            "traffic. It governs the next rollouts, not this one: leave it, or let a person decide; the revert (A) "
            "removes it from the repository."
        )
        return
    statefulset = change.kind == "StatefulSet" and change.group == "apps"
    if (change.group, change.kind) not in DELETABLE and not statefulset:
        yield RollbackStep(
            "manual", f"{_ref(change)} ({path}) is new in this commit. gate deletes only kinds known to hold no data; "
            f"a {change.kind} ({change.group or 'core'} API) may own data or resources outside the cluster: "
            "let a person decide."
        )
        return
    action = "scale it to zero (kubectl scale)" if change.kind == "StatefulSet" else "remove it (kubectl delete)"
    where, refusal = _where(change, context, path, action)
    if refusal is not None:
        yield refusal
        return
    namespace = ["-n", where.namespace] if where.namespace else []
    if statefulset:
        policy = change.document.spec.get("persistentVolumeClaimRetentionPolicy")
        if isinstance(policy, Mapping) and policy.get("whenScaled") == "Delete":
            yield RollbackStep(
                "manual", f"{_ref(change)} ({path}) is new in this commit, and scaling it down deletes its volumes "
                "(persistentVolumeClaimRetentionPolicy.whenScaled: Delete): let a person decide."
            )
            return
        yield RollbackStep(
            "command", f"{_ref(change)}{_in(where)} ({path}) is new in this commit; this stops its pods and keeps its "
            "volumes",
            command("kubectl", *namespace, "scale", _target(change), "--replicas=0"),
        )
        return
    yield RollbackStep(
        "command", f"{_ref(change)}{_in(where)} ({path}) is new in this commit; this removes it",
        command("kubectl", *namespace, "delete", _target(change)),
    )


def _unknown(change: ObjectChange, why: str) -> Iterator[RollbackStep]:
    """No command for the object: say why once, with the read-only command that finds it."""
    done = "deleted by this commit" if change.status == "deleted" else "changed by this commit"
    yield RollbackStep(
        "lookup", f"{_ref(change)} ({done}): {why}. The revert (A) restores it; this read-only command finds it:",
        _lookup(change),
    )


def _where(change: ObjectChange, context: Context, path: str, then: str) -> tuple[Scope, RollbackStep | None]:
    """The object's namespace at head, or the step that says why gate gives no command."""
    kustomization = kustomization_in(context, Side.HEAD, folder_of(path))
    try:
        _target(change)
    except Refused as why:
        return Scope(None), RollbackStep(
            "lookup", f"{_ref(change)} ({path}): {why}; this read-only command lists its kind:", _lookup(change)
        )
    if kustomization is not None and kustomization.renames:
        return Scope(None), RollbackStep(
            "lookup", f"{_ref(change)} ({path}): {kustomization.path} renames it (namePrefix or nameSuffix), so gate "
            "cannot name it in a command; this read-only command finds it:", _lookup(change, by_name=False)
        )
    scope = scope_of(change.document, kustomization)
    if scope.cluster:
        return scope, None
    if scope.namespace is None:
        return scope, RollbackStep(
            "lookup", f"{_ref(change)} ({path}): gate gives no command because its namespace is unknown ({scope.why}); "
            f"this read-only command finds it, then {then} in that namespace:", _lookup(change)
        )
    try:
        shell.namespace(scope.namespace)
    except Refused as why:
        return Scope(None), RollbackStep(
            "lookup", f"{_ref(change)} ({path}): gate gives no command: {why}; this read-only command finds it:",
            _lookup(change),
        )
    return scope, None


def _lookup(change: ObjectChange, by_name: bool = True) -> Command:
    try:
        kind = _kubectl_type(change.group, change.kind)
    except Refused:
        return command("kubectl", "api-resources")
    scope = [] if change.cluster_scoped else ["--all-namespaces"]
    try:
        name = shell.name(change.name)
    except Refused:
        by_name = False
        name = ""
    selector = ["--field-selector", f"metadata.name={name}"] if by_name else []
    return command("kubectl", "get", kind, *scope, *selector)


def _target(change: ObjectChange) -> str:
    return f"{_kubectl_type(change.group, change.kind)}/{shell.name(change.name)}"


def _kubectl_type(group: str, kind: str) -> str:
    shell.checked(kind, shell.KIND, "the kind")
    shell.checked(group, shell.API_GROUP, "the API group")
    return kind.lower() if group in ("", "apps") else f"{kind.lower()}.{group}"


def _ref(change: ObjectChange) -> str:
    """How prose names the object: `deployment/orders`; a name gate would not use is shown escaped."""
    try:
        return f"{change.kind.lower()}/{shell.name(change.name)}"
    except Refused:
        kind = change.kind.lower() if shell.KIND.fullmatch(change.kind) else shell.shown(change.kind)
        return f"{kind} named {shell.shown(change.name)}"


def _doc_ref(document: Document, with_kind: bool = True) -> str:
    """`deployment/orders` (with its namespace when it states one), names gate would not use escaped."""
    name = document.name if shell.DNS_SUBDOMAIN.fullmatch(document.name) else shell.shown(document.name)
    namespace = document.namespace
    if namespace is not None and not shell.DNS_LABEL.fullmatch(namespace):
        namespace = shell.shown(namespace)
    if not with_kind:
        return f"{namespace}/{name}" if namespace else name
    kind = document.kind.lower() if shell.KIND.fullmatch(document.kind) else shell.shown(document.kind)
    return f"{kind}/{name}" + (f" in namespace {namespace}" if namespace else "")


def _in(scope: Scope) -> str:
    return f" in namespace {scope.namespace}" if scope.namespace else ""
