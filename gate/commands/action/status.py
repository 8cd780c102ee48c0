"""The `gate/golden-window` status of a pull request's head, set by the pull-request run.

The status says whether the change may land now as far as the window goes (see
`gate.core.window_status`), so a repository can require it; the scheduled sweep sets it again when
the window opens or closes. Setting it never fails the run: a pull request from a fork gets a
read-only token, and then the sweep sets it.
"""

from __future__ import annotations

import re

from gate.adapters.github import GitHub, GitHubError
from gate.adapters.runner import ActionSettings
from gate.commands.action.console import say
from gate.commands.action.events import Plan
from gate.commands.action.notes import Notes
from gate.core.judge import Judgement
from gate.core.window_status import STATUS_CONTEXT, KnownOverride, judge_window

_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def set_window_status(github: GitHub, settings: ActionSettings, plan: Plan, judgement: Judgement, notes: Notes) -> None:
    # The override was weighed for the verdict already: the status takes that decision as it is.
    status = judge_window(judgement.context, judgement.policy, KnownOverride(judgement.verdict.override))
    # The commit GitHub shows the pull request (or the queue) by: the event's, even when the
    # checkout holds a merge commit.
    sha = plan.head if _SHA.fullmatch(plan.head) else judgement.context.head
    say(f"gate: {STATUS_CONTEXT}: {status.state}: {status.description}")
    if not settings.token:
        notes.add(f"no github-token, so no `{STATUS_CONTEXT}` status ({status.state}: {status.description})")
        return
    try:
        github.create_status(
            sha,
            state=status.state.value,
            context=STATUS_CONTEXT,
            description=status.description,
            target_url=settings.run_url,
        )
    except GitHubError as exc:
        if exc.cannot_write:
            notes.notice(
                f"the token cannot set the `{STATUS_CONTEXT}` status ({exc}); a pull request from a fork gets a "
                "read-only token: the scheduled sweep sets it"
            )
        else:
            notes.warning(f"gate could not set the `{STATUS_CONTEXT}` status: {exc}")
        return
    notes.add(f"`{STATUS_CONTEXT}` on `{sha[:12]}`: **{status.state}**, {status.description}")
