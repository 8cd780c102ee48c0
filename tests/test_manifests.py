"""Manifests: multi-document YAML with lines, resources by kind and group, unreadable files."""

from __future__ import annotations

import pytest
from helpers import make_context

from gate.core.engine import read_changed_yaml
from gate.core.manifests import Document, as_number, get_path, load_manifest, same_namespace
from gate.core.models import Severity

MULTI = b"""\
---
apiVersion: v1
kind: Service
metadata:
  name: checkout
---
# only a comment: an empty document
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: checkout
  namespace: production
spec:
  analysis:
    threshold: 5
---
apiVersion: canaries.flanksource.com/v1
kind: Canary
metadata: {name: health}
---
replicaCount: 3
---
"""


def test_documents_keep_their_lines_and_empty_documents_are_skipped() -> None:
    manifest = load_manifest("deploy/all.yaml", MULTI)
    assert manifest.ok
    assert [(d.kind, d.line) for d in manifest.documents] == [("Service", 2), ("Canary", 9), ("Canary", 18), ("", 22)]
    canary = manifest.documents[1]
    assert canary.spec["analysis"].line_of("threshold") == 16
    assert (canary.name, canary.namespace, canary.group) == ("checkout", "production", "flagger.app")


@pytest.mark.parametrize(
    ("kinds", "groups", "names"),
    [
        ((), None, ["Service", "Canary", "Canary"]),
        (("Canary",), None, ["Canary", "Canary"]),
        (("Canary",), ("flagger.app",), ["Canary"]),
        ((), ("",), ["Service"]),
        (("Deployment",), None, []),
    ],
    ids=["all-resources", "by-kind", "by-kind-and-group", "core-group", "none"],
)
def test_resources_filter_by_kind_and_group(kinds: tuple[str, ...], groups: tuple[str, ...] | None,
                                            names: list[str]) -> None:
    manifest = load_manifest("a.yaml", MULTI)
    assert [d.kind for d in manifest.resources(kinds=kinds, groups=groups)] == names


@pytest.mark.parametrize(
    ("text", "ok", "template"),
    [
        (b"a: [1, 2\n", False, False),
        (b"kind: Canary\nspec:\n{{- if .Values.canary.enabled }}\n  x: 1\n{{- end }}\n", False, True),
        (b"threshold: {{ .Values.threshold }}\n", False, True),
        (b"query: |\n  sum(rate(x{namespace=\"{{ namespace }}\"}[{{ interval }}]))\n", True, False),
        (b"url: http://loadtester.${NAMESPACE}/\n", True, False),
        (b"- a\n- b\n", True, False),
        (b"\xff\xfe\x00", False, False),
        (b"", True, False),
    ],
    ids=["broken", "helm-control-flow", "helm-value", "flagger-query-placeholder", "env-placeholder", "top-level-list",
         "not-utf8", "empty"],
)
def test_what_parses(text: bytes, ok: bool, template: bool) -> None:
    manifest = load_manifest("a.yaml", text)
    assert (manifest.ok, manifest.is_template) == (ok, template)


def test_an_absent_file_is_missing_not_broken() -> None:
    manifest = load_manifest("gone.yaml", None)
    assert manifest.missing and not manifest.ok and manifest.error is None


def test_the_engine_reports_broken_files_as_errors_and_helm_templates_as_notices() -> None:
    context = make_context(head={
        "deploy/broken.yaml": "a: [1\n",
        "chart/templates/canary.yaml": "spec:\n{{- if .Values.on }}\n  a: 1\n{{- end }}\n",
        "deploy/fine.yaml": "a: 1\n",
    })
    findings = {f.path: f for f in read_changed_yaml(context)}
    assert set(findings) == {"deploy/broken.yaml", "chart/templates/canary.yaml"}
    assert findings["deploy/broken.yaml"].severity is Severity.ERROR
    assert findings["deploy/broken.yaml"].rule == "invalid-file"
    assert findings["chart/templates/canary.yaml"].severity is Severity.NOTICE


def test_unchanged_files_are_not_read() -> None:
    context = make_context(head={"deploy/a.yaml": "a: 1\n", "deploy/b.yaml": "b: [\n"}, base={"deploy/b.yaml": "b: [\n"})
    assert read_changed_yaml(context) == []
    assert "deploy/b.yaml" not in context.head_tree.accessed  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("value", "number"),
    [(5, 5.0), (0.5, 0.5), ("10", 10.0), (" 2 ", 2.0), (True, None), ("ten", None), (None, None), ("nan", None),
     ([1], None)],
)
def test_as_number(value: object, number: float | None) -> None:
    assert as_number(value) == number


def _doc(namespace: str | None) -> Document:
    meta = f"metadata: {{name: x, namespace: {namespace}}}\n" if namespace else "metadata: {name: x}\n"
    return load_manifest("a.yaml", f"apiVersion: v1\nkind: X\n{meta}".encode()).documents[0]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [("a", "a", True), ("a", "b", False), (None, "b", True), ("a", None, True), (None, None, True)],
)
def test_same_namespace(first: str | None, second: str | None, same: bool) -> None:
    assert same_namespace(_doc(first), _doc(second)) is same


def test_get_path() -> None:
    data = {"spec": {"metrics": [{"name": "a"}]}}
    assert get_path(data, "spec", "metrics", 0, "name") == "a"
    assert get_path(data, "spec", "metrics", 3, "name") is None
    assert get_path(data, "spec", "nope") is None
