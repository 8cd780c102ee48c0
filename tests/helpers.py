"""Shared test helpers: in-memory trees and contexts for unit tests, real git repositories for
end-to-end tests, and a runner for the real CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest

from gate.core.judge import Judgement, read_change
from gate.core.models import ChangedFile, Commit, Context, EntryKind, FileStatus, PullRequest, Verdict
from gate.core.policy import Policy, default_policy
from gate.core.request import Refs, Request

REPO_ROOT = Path(__file__).resolve().parent.parent
# The real files a test needs, copied from public projects with their sources and licences.
FIXTURES = REPO_ROOT / "tests" / "fixtures"
# The larger corpus beside the checkout (not part of a clone): only the tests over all of it read it.
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
CORPUS_ABSENT = (
    f"the corpus of public files ({CORPUS}) is not beside this checkout; the tests over all of it "
    "are skipped, and those that need single files read their copies in tests/fixtures"
)
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=CORPUS_ABSENT)
MONDAY_11 = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # inside the golden window


class FakeTree:
    """A Tree over a dict of path -> text/bytes; records every path read or listed."""

    def __init__(self, files: Mapping[str, str | bytes], rev: str = "f" * 40) -> None:
        self.files = {p: (c.encode() if isinstance(c, str) else c) for p, c in files.items()}
        self._rev = rev
        self.accessed: list[str] = []

    @property
    def rev(self) -> str:
        return self._rev

    def read(self, path: str) -> bytes | None:
        self.accessed.append(path)
        return self.files.get(path)

    def listdir(self, path: str) -> dict[str, EntryKind]:
        self.accessed.append(path + "/")
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        entries: dict[str, EntryKind] = {}
        for name in self.files:
            if name.startswith(prefix):
                rest = name[len(prefix) :]
                head, sep, _ = rest.partition("/")
                entries[head] = EntryKind.DIR if sep else EntryKind.FILE
        return entries


BASE_SHA, HEAD_SHA = "b" * 40, "h" * 40
DEFAULT_COMMIT = Commit(
    sha=HEAD_SHA,
    subject="Add the thing",
    body="",
    author_name="Ana Dev",
    author_email="ana@example.com",
    parents=(BASE_SHA,),
)


class FakeRepository:
    """The core's `Repository` over two dicts of files: base and head. `changed` limits the changed
    files to those paths (default: every path that differs)."""

    empty_tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

    def __init__(
        self,
        head: Mapping[str, str | bytes],
        base: Mapping[str, str | bytes],
        changed: list[str] | None = None,
        commit: Commit = DEFAULT_COMMIT,
    ) -> None:
        self.trees = {BASE_SHA: FakeTree(base, rev=BASE_SHA), HEAD_SHA: FakeTree(head, rev=HEAD_SHA)}
        self.head_files, self.base_files = self.trees[HEAD_SHA].files, self.trees[BASE_SHA].files
        self.changed = changed
        self.head_commit = commit

    def resolve(self, rev: str) -> str:
        return rev

    def default_base(self, head: str) -> str:
        return BASE_SHA

    def diff(self, base: str, head: str) -> list[ChangedFile]:
        head_files, base_files = self.head_files, self.base_files
        paths = sorted(set(head_files) | set(base_files)) if self.changed is None else self.changed
        files: list[ChangedFile] = []
        for path in paths:
            if path in head_files and path not in base_files:
                files.append(ChangedFile(path, FileStatus.ADDED))
            elif path not in head_files and path in base_files:
                files.append(ChangedFile(path, FileStatus.DELETED))
            elif self.changed is not None or head_files[path] != base_files[path]:
                files.append(ChangedFile(path, FileStatus.MODIFIED))
        return files

    def tree(self, rev: str) -> FakeTree:
        return self.trees[rev]

    def commit(self, sha: str) -> Commit:
        return self.head_commit


def make_context(
    head: Mapping[str, str | bytes],
    base: Mapping[str, str | bytes] | None = None,
    now: datetime = MONDAY_11,
    policy: Policy | None = None,
    changed: list[str] | None = None,
    repository: str | None = "acme/shop",
    pull_request: PullRequest | None = None,
    commit: Commit = DEFAULT_COMMIT,
) -> Context:
    """A Context whose change is the difference between `base` and `head` (dicts of files), read by
    the core's own `read_change` through a fake repository.

    `changed` limits the changed files to those paths (default: every path that differs).
    """
    fake = FakeRepository(head, base or {}, changed, commit)
    request = Request(refs=Refs(BASE_SHA, HEAD_SHA), now=now, repository=repository, pull_request=pull_request)
    return read_change(request, fake, policy or default_policy(), BASE_SHA, HEAD_SHA)


def judged_as(verdict: Verdict, context: Context, policy: Policy | None = None) -> Judgement:
    """A judgement with this verdict, for rendering: what every reporter takes."""
    request = Request(refs=Refs(context.base, context.head), now=context.now, repository=context.repository)
    return Judgement(request=request, context=context, policy=policy or default_policy(), verdict=verdict)


class GitRepo:
    """A real git repository in a temporary folder, built commit by commit."""

    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.git("config", "user.name", "Ana Dev")
        self.git("config", "user.email", "ana@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-30T09:00:00Z", "GIT_COMMITTER_DATE": "2026-11-30T09:00:00Z"}
        result = subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, text=True, check=True, env=env
        )
        return result.stdout.strip()

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        """Write (or, with None, delete) files relative to the repository."""
        for rel, content in files.items():
            target = self.path / rel
            if content is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")

    def commit(self, files: Mapping[str, str | bytes | None], message: str = "change") -> str:
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


def run_gate(*args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real CLI (`python -m gate`) as a subprocess."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None) if env is None or "GITHUB_ACTIONS" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "gate", *args],
        cwd=cwd or REPO_ROOT,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


SEED_RUNBOOK = """\
# runbook: payment-queue-lag
trigger: sqs_queue_depth > 10000 for 5m
steps:
- check: "Are consumers running?"
  command: "kubectl get pods -l app=payment-consumer -n production"
  if_no: "kubectl rollout restart deployment/payment-consumer -n production"
  if_yes: "continue"
