"""Feature-flag files: read flagd, Flipt and GO Feature Flag files into one model and diff them.

`read_flag_file(path, raw)` detects the format by the file's shape (not its name) and returns a
`FlagFile`, or raises `FlagFileError` saying what is wrong. An OpenFeature CLI manifest is
recognised and returned without flags (`FlagFile.judged` is false): it configures nothing at run
time. `activations(base, head)` (in `diff`) yields what the change turns on.
`is_flag_file(path, patterns)` says which paths are flag files.
"""

from __future__ import annotations

from typing import Any

from gate.core.flags import flagd, flipt, goff, openfeature
from gate.core.flags.model import (
    FLAGD,
    FLIPT,
    GO_FEATURE_FLAG,
    Baseline,
    FlagFile,
    FlagFileError,
    FlagState,
    Rollout,
    Step,
)
from gate.core.flags.shape import FLAG_SUFFIXES, decode
from gate.core.globs import matches_any
from gate.core.limits import too_large
from gate.core.models import FlagFormat

__all__ = [
    "FLAGD",
    "FLIPT",
    "GO_FEATURE_FLAG",
    "Baseline",
    "FlagFile",
    "FlagFileError",
    "FlagState",
    "Rollout",
    "Step",
    "detect",
    "is_flag_file",
    "read_flag_file",
]

_UNKNOWN = (
    "its shape matches no format gate reads: expected OpenFeature flagd (`flags` of flags with `state`, "
    "`variants`, `defaultVariant`), Flipt (`namespace`/`flags` with `key`s and `rules` or `rollouts`) "
    "or GO Feature Flag (flag names mapping to `variations`, `defaultRule`, `targeting`)"
)


def is_flag_file(path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """A path the policy names as a flag file, with a suffix of a format gate reads."""
    return path.lower().endswith(FLAG_SUFFIXES) and matches_any(path, patterns)


def detect(documents: list[Any]) -> FlagFormat | None:
    """The format the documents' shape matches, or None."""
    if not documents:
        return None
    if len(documents) == 1 and flagd.looks_like(documents[0]):
        return FLAGD
    if all(flipt.looks_like(d) for d in documents):
        return FLIPT
    if len(documents) == 1 and goff.looks_like(documents[0]):
        return GO_FEATURE_FLAG
    return None


def read_flag_file(path: str, raw: bytes) -> FlagFile:
    if (large := too_large(raw)) is not None:
        raise FlagFileError(large)
    documents, lines = decode(path, raw)
    if not documents:
        return FlagFile(path=path, format=None)  # an empty file defines no flags
    if len(documents) == 1 and openfeature.looks_like(documents[0]):
        return openfeature.read(path)  # before flagd, whose shape it shares
    found = detect(documents)
    if found == FLAGD:
        return flagd.read(path, documents[0], lines)
    if found == FLIPT:
        return flipt.read(path, documents, lines)
    if found == GO_FEATURE_FLAG:
        return goff.read(path, documents[0], lines)
    raise FlagFileError(_UNKNOWN)
