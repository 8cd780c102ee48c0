"""`gate notify`: not implemented yet."""

from __future__ import annotations

import argparse

from gate.errors import UsageError


def run(args: argparse.Namespace) -> int:
    raise UsageError("notify is not available in this version of gate")
