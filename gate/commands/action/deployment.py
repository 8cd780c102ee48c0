"""The deployment notice, published once per commit.

A `gate/notice` commit status records that a commit's notice went out, so a re-run of the same
workflow does not send it again. Anyone who can write a commit status can write one with that
context, so a status counts only when gate can prove it wrote it:

- its state is `success` and its creator is the identity of gate's own token (`GitHub.identity`);
- its `target_url` names a workflow run of this repository (`…/actions/runs/<id>[/attempts/<n>]`),
  other than this very attempt, which has not published yet;
- that run exists (GET /repos/{o}/{r}/actions/runs/{id}), in this repository, of this workflow file
  (the path in GITHUB_WORKFLOW_REF), and ran for this commit on a `push`, or on a `pull_request`
  whose merge commit this is; and the status was created after that run started.

Any other status is ignored and reported: a duplicate notice costs less than a missing one. The
limit: every workflow of the repository shares the identity github-actions[bot], so a workflow
that can write statuses can still name a real earlier run of gate's workflow for the same commit;
what it cannot do is name one that never ran, of another workflow, or for another commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gate.adapters import runner
from gate.adapters.github import CommitStatus, GitHub, GitHubError, Identity, WorkflowRun
from gate.adapters.runner import ActionSettings
from gate.commands.action.console import say, say_verbatim
from gate.commands.action.notes import Notes
from gate.core.judge import Judgement

NOTICE_STATUS_CONTEXT = "gate/notice"
_PULL = re.compile(r"\(pull_request #(?P<number>[0-9]{1,12})\)")
_RUN_URL = re.compile(r"/actions/runs/(?P<run>[0-9]{1,20})(?:/attempts/(?P<attempt>[0-9]{1,6}))?/?")


def deployment_notice(github: GitHub, settings: ActionSettings, judgement: Judgement, notes: Notes) -> bool:
    """Publish the notice once per commit; True when it should have gone out and did not."""
    if not settings.notify:
        say("gate: notify is false; no deployment notice")
        return False
    if not settings.sns_topic_arn:
        say("gate: no sns-topic-arn; no deployment notice")
        return False
    sha = judgement.context.head
    if _already_sent(github, settings, sha, notes):
        say(f"gate: the deployment notice for {sha[:12]} was already published (status {NOTICE_STATUS_CONTEXT})")
        notes.add(f"the deployment notice for `{sha[:12]}` was already published; not sent again")
        return False
    from gate.adapters import sns

    outcome = sns.publish_notice(
        judgement,
        sns.SnsSettings(
            topic_arn=settings.sns_topic_arn,
            region=settings.aws_region or None,
            endpoint_url=settings.sns_endpoint_url or None,
        ),
        event=settings.event_name,
    )
    if outcome.published:
        say(f"gate: deployment notice published (message {outcome.message_id})")
        notes.add(f"deployment notice published to SNS (message `{outcome.message_id}`)")
        pull = judgement.context.pull_request.number if judgement.context.pull_request else None
        _record_sent(github, settings, sha, outcome.message_id, notes, pull)
        return False
    message = f"the deployment notice was NOT published: {outcome.error}; it is printed below, send it by hand"
    annotate = runner.error if settings.fail_on_notice_error else runner.warning
    say(annotate(message, title="gate notice"))
    say_verbatim("the deployment notice that was not sent", outcome.rendered.rstrip("\n") + "\n")
    notes.add(message)
    notes.details.append(("The deployment notice that was not sent", outcome.rendered))
    return True


def _already_sent(github: GitHub, settings: ActionSettings, sha: str, notes: Notes) -> bool:
    try:
        statuses = [s for s in github.statuses(sha) if s.context == NOTICE_STATUS_CONTEXT]
    except GitHubError as exc:
        # A duplicate notice costs less than a missing one: publish, and say why it may repeat.
        notes.add(f"gate could not read the commit's statuses, so the notice may be a repeat: {exc}")
        return False
    if not statuses:
        return False
    try:
        me = github.identity()
    except GitHubError as exc:
        notes.warning(f"gate could not tell which {NOTICE_STATUS_CONTEXT} statuses are its own, so it publishes "
                      f"the notice (it may be a repeat): {exc}")
        return False
    ignored: list[str] = []
    checker = _Proof(github, settings, sha, me)
    for status in statuses:
        why_not = checker.why_not(status)
        if why_not is None:
            return True
        ignored.append(why_not)
    shown = "; ".join(ignored[:3]) + (f"; and {len(ignored) - 3} more" if len(ignored) > 3 else "")
    notes.warning(
        f"gate ignored {len(ignored)} {NOTICE_STATUS_CONTEXT} status{'es' if len(ignored) != 1 else ''} on "
        f"{sha[:12]} that it cannot prove it wrote ({shown}); the notice is published (a duplicate costs less "
        "than a missing one)"
    )
    return False


@dataclass
class _Proof:
    """Whether a `gate/notice` status was written by an earlier run of gate's workflow for this commit."""

    github: GitHub
    settings: ActionSettings
    sha: str
    me: Identity

    def why_not(self, status: CommitStatus) -> str | None:
        """None when the status proves the notice went out; else why it does not count."""
        if status.state != "success":
            return f"one is {status.state or 'stateless'}, not success"
        if not self.me.wrote(status.creator, status.creator_id):
            creator = status.creator or "an unknown account"
            return f"one was created by {creator}, not by gate's identity {self.me.login}"
        named = self._named_run(status.target_url or "")
        if isinstance(named, str):
            return named
        run_id, attempt = named
        if run_id == self.settings.run_id and attempt in (None, self.settings.run_attempt):
            return f"one names this very run ({run_id}), which has not published the notice yet"
        try:
            run = self.github.workflow_run(run_id)
        except GitHubError as exc:
            return f"gate could not read run {run_id} that one names ({exc})"
        if run is None:
            return f"one names run {run_id}, which does not exist in {self.settings.repository}"
        return self._run_problem(run, status)

    def _named_run(self, target_url: str) -> tuple[int, int | None] | str:
        prefix = f"{self.settings.server_url}/{self.settings.repository}".casefold()
        found = _RUN_URL.fullmatch(target_url[len(prefix):]) if target_url.casefold().startswith(prefix) else None
        if found is None:
            return f"one names no run of {self.settings.repository} ({_clip(target_url) or 'no target_url'})"
        attempt = found["attempt"]
        return int(found["run"]), int(attempt) if attempt else None

    def _run_problem(self, run: WorkflowRun, status: CommitStatus) -> str | None:
        workflow = self.settings.workflow_path
        if run.repository.casefold() != self.settings.repository.casefold():
            return f"one names run {run.id} of another repository"
        if workflow is None:
            return "GITHUB_WORKFLOW_REF does not say which workflow gate runs in, so no run can be matched"
        if run.path.partition("@")[0] != workflow:
            return f"one names run {run.id} of another workflow ({_clip(run.path)})"
        if run.event == "push":
            if run.head_sha != self.sha:
                return f"one names run {run.id}, which ran for another commit"
        elif run.event == "pull_request":
            problem = self._merged_here(run, status)
            if problem is not None:
                return problem
        else:
            return f"one names run {run.id}, which ran on {run.event}, not on a push or a merged pull request"
        if status.created_at is not None and run.started_at is not None and status.created_at < run.started_at:
            return f"one was created before run {run.id} that it names had started"
        return None

    def _merged_here(self, run: WorkflowRun, status: CommitStatus) -> str | None:
        """A pull_request run counts when its pull request (the status says which) was merged as this commit."""
        found = _PULL.search(status.description or "")
        number = int(found["number"]) if found else None
        if number is None:
            return f"one names run {run.id} of a pull request that gate cannot match to this commit"
        try:
            pull = self.github.pull(number)
        except GitHubError as exc:
            return f"gate could not read pull request #{number} to check run {run.id} ({exc})"
        if not pull.merged or pull.merge_commit_sha != self.sha or pull.head_sha != run.head_sha:
            return f"one names run {run.id} of a pull request that was not merged as this commit"
        return None


def _record_sent(
    github: GitHub, settings: ActionSettings, sha: str, message_id: str | None, notes: Notes, pull: int | None
) -> None:
    event = settings.event_name
    if event == "pull_request" and pull is not None:
        event = f"pull_request #{pull}"  # which pull request, for a later run to check it was merged as this commit
    try:
        github.create_status(
            sha,
            state="success",
            context=NOTICE_STATUS_CONTEXT,
            description=f"notice published ({event}): message {message_id}",
            target_url=settings.run_url,
        )
    except GitHubError as exc:
        notes.warning(f"the notice went out but gate could not record it, so a re-run may send it again: {exc}")


def _clip(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."
