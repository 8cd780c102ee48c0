"""`gate action`: the container's entrypoint, judging the change an Actions event describes.

Read top to bottom: the settings, the plan (which change the event asks to judge), the request,
the judgement, the reports, the exit code. The parts, one concern each:

- `events`: which change an Actions event asks gate to judge (pure);
- `change`: the base, head and changed files in the checkout (the API lists them when it is shallow);
- `pull`: the pull request the change belongs to, as the GitHub API tells it;
- `evidence`: the override label, weighed on what the GitHub API says about it;
- `reports`: the log, annotations, job summary, step outputs, JSON report file and sticky comment;
- `deployment`: the deployment notice, published once per commit;
- `status`: the `gate/golden-window` status of a pull request's head;
- `sweep` and `remote`: on a schedule, every open pull request's window status, judged again;
- `clock`: the time gate judges at;
- `crash`: the judgement that stands in when judging raised (a bug), so reports and the notice still go out;
- `notes` and `console`: what the action adds to the job summary, and how it writes to the log.

Nothing here fails the step for a reporting problem (a read-only token, a comment GitHub refuses):
the step's result is the verdict's.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from gate.adapters import runner
from gate.adapters.git import Git
from gate.adapters.github import GitHub
from gate.adapters.runner import ActionSettings
from gate.commands.action.change import resolve_change
from gate.commands.action.clock import judging_time
from gate.commands.action.console import clean, mask, say
from gate.commands.action.crash import crashed_judgement
from gate.commands.action.deployment import deployment_notice
from gate.commands.action.events import Plan, Sweep, load_event, plan_for
from gate.commands.action.evidence import VerifiedLabel
from gate.commands.action.notes import Notes
from gate.commands.action.pull import pull_request, read_pull
from gate.commands.action.reports import comment, report
from gate.commands.action.status import set_window_status
from gate.core.errors import EXIT_BLOCKED, EXIT_INTERNAL, EXIT_PASS, GateError
from gate.core.judge import Judgement, judge
from gate.core.models import Outcome
from gate.core.request import REPO_POLICY_PATH, RepositoryPolicy, Request
from gate.core.text import one_line

T = TypeVar("T")


def run(args: argparse.Namespace | None = None) -> int:
    try:
        settings = ActionSettings.from_env(os.environ)
    except GateError as exc:
        say(runner.error(str(exc), title="gate"))
        return exc.exit_code
    if settings.token:
        mask(settings.token)  # before any other line reaches the log
    try:
        return _run(settings)
    except GateError as exc:
        say(runner.error(str(exc), title="gate"))
        runner.append_summary(settings.summary_path,
                              f"## ❌ gate could not judge this change\n\n{clean(one_line(str(exc)))}\n")
        return exc.exit_code


def _run(settings: ActionSettings) -> int:
    payload = load_event(settings.event_path)
    plan = plan_for(settings.event_name, payload, settings)
    if isinstance(plan, str):
        say(runner.notice(f"{plan}; nothing to do.", title="gate"))
        runner.write_outputs(settings.output_path, {"verdict": ""})
        return EXIT_PASS
    if isinstance(plan, Sweep):
        from gate.commands.action.sweep import sweep

        return sweep(settings, plan)
    say(f"gate: judging the {plan.description} in {settings.repository}")
    notes = Notes()
    now = judging_time(settings, notes)
    # The workspace belongs to the runner's user, not the container's: git must be told to trust it.
    with GitHub(settings.api_url, settings.token, settings.repository) as github, \
            Git(settings.workspace, trust_owner=True) as git:
        request: Request | None = None
        try:
            request = _request(git, github, settings, plan, payload, now, notes)
            judgement, crashed = judge(request, git), False
        except GateError:
            raise
        except Exception as exc:
            if os.environ.get("GATE_DEBUG"):
                raise
            # A bug in gate: the judgement is a blocking internal-error, and on a push the notice
            # still goes out with it, since the change has landed whatever gate's state.
            judgement, crashed = crashed_judgement(git, plan, settings, now, request, exc), True
        _note_missing_policy(judgement, notes)
        notice_failed = plan.notice and _isolated("the deployment notice", notes, True,
                                                  lambda: deployment_notice(github, settings, judgement, notes))
        report(settings, judgement, notes)
        if plan.window_status:
            _isolated("the golden-window status", notes, None,
                      lambda: set_window_status(github, settings, plan, judgement, notes))
        if plan.comment and plan.pull_number is not None:
            _isolated("the pull-request comment", notes, None,
                      lambda: comment(github, settings, plan.pull_number or 0, judgement, notes))
        notes.flush(settings.summary_path)
    if crashed:
        say(runner.error("gate crashed while judging this change (a bug in gate); the reports and the notice carry "
                         "the internal-error", title="gate"))
        return EXIT_INTERNAL
    return _exit_code(settings, plan, judgement, notice_failed)


def _isolated(what: str, notes: Notes, failed: T, step: Callable[[], T]) -> T:
    """Run one reporting step; a bug in it is an error line, and the other steps still run."""
    try:
        return step()
    except Exception as exc:
        if os.environ.get("GATE_DEBUG"):
            raise
        message = f"{what} failed (a bug in gate): {type(exc).__name__}: {exc}"
        say(runner.error(message, title="gate"))
        notes.add(message)
        return failed


def _request(
    git: Git,
    github: GitHub,
    settings: ActionSettings,
    plan: Plan,
    payload: dict[str, Any],
    now: datetime,
    notes: Notes,
) -> Request:
    pull = read_pull(github, plan, notes)
    change = resolve_change(git, github, plan, notes)
    return Request(
        refs=change.refs,
        now=now,
        # Never a file of the checkout: a pull request could loosen its own rules. The repository's
        # policy is read from the base side of the change.
        policy=RepositoryPolicy(settings.policy or REPO_POLICY_PATH, named=settings.policy is not None),
        override=VerifiedLabel(github, plan, pull, payload, notes),
        repository=settings.repository,
        pull_request=pull_request(plan, pull),
        event=settings.event_name,
        listed_files=change.listed_files,
    )


def _note_missing_policy(judgement: Judgement, notes: Notes) -> None:
    """A policy input that names a file on neither side of the change is likely misspelt."""
    source, context = judgement.request.policy, judgement.context
    if not isinstance(source, RepositoryPolicy) or not source.named:
        return
    if context.base_tree.read(source.path) is None and context.head_tree.read(source.path) is None:
        # The bundled default is the strictest policy, so judging by it fails closed; but a
        # misspelt input should not go unnoticed.
        notes.warning(
            f"the policy input names {source.path}, which this repository does not have; "
            "gate judged by the bundled default policy"
        )


def _exit_code(settings: ActionSettings, plan: Plan, judgement: Judgement, notice_failed: bool) -> int:
    if judgement.verdict.outcome is Outcome.FAIL and plan.notice:
        # The change has already landed: there is nothing left to block, and a red default branch
        # would tell nobody what to do. The notice and the summary carry the findings instead.
        say(runner.warning("this change landed with blocking findings; the deployment notice lists them",
                           title="gate"))
    elif judgement.verdict.outcome is Outcome.FAIL:
        return EXIT_BLOCKED
    if notice_failed and settings.fail_on_notice_error:
        say(runner.error("the deployment notice was not published (fail-on-notice-error is true)", title="gate"))
        return EXIT_BLOCKED
    return EXIT_PASS
