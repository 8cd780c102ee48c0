"""Freezes a team writes once: public holidays and recurring rules, in the policy and in the window."""

from __future__ import annotations

import time as clock
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers import make_context

from gate.core.checks.golden_window import Options, check
from gate.core.errors import PolicyError
from gate.core.freezes import parse_duration, parse_recurrence
from gate.core.models import Activation, Finding
from gate.core.policy import parse_policy
from gate.core.window import describe_state, until_text

DATA = Path(__file__).parent / "data" / "flags"
OFF, ON = (DATA / "flagd-disabled.flagd.json").read_text(), (DATA / "flagd-enabled.flagd.json").read_text()
MADRID_FRIDAY_AFTERNOONS = {"rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15", "duration": "PT9H", "reason": "Friday afternoons"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def judge(now: str, options: Options) -> tuple[list[Activation], list[Finding]]:
    context = make_context(head={"flags/checkout.json": ON}, base={"flags/checkout.json": OFF}, now=at(now))
    results = list(check(context, options))
    return [r for r in results if isinstance(r, Activation)], [r for r in results if isinstance(r, Finding)]


# -- public holidays -----------------------------------------------------------------------------------


def test_an_activation_on_a_spanish_national_holiday_is_blocked_and_names_it() -> None:
    (activation,), (finding,) = judge("2026-12-08T11:00:00Z", Options.of(freezes=({"holidays": "ES"},)))
    assert not activation.in_window
    assert "\u201cInmaculada Concepci\u00f3n (ES public holiday)\u201d" in finding.message
    assert "The next window opens 2026-12-09T10:00:00Z." in finding.message
    assert "2026-12-09T10:00:00Z" in finding.remedy


def test_the_day_after_the_holiday_is_open() -> None:
    (activation,), findings = judge("2026-12-09T11:00:00Z", Options.of(freezes=({"holidays": "ES"},)))
    assert activation.in_window and findings == []


@pytest.mark.parametrize(
    ("freeze", "moment", "frozen_by"),
    [
        pytest.param({"holidays": "ES", "subdivision": "CT"}, "2026-06-24T11:00:00Z", "San Juan (ES-CT", id="catalan-only"),
        pytest.param({"holidays": "ES", "subdivision": "MD"}, "2026-06-24T11:00:00Z", None, id="not-in-madrid"),
        pytest.param({"holidays": "ES"}, "2026-06-24T11:00:00Z", None, id="not-national"),
        pytest.param({"holidays": "es", "subdivision": "MD"}, "2026-12-07T11:00:00Z", "(ES-MD public holiday)",
                     id="lower-case-country-madrid-substitute-day"),
        pytest.param({"holidays": "ES", "language": "en_US"}, "2026-12-08T11:00:00Z", "Immaculate Conception",
                     id="english-names"),
        pytest.param({"holidays": "ES", "reason": "Madrid office closed"}, "2026-12-08T11:00:00Z",
                     "Madrid office closed: Inmaculada Concepci\u00f3n (ES public holiday)", id="reason-first"),
        pytest.param({"holidays": "US"}, "2026-11-26T16:00:00Z", "Thanksgiving", id="us-thanksgiving"),
        pytest.param({"holidays": "DE", "subdivision": "BY"}, "2026-01-06T11:00:00Z", "Heilige Drei K\u00f6nige",
                     id="bavaria-in-german"),
    ],
)
def test_holidays_of_a_country_and_region(freeze: dict[str, str], moment: str, frozen_by: str | None) -> None:
    window = Options.of(freezes=(freeze,)).window()
    found = window.freeze_at(at(moment))
    if frozen_by is None:
        assert found is None and window.contains(at(moment))
    else:
        assert found is not None and frozen_by in found.reason and found.kind == "holidays"


def test_several_countries_each_freeze_their_own_days() -> None:
    window = Options.of(freezes=({"holidays": "ES"}, {"holidays": "GB", "subdivision": "ENG"})).window()
    assert not window.contains(at("2026-12-08T11:00:00Z"))  # Spain only
    assert not window.contains(at("2026-08-31T11:00:00Z"))  # England's summer bank holiday only
    assert window.contains(at("2026-12-09T11:00:00Z"))


def test_a_holiday_is_a_whole_day_on_the_windows_clock() -> None:
    window = Options.of(timezone="Europe/Madrid", freezes=({"holidays": "ES"},)).window()
    (freeze,) = window.freezes_between(at("2026-12-08T12:00:00Z"), at("2026-12-08T12:00:01Z"))
    assert (freeze.start, freeze.end) == (at("2026-12-07T23:00:00Z"), at("2026-12-08T23:00:00Z"))
    assert window.next_opening(at("2026-12-08T10:00:00Z")) == at("2026-12-09T09:00:00Z")


def test_holiday_names_do_not_follow_the_machines_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    from gate.core.freezes import holiday_dates

    holiday_dates.cache_clear()
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    window = Options.of(freezes=({"holidays": "ES"},)).window()
    found = window.freeze_at(at("2026-12-08T11:00:00Z"))
    assert found is not None and found.reason.startswith("Inmaculada Concepci\u00f3n")


# -- recurring freezes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        # Summer time (CEST, UTC+2): 15:00 local is 13:00 UTC; the window is 08:00-11:00 UTC.
        pytest.param("2026-07-03T09:00:00Z", True, id="summer-friday-11-local-open"),
        pytest.param("2026-07-03T12:59:00Z", True, id="summer-friday-14.59-local-not-yet"),
        pytest.param("2026-07-03T13:00:00Z", False, id="summer-friday-15-local-frozen"),
        pytest.param("2026-07-03T21:59:00Z", False, id="summer-friday-23.59-local-frozen"),
        pytest.param("2026-07-06T08:00:00Z", True, id="summer-monday-open"),
        # Winter time (CET, UTC+1): 15:00 local is 14:00 UTC.
        pytest.param("2026-12-04T10:00:00Z", True, id="winter-friday-11-local-open"),
        pytest.param("2026-12-04T14:00:00Z", False, id="winter-friday-15-local-frozen"),
        pytest.param("2026-12-04T22:59:00Z", False, id="winter-friday-23.59-local-frozen"),
    ],
)
def test_weekly_friday_afternoon_freeze_in_madrid(moment: str, inside: bool) -> None:
    options = Options.of(timezone="Europe/Madrid", start="10:00", end="16:00", freezes=(MADRID_FRIDAY_AFTERNOONS,))
    window = options.window()
    assert window.contains(at(moment)) is inside


