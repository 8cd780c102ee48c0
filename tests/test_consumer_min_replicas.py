"""consumer-min-replicas: critical consumers keep two replicas; others are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_context

from gate.core.checks import consumer_min_replicas
from gate.core.checks.consumer_min_replicas import Options
from gate.core.models import Finding

DATA = Path(__file__).parent / "data" / "k8s"


def run(files: dict[str, str], options: Options | None = None) -> list[Finding]:
    context = make_context(head=files)
    return [f for f in consumer_min_replicas.check(context, options or Options()) if isinstance(f, Finding)]


def hpa(name: str, min_line: str = "  minReplicas: 1\n", api: str = "autoscaling/v2", labels: str = "",
        target: str | None = None, metrics: str = "") -> str:
    return (
        f"apiVersion: {api}\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\n{labels}"
        f"spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {target or name}\n"
        f"{min_line}  maxReplicas: 10\n{metrics}"
    )


def deployment(name: str, replicas: str = "  replicas: 1\n", labels: str = "") -> str:
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n{labels}spec:\n{replicas}"
        f"  selector:\n    matchLabels: {{app: {name}}}\n"
    )


def test_a_payment_consumer_hpa_with_one_replica_fails_at_its_line() -> None:
    (finding,) = run({"deploy/hpa.yaml": (DATA / "payment-consumer-hpa.yaml").read_text()})
    assert (finding.path, finding.line) == ("deploy/hpa.yaml", 11)
    assert "minReplicas is 1" in finding.message and "minimum of 2" in finding.message
    assert "payment-consumer matches *-consumer" in finding.message
    assert finding.remedy == "set `spec.minReplicas: 2` (or more)"


def test_a_keda_sqs_scaled_object_at_zero_fails() -> None:
    (finding,) = run({"deploy/so.yaml": (DATA / "orders-scaledobject.yaml").read_text()})
    assert finding.line == 9
    assert "minReplicaCount is 0" in finding.message and "queue trigger aws-sqs-queue" in finding.message


def test_a_non_critical_hpa_with_one_replica_passes() -> None:
    assert run({"deploy/hpa.yaml": hpa("frontend")}) == []


CASES = [
    # (id, files, expected lines)
    ("hpa-v1", {"a.yaml": hpa("billing-consumer", api="autoscaling/v1")}, [10]),
    ("hpa-v2beta1", {"a.yaml": hpa("billing-consumer", api="autoscaling/v2beta1")}, [10]),
    ("hpa-v2beta2", {"a.yaml": hpa("billing-consumer", api="autoscaling/v2beta2")}, [10]),
    ("hpa-min-unset-means-1", {"a.yaml": hpa("billing-consumer", min_line="")}, [5]),
    ("hpa-min-2-passes", {"a.yaml": hpa("billing-consumer", min_line="  minReplicas: 2\n")}, []),
    ("hpa-min-0", {"a.yaml": hpa("billing-consumer", min_line="  minReplicas: 0\n")}, [10]),
    (
        "hpa-critical-label",
        {"a.yaml": hpa("ledger", labels='  labels:\n    critical: "true"\n')},
        [12],
    ),
    ("hpa-critical-false-label", {"a.yaml": hpa("ledger", labels='  labels:\n    critical: "false"\n')}, []),
    ("hpa-target-name-matches", {"a.yaml": hpa("ledger-hpa", target="ledger-consumer")}, [10]),
    (
        "hpa-target-deployment-labelled-critical",
        {"a.yaml": hpa("ledger-hpa", target="ledger"), "b.yaml": deployment("ledger", labels='  labels: {critical: "true"}\n')},
        [10],
    ),
    (
        "hpa-external-sqs-metric",
        {"a.yaml": hpa("ledger", metrics="  metrics:\n  - type: External\n    external:\n      metric:\n"
                       "        name: sqs_messages_visible\n      target: {type: AverageValue, averageValue: 30}\n")},
        [10],
    ),
    (
        "hpa-external-v2beta1-queue-metric",
        {"a.yaml": hpa("ledger", api="autoscaling/v2beta1",
                       metrics="  metrics:\n  - type: External\n    external:\n      metricName: queuemessages\n"
                               "      targetValue: 30\n")},
        [10],
    ),
    (
        "hpa-cpu-metric-is-not-a-queue",
        {"a.yaml": hpa("ledger", metrics="  metrics:\n  - type: Resource\n    resource: {name: cpu}\n")},
        [],
    ),
    ("keda-unset-means-0", {"a.yaml": (DATA / "orders-scaledobject.yaml").read_text().replace("  minReplicaCount: 0\n", "")}, [6]),
    ("keda-2-passes", {"a.yaml": (DATA / "orders-scaledobject.yaml").read_text().replace("minReplicaCount: 0", "minReplicaCount: 2")}, []),
    (
        "keda-kafka",
        {"a.yaml": (DATA / "orders-scaledobject.yaml").read_text().replace("aws-sqs-queue", "kafka")},
        [9],
    ),
    (
        "keda-cpu-trigger-not-critical",
        {"a.yaml": (DATA / "orders-scaledobject.yaml").read_text().replace("aws-sqs-queue", "cpu")},
        [],
    ),
    ("deployment-consumer-1", {"a.yaml": deployment("refund-consumer")}, [6]),
    ("deployment-consumer-unset", {"a.yaml": deployment("refund-consumer", replicas="")}, [5]),
    ("deployment-consumer-3", {"a.yaml": deployment("refund-consumer", replicas="  replicas: 3\n")}, []),
    ("deployment-not-critical", {"a.yaml": deployment("web")}, []),
    (
        "deployment-covered-by-hpa-in-change",
        {"a.yaml": deployment("refund-consumer"), "b.yaml": hpa("refund-consumer", min_line="  minReplicas: 2\n")},
        [],
    ),
    (
        "deployment-covered-in-another-namespace-is-not-covered",
        {
            "a.yaml": deployment("refund-consumer").replace("  name: refund-consumer\n", "  name: refund-consumer\n  namespace: a\n"),
            "b.yaml": hpa("refund-consumer", min_line="  minReplicas: 2\n").replace("  name: refund-consumer\nspec", "  name: refund-consumer\n  namespace: b\nspec"),
        },
        [7],
    ),
    ("statefulset-kind-ignored", {"a.yaml": deployment("refund-consumer").replace("Deployment", "StatefulSet")}, []),
    ("multi-document", {"a.yaml": hpa("web") + "---\n" + hpa("mail-consumer") + "---\n"}, [22]),
]


@pytest.mark.parametrize(("files", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(files: dict[str, str], lines: list[int]) -> None:
    assert sorted(f.line or 0 for f in run(files)) == lines


def test_criticality_is_configurable() -> None:
    options = Options.validate(
        {"critical_names": ["ledger*"], "critical_labels": {"tier": "gold"}, "queue_triggers": [], "min_replicas": 3}
    )
    files = {
        "a.yaml": hpa("ledger", min_line="  minReplicas: 2\n"),
        "b.yaml": hpa("x", labels="  labels: {tier: gold}\n"),
        "c.yaml": (DATA / "orders-scaledobject.yaml").read_text(),  # sqs no longer counts
        "d.yaml": hpa("payment-consumer"),  # *-consumer no longer counts
    }
    assert sorted((f.path, f.line) for f in run(files, options)) == [("a.yaml", 10), ("b.yaml", 11)]


def test_a_non_number_minimum_is_reported() -> None:
    (finding,) = run({"a.yaml": hpa("mail-consumer", min_line="  minReplicas: one\n")})
    assert "'one', not a number" in finding.message


def keda(name: str, target: str, minimum: int = 2) -> str:
    return (
        f"apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: {name}\nspec:\n"
        f"  scaleTargetRef:\n    name: {target}\n  minReplicaCount: {minimum}\n"
        "  triggers:\n  - type: cpu\n    metadata: {value: '50'}\n"
    )


UNCHANGED = [
    # (id, unchanged files at head beside the changed deploy/consumer/deployment.yaml, expected lines)
    ("hpa-in-a-sibling-file", {"deploy/consumer/hpa.yaml": hpa("refund-consumer", min_line="  minReplicas: 2\n")}, []),
    ("hpa-in-a-sibling-yml", {"deploy/consumer/hpa.YML": hpa("refund-consumer", min_line="  minReplicas: 2\n")}, []),
    ("scaledobject-in-a-sibling-file", {"deploy/consumer/keda.yaml": keda("refund", "refund-consumer")}, []),
    ("sibling-hpa-for-another-deployment", {"deploy/consumer/hpa.yaml": hpa("other-consumer")}, [6]),
    ("hpa-in-another-folder-kustomize-out-of-scope",
     {"deploy/overlays/prod/hpa.yaml": hpa("refund-consumer", min_line="  minReplicas: 2\n")}, [6]),
    ("hpa-in-a-subfolder-is-not-a-sibling",
     {"deploy/consumer/hpa/hpa.yaml": hpa("refund-consumer", min_line="  minReplicas: 2\n")}, [6]),
    ("sibling-hpa-with-a-namespace-covers-a-deployment-without",
     {"deploy/consumer/hpa.yaml": hpa("refund-consumer", min_line="  minReplicas: 2\n").replace(
         "spec:\n", "  namespace: other\nspec:\n", 1)}, []),
    ("unparseable-sibling-is-skipped", {"deploy/consumer/broken.yaml": "a: [\n"}, [6]),
    ("sibling-that-is-not-yaml", {"deploy/consumer/hpa.txt": hpa("refund-consumer")}, [6]),
]


@pytest.mark.parametrize(("unchanged", "lines"), [c[1:] for c in UNCHANGED], ids=[c[0] for c in UNCHANGED])
def test_an_autoscaler_in_an_unchanged_sibling_file_decides(unchanged: dict[str, str], lines: list[int]) -> None:
    path = "deploy/consumer/deployment.yaml"
    context = make_context(
        head={path: deployment("refund-consumer"), **unchanged},
        base={path: deployment("refund-consumer", replicas="  replicas: 3\n"), **unchanged},
    )
    findings = [f for f in consumer_min_replicas.check(context, Options()) if isinstance(f, Finding)]
    assert [(f.path, f.line) for f in findings] == [(path, line) for line in lines]


def test_the_sibling_lookup_is_bounded() -> None:
    path = "deploy/deployment.yaml"
    fillers = {f"deploy/{n:02d}-config.yaml": "a: 1\n" for n in range(consumer_min_replicas.SIBLING_FILES_LIMIT)}
    files = {**fillers, "deploy/zz-hpa.yaml": hpa("refund-consumer", min_line="  minReplicas: 2\n")}
    context = make_context(head={path: deployment("refund-consumer"), **files},
                           base={path: deployment("refund-consumer", replicas="  replicas: 3\n"), **files})
    findings = list(consumer_min_replicas.check(context, Options()))
    assert len(findings) == 1  # the HPA is the 51st sibling by name: not read, so the Deployment is judged
    assert "deploy/zz-hpa.yaml" not in context.head_tree.accessed  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(deployment("web"), id="not-critical"),
        pytest.param(deployment("refund-consumer", replicas="  replicas: 2\n"), id="critical-with-2"),
    ],
)
def test_no_sibling_is_read_for_a_deployment_that_passes(head: str) -> None:
    path = "deploy/deployment.yaml"
    other = {"deploy/hpa.yaml": hpa("refund-consumer")}
    context = make_context(head={path: head, **other}, base=other)
    assert list(consumer_min_replicas.check(context, Options())) == []
    assert context.head_tree.accessed == [path]  # type: ignore[attr-defined]


# KEDA's idle replicas: the count it scales to whenever the triggers read no events.


def scaled_object(minimum: str = "2", idle: str | None = "0", trigger: str = "aws-sqs-queue", name: str = "orders") -> str:
    idle_line = f"  idleReplicaCount: {idle}\n" if idle is not None else ""
    return (
        f"apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: {name}\nspec:\n"
        f"  scaleTargetRef:\n    name: {name}-worker\n  minReplicaCount: {minimum}\n{idle_line}"
        f"  maxReplicaCount: 20\n  triggers:\n  - type: {trigger}\n    metadata: {{queueLength: '50'}}\n"
    )


def test_a_queue_scaled_object_idling_at_zero_is_an_error() -> None:
    """The must-show: `minReplicaCount: 2`, `idleReplicaCount: 0` on a queue trigger."""
    (finding,) = run({"deploy/so.yaml": scaled_object("2", "0")})
    assert (finding.rule, finding.severity.value, finding.line) == ("consumer-min-replicas", "error", 9)
    assert "spec.idleReplicaCount is 0" in finding.message
    assert "queue trigger aws-sqs-queue" in finding.message
    assert "minReplicaCount 2 holds only while a trigger is active" in finding.message
    assert finding.remedy.startswith("remove `spec.idleReplicaCount`")


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        pytest.param(scaled_object("2", None), [], id="no-idle-count-keeps-the-minimum"),
        pytest.param(scaled_object("2", "1"), [9], id="idle-1"),
        pytest.param(scaled_object("3", "2"), [], id="idle-2-meets-the-bound"),
        pytest.param(scaled_object("0", "0"), [8, 9], id="minimum-and-idle-both-low"),
        pytest.param(scaled_object("2", "none"), [9], id="idle-not-a-number"),
        pytest.param(scaled_object("2", "0", trigger="cpu", name="frontend"), [], id="not-a-consumer"),
        pytest.param(scaled_object("2", "0", trigger="cpu", name="ledger-consumer"), [9], id="critical-by-name"),
    ],
)
def test_idle_replica_count(text: str, lines: list[int]) -> None:
    assert [f.line for f in run({"deploy/so.yaml": text})] == lines


def test_an_idle_count_the_change_leaves_as_it_was_is_pre_existing() -> None:
    idle = scaled_object("2", "0")
    other = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '%s'}\n"
    context = make_context(head={"deploy/so.yaml": idle + other % "2"}, base={"deploy/so.yaml": idle + other % "1"})
    (finding,) = [f for f in consumer_min_replicas.check(context, Options()) if isinstance(f, Finding)]
    assert ("idleReplicaCount" in finding.message, finding.pre_existing) == (True, True)
    edited = make_context(head={"deploy/so.yaml": idle}, base={"deploy/so.yaml": scaled_object("2", None)})
    (finding,) = [f for f in consumer_min_replicas.check(edited, Options()) if isinstance(f, Finding)]
    assert finding.pre_existing is False
