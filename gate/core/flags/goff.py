"""GO Feature Flag files (YAML, JSON or TOML): a mapping of flag name -> flag.

A flag has `variations`, `targeting` rules (each serving a `variation`, a `percentage` split or a
`progressiveRollout` to the users its `query` selects), a `defaultRule` of the same shape, and
`disable`. `scheduledRollout` steps change the flag at their `date`: each step is merged into the
flag (rules by `name`) and judged at its own time. A `progressiveRollout` starts exposing its `end`
variation at `initial.date`, so that moment is judged as its own step.

The older format (before GO Feature Flag 1.0; read by its releases up to 1.39 through a converter)
is read as those releases read it: a flag is in it when it has `true` or `false` (or
`converter: v0`). Users the `rule` selects (everyone when there is no rule or it is empty) get the
`true` value if they fall in the `percentage` (default 0), else the `false` value; users it does
not select get the `default` value; `disable: true` serves the code's default. The baseline is the
`false` value: what users outside the percentage get. So raising `percentage`, editing the `rule`
while `true` is served (gate cannot tell whether the new rule selects more users), a `default` or
`true` value that differs from `false` are activations. `rollout.progressive` (`percentage.initial`
to `.end` between `releaseRamp.start` and `.end`) is judged at its start, and each
`rollout.scheduled.steps` entry at its `date`. `rollout.experimentation` is not read: the flag is
judged as if its experiment were running.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from gate.core.flags.model import (
    GO_FEATURE_FLAG,
    FlagFile,
    FlagFileError,
    FlagState,
    Rollout,
    Step,
    percentage,
)
from gate.core.flags.shape import LineFinder, normal_key

_CURRENT_KEYS = {"variations", "defaultRule", "targeting", "scheduledRollout", "disable", "trackEvents"}
_LEGACY_VALUES = ("true", "false", "default")
_ISO = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]+))?(Z|z|[+-][0-9]{2}:?[0-9]{2})"
)


def looks_like(data: Any) -> bool:
    if not isinstance(data, Mapping) or not data:
        return False
    return all(isinstance(flag, Mapping) and _is_flag(flag) for flag in data.values())


def _is_flag(flag: Mapping[Any, Any]) -> bool:
    keys = {normal_key(k) for k in flag}
    return bool(keys & _CURRENT_KEYS) or _is_legacy(flag) or ("percentage" in keys and "default" in keys)


def _is_legacy(flag: Mapping[Any, Any]) -> bool:
    """GO Feature Flag's own test: `converter: v0`, or a `true` or `false` value."""
    keys = {normal_key(k) for k in flag}
    return flag.get("converter") == "v0" or "true" in keys or "false" in keys


def read(path: str, data: Mapping[Any, Any], lines: LineFinder) -> FlagFile:
    flags = {}
    for raw_key, flag in data.items():
        key = normal_key(raw_key)
        flags[key] = _flag(key, flag, lines.of_key(data, raw_key), lines)
    return FlagFile(path=path, format=GO_FEATURE_FLAG, flags=flags)


def _flag(key: str, flag: Mapping[Any, Any], line: int | None, lines: LineFinder) -> FlagState:
    raw = {normal_key(k): v for k, v in flag.items()}
    if _is_legacy(raw) or ("variations" not in raw and "percentage" in raw):
        return _legacy(key, raw, line, lines)
    state, progressive = _state(key, raw, line)
    steps = [*progressive]
    scheduled = raw.get("scheduledRollout") or []
    if not isinstance(scheduled, list):
        raise FlagFileError(f"flag {key!r}: `scheduledRollout` is not a list", line)
    dated = []
    for index, step in enumerate(scheduled):
        if not isinstance(step, Mapping):
            raise FlagFileError(f"flag {key!r}: scheduledRollout[{index}] is not a mapping", line)
        step_line = lines.of_item(scheduled, index) or line
        dated.append((parse_date(step.get("date"), f"flag {key!r}: scheduledRollout[{index}].date", step_line),
                      index, step, step_line))
    current = {k: v for k, v in raw.items() if k != "scheduledRollout"}
    for when, _index, step, step_line in sorted(dated, key=lambda item: (item[0], item[1])):
        current = merge(current, {normal_key(k): v for k, v in step.items() if k != "date"})
        after, _ = _state(key, current, line)
        steps.append(Step(at=when, state=after, line=step_line, what="scheduled rollout step",
                          identity=f"scheduled:{_canonical(step)}"))
    return FlagState(
        key=state.key, format=state.format, line=line, enabled=state.enabled, variants=state.variants,
        default=state.default, rollouts=state.rollouts, steps=tuple(steps),
    )


