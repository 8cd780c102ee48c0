"""Build and publish the deployment notice for a judged change: the one call `gate notify` and
`gate action` share.

It never raises for AWS or network trouble: a notice that could not be sent comes back as an
`error` line with the full notice rendered as text, so the caller can print it where people will
see it (the log, the job summary) and nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from gate.core.errors import GateError
from gate.core.judge import Judgement
from gate.core.notice import NoticeError, SnsMessage, build_notice, compose, render_text
from gate.core.report.json import document


@dataclass(frozen=True)
class PublishOutcome:
    published: bool
    message_id: str | None
    error: str | None  # one line, no secrets
    rendered: str  # the full notice as plain text, for the log and the job summary


def prepare_message(judgement: Judgement, *, topic_arn: str | None, event: str = "push") -> SnsMessage:
    """The SNS message for the judged change (raises NoticeError when it cannot be made valid)."""
    notice = build_notice(judgement.verdict, judgement.context, event=event, policy=judgement.policy.notice)
    return compose(notice, document(judgement.verdict, judgement.context), topic_arn=topic_arn)


def publish_deployment_notice(
    judgement: Judgement,
    *,
    topic_arn: str,
    region: str | None = None,
    endpoint_url: str | None = None,
    event: str = "push",
) -> PublishOutcome:
    from gate.adapters import sns

    try:
        message = prepare_message(judgement, topic_arn=topic_arn, event=event)
    except NoticeError as exc:
        # The notice itself cannot be sent; still show everything gate knows.
        notice = build_notice(judgement.verdict, judgement.context, event=event, policy=judgement.policy.notice)
        return PublishOutcome(False, None, f"the deployment notice cannot be sent: {exc}", render_text(notice))
    settings = sns.SnsSettings(topic_arn=topic_arn, region=region, endpoint_url=endpoint_url)
    try:
        message_id = sns.publish(message, settings)
    except GateError as exc:
        return PublishOutcome(False, None, _one_line(str(exc)), message.full_text or message.text)
    except Exception as exc:
        rendered = message.full_text or message.text
        return PublishOutcome(False, None, _one_line(sns.describe_error(exc, settings).args[0]), rendered)
    return PublishOutcome(True, message_id, None, message.full_text or message.text)


def _one_line(text: str) -> str:
    return " ".join(text.split())
