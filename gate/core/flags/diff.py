"""The semantic diff of a flag file, base -> head: what the change turns on, and when.

Three kinds of activation, one (the strongest) per flag and moment:

- `enabled`: the flag goes from off to on, or a new flag arrives on and serving something new;
- `default-changed`: the variant everyone gets by default changes (for a boolean flag, only a
  change *to* `true` counts: a change to `false` turns the feature off);
- `rollout-raised`: some place that splits traffic gives a larger share to a variant that exposes
  something new: a non-default variant, or the `true` side of a boolean flag.

Everything else (turning off, lowering a share, reformatting, reordering, renaming, metadata) is
not an activation. Changes the file schedules are judged at their own time, each on its own, and
only when the change adds or edits them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from gate.core.flags.model import FLAGD, FLIPT, FlagFile, FlagState
from gate.core.models import ActivationKind, FlagFormat

ENABLED = ActivationKind.ENABLED
ROLLOUT_RAISED = ActivationKind.ROLLOUT_RAISED
DEFAULT_CHANGED = ActivationKind.DEFAULT_CHANGED

_SWITCH = {FLAGD: "state DISABLED \u2192 ENABLED", FLIPT: "enabled: false \u2192 true"}
_GOFF_SWITCH = "disable: true \u2192 false"


@dataclass(frozen=True, slots=True)
class FlagChange:
    flag: str
    format: FlagFormat
    line: int | None
    change: ActivationKind
    detail: str  # how, in words: "state DISABLED -> ENABLED"
    at: datetime | None = None  # None: when the change lands; else the time the file schedules
    scheduled: str = ""  # what schedules it, e.g. "scheduled rollout step"


def activations(base: FlagFile | None, head: FlagFile) -> Iterator[FlagChange]:
    """Every activation in `head` relative to `base` (None: the file is new)."""
    for key, after in head.flags.items():
        before = base.flags.get(key) if base is not None else None
        found = compare(before, after)
        if found is not None:
            yield FlagChange(key, after.format, after.line, *found)
        yield from _scheduled(before, after)


def _scheduled(before: FlagState | None, after: FlagState) -> Iterator[FlagChange]:
    known = {step.identity for step in before.steps} if before is not None else set()
    previous = after
    for step in sorted(after.steps, key=lambda s: s.at):
        # Scheduled steps build on each other; a progressive rollout starts from the flag as it is.
        origin = previous if step.what.startswith("scheduled") else after
        if step.identity not in known:
            found = compare(origin, step.state)
            if found is not None:
                yield FlagChange(after.key, after.format, step.line, *found, at=step.at, scheduled=step.what)
        if step.what.startswith("scheduled"):
            previous = step.state


def compare(before: FlagState | None, after: FlagState) -> tuple[ActivationKind, str] | None:
    """The activation from one state of a flag to the next: (change, detail), or None."""
    if not after.live:
        return None
    if before is None:
        exposure = _exposure(after)
        return (ENABLED, f"new flag, on: {exposure}") if exposure else None
    if after.enabled and not before.enabled:
        return ENABLED, _SWITCH.get(after.format, _GOFF_SWITCH)
    if after.enabled and after.default is not None and after.default != before.default and _default_counts(after):
        old = repr(before.default) if before.default is not None else "none"
        return DEFAULT_CHANGED, f"default variant {old} \u2192 {after.default!r}"
    raised = _raised(before, after)
    return (ROLLOUT_RAISED, raised) if raised else None


def _default_counts(state: FlagState) -> bool:
    return not state.boolean or state.variants.get(state.default or "") is True


def _treatment(variant: str, before: FlagState | None, after: FlagState) -> bool:
    return after.is_treatment(variant) and (before is None or before.is_treatment(variant))


def _raised(before: FlagState, after: FlagState) -> str | None:
    earlier = {r.where: r.shares for r in before.rollouts} if before.live else {}
    for rollout in after.rollouts:
        shares_before = earlier.get(rollout.where, {})
        for variant, share in rollout.shares.items():
            old = shares_before.get(variant, 0.0)
            if share > old + 1e-9 and _treatment(variant, before, after):
                return f"{variant!r} {_pct(old)} \u2192 {_pct(share)} at {rollout.where}"
    return None


def _exposure(state: FlagState) -> str | None:
    """What a new flag serves beyond the baseline, in words; None when nothing."""
    if state.enabled and state.default is not None and _default_counts(state):
        return f"default variant {state.default!r}"
    for rollout in state.rollouts:
        for variant, share in rollout.shares.items():
            if share > 0 and state.is_treatment(variant):
                return f"{variant!r} {_pct(share)} at {rollout.where}"
    return None


def _pct(value: float) -> str:
    return f"{value:g}%"
