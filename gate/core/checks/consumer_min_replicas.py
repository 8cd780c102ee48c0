"""consumer-min-replicas: a critical queue consumer never scales below 2 replicas.

The seed's silent queue: a node was drained, the consumer pods were evicted, and an autoscaler whose
minimum was zero was content with zero replicas processing zero messages. Nothing alerted; orders
piled up. Two replicas of every critical consumer, always, survive one eviction.

What is read: the resources in every changed `.yaml`/`.yml` file:

- a `HorizontalPodAutoscaler` of any version (autoscaling v1, v2beta1, v2beta2, v2): its
  `spec.minReplicas`, which Kubernetes defaults to 1 when unset;
- a KEDA `ScaledObject` (keda.sh): its `spec.minReplicaCount`, which KEDA defaults to 0 when unset;
- a `Deployment`: its `spec.replicas` (unset means 1), but only when no autoscaler targets it through
  `scaleTargetRef` (the autoscaler then decides the count, and is judged when it changes). The
  autoscaler is looked for in the change and, before a Deployment is reported, in the other
  `.yaml`/`.yml` files of the Deployment's folder at head, where the HPA usually sits unchanged.

That sibling lookup is the only place this check reads files the change did not touch, and it is
bounded: only the folders of Deployments about to be reported, at most 50 files each, by name.
Kustomize is out of scope: an autoscaler in another folder (a base or an overlay) or a patch that
sets `replicas` is not seen, so such a Deployment is judged as written. A Helm chart template that
does not parse as YAML is an `invalid-file` notice, and its resources are not judged until rendered
(`helm template`).

A workload is critical when any of these holds (all configurable):

- a label from `critical_labels` (default `critical: "true"`) on the resource or on the Deployment it
  scales, when that Deployment is in the change;
- its name, or the name of the workload it scales, matches a glob of `critical_names` (default
  `*-consumer`);
- it is a ScaledObject with a queue trigger (`queue_triggers`: aws-sqs-queue, kafka, rabbitmq,
  azure-servicebus, gcp-pubsub, redis-streams, nats-jetstream, and the like): a queue consumer by
  definition;
- it is an HPA that scales on an `External` metric whose name matches `queue_metrics` (a queue's
  backlog, such as SQS or Service Bus message counts, Pub/Sub undelivered messages): the HPA form of
  a queue trigger.

A critical workload whose minimum is below `min_replicas` (2) is an error at the line of the
minimum (or of `spec` when the minimum is unset and the default applies).

**KEDA's idle replicas.** A ScaledObject's `spec.idleReplicaCount` is the count KEDA scales to
whenever all its triggers report no activity; `minReplicaCount` then applies only while a trigger is
active. For a critical consumer, an `idleReplicaCount` below `min_replicas` (KEDA accepts only 0) is
an error at its line, whatever `minReplicaCount` says: `minReplicaCount: 2` with
`idleReplicaCount: 0` drops the consumer to zero each time its scaler reads no events, including
when the scaler reads the wrong queue or cannot reach it. That is the silent queue again.
"""

from __future__ import annotations

import dataclasses
import itertools
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Annotated, NamedTuple

from gate.core.checks.base import CheckOptions, Result, at_least
from gate.core.manifests import YAML_SUFFIXES, Document, as_number, get_path, same_namespace
from gate.core.models import Context, EntryKind, FileStatus, Finding, Severity, Side

ID = "consumer-min-replicas"
ORDER = 50

HPA_GROUPS = ("autoscaling",)
KEDA_GROUPS = ("keda.sh",)
WORKLOAD_GROUPS = ("apps", "extensions")
# What Kubernetes and KEDA use when the minimum is not written.
HPA_DEFAULT_MIN = 1
KEDA_DEFAULT_MIN = 0
DEPLOYMENT_DEFAULT_REPLICAS = 1
# How many other YAML files of a Deployment's folder are read to find its autoscaler.
SIBLING_FILES_LIMIT = 50


