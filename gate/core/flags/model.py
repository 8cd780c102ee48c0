"""One model of a flag's state, whatever file format it came from.

Each format reader turns its flags into `FlagState`s; the semantic diff compares two of them. The
model keeps only what decides who gets a variant: whether the flag is on, its default variant, the
places that split traffic (`Rollout`s) with the condition that selects who reaches each, the values
of the variants, plus the changes the file schedules for later (`Step`s). Names, descriptions,
metadata and order are left out on purpose: editing them activates nothing.

**The baseline** is what a flag serves when it exposes nothing new: `false` for a flag whose
variants are all booleans; otherwise a variant named like `off`, `disabled`, `control` or `none`
(`Baseline.names`, case-insensitive globs), or one whose value is the zero value of its type (`0`,
`""`, `false`, `null`, `{}`, `[]`). A format may name its baseline itself (GO Feature Flag's older
format: the `false` value). Serving the baseline, or turning toward it, is never an activation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from gate.core.models import FlagFormat

FLAGD = FlagFormat.FLAGD
FLIPT = FlagFormat.FLIPT
GO_FEATURE_FLAG = FlagFormat.GO_FEATURE_FLAG

BASELINE_NAMES = ("off", "disabled", "control", "none")


@dataclass(frozen=True, slots=True)
class Baseline:
    """Which variant names mean "nothing new" (case-insensitive globs, e.g. `off`, `*-off`)."""

    names: tuple[str, ...] = BASELINE_NAMES

    def named(self, variant: str) -> bool:
        lowered = variant.lower()
        return any(fnmatchcase(lowered, pattern.lower()) for pattern in self.names)


DEFAULT_BASELINE = Baseline()


def is_zero_value(value: Any) -> bool:
    """`0`, `""`, `false`, `null`, `{}` or `[]`: the zero value of its type."""
    if value is None or value is False:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str | Mapping | list | tuple):
        return len(value) == 0
    return False


class FlagFileError(ValueError):
    """A flag file gate cannot read; the message says what is wrong, `line` where when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def percentage(value: Any, what: str, line: int | None, maximum: float = 100.0) -> float:
    """A share of traffic as the flag tools accept it: a real number from 0 to `maximum`.

    NaN compares false with everything and infinity swamps every sum: either would make a raised
    rollout disappear from the diff. The tools themselves refuse them, and negative shares, so
    gate reports the file as unreadable rather than judge a number that means nothing.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FlagFileError(f"{what} is {_short(value)}, not a number", line)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or not 0 <= number <= maximum:
        raise FlagFileError(f"{what} is {_short(value)}, not a number from 0 to {maximum:g}", line)
    return number


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True, slots=True)
class Rollout:
    """One place that hands out variants: variant -> percent of the traffic reaching it.

    `who` is the condition that selects the traffic reaching it, as text ("" for everyone it is
    given): when it changes, the users reached change, and gate cannot tell whether they are more or
    fewer, so what it serves counts as served anew.
    """

    where: str
    shares: Mapping[str, float]
    who: str = ""


@dataclass(frozen=True, slots=True)
class FlagState:
    """One flag as it is: on or off, its variants, default and rollouts, and the steps it schedules."""

    key: str  # unique within the file (Flipt: "namespace/key" outside the default namespace)
    format: FlagFormat
    line: int | None
    enabled: bool
    variants: Mapping[str, Any]  # name -> value; values are None where the format has none (Flipt)
    default: str | None = None
    rollouts: tuple[Rollout, ...] = ()
    # Whether `enabled: false` silences the rollouts too. Flipt's boolean flags use `enabled` as the
    # value served when no rollout matches, so their rollouts still apply when it is false.
    gated: bool = True
    steps: tuple[Step, ...] = ()
    # Whether `variants` holds the values served. Flipt's variants are keys without values.
    valued: bool = True
    # The variants the format itself names as the baseline; None: gate's rule (see the module).
    baseline: frozenset[str] | None = None

    @property
    def boolean(self) -> bool:
        """A flag whose variants are all booleans: only the `true` side is an exposure."""
        return bool(self.variants) and all(isinstance(v, bool) for v in self.variants.values())

    def is_baseline(self, variant: str, baseline: Baseline = DEFAULT_BASELINE) -> bool:
        """Whether serving this variant serves the flag's baseline (nothing new)."""
        if self.baseline is not None:
            return variant in self.baseline
        if self.boolean:
            return self.variants.get(variant) is not True
        if baseline.named(variant):
            return True
        return self.valued and variant in self.variants and is_zero_value(self.variants[variant])

    def is_treatment(self, variant: str, baseline: Baseline = DEFAULT_BASELINE) -> bool:
        """Whether serving this variant exposes users to something new: neither the baseline nor
        what the default variant already serves everyone."""
        if self.is_baseline(variant, baseline):
            return False
        if self.boolean or self.default is None:
            return True
        if variant == self.default:
            return False
        if self.valued and variant in self.variants and self.default in self.variants:
            return bool(self.variants[variant] != self.variants[self.default])
        return True

    def value_changed(self, other: FlagState, variant: str) -> bool:
        """Whether `variant` serves another value here than in `other` (both known)."""
        return (
            self.valued
            and other.valued
            and variant in self.variants
            and variant in other.variants
            and self.variants[variant] != other.variants[variant]
        )

    @property
    def live(self) -> bool:
        """Whether any rule of the flag is evaluated at all."""
        return self.enabled or not self.gated


@dataclass(frozen=True, slots=True)
class Step:
    """A change the file schedules: from `at`, the flag is `state`. `identity` tells steps apart."""

    at: datetime
    state: FlagState
    line: int | None
    what: str  # e.g. "scheduled rollout step", "progressive rollout start"
    identity: str


@dataclass(frozen=True, slots=True)
class FlagFile:
    """A flag file read into the model: its format and its flags by key."""

    path: str
    format: FlagFormat | None  # None: an empty file, or one no flag provider reads
    flags: Mapping[str, FlagState] = field(default_factory=dict)
    # False for a file that configures nothing at run time (the OpenFeature CLI's manifest): gate
    # recognises it and does not judge it.
    runtime: bool = True

    @property
    def judged(self) -> bool:
        return self.runtime
