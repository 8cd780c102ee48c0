"""`gate action`: not implemented yet."""

from __future__ import annotations

from gate.errors import UsageError


def run() -> int:
    raise UsageError("action is not available in this version of gate")
