"""Writing to the job's log, where GitHub reads workflow commands from every line."""

from __future__ import annotations

import secrets
import sys

from gate.adapters import runner
from gate.core.redact import redact
from gate.core.text import one_line, printable

_SECRETS: list[str] = []


def mask(secret: str) -> None:
    """Have the runner mask `secret` (the one line that carries it), then never write it again."""
    sys.stdout.write(runner.add_mask(secret) + "\n")
    sys.stdout.flush()
    protect(secret)


def protect(secret: str) -> None:
    """Never write `secret` (the token) to the log, not even escaped."""
    if secret and secret not in _SECRETS:
        _SECRETS.append(secret)


def clean(text: str) -> str:
    """Text as gate may show it: credentials redacted, bytes that are not UTF-8 as \\xNN."""
    return printable(redact(text, _SECRETS))


def say(line: str) -> None:
    """One line of the log: a line break in what it quotes (a ref, a description from the event)
    is shown escaped, so it can never start a second line that the runner reads as a command."""
    write(one_line(line) + "\n")


def write(text: str) -> None:
    """Text that ends its own lines, such as a rendered report."""
    sys.stdout.write(clean(text))
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
