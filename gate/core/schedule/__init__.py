"""The coming golden windows and freezes, as `gate window` lists them (pure).

`build(window, now, days, ...)` gathers what a team needs to plan: the window's state now, every
opening and every freeze over the next days. One pure module per output format renders it:
`text`, `json` (a stable shape, version 1), `ics` (an iCalendar feed a team subscribes to) and
`cron` (the workflow's `schedule:` lines that sweep at the window's edges).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gate.core.window import Freeze, Opening, Window, WindowState

FORMATS: dict[str, str] = {
    "text": "gate.core.schedule.text",
    "json": "gate.core.schedule.json",
    "ics": "gate.core.schedule.ics",
    "cron": "gate.core.schedule.cron",
}
LONGEST_DAYS = 366
# How far each format looks when --days is not given: a listing two weeks, the cron lines a year,
# so that every recurring freeze and both sides of daylight saving time are seen.
DEFAULT_DAYS = {"text": 14, "json": 14, "ics": 14, "cron": LONGEST_DAYS}


@dataclass(frozen=True, slots=True)
class Schedule:
    """The window over [start, end): its state at `start`, its openings and its freezes.

    `policy` says where the window comes from (a path, or the bundled default); `scope` names the
    repository it belongs to, so that calendar entries of two repositories never share an id;
    `enforced` is False when the policy disables the golden-window check.
    """

    window: Window
    start: datetime
    end: datetime
    state: WindowState
    openings: tuple[Opening, ...]
    freezes: tuple[Freeze, ...]
    policy: str
    scope: str
    enforced: bool = True

    @property
    def days(self) -> int:
        return round((self.end - self.start) / timedelta(days=1))


def build(window: Window, now: datetime, days: int, policy: str, scope: str, enforced: bool = True) -> Schedule:
    """The schedule of the `days` days from `now` (1 to LONGEST_DAYS)."""
    if not 1 <= days <= LONGEST_DAYS:
        raise ValueError(f"days must be 1 to {LONGEST_DAYS}, not {days}")
    start = now.astimezone(UTC)
    end = start + timedelta(days=days)
    return Schedule(
        window=window,
        start=start,
        end=end,
        state=window.state(start),
        openings=tuple(window.openings(start, end)),
        freezes=tuple(window.freezes_between(start, end)),
        policy=policy,
        scope=scope,
        enforced=enforced,
    )


Renderer = Callable[[Schedule], str]


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render
