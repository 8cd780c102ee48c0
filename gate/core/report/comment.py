"""The sticky pull-request comment: a hidden marker, then the Markdown report.

The marker lets the action find its own comment again and update it in place, so a pull request
carries one gate comment however many times it is judged. GitHub limits a comment's body to 65536
characters, so the report is rendered to the comment's budget (the job summary has the room for
everything).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gate.core.report.markdown import COMMENT_BUDGET
from gate.core.report.markdown import render as render_markdown

if TYPE_CHECKING:
    from gate.core.judge import Judgement

MARKER = "<!-- gate:report -->"


def render(judgement: Judgement) -> str:
    body = render_markdown(judgement, budget=COMMENT_BUDGET - len(MARKER.encode("utf-8")) - 1)
    return f"{MARKER}\n{body}"


def is_gate_comment(body: str | None) -> bool:
    return body is not None and MARKER in body
