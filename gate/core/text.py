"""Text that came from outside, made safe to show: encodable as UTF-8, and one line where a line is promised.

Paths gate reads from git keep the bytes of names that are not UTF-8 as lone surrogates
(Python's `surrogateescape`), so the file can still be read by its real name. Such a string cannot
be written as UTF-8: every place that writes text (a report, the log, the job summary, an SNS
message) shows those bytes as `\\xNN` instead, and never fails on them. An error gate prints is one
line whatever the input contained: line breaks and control characters in a path, a ref or an API
message are shown escaped, so they can neither break the line nor start another one.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

_SURROGATES = re.compile("[\ud800-\udfff]")
# Line breaks of every kind Python's str.splitlines() knows, and the other control characters
# (C0, DEL, C1) that a terminal or a log viewer would act on.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every lone surrogate shown as an escape, so it always encodes as UTF-8."""
    if text.isascii():
        return text
    return _SURROGATES.sub(_escape_surrogate, text)


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """`text` as one printable line: line breaks and control characters escaped, surrogates too."""
    return _CONTROLS.sub(_escape_control, printable(text))


def visible(text: str) -> str:
    """`text` with control characters escaped except its line breaks (`\\n`), which stay lines."""
    return "\n".join(one_line(line) for line in printable(text).split("\n"))


def printable_data(value: Any) -> Any:
    """A JSON-like value (dicts, lists, strings, numbers) with every string made printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(key): printable_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [printable_data(item) for item in value]
    return value


def printable_deep(value: Any) -> Any:
    """`value` (frozen dataclasses, tuples, lists, dicts, strings) with every string made printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, tuple):
        return tuple(printable_deep(item) for item in value)
    if isinstance(value, list):
        return [printable_deep(item) for item in value]
    if isinstance(value, dict):
        return {printable_deep(key): printable_deep(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: printable_deep(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value
