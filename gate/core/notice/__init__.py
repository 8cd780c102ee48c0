"""The deployment notice: what changed, who changed it, and how to undo it (pure).

A `Notice` is built from the judged change (`model`), with its rollback instructions (`rollback`)
and canary changes (`canary`); it is rendered as plain text, an AWS Chatbot custom notification
and a JSON document (`render`), and carried by one SNS message (`message`, `compose`) that fits
SNS's limits by trimming free text, never a command. Nothing here reads the clock, the
environment or the network, and nothing here imports an AWS client: only gate.adapters.sns sends.
"""

from __future__ import annotations

from gate.core.notice.compose import compose, deployment_message, deployment_notice
from gate.core.notice.message import NoticeError, SnsMessage, validate
from gate.core.notice.model import Notice, build_notice
from gate.core.notice.render import render_text

__all__ = [
    "Notice",
    "NoticeError",
    "SnsMessage",
    "build_notice",
    "compose",
    "deployment_message",
    "deployment_notice",
    "render_text",
    "validate",
]
