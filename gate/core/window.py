"""The golden window as pure time arithmetic: is a moment inside, why not, when it opens and closes.

A moment is inside when, on the policy's wall clock (an IANA timezone), its weekday is one of the
window's days and its time of day is in the half-open range [start, end), and no freeze covers it.
Defining membership on the wall clock makes DST behave the way people read a policy: "10:00 to
13:00 Europe/Madrid" stays 10:00 to 13:00 local on both sides of a clock change; a window hour that
a spring-forward skips simply does not happen that day, and one that a fall-back repeats is inside
both times.

Freezes are half-open UTC ranges ([start, end), a `Freeze`). A policy entry is a *source* of them:
a fixed period is its own only freeze; public holidays and recurring rules (`gate.core.freezes`)
generate theirs for whatever range is asked, so nothing here enumerates years of freezes up front.

Nothing here reads the clock: every function takes the moment it judges. `Window.state(moment)` is
what a status or a scheduled sweep needs: open until when, or closed, why, and the next opening.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from gate.core.times import utc_iso

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The furthest `next_opening` looks: a window frozen longer than this is reported as not opening.
LOOKAHEAD = timedelta(days=3 * 366)
LOOKAHEAD_TEXT = "3 years"
# An opening lies within one local day (a repeated hour can stretch it to 25 h): never longer.
_LONGEST_OPENING = timedelta(days=2)
# `next_opening` asks the freeze sources for short ranges first, then longer ones, so the usual
# answer (within a day or two) costs little and a long freeze costs a few dozen queries.
_FIRST_CHUNK = timedelta(days=2)
_LONGEST_CHUNK = timedelta(days=64)
# Time arithmetic stops short of the calendar's end (year 9999).
_LAST_MOMENT = datetime(9999, 12, 29, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Freeze:
    """A period when nothing activates, whatever the clock says: [start, end).

    `reason` names it in findings and statuses (for a holiday, the holiday); `kind` says which kind
    of policy entry made it: `period`, `holidays` or `rrule`.
    """

    start: datetime
    end: datetime
    reason: str
    kind: str = "period"

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def periods(self, start: datetime, end: datetime) -> Iterator[Freeze]:
        """A fixed period is its own only freeze (so it is a `FreezeSource` too)."""
        if self.start < end and self.end > start:
            yield self


class FreezeSource(Protocol):
    """Where freezes come from: every freeze that overlaps [start, end), in order of start."""

    def periods(self, start: datetime, end: datetime) -> Iterator[Freeze]: ...


@dataclass(frozen=True, slots=True)
class Opening:
    """A stretch of time inside the window: [start, end)."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class WindowState:
    """The window at one moment, as a status or a sweep reports it.

    Open: `closes` is when this opening ends. Closed: `reason` says why (a sentence fragment),
    `freeze` is the freeze that closes it (if one does), `opens` the next opening (None when the
    window does not open within `LOOKAHEAD`).
    """

    at: datetime
    is_open: bool
    closes: datetime | None = None
    opens: datetime | None = None
    reason: str | None = None
    freeze: Freeze | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """The golden window: weekly hours on a timezone's wall clock, minus its freezes."""

    start: time
    end: time
    zone: tzinfo
    days: frozenset[int]  # 0 = Monday, as datetime.weekday()
    freezes: tuple[FreezeSource, ...] = ()

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

    @property
    def hours(self) -> str:
        """"10:00–13:00 UTC", in the window's own zone."""
        zone = "UTC" if self.is_utc else self.zone_name
        return f"{_hhmm(self.start)}\u2013{_hhmm(self.end)} {zone}"

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    # -- freezes ---------------------------------------------------------------------------------

    def freezes_between(self, start: datetime, end: datetime) -> list[Freeze]:
        """Every freeze overlapping [start, end), from every source, in order of start."""
        found = [freeze for source in self.freezes for freeze in source.periods(start, end)]
        return sorted(found, key=lambda freeze: (freeze.start, freeze.end))

    def freeze_at(self, moment: datetime) -> Freeze | None:
        """The freeze covering `moment`: the first source's (in policy order) that covers it."""
        _require_aware(moment)
        after = moment + timedelta(microseconds=1)
        for source in self.freezes:
            for freeze in source.periods(moment, after):
                if freeze.covers(moment):
                    return freeze
        return None

    # -- membership --------------------------------------------------------------------------------

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
        if wall.weekday() not in self.days:
            return (
                f"{WEEKDAYS[wall.weekday()].capitalize()} is not a window day "
                f"(the window is {self.hours}, {describe_days(self.days)})"
            )
        clock = wall.time().replace(tzinfo=None)
        if clock < self.start:
            return f"{_hhmm(clock)} {zone} is before the window opens (the window is {self.hours})"
        if clock >= self.end:
            return f"{_hhmm(clock)} {zone} is at or after the window closes (the window is {self.hours})"
        return None

    def state(self, moment: datetime) -> WindowState:
        """Open until when, or closed: why and until when. What a status or a sweep reports."""
        _require_aware(moment)
        moment = moment.astimezone(UTC)
        if self.contains(moment):
            return WindowState(at=moment, is_open=True, closes=self.next_closing(moment))
        return WindowState(
            at=moment,
            is_open=False,
            opens=self.next_opening(moment),
            reason=self.why_outside(moment),
            freeze=self.freeze_at(moment),
        )

    # -- when it opens and closes ----------------------------------------------------------------

    def next_opening(self, moment: datetime, within: timedelta = LOOKAHEAD) -> datetime | None:
        """The earliest moment at or after `moment` that is inside; None if none within `within`.

        The inside set is a union of half-open intervals, so the earliest inside moment is either
        `moment` itself or a moment where membership switches on: the wall clock reaching `start`,
        a clock change jumping into the hours, or a freeze ending. Only those are tried, over
        ranges that grow from two days to two months, each asking the freeze sources once.
        """
        _require_aware(moment)
        moment = moment.astimezone(UTC)
        limit = _clamp(moment, within)
        if moment < limit and self.contains(moment):
            return moment
        low, chunk = moment, _FIRST_CHUNK
        while low < limit:
            high = min(_clamp(low, chunk), limit)
            frozen = _merge(self.freezes_between(low, high))
            ends = [end for _, end in frozen if low <= end < high]
            candidates = sorted({*self._clock_switches(low, high, self.start), *ends})
            for candidate in candidates:
                if self.on_the_clock(candidate) and not _covered(frozen, candidate):
                    return candidate
            low, chunk = high, min(chunk * 2, _LONGEST_CHUNK)
        return None

    def next_closing(self, moment: datetime) -> datetime:
        """The earliest moment at or after `moment` that is outside (`moment` itself when outside).

        Membership switches off where the wall clock reaches `end`, a clock change jumps out of the
        hours, or a freeze starts; an opening never lasts two days, so that is as far as it looks.
        """
        _require_aware(moment)
        moment = moment.astimezone(UTC)
        if not self.contains(moment):
            return moment
        high = _clamp(moment, _LONGEST_OPENING)
        frozen = self.freezes_between(moment, high)
        candidates = sorted({*self._clock_switches(moment, high, self.end), *(f.start for f in frozen)})
        spans = _merge(frozen)
        for candidate in candidates:
            if candidate > moment and (not self.on_the_clock(candidate) or _covered(spans, candidate)):
                return candidate
        return high  # unreachable: every opening ends within a local day

    def openings(self, start: datetime, end: datetime) -> list[Opening]:
        """Every opening that overlaps [start, end), whole (one open at `start` began before it)."""
        _require_aware(start)
        _require_aware(end)
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        found: list[Opening] = []
        # Begin where no opening can still be running, so the first one found is found whole.
        cursor = start - _LONGEST_OPENING
        while cursor < end:
            opening = self.next_opening(cursor, within=end - cursor)
            if opening is None:
                break
            closing = self.next_closing(opening)
            if closing > start:
                found.append(Opening(opening, closing))
            cursor = closing
        return found

    def _clock_switches(self, low: datetime, high: datetime, at: time) -> Iterator[datetime]:
        """Moments in [low, high) where the wall clock may cross into or out of the hours: the
        instants the clock shows `at` on a window day, and the zone's clock changes."""
        day = self.local(low).date() - timedelta(days=1)
        while True:
            day_start = _wall_day_start(day, self.zone)
            if day_start >= high:
                return
            found: set[datetime] = set()
            if day.weekday() in self.days:
                found.update(_instants_of_wall(datetime.combine(day, at), self.zone))
            next_start = _wall_day_start(day + timedelta(days=1), self.zone)
            found.update(t for t in _transitions(day, self.zone) if day_start <= t < next_start)
            yield from sorted(c for c in found if low <= c < high)
            day += timedelta(days=1)


