"""Flipt's declarative `features.yml` (versions 1.0 to 1.6; YAML streams of several namespaces, or
the JSON form of an import).

Variant flags (`type` defaults to VARIANT_FLAG_TYPE) are off unless `enabled`; their `rules` hand
out variants by `distributions`, and a variant with `default: true` serves everyone else. Boolean
flags (BOOLEAN_FLAG_TYPE) use `enabled` as the value served when no rollout matches, and their
`rollouts` (a `segment` or a `threshold` percentage, each with a `value`) apply either way.
`namespace` may be a string or a mapping with a `key`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.core.flags.model import FLIPT, FlagFile, FlagFileError, FlagState, Rollout, percentage
from gate.core.flags.shape import LineFinder

_TOP_KEYS = {"version", "namespace", "flags", "segments"}
VARIANT_FLAG = "VARIANT_FLAG_TYPE"
BOOLEAN_FLAG = "BOOLEAN_FLAG_TYPE"


def looks_like(data: Any) -> bool:
    if not isinstance(data, Mapping) or not data or not set(data) <= _TOP_KEYS:
        return False
    flags = data.get("flags", [])
    return isinstance(flags, list) and all(isinstance(f, Mapping) and "state" not in f for f in flags)


def read(path: str, documents: list[Any], lines: LineFinder) -> FlagFile:
    flags: dict[str, FlagState] = {}
    for document in documents:
        namespace = _namespace(document.get("namespace"))
        raw_flags = document.get("flags") or []
        for index, flag in enumerate(raw_flags):
            key = flag.get("key")
            if not isinstance(key, str) or not key:
                raise FlagFileError(f"flags[{index}] has no `key`", lines.of_item(raw_flags, index))
            name = key if namespace == "default" else f"{namespace}/{key}"
            if name in flags:
                raise FlagFileError(f"flag {name!r} is defined twice", lines.of_item(raw_flags, index, key=key))
            flags[name] = _flag(name, flag, lines.of_item(raw_flags, index, key=key))
    return FlagFile(path=path, format=FLIPT, flags=flags)


def _namespace(value: Any) -> str:
    if value is None:
        return "default"
    if isinstance(value, Mapping):
        value = value.get("key", "default")
    if not isinstance(value, str):
        raise FlagFileError("`namespace` is neither a string nor a mapping with a `key`")
    return value


def _flag(name: str, flag: Mapping[str, Any], line: int | None) -> FlagState:
    enabled = flag.get("enabled", False)
    if not isinstance(enabled, bool):
        raise FlagFileError(f"flag {name!r}: `enabled` is {enabled!r}, not true or false", line)
    kind = flag.get("type", VARIANT_FLAG) or VARIANT_FLAG
    if kind == BOOLEAN_FLAG:
        return FlagState(
            key=name,
            format=FLIPT,
            line=line,
            enabled=enabled,
            variants={"true": True, "false": False},
            default="true" if enabled else "false",
            rollouts=_boolean_rollouts(name, flag.get("rollouts") or [], line),
            gated=False,
        )
    if kind != VARIANT_FLAG:
        raise FlagFileError(f"flag {name!r} has type {kind!r}; Flipt knows {VARIANT_FLAG} and {BOOLEAN_FLAG}", line)
    variants = flag.get("variants") or []
    if not isinstance(variants, list):
        raise FlagFileError(f"flag {name!r}: `variants` is not a list", line)
    keys = [str(v.get("key")) for v in variants if isinstance(v, Mapping)]
    defaults = [str(v.get("key")) for v in variants if isinstance(v, Mapping) and v.get("default") is True]
    return FlagState(
        key=name,
        format=FLIPT,
        line=line,
        enabled=enabled,
        variants=dict.fromkeys(keys),
        default=defaults[0] if defaults else None,
        rollouts=_rules(name, flag.get("rules") or [], line),
        valued=False,  # Flipt serves variant keys; an attachment is data, not the variant's value
    )


def _segment(rule: Mapping[str, Any]) -> str:
    segment = rule.get("segment", rule.get("segments"))
    if isinstance(segment, Mapping):
        keys = segment.get("keys") or ([segment["key"]] if "key" in segment else [])
        keys = keys if isinstance(keys, list) else [keys]
        operator = segment.get("operator", "OR_SEGMENT_OPERATOR")
        described = ", ".join(sorted(str(k) for k in keys))
        return f"{described} ({operator})" if len(keys) > 1 else described
    if isinstance(segment, list):
        return ", ".join(sorted(str(k) for k in segment))
    return str(segment) if segment is not None else "everyone"


def _unique(where: str, seen: dict[str, int]) -> str:
    seen[where] = seen.get(where, 0) + 1
    return where if seen[where] == 1 else f"{where} (#{seen[where]})"


def _percent(value: Any, what: str, line: int | None) -> float:
    return percentage(value, what, line)


def _rules(name: str, rules: Any, line: int | None) -> tuple[Rollout, ...]:
    if not isinstance(rules, list):
        raise FlagFileError(f"flag {name!r}: `rules` is not a list", line)
    seen: dict[str, int] = {}
    rollouts = []
    for rule in rules:
        if not isinstance(rule, Mapping):
            raise FlagFileError(f"flag {name!r}: a rule is not a mapping", line)
        shares: dict[str, float] = {}
        distributions = rule.get("distributions") or []
        if not isinstance(distributions, list):
            raise FlagFileError(f"flag {name!r}: a rule's `distributions` is not a list", line)
        for distribution in distributions:
            if not isinstance(distribution, Mapping):
                raise FlagFileError(f"flag {name!r}: a distribution is not a mapping", line)
            variant = str(distribution.get("variant"))
            percent = _percent(distribution.get("rollout", 0), f"flag {name!r}: rollout of {variant!r}", line)
            shares[variant] = shares.get(variant, 0.0) + percent
        rollouts.append(Rollout(_unique(f"rule for segment {_segment(rule)}", seen), shares))
    return tuple(rollouts)


def _boolean_rollouts(name: str, rollouts: Any, line: int | None) -> tuple[Rollout, ...]:
    if not isinstance(rollouts, list):
        raise FlagFileError(f"flag {name!r}: `rollouts` is not a list", line)
    seen: dict[str, int] = {}
    found = []
    thresholds = 0
    for rollout in rollouts:
        if not isinstance(rollout, Mapping):
            raise FlagFileError(f"flag {name!r}: a rollout is not a mapping", line)
        if isinstance(rollout.get("threshold"), Mapping):
            threshold = rollout["threshold"]
            thresholds += 1
            value = "true" if threshold.get("value") is True else "false"
            percent = _percent(threshold.get("percentage", 0), f"flag {name!r}: threshold percentage", line)
            found.append(Rollout(f"threshold rollout #{thresholds}", {value: percent}))
        elif isinstance(rollout.get("segment"), Mapping):
            segment = rollout["segment"]
            value = "true" if segment.get("value") is True else "false"
            found.append(Rollout(_unique(f"rollout for segment {_segment(rollout)}", seen), {value: 100.0}))
    return tuple(found)
