"""`gate hook`: the pre-commit hook's entry (`.pre-commit-hooks.yaml`), judging what CI will judge.

pre-commit passes a pre-push hook the pushed range in `PRE_COMMIT_FROM_REF`/`PRE_COMMIT_TO_REF`
(or only the pushed branch, `PRE_COMMIT_LOCAL_BRANCH`, when the push carries the whole history).
The head is the pushed commit; the base is its merge-base with the default branch, as the pull
request's check will see it (the commits already pushed to the branch included), else the remote's
old commit. In any other stage the head is exactly what is staged, a commit written from the index
(see `Git.snapshot_index`), judged against the same merge-base: the change as it will be once
committed and pushed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping

from gate.adapters.git import Git
from gate.core.request import Refs


def refs_from(environ: Mapping[str, str], git: Git) -> tuple[Refs, str]:
    """The change to judge, and what it is in words."""
    pushed = environ.get("PRE_COMMIT_TO_REF") or environ.get("PRE_COMMIT_LOCAL_BRANCH")
    if pushed:
        head = git.resolve(pushed)
        base = git.merge_base_with_default(head, environ.get("PRE_COMMIT_REMOTE_NAME"))
        if base is not None:
            return Refs(base=base, head=head), "the pushed change, from its merge-base with the default branch"
        old = environ.get("PRE_COMMIT_FROM_REF")
        if old:
            return Refs(base=git.resolve(old), head=head), "the pushed commits"
        return Refs(base=None, head=head), "the pushed change"
    staged = git.snapshot_index()
    base = git.merge_base_with_default(staged)
    return Refs(base=base, head=staged), "the staged changes, with the branch's commits before them"


def run(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    from gate.commands import check

    with Git(args.repo) as git:
        refs, what = refs_from(os.environ if environ is None else environ, git)
        base = refs.base or git.default_base(refs.head)
    print(f"gate: judging {what} ({base[:12]}..{refs.head[:12]}), as CI will", file=sys.stderr)
    args.base, args.head, args.label = base, refs.head, []
    return check.run(args)
