"""The golden-window sweep: every open pull request's `gate/golden-window` status, judged now.

A commit status does not change when the clock does. Run on a schedule at the window's edges, the
sweep judges the window of each open pull request that changes flag files, at that moment, and sets
its status again: a change approved at 03:00 turns green at 10:00 (and GitHub's auto-merge lands
it), one green at 12:50 turns pending at 13:00. Nothing is pushed and no pull request's jobs run
again.

What it reads, per pull request: the change from the clone when it has the commits, else one
`compare` request and the flag files' contents (`remote`); the policy on the base side, as the
pull-request run does; flag contents decide, through the golden-window check itself
(`gate.core.window_status`). An earlier status is never evidence: anyone with write access can
write one. The override label is verified through the API, only when it would change the status.

Bounds: each pull request may spend `PER_PULL_REQUESTS` requests; the sweep stops starting new ones
when GitHub's rate limit runs low (`RATE_RESERVE` left for the other runs) or its time is up
(`SWEEP_SECONDS`), and says which it did not reach. Status writes are paced (`Pacer`) to stay under
GitHub's limit on content-creating requests. A pull request that cannot be judged gets an `error`
status (its merge waits: gate fails closed) and is reported; the others go on. The exit code is 0
when every pull request was judged and its status set, 1 when any was not, 3 for a bug in gate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from gate.adapters import runner
from gate.adapters.git import Git
from gate.adapters.github import BudgetSpent, GitHub, GitHubError, OpenPull
from gate.adapters.runner import ActionSettings
from gate.commands.action.clock import judging_time
from gate.commands.action.console import say
from gate.commands.action.events import Sweep
from gate.commands.action.evidence import gather_evidence
from gate.commands.action.notes import Notes
from gate.commands.action.remote import Clone, read_pull_change
from gate.core.errors import EXIT_BLOCKED, EXIT_INTERNAL, EXIT_PASS, GateError
from gate.core.judge import choose_policy
from gate.core.models import Context, Override, PullRequest
from gate.core.override import decide
from gate.core.policy import OverridePolicy
from gate.core.report.markdown import cell
from gate.core.request import REPO_POLICY_PATH, RepositoryPolicy
from gate.core.times import utc_iso
from gate.core.window_status import (
    NO_ACTIVATIONS,
    STATUS_CONTEXT,
    StatusState,
    WindowStatus,
    judge_window,
    window_files,
)

PER_PULL_REQUESTS = 40  # compare, flag files, the policy, the override's evidence, the status
RATE_RESERVE = 100  # requests left to the pull-request runs that share the token's hourly limit
SWEEP_SECONDS = 15 * 60  # the sweep stops starting pull requests after this long
ANNOTATION_LIMIT = 10  # GitHub shows at most 10 warning annotations per step
_ICONS = {"success": "✅", "pending": "⏳", "failure": "❌", "error": "⚠️"}


class Pacer:
    """Paces writes: a burst of `burst` at once, then `per_second`.

    GitHub asks integrations to space out requests that create content (80 a minute at most), and
    answers a burst of them with its secondary rate limit.
    """

    def __init__(
        self,
        burst: int = 20,
        per_second: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.burst, self.per_second = float(burst), per_second
        self._clock, self._sleep = clock, sleep
        self._tokens = self.burst
        self._last = clock()

    def wait(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.per_second)
        self._last = now
        if self._tokens < 1:
            self._sleep((1 - self._tokens) / self.per_second)
            self._tokens, self._last = 1.0, self._clock()
        self._tokens -= 1


@dataclass
class Swept:
    """What the sweep did with one pull request."""

    pull: OpenPull
    status: WindowStatus | None = None  # the status set (None: left as its own run set it)
    problem: str | None = None  # why it could not be judged, or its status not set
    judged: bool = True  # False: `status` is the error status that says it could not be
    bug: bool = False


@dataclass
class Sweeper:
    """One sweep of the open pull requests: the clients it uses and what it has found so far."""

    settings: ActionSettings
    clone: Clone
    github: GitHub
    now: datetime
    pacer: Pacer = field(default_factory=Pacer)

    def pull(self, pull: OpenPull) -> Swept:
        """Judge one pull request and set its status; a failure is this pull request's alone."""
        status: WindowStatus | None = None
        problem: str | None = None
        bug = False
        self.github.request_limit = self.github.sent + PER_PULL_REQUESTS
        try:
            status = self._judge(pull)
        except BudgetSpent:
            problem = f"it needs more than {PER_PULL_REQUESTS} API requests to judge"
        except GateError as exc:
            problem = str(exc)
        except Exception as exc:  # a bug in gate: fail closed for this pull request, go on with the others
            problem, bug = f"gate failed ({type(exc).__name__}: {exc}); this is a bug in gate", True
        finally:
            self.github.request_limit = None
        if problem is not None:
            return self._unjudged(Swept(pull, problem=problem, judged=False, bug=bug))
        if status is None:
            return Swept(pull)  # no flag files: its own run's status stands
        return self._set(Swept(pull, status))

    def _judge(self, pull: OpenPull) -> WindowStatus | None:
        change = read_pull_change(self.clone, self.github, pull)
        source = RepositoryPolicy(self.settings.policy or REPO_POLICY_PATH, named=self.settings.policy is not None)
        chosen = choose_policy(source, change.base_tree, change.head_tree, first_commit=False)
        policy = chosen.policy
        files = window_files(change.files, policy)
        if not files:
            return self._fork_without_flags(pull)
        context = Context(
            base=change.base,
            head=change.head,
            files=files,
            services=(),
            now=self.now,
            base_tree=change.base_tree,
            head_tree=change.head_tree,
            repository=self.settings.repository,
            pull_request=PullRequest(pull.number, pull.author, pull.url, pull.title),
            event=self.settings.event_name,
        )
        return judge_window(context, policy, ListedLabel(self.github, pull))

    def _fork_without_flags(self, pull: OpenPull) -> WindowStatus | None:
        """A fork's pull request could not set its own status (a read-only token): set it once."""
        if not pull.from_fork:
            return None
        latest = self.github.latest_status(pull.head_sha, STATUS_CONTEXT)
        if latest is not None and latest.state == StatusState.SUCCESS:
            return None
        return WindowStatus(StatusState.SUCCESS, NO_ACTIVATIONS)

    def _unjudged(self, swept: Swept) -> Swept:
        assert swept.problem is not None
        # Fail closed: a status left from before could be a green that no longer holds.
        swept.status = WindowStatus(
            StatusState.ERROR,
            f"gate could not judge the window at {self.now.astimezone(UTC):%H:%M} UTC: {swept.problem}",
        )
        return self._set(swept)

    def _set(self, swept: Swept) -> Swept:
        assert swept.status is not None
        self.pacer.wait()
        try:
            self.github.create_status(
                swept.pull.head_sha,
                state=swept.status.state.value,
                context=STATUS_CONTEXT,
                description=swept.status.description,
                target_url=self.settings.run_url,
            )
        except GitHubError as exc:
            unset = f"its status could not be set: {exc}"
            swept.problem = f"{swept.problem}; {unset}" if swept.problem else unset
        return swept


