"""Judge one change: refs -> policy -> context -> verdict. Shared by `check`, `notify` and `action`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gate.adapters.git import Git
from gate.context import Refs, build_context, choose_policy, resolve_refs
from gate.engine import evaluate
from gate.models import ChangedFile, Context, Override, PullRequest, Verdict
from gate.policy import REPO_POLICY_PATH, Policy


@dataclass
class Judgement:
    context: Context
    policy: Policy
    verdict: Verdict


def simulated_override(labels: tuple[str, ...], policy: Policy) -> Override | None:
    """A label given on the command line is reported, never accepted: only the API can verify one."""
    if policy.override.label not in labels:
        return None
    return Override(
        label=policy.override.label,
        actor=None,
        role=None,
        accepted=False,
        reason="simulated with --label; an override is accepted only when gate verifies through the "
        "GitHub API who applied the label (gate action)",
    )


def judge_change(
    git: Git,
    refs: Refs,
    now: datetime,
    policy_path: Path | None = None,
    repo_policy: str = REPO_POLICY_PATH,
    labels: tuple[str, ...] = (),
    override: Override | None = None,
    repository: str | None = None,
    pull_request: PullRequest | None = None,
    event: str | None = None,
    simulate_labels: bool = True,
    files: tuple[ChangedFile, ...] | None = None,
) -> Judgement:
    base, head = resolve_refs(git, refs)
    base_tree, head_tree = git.tree(base), git.tree(head)
    chosen = choose_policy(
        policy_path, base_tree, head_tree, base_is_empty=base == git.empty_tree, repo_path=repo_policy
    )
    context = build_context(
        git,
        base,
        head,
        chosen.policy,
        now,
        labels=labels,
        repository=repository,
        pull_request=pull_request,
        event=event,
        base_tree=base_tree,
        head_tree=head_tree,
        files=files,
    )
    if override is None and simulate_labels:
        override = simulated_override(labels, chosen.policy)
    verdict = evaluate(context, chosen.policy, override=override, preliminary=chosen.findings)
    return Judgement(context=context, policy=chosen.policy, verdict=verdict)
