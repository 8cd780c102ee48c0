"""Times as gate reads and writes them: ISO 8601 with an offset in, UTC with `Z` out."""

from __future__ import annotations

from datetime import UTC, datetime

from gate.core.errors import UsageError


def parse_time(text: str, option: str = "--now") -> datetime:
    """ISO 8601 with an offset or `Z`; a time without one is ambiguous and refused (a usage error)."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: '{text}' is not an ISO 8601 time; write it like 2026-11-30T11:00:00Z") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise UsageError(f"{option}: '{text}' has no time zone; add Z for UTC or an offset such as +01:00")
    return moment


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, to the second: how gate writes every time it reports."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
