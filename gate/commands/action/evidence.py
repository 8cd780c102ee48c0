"""The override, verified through the GitHub API.

Who applied the label, with which role, and when the head last moved are all read from the API:
the event payload is replayed as it was by a re-run, so it is never evidence for accepting a label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gate.adapters import runner
from gate.adapters.github import GitHub, GitHubError, PullInfo
from gate.commands.action.console import say
from gate.commands.action.events import Plan
from gate.commands.action.notes import Notes
from gate.core.models import Override
from gate.core.override import LabelEvidence, decide
from gate.core.policy import OverridePolicy


@dataclass(frozen=True)
class VerifiedLabel:
    """The override label of a pull request, weighed on what the GitHub API says about it
    (an `OverrideEvidence` for the request): who applied it, their role, and when, against when the
    head was pushed."""

    github: GitHub
    plan: Plan
    pull: PullInfo | None
    payload: Mapping[str, Any]
    notes: Notes

    def decide(self, policy: OverridePolicy) -> Override | None:
        return override_for(self.github, self.plan, self.pull, policy, self.payload, self.notes)


def override_for(
    github: GitHub,
    plan: Plan,
    pull: PullInfo | None,
    policy: OverridePolicy,
    payload: Mapping[str, Any],
    notes: Notes,
) -> Override | None:
    """The override the policy's label asks for, accepted or rejected; None when there is none to weigh."""
    if plan.pull_number is None:
        return None
    evidence = gather_evidence(github, plan.pull_number, policy.label, pull)
    if evidence.unverified is not None and not _payload_mentions(payload, policy.label):
        # Nothing suggests the label was asked for; say why gate could not look, and judge without it.
        notes.add(f"gate could not read the labels, so no override was considered: {evidence.unverified}")
        say(runner.warning(f"could not read the labels: {evidence.unverified}", title="gate"))
        return None
    override = decide(evidence, policy)
    if override is not None:
        state = "accepted" if override.accepted else "rejected"
        say(f"gate: override label {override.label}: {state}: {override.reason}")
    return override


def gather_evidence(github: GitHub, number: int, label: str, pull: PullInfo | None) -> LabelEvidence:
    try:
        labels = github.labels(number)
        if not any(name.casefold() == label.casefold() for name in labels):
            return LabelEvidence(label_present=False)
        if pull is None:
            pull = github.pull(number)
        actor, applied_at = github.latest_labeled(number, label)
        role = github.role(actor) if actor else None
        pushed_at = github.first_check_suite_at(pull.head_sha)
        if pushed_at is not None:  # unknown stays unknown: the override is then rejected
            pushed_at = _latest(pushed_at, github.latest_head_move(number))
    except GitHubError as exc:
        return LabelEvidence(label_present=False, unverified=str(exc))
    return LabelEvidence(
        label_present=True,
        actor=actor,
        applied_at=applied_at,
        role=role,
        author=pull.author,
        pushed_at=pushed_at,
    )


def _latest(*moments: datetime | None) -> datetime | None:
    """The head was last changed at the latest of these (its push, a force-push onto the branch)."""
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _payload_mentions(payload: Mapping[str, Any], label: str) -> bool:
    """Only a hint of whether to report an unverifiable label; never evidence for accepting one."""
    pull = payload.get("pull_request") or {}
    names = [str((item or {}).get("name", "")) for item in pull.get("labels") or []]
    names.append(str((payload.get("label") or {}).get("name", "")))
    return payload.get("merge_group") is not None or any(n.casefold() == label.casefold() for n in names)
