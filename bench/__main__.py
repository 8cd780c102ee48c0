"""`python -m bench`: gate check against the floor for N = 100, 1000 and 5000 services.

Prints the table (wall time and peak memory of whole processes, medians), the ratios the targets
are stated in, the slowest imports from `python -X importtime`, and what each stage of one run
costs (bench/stages.py). Nothing here asserts a time: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import measure, monorepo

TARGET_RATIO = 2.0  # gate check / floor at N = 5000
TARGET_GROWTH = 1.2  # N = 5000 / N = 100
TARGET_PEAK_MIB = 60.0


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("service counts are positive numbers")
    return sizes


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--n", type=_sizes, default=[100, 1000, 5000], metavar="N,N,...",
                        help="repository sizes in services (default: 100,1000,5000)")
    parser.add_argument("--k", type=_positive, default=10, help="services the change touches (default: 10)")
    parser.add_argument("--runs", type=_positive, default=5, help="measured runs of each process (default: 5)")
    parser.add_argument("--imports", type=int, default=15, metavar="COUNT",
                        help="how many of the slowest imports to list (default: 15; 0: skip importtime)")
    parser.add_argument("--no-stages", dest="stages", action="store_false", help="skip the stage breakdown")
    parser.add_argument("--profile", action="store_true",
                        help="also run gate check under cProfile at the largest N and list the top functions")
    parser.add_argument("--policy", type=Path, metavar="FILE",
                        help="judge with this policy file (gate check --policy) instead of the bundled default, "
                        "e.g. policies/default.yaml to include validating a policy file")
    parser.add_argument("--against", type=Path, metavar="DIR",
                        help="also run the gate in DIR/gate (another checkout, e.g. a `git worktree` of main), "
                        "alternating with this one, to compare two versions on the same machine at the same time")
    parser.add_argument("--cache", type=Path, default=monorepo.DEFAULT_CACHE,
                        help="where built repositories are kept (default: bench/.cache)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every number to FILE as JSON")
    return parser.parse_args(argv)


def _extra(args: argparse.Namespace) -> list[str]:
    return ["--policy", str(args.policy.resolve())] if args.policy is not None else []


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    cores = len(os.sched_getaffinity(0))
    return f"{model}, {cores} cores, Python {platform.python_version()}, {git}"


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    if args.against is not None:
        args.against = args.against.resolve()
    results: dict[str, Any] = {"machine": machine(), "k": args.k, "runs": args.runs, "sizes": {},
                               "policy": str(args.policy) if args.policy else None}
    print(f"gate benchmark on {results['machine']}")
    results["load_before"] = _load()
    print(f"load average before: {results['load_before']} (other work on the machine slows wall times; CPU times less)")
    compiled = [measure.ensure_bytecode(), *([measure.ensure_bytecode(args.against)] if args.against else [])]
    print(f"gate's modules byte-compiled in {', '.join(map(str, compiled))} (as an installed package has them)")
    repos: dict[int, monorepo.Repo] = {}
    for size in args.n:
        started = time.perf_counter()
        repos[size] = monorepo.cached(size, args.k, args.cache)
        results["sizes"][size] = {"prepare_seconds": round(time.perf_counter() - started, 3)}
    files = len(repos[args.n[0]].changed)
    print(
        f"change: {args.k} services edited + 1 added = {files} files; `gate check --format json` with every "
        f"check on, against the floor\n(one git diff-tree, one git cat-file --batch over the changed files, "
        f"PyYAML's C loader over them, same interpreter);\n"
        + (f"against: the gate in {args.against}, run alternately (rows marked `(against)`)\n" if args.against else "")
        + f"policy: {args.policy or 'the bundled default'}; whole processes, median of {args.runs} rounds after a "
        "warm-up, each round running every size and program in turn; peak = max RSS (wait4)\n"
    )
    print(f"{'':>14}{'gate check':-^33} {'floor':-^33}")
    print(f"{'N':>6} {'repo s':>7}" + f"{'wall s':>9}{'(min)':>8}{'cpu s':>8}{'MiB':>8} " * 2
          + f"{'gate/floor':>11}{'(cpu)':>7}")
    comparisons = measure.compare([repos[size] for size in args.n], args.runs, _extra(args), args.against)
    for size, comparison in zip(args.n, comparisons, strict=True):
        gate, floor, other = comparison.gate, comparison.floor, comparison.other
        entry = results["sizes"][size]
        entry.update(_entry("gate", gate, floor))
        entry.update(_entry("floor", floor, floor))
        _row(f"{size:>6} {entry['prepare_seconds']:>7.1f}", gate, floor)
        if other is not None:
            entry["against"] = _entry("gate", other, floor)
            _row(f"{'(against)':>14}", other, floor)
    start = measure.interpreter_start(args.runs)
    results["python_c_pass"] = {"seconds": start.seconds, "cpu_seconds": start.cpu_seconds, "peak_mib": start.peak_mib}
    print(f"{'python -c pass':>14}{start.seconds:>9.3f}{start.fastest:>8.3f}{start.cpu_seconds:>8.3f}"
          f"{start.peak_mib:>8.1f}  (the interpreter's start-up alone)")
    _targets(args.n, results)
    if args.imports > 0:
        _imports(repos[args.n[-1]], args, results)
    if args.stages:
        _stages(repos, args, results)
    if args.profile:
        _profile(repos[args.n[-1]], _extra(args))
    results["load_after"] = _load()
    print(f"\nload average after: {results['load_after']}")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def _entry(name: str, series: measure.Series, floor: measure.Series) -> dict[str, Any]:
    entry: dict[str, Any] = {
        f"{name}_seconds": series.seconds, f"{name}_fastest": series.fastest, f"{name}_cpu_seconds": series.cpu_seconds,
        f"{name}_peak_mib": series.peak_mib, f"{name}_all": [s.seconds for s in series.samples],
    }
    if name != "floor":
        entry.update(ratio=series.seconds / floor.seconds, cpu_ratio=series.cpu_seconds / floor.cpu_seconds)
    return entry


def _row(head: str, gate: measure.Series, floor: measure.Series) -> None:
    cells = "".join(
        f"{series.seconds:>9.3f}{series.fastest:>8.3f}{series.cpu_seconds:>8.3f}{series.peak_mib:>8.1f} "
        for series in (gate, floor)
    )
    print(f"{head}{cells}{gate.seconds / floor.seconds:>10.2f}x{gate.cpu_seconds / floor.cpu_seconds:>6.2f}x",
          flush=True)


def _targets(sizes: list[int], results: dict[str, Any]) -> None:
    small, large = sizes[0], sizes[-1]
    at_large = results["sizes"][large]
    growth = at_large["gate_seconds"] / results["sizes"][small]["gate_seconds"]
    floor_growth = at_large["floor_seconds"] / results["sizes"][small]["floor_seconds"]
    results["growth"] = growth
    results["floor_growth"] = floor_growth
    print(f"\ntargets (stated for N = 5000 and N = 100; measured at N = {large} and N = {small}):")
    rows = [
        ("gate/floor", f"{at_large['ratio']:.2f}x", f"<= {TARGET_RATIO}x", at_large["ratio"] <= TARGET_RATIO),
        (f"gate N={large} / N={small}", f"{growth:.2f}x", f"<= {TARGET_GROWTH}x", growth <= TARGET_GROWTH),
        ("gate peak memory", f"{at_large['gate_peak_mib']:.1f} MiB", f"<= {TARGET_PEAK_MIB:.0f} MiB",
         at_large["gate_peak_mib"] <= TARGET_PEAK_MIB),
    ]
    for name, value, target, met in rows:
        print(f"  {name:<22} {value:>10}   target {target:<10} {'met' if met else 'NOT MET'}")
    print(f"  {'floor N=' + str(large) + ' / N=' + str(small):<22} {floor_growth:>9.2f}x   (for reference)")


def _imports(repo: monorepo.Repo, args: argparse.Namespace, results: dict[str, Any]) -> None:
    runs = min(args.runs, 5)
    times = measure.import_times(repo, runs, _extra(args))
    results["imports"] = [t.__dict__ for t in times]
    total = sum(t.self_ms for t in times)
    print(f"\nimports of gate check (python -X importtime, median of {runs} runs): {len(times)} modules, "
          f"{total:.0f} ms in all; by cause (ms, modules):")
    by_cause: dict[str, list[measure.ImportTime]] = {}
    for t in times:
        by_cause.setdefault(t.cause, []).append(t)
    for cause, modules in sorted(by_cause.items(), key=lambda item: -sum(t.self_ms for t in item[1])):
        print(f"  {sum(t.self_ms for t in modules):>7.1f} {len(modules):>4}  {cause}")
    print("  slowest by cumulative time (ms, self ms, module as nested):")
    for t in sorted(times, key=lambda t: -t.cumulative_ms)[: args.imports]:
        print(f"  {t.cumulative_ms:>7.1f} {t.self_ms:>7.1f}  {'  ' * t.depth}{t.module}")
    print("  slowest by own time (ms, module):")
    for t in sorted(times, key=lambda t: -t.self_ms)[: args.imports]:
        print(f"  {t.self_ms:>7.1f}  {t.module}")


def _stages(repos: dict[int, monorepo.Repo], args: argparse.Namespace, results: dict[str, Any]) -> None:
    runs = min(args.runs, 11)
    sizes = sorted({min(repos), max(repos)})
    measured = {size: measure.stages(repos[size], runs, _extra(args)) for size in sizes}
    results["stages"] = {size: m.__dict__ for size, m in measured.items()}
    largest = measured[sizes[-1]]
    print(f"\nwhere one gate check spends its time after start-up (bench/stages.py: exclusive ms, median and "
          f"fastest of {runs} runs; calls at N = {sizes[-1]}):")
    print(f"  {'stage':<64}" + "".join(f"{'N=' + str(size):>9}{'(min)':>7}" for size in sizes) + f"{'calls':>7}")
    stages: dict[str, None] = {}
    for m in measured.values():
        stages.update(dict.fromkeys(m.seconds))

    def cells(select: Callable[[measure.StageRuns], float]) -> str:
        return "".join(f"{select(measured[size]) * 1000:>9.1f}{_fastest(measured[size], select) * 1000:>7.1f}"
                       for size in sizes)

    def one(stage: str) -> Callable[[measure.StageRuns], float]:
        return lambda m: m.seconds.get(stage, 0.0)

    for stage in stages:
        print(f"  {stage:<64}{cells(one(stage))}{largest.calls.get(stage, 0):>7}")

    def total(*prefixes: str) -> Callable[[measure.StageRuns], float]:
        return lambda m: sum(v for k, v in m.seconds.items() if not prefixes or k.startswith(prefixes))

    print(f"  {'all of the above':<64}{cells(total())}")
    print(f"  {'  of which imports (module bodies, classes built as they load)':<64}"
          f"{cells(total('import:', 'gate: build'))}")
    print(f"  {'  of which git (processes, cat-file, tree parsing)':<64}{cells(total('git:', 'tree:'))}")
    print(f"  peak resident memory in these runs: {largest.peak_mib:.1f} MiB")
    if largest.unwrapped:
        print(f"  not split out (gone from gate; update bench/stages.py): {', '.join(largest.unwrapped)}")


def _fastest(runs: measure.StageRuns, select: Callable[[measure.StageRuns], float]) -> float:
    """`select` applied to the fastest value of every stage (a sum of fastest values for totals)."""
    return select(measure.StageRuns(runs.fastest, runs.fastest, runs.calls, runs.peak_mib, runs.unwrapped))


def _profile(repo: monorepo.Repo, extra: list[str]) -> None:
    import pstats

    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "gate.prof"
        argv = measure.gate_argv(repo, extra)
        sample = measure.run_child([argv[0], "-m", "cProfile", "-o", str(output), *argv[1:]])
        if sample.returncode != 0:
            raise SystemExit(f"bench: gate check under cProfile failed: {sample.stderr.decode(errors='replace')}")
        print(f"\ncProfile of one gate check at N = {repo.services} (top functions by cumulative time):")
        stats = pstats.Stats(str(output), stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
