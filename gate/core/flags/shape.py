"""Decoding a flag file's text (JSON, YAML 1.2, TOML) and finding the line of a key in it.

YAML goes through `gate.core.yamlio`, which keeps the line of every key and reads `on`/`off`/`yes`/`no`
and dates as strings, as the Go tools that own these formats do. JSON and TOML parsers keep no
positions, so a small scan of the text finds a flag's line; a miss only costs the line number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from gate.core.flags.model import FlagFileError
from gate.core.jsonio import DataError, load_json, load_toml
from gate.core.yamlio import YamlError, line_of, load_all

JSON_SUFFIXES = (".json",)
YAML_SUFFIXES = (".yaml", ".yml")
TOML_SUFFIXES = (".toml",)
FLAG_SUFFIXES = JSON_SUFFIXES + YAML_SUFFIXES + TOML_SUFFIXES


def normal_key(key: Any) -> str:
    """Mapping keys as strings, the way the Go tools see them.

    YAML 1.2 still reads a bare `True:` as a boolean, whose spelling is then lost, while `"True":`
    stays text; files mix both (GO Feature Flag's own test data does). Spelling the words true and
    false in lower case, whatever their case or type, makes both sides of a change agree.
    """
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    text = str(key)
    return text.lower() if text.lower() in ("true", "false") else text


# Linear patterns only (disjoint alternatives, no two quantifiers competing for the same text): a
# flag file may hold thousands of keys, and looking each up with its own search over the whole
# text would be quadratic. Each text is indexed once instead.
_JSON_KEY = re.compile(r'"((?:[^"\\\n]|\\.)*)"\s*:')
_JSON_ITEM_KEY = re.compile(r'"key"\s*:\s*"((?:[^"\\\n]|\\.)*)"')
_TOML_HEADER = re.compile(r"^[ \t]*\[\[?([^\]\n]*)\]", re.MULTILINE)
_TOML_KEY = re.compile(r"^([^=\n\[#]*)=", re.MULTILINE)


class LineFinder:
    """Where keys and list items start, for one decoded text."""

    def __init__(self, kind: str, text: str = "") -> None:
        self.kind = kind
        self.text = text
        self._keys: dict[str, int] | None = None
        self._items: dict[str, int] | None = None

    def of_key(self, container: Any, key: Any) -> int | None:
        if self.kind == "yaml":
            return line_of(container, key)
        if self._keys is None:
            self._keys = self._index_json() if self.kind == "json" else self._index_toml()
        return self._keys.get(normal_key(key))

    def of_item(self, container: Any, index: int, key: str | None = None) -> int | None:
        if self.kind == "yaml":
            return line_of(container, index)
        if key is not None and self.kind == "json":
            if self._items is None:
                found = _JSON_ITEM_KEY.finditer(self.text)
                self._items = self._first_lines((_json_string(m[1]), m.start()) for m in found)
            return self._items.get(key)
        return None

    def _index_json(self) -> dict[str, int]:
        return self._first_lines((normal_key(_json_string(m[1])), m.start()) for m in _JSON_KEY.finditer(self.text))

    def _index_toml(self) -> dict[str, int]:
        found = [(_toml_name(m[1]), m.start()) for m in _TOML_HEADER.finditer(self.text)]
        found += [(_toml_name(m[1]), m.start()) for m in _TOML_KEY.finditer(self.text)]
        return self._first_lines(sorted(found, key=lambda item: item[1]))

    def _first_lines(self, positions: Iterable[tuple[str, int]]) -> dict[str, int]:
        """name -> the line of its first position; positions come in order, lines counted as we go."""
        lines: dict[str, int] = {}
        line, last = 1, 0
        for name, position in positions:
            line += self.text.count("\n", last, position)
            last = position
            lines.setdefault(name, line)
        return lines


def _json_string(raw: str) -> str:
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return value if isinstance(value, str) else raw


def _toml_name(raw: str) -> str:
    """The first segment of a TOML table name or key (`"a b".c` -> `a b`)."""
    text = raw.strip()
    if text.startswith(('"', "'")):
        end = text.find(text[0], 1)
        return text[1:end] if end > 0 else text[1:]
    return text.split(".", 1)[0].strip()


def decode(path: str, raw: bytes) -> tuple[list[Any], LineFinder]:
    """The documents of a flag file (one, except Flipt's YAML streams) and a way to find lines."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FlagFileError("not UTF-8 text") from None
    lowered = path.lower()
    try:
        if lowered.endswith(JSON_SUFFIXES):
            return [load_json(text)], LineFinder("json", text)
        if lowered.endswith(TOML_SUFFIXES):
            return [load_toml(text)], LineFinder("toml", text)
    except DataError as exc:
        raise FlagFileError(exc.message, exc.line) from None
    try:
        documents = [d for d in load_all(text) if d is not None]
    except YamlError as exc:
        raise FlagFileError(f"not valid YAML: {exc.message}", exc.line) from None
    return documents, LineFinder("yaml")
