"""The deployment notice: what changed, who changed it, and how to undo it (pure).

A `Notice` is built from the judged change (`model`), with its rollback instructions (`rollback`)
and canary changes (`canary`); it is rendered as plain text, an AWS Chatbot custom notification
and a JSON document (`render`), and carried by one SNS message (`message`, `compose`) that fits
SNS's limits by trimming free text, never a command. Nothing here reads the clock, the
environment or the network, and nothing here imports an AWS client: only gate.adapters.sns sends.
"""

from __future__ import annotations

from gate.core.manifests import FLAGGER_GROUP
from gate.core.notice.canary import CanaryChange, CanarySetting, canary_changes, canary_settings
from gate.core.notice.compose import compose
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
from gate.core.notice.rollback import (
    DEPLOYMENT_GROUPS,
    KUSTOMIZATION_FILES,
    RollbackStep,
    changed_workloads,
    flag_off_step,
    resolve_namespace,
    revert_step,
    rollback_steps,
    workload_steps,
)

__all__ = [
    "CHAT_BODY_CHARS",
    "DEPLOYMENT_GROUPS",
    "FLAGGER_GROUP",
    "KUSTOMIZATION_FILES",
    "MAX_DEDUPLICATION_ID",
    "MAX_MESSAGE_BYTES",
    "MAX_SUBJECT_CHARS",
    "PROTOCOL_KEYS",
    "CanaryChange",
    "CanarySetting",
    "Notice",
    "NoticeError",
    "RollbackStep",
    "SnsMessage",
    "build_notice",
    "canary_changes",
    "canary_settings",
    "changed_workloads",
    "compose",
    "event_id",
    "flag_off_step",
    "is_fifo",
    "message_size",
    "next_steps",
    "notice_document",
    "render_chatbot",
    "render_json",
    "render_markdown",
    "render_text",
    "resolve_namespace",
    "revert_step",
    "rollback_steps",
    "sanitize_subject",
    "subject_line",
    "thread_id",
    "title",
    "validate",
    "workload_steps",
]
