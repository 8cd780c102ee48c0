"""Rollback instructions: labelled alternatives, each right for what this commit did (pure).

**A. Revert the commit** (`revert`): durable, what the pipeline then deploys; always first.
**B. Undo now, per resource** (when minutes matter): for each Kubernetes object what undoes the
change to it (`resources`), for each activated flag the edit that turns it off (`flagoff`), and,
when Flux or Argo CD reconciles the files (`gitops`), the command that pauses it first and the one
that resumes it.

Every command is built from argv with validated, quoted values (`shell`), so it splits back into
exactly the argv gate means and holds no placeholder.
"""

from __future__ import annotations

from collections.abc import Iterator

from gate.core.manifests import FLAGGER_GROUP
from gate.core.models import Commit, Context, Side, Verdict
from gate.core.notice.flagoff import flag_steps
from gate.core.notice.gitops import GitOps, Reconciler, pause_steps, reconcilers_of, resume_steps
from gate.core.notice.objects import ObjectDiff, folder_of, object_diff
from gate.core.notice.resources import Canaries, resource_steps
from gate.core.notice.revert import revert_steps
from gate.core.notice.steps import NOW, REVERT, Alternative, Rollback, RollbackStep

__all__ = ["Alternative", "Rollback", "RollbackStep", "build_rollback", "revert_steps"]


def build_rollback(verdict: Verdict, context: Context, commit: Commit, gitops: GitOps | None = None) -> Rollback:
    gitops = gitops or GitOps()
    diff = object_diff(context)
    reconcilers = reconcilers_of(context, gitops)
    revert = Alternative(
        REVERT, "A", "Revert the commit",
        "Durable: the pipeline then deploys the state before this commit. Use it first, unless minutes matter.",
        tuple(revert_steps(commit, context.base, reconcilers, added=any(c.status == "added" for c in diff.changes))),
    )
    now = Alternative(
        NOW, "B", "Undo now, per resource",
        "When minutes matter: each command acts on the cluster or the flag at once, for the resource it names; "
        "run the ones you need (all of them undo the whole commit). The next deployment brings the change back, "
        "so revert (A) as well.",
        tuple(now_steps(verdict, context, diff, gitops, reconcilers)),
    )
    return Rollback((revert, now))


def now_steps(
    verdict: Verdict, context: Context, diff: ObjectDiff, gitops: GitOps, reconcilers: list[Reconciler]
) -> Iterator[RollbackStep]:
    yield from pause_steps(gitops, reconcilers, diff)
    canaries = Canaries(
        context,
        [c.after.document for c in diff.changes
         if c.after is not None and c.kind == "Canary" and c.group == FLAGGER_GROUP],
    )
    produced = False
    for step in resource_steps(context, diff, canaries):
        produced = True
        yield step
    for step in flag_steps(verdict.activations, context):
        produced = True
        yield step
    for unreadable in diff.unreadable:
        produced = True
        when = "before" if unreadable.side is Side.BASE else "in"
        yield RollbackStep(
            "manual", f"{unreadable.path}: gate could not read it ({when} this commit: {unreadable.reason}), so it "
            "gives no command for its objects; the revert (A) undoes it."
        )
    for path in diff.kustomizations:
        produced = True
        yield RollbackStep(
            "manual", f"{path} changes how kustomize builds {folder_of(path) or 'the repository root'}; gate cannot "
            "undo that object by object: the revert (A) undoes it."
        )
    if not produced:
        yield RollbackStep(
            "note", "Nothing to undo per resource: this commit changes no Kubernetes object or flag that gate reads. "
            "The revert (A) undoes it."
        )
    yield from resume_steps(reconcilers)