@pytest.mark.parametrize(
    ("day", "utc_start", "utc_end"),
    [
        pytest.param("2026-07-03", "2026-07-03T13:00:00Z", "2026-07-03T22:00:00Z", id="summer"),
        pytest.param("2026-12-04", "2026-12-04T14:00:00Z", "2026-12-04T23:00:00Z", id="winter"),
        pytest.param("2026-03-27", "2026-03-27T14:00:00Z", "2026-03-27T23:00:00Z", id="friday-before-spring-forward"),
        pytest.param("2026-10-30", "2026-10-30T14:00:00Z", "2026-10-30T23:00:00Z", id="friday-after-fall-back"),
        pytest.param("2026-10-23", "2026-10-23T13:00:00Z", "2026-10-23T22:00:00Z", id="friday-before-fall-back"),
    ],
)
def test_friday_afternoons_stay_15_to_24_local_across_dst(day: str, utc_start: str, utc_end: str) -> None:
    window = Options.of(timezone="Europe/Madrid", freezes=(MADRID_FRIDAY_AFTERNOONS,)).window()
    (freeze,) = window.freezes_between(at(f"{day}T00:00:00Z"), at(f"{day}T23:59:00Z"))
    assert (freeze.start, freeze.end, freeze.reason, freeze.kind) == (
        at(utc_start), at(utc_end), "Friday afternoons", "rrule")


