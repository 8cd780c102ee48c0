"""One request, one judgement: `judge(request, repository) -> Judgement`.

The steps, in order: resolve the refs, choose the policy (the one place that does), list the
change and the services it touches, run the checks (`gate.core.engine`), weigh the override. The
repository is reached only through the small `Repository` protocol, which the git adapter
implements and tests fake, so nothing here starts a process.

Cost follows the size of the change: one diff, then per touched service two folder listings to know
whether it is added, modified or deleted. Nothing else is read until a check asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from gate.core.engine import evaluate
from gate.core.errors import PolicyError
from gate.core.globs import matches_any, service_root
from gate.core.models import (
    INVALID_FILE,
    POLICY,
    ChangedFile,
    Commit,
    Context,
    Finding,
    Service,
    ServiceStatus,
    Severity,
    Tree,
    Verdict,
)
from gate.core.policy import Policy, default_policy, parse_policy
from gate.core.request import PolicySource, PolicyText, Refs, Request


class Repository(Protocol):
    """What judging needs of a repository: refs, the diff, trees and the head commit."""

    @property
    def empty_tree(self) -> str: ...

    def resolve(self, rev: str) -> str:
        """The commit a revision names; raises InputError when the clone lacks it."""
        ...

    def default_base(self, head: str) -> str:
        """The merge-base with the default branch, else the parent of head, else the empty tree."""
        ...

    def diff(self, base: str, head: str) -> list[ChangedFile]: ...

    def tree(self, rev: str) -> Tree: ...

    def commit(self, sha: str) -> Commit: ...


@dataclass(frozen=True)
class Judgement:
    """What gate concluded about a request: the change it read, the policy it applied, the verdict.

    Every reporter and the deployment notice take this one value, so a report cannot differ by who
    renders it.
    """

    request: Request
    context: Context
    policy: Policy
    verdict: Verdict


@dataclass(frozen=True)
class ChosenPolicy:
    """The policy a change is judged by, and what gate says about it."""

    policy: Policy
    findings: tuple[Finding, ...] = ()  # what gate says about the policy (edited, invalid)


def judge(request: Request, repository: Repository) -> Judgement:
    base, head = resolve_refs(repository, request.refs, request.base_history_missing)
    chosen = choose_policy(
        request.policy,
        repository.tree(base),
        repository.tree(head),
        first_commit=base == repository.empty_tree and not request.base_history_missing,
    )
    context = read_change(request, repository, chosen.policy, base, head)
    override = request.override.decide(chosen.policy.override)
    verdict = evaluate(context, chosen.policy, override=override, preliminary=chosen.findings)
    return Judgement(request=request, context=context, policy=chosen.policy, verdict=verdict)


def read_change(request: Request, repository: Repository, policy: Policy, base: str, head: str) -> Context:
    """The change base..head as the checks see it: its files (less what the policy ignores), the
    services it touches, both trees, the head commit and where it comes from."""
    base_tree, head_tree = repository.tree(base), repository.tree(head)
    changed = repository.diff(base, head) if request.listed_files is None else list(request.listed_files)
    files = tuple(f for f in changed if not matches_any(f.path, policy.ignore))
    return Context(
        base=base,
        head=head,
        files=files,
        services=touched_services(files, policy.services, base_tree, head_tree),
        now=request.now,
        base_tree=base_tree,
        head_tree=head_tree,
        commit=repository.commit(head),
        repository=request.repository,
        pull_request=request.pull_request,
        event=request.event,
    )


def resolve_refs(repository: Repository, refs: Refs, base_history_missing: bool = False) -> tuple[str, str]:
    """(base, head) as commit ids; a missing base history means judging against the empty tree."""
    head = repository.resolve(refs.head)
    if base_history_missing or refs.base == repository.empty_tree:
        return repository.empty_tree, head
    base = repository.resolve(refs.base) if refs.base else repository.default_base(head)
    return base, head


def choose_policy(source: PolicySource, base_tree: Tree, head_tree: Tree, *, first_commit: bool) -> ChosenPolicy:
    """The policy a change is judged by: the one place that decides it.

    A policy the caller read (`--policy FILE`) is used as it is. Otherwise the repository's policy
    file is read from the base side: a pull request cannot loosen the rules it is judged by. A change
    to the policy is validated (an invalid one is an `invalid-file` error) and takes effect once
    merged. A first commit, which has no base, is judged by its own; a checkout that lacks the base
    history is not a first commit, and is judged by the bundled default. When the base's policy is
    itself invalid, gate judges by the bundled default (the strictest rules) and says so, so that the
    pull request fixing the policy can merge.
    """
    if isinstance(source, PolicyText):
        return ChosenPolicy(parse_policy(source.text, source.source))
    path = source.path
    head_text = head_tree.read(path)
    base_text = head_text if first_commit else base_tree.read(path)
    if base_text is not None:
        try:
            policy = parse_policy(base_text, path)
        except PolicyError as exc:
            fixed = head_text is not None and head_text != base_text and _valid(head_text, path)
            side = "" if first_commit else " on the base side"
            invalid = _policy_finding(
                path,
                Severity.NOTICE if fixed else Severity.ERROR,
                f"the policy{side} is invalid, so gate judged this change by the bundled default policy: {exc}"
                + ("; this change fixes it, and the fixed policy applies once merged" if fixed else ""),
                f"fix {path} (`gate policy validate {path}` checks it)",
            )
            return ChosenPolicy(default_policy(), (invalid,))
    else:
        policy = default_policy()
    if first_commit or head_text is None or head_text == base_text:
        return ChosenPolicy(policy)
    try:
        parse_policy(head_text, path)
    except PolicyError as exc:
        edit = _policy_finding(
            path, Severity.ERROR, f"the changed policy is invalid: {exc}",
            f"fix the policy; `gate policy validate {path}` checks it locally",
        )
    else:
        edit = _policy_finding(
            path, Severity.NOTICE,
            "this change edits gate's policy; it was judged by the base's policy, and the new one applies once merged",
            "",
        )
    return ChosenPolicy(policy, (edit,))


def _valid(text: bytes, source: str) -> bool:
    try:
        parse_policy(text, source)
    except PolicyError:
        return False
    return True


def _policy_finding(path: str, severity: Severity, message: str, remedy: str) -> Finding:
    # A policy file gate cannot use is an unreadable file (fail closed); a policy that changes, or
    # that this change repairs, is news about which rules applied.
    rule = INVALID_FILE if severity is Severity.ERROR else POLICY
    return Finding(rule=rule, severity=severity, path=path, line=None, message=message, remedy=remedy)


def touched_services(
    files: tuple[ChangedFile, ...], patterns: tuple[str, ...], base_tree: Tree, head_tree: Tree
) -> tuple[Service, ...]:
    """The service folders the change touches, each added, modified or deleted."""
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
