"""Fixed changes and verdicts for the deployment-notice tests (deterministic: fixed commit, fixed time)."""

from __future__ import annotations

from dataclasses import replace

from helpers import MONDAY_11, SEED_CANARY, documented_service, make_context

from gate.core.models import (
    Activation,
    Commit,
    Context,
    Finding,
    Outcome,
    Override,
    PullRequest,
    Severity,
    Verdict,
)

SHA = "3f2a9c1d4e5b6a7f8091a2b3c4d5e6f708192a3b"
BASE = "b" * 40
COMMIT = Commit(
    sha=SHA,
    subject="Roll out the new checkout flow",
    body="Raise the canary's step to 10%.\n\nTurns on new-checkout for everyone in the window.",
    author_name="Ana Dev",
    author_email="ana@example.com",
    parents=(BASE,),
)
MERGE = Commit(
    sha=SHA,
    subject="Merge pull request #42 from acme/new-checkout",
    body="",
    author_name="Ana Dev",
    author_email="ana@example.com",
    parents=(BASE, "c" * 40),
)

OLD_CANARY = SEED_CANARY.replace("stepWeight: 10", "stepWeight: 5").replace("threshold: 5", "threshold: 3")

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payment-consumer
spec:
  replicas: 2
"""

ORPHAN_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
spec:
  replicas: 2
"""


FLAG_FILES = {
    "services/checkout/flags/flags.json": (
        '{\n  "flags": {\n    "new-checkout": {\n      "state": "ENABLED",\n'
        '      "variants": {"on": true, "off": false},\n      "defaultVariant": "on"\n    }\n  }\n}\n'
    ),
    "services/payments/flags/features.yml": (
        "version: '1.4'\nnamespace: default\nflags:\n- key: fast-refunds\n  name: Fast refunds\n"
        "  type: BOOLEAN_FLAG_TYPE\n  enabled: false\n  rollouts:\n  - threshold: {percentage: 50, value: true}\n"
    ),
    "services/checkout/flags/goff.yaml": (
        "dark-mode:\n  variations: {on: true, off: false}\n  defaultRule: {variation: on}\n"
    ),
}
FLAG_FILES_BEFORE = {
    "services/checkout/flags/flags.json": FLAG_FILES["services/checkout/flags/flags.json"].replace("ENABLED", "DISABLED"),
    "services/payments/flags/features.yml": FLAG_FILES["services/payments/flags/features.yml"].replace("50", "10"),
    "services/checkout/flags/goff.yaml": FLAG_FILES["services/checkout/flags/goff.yaml"].replace("{variation: on}",
                                                                                                "{variation: off}"),
}


def context_with(
    head: dict[str, str],
    base: dict[str, str] | None = None,
    commit: Commit = COMMIT,
    pull_request: PullRequest | None = None,
) -> Context:
    context = make_context(head=head, base=base, pull_request=pull_request, commit=commit)
    return replace(context, head=commit.sha, base=BASE)


FLUX_APPS = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./services
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
"""


def rich_context() -> Context:
    """A change touching two services, applied by Flux: a modified canary and a new image for its
    Deployment, a kustomized Deployment, one whose namespace nobody states, and flag files in the
    three formats."""
    shared = {
        **documented_service("services/checkout"),
        **documented_service("services/payments"),
        "services/payments/deploy/kustomization.yaml": "namespace: payments\nresources:\n- deployment.yaml\n",
        "clusters/prod/apps.yaml": FLUX_APPS,
    }
    base = {
        **shared,
        **FLAG_FILES_BEFORE,
        "services/checkout/deploy/canary.yaml": OLD_CANARY,
        "services/checkout/deploy/deployment.yaml": deployment("checkout-service", "production", "shop/checkout:1.41"),
        "services/payments/deploy/deployment.yaml": DEPLOYMENT.replace("replicas: 2", "replicas: 1"),
        "services/payments/legacy/ledger.yaml": ORPHAN_DEPLOYMENT.replace("replicas: 2", "replicas: 1"),
    }
    head = {
        **shared,
        **FLAG_FILES,
        "services/checkout/deploy/canary.yaml": SEED_CANARY,
        "services/checkout/deploy/deployment.yaml": deployment("checkout-service", "production", "shop/checkout:1.42"),
        "services/payments/deploy/deployment.yaml": DEPLOYMENT,
        "services/payments/legacy/ledger.yaml": ORPHAN_DEPLOYMENT,
    }
    return context_with(
        head,
        base,
        pull_request=PullRequest(number=42, author="ana", url="https://github.com/acme/shop/pull/42"),
    )


ACTIVATIONS = (
    Activation("new-checkout", "services/checkout/flags/flags.json", 3, "flagd", "enabled", MONDAY_11, True),
    Activation("fast-refunds", "services/payments/flags/features.yml", 4, "flipt", "rollout-raised", MONDAY_11, True),
    Activation("dark-mode", "services/checkout/flags/goff.yaml", 1, "go-feature-flag", "default-changed", MONDAY_11,
               False),
)

WAIVED = Finding(
    rule="golden-window",
    severity=Severity.ERROR,
    path="services/payments/flags/features.yml",
    line=4,
    message="flag fast-refunds activates outside the golden window",
    remedy="",
    waived=True,
)


def rich_verdict() -> Verdict:
    return Verdict(
        outcome=Outcome.OVERRIDDEN,
        findings=(WAIVED,),
        activations=ACTIVATIONS,
        override=Override(
            label="gate/override",
            actor="lead-lee",
            role="maintain",
            accepted=True,
            reason="lead-lee (maintain) is not the author and labelled after the last push",
        ),
    )


def passing() -> Verdict:
    return Verdict(outcome=Outcome.PASS, findings=())


# -- manifests for the rollback tests -------------------------------------------------------------


def deployment(
    name: str = "api",
    namespace: str | None = "shop",
    image: str = "shop/api:1.0",
    replicas: int = 2,
    kind: str = "Deployment",
) -> str:
    """A workload manifest; `namespace=None` leaves metadata.namespace out."""
    ns = f"\n  namespace: {namespace}" if namespace is not None else ""
    return (
        f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}{ns}\nspec:\n  replicas: {replicas}\n"
        f"  selector:\n    matchLabels: {{app: {name}}}\n"
        f"  template:\n    metadata:\n      labels: {{app: {name}}}\n"
        f"    spec:\n      containers:\n      - name: app\n        image: {image}\n"
    )


def resource(kind: str, name: str, namespace: str | None = "shop", api: str = "v1", spec: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace is not None else ""
    return f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}{ns}\n{spec}"


def rollback_lines(text: str) -> list[str]:
    """The rollback section of a plain-text notice: from its heading to the line before the commit message."""
    start = text.index("\nRollback: ") + 1
    end = text.find("\nCommit message:", start)
    return text[start:end if end != -1 else len(text)].rstrip("\n").split("\n")


def command_lines(text: str) -> list[str]:
    """The lines of the rollback section people paste: exactly six spaces, then the command."""
    return [line[6:] for line in rollback_lines(text) if line.startswith(" " * 6) and line[6:7] not in (" ", "")]


def edit_lines(text: str) -> list[str]:
    return [line[8:] for line in rollback_lines(text) if line.startswith(" " * 8) and line[8:9] not in (" ", "")]
