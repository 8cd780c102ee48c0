"""Path globs as policies write them: `*` within one path segment, `**` across segments.

`services/*` matches `services/checkout`; `**/vendor/**` matches any path under a vendor folder.
Patterns are compiled once and cached. A path matches only as a whole, whatever it contains
(newlines and bytes that are not UTF-8 included); a bracket that is not a valid class is literal.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    i = 0
    pattern = pattern.strip("/")
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            parts.append(r"(?:[^/]+/)*")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(r".*")
            i += 2
        elif char == "*":
            parts.append(r"[^/]*")
            i += 1
        elif char == "?":
            parts.append(r"[^/]")
            i += 1
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                parts.append(re.escape(char))
                i += 1
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                parts.append(_bracket(body) or re.escape(pattern[i : end + 1]))
                i = end + 1
        else:
            parts.append(re.escape(char))
            i += 1
    # DOTALL and a full match: a path matches as a whole whatever it contains, a newline included,
    # so a file cannot slip past a glob by its name.
    return re.compile("".join(parts), re.DOTALL)


def _bracket(body: str) -> str | None:
    """A character class as a regex, or None when it is not one (`[]`, `[z-a]`): then it is literal."""
    try:
        re.compile(f"[{body}]")
    except re.error:
        return None
    return f"[{body}]"


def matches(path: str, pattern: str) -> bool:
    """Whether the whole path matches; a pattern naming a folder also matches everything below it."""
    regex = compile_glob(pattern)
    if regex.fullmatch(path):
        return True
    # `vendor` or `services/legacy/*` as an ignore pattern means the folder and what it holds.
    segments = path.split("/")
    return any(regex.fullmatch("/".join(segments[:n])) for n in range(1, len(segments)))


def matches_any(path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    return any(matches(path, pattern) for pattern in patterns)


def service_root(path: str, patterns: tuple[str, ...] | list[str]) -> str | None:
    """The service directory holding `path`: the shortest leading folder that a pattern matches."""
    segments = path.split("/")
    # The file name itself is never a service; only folders that contain it.
    for n in range(1, len(segments)):
        prefix = "/".join(segments[:n])
        if any(compile_glob(pattern).fullmatch(prefix) for pattern in patterns):
            return prefix
    return None
