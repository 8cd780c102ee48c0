"""The deployment notice, published once per commit.

A `gate/notice` commit status records that a commit's notice went out, so a re-run of the same
workflow does not send it again.
"""

from __future__ import annotations

from gate.adapters import runner
from gate.adapters.github import GitHub, GitHubError
from gate.adapters.runner import ActionSettings
from gate.commands.action.console import say, say_verbatim
from gate.commands.action.notes import Notes
from gate.core.judge import Judgement

NOTICE_STATUS_CONTEXT = "gate/notice"


def deployment_notice(github: GitHub, settings: ActionSettings, judgement: Judgement, notes: Notes) -> bool:
    """Publish the notice once per commit; True when it should have gone out and did not."""
    if not settings.notify:
        say("gate: notify is false; no deployment notice")
        return False
    if not settings.sns_topic_arn:
        say("gate: no sns-topic-arn; no deployment notice")
        return False
    sha = judgement.context.head
    if _already_sent(github, sha, notes):
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
        _record_sent(github, settings, sha, outcome.message_id, notes)
        return False
    message = f"the deployment notice was NOT published: {outcome.error}; it is printed below, send it by hand"
    annotate = runner.error if settings.fail_on_notice_error else runner.warning
    say(annotate(message, title="gate notice"))
    say_verbatim("the deployment notice that was not sent", outcome.rendered.rstrip("\n") + "\n")
    notes.add(message)
    notes.details.append(("The deployment notice that was not sent", outcome.rendered))
    return True


def _already_sent(github: GitHub, sha: str, notes: Notes) -> bool:
    try:
        statuses = github.statuses(sha)
    except GitHubError as exc:
        # A duplicate notice costs less than a missing one: publish, and say why it may repeat.
        notes.add(f"gate could not read the commit's statuses, so the notice may be a repeat: {exc}")
        return False
    # Statuses come newest first; the latest of the context decides.
    for status in statuses:
        if status.context == NOTICE_STATUS_CONTEXT:
            return status.state == "success"
    return False


def _record_sent(github: GitHub, settings: ActionSettings, sha: str, message_id: str | None, notes: Notes) -> None:
    try:
        github.create_status(
            sha,
            state="success",
            context=NOTICE_STATUS_CONTEXT,
            description=f"notice published ({settings.event_name}): message {message_id}",
        )
    except GitHubError as exc:
        notes.warning(f"the notice went out but gate could not record it, so a re-run may send it again: {exc}")
