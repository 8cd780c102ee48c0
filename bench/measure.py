"""Running `gate check`, the floor and the stage breakdown as whole processes, and summarising them.

Every child is started by bench/launcher.py, a small process that times it from spawn to exit and
reads its peak memory, `ru_maxrss` from `wait4` (the largest resident set of the child, or of a git
process it waited for if that was larger, which it never is here). Runs of `gate check` and of the
floor alternate, so a busy machine slows both alike; the table shows medians.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bench.monorepo import NOW, Repo

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Sample:
    seconds: float
    cpu_seconds: float
    peak_mib: float
    returncode: int
    stdout: bytes
    stderr: bytes


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def fastest(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(s.cpu_seconds for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return statistics.median(s.peak_mib for s in self.samples)


class Launcher:
    """The process that starts every measured child (see bench/launcher.py for why)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="gate-bench-")
        # Children start in this empty folder: `python -m gate` puts its working folder first on the
        # import path, and the checkout it was started from would shadow the gate it is meant to run.
        self._process = subprocess.Popen(
            [sys.executable, "-S", "-I", str(HERE / "launcher.py")], cwd=self._folder.name,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )

    def run(self, argv: Sequence[str], pythonpath: Path | None = None) -> Sample:
        assert self._process.stdin is not None and self._process.stdout is not None
        out, err = Path(self._folder.name) / "stdout", Path(self._folder.name) / "stderr"
        fields = (pythonpath or "", out, err, *argv)
        request = b"\0".join(os.fsencode(str(part)) for part in fields) + b"\n"
        self._process.stdin.write(request)
        self._process.stdin.flush()
        reply = self._process.stdout.readline().split()
        if len(reply) != 4:
            raise SystemExit(f"bench: the launcher stopped while running {' '.join(argv)}")
        code, seconds, cpu, peak_kib = int(reply[0]), float(reply[1]), float(reply[2]), int(reply[3])
        return Sample(seconds, cpu, peak_kib / 1024, code, out.read_bytes(), err.read_bytes())

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=10)
        self._folder.cleanup()


_launchers: list[Launcher] = []  # one per benchmark run, started on first use


def run_child(argv: Sequence[str], pythonpath: Path | None = None) -> Sample:
    """One run of `argv` to its exit: wall time, peak RSS, exit code and output. `pythonpath`: a
    folder holding another copy of gate to import instead of the installed one."""
    if not _launchers:
        _launchers.append(Launcher())
        atexit.register(_launchers[0].close)
    return _launchers[0].run(argv, pythonpath)


def ensure_bytecode(root: Path | None = None) -> Path:
    """Byte-compile gate's modules, as `pip install` does for an installed package.

    An editable install (the development set-up) has no bytecode until Python writes it, and with
    PYTHONDONTWRITEBYTECODE set it never does: every run would compile gate's sources again, a cost
    users' installations do not pay. `root`: a folder holding another copy of gate (its `gate/`).
    Returns the package folder compiled.
    """
    import compileall
    import importlib.util

    if root is not None:
        folder = root.resolve() / "gate"
        if not (folder / "__init__.py").is_file():
            raise SystemExit(f"bench: {root} holds no gate package (expected {folder}/__init__.py)")
    else:
        spec = importlib.util.find_spec("gate")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("bench: gate is not importable by this interpreter; install it (pip install -e .)")
        folder = Path(next(iter(spec.submodule_search_locations)))
    if not compileall.compile_dir(folder, quiet=1):
        raise SystemExit(f"bench: could not byte-compile {folder}")
    return folder


def gate_argv(repo: Repo, extra: Sequence[str] = ()) -> list[str]:
    # `python -m gate` is the `gate` command (DESIGN §2); every check is on (the bundled default
    # policy), and the time is fixed inside the golden window so the verdict does not depend on the clock.
    # `extra`: more options for gate check, such as `--policy FILE`.
    return [sys.executable, "-m", "gate", "check", "--repo", str(repo.path), "--format", "json", "--now", NOW, *extra]


