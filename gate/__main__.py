"""`python -m gate` is the same program as the `gate` command."""

from __future__ import annotations

from gate.cli import entry

if __name__ == "__main__":
    entry()
