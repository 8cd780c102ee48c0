"""The deployment notice: what changed, who changed it, and how to undo it (pure).

Built from the judged change (verdict + context); nothing here reads the clock, the environment
or the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from gate.core.models import Activation, Commit, Context, Finding, Outcome, Override, Service, Verdict
from gate.core.notice.canary import CanaryChange, canary_changes
from gate.core.notice.gitops import DEFAULT_NAMESPACE, POLICY, GitOps, Reconciler, find_gitops
from gate.core.notice.rollback import Rollback, build_rollback

if TYPE_CHECKING:
    from gate.core.policy import NoticePolicy


@dataclass(frozen=True, slots=True)
class Notice:
    """The deployment notice: what was deployed, by whom, the verdict, and how to roll it back."""

    repository: str
    event: str
    commit: Commit
    base: str
    now: datetime  # when gate judged the change (the golden window is judged at this time)
    outcome: Outcome
    pull_request: str | None
    services: tuple[Service, ...]
    activations: tuple[Activation, ...]
    canaries: tuple[CanaryChange, ...]
    override: Override | None
    waived: tuple[Finding, ...]
    blocking: tuple[Finding, ...]
    rollback: Rollback
    trimmed: int = 0  # characters of free text removed to fit SNS's limit

    @property
    def author(self) -> str:
        name, email = self.commit.author_name, self.commit.author_email
        return f"{name} <{email}>" if email else name


def build_notice(
    verdict: Verdict,
    context: Context,
    *,
    repository: str | None = None,
    event: str | None = None,
    policy: NoticePolicy | None = None,
) -> Notice:
    """The notice for the change `context` judged as `verdict` at `context.now`; the event defaults to
    the context's, else push. `policy`: the policy's `notice` block (GitOps controllers)."""
    commit = context.commit or Commit(
        sha=context.head, subject="", body="", author_name="unknown", author_email="", parents=()
    )
    return Notice(
        repository=repository or context.repository or "unknown repository",
        event=event or context.event or "push",
        commit=commit,
        base=context.base,
        now=context.now,
        outcome=verdict.outcome,
        pull_request=_pull_request_link(context),
        services=context.services,
        activations=verdict.activations,
        canaries=tuple(canary_changes(context)),
        override=verdict.override,
        waived=verdict.waived,
        blocking=verdict.blocking,
        rollback=build_rollback(verdict, context, commit, gitops_of(context, policy)),
    )


def gitops_of(context: Context, policy: NoticePolicy | None) -> GitOps:
    """The controllers the policy declares, and those gate finds in the repository unless told not to."""
    declared = tuple(
        Reconciler(
            controller=item.controller,
            name=item.name,
            namespace=item.namespace or DEFAULT_NAMESPACE[item.controller],
            paths=item.paths,
            found_in=POLICY,
            globs=True,
        )
        for item in (policy.gitops.reconcilers if policy is not None else ())
    )
    return find_gitops(context, declared, detect=policy.gitops.detect if policy is not None else True)


def _pull_request_link(context: Context) -> str | None:
    pr = context.pull_request
    if pr is None:
        return None
    if pr.url:
        return pr.url
    if context.repository:
        return f"https://github.com/{context.repository}/pull/{pr.number}"
    return f"#{pr.number}"
