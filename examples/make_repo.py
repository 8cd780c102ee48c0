#!/usr/bin/env python3
"""Turn examples/shop into a real git repository with a pull-request-like change.

    python3 examples/make_repo.py [TARGET]      (default: examples/repo)

`main` holds examples/shop/base (four services, all documented); the branch `express-checkout`
adds examples/shop/change on top: a flag activation, a new service, an edited runbook and an
autoscaler. Commit dates and authors are fixed, so the repository is the same on every machine.
Standard library only: it runs before gate is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHOP = HERE / "shop"


def git(repo: Path, *args: str, author: tuple[str, str] = ("Ana Dev", "ana@shop.example")) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": author[0],
        "GIT_COMMITTER_EMAIL": author[1],
        "GIT_AUTHOR_DATE": "2026-11-30T09:00:00Z",
        "GIT_COMMITTER_DATE": "2026-11-30T09:00:00Z",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else HERE / "repo"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SHOP / "base", target)
    git(target, "init", "-q", "-b", "main")
    git(target, "config", "commit.gpgsign", "false")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "Import the shop services")
    git(target, "checkout", "-q", "-b", "express-checkout")
    # Plain copies (fresh mtimes): git must see an edit even when the size stays the same.
    shutil.copytree(SHOP / "change", target, dirs_exist_ok=True, copy_function=shutil.copy)
    git(target, "add", "-A")
    message = (
        "Launch express checkout behind a flag\n\n"
        "Turns on express-checkout for 10% of users, adds the payments API service,\n"
        "and scales payment-consumer on CPU as well as queue depth."
    )
    git(target, "commit", "-q", "-m", message, author=("Bruno Ortiz", "bruno@shop.example"))
    print(f"example repository ready: {target} (main..express-checkout)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
