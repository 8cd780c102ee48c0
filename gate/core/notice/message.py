"""The SNS message: one Publish call with `MessageStructure=json`, and the limits of SNS that gate
enforces itself before sending, as SNS counts them (moto, the local stand-in, is laxer) (pure)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGE_BYTES = 256 * 1024  # message + subject + attributes, in UTF-8 bytes
MAX_SUBJECT_CHARS = 99  # "fewer than 100"
MAX_DEDUPLICATION_ID = 128
PROTOCOL_KEYS = ("default", "email", "sqs", "lambda", "https")


class NoticeError(ValueError):
    """A message SNS would reject; the reason is one line."""


@dataclass(frozen=True)
class SnsMessage:
    """One SNS Publish call: a per-protocol message (`MessageStructure=json`) and its envelope."""

    subject: str
    message: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    group_id: str | None = None
    deduplication_id: str | None = None
    structure: str = "json"
    # The views the message carries, for a dry run and the log.
    text: str = ""
    chatbot: Mapping[str, Any] = field(default_factory=dict)
    document: Mapping[str, Any] = field(default_factory=dict)
    full_text: str = ""  # the whole notice as text, when the message had to leave steps out

    @property
    def size(self) -> int:
        return message_size(self.message, self.subject, self.attributes)

    def publish_arguments(self, topic_arn: str) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "TopicArn": topic_arn,
            "Message": self.message,
            "Subject": self.subject,
            "MessageStructure": self.structure,
            "MessageAttributes": {
                name: {"DataType": "String", "StringValue": value} for name, value in self.attributes.items()
            },
        }
        if self.group_id is not None:
            arguments["MessageGroupId"] = self.group_id
        if self.deduplication_id is not None:
            arguments["MessageDeduplicationId"] = self.deduplication_id
        return arguments


def message_size(message: str, subject: str, attributes: Mapping[str, str]) -> int:
    """Bytes SNS counts against its limit: the message, the subject, each attribute's name, type and value."""
    size = len(message.encode("utf-8")) + len(subject.encode("utf-8"))
    for name, value in attributes.items():
        size += len(name.encode("utf-8")) + len(b"String") + len(value.encode("utf-8"))
    return size


def is_fifo(topic_arn: str | None) -> bool:
    return bool(topic_arn) and str(topic_arn).endswith(".fifo")


def sanitize_subject(text: str) -> str:
    """One line of printable ASCII, fewer than 100 characters, starting with a visible character."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    printable = "".join(ch if " " <= ch <= "~" else " " for ch in ascii_text)
    single = " ".join(printable.split())
    if len(single) > MAX_SUBJECT_CHARS:
        single = single[: MAX_SUBJECT_CHARS - 3].rstrip() + "..."
    return single or "Deployment notice"


def cut(text: str, cap: int, why: str = "to fit SNS's 256 KiB message limit") -> tuple[str, int]:
    """`text` cut to `cap` characters with the cut marked, and how many characters were removed."""
    if len(text) <= cap:
        return text, 0
    removed = len(text) - cap
    return f"{text[:cap]}\n[... {removed} characters trimmed by gate {why}]", removed


def validate(message: SnsMessage, *, topic_arn: str | None = None, limit: int = MAX_MESSAGE_BYTES) -> None:
    """Reject what SNS rejects, as SNS counts it (bytes, not characters), before anything is sent."""
    _validate_subject(message.subject)
    if message.size > limit:
        raise NoticeError(f"the message is {message.size} bytes in UTF-8; SNS takes at most {limit} bytes")
    if message.structure == "json":
        _validate_structure(message.message)
    if is_fifo(topic_arn):
        if not message.group_id:
            raise NoticeError("a FIFO topic needs a MessageGroupId")
        if not message.deduplication_id or len(message.deduplication_id) > MAX_DEDUPLICATION_ID:
            raise NoticeError("a FIFO topic needs a MessageDeduplicationId of at most 128 characters")
    elif message.group_id or message.deduplication_id:
        raise NoticeError("MessageGroupId and MessageDeduplicationId are only for FIFO topics")


def _validate_subject(subject: str) -> None:
    if not subject:
        raise NoticeError("the subject is empty")
    if len(subject) > MAX_SUBJECT_CHARS:
        raise NoticeError(f"the subject has {len(subject)} characters; SNS takes fewer than 100")
    if any(not (" " <= ch <= "~") for ch in subject):
        raise NoticeError("the subject must be one line of printable ASCII (no line breaks or control characters)")
    if not subject[0].isalnum() and subject[0] not in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~":
        raise NoticeError("the subject must start with a letter, a digit or punctuation")


def _validate_structure(message: str) -> None:
    try:
        parsed = json.loads(message)
    except ValueError:
        raise NoticeError("MessageStructure=json needs the message to be a JSON object") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("default"), str):
        raise NoticeError("MessageStructure=json needs a JSON object with a string under 'default'")
    if any(not isinstance(value, str) for value in parsed.values()):
        raise NoticeError("MessageStructure=json needs every protocol's message to be a string")
