"""The architecture, held by a test: a pure core, edges around it, entry points on top, no cycles.

- `gate.core` (the judgement, the checks, flags, notice and reports) imports neither an edge
  (`gate.adapters`) nor an entry point (`gate.cli`, `gate.commands`), and nothing that does I/O:
  no process, socket, HTTP or AWS client, no environment, no clock, no file opened.
- `gate.adapters` (git, GitHub, SNS, the Actions runner) never imports an entry point.
- No module imports itself back through others (imports inside functions count too; imports only
  for type checkers do not, since they never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO_ROOT

PACKAGE = REPO_ROOT / "gate"

# What the pure core must never import: the edges and entry points, and libraries whose only use
# is I/O.
CORE_FORBIDDEN_IMPORTS = (
    "gate.adapters",
    "gate.commands",
    "gate.cli",
    "os",
    "subprocess",
    "socket",
    "shutil",
    "threading",
    "httpx",
    "tenacity",
    "boto3",
    "botocore",
    "urllib.request",
    "http.client",
)
# Calls that read the clock or the outside world, by their last two names.
CORE_FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("Path", "cwd"),
}
CORE_FORBIDDEN_ATTRIBUTES = {"read_text", "read_bytes", "write_text", "write_bytes", "environ", "getenv"}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    """Line numbers inside `if TYPE_CHECKING:` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(module: str, *, runtime_only: bool) -> Iterator[str]:
    """Every module `module` imports by name (`from a.b import c` is a.b.c when that is a module)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    skipped = _type_checking_blocks(tree) if runtime_only else set()
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield candidate if candidate in MODULES else base


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


CORE = sorted(name for name in MODULES if _within(name, "gate.core"))
ADAPTERS = sorted(name for name in MODULES if _within(name, "gate.adapters"))


@pytest.mark.parametrize("module", CORE)
def test_the_core_imports_no_edge_entry_point_or_io(module: str) -> None:
    found = [
        name
        for name in imports(module, runtime_only=False)
        if any(_within(name, forbidden) for forbidden in CORE_FORBIDDEN_IMPORTS)
    ]
    assert not found, f"{module} imports {found}: the core must stay pure (see docs/architecture.md)"


@pytest.mark.parametrize("module", CORE)
def test_the_core_reads_no_clock_environment_or_file(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("open", "input"):
            problems.append(f"line {node.lineno}: {node.func.id}()")
        if isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if (owner, node.attr) in CORE_FORBIDDEN_CALLS or node.attr in CORE_FORBIDDEN_ATTRIBUTES:
                problems.append(f"line {node.lineno}: {owner or '...'}.{node.attr}")
    assert not problems, f"{module} does I/O or reads the clock: {problems}"


@pytest.mark.parametrize("module", ADAPTERS)
def test_the_edges_import_no_entry_point(module: str) -> None:
    found = [
        name
        for name in imports(module, runtime_only=False)
        if _within(name, "gate.commands") or _within(name, "gate.cli")
    ]
    assert not found, f"{module} imports {found}: an edge never depends on an entry point"


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_package_has_no_import_cycle() -> None:
    graph = {module: {name for name in imports(module, runtime_only=True) if name in MODULES} for module in MODULES}
    assert import_cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    # The test above must be able to fail.
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"a"}}) == [["a"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []
