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


def context_with(
    head: dict[str, str],
    base: dict[str, str] | None = None,
    commit: Commit = COMMIT,
    pull_request: PullRequest | None = None,
) -> Context:
    context = make_context(head=head, base=base, pull_request=pull_request, commit=commit)
    return replace(context, head=commit.sha, base=BASE)


def rich_context() -> Context:
    """A change touching two services: a modified canary, a kustomized Deployment, one whose
    namespace nobody states, and flag files in the three formats."""
    shared = {
        **documented_service("services/checkout"),
        **documented_service("services/payments"),
        "services/payments/deploy/kustomization.yaml": "namespace: payments\nresources:\n- deployment.yaml\n",
    }
    base = {
        **shared,
        "services/checkout/deploy/canary.yaml": OLD_CANARY,
        "services/payments/deploy/deployment.yaml": DEPLOYMENT.replace("replicas: 2", "replicas: 1"),
        "services/payments/legacy/ledger.yaml": ORPHAN_DEPLOYMENT.replace("replicas: 2", "replicas: 1"),
    }
    head = {
        **shared,
        "services/checkout/deploy/canary.yaml": SEED_CANARY,
        "services/payments/deploy/deployment.yaml": DEPLOYMENT,
        "services/payments/legacy/ledger.yaml": ORPHAN_DEPLOYMENT,
    }
    return context_with(
        head,
        base,
        pull_request=PullRequest(number=42, author="ana", url="https://github.com/acme/shop/pull/42"),
    )


ACTIVATIONS = (
    Activation("new-checkout", "services/checkout/flags/flags.json", 4, "flagd", "enabled", MONDAY_11, True),
    Activation("fast-refunds", "services/payments/flags/features.yml", 9, "flipt", "rollout-raised", MONDAY_11, True),
    Activation("dark-mode", "services/checkout/flags/goff.yaml", 2, "go-feature-flag", "default-changed", MONDAY_11,
               False),
)

WAIVED = Finding(
    rule="golden-window",
    severity=Severity.ERROR,
    path="services/payments/flags/features.yml",
    line=9,
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
