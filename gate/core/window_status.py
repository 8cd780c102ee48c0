"""The `gate/golden-window` commit status: may this change land now, as far as the window goes?

A repository makes the status a required check, so that a pull request that turns a flag on merges
only while the golden window is open; with GitHub's auto-merge it then merges itself when the
window opens. A commit's status does not change when the clock moves, so the pull-request run sets
it and a scheduled sweep sets it again at the window's edges.

The status is the golden-window check's own judgement of the change, narrowed to its flag files and
to that one check, so the pull-request run and the sweep cannot disagree:

- no flag activation: `success`, "no flag activations";
- activations, the window open: `success`, "open until 13:00 UTC";
- activations, the window closed: `pending`, "closed: outside 10:00–13:00 UTC; opens Mon 10:00 UTC
  (11:00 Europe/Madrid), in 6 h" (or the freeze, or the holiday, by name);
- the same with an accepted override: `success`, "outside the window; waived by maria's accepted
  override"; with the check's `level` at warning or notice: `success`, "outside the window; not
  enforced (golden-window level: warning)";
- only activations the file schedules, all inside the window: `success`, "activations scheduled
  inside the window";
- an activation the file schedules outside the window: `failure`, "flag 'fast-pay' is scheduled for
  Sat 05 Dec 10:00 UTC, outside the window: move it";
- a flag file gate cannot read, or a crash of the check: `failure`, "cannot read flags/pay.json: gate
  cannot tell what it turns on; see the gate check";
- the policy disables the golden-window check: `success`, "the policy does not enforce the golden
  window".

`pending` says that waiting is enough; `failure` that the change itself must change. GitHub keeps at
most 140 characters of a description: longer ones are cut with an ellipsis.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from gate.core.checks import golden_window
from gate.core.engine import evaluate
from gate.core.engine import judge as weigh_override
from gate.core.flags import is_flag_file
from gate.core.globs import matches_any
from gate.core.models import (
    INTERNAL_ERROR,
    INVALID_FILE,
    Activation,
    ChangedFile,
    Context,
    Finding,
    Override,
    Severity,
    Verdict,
)
from gate.core.policy import OverridePolicy, Policy
from gate.core.request import OverrideEvidence
from gate.core.window import Window, describe_state

STATUS_CONTEXT = "gate/golden-window"
DESCRIPTION_LIMIT = 140  # GitHub refuses a longer status description

NO_ACTIVATIONS = "no flag activations"
NOT_ENFORCED = "the policy does not enforce the golden window"
SCHEDULED_INSIDE = "activations scheduled inside the window"


class StatusState(enum.StrEnum):
    """A commit status's states, as the GitHub API names them."""

    SUCCESS = "success"
    PENDING = "pending"
    FAILURE = "failure"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class WindowStatus:
    """The status to set: its state and a description that fits GitHub's limit."""

    state: StatusState
    description: str
    activations: tuple[Activation, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "description", fit_description(self.description))


@dataclass(frozen=True, slots=True)
class KnownOverride:
    """An override already weighed (the pull-request run's judgement did it), as evidence."""

    override: Override | None

    def decide(self, policy: OverridePolicy) -> Override | None:
        return self.override


