"""Freezes a team writes once: public holidays and recurring rules, generated for the range asked.

- `HolidayFreezes`: every public holiday of a country (optionally a region), from the `holidays`
  package, as a whole day on the window's clock, named after the holiday.
- `RecurringFreeze`: an RFC 5545 recurrence rule (python-dateutil) with an ISO 8601 duration. The
  rule recurs on the window's wall clock, so "Fridays from 15:00" stays 15:00 local in summer and
  in winter. A rule starts at local midnight unless it sets the time (BYHOUR, BYMINUTE) or has a
  DTSTART. Times that a clock change skips or repeats are read as RFC 5545 reads them: a skipped
  time with the offset before the change (02:30 on a spring-forward night is 03:30), a repeated
  one as its first occurrence. Days and weeks of a duration are calendar days (P1D ends at the same
  wall time the next day, even across a clock change), hours and minutes are exact.

Both are `FreezeSource`s: `periods(start, end)` yields the freezes overlapping [start, end) and
nothing more, so however far ahead the window looks, only that range is generated. The `holidays`
and `dateutil` packages are imported on first use: a policy without such freezes never loads them.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from gate.core.window import Freeze

if TYPE_CHECKING:
    from dateutil.rrule import rrule

# Recurrence frequencies a freeze may use; finer ones would freeze in slivers (and take long to list).
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# A freeze that lasts longer than this is not a freeze but a disabled check.
LONGEST_DURATION = timedelta(days=3660)
# The Gregorian calendar repeats itself, weekdays included, every 400 years: 146097 days, 4800 months.
_CYCLE_DAYS, _CYCLE_MONTHS, _CYCLE_YEARS = 146_097, 4_800, 400
# dateutil walks a rule that matches nothing to the end of the calendar (year 9999): gate checks that
# a rule happens by walking it over one whole cycle of its pattern just before that end.
_CALENDAR_END = datetime(9999, 1, 1)
# The earliest and latest years asked of the holidays package.
_YEARS = (1900, 9998)


# -- public holidays ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HolidayFreezes:
    """Every public holiday of `country` (and `subdivision`), each a whole day on `zone`'s clock."""

    country: str
    subdivision: str | None
    zone: tzinfo
    reason: str | None = None
    language: str | None = None  # None: the country's own language

    @property
    def label(self) -> str:
        """"ES" or "ES-MD": whose holidays."""
        return self.country + (f"-{self.subdivision}" if self.subdivision else "")

    def name(self, holiday: str) -> str:
        named = f"{holiday} ({self.label} public holiday)"
        return f"{self.reason}: {named}" if self.reason else named

    def periods(self, start: datetime, end: datetime) -> Iterator[Freeze]:
        first = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date()
        for year in range(max(first.year, _YEARS[0]), min(last.year, _YEARS[1]) + 1):
            for day, holiday in holiday_dates(self.country, self.subdivision, self.language, year):
                if not first <= day <= last:
                    continue
                opens, closes = _local_midnight(day, self.zone), _local_midnight(day + timedelta(days=1), self.zone)
                if opens < end and closes > start:
                    yield Freeze(opens, closes, self.name(holiday), "holidays")


@lru_cache(maxsize=256)
def holiday_dates(
    country: str, subdivision: str | None, language: str | None, year: int
) -> tuple[tuple[date, str], ...]:
    """The public holidays of one year, in date order, named in `language` (default: the country's).

    The language is always given to the package: left to itself it would follow the machine's locale.
    """
    import holidays

    chosen = language or holidays.country_holidays(country, subdiv=subdivision).default_language
    named = holidays.country_holidays(country, subdiv=subdivision, years=year, language=chosen)
    return tuple(sorted((day, str(name)) for day, name in named.items()))


def check_country(code: str) -> str:
    """The country code, upper-cased, when the holidays package knows it; else a readable ValueError."""
    import holidays

    upper = code.strip().upper()
    try:
        holidays.country_holidays(upper)
    except NotImplementedError:
        raise ValueError(
            f"{code!r} is not a country the holidays package knows; use an ISO 3166-1 alpha-2 code such as "
            "ES, US or DE"
        ) from None
    return upper


def check_subdivision(country: str, subdivision: str) -> str:
    import holidays

    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError:
        known = holidays.country_holidays(country).subdivisions
        listed = ", ".join(known) if known else "none"
        raise ValueError(f"{subdivision!r} is not a subdivision of {country} (known: {listed})") from None
    return subdivision