@dataclass(frozen=True)
class Options(CheckOptions):
    """Which workloads are critical consumers, and how few replicas they may run."""

    min_replicas: Annotated[int, at_least(1)] = 2
    """Fewest replicas a critical consumer may run."""
    critical_labels: dict[str, str] = field(default_factory=lambda: {"critical": "true"})
    """Labels (name: value) that mark a workload critical."""
    critical_names: tuple[str, ...] = ("*-consumer",)
    """Globs of resource or target names that are critical consumers."""
    queue_triggers: tuple[str, ...] = (
        "aws-sqs-queue",
        "kafka",
        "apache-kafka",
        "rabbitmq",
        "azure-servicebus",
        "azure-queue",
        "azure-eventhub",
        "gcp-pubsub",
        "redis-streams",
        "redis-lists",
        "redis-cluster-streams",
        "redis-cluster-lists",
        "nats-jetstream",
        "stan",
        "activemq",
        "artemis-queue",
        "ibmmq",
        "pulsar",
        "aws-kinesis-stream",
    )
    """KEDA trigger types that make a ScaledObject a queue consumer."""
    queue_metrics: tuple[str, ...] = (
        "*queue*", "*num_undelivered_messages*", "*servicebus*", "*sqs*", "*consumer_lag*", "*consumergroup_lag*"
    )
    """Globs of HPA External metric names that measure a queue's backlog."""


class _Minimum(NamedTuple):
    """A workload's least replica count as written, or the default that applies."""

    value: float | None  # None: written but not a number
    raw: object
    line: int
    written: bool


def check(context: Context, options: Options) -> Iterator[Result]:
    hpas = list(context.resources(kinds=("HorizontalPodAutoscaler",), groups=HPA_GROUPS))
    scaled_objects = list(context.resources(kinds=("ScaledObject",), groups=KEDA_GROUPS))
    deployments = list(context.resources(kinds=("Deployment",), groups=WORKLOAD_GROUPS))
    # Matched through indexes by (kind, name): a change of thousands of objects must not cost the
    # square of them.
    workloads = _Index(deployments, lambda d: (d.kind, d.name))
    for hpa in hpas:
        target = workloads.match(hpa, _target_ref(hpa))
        reasons = _critical_reasons(hpa, target, options) + _queue_metric_reasons(hpa, options)
        if reasons:
            minimum = _minimum(hpa, "minReplicas", HPA_DEFAULT_MIN)
            findings = _judge(hpa, "HorizontalPodAutoscaler", "minReplicas", minimum, reasons, options)
            yield from _marked(findings, _scaler_unchanged(context, hpa, target))
    for scaled in scaled_objects:
        target = workloads.match(scaled, _target_ref(scaled))
        reasons = _critical_reasons(scaled, target, options) + _queue_trigger_reasons(scaled, options)
        if reasons:
            minimum = _minimum(scaled, "minReplicaCount", KEDA_DEFAULT_MIN)
            findings = itertools.chain(
                _judge(scaled, "ScaledObject", "minReplicaCount", minimum, reasons, options),
                _judge_idle(scaled, minimum, reasons, options),
            )
            yield from _marked(findings, _scaler_unchanged(context, scaled, target))
    autoscalers = _Index(hpas + scaled_objects, _target_ref)
    siblings = _SiblingAutoscalers(context, {changed.path for changed in context.changed(suffixes=YAML_SUFFIXES)})
    lost: _Index | None = None
    for deployment in deployments:
        if autoscalers.match(deployment, (deployment.kind, deployment.name)) is not None:
            continue  # its autoscaler is judged instead
        reasons = _critical_reasons(deployment, None, options)
        if not reasons:
            continue
        minimum = _minimum(deployment, "replicas", DEPLOYMENT_DEFAULT_REPLICAS)
        if minimum.value is not None and minimum.value >= options.min_replicas:
            continue  # passes as written: no need to read its folder
        if siblings.of(deployment.path).match(deployment, (deployment.kind, deployment.name)) is not None:
            continue  # an unchanged autoscaler beside it decides the count
        findings = _judge(deployment, "Deployment", "replicas", minimum, reasons, options)
        unchanged = context.unchanged(deployment)
        if unchanged and lost is None:
            lost = _Index(list(_base_autoscalers(context)), _target_ref)
        old = unchanged and lost is not None and lost.match(deployment, (deployment.kind, deployment.name)) is None
        yield from _marked(findings, old)


