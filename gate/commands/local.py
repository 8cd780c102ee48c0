"""What the local subcommands (`check`, `notify`, `window`) share: the options that name a change
(`--repo`, `--base`, `--head`, `--policy`, `--now`) and how they become a `Request`.

The action builds its request from the GitHub Actions event instead (`gate.commands.action`).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from gate.adapters.git import Git
from gate.core.errors import PolicyError
from gate.core.judge import Judgement, judge
from gate.core.request import OverrideEvidence, PolicySource, PolicyText, Refs, RepositoryPolicy, Request
from gate.core.times import parse_time

# A policy is a few kilobytes; anything past this is not one (and `/dev/zero` never ends).
MAX_POLICY_BYTES = 1024 * 1024


def add_change_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", metavar="DIR", type=Path, default=Path(), help="the repository (default: .)")
    parser.add_argument(
        "--base",
        metavar="REV",
        help="base revision (default: the merge-base with the default branch, else the parent of --head, "
        "else the empty tree)",
    )
    parser.add_argument("--head", metavar="REV", default="HEAD", help="head revision (default: HEAD)")
    parser.add_argument(
        "--policy",
        metavar="FILE",
        type=Path,
        help="policy file (default: .github/gate.yaml as it is on the base side, so a change cannot loosen "
        "the rules it is judged by; else the bundled default policy)",
    )


def now_from(args: argparse.Namespace) -> datetime:
    """`--now` when given, else the clock."""
    text = getattr(args, "now", None)
    return parse_time(text) if text else datetime.now(UTC)


def policy_source(path: Path | None) -> PolicySource:
    """`--policy FILE`, read here (the core reads no files), else the repository's own policy."""
    if path is None:
        return RepositoryPolicy()
    return PolicyText(read_policy_file(path), str(path))


def read_policy_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            text = handle.read(MAX_POLICY_BYTES + 1)
    except FileNotFoundError:
        raise PolicyError(f"{path}: no such policy file") from None
    except IsADirectoryError:
        raise PolicyError(f"{path}: is a folder, not a policy file") from None
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the policy: {exc.strerror}") from None
    if len(text) > MAX_POLICY_BYTES:
        raise PolicyError(f"{path}: larger than {MAX_POLICY_BYTES // 1024} KiB; this is not a policy file")
    return text


def request_from(args: argparse.Namespace, git: Git, override: OverrideEvidence, event: str | None = None) -> Request:
    return Request(
        refs=Refs(base=args.base, head=args.head),
        now=now_from(args),
        policy=policy_source(args.policy),
        override=override,
        repository=os.environ.get("GITHUB_REPOSITORY") or git.github_repository(),
        event=event,
    )


@contextmanager
def judged(args: argparse.Namespace, override: OverrideEvidence, event: str | None = None) -> Iterator[Judgement]:
    """Judge the change the options name; the repository stays open while the caller uses the
    judgement (the notice reads the changed manifests again through the same git process)."""
    with Git(args.repo) as git:
        yield judge(request_from(args, git, override, event), git)
