"""JSON and TOML read with the bounds the YAML loader has: depth, integer size, real numbers only.

Python's parsers accept more than the Go tools that own these files: `NaN` and `Infinity` in JSON,
numbers that overflow to infinity (`1e999`), escapes of lone surrogates (`"\\udcff"`, which no
UTF-8 writer can write back), and integers so long that Python refuses to convert them (a
ValueError, not a parse error). Here each is either refused as a `DataError` with its line, the
way Go's decoders refuse it, or, for lone surrogates, replaced with U+FFFD as Go's decoder does. A
document nested deeper than `MAX_DEPTH` is refused too, so no reader after this has to be careful.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from gate.core.yamlio import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class DataError(ValueError):
    """A JSON or TOML text gate cannot read; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def load_json(text: str) -> Any:
    """A JSON text as Python data, bounded; raises DataError."""

    def constant(name: str) -> float:
        raise DataError(f"{name} is not a JSON number", _line_of(text, name))

    def real(token: str) -> float:
        value = float(token)
        if not math.isfinite(value):
            raise DataError(f"the number {_clip(token)} is too large", _line_of(text, token))
        return value

    def integer(token: str) -> int:
        if len(token.lstrip("-")) > MAX_INT_DIGITS:
            raise DataError(f"an integer of {len(token)} digits; gate reads integers of up to {MAX_INT_DIGITS}",
                            _line_of(text, token[:64]))
        return int(token)

    _not_too_many(text)
    try:
        data = json.loads(text, parse_constant=constant, parse_float=real, parse_int=integer)
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise DataError(f"not valid JSON: nested deeper than {MAX_DEPTH} levels") from None
    return bounded(data)


def load_toml(text: str) -> Any:
    """A TOML text as Python data, bounded; raises DataError."""
    import tomllib  # only GO Feature Flag's TOML files need it

    _not_too_many(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"not valid TOML: {exc}", _toml_line(str(exc))) from None
    except ValueError as exc:  # Python's limit on converting long integers
        raise DataError(f"not valid TOML: {str(exc).split(';')[0]}") from None
    except RecursionError:
        raise DataError(f"not valid TOML: nested deeper than {MAX_DEPTH} levels") from None
    return bounded(data)


def bounded(data: Any) -> Any:
    """`data` checked for depth, with lone surrogates in its strings replaced (U+FFFD).

    Iterative, so a document as deep as the parser allowed cannot exhaust the stack here.
    """
    root: list[Any] = [data]
    stack: list[tuple[Any, Any, int]] = [(root, 0, 0)]  # (container, key, depth of the value)
    seen = 0
    while stack:
        container, key, depth = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise DataError(f"more than {MAX_NODES:,} values; gate judges files of up to that many")
        value = container[key]
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                container[key] = _LONE_SURROGATE.sub("\ufffd", value)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise DataError(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            if any(isinstance(k, str) and _LONE_SURROGATE.search(k) for k in value):
                fixed = {_LONE_SURROGATE.sub("\ufffd", k) if isinstance(k, str) else k: v for k, v in value.items()}
                value.clear()
                value.update(fixed)
            stack.extend((value, k, depth + 1) for k in value)
        else:
            stack.extend((value, index, depth + 1) for index in range(len(value)))
    return root[0]


def _not_too_many(text: str) -> None:
    """Refuse, before parsing, a text whose separators alone promise far more than MAX_NODES values:
    the parsers build every value, and a few MiB of `[{},{},...]` are a million objects."""
    separators = text.count(",") + text.count("[") + text.count("{") + text.count("\n")
    if separators > 4 * MAX_NODES:
        raise DataError(f"more than {MAX_NODES:,} values; gate judges files of up to that many")


def _line_of(text: str, token: str) -> int | None:
    found = text.find(token)
    return text.count("\n", 0, found) + 1 if found >= 0 else None


def _toml_line(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _clip(token: str) -> str:
    return token if len(token) <= 40 else token[:37] + "..."
