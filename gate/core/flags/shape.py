"""Decoding a flag file's text (JSON, YAML 1.2, TOML) and finding the line of a key in it.

YAML goes through `gate.core.yamlio`, which keeps the line of every key and reads `on`/`off`/`yes`/`no`
and dates as strings, as the Go tools that own these formats do. JSON and TOML parsers keep no
positions, so a small scan of the text finds a flag's line; a miss only costs the line number.
"""

from __future__ import annotations

import re
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


class LineFinder:
    """Where keys and list items start, for one decoded text."""

    def __init__(self, kind: str, text: str = "") -> None:
        self.kind = kind
        self.text = text

    def of_key(self, container: Any, key: Any) -> int | None:
        if self.kind == "yaml":
            return line_of(container, key)
        name = re.escape(normal_key(key))
        if self.kind == "json":
            return self._first(rf'"{name}"\s*:')
        return self._first(rf'^\s*\[{{1,2}}\s*"?{name}"?\s*[.\]]|^\s*"?{name}"?\s*=')

    def of_item(self, container: Any, index: int, key: str | None = None) -> int | None:
        if self.kind == "yaml":
            return line_of(container, index)
        if key is not None and self.kind == "json":
            return self._first(rf'"key"\s*:\s*"{re.escape(key)}"')
        return None

    def _first(self, pattern: str) -> int | None:
        found = re.search(pattern, self.text, re.MULTILINE)
        return self.text.count("\n", 0, found.start()) + 1 if found else None


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
