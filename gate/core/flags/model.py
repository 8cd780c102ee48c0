"""One model of a flag's state, whatever file format it came from.

Each format reader turns its flags into `FlagState`s; the semantic diff compares two of them. The
model keeps only what decides who gets a variant: whether the flag is on, its default variant, and
the places that split traffic (`Rollout`s), plus the changes the file schedules for later (`Step`s).
Names, descriptions, metadata and order are left out on purpose: editing them activates nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gate.core.models import FlagFormat

FLAGD = FlagFormat.FLAGD
FLIPT = FlagFormat.FLIPT
GO_FEATURE_FLAG = FlagFormat.GO_FEATURE_FLAG


class FlagFileError(ValueError):
    """A flag file gate cannot read; the message says what is wrong, `line` where when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class Rollout:
    """One place that hands out variants: variant -> percent of the traffic reaching it."""

    where: str
    shares: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class FlagState:
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

    @property
    def boolean(self) -> bool:
        """A flag whose variants are all booleans: only the `true` side is an exposure."""
        return bool(self.variants) and all(isinstance(v, bool) for v in self.variants.values())

    def is_treatment(self, variant: str) -> bool:
        """Whether serving this variant exposes users to something new, rather than the baseline."""
        if self.boolean:
            return self.variants.get(variant) is True
        if self.default is None:
            return True
        if variant == self.default:
            return False
        if variant in self.variants and self.default in self.variants:
            known_value = self.variants[self.default]
            return known_value is None or self.variants[variant] != known_value
        return True

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
    path: str
    format: FlagFormat | None  # None: an empty file, which defines no flags
    flags: Mapping[str, FlagState] = field(default_factory=dict)
