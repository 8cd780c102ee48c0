"""What each stage of one `gate check --format json` costs, measured inside the process.

    python bench/stages.py REPO NOW [GATE-CHECK-OPTION...]

Runs the real `gate.cli.main(["check", ...])` with two kinds of instruments, installed before gate
is imported and changing nothing on disk:

- an import hook that times every module's body as gate imports it, in gate's own order, grouped
  by who asked for it (a gate module, pydantic, PyYAML; the standard library a gate module imports
  is its own line, what pydantic pulls in counts as pydantic's). Building dataclasses and pydantic
  model classes inside gate's modules is split out of their bodies;
- wrappers, put on as each gate module finishes loading, around the functions where the run's time
  goes: the git processes and cat-file round trips, YAML and flag-file parsing, the policy, each
  check, the engine and the reporter. A wrapper whose function is gone (gate changed) is listed
  under `unwrapped` rather than failing the run.

Time is counted exclusively: a git read inside a check is git's, not the check's, and a module
imported while another loads is its own line. Prints one JSON object: stage -> seconds (in the order
the stages first ran), calls per stage, the exit code and the peak resident memory.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # typing costs milliseconds to import; gate's own import of it must stay gate's
    from collections.abc import Callable, Iterator
    from typing import Any

_clock = time.perf_counter


class Ledger:
    """Exclusive time per label: entering a label pauses the one that was running."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.stack: list[list[Any]] = []  # [label, started]

    @property
    def current(self) -> str:
        return str(self.stack[-1][0]) if self.stack else ""

    def enter(self, label: str) -> None:
        now = _clock()
        if self.stack:
            top = self.stack[-1]
            self.totals[top[0]] = self.totals.get(top[0], 0.0) + now - top[1]
        self.stack.append([label, now])
        self.calls[label] = self.calls.get(label, 0) + 1
        self.totals.setdefault(label, 0.0)

    def leave(self) -> None:
        now = _clock()
        label, started = self.stack.pop()
        self.totals[label] += now - started
        if self.stack:
            self.stack[-1][1] = now

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
UNWRAPPED: list[str] = []

PYDANTIC = "import: pydantic and its dependencies (with the stdlib they load)"
PYYAML = "import: yaml (PyYAML)"
GATE_STDLIB = "import: stdlib modules gate imports"
_THIRD_PARTY = {"pydantic": PYDANTIC, "pydantic_core": PYDANTIC, "annotated_types": PYDANTIC,
                "typing_extensions": PYDANTIC, "typing_inspection": PYDANTIC, "yaml": PYYAML, "_yaml": PYYAML}
# gate's modules that cost enough to be lines of their own; the rest share one line.
_GATE_LINES = ("gate.cli", "gate.core.models", "gate.core.yamlio", "gate.core.manifests", "gate.adapters.git",
               "gate.core.checks", "gate.core.flags", "gate.core.window", "gate.core.policy", "gate.core.report")


def import_label(module: str, current: str) -> str | None:
    """The label a module's import is counted under; None: under whatever is loading it."""
    top = module.split(".", maxsplit=1)[0]
    if top == "gate":
        line = next((name for name in _GATE_LINES if module == name or module.startswith(name + ".")), None)
        return f"import: {line}" if line else "import: gate's other modules"
    if top in _THIRD_PARTY:
        return _THIRD_PARTY[top]
    by_gate = not current or current.startswith("import: gate")
    if top in sys.stdlib_module_names or top.startswith("_sysconfigdata"):
        return GATE_STDLIB if by_gate else None
    return f"import: {top}" if by_gate else None


def install_import_hook(after: dict[str, Callable[[], None]]) -> Callable[[], None]:
    """Time each module's loading under its label; run `after[name]()` once that module has loaded.
    Returns the function that takes the hook off again."""
    import importlib._bootstrap as bootstrap  # the frozen importlib that `import` itself runs

    load = bootstrap._load_unlocked  # type: ignore[attr-defined]

    def timed_load(spec: Any) -> Any:
        label = import_label(spec.name, LEDGER.current)
        if label is None or label == LEDGER.current:
            module = load(spec)
        else:
            LEDGER.enter(label)
            try:
                module = load(spec)
            finally:
                LEDGER.leave()
        hook = after.pop(spec.name, None)
        if hook is not None:
            hook()
        return module

    def uninstall() -> None:
        bootstrap._load_unlocked = load  # type: ignore[attr-defined]

    bootstrap._load_unlocked = timed_load  # type: ignore[attr-defined]
    return uninstall


def _wrap(module_name: str, owner_name: str | None, attributes: str, label: str) -> None:
    """Wrap the first of `attributes` ("a|b": older or newer names of the same step) that exists."""
    module = sys.modules[module_name]
    owner = getattr(module, owner_name, None) if owner_name else module
    for attribute in attributes.split("|"):
        function = getattr(owner, attribute, None) if owner is not None else None
        if function is not None:
            # Patched where it is looked up at call time (the importing module's namespace, or the class).
            setattr(owner, attribute, LEDGER.wrap(label, function))
            return
    UNWRAPPED.append(f"{module_name}.{owner_name + '.' if owner_name else ''}{attributes}")