def check_language(country: str, language: str) -> str:
    import holidays

    supported = holidays.country_holidays(country).supported_languages
    if language not in supported:
        listed = ", ".join(supported) if supported else "only its own"
        raise ValueError(f"the holidays of {country} are not named in {language!r} (languages: {listed})")
    return language


# -- durations ---------------------------------------------------------------------------------------

_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?"
)


@dataclass(frozen=True, slots=True)
class Duration:
    """An ISO 8601 duration: years, months, weeks and days on the calendar; hours to seconds exact."""

    text: str
    years: int = 0
    months: int = 0
    days: int = 0  # weeks included
    exact: timedelta = timedelta()

    def after(self, wall: datetime) -> datetime:
        """The wall time this long after `wall`, by the calendar (the exact part is added later, in UTC)."""
        months = wall.month - 1 + self.months + 12 * self.years
        year, month = wall.year + months // 12, months % 12 + 1
        import calendar  # only recurring rules need it

        day = min(wall.day, calendar.monthrange(year, month)[1])
        return wall.replace(year=year, month=month, day=day) + timedelta(days=self.days)

    @property
    def longest(self) -> timedelta:
        """An upper bound of its length anywhere on the calendar."""
        return timedelta(days=366 * self.years + 31 * self.months + self.days + 1) + self.exact


def parse_duration(text: str) -> Duration:
    """An ISO 8601 duration such as P15D, PT4H30M or P1W; zero, negative or fractional ones are errors."""
    value = text.strip().upper()
    match = _DURATION.fullmatch(value)
    if match is None or value in ("P", "PT"):
        raise ValueError(
            f"{text!r} is not an ISO 8601 duration in whole units (e.g. P15D, P1W, PT4H, P1DT12H)"
        )
    parts = {name: int(number) for name, number in match.groupdict(default="0").items()}
    duration = Duration(
        text=value,
        years=parts["years"],
        months=parts["months"],
        days=parts["days"] + 7 * parts["weeks"],
        exact=timedelta(hours=parts["hours"], minutes=parts["minutes"], seconds=parts["seconds"]),
    )
    if not any(parts.values()):
        raise ValueError(f"{text!r} is a zero duration: a freeze must last")
    if duration.longest > LONGEST_DURATION:
        raise ValueError(f"{text!r} is longer than 10 years: to stop judging the window, disable the check")
    return duration


# -- recurrence rules --------------------------------------------------------------------------------

