"""Judge one change: refs -> policy -> context -> verdict. Shared by `check`, `notify` and `action`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gate.adapters.git import Git
from gate.core.context import ChosenPolicy, Refs, build_context, choose_policy, resolve_refs
from gate.core.engine import evaluate
from gate.core.models import ChangedFile, Context, Override, PullRequest, Verdict
from gate.core.policy import REPO_POLICY_PATH, Policy


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


def select_policy(
    git: Git,
    base: str,
    head: str,
    policy_path: Path | None = None,
    repo_policy: str = REPO_POLICY_PATH,
    base_is_root: bool | None = None,
) -> ChosenPolicy:
    """The policy a change is judged by (see `choose_policy`).

    An empty-tree base is a first commit, judged by its own policy, unless `base_is_root` is False:
    then the history is merely missing (a shallow checkout) and the change's own policy must not
    count, or a pull request could loosen its rules; the bundled default applies instead.
    """
    base_is_empty = base == git.empty_tree if base_is_root is None else base_is_root
    return choose_policy(policy_path, git.tree(base), git.tree(head), base_is_empty=base_is_empty,
                         repo_path=repo_policy)


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
    chosen: ChosenPolicy | None = None,
    base_is_root: bool | None = None,
) -> Judgement:
    """Judge base..head. `chosen`: a policy already selected (by `select_policy`, same refs);
    `base_is_root`: False when the empty-tree base only means the history is missing."""
    base, head = resolve_refs(git, refs)
    base_tree, head_tree = git.tree(base), git.tree(head)
    if chosen is None:
        chosen = select_policy(git, base, head, policy_path, repo_policy, base_is_root)
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
