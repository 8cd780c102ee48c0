"""Hostile pull requests against the real CLI: a YAML bomb, a 5000-digit integer, file names that are
not UTF-8 or hold newlines, and error lines that must stay lines.

Each ends in a finding or one line of error within the bounds gate promises (a few seconds and
200 MiB, measured on the child process; the bounds are generous and catch blow-ups, not speed).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import GitRepo, documented_service, run_gate, run_gate_measured
from test_hostile_files import billion_laughs

pytestmark = pytest.mark.e2e

NOW = "2026-11-30T11:00:00Z"
FORMATS = ("text", "json", "markdown", "github", "sarif")
MAX_SECONDS = 5.0
MAX_RSS_MIB = 200.0
# A name git stores as bytes that are not UTF-8 (here 0xFF), as a file system would hand it over.
NOT_UTF8 = os.fsdecode(b"services/checkout/deploy/caf\xe9-\xff.yaml")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "shop")
    repo.commit(documented_service("services/checkout"), "Add the checkout service")
    return repo


def test_a_billion_laughs_canary_is_invalid_file_in_gate_check_within_bounds(repo: GitRepo) -> None:
    repo.commit({"services/checkout/deploy/canary.yaml": billion_laughs()}, "Add a canary")

    run = run_gate_measured("check", "--repo", str(repo.path), "--now", NOW, "--format", "json")

    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert [(f["rule"], f["path"]) for f in report["findings"] if f["severity"] == "error"] == [
        ("invalid-file", "services/checkout/deploy/canary.yaml")]
    assert "aliases expand" in report["findings"][0]["message"]
    assert run.seconds < MAX_SECONDS, run.seconds
    assert run.max_rss_mib < MAX_RSS_MIB, run.max_rss_mib


def test_a_billion_laughs_canary_in_notify_dry_run_is_in_the_notice(repo: GitRepo) -> None:
    repo.commit({"services/checkout/deploy/canary.yaml": billion_laughs()}, "Add a canary")

    run = run_gate_measured("notify", "--repo", str(repo.path), "--now", NOW, "--dry-run",
                            env={"GITHUB_REPOSITORY": "acme/shop"})

    # notify exits 0 once the notice is out (here: printed); the notice carries the blocking finding.
    assert run.returncode == 0, run.stderr
    assert "invalid-file" in run.stdout and "canary.yaml" in run.stdout
    assert run.seconds < MAX_SECONDS, run.seconds
    assert run.max_rss_mib < MAX_RSS_MIB, run.max_rss_mib


def hostile_change(repo: GitRepo) -> str:
    return repo.commit({
        NOT_UTF8: "kind: [unclosed\n",
        "services/checkout/deploy/big.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"
                                             "  n: " + "7" * 5000 + "\n",
        "flags/big.flagd.json": '{"flags": {"f": {"state": "ENABLED", "variants": {"on": ' + "1" * 5000 + "}}}}",
        "flags/big.toml": "[f]\npercentage = " + "9" * 5000 + "\n",
    }, "A hostile change")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_5000_digit_integer_and_a_non_utf8_name_render_in_every_format(repo: GitRepo, fmt: str) -> None:
    hostile_change(repo)

    run = run_gate("check", "--repo", str(repo.path), "--now", NOW, "--format", fmt)

    assert run.returncode == 1, run.stderr  # blocked by invalid-file: judged, never a crash (3)
    assert "Traceback" not in run.stderr and run.stderr == ""
    for path in ("big.yaml", "big.flagd.json", "big.toml"):
        assert path in run.stdout
    if fmt not in ("json", "sarif"):
        assert "caf\\xe9-\\xff.yaml" in run.stdout  # the name's bytes shown, not lost
    else:
        document = json.loads(run.stdout)
        if fmt == "json":
            assert "services/checkout/deploy/caf\\xe9-\\xff.yaml" in [f["path"] for f in document["findings"]]
        else:
            uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    for r in document["runs"][0]["results"]]
            assert "services/checkout/deploy/caf%E9-%FF.yaml" in uris  # the real bytes, percent-encoded


def test_a_non_utf8_name_is_written_to_the_output_file(repo: GitRepo, tmp_path: Path) -> None:
    hostile_change(repo)
    out = tmp_path / "report.md"

    run = run_gate("check", "--repo", str(repo.path), "--now", NOW, "--format", "markdown", "--output", str(out))

    assert run.returncode == 1, run.stderr
    assert "caf\\xe9-\\xff.yaml" in out.read_text(encoding="utf-8")


def test_a_non_utf8_name_without_a_finding_passes(repo: GitRepo) -> None:
    repo.commit({os.fsdecode(b"services/checkout/docs/notes-\xff.md"): "notes\n"}, "Add notes")
    for fmt in FORMATS:
        run = run_gate("check", "--repo", str(repo.path), "--now", NOW, "--format", fmt)
        assert run.returncode == 0, (fmt, run.stderr)


def test_a_5000_digit_integer_in_a_policy_is_a_policy_error_on_one_line(repo: GitRepo, tmp_path: Path) -> None:
    policy = tmp_path / "gate.yaml"
    policy.write_text("version: 1\nchecks:\n  consumer-min-replicas:\n    min_replicas: " + "2" * 5000 + "\n")

    run = run_gate("check", "--repo", str(repo.path), "--now", NOW, "--policy", str(policy))

    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "digits" in run.stderr


# -- error lines stay lines -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--base", "no\nsuch\rref\x1b[31m"), id="ref"),
        pytest.param(("--policy", "/tmp/missing\npolicy.yaml"), id="policy-path"),
        pytest.param(("--now", "2026-11-30\nT11:00"), id="time"),
    ],
)
def test_an_error_about_input_with_line_breaks_is_one_line(repo: GitRepo, args: tuple[str, ...]) -> None:
    run = run_gate("check", "--repo", str(repo.path), *args)

    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("gate: "), run.stderr
    assert "\x1b" not in run.stderr and "\r" not in run.stderr


def test_a_path_with_a_newline_and_a_terminal_escape_stays_in_its_line(repo: GitRepo) -> None:
    repo.commit({"services/checkout/deploy/x\n\x1b[2J.yaml": "kind: [unclosed\n"}, "Add an odd name")

    run = run_gate("check", "--repo", str(repo.path), "--now", NOW)

    assert run.returncode == 1
    assert "\x1b" not in run.stdout
    assert "x\\n\\x1b[2J.yaml" in run.stdout
