"""Benchmarks of the golden window (run with scripts/bench.sh; in the test suite each runs once).

The pairs to compare: the next opening of a plain window and of one with holidays and recurring
freezes (should stay close: freezes are generated only around the moment asked), the next opening
of a window that never opens (the bound: 3 years scanned, then it gives up), and `gate window`'s
listing of 14 and of 366 days (should grow with the days, not more).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gate.core.checks.golden_window import Options
from gate.core.schedule import build

EVENING = datetime(2026, 12, 7, 20, tzinfo=UTC)  # the night before a Spanish holiday
PLAIN = Options.of(timezone="Europe/Madrid")
CALENDARS = Options.of(
    timezone="Europe/Madrid",
    freezes=(
        {"holidays": "ES", "subdivision": "MD"},
        {"holidays": "GB", "subdivision": "ENG"},
        {"rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=12", "duration": "PT12H", "reason": "Friday afternoons"},
        {"rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", "duration": "P15D", "reason": "year-end freeze"},
    ),
)
NEVER = Options.of(freezes=({"rrule": "FREQ=DAILY", "duration": "P1D", "reason": "always"},))


@pytest.mark.benchmark(group="next opening")
@pytest.mark.parametrize("name", ["plain", "holidays-and-rules", "never-opens"])
def test_next_opening(benchmark, name: str) -> None:  # type: ignore[no-untyped-def]
    options = {"plain": PLAIN, "holidays-and-rules": CALENDARS, "never-opens": NEVER}[name]

    def next_opening() -> datetime | None:
        return options.window().next_opening(EVENING)  # a fresh window: nothing generated before

    opening = benchmark(next_opening)
    assert (opening is None) == (name == "never-opens")


@pytest.mark.benchmark(group="gate window listing, holidays and rules")
@pytest.mark.parametrize("days", [14, 366])
def test_listing(benchmark, days: int) -> None:  # type: ignore[no-untyped-def]
    schedule = benchmark(lambda: build(CALENDARS.window(), EVENING, days, "p", "s"))
    assert schedule.openings
