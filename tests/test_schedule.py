"""`gate window`'s outputs for fixed schedules: text, JSON and iCalendar, compared with golden files.

After an intended change, regenerate with `GATE_UPDATE_GOLDEN=1 python -m pytest tests/test_schedule.py`
and review the diff of tests/golden/window/.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from gate.core.checks.golden_window import Options
from gate.core.schedule import Schedule, build, renderer

GOLDEN = Path(__file__).resolve().parent / "golden" / "window"
UPDATE = os.environ.get("GATE_UPDATE_GOLDEN") == "1"
SUFFIXES = {"text": "txt", "json": "json", "ics": "ics", "cron": "cron.yml"}

MADRID = Options.of(
    timezone="Europe/Madrid",
    freezes=(
        {"holidays": "ES", "subdivision": "MD"},
        {"rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=12", "duration": "PT12H", "reason": "Friday afternoons"},
        {"rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", "duration": "P15D", "reason": "year-end freeze"},
        {"start": "2026-10-26T00:00:00", "end": "2026-10-27T12:00:00", "reason": "data-centre move"},
    ),
)


def schedules() -> dict[str, Schedule]:
    return {
        # Crosses the end of summer time (25 Oct), a fixed freeze, Friday afternoons, a Madrid holiday.
        "madrid-autumn": build(MADRID.window(), datetime(2026, 10, 22, 7, 0, tzinfo=UTC), 14,
                               ".github/gate.yaml at 0123456789ab", "acme/shop"),
        # Inside a holiday: the state names it; then the year-end freeze.
        "madrid-december": build(MADRID.window(), datetime(2026, 12, 8, 9, 30, tzinfo=UTC), 21,
                                 ".github/gate.yaml at 0123456789ab", "acme/shop"),
        "default-week": build(Options().window(), datetime(2026, 11, 30, 11, 0, tzinfo=UTC), 7,
                              "the bundled default policy", "acme/shop"),
        "disabled-never-opens": build(
            Options.of(freezes=({"rrule": "FREQ=DAILY", "duration": "P1D", "reason": "all hands"},)).window(),
            datetime(2026, 11, 30, 11, 0, tzinfo=UTC), 3, "gate.yaml", "acme/shop", enforced=False),
    }


@pytest.mark.parametrize("name", sorted(schedules()))
@pytest.mark.parametrize("format_name", sorted(SUFFIXES))
def test_golden(name: str, format_name: str) -> None:
    output = renderer(format_name)(schedules()[name])
    path = GOLDEN / f"{name}.{SUFFIXES[format_name]}"
    if UPDATE:
        path.write_bytes(output.encode("utf-8"))
    assert output == path.read_bytes().decode("utf-8"), f"regenerate {path.name} (see this module)"


def test_the_json_shape_is_version_1() -> None:
    document = json.loads(renderer("json")(schedules()["madrid-december"]))
    assert set(document) == {"version", "policy", "enforced", "now", "until", "window", "state", "openings", "freezes"}
    assert document["version"] == 1
    assert set(document["window"]) == {"start", "end", "timezone", "days"}
    assert set(document["state"]) == {"open", "closes", "opens", "reason", "freeze", "summary"}
    assert document["state"]["open"] is False and document["state"]["opens"] == "2026-12-09T09:00:00Z"
    assert document["state"]["freeze"] == {"start": "2026-12-07T23:00:00Z", "end": "2026-12-08T23:00:00Z",
                                           "reason": "Inmaculada Concepci\u00f3n (ES-MD public holiday)",
                                           "kind": "holidays"}
    assert {f["kind"] for f in document["freezes"]} == {"holidays", "rrule"}


def test_the_feed_is_valid_icalendar_with_stable_ids() -> None:
    first = Calendar.from_ical(renderer("ics")(schedules()["madrid-autumn"]))
    events = list(first.walk("VEVENT"))
    assert len(events) == len({str(e["UID"]) for e in events})
    for event in events:
        assert event.decoded("DTSTART").tzinfo is not None and event.decoded("DTEND") > event.decoded("DTSTART")
        assert str(event["TRANSP"]) == "TRANSPARENT" and "DTSTAMP" in event
    # A week later the feed still gives the events it shares the same ids: calendars update, not duplicate.
    later = build(MADRID.window(), datetime(2026, 10, 29, 7, 0, tzinfo=UTC), 14, "p", "acme/shop")
    again = {str(e["UID"]): e.decoded("DTSTART") for e in Calendar.from_ical(renderer("ics")(later)).walk("VEVENT")}
    shared = {str(e["UID"]): e.decoded("DTSTART") for e in events if str(e["UID"]) in again}
    assert len(shared) >= 5 and all(again[uid] == start for uid, start in shared.items())
    # Another repository's window never shares an id.
    other = build(MADRID.window(), datetime(2026, 10, 22, 7, 0, tzinfo=UTC), 14, "p", "acme/other")
    assert not {str(e["UID"]) for e in events} & {
        str(e["UID"]) for e in Calendar.from_ical(renderer("ics")(other)).walk("VEVENT")}


def test_openings_skip_the_holidays_and_the_friday_afternoons() -> None:
    schedule = schedules()["madrid-december"]
    days = [opening.start.date().isoformat() for opening in schedule.openings]
    assert "2026-12-08" not in days and days[0] == "2026-12-09"
    fridays = [o for o in schedule.openings if o.start.weekday() == 4]
    assert fridays and all(o.end.hour == 11 for o in fridays)  # 12:00 Madrid: the freeze starts


@pytest.mark.parametrize("days", [0, 367, -1])
def test_days_are_bounded(days: int) -> None:
    with pytest.raises(ValueError, match="days must be 1 to 366"):
        build(Options().window(), datetime(2026, 11, 30, tzinfo=UTC), days, "p", "s")


def shape(value: object) -> object:
    """The keys of a JSON value, recursively (lists by their first item)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return None


def test_the_readme_shows_the_window_document_as_it_is() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The window document (version 1)", 1)[1]
    shown = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    real = json.loads(renderer("json")(schedules()["madrid-december"]))
    assert shape(shown) == shape(real)
    assert shown["state"]["summary"] == real["state"]["summary"]
    assert shown["openings"][0] == real["openings"][0] and shown["freezes"][0] == real["freezes"][0]