class _Index:
    """Documents by a key, to find the one that matches a document in the same namespace."""

    def __init__(self, documents: list[Document], key: Callable[[Document], tuple[str, str]]) -> None:
        self._by_key: dict[tuple[str, str], list[Document]] = {}
        for document in documents:
            self._by_key.setdefault(key(document), []).append(document)

    def match(self, other: Document, key: tuple[str, str]) -> Document | None:
        for document in self._by_key.get(key, ()):
            if same_namespace(other, document):
                return document
        return None


def _marked(findings: Iterator[Finding], pre_existing: bool) -> Iterator[Finding]:
    """Findings about an object the change left as it was are pre-existing."""
    for finding in findings:
        yield dataclasses.replace(finding, pre_existing=True) if pre_existing else finding


def _scaler_unchanged(context: Context, scaler: Document, target: Document | None) -> bool:
    """An autoscaler is left as it was when it and the workload it scales (when the change holds
    it: a new `critical` label there makes the autoscaler critical) are both unchanged."""
    return context.unchanged(scaler) and (target is None or context.unchanged(target))


def _base_autoscalers(context: Context) -> Iterator[Document]:
    """The autoscalers the changed files held before the change. One that scaled a Deployment and
    is gone (or changed) makes its `replicas` decide again: a too-low count is this change's doing."""
    for changed in context.changed(suffixes=YAML_SUFFIXES, at_head=False):
        if changed.status is FileStatus.ADDED:
            continue
        before = context.manifest(changed.old_path or changed.path, Side.BASE)
        yield from before.resources(kinds=("HorizontalPodAutoscaler",), groups=HPA_GROUPS)
        yield from before.resources(kinds=("ScaledObject",), groups=KEDA_GROUPS)


class _SiblingAutoscalers:
    """Autoscalers in the unchanged YAML files of a folder at head, read once per folder."""

    def __init__(self, context: Context, changed_paths: set[str]) -> None:
        self._context = context
        self._changed = changed_paths  # already read as part of the change
        self._by_folder: dict[str, _Index] = {}

    def of(self, path: str) -> _Index:
        folder = posixpath.dirname(path)
        if folder not in self._by_folder:
            self._by_folder[folder] = _Index(list(self._read(folder)), _target_ref)
        return self._by_folder[folder]

    def _read(self, folder: str) -> Iterator[Document]:
        entries = self._context.head_tree.listdir(folder)
        names = sorted(n for n, kind in entries.items() if kind is EntryKind.FILE and n.lower().endswith(YAML_SUFFIXES))
        for name in names[:SIBLING_FILES_LIMIT]:
            path = posixpath.join(folder, name)
            if path in self._changed:
                continue
            manifest = self._context.manifest(path)
            if not manifest.ok:
                continue  # an unchanged file gate cannot read is not this change's finding
            yield from manifest.resources(kinds=("HorizontalPodAutoscaler",), groups=HPA_GROUPS)
            yield from manifest.resources(kinds=("ScaledObject",), groups=KEDA_GROUPS)


def _target_ref(scaler: Document) -> tuple[str, str]:
    """(kind, name) of the workload an autoscaler scales; KEDA's kind defaults to Deployment."""
    ref = scaler.spec.get("scaleTargetRef")
    if not isinstance(ref, dict):
        return "", ""
    kind = ref.get("kind") or ("Deployment" if scaler.kind == "ScaledObject" else "")
    return str(kind), str(ref.get("name") or "")


def _critical_reasons(resource: Document, target: Document | None, options: Options) -> list[str]:
    reasons: list[str] = []
    for holder in (resource, target):
        if holder is None:
            continue
        for key, value in options.critical_labels.items():
            # A label value is a string; `critical: true` unquoted still means what it says.
            if holder.labels.get(key, "").lower() == value.lower():
                reasons.append(f'{holder.kind} {holder.name} has the label {key}: "{value}"')
    names = {resource.name}
    if resource.kind != "Deployment":
        names.add(_target_ref(resource)[1])
    for name in sorted(n for n in names if n):
        for pattern in options.critical_names:
            if fnmatchcase(name, pattern):
                reasons.append(f"the name {name} matches {pattern}")
                break
    return reasons


