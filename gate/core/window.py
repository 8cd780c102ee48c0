"""The golden window as pure time arithmetic: is a moment inside, why not, and when it next opens.

A moment is inside when, on the policy's wall clock (an IANA timezone), its weekday is one of the
window's days and its time of day is in the half-open range [start, end), and no freeze covers it.
Freezes are half-open UTC ranges too. Defining membership on the wall clock makes DST behave the
way people read a policy: "10:00 to 13:00 Europe/Madrid" stays 10:00 to 13:00 local on both sides
of a clock change; a window hour that a spring-forward skips simply does not happen that day, and
one that a fall-back repeats is inside both times.

Nothing here reads the clock: every function takes the moment it judges.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from gate.core.times import utc_iso

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# How far past the last freeze `next_opening` looks before it gives up (a window that never opens).
_HORIZON = timedelta(days=400)
# The furthest `next_opening` ever looks, however long the freezes.
_LOOKAHEAD = timedelta(days=3 * 366)


@dataclass(frozen=True, slots=True)
class Freeze:
    """A period when nothing activates, whatever the clock says: [start, end)."""

    start: datetime
    end: datetime
    reason: str

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class Window:
    start: time
    end: time
    zone: tzinfo
    days: frozenset[int]  # 0 = Monday, as datetime.weekday()
    freezes: tuple[Freeze, ...] = ()

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("the window's start must be before its end")
        if not self.days:
            raise ValueError("the window needs at least one day")

    @property
    def zone_name(self) -> str:
        return str(getattr(self.zone, "key", self.zone))

    @property
    def is_utc(self) -> bool:
        return self.zone_name in ("UTC", "Etc/UTC", "Etc/Zulu", "Zulu", "Etc/UCT", "UCT", "Universal")

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def freeze_at(self, moment: datetime) -> Freeze | None:
        for freeze in self.freezes:
            if freeze.covers(moment):
                return freeze
        return None

    def on_the_clock(self, moment: datetime) -> bool:
        """Inside the weekly hours, ignoring freezes."""
        wall = self.local(moment)
        return wall.weekday() in self.days and self.start <= wall.time().replace(tzinfo=None) < self.end

    def contains(self, moment: datetime) -> bool:
        _require_aware(moment)
        return self.on_the_clock(moment) and self.freeze_at(moment) is None

    def why_outside(self, moment: datetime) -> str | None:
        """A sentence fragment saying why the moment is outside; None when it is inside."""
        _require_aware(moment)
        freeze = self.freeze_at(moment)
        if freeze is not None:
            span = f"{utc_iso(freeze.start)} to {utc_iso(freeze.end)}"
            return f"it falls in the freeze \u201c{freeze.reason}\u201d ({span})"
        wall = self.local(moment)
        zone = "UTC" if self.is_utc else self.zone_name
        hours = f"{_hhmm(self.start)}\u2013{_hhmm(self.end)} {zone}"
        if wall.weekday() not in self.days:
            return (
                f"{WEEKDAYS[wall.weekday()].capitalize()} is not a window day "
                f"(the window is {hours}, {describe_days(self.days)})"
            )
        clock = wall.time().replace(tzinfo=None)
        if clock < self.start:
            return f"{_hhmm(clock)} {zone} is before the window opens (the window is {hours})"
        if clock >= self.end:
            return f"{_hhmm(clock)} {zone} is at or after the window closes (the window is {hours})"
        return None

    def next_opening(self, moment: datetime) -> datetime | None:
        """The earliest moment at or after `moment` that is inside; None if none within a long horizon.

        The inside set is a union of half-open intervals, so the earliest inside moment is either
        `moment` itself or a moment where membership switches on: the wall clock reaching `start`,
        a clock change jumping into the hours, or a freeze ending. Only those are tried.
        """
        _require_aware(moment)
        moment = moment.astimezone(UTC)
        if self.contains(moment):
            return moment
        # Past the last freeze, but never further than _LOOKAHEAD: a freeze "until 9999" must not
        # make this walk millions of days (or past the calendar's end).
        limit = moment + _LOOKAHEAD
        last = max([moment, *(f.end for f in self.freezes)])
        horizon = limit if last >= limit - _HORIZON else last.astimezone(UTC) + _HORIZON
        freeze_ends = sorted(f.end.astimezone(UTC) for f in self.freezes if moment < f.end <= horizon)
        for candidate in _merge_sorted(self._clock_openings(moment, horizon), freeze_ends):
            if candidate >= moment and self.contains(candidate):
                return candidate
        return None

    def _clock_openings(self, moment: datetime, horizon: datetime) -> Iterator[datetime]:
        """Moments (ascending, UTC) where the wall clock may enter the hours: `start` and clock changes."""
        day = self.local(moment).date() - timedelta(days=1)
        while True:
            day_start = _wall_day_start(day, self.zone)
            if day_start > horizon:
                return
            found: set[datetime] = set()
            if day.weekday() in self.days:
                found.update(_instants_of_wall(datetime.combine(day, self.start), self.zone))
            next_start = _wall_day_start(day + timedelta(days=1), self.zone)
            found.update(t for t in _transitions(day, self.zone) if day_start <= t < next_start)
            yield from sorted(c for c in found if c >= moment)
            day += timedelta(days=1)


def make_window(
    start: str, end: str, timezone: str, days: Iterable[str], freezes: Iterable[Freeze] = ()
) -> Window:
    """A Window from policy text; raises ValueError with a readable message."""
    return Window(
        start=parse_hhmm(start),
        end=parse_hhmm(end),
        zone=load_zone(timezone),
        days=frozenset(parse_weekday(d) for d in days),
        freezes=tuple(freezes),
    )


def parse_hhmm(text: str) -> time:
    try:
        hours, minutes = text.split(":")
        if len(minutes) != 2:
            raise ValueError
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day as HH:MM (e.g. 10:00)") from None


def load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"{name!r} is not an IANA timezone (e.g. UTC, Europe/Madrid)") from None


def parse_weekday(text: str) -> int:
    lowered = text.strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if lowered in (name, name[:3]):
            return index
    raise ValueError(f"{text!r} is not a weekday (monday ... sunday)")


def describe_days(days: Iterable[int]) -> str:
    """"Monday–Friday" for a run, else a list: "Monday, Wednesday"."""
    ordered = sorted(set(days))
    names = [WEEKDAYS[d].capitalize() for d in ordered]
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{names[0]}\u2013{names[-1]}"
    return ", ".join(names)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment must carry its UTC offset")


def _hhmm(clock: time) -> str:
    return clock.strftime("%H:%M")



def _instants_of_wall(wall: datetime, zone: tzinfo) -> list[datetime]:
    """The UTC moments whose local wall time is `wall`: none (a gap), one, or two (a fold)."""
    found = []
    for fold in (0, 1):
        candidate = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if candidate.astimezone(zone).replace(tzinfo=None) == wall:
            found.append(candidate)
    return sorted(set(found))


def _wall_day_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time()).replace(tzinfo=zone).astimezone(UTC)


def _transitions(day: date, zone: tzinfo) -> list[datetime]:
    """The moments the zone's UTC offset changes within a span covering the local day (to the second)."""
    low = _wall_day_start(day, zone) - timedelta(hours=3)
    high = low + timedelta(hours=30)
    if low.astimezone(zone).utcoffset() == high.astimezone(zone).utcoffset():
        return []  # zones change at most once a day, and never back within 30 hours
    offset_low = low.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).utcoffset() == offset_low:
            low = middle
        else:
            high = middle
    return [high]


def _merge_sorted(first: Iterator[datetime], second: list[datetime]) -> Iterator[datetime]:
    pending = list(second)
    for item in first:
        while pending and pending[0] <= item:
            yield pending.pop(0)
        yield item
    yield from pending