def test_a_friday_afternoon_finding_names_the_freeze_and_opens_monday() -> None:
    options = Options.of(timezone="Europe/Madrid", start="10:00", end="16:00", freezes=(MADRID_FRIDAY_AFTERNOONS,))
    _, (finding,) = judge("2026-07-03T13:30:00Z", options)
    assert "\u201cFriday afternoons\u201d (2026-07-03T13:00:00Z to 2026-07-03T22:00:00Z)" in finding.message
    assert "next window opens 2026-07-06T08:00:00Z (Monday 10:00 Europe/Madrid)" in finding.message


def test_year_end_freeze_every_year_without_retyping() -> None:
    freeze = {"rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", "duration": "P15D", "reason": "year-end freeze"}
    window = Options.of(freezes=(freeze,)).window()
    for year in (2026, 2027, 2031):
        assert not window.contains(at(f"{year}-12-21T11:00:00Z"))
        assert not window.contains(at(f"{year + 1}-01-02T11:00:00Z"))
        # Dec 20 + 15 days is Jan 4 at midnight: the first window day from then.
        opening = window.next_opening(at(f"{year}-12-22T11:00:00Z"))
        assert opening is not None and opening.date() >= datetime(year + 1, 1, 4).date()
        assert opening - at(f"{year + 1}-01-04T00:00:00Z") < timedelta(days=3)


