"""Credentials out of text that came from a remote service, and text made safe to show."""

from __future__ import annotations

import pytest

from gate.core.redact import REDACTED, redact
from gate.core.text import one_line, printable, printable_data, visible

TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"


@pytest.mark.parametrize(
    ("text", "secrets", "leaked"),
    [
        pytest.param(f"Bad credentials for {TOKEN}", (TOKEN,), TOKEN, id="known-token"),
        pytest.param(f"token {TOKEN.replace('_', chr(92) + '_')} echoed", (TOKEN,), "16C7e42F292c", id="markdown-escaped"),
        pytest.param("ghp_abcdefghijklmnopqrstuvwxyz0123456789", (), "ghp_abc", id="classic-pat"),
        pytest.param("gho_abcdefghijklmnopqrstuvwxyz0123456789", (), "gho_abc", id="oauth"),
        pytest.param("ghu_abcdefghijklmnopqrstuvwxyz0123456789", (), "ghu_abc", id="user-to-server"),
        pytest.param("x ghs_abcdefghijklmnopqrstuvwxyz0123456789 y", (), "ghs_abc", id="installation"),
        pytest.param("ghr_abcdefghijklmnopqrstuvwxyz0123456789", (), "ghr_abc", id="refresh"),
        pytest.param("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", (), "github_pat_11",
                     id="fine-grained"),
        pytest.param("key AKIAIOSFODNN7EXAMPLE denied", (), "AKIAIOSFODNN7EXAMPLE", id="aws-key-id"),
        pytest.param("ASIAY34FZKBOKMUTVV7A", (), "ASIAY34FZKBOKMUTVV7A", id="aws-temporary-key-id"),
        pytest.param("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", (), "wJalrXUtnFEMI",
                     id="aws-secret-after-name"),
        pytest.param('{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}', (), "wJalrXUtnFEMI",
                     id="aws-secret-json"),
        pytest.param("AWS_SESSION_TOKEN=AQoDYXdzEJr1234567890abcdefghijklmnop", (), "AQoDYXdzEJr",
                     id="session-token-after-name"),
        pytest.param("token IQoJb3JpZ2luX2VjEHUaCXVzLWVhc3QtMSJHMEUCIQD0 was", (), "IQoJb3JpZ2luX2VjEHUa",
                     id="sts-session-token-shape"),
    ],
)
def test_credentials_are_redacted(text: str, secrets: tuple[str, ...], leaked: str) -> None:
    cleaned = redact(text, secrets)
    assert leaked not in cleaned
    assert REDACTED in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "GitHub refused GET /repos/o/r/pulls/5 (404 Not Found)",
        "the label gate/override was applied by maria (maintain)",
        "commit 0123456789abcdef0123456789abcdef01234567",
        "ghs_short",  # not a token: too short
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text, ("abc",)) == text  # a secret too short to be one is not applied either


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("caf\u00e9", "caf\u00e9"),
        ("a\udcffb.yaml", "a\\xffb.yaml"),  # a byte git gave that is not UTF-8
        ("\ud800", "\\ud800"),  # a lone surrogate from elsewhere
    ],
)
def test_printable_always_encodes(text: str, shown: str) -> None:
    assert printable(text) == shown
    printable(text).encode("utf-8")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("config/a\nb.yaml", "config/a\\nb.yaml"),
        ("x\r\ny", "x\\r\\ny"),
        ("bell\x07 esc\x1b[31m", "bell\\x07 esc\\x1b[31m"),
        ("sep\u2028para\u2029", "sep\\u2028para\\u2029"),
        ("tab\there", "tab\\there"),
        ("a\udcff", "a\\xff"),
    ],
)
def test_one_line_escapes_every_line_break_and_control(text: str, line: str) -> None:
    assert one_line(text) == line
    assert len(one_line(text).splitlines()) == 1


def test_visible_keeps_line_breaks_and_escapes_the_rest() -> None:
    assert visible("a\nb\x1b\r") == "a\nb\\x1b\\r"


def test_printable_data_cleans_keys_and_values() -> None:
    assert printable_data({"p\udcff": ["x\udcfe", 1, None]}) == {"p\\xff": ["x\\xfe", 1, None]}