def _state(key: str, raw: Mapping[str, Any], line: int | None) -> tuple[FlagState, list[Step]]:
    """The flag as it is now, and the progressive rollouts that will start later."""
    variations = raw.get("variations")
    if not isinstance(variations, Mapping) or not variations:
        raise FlagFileError(f"flag {key!r} has no `variations`", line)
    disable = raw.get("disable", False)
    if not isinstance(disable, bool):
        raise FlagFileError(f"flag {key!r}: `disable` is {disable!r}, not true or false", line)
    rules = raw.get("targeting") or []
    if not isinstance(rules, list):
        raise FlagFileError(f"flag {key!r}: `targeting` is not a list", line)
    rollouts: list[Rollout] = []
    progressive: list[tuple[str, Mapping[str, Any]]] = []
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if not isinstance(rule, Mapping):
            raise FlagFileError(f"flag {key!r}: targeting[{index}] is not a mapping", line)
        if rule.get("disable") is True:
            continue
        where = f"rule {rule['name']!r}" if rule.get("name") else f"rule {rule.get('query', index)!r}"
        seen[where] = seen.get(where, 0) + 1
        where = where if seen[where] == 1 else f"{where} (#{seen[where]})"
        rollouts.append(_served(key, where, rule, progressive, line, who=_query(rule)))
    default_rule = raw.get("defaultRule")
    default = None
    if isinstance(default_rule, Mapping):
        if isinstance(default_rule.get("variation"), str | bool) and "percentage" not in default_rule:
            default = normal_key(default_rule["variation"])
        else:
            rollouts.append(_served(key, "default rule", default_rule, progressive, line))
    base = FlagState(
        key=key,
        format=GO_FEATURE_FLAG,
        line=line,
        enabled=not disable,
        variants={normal_key(k): v for k, v in variations.items()},
        default=default,
        rollouts=tuple(rollouts),
    )
    steps = []
    for where, ramp in progressive:
        start = _mapping(ramp.get("initial"))
        end = _mapping(ramp.get("end"))
        when = parse_date(start.get("date"), f"flag {key!r}: progressiveRollout.initial.date", line)
        target = normal_key(end.get("variation"))
        percent = _percent(end.get("percentage", 100), f"flag {key!r}: progressiveRollout.end.percentage", line)
        ramped = tuple(
            Rollout(r.where, {target: percent}, r.who) if r.where == where else r for r in base.rollouts
        )
        steps.append(Step(
            at=when,
            state=FlagState(key=key, format=GO_FEATURE_FLAG, line=line, enabled=base.enabled,
                            variants=base.variants, default=base.default, rollouts=ramped),
            line=line,
            what="progressive rollout start",
            identity=f"progressive:{where}:{_canonical(ramp)}",
        ))
    return base, steps


def _query(rule: Mapping[str, Any]) -> str:
    """The users a rule selects, as text (multi-line queries compare by their words)."""
    query = rule.get("query")
    return " ".join(str(query).split()) if query is not None else ""