@pytest.mark.parametrize(
    ("freeze", "moment", "frozen"),
    [
        pytest.param({"rrule": "DTSTART:20260105T000000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "duration": "P1D"},
                     "2026-01-19T11:00:00Z", True, id="every-other-monday-on"),
        pytest.param({"rrule": "DTSTART:20260105T000000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "duration": "P1D"},
                     "2026-01-12T11:00:00Z", False, id="every-other-monday-off"),
        pytest.param({"rrule": "FREQ=MONTHLY;BYDAY=-1FR", "duration": "P1D"}, "2026-11-27T11:00:00Z", True,
                     id="last-friday-of-the-month"),
        pytest.param({"rrule": "FREQ=MONTHLY;BYDAY=-1FR", "duration": "P1D"}, "2026-11-20T11:00:00Z", False,
                     id="not-the-last-friday"),
        pytest.param({"rrule": "FREQ=WEEKLY;BYDAY=WE;UNTIL=20261231T235959Z", "duration": "P1D"},
                     "2026-12-30T11:00:00Z", True, id="until-in-utc-before"),
        pytest.param({"rrule": "FREQ=WEEKLY;BYDAY=WE;UNTIL=20261231T235959Z", "duration": "P1D"},
                     "2027-01-06T11:00:00Z", False, id="until-in-utc-after"),
        pytest.param({"rrule": "DTSTART:20261201\nRRULE:FREQ=DAILY;COUNT=3", "duration": "P1D"},
                     "2026-12-03T11:00:00Z", True, id="count-last"),
        pytest.param({"rrule": "DTSTART:20261201\nRRULE:FREQ=DAILY;COUNT=3", "duration": "P1D"},
                     "2026-12-04T11:00:00Z", False, id="count-over"),
        pytest.param({"rrule": "RRULE:FREQ=DAILY;BYHOUR=11;BYMINUTE=30", "duration": "PT30M"},
                     "2026-12-01T11:45:00Z", True, id="daily-half-hour"),
        pytest.param({"rrule": "FREQ=DAILY;BYHOUR=11;BYMINUTE=30", "duration": "PT30M"},
                     "2026-12-01T12:00:00Z", False, id="daily-half-hour-ends"),
        pytest.param({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "duration": "P1D"},
                     "2028-02-29T11:00:00Z", True, id="leap-day"),
    ],
)
def test_recurrence_rules(freeze: dict[str, str], moment: str, frozen: bool) -> None:
    window = Options.of(freezes=({**freeze, "reason": "rule"},)).window()
    assert (window.freeze_at(at(moment)) is not None) is frozen


@pytest.mark.parametrize(
    ("freeze", "day", "utc_start", "utc_end"),
    [
        # A day is a calendar day: P1D from Saturday 12:00 to Sunday 12:00 local is 23 h in March...
        pytest.param({"rrule": "FREQ=WEEKLY;BYDAY=SA;BYHOUR=12", "duration": "P1D"}, "2026-03-28",
                     "2026-03-28T11:00:00Z", "2026-03-29T10:00:00Z", id="P1D-spring-23h"),
        # ... and 25 h in October; PT24H is exact.
        pytest.param({"rrule": "FREQ=WEEKLY;BYDAY=SA;BYHOUR=12", "duration": "P1D"}, "2026-10-24",
                     "2026-10-24T10:00:00Z", "2026-10-25T11:00:00Z", id="P1D-autumn-25h"),
        pytest.param({"rrule": "FREQ=WEEKLY;BYDAY=SA;BYHOUR=12", "duration": "PT24H"}, "2026-10-24",
                     "2026-10-24T10:00:00Z", "2026-10-25T10:00:00Z", id="PT24H-exact"),
        # A start the spring-forward skips is read with the offset before the change (RFC 5545).
        pytest.param({"rrule": "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30", "duration": "PT1H"}, "2026-03-29",
                     "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z", id="start-in-the-gap"),
        # A start the fall-back repeats is its first occurrence.
        pytest.param({"rrule": "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30", "duration": "PT1H"}, "2026-10-25",
                     "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", id="start-in-the-fold"),
        pytest.param({"rrule": "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=31", "duration": "P1M"}, "2027-01-31",
                     "2027-01-30T23:00:00Z", "2027-02-27T23:00:00Z", id="P1M-clamps-to-february"),
    ],
)
def test_durations_on_the_wall_clock(freeze: dict[str, str], day: str, utc_start: str, utc_end: str) -> None:
    window = Options.of(timezone="Europe/Madrid", freezes=({**freeze, "reason": "x"},)).window()
    found = [f for f in window.freezes_between(at(f"{day}T00:00:00Z"), at(f"{day}T23:59:00Z"))
             if f.start.date() <= at(f"{day}T00:00:00Z").date() + timedelta(days=1)]
    assert [(f.start, f.end) for f in found][:1] == [(at(utc_start), at(utc_end))]


def test_a_rule_that_freezes_forever_is_bounded_and_reported() -> None:
    options = Options.of(freezes=({"rrule": "FREQ=DAILY", "duration": "P1D", "reason": "always"},))
    started = clock.monotonic()
    (activation,), (finding,) = judge("2026-11-30T11:00:00Z", options)
    elapsed = clock.monotonic() - started
    assert not activation.in_window
    assert "\u201calways\u201d" in finding.message
    assert "does not open again as far as gate looks (3 years)" in finding.message
    assert elapsed < 30, f"a window that never opens took {elapsed:.1f} s to give up"  # a hang guard, not a benchmark


def test_lazily_generated_freezes_reach_far_ahead() -> None:
    freeze = {"rrule": "FREQ=DAILY", "duration": "P1D", "reason": "frozen until 2029"}
    rule = {**freeze, "rrule": "FREQ=DAILY;UNTIL=20290301T000000Z"}
    window = Options.of(freezes=(rule,)).window()
    assert window.next_opening(at("2026-11-30T11:00:00Z")) == at("2029-03-02T10:00:00Z")


# -- the window's state, as a status says it ---------------------------------------------------------


@pytest.mark.parametrize(
    ("timezone", "freezes", "moment", "text"),
    [
        pytest.param("UTC", (), "2026-11-30T11:00:00Z", "open until 13:00 UTC", id="open"),
        pytest.param("Europe/Madrid", (), "2026-11-30T10:00:00Z", "open until 12:00 UTC (13:00 Europe/Madrid)",
                     id="open-madrid"),
        pytest.param("UTC", (), "2026-11-30T04:00:00Z", "closed: outside 10:00\u201313:00 UTC; opens 10:00 UTC, in 6 h",
                     id="early"),
        pytest.param("Europe/Madrid", (), "2026-11-28T10:00:00Z",
                     "closed: Saturday, not a window day; opens Mon 09:00 UTC (10:00 Europe/Madrid), in 1 d 23 h",
                     id="weekend-madrid"),
        pytest.param("UTC", ({"holidays": "ES"},), "2026-12-08T09:30:00Z",
                     "closed: freeze \u201cInmaculada Concepci\u00f3n (ES public holiday)\u201d; opens Wed 10:00 UTC, "
                     "in 1 d", id="holiday"),
        pytest.param("UTC", ({"rrule": "FREQ=DAILY", "duration": "P1D", "reason": "always"},),
                     "2026-11-30T11:00:00Z", "closed: freeze \u201calways\u201d; does not open within 3 years",
                     id="never"),
        pytest.param("UTC", ({"start": "2026-11-30T00:00:00Z", "end": "2026-12-10T00:00:00Z", "reason": "sale"},),
                     "2026-11-30T11:00:00Z", "closed: freeze \u201csale\u201d; opens Thu 10 Dec 10:00 UTC, in 9 d 23 h",
                     id="far-opening-has-a-date"),
    ],
)
def test_describe_state(timezone: str, freezes: tuple[dict[str, str], ...], moment: str, text: str) -> None:
    window = Options.of(timezone=timezone, freezes=freezes).window()
    assert describe_state(window, window.state(at(moment))) == text


def test_state_closes_where_a_freeze_starts() -> None:
    options = Options.of(timezone="Europe/Madrid", start="10:00", end="16:00", freezes=(MADRID_FRIDAY_AFTERNOONS,))
    state = options.window().state(at("2026-07-03T10:00:00Z"))
    assert state.is_open and state.closes == at("2026-07-03T13:00:00Z")


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "in 0 min"), (0.5, "in 1 min"), (59, "in 59 min"), (60, "in 1 h"), (390, "in 6 h 30 min"),
     (24 * 60, "in 1 d"), (27 * 60 + 5, "in 1 d 3 h")],
)
def test_until_text(minutes: float, text: str) -> None:
    now = at("2026-11-30T11:00:00Z")
    assert until_text(now, now + timedelta(minutes=minutes)) == text


