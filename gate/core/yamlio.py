"""Safe YAML loading that keeps the line of every key, read as YAML 1.2 reads it.

Why YAML 1.2: the flag formats gate reads (Flipt, GO Feature Flag, flagd) are written for Go's
yaml libraries, where `on`, `off`, `yes` and `no` are strings and dates stay strings. PyYAML's
YAML 1.1 resolvers would turn Flipt's `on`/`off` variant keys into booleans and `10:30` into a
sexagesimal integer. One loader for every file keeps the behaviour the same everywhere.

Mappings load as `YMap` (a dict that knows its own line and the line of each key) and sequences as
`YList` (a list that knows the line of each item), so every finding can point at a line.
The C loader is used when PyYAML was built with it.

Untrusted input is bounded before anything is built from it. Each document's node graph, as
composed from the text, is measured once (linear time, aliases counted by memoised size): aliases
may not expand a document beyond `max(ALIAS_FLOOR, ALIAS_RATIO x its own nodes)` nodes, nor beyond
`ALIAS_MAX_NODES`, the way Kubernetes' YAML decoder refuses "billion laughs" documents; a document
may not nest deeper than `MAX_DEPTH` (through aliases too); an alias may not contain itself; and an
integer has at most `MAX_INT_DIGITS` digits; a file holds at most `MAX_NODES` values, counted before
anything is kept. Each is a `YamlError` with the line, which gate reports as `invalid-file`, so no
reader after the loader has to be careful about size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

try:  # the C parser is several times faster on large files
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment,misc,unused-ignore]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


# Aliases may expand a document to ALIAS_RATIO times its own nodes (at least ALIAS_FLOOR nodes, at
# most ALIAS_MAX_NODES): plenty for shared blocks and merge keys, nothing like a billion laughs.
ALIAS_RATIO = 10
ALIAS_FLOOR = 10_000
ALIAS_MAX_NODES = 1_000_000
# Deeper than any manifest, flag file or policy; shallow enough that every reader, recursive or
# not, walks it well inside Python's recursion limit.
MAX_DEPTH = 128
# Python's own limit for converting decimal text to an integer (sys.get_int_max_str_digits()).
MAX_INT_DIGITS = 4300
# Values (scalars, sequences, mappings, aliases) in one file: about 2 MiB of a typical manifest.
# Composing keeps each node in memory, so larger texts are counted first, cheaply, and refused.
MAX_NODES = 100_000
_COUNT_FIRST = 64 * 1024  # a text this short cannot hold MAX_NODES values
_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


class YMap(dict[Any, Any]):
    """A mapping with `line` (1-based, where it starts) and `key_lines` (key -> line)."""

    line: int
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """The line of `key` if present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A sequence with `line` and `item_lines` (index -> line)."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def line_of(container: Any, key: Any = None) -> int | None:
    """The line of `key` in `container` (or of the container itself); None for plain values."""
    if isinstance(container, YMap):
        return container.line_of(key) if key is not None else container.line
    if isinstance(container, YList):
        return container.line_of(key) if isinstance(key, int) else container.line
    return None


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc,unused-ignore]
    """SafeLoader with YAML 1.2 core-schema scalars and line-keeping containers."""


# YAML 1.2 core schema: only these plain scalars resolve to non-strings.
_Loader.yaml_implicit_resolvers = {}
_CORE_RESOLVERS: list[tuple[str, str, str]] = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)\Z", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)\Z", "~nN\0"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)\Z", "<"),
]
for _tag, _pattern, _first in _CORE_RESOLVERS:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
# An empty plain scalar has no first character; PyYAML looks it up under None.
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^\Z"), [None])


