"""The one error hierarchy of gate, mapped to exit codes (DESIGN §2).

Every error a user can cause is a `GateError`: the CLI prints its message as one line on
stderr and exits 2. Anything else escaping to the CLI is a bug: exit 3, still failing closed.
"""

from __future__ import annotations

EXIT_PASS = 0
EXIT_BLOCKED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class GateError(Exception):
    """An error caused by the input: a bad flag, an invalid policy, a missing ref."""

    exit_code = EXIT_USAGE


class UsageError(GateError):
    """The command line is wrong."""


class PolicyError(GateError):
    """A policy file is missing, unreadable or invalid."""


class InputError(GateError):
    """The repository, a ref, an event file or another input cannot be used."""


class ExternalError(GateError):
    """A service gate talks to (GitHub, SNS) failed in a way the user must act on."""
