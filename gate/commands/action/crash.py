"""The judgement of a change gate crashed on: a blocking `internal-error`, and what git can still say.

The reports and, on a push, the deployment notice come from a judgement. When judging raised (a
bug in gate), this one stands in: the commit and its changed files where git can still give them,
no findings but the crash. The notice then tells the team the change landed and gate could not
judge it; the step reports the bug.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from gate.adapters.git import Git
from gate.adapters.runner import ActionSettings
from gate.commands.action.events import Plan
from gate.core.judge import Judgement
from gate.core.models import ChangedFile, Commit, Context, Outcome, Verdict, internal_error
from gate.core.policy import default_policy
from gate.core.request import Refs, RepositoryPolicy, Request

T = TypeVar("T")


def crashed_judgement(
    git: Git, plan: Plan, settings: ActionSettings, now: datetime, request: Request | None, error: Exception
) -> Judgement:
    where = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    at = f"{where.filename.rsplit('/', 1)[-1]}:{where.lineno}" if where else ""
    head = _try(lambda: git.resolve(plan.head), plan.head)
    base = _try(lambda: git.resolve(plan.base) if plan.base else git.default_base(head), git.empty_tree)
    files: tuple[ChangedFile, ...] = _try(lambda: tuple(git.diff(base, head)), ())
    commit: Commit | None = _try(lambda: git.commit(head), None)
    finding = internal_error(
        "gate crashed while judging this change", error, "it could not decide, so it blocks",
        "meanwhile judge the change by hand", at=at,
    )
    context = Context(
        base=base,
        head=head,
        files=files,
        services=(),
        now=now,
        base_tree=git.tree(base),
        head_tree=git.tree(head),
        commit=commit,
        repository=settings.repository,
        event=settings.event_name,
    )
    verdict = Verdict(outcome=Outcome.FAIL, findings=(finding,))
    if request is None:
        request = Request(refs=Refs(base=plan.base, head=plan.head), now=now, policy=RepositoryPolicy(),
                          repository=settings.repository, event=settings.event_name)
    return Judgement(request=request, context=context, policy=default_policy(), verdict=verdict)


def _try(step: Callable[[], T], fallback: T) -> T:
    """What git says, or `fallback` when it cannot (the crash may have been git's)."""
    try:
        return step()
    except Exception:
        return fallback