def _served(
    key: str, where: str, rule: Mapping[str, Any], progressive: list[tuple[str, Mapping[str, Any]]],
    line: int | None, who: str = "",
) -> Rollout:
    if isinstance(rule.get("progressiveRollout"), Mapping):
        ramp = rule["progressiveRollout"]
        progressive.append((where, ramp))
        start = _mapping(ramp.get("initial"))
        # Until it starts, the ramp serves its initial variation.
        return Rollout(where, {normal_key(start.get("variation")): 100.0}, who)
    percentage = rule.get("percentage")
    if isinstance(percentage, Mapping):
        return Rollout(where, {
            normal_key(k): _percent(v, f"flag {key!r}: percentage of {normal_key(k)!r}", line)
            for k, v in percentage.items()
        }, who)
    if rule.get("variation") is not None:
        return Rollout(where, {normal_key(rule["variation"]): 100.0}, who)
    return Rollout(where, {}, who)


def _legacy(key: str, raw: Mapping[str, Any], line: int | None, lines: LineFinder) -> FlagState:
    """The format before `variations` (see the module), with its progressive and scheduled rollouts."""
    rollout = raw.get("rollout")
    if rollout is not None and not isinstance(rollout, Mapping):
        raise FlagFileError(f"flag {key!r}: `rollout` is not a mapping", line)
    rollout = rollout or {}
    state = _legacy_state(key, raw, line)
    steps: list[Step] = []
    ramp = _legacy_ramp(key, rollout.get("progressive"), line)
    if ramp is not None:
        start, _initial, end = ramp
        identity = f"progressive:{_canonical(rollout['progressive'])}"
        steps.append(Step(at=start, state=_legacy_state(key, raw, line, share=end), line=line,
                          what="progressive rollout start", identity=identity))
    scheduled = _mapping(rollout.get("scheduled")).get("steps") or []
    if not isinstance(scheduled, list):
        raise FlagFileError(f"flag {key!r}: `rollout.scheduled.steps` is not a list", line)
    dated = []
    for index, step in enumerate(scheduled):
        if not isinstance(step, Mapping):
            raise FlagFileError(f"flag {key!r}: rollout.scheduled.steps[{index}] is not a mapping", line)
        step_line = lines.of_item(scheduled, index) or line
        when = parse_date(step.get("date"), f"flag {key!r}: rollout.scheduled.steps[{index}].date", step_line)
        dated.append((when, index, step, step_line))
    current = {k: v for k, v in raw.items() if k != "rollout"}
    for when, _index, step, step_line in sorted(dated, key=lambda item: (item[0], item[1])):
        change = {normal_key(k): v for k, v in step.items() if k != "date"}
        # A step's own progressive ramp reaches its end share: judged at the step, at its most.
        step_ramp = _legacy_ramp(key, _mapping(change.pop("rollout", None)).get("progressive"), step_line)
        current = {**current, **change}
        share = step_ramp[2] if step_ramp is not None else None
        steps.append(Step(at=when, state=_legacy_state(key, current, step_line, share=share), line=step_line,
                          what="scheduled rollout step", identity=f"scheduled:{_canonical(step)}"))
    return FlagState(
        key=state.key, format=state.format, line=line, enabled=state.enabled, variants=state.variants,
        default=state.default, rollouts=state.rollouts, steps=tuple(steps), baseline=state.baseline,
    )


def _legacy_state(key: str, raw: Mapping[str, Any], line: int | None, share: float | None = None) -> FlagState:
    """One moment of an older-format flag; `share` overrides the `true` percentage (a ramp)."""
    disable = raw.get("disable", False)
    if not isinstance(disable, bool):
        raise FlagFileError(f"flag {key!r}: `disable` is {disable!r}, not true or false", line)
    rule = raw.get("rule")
    if rule is not None and not isinstance(rule, str):
        raise FlagFileError(f"flag {key!r}: `rule` is {rule!r}, not a query string", line)
    ramp = _legacy_ramp(key, _mapping(raw.get("rollout")).get("progressive"), line)
    if share is None:
        # Before its ramp starts, a progressive rollout serves its initial share.
        share = ramp[1] if ramp is not None else _percent(raw.get("percentage", 0), f"flag {key!r}: percentage", line)
    values = {name: raw[name] for name in _LEGACY_VALUES if name in raw and raw[name] is not None}
    query = " ".join(rule.split()) if rule else ""
    return FlagState(
        key=key,
        format=GO_FEATURE_FLAG,
        line=line,
        enabled=not disable,
        variants=values,
        # Users the rule leaves out get `default`; without a rule there is no one left out.
        default="default" if query else None,
        # Named as GO Feature Flag's converter places them: the rule's split, or the default rule's.
        rollouts=(Rollout("rule" if query else "default rule", {"true": share, "false": 100.0 - share}, who=query),),
        baseline=_legacy_baseline(values),
    )


