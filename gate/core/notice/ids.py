"""The ids a notice travels with: its chat thread, its event id (chat id and FIFO deduplication
id) and its FIFO message group (pure, deterministic)."""

from __future__ import annotations

import hashlib

from gate.core.notice.model import Notice


def thread_id(notice: Notice) -> str:
    """One chat thread per repository and set of services, so follow-up notices land together."""
    services = "+".join(sorted(s.name for s in notice.services)) or "repository"
    return f"gate/{notice.repository}/{services}"


def event_id(notice: Notice) -> str:
    """Deterministic per repository, commit and event: the FIFO deduplication id and the chat id."""
    key = f"{notice.repository}\n{notice.commit.sha}\n{notice.event}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def group_id(repository: str) -> str:
    # FIFO group ids allow 128 characters of letters, digits and punctuation: one group per repository
    # keeps each repository's notices in order.
    cleaned = "".join(ch if "!" <= ch <= "~" else "-" for ch in repository)[:128]
    return cleaned or "gate"
