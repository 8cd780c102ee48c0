"""The edit that turns an activated flag off, in its own file format, as data (pure).

An edit is a list of assignments, each a pointer into the parsed file (the document's index in the
file, then keys and list indexes) and the value to set there. The notice shows it as the line to
write (`"state": "DISABLED"`); tools and tests can apply it with `apply_edit` and judge the result
again: no activation of the flag is left.

- flagd: `state: DISABLED` (a disabled flag evaluates nothing).
- Flipt variant flags: `enabled: false`. Flipt boolean flags serve `enabled` by default but keep
  their rollouts when it is false, so each rollout's `value` is set to false as well.
- GO Feature Flag: `disable: true`, and `disable: true` in each scheduled step that would set it
  to false again.
"""

from __future__ import annotations

import copy
import json
import posixpath
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, MutableSequence
from dataclasses import dataclass
from typing import Any

from gate.core.flags import FLAGD, FLIPT, GO_FEATURE_FLAG, FlagFileError
from gate.core.flags.flipt import BOOLEAN_FLAG
from gate.core.flags.shape import JSON_SUFFIXES, TOML_SUFFIXES, decode, normal_key
from gate.core.models import Activation, Context, Tree
from gate.core.notice import shell
from gate.core.notice.steps import RollbackStep

Pointer = tuple[str | int, ...]
Value = str | bool


@dataclass(frozen=True, slots=True)
class Assignment:
    """One value to set in a flag file: where (a key path) and what."""

    pointer: Pointer  # (document index, key or index, ...)
    value: Value

    @property
    def key(self) -> str:
        return str(self.pointer[-1])


@dataclass(frozen=True, slots=True)
class FlagEdit:
    """The edit that turns an activated flag off, in its file's own format."""

    path: str
    flag: str
    format: str
    line: int | None
    assignments: tuple[Assignment, ...]

    @property
    def syntax(self) -> str:
        lowered = self.path.lower()
        return "json" if lowered.endswith(JSON_SUFFIXES) else "toml" if lowered.endswith(TOML_SUFFIXES) else "yaml"

    @property
    def text(self) -> str:
        """The main assignment as it is written in the file: `"state": "DISABLED"`, `disable = true`."""
        return written(self.assignments[0], self.syntax)

    @property
    def also(self) -> tuple[Assignment, ...]:
        return self.assignments[1:]


def written(assignment: Assignment, syntax: str) -> str:
    value = json.dumps(assignment.value)
    if syntax == "json":
        return f"{json.dumps(assignment.key)}: {value}"
    if syntax == "toml":
        return f"{assignment.key} = {value}"
    plain = value.strip('"') if isinstance(assignment.value, str) else value
    return f"{assignment.key}: {plain}"


class EditError(ValueError):
    """gate cannot express the edit as data; the message says why."""


def flag_off_edit(activation: Activation, head: Tree) -> FlagEdit:
    """The edit that turns `activation.flag` off in its file at head; EditError when gate cannot find it."""
    raw = head.read(activation.path)
    if raw is None:
        raise EditError("the file is not in the commit")
    try:
        documents, _ = decode(activation.path, raw)
    except FlagFileError as exc:
        raise EditError(f"the file cannot be read: {exc.message}") from None
    if activation.format == FLAGD:
        assignments = _flagd(documents, activation.flag)
    elif activation.format == FLIPT:
        assignments = _flipt(documents, activation.flag)
    elif activation.format == GO_FEATURE_FLAG:
        assignments = _goff(documents, activation.flag)
    else:
        raise EditError(f"gate does not know how {activation.format!r} turns a flag off")
    return FlagEdit(activation.path, activation.flag, activation.format, activation.line, tuple(assignments))


def _flagd(documents: list[Any], flag: str) -> list[Assignment]:
    flags = _only(documents).get("flags")
    if isinstance(flags, Mapping):
        key = _key_of(flags, flag)
        return [Assignment((0, "flags", key, "state"), "DISABLED")]
    if isinstance(flags, list):
        for index, item in enumerate(flags):
            if isinstance(item, Mapping) and item.get("key") == flag:
                return [Assignment((0, "flags", index, "state"), "DISABLED")]
    raise EditError(f"flag {flag!r} is not in the file")


