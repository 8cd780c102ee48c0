"""Writing to the job's log, where GitHub reads workflow commands from every line."""

from __future__ import annotations

import secrets
import sys

from gate.adapters import runner


def say(line: str) -> None:
    write(line + "\n")


def write(text: str) -> None:
    """Text that ends its own lines, such as a rendered report."""
    sys.stdout.write(text)
    sys.stdout.flush()


def say_verbatim(title: str, text: str) -> None:
    """Print text in a folded group with workflow commands stopped: it may quote a file's contents,
    and a line in it must not be able to act as a command."""
    stop = secrets.token_hex(16)
    say(runner.group(title))
    say(f"::stop-commands::{stop}")
    write(text)
    say(f"::{stop}::")
    say(runner.end_group())
