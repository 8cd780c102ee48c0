"""The notice put into one SNS message, trimmed to fit SNS's size limit (pure).

Fitting the limit means trimming the notice's free text (the commit message, then its subject),
never a command or the facts around it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from gate.core.notice.ids import event_id, group_id
from gate.core.notice.message import MAX_MESSAGE_BYTES, NoticeError, SnsMessage, cut, is_fifo, validate
from gate.core.notice.model import Notice, build_notice
from gate.core.notice.render import render_chatbot, render_json, render_text, subject_line

if TYPE_CHECKING:
    from gate.core.judge import Judgement


def deployment_notice(judgement: Judgement, *, event: str = "push", repository: str | None = None) -> Notice:
    """The notice for a judged change; `repository` names it when the judgement knows no GitHub one."""
    return build_notice(judgement.verdict, judgement.context, repository=repository, event=event)


def deployment_message(
    judgement: Judgement, *, topic_arn: str | None, event: str = "push", repository: str | None = None
) -> SnsMessage:
    """The SNS message for a judged change (raises NoticeError when it cannot be made valid)."""
    from gate.core.report.json import document

    notice = deployment_notice(judgement, event=event, repository=repository)
    return compose(notice, document(judgement), topic_arn=topic_arn)


def compose(
    notice: Notice, report: Mapping[str, Any], *, topic_arn: str | None = None, limit: int = MAX_MESSAGE_BYTES
) -> SnsMessage:
    """The SNS message for the notice, trimmed to fit `limit` bytes; raises NoticeError if it cannot fit.

    Only free text shrinks (the commit message, then the subject): the longest first, each cut
    marked. Commands and the facts around them are never cut.
    """
    full = _assemble(notice, report, topic_arn)
    if full.size <= limit:
        validate(full, topic_arn=topic_arn, limit=limit)
        return full
    longest = max(len(notice.commit.body), len(notice.commit.subject))
    low, high = 0, longest  # find the largest cap on free text that fits
    best: SnsMessage | None = None
    while low <= high:
        cap = (low + high) // 2
        candidate = _assemble(_capped(notice, cap), report, topic_arn)
        if candidate.size <= limit:
            best, low = candidate, cap + 1
        else:
            high = cap - 1
    if best is None:
        raise NoticeError(
            f"the notice does not fit SNS's {limit // 1024} KiB limit even with the commit message trimmed "
            f"({full.size} bytes)"
        )
    validate(best, topic_arn=topic_arn, limit=limit)
    return best


def _capped(notice: Notice, cap: int) -> Notice:
    commit = notice.commit
    body, body_cut = cut(commit.body, cap)
    subject, subject_cut = cut(commit.subject, max(cap, 72))
    return replace(
        notice, commit=replace(commit, body=body, subject=subject), trimmed=notice.trimmed + body_cut + subject_cut
    )


def _assemble(notice: Notice, report: Mapping[str, Any], topic_arn: str | None) -> SnsMessage:
    text = render_text(notice)
    chatbot = render_chatbot(notice)
    document = render_json(notice, report)
    chatbot_json, document_json = _compact(chatbot), _compact(document)
    per_protocol = {
        "default": text,
        "email": text,
        "sqs": document_json,
        "lambda": document_json,
        "https": chatbot_json,
    }
    fifo = is_fifo(topic_arn)
    return SnsMessage(
        subject=subject_line(notice),
        message=_compact(per_protocol),
        attributes={
            "gate.repository": notice.repository,
            "gate.verdict": notice.outcome.value,
            "gate.event": notice.event,
        },
        group_id=group_id(notice.repository) if fifo else None,
        deduplication_id=event_id(notice) if fifo else None,
        text=text,
        chatbot=chatbot,
        document=document,
    )


def _compact(value: Any) -> str:
    # No spaces and no escaping of non-ASCII: SNS counts bytes, and every byte here is the notice's.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
