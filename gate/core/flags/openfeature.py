"""The OpenFeature CLI's flag manifest: `flags` of flags with a `flagType` and a `defaultValue`.

It is the input of the CLI's code generator (typed accessors for each flag), not a configuration any
flag provider reads at run time: nothing in it turns a flag on for anyone. gate recognises it, so
that it is neither mistaken for a broken flagd file nor judged, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.core.flags.model import FlagFile

# What only a runtime flag file has: a manifest with any of these is not a manifest.
_RUNTIME_KEYS = {"variants", "state", "defaultVariant", "targeting"}
_MANIFEST_KEYS = {"flagType", "defaultValue"}


def looks_like(data: Any) -> bool:
    if not isinstance(data, Mapping) or not isinstance(data.get("flags"), Mapping):
        return False
    flags = data["flags"]
    schema = data.get("$schema")
    if not flags:
        return isinstance(schema, str) and "flag-manifest" in schema
    return all(
        isinstance(flag, Mapping) and bool(_MANIFEST_KEYS & set(flag)) and not _RUNTIME_KEYS & set(flag)
        for flag in flags.values()
    )


def read(path: str) -> FlagFile:
    return FlagFile(path=path, format=None, runtime=False)
