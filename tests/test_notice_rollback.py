"""The rollback section: labelled alternatives, and per-resource commands derived from what the
commit did to each object (both sides of the change), never a command that would undo the wrong
thing."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from helpers import SEED_CANARY
from notice_cases import (
    BASE,
    COMMIT,
    MERGE,
    SHA,
    command_lines,
    context_with,
    deployment,
    passing,
    resource,
    rich_context,
    rich_verdict,
)

from gate.core.models import Commit
from gate.core.notice.model import build_notice
from gate.core.notice.render import render_chatbot, render_json, render_text
from gate.core.notice.revert import revert_steps
from gate.core.notice.steps import NOW, REVERT

REAPPLY = f"git show {BASE}:svc/deploy.yaml | kubectl apply -f -"
UNDO = "kubectl -n shop rollout undo deployment/api"


def now_steps(head: dict[str, str], base: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(kind, code) of each step of alternative B, for the change base -> head."""
    notice = build_notice(passing(), context_with(head, base))
    (now,) = [a for a in notice.rollback.alternatives if a.id == NOW]
    return [(step.kind, step.code) for step in now.steps]


def everything(head: dict[str, str], base: dict[str, str] | None = None) -> str:
    """Every rendering of the notice, to look for what must never appear anywhere."""
    notice = build_notice(passing(), context_with(head, base))
    return render_text(notice) + json.dumps(render_chatbot(notice)) + json.dumps(render_json(notice, {}))


KUSTOMIZE_NS = "namespace: shop\nresources:\n- deploy.yaml\n"
KUSTOMIZE_IMAGES = "namespace: shop\nresources:\n- deploy.yaml\nimages:\n- name: shop/api\n  newTag: '2.0'\n"
KUSTOMIZE_PREFIX = "namespace: shop\nnamePrefix: prod-\nresources:\n- deploy.yaml\n"
PVC = resource("PersistentVolumeClaim", "data", spec="spec:\n  resources: {requests: {storage: 1Gi}}\n")
CONFIG = resource("ConfigMap", "api-config", spec="data:\n  LEVEL: info\n")
SERVICE = resource("Service", "api", spec="spec:\n  ports: [{port: 80}]\n")
ROLE = resource("ClusterRole", "reader", namespace=None, api="rbac.authorization.k8s.io/v1", spec="rules: []\n")
RETAINING = deployment(kind="StatefulSet") + "  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}\n"