def _legacy_baseline(values: Mapping[str, Any]) -> frozenset[str]:
    """`false`, any value equal to it or `false` itself, and values not written (the code's default)."""
    baseline = {name for name in _LEGACY_VALUES if name not in values}
    for name, value in values.items():
        if name == "false" or value is False or ("false" in values and value == values["false"]):
            baseline.add(name)
    return frozenset(baseline)


def _legacy_ramp(key: str, progressive: Any, line: int | None) -> tuple[datetime, float, float] | None:
    """(start, initial share, end share) of an older-format progressive rollout with both dates."""
    if not isinstance(progressive, Mapping):
        return None
    ramp = _mapping(progressive.get("releaseRamp"))
    if ramp.get("start") is None or ramp.get("end") is None:
        return None  # GO Feature Flag ignores a ramp without both dates
    start = parse_date(ramp.get("start"), f"flag {key!r}: rollout.progressive.releaseRamp.start", line)
    shares = _mapping(progressive.get("percentage"))
    initial = _percent(shares.get("initial", 0), f"flag {key!r}: rollout.progressive.percentage.initial", line)
    end = _percent(shares.get("end", 100), f"flag {key!r}: rollout.progressive.percentage.end", line)
    return start, initial, end or 100.0


def merge(current: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """A scheduled step applied to the flag: mappings merge, targeting rules merge by `name`."""
    merged = dict(current)
    for key, value in change.items():
        if key == "targeting" and isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = _merge_rules(merged[key], value)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _merge_rules(current: list[Any], change: list[Any]) -> list[Any]:
    rules = list(current)
    for rule in change:
        name = rule.get("name") if isinstance(rule, Mapping) else None
        index = next(
            (i for i, r in enumerate(rules) if name and isinstance(r, Mapping) and r.get("name") == name), None
        )
        if index is None:
            rules.append(rule)
        else:
            rules[index] = merge(rules[index], rule)
    return rules


def parse_date(value: Any, what: str, line: int | None) -> datetime:
    """RFC 3339 as Go writes it (any number of fraction digits); a date needs its offset."""
    if isinstance(value, datetime):  # TOML's native date-times
        if value.tzinfo is None:
            raise FlagFileError(f"{what} has no UTC offset; write it like 2026-12-01T10:30:00Z", line)
        return value.astimezone(UTC)
    text = str(value).strip() if value is not None else ""
    found = _ISO.fullmatch(text)
    if not found:
        raise FlagFileError(f"{what} is {value!r}, not a date-time like 2026-12-01T10:30:00Z", line)
    stamp, fraction, offset = found.groups()
    offset = "+00:00" if offset in ("Z", "z") else offset
    micro = f".{(fraction or '0')[:6].ljust(6, '0')}"
    try:
        return datetime.fromisoformat(stamp.replace(" ", "T") + micro + offset).astimezone(UTC)
    except ValueError:
        raise FlagFileError(f"{what} is {value!r}, not a valid date-time", line) from None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _percent(value: Any, what: str, line: int | None) -> float:
    return percentage(value, what, line)


def _canonical(value: Any) -> str:
    """A stable text of a step, to tell a step the change adds from one the base already had."""
    return json.dumps(_plain(value), sort_keys=True, default=str)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {normal_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
