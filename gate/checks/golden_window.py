"""golden-window: not implemented yet (placeholder so the registry and policy are complete)."""

from __future__ import annotations

from collections.abc import Iterator

from gate.checks.base import CheckOptions, Result
from gate.models import Context

ID = "golden-window"


class Options(CheckOptions):
    pass


def check(context: Context, options: Options) -> Iterator[Result]:
    yield from ()