def make_window(
    start: str, end: str, timezone: str, days: Iterable[str], freezes: Iterable[FreezeSource] = ()
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


def describe_state(window: Window, state: WindowState) -> str:
    """One short line for a status: "open until 13:00 UTC" or "closed: <why>; opens Mon 10:00 UTC
    (11:00 Europe/Madrid), in 6 h". Times are the window's, with UTC first."""
    if state.is_open:
        closes = state.closes or state.at
        return f"open until {_clock_text(window, closes, state.at)}"
    if state.freeze is not None:
        why = f"freeze \u201c{state.freeze.reason}\u201d"
    elif window.local(state.at).weekday() not in window.days:
        why = f"{WEEKDAYS[window.local(state.at).weekday()].capitalize()}, not a window day"
    else:
        why = f"outside {window.hours}"
    if state.opens is None:
        return f"closed: {why}; does not open within {LOOKAHEAD_TEXT}"
    return f"closed: {why}; opens {_clock_text(window, state.opens, state.at)}, {until_text(state.at, state.opens)}"


def until_text(now: datetime, then: datetime) -> str:
    """"in 45 min", "in 6 h", "in 6 h 30 min", "in 2 d 3 h" (rounded up to the minute)."""
    minutes = max(0, -(-int((then - now).total_seconds()) // 60))
    if minutes < 60:
        return f"in {minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"in {hours} h" + (f" {rest} min" if rest else "")
    days, hours = divmod(hours, 24)
    return f"in {days} d" + (f" {hours} h" if hours else "")


def _clock_text(window: Window, moment: datetime, now: datetime) -> str:
    """"13:00 UTC" today, "Mon 10:00 UTC" within the week, "Mon 04 Jan 10:00 UTC" beyond; the
    window's local time follows in brackets when its zone is not UTC."""
    utc, local = moment.astimezone(UTC), window.local(moment)
    if local.date() == window.local(now).date():
        shape = "%H:%M"
    elif moment - now < timedelta(days=6):
        shape = "%a %H:%M"
    else:
        shape = "%a %d %b %H:%M"
    text = f"{utc:{shape}} UTC"
    if not window.is_utc:
        text += f" ({local:%H:%M} {window.zone_name})"
    return text


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment must carry its UTC offset")


def _hhmm(clock: time) -> str:
    return clock.strftime("%H:%M")


def _clamp(moment: datetime, step: timedelta) -> datetime:
    """`moment + step`, but never past the calendar's end."""
    return moment + step if _LAST_MOMENT - moment > step else max(moment, _LAST_MOMENT)


def _merge(freezes: Iterable[Freeze]) -> list[tuple[datetime, datetime]]:
    """Freezes as disjoint spans, in order: overlapping and touching ones joined."""
    spans: list[tuple[datetime, datetime]] = []
    for freeze in sorted(freezes, key=lambda f: f.start):
        if spans and freeze.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], freeze.end))
        else:
            spans.append((freeze.start, freeze.end))
    return spans


def _covered(spans: list[tuple[datetime, datetime]], moment: datetime) -> bool:
    index = bisect.bisect_right(spans, moment, key=lambda span: span[0]) - 1
    return index >= 0 and moment < spans[index][1]


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
