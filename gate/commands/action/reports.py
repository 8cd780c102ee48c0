"""The verdict where GitHub shows it: the log and its annotations, the step's outputs, the job summary,
a JSON report file, and a sticky comment on the pull request.

A reporting problem (a read-only token, a comment GitHub refuses) is noted, never fatal: the step's
result is the verdict's.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from gate.adapters import runner
from gate.adapters.github import GitHub, GitHubError
from gate.adapters.runner import ActionSettings
from gate.commands.action.console import clean, say, say_verbatim, write
from gate.commands.action.notes import Notes
from gate.core.judge import Judgement
from gate.core.models import Severity

REPORT_NAME = "gate-report.json"


def report(settings: ActionSettings, judgement: Judgement, notes: Notes) -> None:
    """Every output, each on its own: a bug in one format is an error line, never the others' loss."""
    from gate.core.report import github as annotations
    from gate.core.report import json as json_report
    from gate.core.report import markdown, text

    verdict = judgement.verdict
    report_path, shown_path = report_location(settings)

    def json_file() -> None:
        nonlocal shown_path
        try:
            report_path.write_text(json_report.render(judgement), encoding="utf-8")
        except OSError as exc:
            shown_path = ""
            notes.add(f"gate could not write the JSON report to {report_path}: {exc.strerror}")

    if not _rendered("the JSON report", notes, json_file):
        shown_path = ""
    _rendered("the text report", notes, lambda: say_verbatim("gate report", text.render(judgement)))
    _rendered("the annotations", notes, lambda: write(annotations.render(judgement)))
    _rendered("the outputs", notes, lambda: runner.write_outputs(
        settings.output_path,
        {
            "verdict": verdict.outcome.value,
            "errors": str(verdict.count(Severity.ERROR)),
            "warnings": str(verdict.count(Severity.WARNING)),
            "notices": str(verdict.count(Severity.NOTICE)),
            "waived": str(len(verdict.waived)),
            "report": shown_path,
        },
    ))
    _rendered("the job summary", notes, lambda: runner.append_summary(
        settings.summary_path, clean(markdown.render(judgement))
    ))


def _rendered(what: str, notes: Notes, step: Callable[[], object]) -> bool:
    try:
        step()
    except Exception as exc:
        if os.environ.get("GATE_DEBUG"):
            raise
        message = f"{what} could not be written (a bug in gate): {type(exc).__name__}: {exc}"
        say(runner.error(message, title="gate"))
        notes.add(message)
        return False
    return True


def report_location(settings: ActionSettings) -> tuple[Path, str]:
    """RUNNER_TEMP when it is reachable here (not in a container); else the workspace, named
    relative to it, which is how later steps outside the container find it."""
    temp = settings.runner_temp
    if temp is not None and temp.is_dir() and os.access(temp, os.W_OK):
        return temp / REPORT_NAME, str(temp / REPORT_NAME)
    return settings.workspace / REPORT_NAME, REPORT_NAME


def comment(github: GitHub, settings: ActionSettings, number: int, judgement: Judgement, notes: Notes) -> None:
    """The report as the one comment gate keeps on the pull request, updated on every run."""
    from gate.core.report import comment

    if not settings.comment:
        return
    if not settings.token:
        notes.add("no github-token, so no pull-request comment; the report is in this summary")
        return
    body = clean(comment.render(judgement))
    try:
        # Only a comment gate's own identity wrote is gate's to edit. If GitHub cannot say who
        # that is, gate posts a new comment rather than edit one it cannot prove is its own.
        try:
            me = github.identity()
        except GitHubError as exc:
            notes.add(f"gate could not tell which comment is its own, so it posts a new one: {exc}")
            me = None
        existing = github.find_comment(number, comment.MARKER, me) if me is not None else None
        if existing is not None:
            github.update_comment(existing.id, body)
            say(f"gate: updated the report comment on pull request #{number}")
        else:
            github.create_comment(number, body)
            say(f"gate: commented the report on pull request #{number}")
    except GitHubError as exc:
        why = "the token cannot write to this pull request" if exc.cannot_write else "GitHub refused the comment"
        notes.notice(f"{why}, so the report is in the job summary only ({exc})")
