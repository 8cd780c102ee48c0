"""The pull request a change belongs to, as the GitHub API tells it (never the event payload)."""

from __future__ import annotations

from gate.adapters import runner
from gate.adapters.github import GitHub, GitHubError, PullInfo
from gate.commands.action.console import say
from gate.commands.action.events import Plan
from gate.commands.action.notes import Notes
from gate.core.models import PullRequest


def read_pull(github: GitHub, plan: Plan, notes: Notes) -> PullInfo | None:
    """The pull request, or None when there is none or the API would not say (then noted)."""
    if plan.pull_number is None:
        return None
    try:
        return github.pull(plan.pull_number)
    except GitHubError as exc:
        notes.add(f"gate could not read pull request #{plan.pull_number}: {exc}")
        say(runner.warning(str(exc), title="gate"))
        return None


def pull_request(plan: Plan, pull: PullInfo | None) -> PullRequest | None:
    """What the report says of the pull request: its number at least, the rest when the API gave it."""
    if plan.pull_number is None:
        return None
    if pull is None:
        return PullRequest(number=plan.pull_number)
    return PullRequest(number=pull.number, author=pull.author, url=pull.url, title=pull.title)