def _queue_trigger_reasons(scaled: Document, options: Options) -> list[str]:
    triggers = scaled.spec.get("triggers")
    if not isinstance(triggers, list):
        return []
    queue = set(options.queue_triggers)
    types = sorted({str(t.get("type")) for t in triggers if isinstance(t, dict) and t.get("type") in queue})
    return [f"it scales on the queue trigger {kind}" for kind in types]


def _queue_metric_reasons(hpa: Document, options: Options) -> list[str]:
    metrics = hpa.spec.get("metrics")
    if not isinstance(metrics, list):
        return []
    reasons: list[str] = []
    for metric in metrics:
        if not isinstance(metric, dict) or metric.get("type") != "External":
            continue
        # autoscaling/v2 and v2beta2 nest the name under `metric`; v2beta1 has `metricName`.
        name = get_path(metric, "external", "metric", "name") or get_path(metric, "external", "metricName")
        if isinstance(name, str) and any(fnmatchcase(name.lower(), p.lower()) for p in options.queue_metrics):
            reasons.append(f"it scales on the queue metric {name}")
    return reasons


def _minimum(resource: Document, key: str, default: int) -> _Minimum:
    spec = resource.spec
    if key in spec:
        return _Minimum(as_number(spec[key]), spec[key], spec.line_of(key), written=True)
    return _Minimum(float(default), None, resource.data.line_of("spec"), written=False)


def _judge_idle(scaled: Document, minimum: _Minimum, reasons: list[str], options: Options) -> Iterator[Finding]:
    """`idleReplicaCount` below the bound: KEDA scales to it whenever the triggers read no events."""
    spec = scaled.spec
    if "idleReplicaCount" not in spec:
        return
    raw = spec["idleReplicaCount"]
    idle = as_number(raw)
    bound = options.min_replicas
    if idle is not None and idle >= bound:
        return
    found = f"is {raw!r}, not a number" if idle is None else f"is {int(idle)}"
    while_active = (
        f" (minReplicaCount {int(minimum.value)} holds only while a trigger is active)"
        if minimum.value is not None and minimum.written
        else ""
    )
    yield Finding(
        rule=ID,
        severity=Severity.ERROR,
        path=scaled.path,
        line=spec.line_of("idleReplicaCount"),
        message=f"ScaledObject {scaled.name or '(unnamed)'} is a critical consumer ({'; '.join(reasons)}) and "
        f"spec.idleReplicaCount {found}: "
        f"whenever its triggers read no events KEDA scales it to {int(idle) if idle is not None else 'that count'}, "
        f"below the minimum of {bound}{while_active}; a scaler that reads the wrong queue, or cannot reach it, "
        "leaves the queue with no consumer and nothing alerts",
        remedy=f"remove `spec.idleReplicaCount`, so KEDA keeps `minReplicaCount` ({bound} or more) replicas "
        "at all times",
    )


def _judge(
    resource: Document, kind: str, key: str, minimum: _Minimum, reasons: list[str], options: Options
) -> Iterator[Finding]:
    bound = options.min_replicas
    why = "; ".join(reasons)
    if minimum.value is not None and minimum.value >= bound:
        return
    if minimum.value is None:
        found = f"spec.{key} is {minimum.raw!r}, not a number"
    elif minimum.written:
        found = f"spec.{key} is {int(minimum.value)}"
    else:
        found = f"spec.{key} is unset, so it is {int(minimum.value)}"
    yield Finding(
        rule=ID,
        severity=Severity.ERROR,
        path=resource.path,
        line=minimum.line,
        message=f"{kind} {resource.name or '(unnamed)'} is a critical consumer ({why}) and {found}, "
        f"below the minimum of {bound}: evicted pods would leave the queue with no consumer",
        remedy=f"set `spec.{key}: {bound}` (or more)",
    )
