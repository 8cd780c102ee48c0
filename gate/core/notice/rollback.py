"""Rollback instructions, each something to paste as is (pure).

`git revert` of the commit, `kubectl rollout undo` for each changed Deployment or canary target,
and the one edit that turns each activated flag off in its own file format. Where gate cannot be
sure of a value a command needs (a namespace, a name), it says so and offers a read-only lookup
instead of printing a command that could act on the wrong thing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from gate.core.manifests import FLAGGER_GROUP, Document, load_manifest
from gate.core.models import Activation, Commit, Context, Side, Verdict

DEPLOYMENT_GROUPS = ("apps", "extensions")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

# Kubernetes names: a namespace is a DNS label, a Deployment a DNS subdomain. Anything else (a Helm
# placeholder, a shell metacharacter) never reaches a command line.
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_SHA = re.compile(r"^[0-9a-f]{7,64}$")


@dataclass(frozen=True, slots=True)
class RollbackStep:
    """One rollback instruction. `kind`: command (paste it), edit (make it in a file), lookup
    (a read-only command to run first, because gate could not be sure of a value)."""

    kind: str
    title: str
    code: str


def rollback_steps(verdict: Verdict, context: Context, commit: Commit) -> Iterator[RollbackStep]:
    yield revert_step(commit)
    yield from workload_steps(context)
    for activation in verdict.activations:
        yield flag_off_step(activation)


def revert_step(commit: Commit) -> RollbackStep:
    if not _SHA.match(commit.sha):
        return RollbackStep("lookup", "Find the commit to revert (gate could not read its id)", "git log -1")
    if commit.is_merge:
        # A merge has several parents; -m 1 keeps the mainline (the branch it was merged into).
        return RollbackStep(
            "command",
            f"Revert merge commit {commit.short} (keeping the mainline), then push",
            f"git revert --no-edit -m 1 {commit.sha}",
        )
    return RollbackStep("command", f"Revert commit {commit.short}, then push", f"git revert --no-edit {commit.sha}")


# -- kubectl rollout undo ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Workload:
    name: str
    namespace: str | None
    why_unknown: str
    path: str
    new: bool = False  # a Deployment this change creates: it has no earlier revision to undo to


def workload_steps(context: Context) -> Iterator[RollbackStep]:
    seen: set[tuple[str, str | None]] = set()
    for workload in changed_workloads(context):
        key = (workload.name, workload.namespace)
        if key in seen:
            continue
        seen.add(key)
        yield _undo_step(workload)


def _undo_step(workload: _Workload) -> RollbackStep:
    if not _DNS_SUBDOMAIN.match(workload.name):
        return RollbackStep(
            "lookup",
            f"A Deployment in {workload.path} has a name gate cannot use in a command "
            f"({workload.name!r}); find it and roll it back by hand",
            "kubectl get deployments --all-namespaces",
        )
    if workload.namespace is not None and workload.new:
        # `rollout undo` needs an earlier revision; a new Deployment has none and the command fails.
        return RollbackStep(
            "command",
            f"deployment/{workload.name} is new in this change ({workload.path}): stop it in namespace "
            f"{workload.namespace} (reverting the commit removes it once applied)",
            f"kubectl -n {workload.namespace} scale deployment/{workload.name} --replicas=0",
        )
    if workload.namespace is not None:
        return RollbackStep(
            "command",
            f"Roll back deployment/{workload.name} in namespace {workload.namespace} ({workload.path})",
            f"kubectl -n {workload.namespace} rollout undo deployment/{workload.name}",
        )
    return RollbackStep(
        "lookup",
        f"Namespace of deployment/{workload.name} unknown ({workload.why_unknown}, {workload.path}): "
        f"find it with this command, then run "
        f"`kubectl -n <namespace> rollout undo deployment/{workload.name}`",
        f"kubectl get deployments --all-namespaces --field-selector metadata.name={workload.name}",
    )


def changed_workloads(context: Context) -> Iterator[_Workload]:
    """Deployments in changed manifests, and the Deployments that changed Flagger canaries target."""
    for changed, manifest in context.changed_manifests():
        for document in manifest.resources(kinds=("Deployment", "Canary")):
            name = _deployment_name(document)
            if not name:
                continue
            namespace, why = resolve_namespace(document, context)
            new = document.kind == "Deployment" and not any(
                before.name == name for before in context.manifest(changed.path, side=Side.BASE).resources(
                    kinds=("Deployment",), groups=DEPLOYMENT_GROUPS)
            )
            yield _Workload(name=name, namespace=namespace, why_unknown=why, path=changed.path, new=new)


def _deployment_name(document: Document) -> str:
    """The Deployment a rollout undo would act on: the document itself or a canary's target; "" if none."""
    if document.kind == "Deployment" and document.group in DEPLOYMENT_GROUPS:
        return document.name
    if document.kind == "Canary" and document.group == FLAGGER_GROUP:
        target = document.spec.get("targetRef")
        if not isinstance(target, Mapping) or target.get("kind", "Deployment") != "Deployment":
            return ""  # a canary of a DaemonSet or Service has no Deployment to undo
        return str(target.get("name") or "")
    return ""


def resolve_namespace(document: Document, context: Context) -> tuple[str | None, str]:
    """The namespace a resource is applied to, or None and why gate cannot tell.

    `metadata.namespace` first, else a kustomization's `namespace:` in the same folder. When both
    are set and differ, kustomize would override the resource's own: gate cannot know which file is
    applied, so it calls the namespace unknown rather than guess.
    """
    own = document.namespace
    folder = posixpath.dirname(document.path)
    kustomized, kustomization_path = _kustomization_namespace(context, folder)
    if own is not None and kustomized is not None and own != kustomized:
        return None, f"metadata.namespace is {own!r} but {kustomization_path} sets {kustomized!r}"
    chosen = own if own is not None else kustomized
    if chosen is None:
        return None, "no metadata.namespace and no kustomization namespace in its folder"
    if not _DNS_LABEL.match(chosen):
        return None, f"namespace {chosen!r} is not a plain Kubernetes name (a template?)"
    return chosen, ""


def _kustomization_namespace(context: Context, folder: str) -> tuple[str | None, str]:
    for name in KUSTOMIZATION_FILES:
        path = posixpath.join(folder, name) if folder else name
        content = context.head_tree.read(path)
        if content is None:
            continue
        parsed = load_manifest(path, content)
        for document in parsed.documents:
            value = document.data.get("namespace")
            if isinstance(value, str) and value:
                return value, path
        return None, path
    return None, ""


# -- flags off ---------------------------------------------------------------------------------


def flag_off_step(activation: Activation) -> RollbackStep:
    """The edit that turns the flag off in its own format (the rest of the file stays as is)."""
    where = f"{activation.path} line {activation.line}" if activation.line else activation.path
    suffix = posixpath.splitext(activation.path)[1].lower()
    if activation.format == "flagd":
        edit = '"state": "DISABLED"' if suffix == ".json" else "state: DISABLED"
    elif activation.format == "flipt":
        edit = '"enabled": false' if suffix == ".json" else "enabled: false"
    elif activation.format == "go-feature-flag":
        edit = {".json": '"disable": true', ".toml": "disable = true"}.get(suffix, "disable: true")
    else:
        return RollbackStep(
            "lookup", f"Turn off flag {activation.flag!r} in {where} (format {activation.format!r})", ""
        )
    return RollbackStep(
        "edit",
        f"Turn off flag {activation.flag!r} ({activation.format}, {activation.change}): in {where}, set",
        edit,
    )