def floor_argv(repo: Repo) -> list[str]:
    return [sys.executable, str(HERE / "floor.py"), str(repo.path), repo.base, repo.head]


def expect_judged(repo: Repo, sample: Sample) -> None:
    """Fail loudly unless gate judged the whole change: a benchmark of an error path measures nothing."""
    if sample.returncode != 0:
        raise SystemExit(
            f"bench: gate check exited {sample.returncode} on {repo.path}: {sample.stderr.decode(errors='replace')}"
        )
    report = json.loads(sample.stdout)
    services = len(report["services"])
    activations = len(report["activations"])
    if report["verdict"] != "pass" or services != repo.touched + 1 or activations != repo.activations:
        raise SystemExit(
            f"bench: gate check did not judge the benchmark change as built ({report['verdict']}, {services} "
            f"services, {activations} activations; expected pass, {repo.touched + 1}, {repo.activations}): "
            f"{report['findings']}"
        )


def expect_floor(repo: Repo, sample: Sample) -> None:
    if sample.returncode != 0 or not sample.stdout.startswith(f"{len(repo.changed)} files".encode()):
        raise SystemExit(f"bench: the floor did not read the change: {sample.stdout!r} {sample.stderr!r}")


@dataclass
class Comparison:
    """The runs at one repository size: gate check, the floor and, with `--against`, the other gate."""

    gate: Series
    floor: Series
    other: Series | None


def compare(
    repos: Sequence[Repo], runs: int, extra: Sequence[str] = (), against: Path | None = None
) -> list[Comparison]:
    """`runs` rounds; each runs, for every repository in turn, gate check, the floor and (with
    `against`) the copy of gate in that folder, after one unmeasured warm-up of each. Interleaving
    the sizes as well means a busy spell slows every size alike, not the one measured then."""
    comparisons: list[Comparison] = []
    contenders: list[tuple[Series, Callable[[], Sample], Callable[[Sample], None]]] = []
    for repo in repos:
        comparison = Comparison(Series(), Series(), Series() if against is not None else None)
        comparisons.append(comparison)
        contenders += [
            (comparison.gate, partial(run_child, gate_argv(repo, extra)), partial(expect_judged, repo)),
            (comparison.floor, partial(run_child, floor_argv(repo)), partial(expect_floor, repo)),
        ]
        if comparison.other is not None:
            contenders.append(
                (comparison.other, partial(run_child, gate_argv(repo, extra), against), partial(expect_judged, repo))
            )
    for _series, start, check in contenders:
        check(start())
    for _ in range(runs):
        for series, start, check in contenders:
            series.samples.append(sample := start())
            check(sample)
    return comparisons


def interpreter_start(runs: int) -> Series:
    series = Series()
    for _ in range(runs):
        series.samples.append(run_child([sys.executable, "-c", "pass"]))
    return series


# -- python -X importtime -----------------------------------------------------------------------------

_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")


@dataclass(frozen=True)
class ImportTime:
    module: str
    self_ms: float
    cumulative_ms: float
    depth: int
    cause: str  # who made the process import it (see `_causes`)


START_UP = "interpreter start-up (site, encodings; the same in `python -c pass`)"
PYDANTIC = "pydantic and its dependencies (pydantic_core, annotated_types, typing_*), with the stdlib they load"
PYYAML = "PyYAML"
GATE = "gate's own modules (their bodies: dataclasses, enums, pydantic model classes, regexes)"
STDLIB = "stdlib modules gate imports (argparse, dataclasses, subprocess, zoneinfo, json, ...)"
OTHER = "other third-party modules"
_OWNERS = {"pydantic": PYDANTIC, "pydantic_core": PYDANTIC, "annotated_types": PYDANTIC,
           "typing_extensions": PYDANTIC, "typing_inspection": PYDANTIC, "yaml": PYYAML, "_yaml": PYYAML,
           "gate": GATE}


