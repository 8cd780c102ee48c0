"""`gate window`: the coming golden windows and freezes, as text, JSON, an iCalendar feed, or the
cron lines that run the golden-window sweep at the window's edges.

Which policy it reads:

- `--policy FILE`: that file (an edit to preview, or a policy kept elsewhere); no repository needed.
- Otherwise the repository's `.github/gate.yaml` as `gate check` reads it for a change made from
  HEAD: at the merge-base of HEAD with the default branch. On the default branch that is HEAD
  itself; on a branch it is the policy the branch's pull request is judged by (a branch that edits
  the policy is told so: the edit applies once merged). Without a default branch, HEAD's. Without
  the file, the bundled default policy. The choice is `choose_policy`'s, the check's own.

A policy that is invalid where it is read is an error (exit 2): the check would judge by the bundled
default and block every change until it is fixed, so no calendar of it would be true.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass

from gate.core.errors import EXIT_PASS, UsageError
from gate.core.policy import Policy


@dataclass(frozen=True)
class _Source:
    """The policy `gate window` shows, where it comes from, and whose calendar it is."""

    policy: Policy
    label: str  # where the window comes from, as listings say it
    scope: str  # whose window it is: keeps calendar ids of two repositories apart


def run(args: argparse.Namespace) -> int:
    from gate.commands.local import now_from
    from gate.core.checks import golden_window
    from gate.core.schedule import DEFAULT_DAYS, LONGEST_DAYS, build, renderer

    days = DEFAULT_DAYS[args.format] if args.days is None else args.days
    if not 1 <= days <= LONGEST_DAYS:
        raise UsageError(f"window: --days must be 1 to {LONGEST_DAYS}, not {days}")
    now = now_from(args)
    source = _from_file(args) if args.policy is not None else _from_repository(args)
    options = source.policy.options(golden_window.ID)
    assert isinstance(options, golden_window.Options)
    enforced = source.policy.enabled(golden_window.ID)
    if not enforced:
        print(f"gate: note: the golden-window check is disabled in {source.label}; this is the window it "
              "would hold flags to", file=sys.stderr)
    schedule = build(options.window(), now, days, source.label, source.scope, enforced=enforced)
    output = renderer(args.format)(schedule)
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_PASS


def _from_file(args: argparse.Namespace) -> _Source:
    from gate.commands.local import read_policy_file
    from gate.core.policy import parse_policy

    scope = os.environ.get("GITHUB_REPOSITORY") or str(args.policy)
    return _Source(parse_policy(read_policy_file(args.policy), str(args.policy)), str(args.policy), scope)


def _from_repository(args: argparse.Namespace) -> _Source:
    from gate.adapters.git import Git
    from gate.core.judge import choose_policy
    from gate.core.policy import parse_policy
    from gate.core.request import REPO_POLICY_PATH, RepositoryPolicy

    with Git(args.repo) as git:
        head = git.resolve("HEAD")
        side = git.default_merge_base(head) or head
        text = git.tree(side).read(REPO_POLICY_PATH)
        if text is not None:
            # Invalid where the check reads it: say what is wrong, as `gate policy validate` would.
            parse_policy(text, f"{REPO_POLICY_PATH} (at {side[:12]})")
        chosen = choose_policy(RepositoryPolicy(), git.tree(side), git.tree(head), first_commit=False)
        scope = os.environ.get("GITHUB_REPOSITORY") or git.github_repository() or git.root.name
    for finding in chosen.findings:
        # The branch edits the policy: the window shown is the one in force until it merges.
        print(f"gate: note: {finding.path}: {finding.message}", file=sys.stderr)
    label = f"{REPO_POLICY_PATH} at {side[:12]}" if text is not None else chosen.policy.source
    return _Source(chosen.policy, label, scope)