def _construct_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if len(text) > MAX_INT_DIGITS:
        # Python refuses to convert such text (a ValueError, not a YAML error); no tool's config holds one.
        raise yaml.constructor.ConstructorError(
            None, None, f"an integer of {len(text)} digits; gate reads integers of up to {MAX_INT_DIGITS}",
            node.start_mark,
        )
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Iterator[YMap]:
    data = YMap()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as exc:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark
            ) from exc
        if key in data:
            # YAML forbids it and Go's decoders (kubectl, Flipt, GO Feature Flag) reject it: silently
            # keeping the last value would judge something the cluster never sees.
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r} (first at line {data.key_lines[key]})",
                key_node.start_mark,
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_seq(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> Iterator[YList]:
    data = YList()
    data.line = node.start_mark.line + 1
    data.item_lines = []
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=True))
        data.item_lines.append(child.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
# Explicit `!!timestamp` stays a string too; dates are compared as text or parsed by the reader.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


class YamlError(ValueError):
    """A YAML text could not be parsed; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class Loaded:
    """The documents of a YAML stream and how many nodes it holds (its cost to keep in memory)."""

    documents: list[Any]
    nodes: int


def load_all(text: str | bytes) -> list[Any]:
    """Every document of a YAML stream; empty documents are None. Raises YamlError."""
    return load_stream(text).documents


def load_stream(text: str | bytes) -> Loaded:
    """`load_all` with the stream's node count. Raises YamlError."""
    documents: list[Any] = []
    nodes = 0
    try:
        if len(text) > _COUNT_FIRST:
            _count_nodes(text)
        loader = _Loader(text)
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is not None:
                    nodes += check_graph(node)
                documents.append(loader.construct_document(node) if node is not None else None)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(str(problem), line) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc).splitlines()[0] if str(exc) else "invalid YAML", None) from None
    except RecursionError:
        raise YamlError("nesting too deep", None) from None
    return Loaded(documents, nodes)


def _count_nodes(text: str | bytes) -> None:
    """Refuse a stream of more than MAX_NODES values before composing it: composing keeps every node
    (about 600 bytes each), and a text of a few MiB can hold millions. Events are counted and dropped."""
    loader = _Loader(text)
    count = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _NODE_EVENTS):
                count += 1
                if count > MAX_NODES:
                    mark = event.start_mark
                    raise YamlError(
                        f"more than {MAX_NODES:,} values; gate judges YAML files of up to that many (a generated "
                        "bundle? list it under the policy's `ignore`)",
                        mark.line + 1 if mark is not None else None,
                    )
    finally:
        loader.dispose()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_graph(root: yaml.Node) -> int:
    """Refuse a composed document that aliases expand too far, nests too deep, or that contains itself;
    the number of its own nodes otherwise.

    One pass over the distinct nodes, in post-order, without recursion: each node's expanded size
    and depth are computed once from its children's, so shared (aliased) nodes cost nothing more.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()  # on the current path: meeting one again is an alias of an ancestor
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            children = _children(node)
            size[key] = 1 + sum(size[id(child)] for child in children)
            depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
            open_nodes.discard(key)
            if depth[key] > MAX_DEPTH:
                raise YamlError(f"nested deeper than {MAX_DEPTH} levels (aliases included)", _line(node))
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise YamlError("an alias refers to a node that contains it (a recursive structure)", _line(node))
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)
    own = len(size)
    expanded = size[id(root)]
    allowed = min(ALIAS_MAX_NODES, max(ALIAS_FLOOR, ALIAS_RATIO * own))
    if expanded > own and expanded > allowed:
        raise YamlError(
            f"aliases expand this document to {_count(expanded)} nodes from {own} written, more than the "
            f"{_count(allowed)} gate reads (a \"billion laughs\" document?)",
            _first_over(root, size, allowed),
        )
    return own


def _first_over(root: yaml.Node, size: dict[int, int], allowed: int) -> int | None:
    """The line of the innermost node whose expansion alone passes the bound: where the aliasing is."""
    node = root
    while True:
        bigger = [child for child in _children(node) if size[id(child)] > allowed]
        if not bigger:
            return _line(node)
        node = bigger[0]


def _line(node: yaml.Node) -> int | None:
    mark = node.start_mark
    return mark.line + 1 if mark is not None else None


def _count(number: int) -> str:
    return f"{number:,}" if number < 10**15 else f"about 10^{len(str(number)) - 1}"


def load_one(text: str | bytes) -> Any:
    """A single-document YAML text (a flag file, a runbook, a policy)."""
    documents = [d for d in load_all(text) if d is not None]
    if len(documents) > 1:
        raise YamlError(f"expected one YAML document, found {len(documents)}", None)
    return documents[0] if documents else None
