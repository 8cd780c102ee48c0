"""`gate window --format cron`: the sweep's `schedule:` lines at the window's edges, one line per case."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from gate.core.checks.golden_window import Options
from gate.core.schedule import build, renderer

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)
FRIDAY_AFTERNOONS = {"rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=12", "duration": "PT12H", "reason": "Friday afternoons"}
AUDIT = {"start": "2026-12-01T11:00:00", "end": "2026-12-01T12:00:00", "reason": "audit"}
ALWAYS = {"rrule": "FREQ=DAILY", "duration": "P1D", "reason": "all hands"}


def lines(options: dict[str, Any], days: int = 366) -> list[tuple[str, str | None]]:
    text = renderer("cron")(build(Options.of(**options).window(), MONDAY, days, "gate.yaml", "acme/shop"))
    document = yaml.safe_load(text) or {}
    return [(entry["cron"], entry.get("timezone")) for entry in document.get("schedule", [])]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param({}, [("0 10 * * 1-5", None), ("0 13 * * 1-5", None)], id="default-utc"),
        pytest.param({"timezone": "Europe/Madrid"}, [("0 10 * * 1-5", "Europe/Madrid"), ("0 13 * * 1-5", "Europe/Madrid")],
                     id="madrid-follows-dst-by-its-timezone"),
        pytest.param({"timezone": "Europe/Madrid", "freezes": (FRIDAY_AFTERNOONS,)},
                     [("0 10 * * 1-5", "Europe/Madrid"), ("0 12 * * 5", "Europe/Madrid"),
                      ("0 13 * * 1-4", "Europe/Madrid")], id="friday-afternoons-close-early"),
        pytest.param({"freezes": (AUDIT,)},
                     [("0 10 * * 1-5", None), ("0 11 * * 2", None), ("0 12 * * 2", None), ("0 13 * * 1-5", None)],
                     id="a-one-off-freeze-sweeps-its-weekday"),
        pytest.param({"days": ("monday", "wednesday", "friday")}, [("0 10 * * 1,3,5", None), ("0 13 * * 1,3,5", None)],
                     id="some-days"),
        pytest.param({"days": ("saturday", "sunday"), "start": "09:30", "end": "12:45"},
                     [("30 9 * * 0,6", None), ("45 12 * * 0,6", None)], id="weekend-minutes"),
        pytest.param({"freezes": (ALWAYS,)}, [], id="never-opens"),
    ],
)
def test_cron_lines_at_the_edges(options: dict[str, Any], expected: list[tuple[str, str | None]]) -> None:
    assert lines(options) == expected


def test_the_lines_say_what_each_edge_is_and_a_closed_window_says_so() -> None:
    text = renderer("cron")(build(Options().window(), MONDAY, 366, "gate.yaml", "acme/shop"))
    assert '  - cron: "0 10 * * 1-5"  # the window opens\n' in text
    assert '  - cron: "0 13 * * 1-5"  # the window closes\n' in text
    closed = renderer("cron")(build(Options.of(freezes=(ALWAYS,)).window(), MONDAY, 30, "gate.yaml", "acme/shop"))
    assert "# The window does not open in these 30 days: no edge to sweep at." in closed
    assert "schedule:" not in closed


def test_the_example_workflow_sweeps_at_the_default_windows_edges() -> None:
    from helpers import REPO_ROOT

    workflow = yaml.safe_load((REPO_ROOT / "examples/workflows/gate.yml").read_text(encoding="utf-8"))
    printed = yaml.safe_load(renderer("cron")(build(Options().window(), MONDAY, 366, "default", "acme/shop")))
    # PyYAML reads the key `on` as YAML 1.1's true.
    assert workflow[True]["schedule"] == printed["schedule"]
