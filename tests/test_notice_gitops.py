"""GitOps: when Flux or Argo CD reconciles the changed files, the per-resource commands last only until
it runs again, so the notice pauses it first (and resumes it after the revert), found from the
controllers' objects in the files gate reads, or from the policy."""

from __future__ import annotations

import pytest
from notice_cases import context_with, deployment, passing

from gate.core.notice.model import build_notice
from gate.core.notice.render import render_text
from gate.core.policy import parse_policy

CHANGE = ({"services/api/deploy.yaml": deployment()}, {"services/api/deploy.yaml": deployment(replicas=4)})
FLUX_SYNC = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {name}
  namespace: flux-system
spec:
  interval: 10m
  path: {path}
  prune: true
  sourceRef: {{kind: GitRepository, name: flux-system}}
"""
ARGO_APP = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
spec:
  source: {{repoURL: https://github.com/acme/shop, path: services, targetRevision: main}}
  destination: {{server: https://kubernetes.default.svc, namespace: shop}}
{sync}"""
AUTOMATED = "  syncPolicy:\n    automated: {prune: true, selfHeal: true}\n"

SUSPEND = ["flux", "suspend", "kustomization", "apps", "-n", "flux-system"]
RESUME = ["flux", "resume", "kustomization", "apps", "-n", "flux-system"]
RECONCILE = ["flux", "reconcile", "kustomization", "apps", "-n", "flux-system", "--with-source"]
ARGO_OFF = ["kubectl", "-n", "argocd", "patch", "application.argoproj.io", "shop", "--type", "merge", "-p",
            '{"spec":{"syncPolicy":{"automated":null}}}']
ARGO_ON = ["kubectl", "-n", "argocd", "patch", "application.argoproj.io", "shop", "--type", "merge", "-p",
           '{"spec":{"syncPolicy":{"automated":{"prune":true,"selfHeal":true}}}}']
REAPPLY = ["git", "show", f"{'b' * 40}:services/api/deploy.yaml", "|", "kubectl", "apply", "-f", "-"]
FIND_FLUX = ["flux", "get", "kustomizations", "--all-namespaces"]


def commands(extra: dict[str, str], policy: str | None = None) -> list[list[str]]:
    base, head = CHANGE
    notice = build_notice(
        passing(), context_with({**head, **extra}, {**base, **extra}),
        policy=parse_policy(policy, "policy").notice if policy else None,
    )
    return [list(c.argv) for c in notice.rollback.commands][1:]  # after the git revert


@pytest.mark.parametrize(
    ("extra", "policy", "expected"),
    [
        pytest.param({}, None, [REAPPLY], id="no-gitops"),
        pytest.param({"clusters/prod/apps.yaml": FLUX_SYNC.format(name="apps", path="./services")}, None,
                     [RECONCILE, SUSPEND, REAPPLY, RESUME], id="flux-bootstrap-folder"),
        pytest.param({"clusters/prod/apps.yaml": FLUX_SYNC.format(name="apps", path="./services") + "---\n"
                      + FLUX_SYNC.format(name="all", path="./")}, None,
                     [RECONCILE, SUSPEND, REAPPLY, RESUME], id="flux-most-specific-wins"),
        pytest.param({"clusters/prod/apps.yaml": FLUX_SYNC.format(name="apps", path="./infra")}, None,
                     [FIND_FLUX, REAPPLY], id="flux-seen-but-not-for-these-files"),
        pytest.param({"argocd/shop.yaml": ARGO_APP.format(sync=AUTOMATED)}, None, [ARGO_OFF, REAPPLY, ARGO_ON],
                     id="argocd-automated-self-heal"),
        pytest.param({"argocd/shop.yaml": ARGO_APP.format(sync="")}, None, [REAPPLY], id="argocd-manual-sync"),
        pytest.param({"clusters/prod/apps.yaml": FLUX_SYNC.format(name='"apps\\n      rm -rf ~"', path="./services")},
                     None, [FIND_FLUX, REAPPLY], id="flux-name-gate-would-not-put-in-a-command"),
        pytest.param({"deploy/elsewhere/apps.yaml": FLUX_SYNC.format(name="apps", path="./services")}, None,
                     [REAPPLY], id="outside-well-known-folders-not-read"),
        pytest.param({}, "version: 1\nnotice:\n  gitops:\n    reconcilers:\n"
                     "      - {controller: flux, name: apps, paths: ['services/**']}\n",
                     [RECONCILE, SUSPEND, REAPPLY, RESUME], id="declared-in-the-policy"),
        pytest.param({}, "version: 1\nnotice:\n  gitops:\n    reconcilers:\n"
                     "      - {controller: flux, name: apps, paths: ['infra/**']}\n",
                     [REAPPLY], id="declared-for-other-paths"),
        pytest.param({"clusters/prod/apps.yaml": FLUX_SYNC.format(name="apps", path="./services")},
                     "version: 1\nnotice:\n  gitops:\n    detect: false\n", [REAPPLY], id="detection-off"),
    ],
)
def test_the_controller_is_paused_first_and_resumed_after_the_revert(
    extra: dict[str, str], policy: str | None, expected: list[list[str]]
) -> None:
    assert commands(extra, policy) == expected


def test_the_notice_says_why_the_per_resource_commands_need_the_pause() -> None:
    base, head = CHANGE
    flux = {"clusters/prod/apps.yaml": FLUX_SYNC.format(name="apps", path="./services")}
    text = render_text(build_notice(passing(), context_with({**head, **flux}, {**base, **flux})))
    assert "Flux Kustomization flux-system/apps (clusters/prod/apps.yaml) applies these files and would put " \
           "the change back at its next reconcile: pause it first" in text
    assert "Once the revert (A) has landed, resume Flux Kustomization flux-system/apps" in text


def test_the_lookup_for_gitops_reads_a_bounded_number_of_files() -> None:
    base, head = CHANGE
    many = {f"clusters/c{n}/f{m}.yaml": "a: 1\n" for n in range(20) for m in range(10)}
    context = context_with({**head, **many}, {**base, **many})
    build_notice(passing(), context)
    read = {path for path in context.head_tree.accessed if path.startswith("clusters/") and not path.endswith("/")}  # type: ignore[attr-defined]
    assert 0 < len(read) <= 40


def test_a_policy_reconciler_name_must_be_a_kubernetes_name() -> None:
    from gate.core.errors import PolicyError

    with pytest.raises(PolicyError, match="is not a Kubernetes object name"):
        parse_policy("version: 1\nnotice:\n  gitops:\n    reconcilers:\n"
                     "      - {controller: flux, name: \"apps\\n\"}\n", "policy")
