"""Path globs as policies write them: `*` within one path segment, `**` across segments.

`services/*` matches `services/checkout`; `**/vendor/**` matches any path under a vendor folder.
Patterns are compiled once and cached.
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
                parts.append(f"[{body}]")
                i = end + 1
        else:
            parts.append(re.escape(char))
            i += 1
    return re.compile("".join(parts) + r"\Z")


def matches(path: str, pattern: str) -> bool:
    """Whether the whole path matches; a pattern naming a folder also matches everything below it."""
    regex = compile_glob(pattern)
    if regex.match(path):
        return True
    # `vendor` or `services/legacy/*` as an ignore pattern means the folder and what it holds.
    segments = path.split("/")
    return any(regex.match("/".join(segments[:n])) for n in range(1, len(segments)))


def matches_any(path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    return any(matches(path, pattern) for pattern in patterns)


def service_root(path: str, patterns: tuple[str, ...] | list[str]) -> str | None:
    """The service directory holding `path`: the shortest leading folder that a pattern matches."""
    segments = path.split("/")
    # The file name itself is never a service; only folders that contain it.
    for n in range(1, len(segments)):
        prefix = "/".join(segments[:n])
        if any(compile_glob(pattern).match(prefix) for pattern in patterns):
            return prefix
    return None
