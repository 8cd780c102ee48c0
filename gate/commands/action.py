"""`gate action`: the container's entrypoint, judging the change an Actions event describes.

The event payload says which change to judge (base and head) and which pull request it belongs to;
everything that decides an override (labels, who applied them, roles, push times) is read from the
GitHub API, never from the payload, which a re-run replays as it was. The reports go where
GitHub shows them: annotations and a text report in the log, the job summary, the step's outputs,
a sticky comment on the pull request; on a push to the default branch the deployment notice is
published once per commit.

Nothing here fails the step for a reporting problem (a read-only token, a comment GitHub refuses):
the step's result is the verdict's.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gate.adapters import actions
from gate.adapters.actions import ActionSettings
from gate.adapters.git import Git
from gate.adapters.github import GitHub, GitHubError, PullInfo
from gate.context import ChosenPolicy, Refs, resolve_refs
from gate.errors import EXIT_BLOCKED, EXIT_PASS, GateError, InputError
from gate.models import ChangedFile, FileStatus, Outcome, Override, PullRequest, Severity, utc_iso
from gate.override import LabelEvidence, decide
from gate.pipeline import Judgement, judge_change, select_policy
from gate.policy import REPO_POLICY_PATH, Policy

PULL_REQUEST_ACTIONS = ("opened", "synchronize", "reopened", "labeled", "unlabeled")
NOTICE_STATUS_CONTEXT = "gate/notice"
REPORT_NAME = "gate-report.json"
MAX_PULL_FILES = 3000  # GitHub lists at most this many files of a pull request
_QUEUE_REF = re.compile(r"^(?:refs/heads/)?gh-readonly-queue/(?P<base>.+)/pr-(?P<number>\d+)-(?P<sha>[0-9a-f]{7,64})$")
_NULL_SHA = re.compile(r"^0+$")


@dataclass(frozen=True)
class Plan:
    """What one event asks gate to do."""

    description: str
    head: str
    base: str | None = None  # None: the default base (DESIGN §2)
    pull_number: int | None = None
    notice: bool = False  # a deployment: publish the notice
    comment: bool = False  # report on the pull request
    merge_base: bool = False  # judge from the merge-base of base and head, as GitHub's diff does


@dataclass
class Notes:
    """What the action adds to the job summary around the report."""

    lines: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)

    def markdown(self) -> str:
        parts = []
        if self.lines:
            parts.append("### gate action\n\n" + "\n".join(f"- {line}" for line in self.lines) + "\n")
        for title, text in self.details:
            parts.append(f"<details><summary>{title}</summary>\n\n```text\n{text.rstrip()}\n```\n\n</details>\n")
        return "\n".join(parts)


def run() -> int:
    try:
        settings = ActionSettings.from_env(os.environ)
    except GateError as exc:
        _say(actions.error(str(exc), title="gate"))
        return exc.exit_code
    if settings.token:
        _say(actions.add_mask(settings.token))  # before any other line reaches the log
    try:
        return _run(settings)
    except GateError as exc:
        _say(actions.error(str(exc), title="gate"))
        actions.append_summary(settings.summary_path, f"## ❌ gate could not judge this change\n\n{exc}\n")
        return exc.exit_code


# -- which change an event asks to judge ---------------------------------------------------------
def plan_for(event_name: str, payload: Mapping[str, Any], settings: ActionSettings) -> Plan | str:
    """The plan for the event, or why gate has nothing to do for it (a notice, exit 0)."""
    action = str(payload.get("action") or "")
    if event_name == "pull_request":
        pull = payload.get("pull_request") or {}
        number = int(payload.get("number") or pull.get("number") or 0)
        if action in PULL_REQUEST_ACTIONS:
            return Plan(
                description=f"pull request #{number} ({action})",
                base=_sha(pull, "base"),
                head=_sha(pull, "head") or settings.sha or "HEAD",
                pull_number=number,
                comment=True,
                merge_base=True,
            )
        if action == "closed" and pull.get("merged") and pull.get("merge_commit_sha"):
            merged = str(pull["merge_commit_sha"])
            return Plan(
                description=f"merged pull request #{number}",
                base=f"{merged}^1",  # what the default branch was just before it landed
                head=merged,
                pull_number=number,
                notice=True,
            )
        return f"gate does not judge pull_request events of type '{action or 'unknown'}'"
    if event_name == "merge_group":
        if action != "checks_requested":
            return f"gate does not judge merge_group events of type '{action or 'unknown'}'"
        group = payload.get("merge_group") or {}
        head_ref = str(group.get("head_ref") or "")
        match = _QUEUE_REF.match(head_ref)
        if match is None:
            raise InputError(
                f"merge_group: cannot find the pull request in the head ref '{head_ref}' "
                "(expected refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>)"
            )
        number = int(match["number"])
        return Plan(
            description=f"pull request #{number} in the merge queue",
            base=str(group.get("base_sha") or "") or None,
            head=str(group.get("head_sha") or settings.sha or "HEAD"),
            pull_number=number,
            comment=True,
        )
    if event_name == "push":
        ref = str(payload.get("ref") or settings.ref)
        default = str((payload.get("repository") or {}).get("default_branch") or "")
        if not default or ref != f"refs/heads/{default}":
            return f"gate publishes deployment notices for pushes to the default branch only, not {ref}"
        if payload.get("deleted"):
            return f"{ref} was deleted; there is nothing to judge"
        before = str(payload.get("before") or "")
        return Plan(
            description=f"push to {default}",
            base=None if not before or _NULL_SHA.match(before) else before,
            head=str(payload.get("after") or settings.sha or "HEAD"),
            notice=True,
        )
    if event_name == "workflow_dispatch":
        return Plan(description="manual run", head=settings.sha or "HEAD")
    return f"gate does not judge '{event_name}' events"


def _sha(pull: Mapping[str, Any], side: str) -> str | None:
    value = (pull.get(side) or {}).get("sha")
    return str(value) if value else None


# -- the run -------------------------------------------------------------------------------------
def _run(settings: ActionSettings) -> int:
    payload = _load_event(settings.event_path)
    plan = plan_for(settings.event_name, payload, settings)
    if isinstance(plan, str):
        _say(actions.notice(f"{plan}; nothing to do.", title="gate"))
        actions.write_outputs(settings.output_path, {"verdict": ""})
        return EXIT_PASS
    _say(f"gate: judging the {plan.description} in {settings.repository}")
    _mark_safe_directory(settings.workspace)
    notes = Notes()
    now = _now(settings, notes)
    with GitHub(settings.api_url, settings.token, settings.repository) as github, Git(settings.workspace) as git:
        pull = _pull_info(github, plan, notes)
        base, head, files = _resolve_change(git, github, plan, notes)
        chosen = _policy(git, settings, base, head, notes, shallow=files is not None)
        override = _override(github, plan, pull, chosen.policy, payload, notes)
        judgement = judge_change(
            git,
            Refs(base=base, head=head),
            now,
            policy_path=None,  # never a file of the checkout: a pull request could loosen its own rules
            repo_policy=_repo_policy(settings),
            labels=(),
            override=override,
            repository=settings.repository,
            pull_request=_pull_request(plan, pull),
            event=settings.event_name,
            simulate_labels=False,
            files=files,
            chosen=chosen,
        )
        notice_failed = False
        if plan.notice:
            notice_failed = _deployment_notice(github, settings, judgement, notes)
        _report(settings, judgement, notes)
        if plan.comment and plan.pull_number is not None:
            _comment(github, settings, plan.pull_number, judgement, notes)
        _flush_notes(settings, notes)
    if judgement.verdict.outcome is Outcome.FAIL and plan.notice:
        # The change has already landed: there is nothing left to block, and a red default branch
        # would tell nobody what to do. The notice and the summary carry the findings instead.
        _say(actions.warning("this change landed with blocking findings; the deployment notice lists them",
                             title="gate"))
    elif judgement.verdict.outcome is Outcome.FAIL:
        return EXIT_BLOCKED
    if notice_failed and settings.fail_on_notice_error:
        _say(actions.error("the deployment notice was not published (fail-on-notice-error is true)", title="gate"))
        return EXIT_BLOCKED
    return EXIT_PASS


def _load_event(path: Path | None) -> dict[str, Any]:
    if path is None:
        raise InputError("GITHUB_EVENT_PATH is not set; gate action needs the event that started the workflow")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"GITHUB_EVENT_PATH: {path} does not exist") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"GITHUB_EVENT_PATH: {path} is not a readable JSON event: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"GITHUB_EVENT_PATH: {path} is not an event object")
    return data


def _now(settings: ActionSettings, notes: Notes) -> datetime:
    """The runner's clock, unless GATE_NOW sets another time; then said loudly.

    GATE_NOW exists for tests and replays, but in a workflow any `env:` can set it and move the
    golden window, so a run that used it never looks like an ordinary one.
    """
    from gate.settings import parse_time

    if not settings.now:
        return datetime.now(UTC)
    now = parse_time(settings.now, "GATE_NOW")
    used = utc_iso(now)
    _say(actions.warning(f"GATE_NOW is set: gate judged this change as if it were {used}, not by the clock",
                         title="gate"))
    notes.add(f"the clock was overridden: GATE_NOW is set, so gate judged this change as if it were `{used}`")
    return now


def _mark_safe_directory(workspace: Path) -> None:
    """The workspace is owned by the runner's user, not the container's: git refuses it unless safe."""
    try:
        listed = subprocess.run(
            ["git", "config", "--global", "--get-all", "safe.directory"],
            capture_output=True, text=True, check=False, timeout=30,
        )
        if str(workspace) in listed.stdout.splitlines():
            return
        subprocess.run(
            ["git", "config", "--global", "--add", "safe.directory", str(workspace)],
            capture_output=True, text=True, check=True, timeout=30,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        _say(actions.warning(f"could not mark {workspace} a git safe.directory: {exc}", title="gate"))


def _pull_info(github: GitHub, plan: Plan, notes: Notes) -> PullInfo | None:
    if plan.pull_number is None:
        return None
    try:
        return github.pull(plan.pull_number)
    except GitHubError as exc:
        notes.add(f"gate could not read pull request #{plan.pull_number}: {exc}")
        _say(actions.warning(str(exc), title="gate"))
        return None


def _has(git: Git, rev: str | None) -> bool:
    if rev is None:
        return True
    try:
        git.resolve(rev)
    except InputError:
        return False
    return True


def _resolve_change(
    git: Git, github: GitHub, plan: Plan, notes: Notes
) -> tuple[str | None, str, tuple[ChangedFile, ...] | None]:
    """Base, head, and the changed files when git cannot give them (a shallow checkout)."""
    base, head = plan.base, plan.head
    if _has(git, head) and _has(git, base):
        if plan.merge_base and base is not None:
            base = _merge_base(git.root, base, head) or base
        return base, head, None
    if plan.pull_number is None:
        missing = head if not _has(git, head) else base
        raise InputError(
            f"the checkout lacks commit {missing}; check out with actions/checkout and `fetch-depth: 0`"
        )
    if not _has(git, head):
        head = "HEAD"  # a shallow pull-request checkout holds the merge commit: what would land
    files = _files_from_api(github, plan.pull_number)
    message = (
        f"the checkout lacks the change's commits, so gate listed the changed files through the GitHub API "
        f"and judged {head} against an empty base (flags in changed files count as new); "
        "check out with `fetch-depth: 0` for an exact judgement"
    )
    notes.add(message)
    _say(actions.notice(message, title="gate"))
    return git.empty_tree, head, files


def _merge_base(root: Path, base: str, head: str) -> str | None:
    result = subprocess.run(
        ["git", "merge-base", base, head], cwd=root, capture_output=True, text=True, check=False, timeout=60
    )
    found = result.stdout.strip()
    return found if result.returncode == 0 and found else None


_API_STATUS = {
    "added": FileStatus.ADDED,
    "copied": FileStatus.ADDED,
    "removed": FileStatus.DELETED,
    "renamed": FileStatus.RENAMED,
}


def _files_from_api(github: GitHub, number: int) -> tuple[ChangedFile, ...]:
    try:
        listed = github.pull_files(number)
    except GitHubError as exc:
        raise InputError(
            f"the checkout lacks the change's commits and the API did not list them: {exc}; "
            "check out with `fetch-depth: 0`"
        ) from None
    if len(listed) >= MAX_PULL_FILES:
        raise InputError(
            f"pull request #{number} changes {MAX_PULL_FILES} files or more, more than the API lists; "
            "check out with `fetch-depth: 0` so gate reads the change from git"
        )
    files = []
    for item in listed:
        status = _API_STATUS.get(str(item.get("status")), FileStatus.MODIFIED)
        old = item.get("previous_filename") if status is FileStatus.RENAMED else None
        files.append(ChangedFile(str(item["filename"]), status, str(old) if old else None))
    return tuple(files)


def _repo_policy(settings: ActionSettings) -> str:
    return settings.policy or REPO_POLICY_PATH


def _policy(
    git: Git, settings: ActionSettings, base: str | None, head: str, notes: Notes, shallow: bool
) -> ChosenPolicy:
    """The policy to judge by, needed before judging to know the label and who may apply it.

    In a shallow checkout the base is missing, not empty: the change's own policy must not count.
    """
    base_rev, head_rev = resolve_refs(git, Refs(base=base, head=head))
    repo_policy = _repo_policy(settings)
    on_neither_side = git.tree(base_rev).read(repo_policy) is None and git.tree(head_rev).read(repo_policy) is None
    if settings.policy and on_neither_side:
        # The bundled default is the strictest policy, so judging by it fails closed; but a
        # misspelt input should not go unnoticed.
        message = f"the policy input names {repo_policy}, which this repository does not have; " \
                  "gate judged by the bundled default policy"
        notes.add(message)
        _say(actions.warning(message, title="gate"))
    return select_policy(git, base_rev, head_rev, None, repo_policy, base_is_root=False if shallow else None)


def _pull_request(plan: Plan, pull: PullInfo | None) -> PullRequest | None:
    if plan.pull_number is None:
        return None
    if pull is None:
        return PullRequest(number=plan.pull_number)
    return PullRequest(number=pull.number, author=pull.author, url=pull.url, title=pull.title)


# -- the override, verified through the API ------------------------------------------------------
def _override(
    github: GitHub,
    plan: Plan,
    pull: PullInfo | None,
    policy: Policy,
    payload: Mapping[str, Any],
    notes: Notes,
) -> Override | None:
    if plan.pull_number is None:
        return None
    evidence = gather_evidence(github, plan.pull_number, policy.override.label, pull)
    if evidence.unverified is not None and not _payload_mentions(payload, policy.override.label):
        # Nothing suggests the label was asked for; say why gate could not look, and judge without it.
        notes.add(f"gate could not read the labels, so no override was considered: {evidence.unverified}")
        _say(actions.warning(f"could not read the labels: {evidence.unverified}", title="gate"))
        return None
    override = decide(evidence, policy.override)
    if override is not None:
        state = "accepted" if override.accepted else "rejected"
        _say(f"gate: override label {override.label}: {state}: {override.reason}")
    return override


def gather_evidence(github: GitHub, number: int, label: str, pull: PullInfo | None) -> LabelEvidence:
    try:
        labels = github.labels(number)
        if not any(name.casefold() == label.casefold() for name in labels):
            return LabelEvidence(label_present=False)
        if pull is None:
            pull = github.pull(number)
        actor, applied_at = github.latest_labeled(number, label)
        role = github.role(actor) if actor else None
        pushed_at = github.first_check_suite_at(pull.head_sha)
        if pushed_at is not None:  # unknown stays unknown: the override is then rejected
            pushed_at = _latest(pushed_at, github.latest_head_move(number))
    except GitHubError as exc:
        return LabelEvidence(label_present=False, unverified=str(exc))
    return LabelEvidence(
        label_present=True,
        actor=actor,
        applied_at=applied_at,
        role=role,
        author=pull.author,
        pushed_at=pushed_at,
    )


def _latest(*moments: datetime | None) -> datetime | None:
    """The head was last changed at the latest of these (its push, a force-push onto the branch)."""
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _payload_mentions(payload: Mapping[str, Any], label: str) -> bool:
    """Only a hint of whether to report an unverifiable label; never evidence for accepting one."""
    pull = payload.get("pull_request") or {}
    names = [str((item or {}).get("name", "")) for item in pull.get("labels") or []]
    names.append(str((payload.get("label") or {}).get("name", "")))
    return payload.get("merge_group") is not None or any(n.casefold() == label.casefold() for n in names)


# -- reports -------------------------------------------------------------------------------------
def _report(settings: ActionSettings, judgement: Judgement, notes: Notes) -> None:
    from gate.report import github as annotations
    from gate.report import json as json_report
    from gate.report import markdown, text

    verdict, context = judgement.verdict, judgement.context
    report_path, shown_path = _report_location(settings)
    try:
        report_path.write_text(json_report.render(verdict, context), encoding="utf-8")
    except OSError as exc:
        shown_path = ""
        notes.add(f"gate could not write the JSON report to {report_path}: {exc.strerror}")
    # The text report may quote file contents: stop command processing while it is printed.
    stop = secrets.token_hex(16)
    _say(actions.group("gate report"))
    _say(f"::stop-commands::{stop}")
    sys.stdout.write(text.render(verdict, context))
    _say(f"::{stop}::")
    _say(actions.end_group())
    sys.stdout.write(annotations.render(verdict, context))
    sys.stdout.flush()
    actions.write_outputs(
        settings.output_path,
        {
            "verdict": verdict.outcome.value,
            "errors": str(verdict.count(Severity.ERROR)),
            "warnings": str(verdict.count(Severity.WARNING)),
            "notices": str(verdict.count(Severity.NOTICE)),
            "waived": str(len(verdict.waived)),
            "report": shown_path,
        },
    )
    actions.append_summary(settings.summary_path, markdown.render(verdict, context))


def _report_location(settings: ActionSettings) -> tuple[Path, str]:
    """RUNNER_TEMP when it is reachable here (not in a container); else the workspace, named
    relative to it, which is how later steps outside the container find it."""
    temp = settings.runner_temp
    if temp is not None and temp.is_dir() and os.access(temp, os.W_OK):
        return temp / REPORT_NAME, str(temp / REPORT_NAME)
    return settings.workspace / REPORT_NAME, REPORT_NAME


def _comment(github: GitHub, settings: ActionSettings, number: int, judgement: Judgement, notes: Notes) -> None:
    from gate.report import comment

    if not settings.comment:
        return
    if not settings.token:
        notes.add("no github-token, so no pull-request comment; the report is in this summary")
        return
    body = comment.render(judgement.verdict, judgement.context)
    try:
        existing = github.find_comment(number, comment.MARKER)
        if existing is not None:
            github.update_comment(int(existing["id"]), body)
            _say(f"gate: updated the report comment on pull request #{number}")
        else:
            github.create_comment(number, body)
            _say(f"gate: commented the report on pull request #{number}")
    except GitHubError as exc:
        why = "the token cannot write to this pull request" if exc.cannot_write else "GitHub refused the comment"
        message = f"{why}, so the report is in the job summary only ({exc})"
        notes.add(message)
        _say(actions.notice(message, title="gate"))


# -- the deployment notice ----------------------------------------------------------------------
def _deployment_notice(github: GitHub, settings: ActionSettings, judgement: Judgement, notes: Notes) -> bool:
    """Publish the notice once per commit; True when it should have gone out and did not."""
    if not settings.notify:
        _say("gate: notify is false; no deployment notice")
        return False
    if not settings.sns_topic_arn:
        _say("gate: no sns-topic-arn; no deployment notice")
        return False
    sha = judgement.context.head
    if _notice_already_sent(github, sha, notes):
        _say(f"gate: the deployment notice for {sha[:12]} was already published (status {NOTICE_STATUS_CONTEXT})")
        notes.add(f"the deployment notice for `{sha[:12]}` was already published; not sent again")
        return False
    from gate.publish import publish_deployment_notice

    outcome = publish_deployment_notice(
        judgement,
        topic_arn=settings.sns_topic_arn,
        region=settings.aws_region or None,
        endpoint_url=settings.sns_endpoint_url or None,
        event=settings.event_name,
    )
    if outcome.published:
        _say(f"gate: deployment notice published (message {outcome.message_id})")
        notes.add(f"deployment notice published to SNS (message `{outcome.message_id}`)")
        try:
            github.create_status(
                sha,
                state="success",
                context=NOTICE_STATUS_CONTEXT,
                description=f"notice published ({settings.event_name}): message {outcome.message_id}",
            )
        except GitHubError as exc:
            message = f"the notice went out but gate could not record it, so a re-run may send it again: {exc}"
            notes.add(message)
            _say(actions.warning(message, title="gate"))
        return False
    message = f"the deployment notice was NOT published: {outcome.error}; it is printed below, send it by hand"
    _say(actions.error(message, title="gate notice") if settings.fail_on_notice_error else actions.warning(
        message, title="gate notice"))
    _say(actions.group("the deployment notice that was not sent"))
    stop = secrets.token_hex(16)
    _say(f"::stop-commands::{stop}")
    sys.stdout.write(outcome.rendered.rstrip("\n") + "\n")
    _say(f"::{stop}::")
    _say(actions.end_group())
    notes.add(message)
    notes.details.append(("The deployment notice that was not sent", outcome.rendered))
    return True


def _notice_already_sent(github: GitHub, sha: str, notes: Notes) -> bool:
    try:
        statuses = github.statuses(sha)
    except GitHubError as exc:
        # A duplicate notice costs less than a missing one: publish, and say why it may repeat.
        notes.add(f"gate could not read the commit's statuses, so the notice may be a repeat: {exc}")
        return False
    # Statuses come newest first; the latest of the context decides.
    for status in statuses:
        if status.get("context") == NOTICE_STATUS_CONTEXT:
            return status.get("state") == "success"
    return False


def _flush_notes(settings: ActionSettings, notes: Notes) -> None:
    text = notes.markdown()
    if text:
        actions.append_summary(settings.summary_path, text)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
