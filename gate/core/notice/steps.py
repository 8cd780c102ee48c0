"""The rollback section's parts: alternatives, and the steps in each (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    essential: bool = False  # kept when a notice too large for SNS is condensed (GitOps pause/resume)

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
    """One way to roll back, with when to use it and its steps."""

    id: str  # revert | now
    label: str  # A, B
    title: str
    when: str
    steps: tuple[RollbackStep, ...]


@dataclass(frozen=True, slots=True)
class Rollback:
    """The rollback section: alternatives, never steps to run in order."""

    alternatives: tuple[Alternative, ...]

    @property
    def steps(self) -> tuple[tuple[Alternative, RollbackStep], ...]:
        return tuple((alternative, step) for alternative in self.alternatives for step in alternative.steps)

    @property
    def commands(self) -> tuple[Command, ...]:
        return tuple(step.command for _, step in self.steps if step.command is not None)

    def droppable(self) -> int:
        """How many steps of B a notice too large for SNS may leave out."""
        return sum(1 for a in self.alternatives if a.id == NOW for s in a.steps if not s.essential)

    def condensed(self, keep: int, listing: Command | None) -> Rollback:
        """B with its first `keep` droppable steps (essential ones always stay), then one step that
        says how many were left out and how to list them all. A is never shortened."""
        alternatives = []
        for alternative in self.alternatives:
            if alternative.id != NOW:
                alternatives.append(alternative)
                continue
            kept: list[RollbackStep] = []
            dropped, body_seen, closing = 0, False, None
            for step in alternative.steps:
                if step.essential:
                    if body_seen and closing is None:
                        closing = len(kept)  # the steps that close B (resume the controller) stay last
                    kept.append(step)
                elif keep > 0:
                    body_seen, keep = True, keep - 1
                    kept.append(step)
                else:
                    body_seen, dropped = True, dropped + 1
            if dropped:
                kept.insert(len(kept) if closing is None else closing, RollbackStep(
                    "lookup" if listing is not None else "manual",
                    f"...and {dropped} more steps, left out: the whole notice is larger than one SNS message can "
                    "carry. The revert (A) undoes everything; "
                    + ("this prints every step, in a clone of the repository with gate installed:"
                       if listing is not None else "gate notify --dry-run on this commit prints every step."),
                    listing,
                ))
            alternatives.append(replace(alternative, steps=tuple(kept)))
        return Rollback(tuple(alternatives))

