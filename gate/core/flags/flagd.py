"""OpenFeature flagd flag files (JSON or YAML): `flags` as a map (or flagd's array form) of flags
with `state`, `variants`, `defaultVariant` and JsonLogic `targeting`.

Targeting is read for what it can serve: the variants each `if` branch returns outright, and the
shares of each `fractional` split (flagd's former name `fractionalEvaluation` too), each with the
conditions that lead to it (shared `$evaluators` spelled out) as the `who` of its rollout: editing a
condition changes who is served, which the diff judges.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gate.core.flags.model import FLAGD, FlagFile, FlagFileError, FlagState, Rollout, percentage
from gate.core.flags.shape import LineFinder, normal_key

_FRACTIONAL = ("fractional", "fractionalEvaluation")
_STATES = {"ENABLED": True, "DISABLED": False}
# flagd's weights are relative integers; anything near this is no share of traffic anyone means.
MAX_WEIGHT = 2**31 - 1
# Values the conditions of one file may spell out once their `$ref`s are replaced: shared evaluators
# that refer to each other twice at each of forty levels would otherwise spell out 2**40.
MAX_EXPANDED = 200_000


class _Budget:
    """What is left of MAX_EXPANDED for one file; spending past it is a FlagFileError."""

    def __init__(self) -> None:
        self.left = MAX_EXPANDED

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise FlagFileError(
                f"the targeting conditions spell out more than {MAX_EXPANDED:,} values once their `$ref`s to "
                "`$evaluators` are replaced (evaluators that refer to each other many times over?)"
            )


def looks_like(data: Any) -> bool:
    if not isinstance(data, Mapping) or "flags" not in data:
        return False
    flags = data["flags"]
    if isinstance(flags, Mapping):
        return all(isinstance(flag, Mapping) and not _is_flipt_like(flag) for flag in flags.values())
    if isinstance(flags, list):
        return any(isinstance(f, Mapping) and ("state" in f or "defaultVariant" in f) for f in flags)
    return False


def _is_flipt_like(flag: Mapping[str, Any]) -> bool:
    return isinstance(flag.get("variants"), list)


def read(path: str, data: Mapping[str, Any], lines: LineFinder) -> FlagFile:
    flags: dict[str, FlagState] = {}
    raw = data["flags"]
    entries: list[tuple[str, Any, int | None]]
    if isinstance(raw, Mapping):
        entries = [(normal_key(k), v, lines.of_key(raw, k)) for k, v in raw.items()]
    else:
        entries = []
        for index, item in enumerate(raw):
            if not isinstance(item, Mapping) or not isinstance(item.get("key"), str):
                raise FlagFileError(f"flags[{index}] has no `key`", lines.of_item(raw, index))
            entries.append((item["key"], item, lines.of_item(raw, index, key=item["key"])))
    evaluators = data.get("$evaluators")
    shared = evaluators if isinstance(evaluators, Mapping) else {}
    budget = _Budget()
    for key, flag, line in entries:
        flags[key] = _flag(key, flag, line, shared, budget)
    return FlagFile(path=path, format=FLAGD, flags=flags)


def _flag(key: str, flag: Any, line: int | None, evaluators: Mapping[str, Any], budget: _Budget) -> FlagState:
    if not isinstance(flag, Mapping):
        raise FlagFileError(f"flag {key!r} is not a mapping", line)
    state = flag.get("state", "ENABLED")
    if not isinstance(state, str) or state not in _STATES:
        raise FlagFileError(f"flag {key!r} has state {state!r}; flagd knows ENABLED and DISABLED", line)
    variants = flag.get("variants")
    if not isinstance(variants, Mapping) or not variants:
        raise FlagFileError(f"flag {key!r} has no variants", line)
    default = flag.get("defaultVariant")
    rollouts = _targeting(flag.get("targeting"), evaluators, budget)
    return FlagState(
        key=key,
        format=FLAGD,
        line=line,
        enabled=_STATES[state],
        variants={normal_key(k): v for k, v in variants.items()},
        default=normal_key(default) if default is not None else None,
        rollouts=rollouts,
    )


def _targeting(targeting: Any, evaluators: Mapping[str, Any], budget: _Budget) -> tuple[Rollout, ...]:
    if targeting is None or targeting == {}:
        return ()
    rollouts: list[Rollout] = []
    _walk(targeting, "targeting", "", rollouts, evaluators, budget)
    return tuple(rollouts)


def _walk(
    node: Any, where: str, who: str, rollouts: list[Rollout], evaluators: Mapping[str, Any], budget: _Budget
) -> None:
    """Collect what a targeting expression can evaluate to, and the conditions on the way there.

    `who` stands for the chain of conditions that leads here: a digest, extended condition by
    condition, so a chain of thousands costs one step each (the texts joined for every branch
    would cost the square of the chain, in time and memory).
    """
    if isinstance(node, str):
        rollouts.append(Rollout(where, {node: 100.0}, who=who))
        return
    if not isinstance(node, Mapping) or len(node) != 1:
        return  # a variable or computed value: it names no variant gate can see
    operator, args = next(iter(node.items()))
    if operator in _FRACTIONAL and isinstance(args, list):
        # The bucketing key only reshuffles who lands in which bucket: the shares stay what they are.
        rollouts.append(Rollout(f"{where}.{operator}", _fractional_shares(args, f"{where}.{operator}"), who=who))
    elif operator == "if" and isinstance(args, list):
        chain = who
        for index, arg in enumerate(args):
            if index % 2 == 1 or index == len(args) - 1:
                _walk(arg, f"{where}.if[{index}]", chain, rollouts, evaluators, budget)
            else:
                chain = _then(chain, _text(arg, evaluators, budget))


def _then(chain: str, condition: str) -> str:
    """The chain of conditions `chain`, then `condition`: equal chains give equal digests."""
    import hashlib  # only flags with targeting conditions need it

    return hashlib.sha256(f"{chain}\0{condition}".encode("utf-8", "surrogatepass")).hexdigest()


def _text(condition: Any, evaluators: Mapping[str, Any], budget: _Budget) -> str:
    """A condition as stable text, with `{"$ref": name}` replaced by the shared evaluator."""
    return json.dumps(_resolve(condition, evaluators, (), budget), sort_keys=True, default=str)


def _resolve(node: Any, evaluators: Mapping[str, Any], expanding: tuple[str, ...], budget: _Budget) -> Any:
    budget.spend()
    if isinstance(node, Mapping):
        name = node.get("$ref") if len(node) == 1 else None
        if isinstance(name, str) and name in evaluators and name not in expanding:
            return _resolve(evaluators[name], evaluators, (*expanding, name), budget)
        return {str(k): _resolve(v, evaluators, expanding, budget) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, evaluators, expanding, budget) for v in node]
    return node


def _fractional_shares(args: list[Any], where: str) -> dict[str, float]:
    buckets = [a for a in args if isinstance(a, list) and a and isinstance(a[0], str)]
    weights: dict[str, float | None] = {}
    for bucket in buckets:
        weight = bucket[1] if len(bucket) > 1 else 1  # flagd's default weight is 1
        number = (
            percentage(weight, f"the weight of {bucket[0]!r} at {where}", None, maximum=MAX_WEIGHT)
            if isinstance(weight, int | float) and not isinstance(weight, bool)
            else None
        )
        earlier = weights.get(bucket[0], 0.0)
        weights[bucket[0]] = None if number is None or earlier is None else earlier + number
    total = sum(w for w in weights.values() if w is not None)
    # A weight computed at evaluation time (e.g. from $flagd.timestamp) can reach anything: read it
    # as all the traffic, so raising it from a fixed number is never missed.
    return {
        name: 100.0 if weight is None else (100.0 * weight / total if total else 0.0)
        for name, weight in weights.items()
    }
