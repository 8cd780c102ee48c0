"""`gate window --format json`: the schedule as a stable document, version 1.

Built field by field, so internal changes cannot leak into it. Times are UTC with `Z`; the window's
own clock is given by `window.timezone`. Version 1 may gain fields; none is removed or changes meaning.
"""

from __future__ import annotations

import json
from typing import Any

from gate.core.schedule import Schedule
from gate.core.times import utc_iso
from gate.core.window import WEEKDAYS, Freeze, describe_state

VERSION = 1


def document(schedule: Schedule) -> dict[str, Any]:
    window, state = schedule.window, schedule.state
    return {
        "version": VERSION,
        "policy": schedule.policy,
        "enforced": schedule.enforced,
        "now": utc_iso(schedule.start),
        "until": utc_iso(schedule.end),
        "window": {
            "start": f"{window.start:%H:%M}",
            "end": f"{window.end:%H:%M}",
            "timezone": window.zone_name,
            "days": [WEEKDAYS[day] for day in sorted(window.days)],
        },
        "state": {
            "open": state.is_open,
            "closes": _time(state.closes),
            "opens": _time(state.opens),
            "reason": state.reason,
            "freeze": _freeze(state.freeze) if state.freeze is not None else None,
            "summary": describe_state(window, state),
        },
        "openings": [{"start": utc_iso(o.start), "end": utc_iso(o.end)} for o in schedule.openings],
        "freezes": [_freeze(f) for f in schedule.freezes],
    }


def render(schedule: Schedule) -> str:
    return json.dumps(document(schedule), indent=2, ensure_ascii=False) + "\n"


def _freeze(freeze: Freeze) -> dict[str, Any]:
    return {"start": utc_iso(freeze.start), "end": utc_iso(freeze.end), "reason": freeze.reason, "kind": freeze.kind}


def _time(moment: Any) -> str | None:
    return utc_iso(moment) if moment is not None else None
