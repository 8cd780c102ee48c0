"""How much of a file gate reads and keeps: the bounds every reader shares.

A tree hands out a `Truncated` prefix instead of reading a huge file into memory; every reader
that bounds what it parses refuses it by its real size (`too_large`).
"""

from __future__ import annotations

MAX_FILE_BYTES = 4 * 1024 * 1024  # larger files are generated bundles; judging them would stall CI
# YAML values one judgement keeps parsed (about 200 bytes each once built): many files of the
# largest size each would otherwise add up past any memory bound.
MAX_NODES_KEPT = 400_000


class Truncated(bytes):
    """The first bytes of a file too large to read whole; `size` is the whole file's size.

    A tree hands this out instead of reading a huge file into memory. It is longer than
    `MAX_FILE_BYTES`, so every reader that bounds what it parses refuses it, naming the real size.
    """

    size: int


def size_of(content: bytes) -> int:
    """The size of the file `content` came from (its real size when it was truncated)."""
    return content.size if isinstance(content, Truncated) else len(content)


def too_large(content: bytes) -> str | None:
    """Why a file is too large to judge, or None."""
    size = size_of(content)
    if size <= MAX_FILE_BYTES:
        return None
    return f"too large to judge ({size / 1048576:.1f} MiB; gate reads files up to {MAX_FILE_BYTES // 1048576} MiB)"
