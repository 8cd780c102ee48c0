"""Reporters: one pure module per output format, each `render(judgement) -> str`.

Every format takes the same judgement (verdict, context and the policy that judged), so a report
cannot differ by who renders it.

Modules are imported only when their format is asked for, so `gate check` loads one reporter.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gate.core.judge import Judgement

Renderer = Callable[["Judgement"], str]

FORMATS: dict[str, str] = {
    "text": "gate.core.report.text",
    "json": "gate.core.report.json",
    "markdown": "gate.core.report.markdown",
    "github": "gate.core.report.github",
    "sarif": "gate.core.report.sarif",
}


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render
