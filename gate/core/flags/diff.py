"""The semantic diff of a flag file, base -> head: what the change turns on, and when.

Three kinds of activation, one (the strongest) per flag and moment:

- `enabled`: the flag goes from off to on, or a new flag arrives, and it serves something beyond
  its baseline (see `model`) to someone;
- `default-changed`: the variant everyone gets by default changes to one beyond the baseline, or
  the default variant's value changes to one beyond it (a change toward the baseline, such as
  `false` or `off`, turns the feature off);
- `rollout-raised`: some place that splits traffic gives a larger share to a variant that exposes
  something new (neither the baseline nor the default's value): a larger share, a variant whose
  value changed, or the same share behind an edited condition (gate cannot tell whether the new
  condition reaches more users, so it counts the variant as served anew).

Everything else (turning off, lowering a share, reformatting, reordering, renaming, metadata) is
not an activation. Changes the file schedules are judged at their own time, each on its own, and
only when the change adds or edits them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from gate.core.flags.model import DEFAULT_BASELINE, FLAGD, FLIPT, Baseline, FlagFile, FlagState
from gate.core.models import ActivationKind, FlagFormat

ENABLED = ActivationKind.ENABLED
ROLLOUT_RAISED = ActivationKind.ROLLOUT_RAISED
DEFAULT_CHANGED = ActivationKind.DEFAULT_CHANGED

_ABSENT = object()
_SWITCH = {FLAGD: "state DISABLED \u2192 ENABLED", FLIPT: "enabled: false \u2192 true"}
_GOFF_SWITCH = "disable: true \u2192 false"


@dataclass(frozen=True, slots=True)
class FlagChange:
    """One activation found by the diff: which flag, how it turns on, and when."""

    flag: str
    format: FlagFormat
    line: int | None
    change: ActivationKind
    detail: str  # how, in words: "state DISABLED -> ENABLED"
    at: datetime | None = None  # None: when the change lands; else the time the file schedules
    scheduled: str = ""  # what schedules it, e.g. "scheduled rollout step"


def activations(
    base: FlagFile | None, head: FlagFile, baseline: Baseline = DEFAULT_BASELINE
) -> Iterator[FlagChange]:
    """Every activation in `head` relative to `base` (None: the file is new)."""
    for key, after in head.flags.items():
        before = base.flags.get(key) if base is not None else None
        found = compare(before, after, baseline)
        if found is not None:
            yield FlagChange(key, after.format, after.line, *found)
        yield from _scheduled(before, after, baseline)


def _scheduled(before: FlagState | None, after: FlagState, baseline: Baseline) -> Iterator[FlagChange]:
    known = {step.identity for step in before.steps} if before is not None else set()
    previous = after
    for step in sorted(after.steps, key=lambda s: s.at):
        # Scheduled steps build on each other; a progressive rollout starts from the flag as it is.
        origin = previous if step.what.startswith("scheduled") else after
        if step.identity not in known:
            found = compare(origin, step.state, baseline)
            if found is not None:
                yield FlagChange(after.key, after.format, step.line, *found, at=step.at, scheduled=step.what)
        if step.what.startswith("scheduled"):
            previous = step.state


def compare(
    before: FlagState | None, after: FlagState, baseline: Baseline = DEFAULT_BASELINE
) -> tuple[ActivationKind, str] | None:
    """The activation from one state of a flag to the next: (change, detail), or None."""
    if not after.live:
        return None
    if before is None:
        exposure = _exposure(after, baseline)
        return (ENABLED, f"new flag, on: {exposure}") if exposure else None
    if after.enabled and not before.enabled:
        # Switched on, it still activates nothing when all it serves is its baseline.
        exposure = _exposure(after, baseline)
        return (ENABLED, _SWITCH.get(after.format, _GOFF_SWITCH)) if exposure else None
    if after.enabled and after.default is not None and not after.is_baseline(after.default, baseline):
        if after.default != before.default and not _same_value(before, before.default, after, after.default):
            old = repr(before.default) if before.default is not None else "none"
            return DEFAULT_CHANGED, f"default variant {old} \u2192 {after.default!r}"
        if after.value_changed(before, after.default):
            value = after.variants[after.default]
            return DEFAULT_CHANGED, (
                f"default variant {after.default!r} now serves {value!r} (was {before.variants[after.default]!r})"
            )
    raised = _raised(before, after, baseline)
    return (ROLLOUT_RAISED, raised) if raised else None


def _raised(before: FlagState, after: FlagState, baseline: Baseline) -> str | None:
    earlier = {r.where: r for r in before.rollouts} if before.live else {}
    # A rule renamed or moved still reaches the users its condition selects.
    by_condition = {r.who: r for r in reversed(before.rollouts) if r.who} if before.live else {}
    for rollout in after.rollouts:
        old_rollout = earlier.get(rollout.where)
        if old_rollout is None and rollout.who:
            old_rollout = by_condition.get(rollout.who)
        regrouped = old_rollout is not None and old_rollout.who != rollout.who
        shares_before = old_rollout.shares if old_rollout is not None and not regrouped else {}
        for variant, share in rollout.shares.items():
            revalued = after.value_changed(before, variant)
            old = 0.0 if revalued else _old_share(before, after, variant, shares_before)
            if share <= old + 1e-9 or not after.is_treatment(variant, baseline):
                continue
            # A variant the old state served everyone as its default is not new to them, unless
            # what it serves changed.
            if not revalued and not before.is_treatment(variant, baseline):
                continue
            detail = f"{variant!r} {_pct(old)} \u2192 {_pct(share)} at {rollout.where}"
            if revalued:
                detail += f" (its value changed to {after.variants[variant]!r})"
            elif regrouped:
                detail += " (its condition changed, so it reaches other users)"
            return detail
    return None


def _same_value(before: FlagState, old: str | None, after: FlagState, new: str) -> bool:
    """Whether two variants, of the flag before and after, serve the same known value (a rename)."""
    if old is None or not (before.valued and after.valued):
        return False
    return old in before.variants and new in after.variants and bool(before.variants[old] == after.variants[new])


def _old_share(before: FlagState, after: FlagState, variant: str, shares_before: Mapping[str, float]) -> float:
    """The share the variant had; a variant renamed (a new name, a value served before) keeps the
    share of the old names that served that value."""
    if variant in before.variants or not (before.valued and after.valued) or variant not in after.variants:
        return shares_before.get(variant, 0.0)
    value = after.variants[variant]
    renamed = (share for name, share in shares_before.items() if before.variants.get(name, _ABSENT) == value)
    return sum(renamed)


def _exposure(state: FlagState, baseline: Baseline) -> str | None:
    """What a flag serves beyond its baseline, in words; None when nothing."""
    if state.enabled and state.default is not None and not state.is_baseline(state.default, baseline):
        return f"default variant {state.default!r}"
    for rollout in state.rollouts:
        for variant, share in rollout.shares.items():
            if share > 0 and state.is_treatment(variant, baseline):
                return f"{variant!r} {_pct(share)} at {rollout.where}"
    return None


def _pct(value: float) -> str:
    return f"{value:g}%"
