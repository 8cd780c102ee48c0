"""Kubernetes manifests: multi-document YAML with lines kept, resources filtered by kind.

A changed `.yaml`/`.yml` file is parsed once (the Context caches it) and every check that reads
manifests filters the same documents. Documents without `apiVersion` and `kind` are not resources
and are skipped, not rejected: plain rule files, kustomize patches and values files live there too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from gate.core.limits import MAX_FILE_BYTES, too_large
from gate.core.yamlio import YamlError, YMap, load_stream

YAML_SUFFIXES = (".yaml", ".yml")
__all__ = ["FLAGGER_GROUP", "MAX_FILE_BYTES", "YAML_SUFFIXES", "Document", "ManifestFile", "as_number", "get_path",
           "load_manifest", "same_namespace"]
FLAGGER_GROUP = "flagger.app"  # Flagger's API group; other projects also have a kind named Canary

# Go-template control flow or an unquoted action at the start of a value: the mark of a Helm chart
# template, which is not YAML until rendered. Placeholders inside strings parse fine and are not this.
_TEMPLATE_ACTION = re.compile(r"{{-?\s*(?:if|else|end|range|with|define|template|include|toYaml|\.|\$|/\*)")


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document of a file; `data` keeps the line of every key."""

    path: str
    index: int
    data: YMap

    @property
    def api_version(self) -> str:
        value = self.data.get("apiVersion")
        return value if isinstance(value, str) else ""

    @property
    def kind(self) -> str:
        value = self.data.get("kind")
        return value if isinstance(value, str) else ""

    @property
    def group(self) -> str:
        """The API group (`flagger.app` of `flagger.app/v1beta1`); "" for the core group."""
        return self.api_version.rpartition("/")[0]

    @property
    def metadata(self) -> YMap:
        value = self.data.get("metadata")
        return value if isinstance(value, YMap) else _empty_map(self.data.line)

    @property
    def name(self) -> str:
        value = self.metadata.get("name")
        return str(value) if value is not None else ""

    @property
    def namespace(self) -> str | None:
        value = self.metadata.get("namespace")
        return str(value) if value is not None else None

    @property
    def labels(self) -> dict[str, str]:
        value = self.metadata.get("labels")
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    @property
    def spec(self) -> YMap:
        value = self.data.get("spec")
        return value if isinstance(value, YMap) else _empty_map(self.data.line)

    @property
    def line(self) -> int:
        return self.data.line

    @property
    def is_resource(self) -> bool:
        return bool(self.api_version) and bool(self.kind)


@dataclass(frozen=True, slots=True)
class ManifestFile:
    """A parsed file: its documents, or why it could not be parsed."""

    path: str
    documents: tuple[Document, ...] = ()
    error: str | None = None
    error_line: int | None = None
    is_template: bool = False  # a Helm template that does not parse: a notice, not an error
    missing: bool = False
    nodes: int = 0  # values parsed: what keeping the file costs

    @property
    def ok(self) -> bool:
        return self.error is None and not self.missing

    def resources(self, kinds: Iterable[str] = (), groups: Iterable[str] | None = None) -> Iterator[Document]:
        """Documents that are resources, filtered by kind and by API group when given."""
        wanted_kinds = set(kinds)
        wanted_groups = set(groups) if groups is not None else None
        for document in self.documents:
            if not document.is_resource:
                continue
            if wanted_kinds and document.kind not in wanted_kinds:
                continue
            if wanted_groups is not None and document.group not in wanted_groups:
                continue
            yield document


def load_manifest(path: str, content: bytes | None) -> ManifestFile:
    """Parse a manifest file's bytes (None: the file is absent on that side)."""
    if content is None:
        return ManifestFile(path=path, missing=True)
    if (large := too_large(content)) is not None:
        return ManifestFile(path=path, error=large)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ManifestFile(path=path, error="not UTF-8 text: is this really a YAML file?")
    try:
        loaded = load_stream(text)
    except YamlError as exc:
        return ManifestFile(
            path=path, error=exc.message, error_line=exc.line, is_template=bool(_TEMPLATE_ACTION.search(text))
        )
    documents: list[Document] = []
    for index, data in enumerate(loaded.documents):
        if data is None:
            continue  # empty documents and a trailing `---` are fine
        if isinstance(data, YMap):
            documents.append(Document(path=path, index=index, data=data))
        # A top-level list or scalar is a valid YAML file that holds no resources (a values list, a
        # kustomize patch list); checks that need a specific shape say so themselves.
    return ManifestFile(path=path, documents=tuple(documents), nodes=loaded.nodes)


def _empty_map(line: int) -> YMap:
    empty = YMap()
    empty.line = line
    empty.key_lines = {}
    return empty


def get_path(data: Any, *keys: str | int) -> Any:
    """`data[k1][k2]...` or None when any step is missing or of the wrong type."""
    current = data
    for key in keys:
        if isinstance(key, int):
            if not isinstance(current, list) or not -len(current) <= key < len(current):
                return None
            current = current[key]
        else:
            if not isinstance(current, dict) or key not in current:
                return None
            current = current[key]
    return current


def as_number(value: Any) -> float | None:
    """A YAML number (or a numeric string, which some manifests quote) as a float; None otherwise.

    Booleans are not numbers here, though Python treats them as ints: `threshold: true` is a mistake
    to report, not the number 1. Neither are NaN and the infinities (`.nan`, `.inf`, `1e999`).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float: no count, weight or bound is one
            return None
        # NaN compares false with every bound and infinity passes every minimum: neither is a
        # number a manifest can mean (Kubernetes rejects both), so neither may decide a check.
        return number if math.isfinite(number) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def same_namespace(first: Document, second: Document) -> bool:
    """Whether two resources are in the same namespace; an unset namespace matches any, since it is
    chosen when the manifest is applied (kubectl -n, kustomize)."""
    return first.namespace is None or second.namespace is None or first.namespace == second.namespace
