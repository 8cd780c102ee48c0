"""The YAML loader: YAML 1.2 scalars (as Go tools read them) and the line of every key."""

from __future__ import annotations

import pytest

from gate.core import yamlio
from gate.core.yamlio import MAX_DEPTH, YamlError, YList, YMap, load_all, load_one


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on", "on"), ("off", "off"), ("yes", "yes"), ("no", "no"), ("y", "y"),
        ("true", True), ("False", False), ("TRUE", True),
        ("2026-11-30", "2026-11-30"), ("2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z"),
        ("10:30", "10:30"),  # YAML 1.1 would read a sexagesimal 630
        ("012", 12), ("0o17", 15), ("0x1f", 31), ("1_000", "1_000"),
        ("1.5", 1.5), ("1e3", 1000.0), ("~", None), ("null", None), ("'on'", "on"),
    ],
)
def test_scalars_resolve_as_yaml_1_2(text: str, expected: object) -> None:
    assert load_one(f"v: {text}\n")["v"] == expected


def test_flipt_on_off_variant_keys_stay_strings() -> None:
    data = load_one("variants:\n  - key: on\n  - key: off\n")
    assert [v["key"] for v in data["variants"]] == ["on", "off"]


def test_lines_of_keys_and_items() -> None:
    data = load_one("a: 1\nb:\n  c: 2\n  d:\n    - x\n    - y: 3\n")
    assert isinstance(data, YMap) and isinstance(data["b"]["d"], YList)
    assert data.line == 1 and data.line_of("b") == 2
    assert data["b"].line_of("d") == 4
    assert data["b"]["d"].line_of(1) == 6 and data["b"]["d"][1].line_of("y") == 6
    assert data.line_of("missing") == 1


def test_multi_document_with_empty_and_trailing_separator() -> None:
    docs = load_all("---\n---\na: 1\n---\nb: 2\n---\n")
    assert [d for d in docs if d is not None] == [{"a": 1}, {"b": 2}]
    assert [d.line for d in docs if d is not None] == [3, 5]


def test_merge_keys_work() -> None:
    data = load_one("base: &b {x: 1}\nthing:\n  <<: *b\n  y: 2\n")
    assert data["thing"] == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: [1\nb: 2\n", 2), ("a: b: c\n", 1), ("a:\n\tb: 1\n", 2), ("? [a]\n: 1\n", 1)],
)
def test_errors_carry_a_line(text: str, line: int | None) -> None:
    with pytest.raises(YamlError) as raised:
        load_all(text)
    assert raised.value.line == line
    assert "\n" not in raised.value.message


def test_load_one_refuses_several_documents() -> None:
    with pytest.raises(YamlError, match="one YAML document"):
        load_one("a: 1\n---\nb: 2\n")


def test_python_tags_are_refused() -> None:
    with pytest.raises(YamlError):
        load_all("!!python/object/apply:os.system ['true']\n")


def test_duplicate_keys_are_errors_with_both_lines() -> None:
    with pytest.raises(YamlError) as raised:
        load_all("spec:\n  replicas: 1\n  replicas: 3\n")
    assert raised.value.line == 3
    assert "duplicate key 'replicas' (first at line 2)" in raised.value.message


# A plain tree (no alias, merge key or tag) is measured while it is built, in the same pass; the
# others by check_graph. Both must agree on what they measure and refuse.
PLAIN_TREES = [
    "a: 1\n",
    "apiVersion: v1\nkind: List\nitems:\n  - {name: a, ports: [80, 443]}\n  - name: b\n    labels: {x: 'y'}\n",
    "---\na: [1, [2, [3]]]\n---\n---\nb: {c: {d: e}}\n",
    "- " * 120 + "x\n",
    "v: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n",
]


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("a: 1\n", True),
        ("a: &x 1\nb: *x\n", False),
        ("expr: rate(x[5m]) * 100\n", False),  # a `*` in a string: measured the careful way, still right
        ("base: &b {x: 1}\nd: {<<: *b}\n", False),
        ("d: {<<: {x: 1}}\n", False),
        ("data: !!binary aGk=\n", False),
        ("msg: ship it!\n", False),
        (b"a: 1\n", True),
        (b"a: *x\n", False),
    ],
)
def test_which_texts_are_plain_trees(text: str | bytes, plain: bool) -> None:
    assert yamlio._is_plain(text) is plain


@pytest.mark.parametrize("text", PLAIN_TREES)
def test_a_plain_tree_is_measured_as_check_graph_measures_it(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert yamlio._is_plain(text)
    one_pass = yamlio.load_stream(text)
    monkeypatch.setattr(yamlio, "_is_plain", lambda _text: False)
    two_passes = yamlio.load_stream(text)
    assert (one_pass.documents, one_pass.nodes) == (two_passes.documents, two_passes.nodes)


@pytest.mark.parametrize(
    "text",
    [
        "v: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
        "a:\n" + "".join("  " * i + f"  k{i}:\n" for i in range(MAX_DEPTH + 3)) + "  " * (MAX_DEPTH + 4) + "x\n",
        "---\nok: 1\n---\n" + "- " * (MAX_DEPTH + 1) + "x\n",
    ],
)
def test_a_plain_tree_too_deep_is_refused_as_check_graph_refuses_it(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert yamlio._is_plain(text)
    with pytest.raises(YamlError, match="nested deeper") as one_pass:
        yamlio.load_stream(text)
    monkeypatch.setattr(yamlio, "_is_plain", lambda _text: False)
    with pytest.raises(YamlError, match="nested deeper") as two_passes:
        yamlio.load_stream(text)
    assert (one_pass.value.message, one_pass.value.line) == (two_passes.value.message, two_passes.value.line)


def test_the_loader_is_reusable_after_a_plain_tree_was_refused() -> None:
    with pytest.raises(YamlError):
        load_all("v: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n")
    assert load_all("a: &x [1]\nb: *x\n") == [{"a": [1], "b": [1]}]