def _flipt(documents: list[Any], flag: str) -> list[Assignment]:
    for doc_index, document in enumerate(documents):
        namespace = document.get("namespace") if isinstance(document, Mapping) else None
        if isinstance(namespace, Mapping):
            namespace = namespace.get("key", "default")
        prefix = "" if namespace in (None, "default") else f"{namespace}/"
        for index, item in enumerate(document.get("flags") or [] if isinstance(document, Mapping) else []):
            if not isinstance(item, Mapping) or f"{prefix}{item.get('key')}" != flag:
                continue
            where: Pointer = (doc_index, "flags", index)
            assignments = [Assignment((*where, "enabled"), False)]
            if item.get("type") == BOOLEAN_FLAG:
                # A boolean flag's rollouts serve their own value whatever `enabled` says.
                for number, rollout in enumerate(item.get("rollouts") or []):
                    for part in ("threshold", "segment"):
                        if isinstance(rollout, Mapping) and isinstance(rollout.get(part), Mapping):
                            assignments.append(Assignment((*where, "rollouts", number, part, "value"), False))
            return assignments
    raise EditError(f"flag {flag!r} is not in the file")


def _goff(documents: list[Any], flag: str) -> list[Assignment]:
    data = _only(documents)
    key = _key_of(data, flag)
    assignments = [Assignment((0, key, "disable"), True)]
    steps = data[key].get("scheduledRollout") if isinstance(data[key], Mapping) else None
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if isinstance(step, Mapping) and step.get("disable") is False:
            assignments.append(Assignment((0, key, "scheduledRollout", index, "disable"), True))
    return assignments


def _only(documents: list[Any]) -> Mapping[Any, Any]:
    if len(documents) != 1 or not isinstance(documents[0], Mapping):
        raise EditError("the file is not a single mapping")
    return documents[0]


def _key_of(mapping: Mapping[Any, Any], flag: str) -> str:
    for raw in mapping:
        if normal_key(raw) == flag:
            if not isinstance(raw, str):
                raise EditError(f"flag {flag!r} is written as a {type(raw).__name__} key; edit it by hand")
            return raw
    raise EditError(f"flag {flag!r} is not in the file")


def apply_edit(documents: list[Any], edit: FlagEdit) -> list[Any]:
    """The documents with the edit made (a deep copy; the input is left as it is)."""
    edited = copy.deepcopy(documents)
    for assignment in edit.assignments:
        index, *keys = assignment.pointer
        target: Any = edited[int(index)]
        for key in keys[:-1]:
            target = target[key]
        last = keys[-1]
        if isinstance(target, MutableMapping):
            target[last] = assignment.value
            continue
        if isinstance(target, MutableSequence) and isinstance(last, int):
            target[last] = assignment.value
            continue
        raise EditError(f"cannot set {'.'.join(map(str, keys))} in {posixpath.basename(edit.path)}")
    return edited


def _within(edit: FlagEdit, assignment: Assignment) -> str:
    """Where an extra assignment goes, from the flag: `rollouts.0.threshold`."""
    flag = edit.assignments[0].pointer[:-1]
    parts = assignment.pointer[len(flag):-1]
    return ".".join(str(part) for part in parts) or "the flag"


# -- the step in the notice ------------------------------------------------------------------------


def flag_steps(activations: Iterable[Activation], context: Context) -> Iterator[RollbackStep]:
    seen: set[tuple[str, str]] = set()
    for activation in activations:
        if (activation.path, activation.flag) in seen:
            continue
        seen.add((activation.path, activation.flag))
        yield flag_off_step(activation, context)


def flag_off_step(activation: Activation, context: Context) -> RollbackStep:
    where = f"{activation.path} line {activation.line}" if activation.line else activation.path
    what = f"flag {shell.shown(activation.flag)} in {where} ({activation.format}, {activation.change})"
    try:
        edit = flag_off_edit(activation, context.head_tree)
    except EditError as why:
        return RollbackStep("manual", f"{what}: turn it off by hand ({why}), then commit and push it.")
    also = "".join(f", and {written(a, edit.syntax)} in {_within(edit, a)}" for a in edit.also)
    return RollbackStep(
        "edit",
        f"{what}: turned off by an edit to its file, not a command. In that flag, set the following{also}, then "
        "commit and push it (or make the edit where your flag provider reads the file)",
        edit=edit,
    )