@dataclass(frozen=True)
class ListedLabel:
    """The override label, verified through the API only when the listing shows it on the pull request
    (the listing is a hint to skip the calls, never evidence to accept a label)."""

    github: GitHub
    pull: OpenPull

    def decide(self, policy: OverridePolicy) -> Override | None:
        if not any(label.casefold() == policy.label.casefold() for label in self.pull.labels):
            return None
        return decide(gather_evidence(self.github, self.pull.number, policy.label, self.pull.info()), policy)


def sweep(settings: ActionSettings, plan: Sweep) -> int:
    notes = Notes()
    now = judging_time(settings, notes)
    say(f"gate: {plan.description} of {settings.repository}: the golden window at {utc_iso(now)}")
    started = time.monotonic()
    with GitHub(settings.api_url, settings.token, settings.repository, session_budget=SWEEP_SECONDS) as github, \
            Git(settings.workspace, trust_owner=True) as git:
        pulls = github.open_pulls()
        sweeper = Sweeper(settings, Clone(git), github, now)
        done: list[Swept] = []
        stopped: str | None = None
        for pull in pulls:
            stopped = _why_stop(github, started)
            if stopped is not None:
                break
            swept = sweeper.pull(pull)
            done.append(swept)
            say(_log_line(swept))
        missed = pulls[len(done):]
        _report(settings, plan, now, done, missed, stopped, github.sent, time.monotonic() - started, notes)
    if any(swept.bug for swept in done):
        return EXIT_INTERNAL
    if missed or any(swept.problem for swept in done):
        return EXIT_BLOCKED
    return EXIT_PASS


