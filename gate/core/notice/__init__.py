"""The deployment notice: what changed, who changed it, and how to undo it (pure).

A `Notice` is built from the judged change (`model`), with its rollback instructions (`rollback`:
alternatives derived from what the change did to each object, `objects` and `resources`; the
revert, `revert`; flag-off edits as data, `flagoff`; GitOps controllers, `gitops`; commands built
from validated argv, `shell`) and canary changes (`canary`); it is rendered as plain text, an AWS
Chatbot custom notification and a JSON document (`render`, free text made harmless by `prose`),
and carried by one SNS message (`message`, `compose`) that fits SNS's limits by trimming free text
first, never cutting a command. Nothing here reads the clock, the environment or the network, and
nothing here imports an AWS client: only gate.adapters.sns sends.
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
