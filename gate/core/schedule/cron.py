"""`gate window --format cron`: the `schedule:` lines that run the golden-window sweep at the window's edges.

Each opening's start and end, on the window's wall clock, is an edge: one cron line per time of
day an edge falls on, with the weekdays it falls on. An edge seen on one date only (a freeze that
ends at noon once) still gets a weekly line: a sweep with nothing to change costs a few requests,
while a line for that date alone would come back next year on another weekday. Over a year (the
default) every recurring freeze is seen. GitHub reads cron in UTC unless an entry names a
`timezone`, so a window on another clock gets its timezone: the edges then follow daylight saving
time by themselves.

Days of the week are cron's, 0 (Sunday) to 6.
"""

from __future__ import annotations

from collections import defaultdict

from gate.core.schedule import Schedule
from gate.core.window import Window, describe_days

_OPENS, _CLOSES = "opens", "closes"


def render(schedule: Schedule) -> str:
    window = schedule.window
    lines = [
        f"# The golden window's edges, {window.hours}, {describe_days(window.days)} ({schedule.policy}),",
        f"# over the {schedule.days} days from {schedule.start:%Y-%m-%d}: a sweep at each sets every open pull "
        "request's",
        "# gate/golden-window status. Paste under `on:` in the workflow.",
    ]
    if not schedule.enforced:
        lines.append("# The golden-window check is disabled in this policy: these are the edges it would have.")
    edges = _edges(window, schedule)
    if not edges:
        lines.append(f"# The window does not open in these {schedule.days} days: no edge to sweep at.")
        return "\n".join(lines) + "\n"
    lines.append("schedule:")
    for cron, kinds in edges:
        lines.append(f'  - cron: "{cron}"  # the window {" and ".join(sorted(kinds, reverse=True))}')
        if not window.is_utc:
            lines.append(f"    timezone: {window.zone_name}")
    return "\n".join(lines) + "\n"


def _edges(window: Window, schedule: Schedule) -> list[tuple[str, set[str]]]:
    """(cron expression, opens/closes) per time of day an edge falls on, in order of that time."""
    seen: dict[tuple[int, int], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for opening in schedule.openings:
        for moment, kind in ((opening.start, _OPENS), (opening.end, _CLOSES)):
            if schedule.start <= moment < schedule.end:
                local = window.local(moment)
                seen[(local.hour, local.minute)][local.weekday()].add(kind)
    return [
        (f"{minute} {hour} * * {_cron_days(weekdays)}", set().union(*weekdays.values()))
        for (hour, minute), weekdays in sorted(seen.items())
    ]


def _cron_days(weekdays: dict[int, set[str]]) -> str:
    """Python weekdays (0 = Monday) as cron's (0 = Sunday), runs joined: "1-5", "1,3,5"."""
    days = sorted((weekday + 1) % 7 for weekday in weekdays)
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(f"{run[0]}-{run[-1]}" if len(run) > 2 else ",".join(map(str, run)) for run in runs)
