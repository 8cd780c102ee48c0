"""Golden files for each format of the deployment notice: a fixed commit at a fixed time.

Regenerate after a deliberate change with `GATE_UPDATE_GOLDEN=1 pytest tests/test_notice_golden.py`
and review the diff: these files are what subscribers receive.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import judged_as
from notice_cases import rich_context, rich_verdict

from gate.core.notice.compose import compose
from gate.core.notice.message import SnsMessage
from gate.core.notice.model import build_notice
from gate.core.report.json import document

GOLDEN = Path(__file__).parent / "golden" / "notice"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:deployments.fifo"


def rich_message() -> SnsMessage:
    context, verdict = rich_context(), rich_verdict()
    notice = build_notice(verdict, context, repository="acme/shop")
    return compose(notice, document(judged_as(verdict, context)), topic_arn=TOPIC)


def pretty(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


FORMATS: dict[str, Callable[[SnsMessage], str]] = {
    "chatbot.json": lambda m: pretty(m.chatbot),
    "email.txt": lambda m: m.text,
    "sqs.json": lambda m: pretty(m.document),
    "publish.json": lambda m: pretty(m.publish_arguments(TOPIC)),
}


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_format_matches_its_golden_file(name: str) -> None:
    rendered = FORMATS[name](rich_message())
    golden = GOLDEN / name
    if os.environ.get("GATE_UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_the_published_message_carries_each_format_under_its_protocol() -> None:
    message = rich_message()
    per_protocol = json.loads(message.message)
    assert set(per_protocol) == {"default", "email", "sqs", "lambda", "https"}
    assert per_protocol["default"] == per_protocol["email"] == message.text
    assert json.loads(per_protocol["sqs"]) == json.loads(per_protocol["lambda"]) == message.document
    assert json.loads(per_protocol["https"]) == message.chatbot


def test_rendering_is_deterministic() -> None:
    assert rich_message() == rich_message()
