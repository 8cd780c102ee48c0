"""What each stage of one `gate check --format json` costs, measured inside the process.

    python bench/stages.py REPO NOW [GATE-CHECK-OPTION...]

Runs the real `gate.cli.main(["check", ...])` after importing gate module by module (so each
import's cost is its own) and wrapping the functions where time goes: the git subprocesses and the
cat-file round trips, YAML and flag-file parsing, the policy, each check, the engine and the
reporter. Time is counted exclusively: a git read inside a check is git's, not the check's.
Prints one JSON object: stage -> seconds, in the order the stages first ran, plus a few counts.
Nothing of gate is changed on disk; the wrappers live only in this process.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_clock = time.perf_counter


class Ledger:
    """Exclusive time per label: entering a label pauses the one that was running."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[list[Any]] = []  # [label, started]

    def enter(self, label: str) -> None:
        now = _clock()
        if self._stack:
            top = self._stack[-1]
            self.totals[top[0]] = self.totals.get(top[0], 0.0) + now - top[1]
        self._stack.append([label, now])
        self.calls[label] = self.calls.get(label, 0) + 1
        self.totals.setdefault(label, 0.0)

    def leave(self) -> None:
        now = _clock()
        label, started = self._stack.pop()
        self.totals[label] += now - started
        if self._stack:
            self._stack[-1][1] = now

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.enter(label)
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()

        return timed

    def wrap_generator(self, label: str, function: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        """A check is a generator: its time is spent while it is asked for the next item."""

        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            self.enter(label)
            try:
                iterator = function(*args, **kwargs)
            finally:
                self.leave()
            while True:
                self.enter(label)
                try:
                    item = next(iterator)
                except StopIteration:
                    return
                finally:
                    self.leave()
                yield item

        return timed


LEDGER = Ledger()


def _import(label: str, *modules: str) -> None:
    import importlib

    LEDGER.enter(label)
    for module in modules:
        importlib.import_module(module)
    LEDGER.leave()


def _time_model_classes() -> None:
    """Count the time pydantic spends building model classes (fields, core schema, validator)."""
    from pydantic._internal import _model_construction

    metaclass = _model_construction.ModelMetaclass
    build = LEDGER.wrap("pydantic: build model classes", metaclass.__new__)
    setattr(metaclass, "__new__", staticmethod(build))  # noqa: B010 - mypy rejects assigning __new__


def main(argv: list[str]) -> int:
    repo, now, *extra = argv
    # Imports in the order `gate check` needs them; each line's cost excludes what earlier ones loaded.
    _import("import: gate.cli (argparse, datetime, pathlib)", "gate.cli")
    _import("import: yaml (PyYAML, C loader)", "yaml")
    _import("import: pydantic (BaseModel, fields, validators)", "pydantic", "pydantic.main", "pydantic.fields",
            "pydantic.functional_validators", "pydantic.config")
    _time_model_classes()
    _import("import: gate.core.models, yamlio, manifests", "gate.core.models", "gate.core.yamlio",
            "gate.core.manifests")
    _import("import: gate.adapters.git (subprocess)", "gate.adapters.git")
    _import("import: gate.core.window, flags (zoneinfo, tomllib)", "gate.core.window", "gate.core.flags",
            "gate.core.flags.diff")
    _import("import: gate.core.checks (6 checks, Options classes)", "gate.core.checks")
    _import("import: gate.core.policy", "gate.core.policy")
    _import("import: gate.core.engine, context, judge", "gate.core.engine", "gate.core.context", "gate.core.judge")
    _import("import: gate.core.report.json", "gate.core.report", "gate.core.report.json")

    import contextlib
    import io
    import os

    import gate.cli
    import gate.core.context
    import gate.core.flags
    import gate.core.judge
    import gate.core.manifests
    import gate.core.report.json
    from gate.adapters.git import Git, GitTree
    from gate.core.checks import REGISTRY
    from gate.core.checks.base import CheckSpec
    from gate.core.policy import Policy, policy_model

    for owner, name, label in (
        (Git, "object", "git: cat-file --batch round trips"),
        (Git, "_run", "git: rev-parse, merge-base, log, hash-object"),
        (Git, "_run_bytes", "git: diff-tree"),
        (Git, "parse_tree", "git: parse tree objects (Python)"),
        (Git, "close", "git: close cat-file"),
        (GitTree, "read", "tree: read (symlinks, cache)"),
        (gate.core.manifests, "load_all", "parse: YAML (yamlio, C loader + line-keeping)"),
        (gate.core.flags, "decode", "parse: flag files (json)"),
        (gate.core.flags, "read_flag_file", "flags: read into the model"),
        (gate.core.context, "default_policy", "policy: validate the default"),
        (Policy, "options", "policy: each check's options (dump + validate)"),
        (gate.core.judge, "build_context", "context: diff, touched services"),
        (gate.core.judge, "evaluate", "engine: read changed YAML, levels, verdict"),
        (gate.core.report.json, "render", "report: json"),
    ):
        # Patched where it is looked up at call time (the importing module's namespace, or the class).
        setattr(owner, name, LEDGER.wrap(label, getattr(owner, name)))
    for rule_id, spec in list(REGISTRY.items()):
        REGISTRY[rule_id] = CheckSpec(spec.id, spec.options, LEDGER.wrap_generator(f"check: {rule_id}", spec.run),
                                      spec.doc)

    LEDGER.enter("policy: build the model classes")
    policy_model()
    LEDGER.leave()

    out = io.StringIO()
    LEDGER.enter("cli: arguments, dispatch, exit code")
    with contextlib.redirect_stdout(out):
        code = gate.cli.main(["check", "--repo", repo, "--format", "json", "--now", now, *extra])
    LEDGER.leave()

    import json

    report = json.loads(out.getvalue())
    result = {
        "stages": LEDGER.totals,
        "calls": LEDGER.calls,
        "exit": code,
        "verdict": report["verdict"],
        "modules": len(sys.modules),
        "pid_rss_kib": _rss_kib(os.getpid()),
    }
    print(json.dumps(result))
    return 0


def _rss_kib(pid: int) -> int | None:
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