# Each case: the file svc/deploy.yaml (and friends) before and after, and the steps of B.
@pytest.mark.parametrize(
    ("base", "head", "expected"),
    [
        pytest.param({"svc/deploy.yaml": deployment()}, {"svc/deploy.yaml": deployment(replicas=4)},
                     [("command", REAPPLY)], id="replicas-only-reapplies-the-base"),
        pytest.param({"svc/deploy.yaml": deployment()}, {"svc/deploy.yaml": deployment(image="shop/api:2.0")},
                     [("command", UNDO)], id="image-change-rolls-out-undo"),
        pytest.param({"svc/deploy.yaml": deployment()},
                     {"svc/deploy.yaml": deployment(image="shop/api:2.0", replicas=4)},
                     [("command", REAPPLY)], id="image-and-replicas-reapply-restores-both"),
        pytest.param({"svc/deploy.yaml": deployment(kind="DaemonSet")},
                     {"svc/deploy.yaml": deployment(kind="DaemonSet", image="x:2")},
                     [("command", "kubectl -n shop rollout undo daemonset/api")], id="daemonset-template"),
        pytest.param({"svc/deploy.yaml": deployment(kind="StatefulSet")},
                     {"svc/deploy.yaml": deployment(kind="StatefulSet", image="x:2")},
                     [("command", "kubectl -n shop rollout undo statefulset/api")], id="statefulset-template"),
        pytest.param({}, {"svc/deploy.yaml": deployment()},
                     [("command", "kubectl -n shop delete deployment/api")], id="added-deployment-removed"),
        pytest.param({}, {"svc/deploy.yaml": deployment(kind="StatefulSet")},
                     [("command", "kubectl -n shop scale statefulset/api --replicas=0")],
                     id="added-statefulset-stopped-volumes-kept"),
        pytest.param({}, {"svc/deploy.yaml": RETAINING}, [("manual", "")], id="added-statefulset-deleting-volumes"),
        pytest.param({}, {"svc/deploy.yaml": resource("Namespace", "shop", namespace=None)}, [("manual", "")],
                     id="added-namespace-never-deleted"),
        pytest.param({}, {"svc/deploy.yaml": PVC}, [("manual", "")], id="added-pvc-never-deleted"),
        pytest.param({}, {"svc/deploy.yaml": resource("DBInstance", "orders", api="rds.services.k8s.aws/v1alpha1")},
                     [("manual", "")], id="added-unknown-kind-left-to-a-person"),
        pytest.param({}, {"svc/deploy.yaml": SEED_CANARY}, [("manual", "")], id="added-canary-left-to-a-person"),
        pytest.param({}, {"svc/deploy.yaml": ROLE},
                     [("command", "kubectl delete clusterrole.rbac.authorization.k8s.io/reader")],
                     id="added-cluster-scoped-no-namespace"),
        pytest.param({"svc/deploy.yaml": deployment()}, {}, [("command", REAPPLY)], id="deleted-reapplied-from-base"),
        pytest.param({"svc/deploy.yaml": PVC}, {}, [("command", REAPPLY), ("note", "")],
                     id="deleted-pvc-comes-back-empty"),
        pytest.param({"svc/deploy.yaml": CONFIG}, {"svc/deploy.yaml": CONFIG.replace("info", "debug")},
                     [("command", REAPPLY), ("note", "")], id="configmap-reapplied-pods-restarted"),
        pytest.param({"svc/deploy.yaml": ROLE}, {"svc/deploy.yaml": ROLE.replace("[]", "[{verbs: [get]}]")},
                     [("command", REAPPLY)], id="cluster-scoped-modified"),
        pytest.param({"svc/deploy.yaml": deployment(namespace=None), "svc/kustomization.yaml": KUSTOMIZE_NS},
                     {"svc/deploy.yaml": deployment(namespace=None, replicas=5),
                      "svc/kustomization.yaml": KUSTOMIZE_NS},
                     [("command", f"git show {BASE}:svc/deploy.yaml | kubectl -n shop apply -f -")],
                     id="kustomization-namespace"),
        pytest.param({"svc/deploy.yaml": deployment(namespace=None), "svc/kustomization.yaml": KUSTOMIZE_IMAGES},
                     {"svc/deploy.yaml": deployment(namespace=None, replicas=5),
                      "svc/kustomization.yaml": KUSTOMIZE_IMAGES},
                     [("lookup", "kubectl get deployment --all-namespaces --field-selector metadata.name=api")],
                     id="kustomize-transforms-no-raw-reapply"),
        pytest.param({"svc/deploy.yaml": deployment(namespace=None), "svc/kustomization.yaml": KUSTOMIZE_IMAGES},
                     {"svc/deploy.yaml": deployment(namespace=None, image="x:2", replicas=5),
                      "svc/kustomization.yaml": KUSTOMIZE_IMAGES},
                     [("command", UNDO)], id="kustomize-transforms-template-still-undone"),
        pytest.param({"svc/deploy.yaml": deployment(namespace=None), "svc/kustomization.yaml": KUSTOMIZE_PREFIX},
                     {"svc/deploy.yaml": deployment(namespace=None, image="x:2"),
                      "svc/kustomization.yaml": KUSTOMIZE_PREFIX},
                     [("lookup", "kubectl get deployment --all-namespaces")], id="name-prefix-cannot-be-named"),
        pytest.param({"svc/deploy.yaml": deployment(namespace=None)},
                     {"svc/deploy.yaml": deployment(namespace=None, image="x:2")},
                     [("lookup", "kubectl get deployment --all-namespaces --field-selector metadata.name=api")],
                     id="unknown-namespace-lookup"),
        pytest.param({"svc/deploy.yaml": deployment(namespace=None)},
                     {"svc/deploy.yaml": deployment(namespace=None, replicas=3)},
                     [("lookup", "kubectl get deployment --all-namespaces --field-selector metadata.name=api")],
                     id="unknown-namespace-reapply-lookup"),
        pytest.param({"svc/deploy.yaml": deployment(namespace="staging"), "svc/kustomization.yaml": KUSTOMIZE_NS},
                     {"svc/deploy.yaml": deployment(namespace="staging", image="x:2"),
                      "svc/kustomization.yaml": KUSTOMIZE_NS},
                     [("lookup", "kubectl get deployment --all-namespaces --field-selector metadata.name=api")],
                     id="kustomization-disagrees-unknown"),
        pytest.param({"svc/deploy.yaml": deployment() + "---\n" + SERVICE},
                     {"svc/deploy.yaml": deployment(replicas=5) + "---\n" + SERVICE + "---\n" + CONFIG},
                     [("command", REAPPLY), ("command", "kubectl -n shop delete configmap/api-config")],
                     id="multi-document-file-and-an-object-added-to-it"),
        pytest.param({"old/deploy.yaml": deployment()}, {"svc/deploy.yaml": deployment(replicas=3)},
                     [("command", f"git show {BASE}:old/deploy.yaml | kubectl apply -f -")],
                     id="moved-and-edited-is-modified"),
        pytest.param({"old/deploy.yaml": deployment()}, {"svc/deploy.yaml": deployment()},
                     [("note", "")], id="moved-unchanged-nothing-to-undo"),
        pytest.param({"svc/deploy.yaml": deployment(), "svc/kustomization.yaml": KUSTOMIZE_NS},
                     {"svc/deploy.yaml": deployment(), "svc/kustomization.yaml": KUSTOMIZE_IMAGES},
                     [("manual", "")], id="kustomization-change-is-the-reverts"),
        pytest.param({"svc/deploy.yaml": deployment()}, {"svc/deploy.yaml": "kind: [unclosed\n"},
                     [("manual", "")], id="unreadable-file-is-the-reverts"),
        pytest.param({"README.md": "a"}, {"README.md": "b"}, [("note", "")], id="docs-only-nothing-per-resource"),
    ],
)
def test_per_resource_steps_follow_what_the_commit_did(
    base: dict[str, str], head: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert now_steps(head, base) == expected


def test_a_replicas_only_change_never_rolls_out_undo_anywhere_and_the_revert_comes_first() -> None:
    base, head = {"svc/deploy.yaml": deployment()}, {"svc/deploy.yaml": deployment(replicas=4)}
    assert "rollout undo" not in everything(head, base)
    notice = build_notice(passing(), context_with(head, base))
    first, second = notice.rollback.alternatives
    assert (first.id, second.id) == (REVERT, NOW)
    assert notice.rollback.commands[0].line == f"git revert --no-edit {SHA}"
    assert command_lines(render_text(notice)) == [f"git revert --no-edit {SHA}", REAPPLY]
    (reapply,) = [s for s in second.steps if s.command is not None]
    assert "deployment/api (spec.replicas)" in reapply.title


def test_an_image_change_rolls_back_to_the_previous_replicaset_in_its_namespace() -> None:
    base, head = {"svc/deploy.yaml": deployment()}, {"svc/deploy.yaml": deployment(image="shop/api:2.0")}
    text = render_text(build_notice(passing(), context_with(head, base)))
    assert f"\n      {UNDO}\n" in text
    assert "returns it to its previous ReplicaSet" in text


def test_a_canary_analysis_change_never_rolls_out_undo_of_its_target() -> None:
    before = SEED_CANARY.replace("threshold: 5", "threshold: 3")
    base, head = {"svc/canary.yaml": before}, {"svc/canary.yaml": SEED_CANARY}
    assert "rollout undo" not in everything(head, base)
    assert now_steps(head, base) == [
        ("command", f"git show {BASE}:svc/canary.yaml | kubectl apply -f -"),
    ]


def test_an_added_deployment_is_removed_never_undone() -> None:
    head = {"svc/deploy.yaml": deployment()}
    assert "rollout undo" not in everything(head)
    text = render_text(build_notice(passing(), context_with(head)))
    assert "\n      kubectl -n shop delete deployment/api\n" in text
    assert "is new in this commit; this removes it" in text


def test_an_unknown_namespace_is_said_once_with_the_command_that_finds_it_and_no_placeholder() -> None:
    base = {"svc/deploy.yaml": deployment(namespace=None)}
    head = {"svc/deploy.yaml": deployment(namespace=None, image="x:2")}
    text = render_text(build_notice(passing(), context_with(head, base)))
    assert text.count("namespace is unknown") == 1
    assert "<" not in "".join(command_lines(text))
    assert command_lines(text)[-1] == "kubectl get deployment --all-namespaces --field-selector metadata.name=api"


def test_data_is_never_deleted_and_the_notice_says_why() -> None:
    head = {"svc/a.yaml": PVC, "svc/b.yaml": resource("Namespace", "shop", namespace=None),
            "svc/c.yaml": resource("CustomResourceDefinition", "things.example.com", namespace=None,
                                   api="apiextensions.k8s.io/v1")}
    notice = build_notice(passing(), context_with(head))
    assert not any("delete" in command.argv for command in notice.rollback.commands)
    text = render_text(notice)
    assert "gate never deletes a PersistentVolumeClaim: it holds data" in text
    assert "gate never deletes a Namespace: deleting a Namespace deletes everything in it" in text
    assert "gate never deletes a CustomResourceDefinition" in text


# -- Flagger ------------------------------------------------------------------------------------------

ROLLBACK_HOOK = """\
    webhooks:
    - name: rollback gate
      type: rollback
      url: {url}
"""


def canary_with_hook(url: str) -> str:
    return SEED_CANARY + ROLLBACK_HOOK.format(url=url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("http://flagger-loadtester.test/rollback/check",
                     ["kubectl", "-n", "test", "exec", "svc/flagger-loadtester", "--", "curl", "-sS", "-d",
                      '{"name":"checkout-service","namespace":"production"}',
                      "http://flagger-loadtester.test/rollback/open"], id="loadtester-in-its-namespace"),
        pytest.param("http://flagger-loadtester.test.svc.cluster.local:80/rollback/check",
                     ["kubectl", "-n", "test", "exec", "svc/flagger-loadtester", "--", "curl", "-sS", "-d",
                      '{"name":"checkout-service","namespace":"production"}',
                      "http://flagger-loadtester.test.svc.cluster.local:80/rollback/open"], id="full-host-and-port"),
        pytest.param("http://loadtester/rollback/check",
                     ["kubectl", "-n", "production", "exec", "svc/loadtester", "--", "curl", "-sS", "-d",
                      '{"name":"checkout-service","namespace":"production"}', "http://loadtester/rollback/open"],
                     id="short-host-is-the-canarys-namespace"),
        pytest.param("https://hooks.example.com/abort", None, id="other-webhook-left-to-a-person"),
        pytest.param("http://x.test/rollback/check?$(reboot)", None, id="odd-url-never-a-command"),
    ],
)
def test_a_rollback_webhook_on_the_load_tester_gets_the_command_that_opens_it(
    url: str, expected: list[str] | None
) -> None:
    base = {"svc/deploy.yaml": deployment("checkout-service", "production"), "svc/canary.yaml": canary_with_hook(url)}
    head = {**base, "svc/deploy.yaml": deployment("checkout-service", "production", image="x:2")}
    notice = build_notice(passing(), context_with(head, base))
    argvs = [list(c.argv) for c in notice.rollback.commands]
    undo = ["kubectl", "-n", "production", "rollout", "undo", "deployment/checkout-service"]
    if expected is None:
        assert not any("curl" in argv for argv in argvs)
        assert "has a rollback webhook at" in render_text(notice)
    else:
        assert argvs.index(expected) < argvs.index(undo)  # the gate first: it stops the analysis at once
    assert "the undo starts a new canary analysis" in render_text(notice)


