"""The YAML loader: YAML 1.2 scalars (as Go tools read them) and the line of every key."""

from __future__ import annotations

import pytest

from gate.core.yamlio import YamlError, YList, YMap, load_all, load_one


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