- check: "Is Stripe responding?"
  command: "curl -o /dev/null -s -w '%{http_code}' https://api.stripe.com/v1/health"
  if_5xx: "Activate circuit breaker: kubectl set env deployment/payment-consumer STRIPE_CIRCUIT=open"
  if_200: "continue"
- check: "Consumer error logs"
  command: "kubectl logs -l app=payment-consumer --tail=100 | grep ERROR"
  action: "Analyze error pattern and escalate if unknown"
"""

SEED_CANARY = """\
apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: checkout-service
  namespace: production
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: checkout-service
  progressDeadlineSeconds: 600
  analysis:
    interval: 1m
    threshold: 5
    maxWeight: 50
    stepWeight: 10
    metrics:
    - name: request-success-rate
      thresholdRange:
        min: 99
      interval: 1m
    - name: request-duration
      thresholdRange:
        max: 500
      interval: 1m
"""


def documented_service(path: str) -> dict[str, str]:
    """The files of a fully documented service folder."""
    return {
        f"{path}/README.md": f"# {path.rsplit('/', 1)[-1]}\n\nWhat it does and who owns it.\n",
        f"{path}/runbook.yaml": SEED_RUNBOOK,
        f"{path}/docs/architecture.mmd": "graph TD\n  api --> queue --> consumer\n",
    }


@dataclass(frozen=True)
class Measured:
    """A finished run of the CLI with what it cost: wall time and the peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mib: float


def run_gate_measured(*args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None,
                      timeout: float = 120) -> Measured:
    """`run_gate`, measuring the child's own peak RSS (os.wait4 reports that child's, and the git
    processes it waited for) and its wall time. A hang is killed at `timeout` and shows as such."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    if env is None or "GITHUB_ACTIONS" not in env:
        full_env.pop("GITHUB_ACTIONS", None)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "gate", *args], cwd=cwd or REPO_ROOT, env=full_env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    output: dict[str, bytes] = {}

    def drain(name: str, stream: IO[bytes]) -> None:
        output[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(name, stream), daemon=True)
               for name, stream in (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    killer = threading.Timer(timeout, process.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        killer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    return Measured(
        returncode=process.returncode,
        stdout=output.get("out", b"").decode("utf-8", "replace"),
        stderr=output.get("err", b"").decode("utf-8", "replace"),
        seconds=time.monotonic() - started,
        max_rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
    )
