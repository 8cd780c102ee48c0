"""The notice put into one SNS message, trimmed to fit SNS's size limit (pure).

Fitting the limit means trimming the notice's free text first (the commit message, then its
subject). When a change touches so many objects that even that is not enough, alternative B keeps
as many of its steps as fit, in order, and one step says how many were left out and how to print
them all; the revert (A), and the steps that pause and resume a GitOps controller, are never left
out. A notice that goes out condensed beats one that does not go out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from gate.core.models import Outcome, internal_error
from gate.core.notice import shell
from gate.core.notice.ids import event_id, group_id
from gate.core.notice.message import MAX_MESSAGE_BYTES, NoticeError, SnsMessage, cut, is_fifo, validate
from gate.core.notice.model import Notice, build_notice
from gate.core.notice.render import render_chatbot, render_json, render_text, subject_line
from gate.core.notice.shell import Command, Refused, command
from gate.core.text import printable_deep

_CONDENSED_FREE_TEXT = 500  # characters of commit message a condensed notice still shows

if TYPE_CHECKING:
    from gate.core.judge import Judgement


def deployment_notice(judgement: Judgement, *, event: str = "push", repository: str | None = None) -> Notice:
    """The notice for a judged change; `repository` names it when the judgement knows no GitHub one."""
    return _deployment(judgement, event, repository)[0]


def deployment_message(
    judgement: Judgement, *, topic_arn: str | None, event: str = "push", repository: str | None = None
) -> SnsMessage:
    """The SNS message for a judged change (raises NoticeError when it cannot be made valid)."""
    from gate.core.report.json import document

    notice, judged = _deployment(judgement, event, repository)
    return compose(notice, document(judged), topic_arn=topic_arn)


def _deployment(judgement: Judgement, event: str, repository: str | None) -> tuple[Notice, Judgement]:
    """The notice, and the judgement it reports.

    The change has landed, so the notice must go out whatever happens while describing it: when
    reading the changed files for the rollback and canary sections fails (a bug in gate), the notice
    is built without them and carries an `internal-error` saying so. Every text in it is made
    printable: a path from git may hold bytes that are not UTF-8, and SNS takes only UTF-8.
    """
    try:
        notice = build_notice(judgement.verdict, judgement.context, repository=repository, event=event,
                              policy=judgement.policy.notice)
    except Exception as exc:
        crash = internal_error(
            "gate could not describe the changed files in this notice", exc,
            "its rollback and canary sections are incomplete", "roll back with the revert below",
        )
        verdict = replace(judgement.verdict, outcome=Outcome.FAIL, findings=(*judgement.verdict.findings, crash))
        judgement = replace(judgement, verdict=verdict)
        bare = replace(judgement.context, files=(), services=())  # its cache of parsed files starts empty
        notice = build_notice(verdict, bare, repository=repository, event=event, policy=judgement.policy.notice)
    cleaned: Notice = printable_deep(notice)
    return cleaned, judgement


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
        best = _condensed(_capped(notice, _CONDENSED_FREE_TEXT), report, topic_arn, limit, full)
    validate(best, topic_arn=topic_arn, limit=limit)
    return best


def _condensed(
    notice: Notice, report: Mapping[str, Any], topic_arn: str | None, limit: int, full: SnsMessage
) -> SnsMessage:
    """The largest prefix of B's steps that fits, with the rest counted and a way to list them."""
    listing = _listing(notice)
    low, high = 0, notice.rollback.droppable() - 1
    best: SnsMessage | None = None
    while low <= high:
        keep = (low + high) // 2
        candidate = _assemble(replace(notice, rollback=notice.rollback.condensed(keep, listing)), report, topic_arn)
        if candidate.size <= limit:
            best, low = candidate, keep + 1
        else:
            high = keep - 1
    if best is None:
        raise NoticeError(
            f"the notice does not fit SNS's {limit // 1024} KiB limit even with the commit message trimmed and "
            f"the per-resource steps left out ({full.size} bytes)"
        )
    return replace(best, full_text=full.text)


def _listing(notice: Notice) -> Command | None:
    """`gate notify --dry-run` for this very change: it prints every step."""
    try:
        return command("gate", "notify", "--dry-run", "--base", shell.sha(notice.base), "--head",
                       shell.sha(notice.commit.sha))
    except Refused:
        return None


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