# -- the policy: every mistake is one line naming the key and its line --------------------------------


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param("{holidays: XX}", "freezes.0.holidays (line 6): 'XX' is not a country the holidays package knows",
                     id="unknown-country"),
        pytest.param("{holidays: ES, subdivision: ZZ}", "freezes.0.subdivision (line 6): 'ZZ' is not a subdivision of "
                     "ES (known: AN, AR", id="unknown-subdivision"),
        pytest.param("{holidays: ES, language: fr}", "freezes.0.language (line 6): the holidays of ES are not named in "
                     "'fr'", id="unknown-language"),
        pytest.param("{holidays: ES, region: MD}", "freezes.0.region (line 6): unknown key (known: holidays, "
                     "subdivision, language, reason)", id="unknown-holiday-key"),
        pytest.param("{holidays: ES, rrule: FREQ=DAILY}", "freezes.0 (line 6): a freeze is one of {start, end, reason}",
                     id="mixed-kinds"),
        pytest.param("{holidays: ES, start: 2026-12-01}", "freezes.0 (line 6): a freeze is one of", id="mixed-period"),
        pytest.param("christmas", "freezes.0 (line 6): a freeze is one of", id="not-a-mapping"),
        pytest.param("{rrule: 'FREQ=SOMETIMES', duration: P1D, reason: x}", "freezes.0.rrule (line 6): FREQ=SOMETIMES: "
                     "a freeze recurs DAILY, WEEKLY, MONTHLY or YEARLY", id="bad-frequency"),
        pytest.param("{rrule: 'FREQ=MINUTELY', duration: P1D, reason: x}", "freezes.0.rrule (line 6): FREQ=MINUTELY",
                     id="too-fine"),
        pytest.param("{rrule: 'BYDAY=FR', duration: P1D, reason: x}", "freezes.0.rrule (line 6): the rule has no FREQ",
                     id="no-frequency"),
        pytest.param("{rrule: 'FREQ=WEEKLY;BYDAY=XX', duration: P1D, reason: x}", "freezes.0.rrule (line 6): not an "
                     "RFC 5545 recurrence rule: invalid 'BYDAY': XX", id="bad-day"),
        pytest.param("{rrule: 'FREQ=WEEKLY;BYDAY=FR;FOO=1', duration: P1D, reason: x}", "freezes.0.rrule (line 6): not "
                     "an RFC 5545 recurrence rule: unknown parameter 'FOO'", id="unknown-part"),
        pytest.param("{rrule: 'FREQ=WEEKLY;BYDAY', duration: P1D, reason: x}", "freezes.0.rrule (line 6): 'BYDAY' is "
                     "not NAME=VALUE", id="no-value"),
        pytest.param("{rrule: 'FREQ=WEEKLY', duration: P1D, reason: x}", "freezes.0.rrule (line 6): FREQ=WEEKLY "
                     "without a DTSTART must say which days (e.g. BYDAY=FR)", id="weekly-without-days"),
        pytest.param("{rrule: 'FREQ=YEARLY;BYMONTH=12', duration: P1D, reason: x}", "freezes.0.rrule (line 6): "
                     "FREQ=YEARLY without a DTSTART must say which days", id="yearly-without-days"),
        pytest.param("{rrule: 'FREQ=DAILY;INTERVAL=2', duration: P1D, reason: x}", "freezes.0.rrule (line 6): INTERVAL "
                     "counts from the rule's start: add a DTSTART", id="interval-without-start"),
        pytest.param("{rrule: 'FREQ=DAILY;COUNT=3', duration: P1D, reason: x}", "freezes.0.rrule (line 6): COUNT counts "
                     "from the rule's start", id="count-without-start"),
        pytest.param("{rrule: 'FREQ=DAILY;COUNT=3;UNTIL=20270101', duration: P1D, reason: x}", "freezes.0.rrule "
                     "(line 6): COUNT and UNTIL cannot both end a rule", id="count-and-until"),
        pytest.param("{rrule: \"DTSTART;TZID=Europe/Madrid:20261204T150000\\nRRULE:FREQ=WEEKLY\", duration: P1D, "
                     "reason: x}", "freezes.0.rrule (line 6): 'DTSTART;TZID=Europe/Madrid:20261204T150000': write "
                     "DTSTART on the window's clock", id="dtstart-with-zone"),
        pytest.param("{rrule: \"EXDATE:20261204\\nRRULE:FREQ=DAILY\", duration: P1D, reason: x}", "freezes.0.rrule "
                     "(line 6): 'EXDATE:20261204': a freeze's rule is one RRULE", id="exdate"),
        pytest.param("{rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', duration: P1D, reason: x}", "freezes.0.rrule "
                     "(line 6): the rule never happens", id="never-happens-yearly"),
        pytest.param("{rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31', duration: P1D, reason: x}", "freezes.0.rrule "
                     "(line 6): the rule never happens", id="never-happens-daily"),
        pytest.param("{rrule: \"DTSTART:20010101\\nRRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29\", "
                     "duration: P1D, reason: x}", "freezes.0.rrule (line 6): the rule never happens",
                     id="never-happens-every-fourth-odd-year"),
        pytest.param("{rrule: \"DTSTART:20270101\\nRRULE:FREQ=DAILY;UNTIL=20260101\", duration: P1D, reason: x}",
                     "freezes.0.rrule (line 6): the rule never happens: no date matches it before its UNTIL",
                     id="until-before-start"),
        pytest.param("{rrule: 'FREQ=YEARLY;BYEASTER=0', duration: P1D, reason: x}", "freezes.0.rrule (line 6): "
                     "BYEASTER is not RFC 5545", id="byeaster"),
        pytest.param("{rrule: 'FREQ=DAILY;UNTIL=20261301', duration: P1D, reason: x}", "freezes.0.rrule (line 6): "
                     "'20261301' is not a date", id="bad-until"),
        pytest.param("{rrule: 'FREQ=DAILY', duration: 15D, reason: x}", "freezes.0.duration (line 6): '15D' is not an "
                     "ISO 8601 duration", id="duration-without-P"),
        pytest.param("{rrule: 'FREQ=DAILY', duration: PT1.5H, reason: x}", "freezes.0.duration (line 6): 'PT1.5H' is "
                     "not an ISO 8601 duration in whole units", id="fractional-duration"),
        pytest.param("{rrule: 'FREQ=DAILY', duration: PT, reason: x}", "freezes.0.duration (line 6): 'PT' is not",
                     id="empty-time"),
        pytest.param("{rrule: 'FREQ=DAILY', duration: P0D, reason: x}", "freezes.0.duration (line 6): 'P0D' is a zero "
                     "duration", id="zero-duration"),
        pytest.param("{rrule: 'FREQ=DAILY', duration: -P1D, reason: x}", "freezes.0.duration (line 6): '-P1D' is not",
                     id="negative-duration"),
        pytest.param("{rrule: 'FREQ=DAILY', duration: P11Y, reason: x}", "freezes.0.duration (line 6): 'P11Y' is "
                     "longer than 10 years", id="too-long"),
        pytest.param("{rrule: 'FREQ=DAILY', duration: P1D}", "freezes.0.reason (line 6): Field required",
                     id="rule-without-reason"),
        pytest.param("{rrule: 'FREQ=DAILY', reason: x}", "freezes.0.duration (line 6): Field required",
                     id="rule-without-duration"),
    ],
)
def test_freeze_errors_name_the_key_and_line(entry: str, expected: str) -> None:
    text = f"version: 1\nchecks:\n  golden-window:\n    timezone: UTC\n    freezes:\n    - {entry}\n"
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, "p.yaml")
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"p.yaml: checks.golden-window.{expected}"), message