def _why_stop(github: GitHub, started: float) -> str | None:
    if time.monotonic() - started > SWEEP_SECONDS:
        return f"the sweep's time is up ({SWEEP_SECONDS // 60} minutes)"
    remaining = github.rate_remaining
    if remaining is not None and remaining < RATE_RESERVE + PER_PULL_REQUESTS:
        return (
            f"GitHub's rate limit is running low ({remaining} requests left this hour; gate leaves "
            f"{RATE_RESERVE} to the other runs)"
        )
    return None


def _log_line(swept: Swept) -> str:
    where = f"gate: #{swept.pull.number}"
    if swept.problem is not None:
        return f"{where}: not judged: {swept.problem}"
    if swept.status is None:
        return f"{where}: no flag files; its own run's status stands"
    return f"{where}: {swept.status.state}: {swept.status.description}"


def _report(
    settings: ActionSettings,
    plan: Sweep,
    now: datetime,
    done: list[Swept],
    missed: list[OpenPull],
    stopped: str | None,
    requests: int,
    seconds: float,
    notes: Notes,
) -> None:
    problems = [swept for swept in done if swept.problem is not None]
    for swept in problems[:ANNOTATION_LIMIT]:
        say(runner.warning(f"pull request #{swept.pull.number}: {swept.problem}", title="gate sweep"))
    if len(problems) > ANNOTATION_LIMIT:
        say(runner.warning(f"{len(problems) - ANNOTATION_LIMIT} more pull requests could not be judged: see the "
                           "job summary", title="gate sweep"))
    if missed:
        numbers = ", ".join(f"#{pull.number}" for pull in missed)
        say(runner.warning(f"the sweep stopped before {len(missed)} pull requests ({numbers}): {stopped}; their "
                           "statuses are as they were", title="gate sweep"))
    judged = [swept for swept in done if swept.status is not None and swept.problem is None]
    left = [swept for swept in done if swept.status is None and swept.problem is None]
    headline = "✅" if not problems and not missed else "⚠️"
    lines = [
        f"## {headline} gate: golden-window sweep",
        "",
        f"At `{utc_iso(now)}` ({plan.description}): {len(done) + len(missed)} open pull requests; "
        f"{len(judged)} statuses set, {len(left)} without flag files left as their own runs set them, "
        f"{len(problems)} could not be judged, {len(missed)} not reached; {requests} API requests in "
        f"{seconds:.1f} s.",
        "",
    ]
    rows = [swept for swept in done if swept.status is not None or swept.problem is not None]
    if rows:
        lines += ["| Pull request | Status | Description |", "| --- | --- | --- |"]
        for swept in rows:
            lines.append(f"| {_pull_cell(swept.pull)} | {_state_cell(swept)} | {cell(_row_text(swept))} |")
        lines.append("")
    if missed:
        lines += [
            f"The sweep stopped before {len(missed)} pull requests: {cell(stopped or '')}. Their statuses are as "
            "they were; the next scheduled run judges them, or run this workflow by hand.",
            "",
            ", ".join(_pull_cell(pull) for pull in missed),
            "",
        ]
    runner.append_summary(settings.summary_path, "\n".join(lines))
    notes.flush(settings.summary_path)
    runner.write_outputs(settings.output_path, {"verdict": ""})


def _state_cell(swept: Swept) -> str:
    if not swept.judged:
        return "⚠️ not judged"
    assert swept.status is not None
    state = swept.status.state.value
    return f"⚠️ {state}, not set" if swept.problem is not None else f"{_ICONS.get(state, '')} {state}"


def _row_text(swept: Swept) -> str:
    if not swept.judged or swept.status is None:
        return swept.problem or ""
    return f"{swept.status.description} ({swept.problem})" if swept.problem else swept.status.description


def _pull_cell(pull: OpenPull) -> str:
    number = f"[#{pull.number}]({pull.url})" if pull.url and pull.url.startswith("https://") else f"#{pull.number}"
    return f"{number} {cell(pull.title)}" if pull.title else number
