"""Alternative A, the revert: the repository back to the judged base, through the pipeline (pure).

One commit is reverted with `git revert` (`-m 1` for a merge: the branch it was merged into stays);
a push that brought several commits is undone in one change, the reverse of the whole range.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from gate.core.models import Commit
from gate.core.notice import shell
from gate.core.notice.gitops import FLUX, POLICY, Reconciler, unique
from gate.core.notice.shell import Refused, command, pipeline
from gate.core.notice.steps import RollbackStep

EMPTY_TREES = (
    "4b825dc642cb6eb9a060e54bf8d69288fbee4904",  # git's empty tree (SHA-1)
    "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",  # and in SHA-256 repositories
)


def revert_steps(
    commit: Commit, base: str, reconcilers: Iterable[Reconciler] = (), added: bool = False
) -> Iterator[RollbackStep]:
    """`git revert` of the commit; of the whole pushed range when several commits came at once."""
    try:
        head = shell.sha(commit.sha)
    except Refused as why:
        yield RollbackStep("manual", f"gate cannot name the commit to revert: {why}; find it with git log")
        return
    yield RollbackStep("note", "In an up-to-date clone of the branch the commit landed on:")
    parent = commit.parents[0] if commit.parents else None
    if base in EMPTY_TREES or parent is None or parent == base:
        if base in EMPTY_TREES and parent is not None:
            yield RollbackStep(
                "note", "gate judged this commit against an empty tree (the clone lacked its history): this "
                "reverts the deployed commit alone."
            )
        merge = ["-m", "1"] if commit.is_merge else []
        title = (
            f"Revert merge commit {commit.short}, keeping the branch it was merged into (-m 1):"
            if commit.is_merge else f"Revert commit {commit.short}:"
        )
        yield RollbackStep("command", title, command("git", "revert", "--no-edit", *merge, head))
    else:
        base_sha = shell.sha(base)
        yield RollbackStep(
            "command",
            f"This deployment brought several commits ({base_sha[:12]}..{commit.short}); undo them all in one "
            "change: apply the reverse of the whole range",
            pipeline(("git", "diff", "--binary", head, base_sha), ("git", "apply", "--3way")),
        )
        yield RollbackStep(
            "command", "and commit it:",
            command("git", "commit", "-m", f"Revert {base_sha[:12]}..{commit.short}"),
        )
    yield RollbackStep(
        "note", "Then push the revert (or open a pull request where the branch is protected); the pipeline "
        "deploys it. If git reports a conflict, a later commit changed the same lines: resolve it, or use B now."
    )
    for reconciler in unique(reconcilers):
        if reconciler.controller == FLUX:
            yield RollbackStep(
                "command", f"{reconciler.described} applies the pushed revert at its next reconcile; to apply it now:",
                command("flux", "reconcile", "kustomization", reconciler.name, "-n", reconciler.namespace,
                        "--with-source"),
            )
        elif reconciler.automated is None and reconciler.found_in != POLICY:
            yield RollbackStep("note", f"{reconciler.described} syncs by hand: sync it once the revert is pushed.")
    if added:
        yield RollbackStep(
            "note", "The revert removes the objects this commit added from the repository; the cluster deletes them "
            "only where the deployment prunes (kubectl apply --prune, Flux or Argo CD with pruning on). B removes "
            "them at once."
        )
