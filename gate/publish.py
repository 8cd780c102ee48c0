"""Build and publish the deployment notice for a judged change: the one call `gate notify` and
`gate action` share.

It never raises for AWS or network trouble: a notice that could not be sent comes back as an
`error` line with the full notice rendered as text, so the caller can print it where people will
see it (the log, the job summary) and nothing is lost.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from gate.core.errors import GateError
from gate.core.judge import Judgement
from gate.core.models import INTERNAL_ERROR, Finding, Outcome, Severity, Verdict
from gate.core.notice import Notice, NoticeError, SnsMessage, build_notice, compose, render_text
from gate.core.report.json import document
from gate.core.text import printable


@dataclass(frozen=True)
class PublishOutcome:
    published: bool
    message_id: str | None
    error: str | None  # one line, no secrets
    rendered: str  # the full notice as plain text, for the log and the job summary


def prepare_message(judgement: Judgement, *, topic_arn: str | None, event: str = "push") -> SnsMessage:
    """The SNS message for the judged change (raises NoticeError when it cannot be made valid)."""
    notice, verdict = notice_for(judgement, event)
    return compose(notice, document(verdict, judgement.context), topic_arn=topic_arn)


def notice_for(judgement: Judgement, event: str) -> tuple[Notice, Verdict]:
    """The notice of the judged change, and the verdict it reports.

    The change has landed, so the notice must go out whatever happens while describing it: when
    reading the changed files for the rollback and canary sections fails (a bug in gate), the notice
    is built without them and carries an `internal-error` saying so. Every text in it is made
    printable, since a path from git may hold bytes that are not UTF-8 and SNS takes only UTF-8.
    """
    verdict, context = judgement.verdict, judgement.context
    try:
        notice = build_notice(verdict, context, event=event)
    except Exception as exc:
        crash = Finding(
            rule=INTERNAL_ERROR,
            severity=Severity.ERROR,
            path=None,
            line=None,
            message=f"gate could not describe the changed files in this notice ({type(exc).__name__}: {exc}); "
            "its rollback and canary sections are incomplete",
            remedy="this is a bug in gate: please report it with this message; roll back with the revert below",
        )
        verdict = dataclasses.replace(verdict, outcome=Outcome.FAIL, findings=(*verdict.findings, crash))
        bare = dataclasses.replace(context, files=(), services=(), _manifests={})
        notice = build_notice(verdict, bare, event=event)
    return _printable(notice), verdict


def _printable(value: Any) -> Any:
    """`value` (a notice: dataclasses, tuples, strings) with every string made printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, tuple):
        return tuple(_printable(item) for item in value)
    if isinstance(value, list):
        return [_printable(item) for item in value]
    if isinstance(value, dict):
        return {_printable(key): _printable(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _printable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value


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
        notice, _ = notice_for(judgement, event)
        return PublishOutcome(False, None, f"the deployment notice cannot be sent: {exc}", render_text(notice))
    settings = sns.SnsSettings(topic_arn=topic_arn, region=region, endpoint_url=endpoint_url)
    try:
        message_id = sns.publish(message, settings)
    except GateError as exc:
        return PublishOutcome(False, None, _one_line(str(exc)), message.text)
    except Exception as exc:
        return PublishOutcome(False, None, _one_line(sns.describe_error(exc, settings).args[0]), message.text)
    return PublishOutcome(True, message_id, None, message.text)


def _one_line(text: str) -> str:
    return printable(" ".join(text.split()))
