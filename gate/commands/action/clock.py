"""The time gate judges a change at."""

from __future__ import annotations

from datetime import UTC, datetime

from gate.adapters import runner
from gate.adapters.runner import ActionSettings
from gate.commands.action.console import say
from gate.commands.action.notes import Notes
from gate.core.times import utc_iso


def judging_time(settings: ActionSettings, notes: Notes) -> datetime:
    """The runner's clock, unless GATE_NOW sets another time; then said loudly.

    GATE_NOW exists for tests and replays, but in a workflow any `env:` can set it and move the
    golden window, so a run that used it never looks like an ordinary one.
    """
    from gate.core.times import parse_time

    if not settings.now:
        return datetime.now(UTC)
    now = parse_time(settings.now, "GATE_NOW")
    used = utc_iso(now)
    say(runner.warning(f"GATE_NOW is set: gate judged this change as if it were {used}, not by the clock",
                        title="gate"))
    notes.add(f"the clock was overridden: GATE_NOW is set, so gate judged this change as if it were `{used}`")
    return now
