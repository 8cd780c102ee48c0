"""Build the Context, the change gate judges, from git and the event (the edge of the core).

Cost follows the size of the change: one diff, then per touched service two folder listings to
know whether it is added, modified or deleted. Nothing else is read until a check asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from gate.adapters.git import Git
from gate.core.errors import PolicyError
from gate.core.globs import matches_any, service_root
from gate.core.models import (
    INVALID_FILE,
    OVERRIDE,
    ChangedFile,
    Context,
    Finding,
    PullRequest,
    Service,
    ServiceStatus,
    Severity,
    Tree,
)
from gate.core.policy import REPO_POLICY_PATH, Policy, default_policy, load_policy_file, parse_policy


@dataclass(frozen=True)
class Refs:
    base: str | None = None  # None: the default (DESIGN §2)
    head: str = "HEAD"


@dataclass
class ChosenPolicy:
    policy: Policy
    findings: list[Finding] = field(default_factory=list)


def resolve_refs(git: Git, refs: Refs) -> tuple[str, str]:
    head = git.resolve(refs.head)
    if refs.base == git.empty_tree:  # judged against nothing, e.g. when the clone lacks the base commit
        return git.empty_tree, head
    base = git.resolve(refs.base) if refs.base else git.default_base(head)
    return base, head


def choose_policy(
    explicit: Path | None,
    base_tree: Tree,
    head_tree: Tree,
    base_is_empty: bool,
    repo_path: str = REPO_POLICY_PATH,
) -> ChosenPolicy:
    """`--policy FILE` if given; else the repository's policy file (`repo_path`); else the default.

    The repository's policy is read from the base side: a pull request cannot loosen the rules it
    is judged by. A change to the policy is validated (an invalid one is an `invalid-file` error)
    and takes effect once merged. A first commit, which has no base, is judged by its own. When the
    base's policy itself is invalid, gate judges by the bundled default (the strictest rules) and
    says so, so that the pull request fixing the policy can merge.
    """
    if explicit is not None:
        return ChosenPolicy(load_policy_file(explicit))
    head_text = head_tree.read(repo_path)
    base_text = head_text if base_is_empty else base_tree.read(repo_path)
    chosen = ChosenPolicy(default_policy())
    side = "" if base_is_empty else " on the base side"
    if base_text is not None:
        try:
            chosen.policy = parse_policy(base_text, repo_path)
        except PolicyError as exc:
            fixed = head_text is not None and head_text != base_text and _valid(head_text, repo_path)
            chosen.findings.append(
                _policy_finding(
                    repo_path,
                    Severity.NOTICE if fixed else Severity.ERROR,
                    f"the policy{side} is invalid, so gate judged this change by the bundled default "
                    f"policy: {exc}" + ("; this change fixes it, and the fixed policy applies once merged"
                                        if fixed else ""),
                    f"fix {repo_path} (`gate policy validate {repo_path}` checks it)",
                )
            )
            return chosen
    if not base_is_empty and head_text is not None and head_text != base_text:
        try:
            parse_policy(head_text, repo_path)
        except PolicyError as exc:
            chosen.findings.append(
                _policy_finding(
                    repo_path, Severity.ERROR, f"the changed policy is invalid: {exc}",
                    f"fix the policy; `gate policy validate {repo_path}` checks it locally",
                )
            )
        else:
            chosen.findings.append(
                _policy_finding(
                    repo_path, Severity.NOTICE,
                    "this change edits gate's policy; it was judged by the base's policy, and the new one "
                    "applies once merged",
                    "",
                )
            )
    return chosen


def _valid(text: bytes, source: str) -> bool:
    try:
        parse_policy(text, source)
    except PolicyError:
        return False
    return True


def _policy_finding(path: str, severity: Severity, message: str, remedy: str) -> Finding:
    # A policy that changes or cannot be read is about which rules apply: reported as `override`
    # when it is only news, as `invalid-file` when gate cannot use the file.
    rule = INVALID_FILE if severity is Severity.ERROR else OVERRIDE
    return Finding(rule=rule, severity=severity, path=path, line=None, message=message, remedy=remedy)


def build_context(
    git: Git,
    base: str,
    head: str,
    policy: Policy,
    now: datetime,
    labels: tuple[str, ...] = (),
    repository: str | None = None,
    pull_request: PullRequest | None = None,
    event: str | None = None,
    base_tree: Tree | None = None,
    head_tree: Tree | None = None,
    files: tuple[ChangedFile, ...] | None = None,
) -> Context:
    """`files`, when given, is the list of changed files (e.g. from the GitHub API) instead of git's diff."""
    base_tree = base_tree or git.tree(base)
    head_tree = head_tree or git.tree(head)
    changed = git.diff(base, head) if files is None else files
    files = tuple(f for f in changed if not matches_any(f.path, policy.ignore))
    return Context(
        base=base,
        head=head,
        files=files,
        services=touched_services(files, policy.services, base_tree, head_tree),
        now=now,
        base_tree=base_tree,
        head_tree=head_tree,
        labels=labels,
        commit=git.commit(head),
        repository=repository,
        pull_request=pull_request,
        event=event,
    )


def touched_services(
    files: tuple[ChangedFile, ...], patterns: tuple[str, ...], base_tree: Tree, head_tree: Tree
) -> tuple[Service, ...]:
    roots: dict[str, None] = {}
    for changed in files:
        for path in (changed.path, changed.old_path):
            if path and (root := service_root(path, patterns)) is not None:
                roots[root] = None
    services = []
    for root in sorted(roots):
        if not base_tree.listdir(root):
            status = ServiceStatus.ADDED
        elif not head_tree.listdir(root):
            status = ServiceStatus.DELETED
        else:
            status = ServiceStatus.MODIFIED
        services.append(Service(name=root.rsplit("/", 1)[-1], path=root, status=status))
    return tuple(services)