def _wrap_all(module_name: str, *wrappers: tuple[str | None, str, str]) -> Callable[[], None]:
    def wrap_all() -> None:
        for wrapper in wrappers:
            _wrap(module_name, *wrapper)

    return wrap_all


def _split_out(label: str, build: Callable[..., Any]) -> Callable[..., Any]:
    """`build` as a line of its own when a gate module calls it (pydantic's own dataclasses stay pydantic's)."""

    def timed(*args: Any, **kwargs: Any) -> Any:
        if not LEDGER.current.startswith("import: gate"):
            return build(*args, **kwargs)
        LEDGER.enter(label)
        try:
            return build(*args, **kwargs)
        finally:
            LEDGER.leave()

    return timed


def _time_dataclasses() -> None:
    module = sys.modules["dataclasses"]
    module._process_class = _split_out("gate: build dataclasses", module._process_class)  # type: ignore[attr-defined]


def _time_model_classes() -> None:
    metaclass = sys.modules["pydantic._internal._model_construction"].ModelMetaclass
    build = _split_out("gate: build pydantic model classes", metaclass.__new__)
    setattr(metaclass, "__new__", staticmethod(build))  # noqa: B010 - mypy rejects assigning __new__


def _wrap_checks() -> None:
    registry = getattr(sys.modules["gate.core.checks"], "REGISTRY", None)
    if not isinstance(registry, dict):
        UNWRAPPED.append("gate.core.checks.REGISTRY")
        return
    import dataclasses

    for rule_id, spec in list(registry.items()):
        run = getattr(spec, "run", None)
        if run is None or not dataclasses.is_dataclass(spec) or isinstance(spec, type):
            UNWRAPPED.append(f"gate.core.checks.REGISTRY[{rule_id!r}].run")
            continue
        registry[rule_id] = dataclasses.replace(spec, run=LEDGER.wrap_generator(f"check: {rule_id}", run))


AFTER: dict[str, Callable[[], None]] = {
    "dataclasses": _time_dataclasses,
    "pydantic._internal._model_construction": _time_model_classes,
    "gate.adapters.git": _wrap_all(
        "gate.adapters.git",
        ("Git", "_request|object", "git: cat-file --batch round trips"),
        ("Git", "_run", "git: processes read as text (rev-parse, merge-base, config)"),
        ("Git", "_run_bytes", "git: processes read as bytes (diff-tree, log)"),
        ("Git", "parse_tree", "git: parse tree objects (Python)"),
        ("Git", "close", "git: close cat-file"),
        ("GitTree", "read", "tree: read a file (symlinks, cache)"),
    ),
    "gate.core.manifests": _wrap_all(
        "gate.core.manifests", (None, "load_stream|load_all", "parse: YAML manifests (yamlio: C parser, line-keeping)")
    ),
    "gate.core.flags": _wrap_all(
        "gate.core.flags", (None, "decode", "parse: flag files"), (None, "read_flag_file", "flags: read into the model")
    ),
    "gate.core.policy": _wrap_all(
        "gate.core.policy", ("Policy", "options", "policy: each check's options"),
        (None, "policy_adapter", "policy: build the validator of a policy file (pydantic)"),
    ),
    "gate.core.judge": _wrap_all(
        "gate.core.judge",
        (None, "read_change", "context: diff, touched services"),
        (None, "evaluate", "engine: read changed YAML, levels, verdict"),
        (None, "default_policy", "policy: the bundled default (no validation)"),
        (None, "parse_policy", "policy: validate a policy file (the repository's or --policy)"),
    ),
    "gate.commands.local": _wrap_all("gate.commands.local", (None, "read_policy_file", "policy: read --policy FILE")),
    "gate.core.checks": _wrap_checks,
    "gate.core.report.json": _wrap_all("gate.core.report.json", (None, "render", "report: json")),
}


def main(argv: list[str]) -> int:
    repo, now, *extra = argv
    import io

    if "dataclasses" in sys.modules:  # loaded at start-up (not in every Python): time it from here on
        AFTER.pop("dataclasses")()
    uninstall = install_import_hook(AFTER)
    LEDGER.enter("import: gate.cli")
    import gate.cli

    LEDGER.leave()
    captured, sys.stdout = sys.stdout, io.StringIO()
    LEDGER.enter("cli: arguments, dispatch, exit code")
    try:
        code = gate.cli.main(["check", "--repo", repo, "--format", "json", "--now", now, *extra])
    finally:
        LEDGER.leave()
        buffer, sys.stdout = sys.stdout, captured
        output = buffer.getvalue() if isinstance(buffer, io.StringIO) else ""
        uninstall()

    import json

    report = json.loads(output) if code in (0, 1) else {}
    print(json.dumps({
        "stages": LEDGER.totals,
        "calls": LEDGER.calls,
        "exit": code,
        "verdict": report.get("verdict"),
        "modules": len(sys.modules),
        "peak_rss_kib": _peak_rss_kib(),
        "unwrapped": UNWRAPPED,  # functions gate no longer has: their stage is not split out
        "not_imported": sorted(AFTER),  # modules this run never loaded
    }))
    return 0


def _peak_rss_kib() -> int | None:
    from pathlib import Path

    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
