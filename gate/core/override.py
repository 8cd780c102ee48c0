"""Who may waive what: the override decision, pure (DESIGN §4).

The evidence is gathered at the edge from the GitHub API (never from the event payload, which a
re-run replays): whether the label is on the pull request now, who applied it last and when, that
person's repository role, the pull request's author and when its head commit was pushed. This
module only weighs it. Anything gate could not verify rejects the override (fail closed); the
judgement itself still completes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gate.core.models import Override
from gate.core.policy import OverridePolicy
from gate.core.times import utc_iso


@dataclass(frozen=True, slots=True)
class LabelEvidence:
    """What the GitHub API said about the override label on one pull request."""

    label_present: bool
    actor: str | None = None  # who applied the label last (the latest `labeled` event)
    applied_at: datetime | None = None
    role: str | None = None  # the actor's repository role_name
    author: str | None = None  # the pull request's author
    pushed_at: datetime | None = None  # when the head commit was pushed (its earliest check suite)
    unverified: str | None = None  # why gate could not gather the evidence, when it could not


def decide(evidence: LabelEvidence, policy: OverridePolicy) -> Override | None:
    """The override, accepted or rejected with its reason; None when the label is not applied."""
    if not evidence.label_present and evidence.unverified is None:
        return None

    def rejected(reason: str) -> Override:
        return Override(label=policy.label, actor=evidence.actor, role=evidence.role, accepted=False, reason=reason)

    if evidence.unverified is not None:
        return rejected(f"gate could not verify it through the GitHub API: {evidence.unverified}")
    if evidence.actor is None or evidence.applied_at is None:
        return rejected("GitHub has no record of who applied the label, so it cannot be verified")
    roles = tuple(role.casefold() for role in policy.roles)
    if evidence.role is None or evidence.role.casefold() not in roles:
        return rejected(
            f"{evidence.actor} has the role {evidence.role or 'none'} in this repository; "
            f"only {_either(policy.roles)} may override"
        )
    if not policy.allow_author and same_login(evidence.actor, evidence.author):
        return rejected(f"{evidence.actor} is the pull request's author; someone else must review and apply the label")
    if evidence.pushed_at is None:
        return rejected("GitHub does not say when the head commit was pushed, so the label cannot be shown to be newer")
    if evidence.applied_at <= evidence.pushed_at:
        return rejected(
            f"the label was applied at {utc_iso(evidence.applied_at)}, before the last push at "
            f"{utc_iso(evidence.pushed_at)}; a label covers only what was there when it was applied: "
            "remove it and apply it again"
        )
    return Override(
        label=policy.label,
        actor=evidence.actor,
        role=evidence.role,
        accepted=True,
        reason=f"applied by {evidence.actor} ({evidence.role}) at {utc_iso(evidence.applied_at)}, "
        f"after the last push at {utc_iso(evidence.pushed_at)}",
    )


def same_login(left: str | None, right: str | None) -> bool:
    """GitHub logins are case-insensitive."""
    return left is not None and right is not None and left.casefold() == right.casefold()


def _either(roles: tuple[str, ...]) -> str:
    if not roles:
        return "nobody (the policy lists no roles)"
    if len(roles) == 1:
        return roles[0]
    return ", ".join(roles[:-1]) + f" or {roles[-1]}"