def test_a_block_style_freeze_error_names_the_line_of_the_key() -> None:
    text = ("version: 1\nchecks:\n  golden-window:\n    freezes:\n    - holidays: ES\n      subdivision: ZZ\n"
            "    - rrule: FREQ=DAILY\n      duration: P0D\n      reason: x\n")
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, "p.yaml")
    assert "freezes.0.subdivision (line 6)" in str(raised.value)
    assert "freezes.1.duration (line 8)" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("P15D", (0, 0, 15, timedelta())), ("p1w", (0, 0, 7, timedelta())), ("PT9H", (0, 0, 0, timedelta(hours=9))),
        ("P1DT12H30M", (0, 0, 1, timedelta(hours=12, minutes=30))), ("P1Y2M", (1, 2, 0, timedelta())),
    ],
)
def test_durations(text: str, parts: tuple[int, int, int, timedelta]) -> None:
    duration = parse_duration(text)
    assert (duration.years, duration.months, duration.days, duration.exact) == parts


def test_a_rule_without_dtstart_starts_at_local_midnight() -> None:
    recurrence = parse_recurrence("FREQ=WEEKLY;BYDAY=FR")
    assert recurrence.dtstart is None
    rule = recurrence.rule(datetime(2026, 11, 30))
    assert rule.after(datetime(2026, 11, 30)) == datetime(2026, 12, 4, 0, 0)
