"""Subcommands that pull in heavier dependencies, imported only when run."""

from __future__ import annotations


def error_line(message: str) -> None:
    """One line on stderr, whatever the message quotes (a path with a newline, an API's text)."""
    import sys

    from gate.core.text import one_line

    print(f"gate: {one_line(message)}", file=sys.stderr)
