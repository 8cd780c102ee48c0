"""The rollback section's parts: alternatives, and the steps in each (pure data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gate.core.notice.shell import Command

if TYPE_CHECKING:
    from gate.core.notice.flagoff import FlagEdit

REVERT = "revert"
NOW = "now"


@dataclass(frozen=True, slots=True)
class RollbackStep:
    """One instruction. `kind`: command (paste it), lookup (a read-only command, because gate could
    not be sure of a value), edit (a change to a file), manual (gate gives no command, and says why),
    note (what to know around the commands)."""

    kind: str
    title: str
    command: Command | None = None
    edit: FlagEdit | None = None

    @property
    def code(self) -> str:
        """What to paste (a command line) or to write (the edit's main line); "" for prose."""
        if self.command is not None:
            return self.command.line
        if self.edit is not None:
            return self.edit.text
        return ""


@dataclass(frozen=True, slots=True)
class Alternative:
    id: str  # revert | now
    label: str  # A, B
    title: str
    when: str
    steps: tuple[RollbackStep, ...]


@dataclass(frozen=True, slots=True)
class Rollback:
    alternatives: tuple[Alternative, ...]

    @property
    def steps(self) -> tuple[tuple[Alternative, RollbackStep], ...]:
        return tuple((alternative, step) for alternative in self.alternatives for step in alternative.steps)

    @property
    def commands(self) -> tuple[Command, ...]:
        return tuple(step.command for _, step in self.steps if step.command is not None)
