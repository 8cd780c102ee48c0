"""`gate window` as text: the window, its state now, then each opening and freeze in order.

Days and hours are the window's own (its timezone); an opening also shows its hours in UTC when
the window's timezone is not UTC.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from gate.core.schedule import Schedule
from gate.core.window import Freeze, Opening, Window, describe_days, describe_state


def render(schedule: Schedule) -> str:
    window = schedule.window
    lines = [
        f"Golden window: {window.hours}, {describe_days(window.days)} ({schedule.policy})",
    ]
    if not schedule.enforced:
        lines.append("The golden-window check is disabled in this policy: gate does not hold flags to this window.")
    lines.append(f"Now ({_moment(window, schedule.start)}): {describe_state(window, schedule.state)}")
    lines += ["", f"The next {schedule.days} days, to {_moment(window, schedule.end)}:"]
    entries: list[tuple[datetime, int, str]] = [(o.start, 0, _opening(window, o)) for o in schedule.openings]
    entries += [(f.start, 1, _freeze(window, f)) for f in schedule.freezes]
    lines += [text for _, _, text in sorted(entries)]
    if not schedule.openings:
        lines.append("  the window does not open in these days")
    return "\n".join(lines) + "\n"


def _moment(window: Window, moment: datetime) -> str:
    local = window.local(moment)
    text = f"{local:%a %d %b %Y %H:%M} {window.zone_name}"
    return text if window.is_utc else f"{text}, {moment:%H:%M} UTC"


def _opening(window: Window, opening: Opening) -> str:
    start, end = window.local(opening.start), window.local(opening.end)
    hours = f"{start:%H:%M}\u2013{end:%H:%M}" if start.date() == end.date() else (
        f"{start:%H:%M} \u2013 {end:%a %d %b %H:%M}")
    zone = "UTC" if window.is_utc else window.zone_name
    utc = "" if window.is_utc else f" ({opening.start:%H:%M}\u2013{opening.end:%H:%M} UTC)"
    return f"  {start:%a %d %b}  open    {hours} {zone}{utc}"


def _freeze(window: Window, freeze: Freeze) -> str:
    start, end = window.local(freeze.start), window.local(freeze.end)
    midnight = time()
    if start.time() == midnight and end.time() == midnight:
        days = (end.date() - start.date()).days
        last = end.date() - timedelta(days=1)
        span = "all day" if days == 1 else f"to {last:%a %d %b} ({days} days)"
    elif start.date() == end.date():
        span = f"{start:%H:%M}\u2013{end:%H:%M}"
    else:
        span = f"{start:%H:%M} \u2013 {end:%a %d %b %H:%M}"
    return f"  {start:%a %d %b}  frozen  {span}  {freeze.reason}"