def fit_description(text: str) -> str:
    """One line of at most 140 characters; a longer one is cut with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= DESCRIPTION_LIMIT else line[: DESCRIPTION_LIMIT - 1].rstrip() + "\u2026"


def window_files(files: Iterable[ChangedFile], policy: Policy) -> tuple[ChangedFile, ...]:
    """The changed files the golden-window check reads: flag files there at head, not ignored.

    A change without any is judged at once (no activations), so a sweep reads nothing more of it.
    """
    options = _options(policy)
    return tuple(
        changed
        for changed in files
        if changed.exists_at_head
        and is_flag_file(changed.path, options.flag_files)
        and not matches_any(changed.path, policy.ignore)
    )


def judge_window(context: Context, policy: Policy, override: OverrideEvidence) -> WindowStatus:
    """The status of the change in `context` at `context.now`, by the golden-window check alone.

    The override is weighed only when it would change the status (a blocking, waivable finding of
    the window), so a sweep asks the GitHub API about labels only for such pull requests.
    """
    if not policy.enabled(golden_window.ID):
        return WindowStatus(StatusState.SUCCESS, NOT_ENFORCED)
    files = window_files(context.files, policy)
    if not files:
        return WindowStatus(StatusState.SUCCESS, NO_ACTIVATIONS)
    verdict = evaluate(dataclasses.replace(context, files=files), policy, rules=(golden_window.ID,))
    if _waivable_blocking(verdict, policy):
        decided = override.decide(policy.override)
        if decided is not None:
            verdict = weigh_override(list(verdict.findings), list(verdict.activations), decided, policy)
    return status_of(verdict, policy, context.now)


def status_of(verdict: Verdict, policy: Policy, now: datetime) -> WindowStatus:
    """The status a verdict of the golden-window check gives at `now` (see the module's table)."""
    window = _options(policy).window()
    activations = verdict.activations
    unreadable = [f for f in _blocking(verdict) if f.rule in (INVALID_FILE, INTERNAL_ERROR)]
    if unreadable:
        first = unreadable[0]
        what = f"cannot read {first.path}" if first.rule == INVALID_FILE and first.path else (
            "the golden-window check failed"
        )
        more = f" (and {len(unreadable) - 1} more)" if len(unreadable) > 1 else ""
        return WindowStatus(
            StatusState.FAILURE, f"{what}{more}: gate cannot tell what it turns on; see the gate check", activations
        )
    outside = [activation for activation in activations if not activation.in_window]
    if any(f.rule == golden_window.ID for f in _blocking(verdict)):
        scheduled = [activation for activation in outside if activation.at > now]
        if scheduled:
            early = min(scheduled, key=lambda activation: activation.at)
            return WindowStatus(
                StatusState.FAILURE,
                f"flag '{early.flag}' is scheduled for {moment_text(window, early.at)}, outside the window: move it",
                activations,
            )
        return WindowStatus(StatusState.PENDING, describe_state(window, window.state(now)), activations)
    if any(f.rule == golden_window.ID and f.waived for f in verdict.findings):
        actor = verdict.override.actor if verdict.override is not None and verdict.override.actor else "someone"
        return WindowStatus(
            StatusState.SUCCESS, f"outside the window; waived by {actor}'s accepted override", activations
        )
    if outside:
        level = policy.level(golden_window.ID) or Severity.WARNING
        return WindowStatus(
            StatusState.SUCCESS, f"outside the window; not enforced (golden-window level: {level})", activations
        )
    if not activations:
        return WindowStatus(StatusState.SUCCESS, NO_ACTIVATIONS)
    if any(activation.at <= now for activation in activations):
        return WindowStatus(StatusState.SUCCESS, describe_state(window, window.state(now)), activations)
    return WindowStatus(StatusState.SUCCESS, SCHEDULED_INSIDE, activations)


def moment_text(window: Window, moment: datetime) -> str:
    """"Sat 05 Dec 10:00 UTC (11:00 Europe/Madrid)": a moment, with the window's clock when not UTC."""
    text = f"{moment.astimezone(UTC):%a %d %b %H:%M} UTC"
    if not window.is_utc:
        text += f" ({window.local(moment):%H:%M} {window.zone_name})"
    return text


def _blocking(verdict: Verdict) -> list[Finding]:
    return [f for f in verdict.findings if f.severity is Severity.ERROR and not f.waived]


def _waivable_blocking(verdict: Verdict, policy: Policy) -> bool:
    waivable = set(policy.override.waivable) - {INTERNAL_ERROR}
    return any(f.rule in waivable for f in _blocking(verdict))


def _options(policy: Policy) -> golden_window.Options:
    options = policy.options(golden_window.ID)
    assert isinstance(options, golden_window.Options)
    return options
