"""The window's arithmetic: table cases for the seed's window, then properties against a minute scan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gate.core.freezes import RecurringFreeze, parse_duration, parse_recurrence
from gate.core.window import Freeze, Window, describe_days, make_window, parse_hhmm, parse_weekday

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]
SEED = make_window("10:00", "13:00", "UTC", WEEKDAYS)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize(
    ("moment", "inside", "next_opening"),
    [
        pytest.param("2026-11-30T11:00:00Z", True, "2026-11-30T11:00:00Z", id="monday-11-inside"),
        pytest.param("2026-11-30T10:00:00Z", True, "2026-11-30T10:00:00Z", id="opening-minute-inside"),
        pytest.param("2026-11-30T12:59:59Z", True, "2026-11-30T12:59:59Z", id="last-second-inside"),
        pytest.param("2026-11-30T13:00:00Z", False, "2026-12-01T10:00:00Z", id="closing-time-outside"),
        pytest.param("2026-11-30T14:00:00Z", False, "2026-12-01T10:00:00Z", id="afternoon-next-morning"),
        pytest.param("2026-11-30T09:59:00Z", False, "2026-11-30T10:00:00Z", id="early-same-morning"),
        pytest.param("2026-11-28T11:00:00Z", False, "2026-11-30T10:00:00Z", id="saturday-to-monday"),
        pytest.param("2026-12-04T13:00:00Z", False, "2026-12-07T10:00:00Z", id="friday-close-to-monday"),
        pytest.param("2026-11-30T12:00:00+01:00", True, "2026-11-30T11:00:00Z", id="offset-input"),
    ],
)
def test_seed_window(moment: str, inside: bool, next_opening: str) -> None:
    assert SEED.contains(at(moment)) is inside
    assert SEED.next_opening(at(moment)) == at(next_opening)
    assert (SEED.why_outside(at(moment)) is None) is inside


@pytest.mark.parametrize(
    ("moment", "fragment"),
    [
        pytest.param("2026-11-30T14:00:00Z", "14:00 UTC is at or after the window closes", id="hours-late"),
        pytest.param("2026-11-30T08:15:00Z", "08:15 UTC is before the window opens", id="hours-early"),
        pytest.param("2026-11-28T11:00:00Z", "Saturday is not a window day", id="weekday"),
        pytest.param("2026-12-24T11:00:00Z", "freeze \u201cyear-end freeze\u201d", id="freeze-by-reason"),
    ],
)
def test_why_outside_names_the_reason(moment: str, fragment: str) -> None:
    window = make_window(
        "10:00", "13:00", "UTC", WEEKDAYS,
        [Freeze(at("2026-12-20T00:00:00Z"), at("2027-01-04T00:00:00Z"), "year-end freeze")],
    )
    reason = window.why_outside(at(moment))
    assert reason is not None and fragment in reason


def test_a_freeze_pushes_the_next_opening_past_it() -> None:
    window = make_window(
        "10:00", "13:00", "UTC", WEEKDAYS,
        [Freeze(at("2026-12-20T00:00:00Z"), at("2027-01-04T11:30:00Z"), "year-end")],
    )
    assert window.next_opening(at("2026-12-22T11:00:00Z")) == at("2027-01-04T11:30:00Z")


def test_madrid_window_follows_the_local_clock_across_dst() -> None:
    madrid = make_window("10:00", "13:00", "Europe/Madrid", WEEKDAYS)
    # Winter: 10:00 local is 09:00 UTC; summer: 08:00 UTC.
    assert madrid.next_opening(at("2026-03-27T20:00:00Z")) == at("2026-03-30T08:00:00Z")
    assert madrid.next_opening(at("2026-10-23T20:00:00Z")) == at("2026-10-26T09:00:00Z")


def test_a_window_hour_the_spring_forward_skips_opens_when_the_clock_lands() -> None:
    window = make_window("02:30", "04:00", "Europe/Madrid", ["sunday"])
    assert window.next_opening(at("2026-03-29T00:00:00Z")) == at("2026-03-29T01:00:00Z")


def test_a_repeated_hour_is_inside_both_times() -> None:
    window = make_window("02:00", "02:30", "Europe/Madrid", ["sunday"])
    assert window.contains(at("2026-10-25T00:10:00Z"))  # 02:10 CEST
    assert window.contains(at("2026-10-25T01:10:00Z"))  # 02:10 CET
    assert window.next_opening(at("2026-10-25T00:45:00Z")) == at("2026-10-25T01:00:00Z")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: parse_hhmm("25:00"), "not a time of day", id="bad-hour"),
        pytest.param(lambda: parse_hhmm("10"), "not a time of day", id="no-minutes"),
        pytest.param(lambda: parse_weekday("funday"), "not a weekday", id="bad-day"),
        pytest.param(lambda: make_window("10:00", "13:00", "Mars/Olympus", WEEKDAYS), "IANA", id="bad-zone"),
        pytest.param(lambda: make_window("13:00", "10:00", "UTC", WEEKDAYS), "before its end", id="reversed"),
        pytest.param(lambda: make_window("10:00", "13:00", "UTC", []), "at least one day", id="no-days"),
    ],
)
def test_bad_window_text_is_a_readable_error(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        SEED.contains(datetime(2026, 11, 30, 11))


@pytest.mark.parametrize(
    ("days", "text"),
    [([0, 1, 2, 3, 4], "Monday\u2013Friday"), ([0, 2], "Monday, Wednesday"), ([5, 6], "Saturday, Sunday")],
)
def test_describe_days(days: list[int], text: str) -> None:
    assert describe_days(days) == text


# Property tests: the analytic answers agree with a brute-force scan, minute by minute.

# Real clock changes, each with its zone (Madrid and New York yearly; Buenos Aires 2007-2009;
# Guayaquil 1992-1993), so the scans cross them often; UTC as the control.
CLOCK_CHANGES = [
    ("Europe/Madrid", datetime(2026, 3, 29, 1, tzinfo=UTC)),
    ("Europe/Madrid", datetime(2026, 10, 25, 1, tzinfo=UTC)),
    ("America/Argentina/Buenos_Aires", datetime(2007, 12, 30, 3, tzinfo=UTC)),
    ("America/Argentina/Buenos_Aires", datetime(2008, 3, 16, 2, tzinfo=UTC)),
    ("America/Argentina/Buenos_Aires", datetime(2008, 10, 19, 3, tzinfo=UTC)),
    ("America/Guayaquil", datetime(1992, 11, 28, 5, tzinfo=UTC)),
    ("America/Guayaquil", datetime(1993, 2, 5, 4, tzinfo=UTC)),
    ("America/New_York", datetime(2026, 3, 8, 7, tzinfo=UTC)),
    ("America/New_York", datetime(2026, 11, 1, 6, tzinfo=UTC)),
    ("UTC", datetime(2026, 11, 30, 11, tzinfo=UTC)),
]
SCAN_LIMIT = timedelta(days=9)

# Half the draws fall in the small hours, where clocks change.
minutes_of_day = st.one_of(st.integers(0, 24 * 60 - 1), st.integers(0, 4 * 60))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Window, datetime]:
    """A window in a zone near one of its clock changes, and a moment near that change."""
    zone, anchor = draw(st.sampled_from(CLOCK_CHANGES))
    first, second = draw(minutes_of_day), draw(minutes_of_day)
    if first == second:
        second = (first + 1) % (24 * 60)
    low, high = sorted((first, second))
    days = draw(st.one_of(st.just(frozenset(range(7))), st.frozensets(st.integers(0, 6), min_size=1)))
    freezes = []
    for _ in range(draw(st.integers(0, 2))):
        start = anchor + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 6 * 24 * 60)))
        length = timedelta(minutes=draw(st.integers(1, 3 * 24 * 60)))
        freezes.append(Freeze(start, start + length, "freeze"))
    window = Window(
        start=time(low // 60, low % 60),
        end=time(high // 60, high % 60),
        zone=ZoneInfo(zone),
        days=days,
        freezes=tuple(freezes),
    )
    return window, anchor + timedelta(minutes=draw(st.integers(-2 * 24 * 60, 2 * 24 * 60)))


def brute_force_contains(window: Window, moment: datetime) -> bool:
    wall = moment.astimezone(window.zone)
    minute = wall.hour * 60 + wall.minute
    start = window.start.hour * 60 + window.start.minute
    end = window.end.hour * 60 + window.end.minute
    frozen = any(f.start <= moment < f.end for f in window.freezes)
    return wall.weekday() in window.days and start <= minute < end and not frozen


def brute_force_next(window: Window, moment: datetime) -> datetime | None:
    probe = moment
    while probe - moment <= SCAN_LIMIT:
        if brute_force_contains(window, probe):
            return probe
        probe += timedelta(minutes=1)
    return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_membership_agrees_with_the_definition(case: tuple[Window, datetime]) -> None:
    window, moment = case
    assert window.contains(moment) == brute_force_contains(window, moment)
    assert (window.why_outside(moment) is None) == window.contains(moment)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_next_opening_agrees_with_a_minute_scan(case: tuple[Window, datetime]) -> None:
    window, moment = case
    expected = brute_force_next(window, moment)
    found = window.next_opening(moment)
    if expected is None:
        assert found is None or found - moment > SCAN_LIMIT
    else:
        assert found == expected


# Properties with recurring freezes: a rule on the wall clock, checked against its own definition.
# The reference enumerates the rule's days itself and reads each start and end as RFC 5545 does
# (zoneinfo's fold=0), so it shares only that reading with the code under test.

RECURRING_SCAN = timedelta(days=9)


@dataclass(frozen=True)
class Rule:
    weekdays: frozenset[int] | None  # None: every day
    hour: int
    minute: int
    days: int
    minutes: int

    @property
    def text(self) -> str:
        by_day = "" if self.weekdays is None else ";BYDAY=" + ",".join(
            ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[d] for d in sorted(self.weekdays))
        frequency = "DAILY" if self.weekdays is None else "WEEKLY"
        return f"FREQ={frequency}{by_day};BYHOUR={self.hour};BYMINUTE={self.minute}"

    @property
    def duration(self) -> str:
        return f"P{self.days}DT{self.minutes}M" if self.minutes else f"P{self.days}D"

    def periods(self, zone: ZoneInfo, around: datetime) -> list[tuple[datetime, datetime]]:
        found = []
        first = around.astimezone(zone).date() - timedelta(days=16)
        for offset in range(34):
            day = first + timedelta(days=offset)
            if self.weekdays is not None and day.weekday() not in self.weekdays:
                continue
            wall = datetime.combine(day, time(self.hour, self.minute))
            start = wall.replace(tzinfo=zone).astimezone(UTC)
            end = (wall + timedelta(days=self.days)).replace(tzinfo=zone).astimezone(UTC) + timedelta(
                minutes=self.minutes)
            found.append((start, end))
        return found


@st.composite
def recurring_cases(draw: st.DrawFn) -> tuple[Window, list[tuple[datetime, datetime]], datetime]:
    """A window in a zone near one of its clock changes, with a recurring freeze, and a moment near it."""
    zone_name, anchor = draw(st.sampled_from(CLOCK_CHANGES))
    zone = ZoneInfo(zone_name)
    first, second = draw(minutes_of_day), draw(minutes_of_day)
    if first == second:
        second = (first + 1) % (24 * 60)
    low, high = sorted((first, second))
    days = draw(st.one_of(st.just(frozenset(range(7))), st.frozensets(st.integers(0, 6), min_size=1)))
    rule = Rule(
        weekdays=draw(st.one_of(st.none(), st.frozensets(st.integers(0, 6), min_size=1))),
        hour=draw(st.one_of(st.integers(0, 23), st.integers(0, 4))),
        minute=draw(st.sampled_from([0, 15, 30, 45])),
        days=draw(st.integers(0, 1)),
        minutes=draw(st.integers(0, 20 * 60)),
    )
    assume(rule.days or rule.minutes)
    source = RecurringFreeze(parse_recurrence(rule.text, zone), parse_duration(rule.duration), zone, "rule")
    window = Window(start=time(low // 60, low % 60), end=time(high // 60, high % 60), zone=zone, days=days,
                    freezes=(source,))
    moment = anchor + timedelta(minutes=draw(st.integers(-2 * 24 * 60, 2 * 24 * 60)))
    return window, sorted(rule.periods(zone, anchor)), moment


def reference_contains(window: Window, periods: list[tuple[datetime, datetime]], moment: datetime) -> bool:
    wall = moment.astimezone(window.zone)
    minute = wall.hour * 60 + wall.minute
    on_the_clock = wall.weekday() in window.days and (
        window.start.hour * 60 + window.start.minute <= minute < window.end.hour * 60 + window.end.minute)
    return on_the_clock and not any(start <= moment < end for start, end in periods)


def reference_scan(window: Window, periods: list[tuple[datetime, datetime]], moment: datetime,
                   inside: bool) -> datetime | None:
    """The first whole minute from `moment` whose membership is `inside`."""
    probe = moment
    while probe - moment <= RECURRING_SCAN:
        if reference_contains(window, periods, probe) is inside:
            return probe
        probe += timedelta(minutes=1)
    return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=recurring_cases())
def test_recurring_freezes_membership_agrees_with_their_definition(
    case: tuple[Window, list[tuple[datetime, datetime]], datetime],
) -> None:
    window, periods, moment = case
    assert window.contains(moment) == reference_contains(window, periods, moment)
    assert (window.why_outside(moment) is None) == window.contains(moment)
    frozen = window.freeze_at(moment)
    assert (frozen is not None) == any(start <= moment < end for start, end in periods)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=recurring_cases())
def test_recurring_freezes_next_opening_and_closing_agree_with_a_minute_scan(
    case: tuple[Window, list[tuple[datetime, datetime]], datetime],
) -> None:
    window, periods, moment = case
    opening = window.next_opening(moment)
    expected = reference_scan(window, periods, moment, inside=True)
    if expected is None:
        assert opening is None or opening - moment > RECURRING_SCAN
    else:
        assert opening == expected
        assert window.next_closing(opening) == reference_scan(window, periods, opening, inside=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=recurring_cases())
def test_openings_are_exactly_the_runs_of_inside_minutes(
    case: tuple[Window, list[tuple[datetime, datetime]], datetime],
) -> None:
    window, periods, moment = case
    end = moment + timedelta(days=3)
    runs: list[tuple[datetime, datetime]] = []
    probe = moment - timedelta(days=2)
    previous = False
    while probe < end + timedelta(days=2):
        inside = reference_contains(window, periods, probe)
        if inside and not previous:
            runs.append((probe, probe))
        if not inside and previous:
            runs[-1] = (runs[-1][0], probe)
        previous = inside
        probe += timedelta(minutes=1)
    expected = [(start, stop) for start, stop in runs if stop > moment and start < end and stop != start]
    assert [(o.start, o.end) for o in window.openings(moment, end)] == expected