# -- A: the revert ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("commit", "base", "expected"),
    [
        pytest.param(COMMIT, BASE, [["git", "revert", "--no-edit", SHA]], id="one-commit"),
        pytest.param(MERGE, BASE, [["git", "revert", "--no-edit", "-m", "1", SHA]], id="merge-keeps-mainline"),
        pytest.param(replace(COMMIT, parents=("c" * 40,)), BASE,
                     [["git", "diff", "--binary", SHA, BASE, "|", "git", "apply", "--3way"],
                      ["git", "commit", "-m", f"Revert {BASE[:12]}..{SHA[:12]}"]], id="several-commits-one-change"),
        pytest.param(COMMIT, "4b825dc642cb6eb9a060e54bf8d69288fbee4904", [["git", "revert", "--no-edit", SHA]],
                     id="empty-base-reverts-the-commit-alone"),
        pytest.param(replace(COMMIT, sha="HEAD; rm -rf /"), BASE, [], id="bad-sha-no-command"),
    ],
)
def test_the_revert_fits_the_commit_and_the_range(commit: Commit, base: str, expected: list[list[str]]) -> None:
    steps = list(revert_steps(commit, base))
    assert [list(s.command.argv) for s in steps if s.command is not None] == expected


def test_alternatives_are_labelled_as_alternatives_never_numbered_as_steps() -> None:
    notice = build_notice(rich_verdict(), rich_context())
    text = render_text(notice)
    assert "Rollback: 2 alternatives. Choose ONE; they are not steps to run in order." in text
    assert "\nA) Revert the commit. Durable:" in text
    assert "\nB) Undo now, per resource. When minutes matter:" in text
    assert not any(line.lstrip().startswith(("1.", "2.", "3.")) for line in text.splitlines())
    steps = render_chatbot(notice)["content"]["nextSteps"]
    assert steps[0] == "*Rollback: 2 alternatives. Choose ONE; they are not steps in order.*"
    assert steps[1].startswith("*A) Revert the commit.*")
    assert any(step.startswith("*B) Undo now, per resource.*") for step in steps)
    assert all(step.startswith(("*", "A · ", "B · ")) for step in steps)
    document = render_json(notice, {})["notice"]
    assert [a["id"] for a in document["rollback_alternatives"]] == ["revert", "now"]
    assert {step["alternative"] for step in document["rollback"]} == {"revert", "now"}


def test_every_command_is_the_argv_gate_meant_and_holds_no_placeholder() -> None:
    import shlex

    notice = build_notice(rich_verdict(), rich_context())
    document = render_json(notice, {})["notice"]
    commands = [s for s in document["rollback"] if "argv" in s]
    assert commands
    for step in commands:
        flat = [token for index, stage in enumerate(step["argv"]) for token in (["|"] if index else []) + stage]
        assert shlex.split(step["code"]) == flat
        assert not any(mark in step["code"] for mark in ("<", ">", "NAMESPACE", "NAME"))
