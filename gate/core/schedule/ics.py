"""`gate window --format ics`: an iCalendar feed (RFC 5545) of the coming openings and freezes.

A team subscribes to it (or imports it) to see, in its own calendar, when flags may be turned on.
One event per opening and per freeze, times in UTC (every calendar shows them on its own clock),
marked free (TRANSP:TRANSPARENT) so they never block anyone's agenda. Each event's UID is stable:
built from what the event is, where it starts and which repository it belongs to, so a calendar that
refreshes the feed updates its events instead of duplicating them. The `icalendar` package is
imported only here.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gate import __version__
from gate.core.schedule import Schedule
from gate.core.window import Freeze, Opening, describe_days

if TYPE_CHECKING:
    from icalendar import Event

_KINDS = {"period": "a freeze period", "holidays": "a public holiday", "rrule": "a recurring freeze"}


def render(schedule: Schedule) -> str:
    from icalendar import Calendar

    window = schedule.window
    calendar = Calendar()
    calendar.add("prodid", f"-//gate//golden window {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Golden window ({schedule.scope})")
    calendar.add("x-wr-caldesc", f"When gate lets flags turn on: {window.hours}, {describe_days(window.days)}, "
                                 f"minus freezes ({schedule.policy})")
    calendar.add("x-wr-timezone", window.zone_name)
    for opening in schedule.openings:
        calendar.add_component(_event(schedule, opening))
    for freeze in schedule.freezes:
        calendar.add_component(_event(schedule, freeze))
    feed: bytes = calendar.to_ical()
    return feed.decode("utf-8")


def _event(schedule: Schedule, span: Opening | Freeze) -> Event:
    from icalendar import Event

    event = Event()
    window = schedule.window
    if isinstance(span, Freeze):
        summary = f"Freeze: {span.reason}"
        description = (f"No flag turns on during {_KINDS.get(span.kind, 'a freeze')}: {span.reason}. "
                       f"gate blocks activations until the window opens again.")
        uid = _uid("freeze", span.start, schedule.scope, span.reason)
        categories = ["gate", "freeze"]
    else:
        summary = "Golden window open"
        description = (f"Flags may turn on: the golden window ({window.hours}, {describe_days(window.days)}) "
                       "is open and no freeze applies.")
        uid = _uid("opening", span.start, schedule.scope, "")
        categories = ["gate", "golden window"]
    event.add("uid", uid)
    event.add("dtstamp", schedule.start)
    event.add("dtstart", span.start)
    event.add("dtend", span.end)
    event.add("summary", summary)
    event.add("description", description)
    event.add("categories", categories)
    event.add("transp", "TRANSPARENT")
    return event


def _uid(kind: str, start: datetime, scope: str, name: str) -> str:
    digest = hashlib.sha256(f"{scope}\n{name}".encode()).hexdigest()[:12]
    return f"{kind}-{start.astimezone(UTC):%Y%m%dT%H%M%SZ}-{digest}@gate"
