"""The floor: the least any tool must do to judge a change, run as its own process.

    python bench/floor.py REPO BASE HEAD

One `git diff-tree` lists the change, one `git cat-file --batch` reads every changed file at head,
and PyYAML's C loader parses each of them (JSON is YAML, so flag files too); nothing else. It
prints how many files and documents it read, so the benchmark can check it did the work. It is
started with the same interpreter as `gate check`, so both pay the same start-up.
"""

from __future__ import annotations

import subprocess
import sys

import yaml

PARSED = (b".yaml", b".yml", b".json")


def main(argv: list[str]) -> int:
    repo, base, head = argv
    listing = subprocess.run(
        ["git", "diff-tree", "-r", "-z", "-M", "--raw", "--no-commit-id", base, head],
        cwd=repo, capture_output=True, check=True,
    ).stdout
    fields = listing.split(b"\0")
    paths: list[bytes] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i].split(b" ")[-1][:1]
        step = 3 if status in b"RC" else 2
        if status != b"D":
            paths.append(fields[i + step - 1])
        i += step
    batch = b"".join(head.encode() + b":" + path + b"\n" for path in paths)
    out = subprocess.run(["git", "cat-file", "--batch"], cwd=repo, input=batch, capture_output=True, check=True).stdout
    documents = 0
    offset = 0
    for path in paths:
        end = out.index(b"\n", offset)
        size = int(out[offset:end].rsplit(b" ", 1)[1])
        content = out[end + 1 : end + 1 + size]
        offset = end + 1 + size + 1
        if path.lower().endswith(PARSED):
            documents += sum(1 for _ in yaml.load_all(content, Loader=yaml.CSafeLoader))
    print(f"{len(paths)} files, {documents} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