_DTSTART = re.compile(r"DTSTART(?:;VALUE=DATE(?:-TIME)?)?:(\d{8}(?:T\d{6})?)")
_DATE_TIME = re.compile(r"(\d{8})(?:T(\d{6})(Z?))?")


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A checked recurrence rule: its RRULE (UNTIL on the window's clock) and its DTSTART, if any."""

    text: str  # as the policy wrote it
    parts: tuple[tuple[str, str], ...]  # the RRULE's NAME=VALUE parts, names upper-cased
    dtstart: datetime | None  # wall time on the window's clock

    def rule(self, anchor: datetime) -> rrule:
        """The dateutil rule, starting at DTSTART, or at `anchor` (a local midnight) without one."""
        from dateutil.rrule import rrule as rule_type
        from dateutil.rrule import rrulestr

        body = ";".join(f"{name}={value}" for name, value in self.parts)
        built = rrulestr(body, dtstart=self.dtstart or anchor, cache=False)
        if not isinstance(built, rule_type):  # one RRULE line is never a set
            raise ValueError("the rule is not a single RRULE")
        return built


def parse_recurrence(text: str, zone: tzinfo = UTC) -> Recurrence:
    """Check an RFC 5545 rule as gate reads it; a readable ValueError when it cannot be used.

    Accepted: `FREQ=...` (or `RRULE:FREQ=...`), optionally after a `DTSTART:YYYYMMDDTHHMMSS` line
    on the window's clock. A rule without DTSTART must name its days itself (what a DTSTART would
    otherwise fill in), and cannot count or skip (COUNT, INTERVAL) from a start it does not have.
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    dtstart: datetime | None = None
    rule_lines = []
    for line in lines:
        upper = line.upper()
        if upper.startswith("DTSTART"):
            if dtstart is not None:
                raise ValueError("the rule has two DTSTART lines")
            dtstart = _dtstart(line)
        elif upper.startswith("RRULE:"):
            rule_lines.append(line[len("RRULE:"):])
        elif upper.startswith("FREQ=") or ("=" in upper and ":" not in upper):
            rule_lines.append(line)
        else:
            raise ValueError(f"{line!r}: a freeze's rule is one RRULE, optionally after a DTSTART line")
    if len(rule_lines) != 1:
        raise ValueError("a freeze's rule is exactly one RRULE (e.g. FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20)")
    parts = _rule_parts(rule_lines[0], zone)
    names = {name for name, _ in parts}
    frequency = dict(parts).get("FREQ")
    if frequency is None:
        raise ValueError("the rule has no FREQ (e.g. FREQ=WEEKLY;BYDAY=FR)")
    if frequency not in FREQUENCIES:
        raise ValueError(
            f"FREQ={frequency}: a freeze recurs DAILY, WEEKLY, MONTHLY or YEARLY (set the time of day with "
            "BYHOUR and BYMINUTE)"
        )
    if "BYEASTER" in names:
        raise ValueError("BYEASTER is not RFC 5545; name the days with BYMONTH and BYMONTHDAY")
    if {"COUNT", "UNTIL"} <= names:
        raise ValueError("COUNT and UNTIL cannot both end a rule (RFC 5545); keep one")
    if dtstart is None:
        _require_own_days(frequency, names, dict(parts))
    recurrence = Recurrence(text=text, parts=parts, dtstart=dtstart)
    try:
        happens = _happens(recurrence)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"not an RFC 5545 recurrence rule: {exc}") from None
    if not happens:
        until = " before its UNTIL" if "UNTIL" in names else ""
        raise ValueError(f"the rule never happens: no date matches it{until}")
    return recurrence


def _dtstart(line: str) -> datetime:
    match = _DTSTART.fullmatch(line.strip().upper())
    if match is None:
        raise ValueError(
            f"{line!r}: write DTSTART on the window's clock, without TZID or Z (e.g. DTSTART:20261204T150000)"
        )
    return _wall(match.group(1))


def _wall(text: str) -> datetime:
    day, clock = text[:8], text[9:15] if len(text) > 8 else "000000"
    try:
        return datetime.strptime(day + clock, "%Y%m%d%H%M%S")
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)") from None


def _rule_parts(body: str, zone: tzinfo) -> tuple[tuple[str, str], ...]:
    parts = []
    for item in body.strip().strip(";").split(";"):
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(f"{item!r} is not NAME=VALUE in the rule")
        name, value = name.strip().upper(), value.strip().upper()
        if name == "UNTIL":
            value = _until(value, zone)
        parts.append((name, value))
    return tuple(parts)


def _until(value: str, zone: tzinfo) -> str:
    """UNTIL on the window's clock: a UTC one (…Z, as calendars export it) is converted."""
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        raise ValueError(f"UNTIL={value} is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])")
    wall = _wall(value.rstrip("Z"))
    if match.group(3):
        try:
            wall = wall.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
        except OverflowError:
            wall = datetime(9999, 12, 31, 23, 59, 59)
    return wall.strftime("%Y%m%dT%H%M%S")


def _require_own_days(frequency: str, names: set[str], parts: dict[str, str]) -> None:
    """Without DTSTART a rule must not lean on one: dateutil would fill its days from the start."""
    for needs_start in ("COUNT", "INTERVAL"):
        if needs_start in names and not (needs_start == "INTERVAL" and parts["INTERVAL"] == "1"):
            raise ValueError(f"{needs_start} counts from the rule's start: add a DTSTART line before the RRULE")
    if frequency in ("WEEKLY", "MONTHLY", "YEARLY") and not names & {
        "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO"
    }:
        example = {"WEEKLY": "BYDAY=FR", "MONTHLY": "BYMONTHDAY=1", "YEARLY": "BYMONTH=12;BYMONTHDAY=20"}[frequency]
        raise ValueError(f"FREQ={frequency} without a DTSTART must say which days (e.g. {example})")


def _happens(recurrence: Recurrence) -> bool:
    """Whether the rule has an occurrence (before its UNTIL), found in bounded time.

    A rule's pattern repeats once its steps (INTERVAL times FREQ) and the 400-year calendar cycle
    line up. Moved forward by whole such periods to just before the calendar's end, the rule matches
    something before that end exactly when it matches anything at all; dateutil stops there.
    """
    anchor = recurrence.dtstart or datetime(2000, 1, 1)
    pattern = recurrence.rule(anchor).replace(count=None, until=None)
    found = next(iter(pattern.replace(dtstart=_shifted(anchor, recurrence))), None)
    if found is None:
        return False
    if "UNTIL" not in dict(recurrence.parts):
        return True
    # It happens: the first occurrence from the real start is within one period; before UNTIL?
    return next(iter(recurrence.rule(anchor).replace(count=None)), None) is not None


def _shifted(start: datetime, recurrence: Recurrence) -> datetime:
    """`start` moved forward by whole periods of the rule's pattern, to within one period of the end."""
    parts = dict(recurrence.parts)
    interval = int(parts.get("INTERVAL", "1"))
    frequency = parts["FREQ"]
    if frequency in ("DAILY", "WEEKLY"):
        step = interval * (7 if frequency == "WEEKLY" else 1)
        period_days = math.lcm(step, _CYCLE_DAYS)
        room = (_CALENDAR_END - start).days - period_days
        return start + timedelta(days=(room // period_days) * period_days) if room > 0 else start
    months = interval * (12 if frequency == "YEARLY" else 1)
    period_months = math.lcm(months, _CYCLE_MONTHS)
    room = (_CALENDAR_END.year - start.year) * 12 - period_months
    if room <= 0:
        return start
    shift = (room // period_months) * period_months
    return start.replace(year=start.year + shift // 12)  # a whole number of 400-year cycles: same date exists


class _Starts:
    """A rule's occurrences (wall times), generated forward once and kept, as far as asked."""

    def __init__(self, recurrence: Recurrence) -> None:
        self._recurrence = recurrence
        self._anchor: datetime | None = None
        self._seen: list[datetime] = []
        self._iterator: Iterator[datetime] = iter(())
        self._done = True

    def between(self, low: datetime, high: datetime) -> list[datetime]:
        """Occurrences in [low, high)."""
        if self._anchor is None or (self._recurrence.dtstart is None and low < self._anchor):
            # A rule without DTSTART is the same from any midnight: start where asked.
            anchor = self._recurrence.dtstart or datetime.combine(low.date(), time())
            self._anchor, self._seen, self._done = anchor, [], False
            self._iterator = iter(self._recurrence.rule(anchor))
        while not self._done and (not self._seen or self._seen[-1] < high):
            found = next(self._iterator, None)
            if found is None:
                self._done = True
            else:
                self._seen.append(found)
        return self._seen[bisect.bisect_left(self._seen, low):bisect.bisect_left(self._seen, high)]


@dataclass(frozen=True)
class RecurringFreeze:
    """A freeze that recurs by an RFC 5545 rule on `zone`'s wall clock, each time for `duration`."""

    recurrence: Recurrence
    duration: Duration
    zone: tzinfo
    reason: str
    _starts: _Starts = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", _Starts(self.recurrence))

    def periods(self, start: datetime, end: datetime) -> Iterator[Freeze]:
        # Occurrences that began up to one duration before `start` may still cover it.
        low = _wall_of(start, self.zone) - self.duration.longest
        high = _wall_of(end, self.zone) + timedelta(days=1)
        for wall in self._starts.between(low, high):
            opens = _resolve(wall, self.zone)
            try:
                closes = _resolve(self.duration.after(wall), self.zone) + self.duration.exact
            except (OverflowError, ValueError):
                closes = datetime.max.replace(tzinfo=UTC)
            if opens < end and closes > start and closes > opens:
                yield Freeze(opens, closes, self.reason, "rrule")


def _wall_of(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _resolve(wall: datetime, zone: tzinfo) -> datetime:
    """The UTC moment of a wall time, as RFC 5545 reads it (a skipped time with the offset before
    the change, a repeated one as its first occurrence): zoneinfo's fold=0."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    return _resolve(datetime.combine(day, time()), zone)


def describe_source(source: Any) -> str:
    """A short description of a freeze source for listings: the rule, the holidays, or the period."""
    if isinstance(source, HolidayFreezes):
        return f"public holidays of {source.label}"
    if isinstance(source, RecurringFreeze):
        return f"{source.recurrence.text.strip()} for {source.duration.text}"
    return "a fixed period"