def _parse_importtime(stderr: bytes) -> list[tuple[str, float, float, int]]:
    """(module, self ms, cumulative ms, depth) in the order Python reports them (children first)."""
    rows = []
    for line in stderr.decode(errors="replace").splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            own, total, indent, name = match.groups()
            rows.append((name, int(own) / 1000, int(total) / 1000, len(indent) // 2))
    return rows


def _causes(rows: list[tuple[str, float, float, int]], start_up: set[str]) -> dict[str, str]:
    """Each module's cause: start-up, or the owner of the nearest non-stdlib module above it (itself
    included), so that `email` loaded for pydantic's plugin lookup counts as pydantic's."""
    causes: dict[str, str] = {}
    ancestors: list[str] = []
    for name, _own, _total, depth in reversed(rows):  # reversed: every parent before its children
        del ancestors[depth:]
        ancestors.append(name)
        if name in start_up:
            causes[name] = START_UP
            continue
        cause = STDLIB
        for module in reversed(ancestors):
            top = module.split(".")[0]
            if top not in sys.stdlib_module_names:
                cause = _OWNERS.get(top, OTHER)
                break
        # The standard library gate itself asks for is its own line; what pydantic pulls in is pydantic's.
        is_stdlib = name.split(".")[0] in sys.stdlib_module_names
        causes[name] = STDLIB if cause == GATE and is_stdlib else cause
    return causes


def import_times(repo: Repo, runs: int, extra: Sequence[str] = ()) -> list[ImportTime]:
    """Every module `gate check` imports, with the median self and cumulative time over `runs` runs."""
    bare = run_child([sys.executable, "-X", "importtime", "-c", "pass"])
    start_up = {row[0] for row in _parse_importtime(bare.stderr)}
    seen: dict[str, list[tuple[float, float, int]]] = {}
    causes: dict[str, str] = {}
    for _ in range(runs):
        argv = gate_argv(repo, extra)
        rows = _parse_importtime(run_child([argv[0], "-X", "importtime", *argv[1:]]).stderr)
        causes = causes or _causes(rows, start_up)
        for name, own, total, depth in rows:
            seen.setdefault(name, []).append((own, total, depth))
    return [
        ImportTime(name, statistics.median(t[0] for t in times), statistics.median(t[1] for t in times), times[0][2],
                   causes.get(name, OTHER))
        for name, times in seen.items()
    ]


# -- the stage breakdown -----------------------------------------------------------------------------

@dataclass
class StageRuns:
    """Seconds per stage over several runs of bench/stages.py (median, and the fastest run's, which
    a busy machine disturbs least), with what it could not split out."""

    seconds: dict[str, float]
    fastest: dict[str, float]
    calls: dict[str, int]
    peak_mib: float
    unwrapped: list[str]


def stages(repo: Repo, runs: int, extra: Sequence[str] = ()) -> StageRuns:
    """Median seconds per stage of one `gate check` (see bench/stages.py), over `runs` processes."""
    collected: dict[str, list[float]] = {}
    peaks: list[float] = []
    result: dict[str, Any] = {}
    for _ in range(runs):
        sample = run_child([sys.executable, str(HERE / "stages.py"), str(repo.path), NOW, *extra])
        if sample.returncode != 0:
            raise SystemExit(f"bench: the stage breakdown failed: {sample.stderr.decode(errors='replace')}")
        result = json.loads(sample.stdout)
        if result["exit"] != 0 or result["verdict"] != "pass":
            raise SystemExit(f"bench: the stage breakdown did not judge the change: {result}")
        for stage, seconds in result["stages"].items():
            collected.setdefault(stage, []).append(seconds)
        peaks.append((result["peak_rss_kib"] or 0) / 1024)
    # A stage missing from a run (none is, as the runs are alike) counts as 0 there.
    padded = {stage: times + [0.0] * (runs - len(times)) for stage, times in collected.items()}
    seconds = {stage: statistics.median(times) for stage, times in padded.items()}
    fastest = {stage: min(times) for stage, times in padded.items()}
    return StageRuns(seconds, fastest, result["calls"], statistics.median(peaks), result["unwrapped"])
