"""The deployment notice: what changed, who changed it, and how to undo it (pure).

A `Notice` is built from the judged change (`model`), with its rollback instructions (`rollback`:
alternatives derived from what the change did to each object, `objects`; flag-off edits as data,
`flagoff`; GitOps controllers, `gitops`; commands built from validated argv, `shell`) and canary
changes (`canary`); it is rendered as plain text, an AWS Chatbot custom notification and a JSON
document (`render`, free text made harmless by `prose`), and carried by one SNS message
(`message`, `compose`) that fits SNS's limits by trimming free text, never a command. Nothing here
reads the clock, the environment or the network, and nothing here imports an AWS client: only
gate.adapters.sns sends.
"""

from __future__ import annotations

from gate.core.manifests import FLAGGER_GROUP
from gate.core.notice.canary import CanaryChange, CanarySetting, canary_changes, canary_settings
from gate.core.notice.compose import compose
from gate.core.notice.flagoff import Assignment, EditError, FlagEdit, apply_edit, flag_off_edit
from gate.core.notice.ids import event_id, thread_id
from gate.core.notice.lines import title
from gate.core.notice.message import (
    MAX_DEDUPLICATION_ID,
    MAX_MESSAGE_BYTES,
    MAX_SUBJECT_CHARS,
    PROTOCOL_KEYS,
    NoticeError,
    SnsMessage,
    is_fifo,
    message_size,
    sanitize_subject,
    validate,
)
from gate.core.notice.model import Notice, build_notice
from gate.core.notice.render import (
    CHAT_BODY_CHARS,
    next_steps,
    notice_document,
    render_chatbot,
    render_json,
    render_markdown,
    render_text,
    subject_line,
)
from gate.core.notice.rollback import Alternative, Rollback, RollbackStep, build_rollback, revert_steps
from gate.core.notice.shell import Command, Refused

__all__ = [
    "CHAT_BODY_CHARS",
    "FLAGGER_GROUP",
    "MAX_DEDUPLICATION_ID",
    "MAX_MESSAGE_BYTES",
    "MAX_SUBJECT_CHARS",
    "PROTOCOL_KEYS",
    "Alternative",
    "Assignment",
    "CanaryChange",
    "CanarySetting",
    "Command",
    "EditError",
    "FlagEdit",
    "Notice",
    "NoticeError",
    "Refused",
    "Rollback",
    "RollbackStep",
    "SnsMessage",
    "apply_edit",
    "build_notice",
    "build_rollback",
    "canary_changes",
    "canary_settings",
    "compose",
    "event_id",
    "flag_off_edit",
    "is_fifo",
    "message_size",
    "next_steps",
    "notice_document",
    "render_chatbot",
    "render_json",
    "render_markdown",
    "render_text",
    "revert_steps",
    "sanitize_subject",
    "subject_line",
    "thread_id",
    "title",
    "validate",
]
