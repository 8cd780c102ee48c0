"""The golden window end to end: the real CLI on real git repositories (issue 3's must-show cases)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import GitRepo, documented_service, run_gate

DATA = Path(__file__).resolve().parent.parent / "data" / "flags"


def fixture(name: str) -> str:
    return (DATA / name).read_text()


def check(repo: GitRepo, now: str, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_gate("check", "--repo", str(repo.path), "--now", now, "--format", "json", *args)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def window_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule"] == "golden-window"]


@pytest.fixture(scope="module")
def flagd_repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """A flagd flag turned on, inside a fully documented service so no other rule speaks."""
    repo = GitRepo(tmp_path_factory.mktemp("flagd") / "shop")
    path = "services/checkout/flags/checkout.flagd.json"
    repo.commit({**documented_service("services/checkout"), path: fixture("flagd-disabled.flagd.json")}, "Add flags")
    repo.commit({path: fixture("flagd-enabled.flagd.json")}, "Turn on new-checkout")
    return repo


@pytest.mark.parametrize(
    ("now", "code", "next_opening"),
    [
        pytest.param("2026-11-30T11:00:00Z", 0, None, id="monday-11-passes"),
        pytest.param("2026-11-30T10:00:00Z", 0, None, id="monday-10-passes"),
        pytest.param("2026-11-30T14:00:00Z", 1, "2026-12-01T10:00:00Z", id="monday-14-blocks"),
        pytest.param("2026-11-30T13:00:00Z", 1, "2026-12-01T10:00:00Z", id="monday-13-blocks"),
        pytest.param("2026-11-28T11:00:00Z", 1, "2026-11-30T10:00:00Z", id="saturday-blocks-until-monday"),
    ],
)
def test_flagd_state_disabled_to_enabled(flagd_repo: GitRepo, now: str, code: int, next_opening: str | None) -> None:
    exit_code, report = check(flagd_repo, now)
    assert exit_code == code
    (activation,) = report["activations"]
    assert activation == {
        "flag": "new-checkout", "path": "services/checkout/flags/checkout.flagd.json", "line": 4,
        "format": "flagd", "change": "enabled", "at": now, "in_window": code == 0,
    }
    findings = window_findings(report)
    assert [f["rule"] for f in report["findings"]] == [f["rule"] for f in findings]
    if next_opening is None:
        assert findings == []
        assert report["verdict"] == "pass"
    else:
        (finding,) = findings
        assert (finding["severity"], finding["path"], finding["line"]) == (
            "error", "services/checkout/flags/checkout.flagd.json", 4)
        assert f"next window opens {next_opening}" in finding["message"]
        assert "new-checkout" in finding["message"]
        assert report["verdict"] == "fail"


@pytest.mark.parametrize(
    ("path", "before", "after", "change"),
    [
        pytest.param("features.yml", "flipt-off.features.yml", "flipt-on.features.yml", "enabled",
                     id="flipt-enabled-with-on-off-variants"),
        pytest.param("flags/checkout.goff.yaml", "goff-disabled.goff.yaml", "goff-enabled.goff.yaml", "enabled",
                     id="goff-disable-true-to-false"),
        pytest.param("flags/checkout.flagd.yaml", "flagd-fractional-10.flagd.yaml", "flagd-fractional-50.flagd.yaml",
                     "rollout-raised", id="flagd-fractional-10-to-50"),
        pytest.param("flags/checkout.toml", "goff-flags.toml", None, None, id="goff-toml-unchanged-state"),
        pytest.param("flags/checkout.flagd.json", "flagd-enabled.flagd.json", "flagd-disabled.flagd.json", None,
                     id="flagd-turned-off"),
    ],
)
def test_activations_by_format(
    tmp_path: Path, path: str, before: str, after: str | None, change: str | None
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({path: fixture(before)}, "Flags")
    new = fixture(after) if after else fixture(before).replace("disable = false", "disable = false\ntrackEvents = true")
    repo.commit({path: new}, "Change flags")
    code, report = check(repo, "2026-11-30T20:00:00Z")
    assert [(a["path"], a["change"], a["in_window"]) for a in report["activations"]] == (
        [(path, change, False)] if change else []
    )
    assert code == (1 if change else 0)
    assert len(window_findings(report)) == (1 if change else 0)


@pytest.mark.parametrize(
    ("scheduled", "now", "code", "at"),
    [
        pytest.param("goff-scheduled-1030.goff.yaml", "2026-11-30T20:00:00Z", 0, "2026-12-01T10:30:00Z",
                     id="step-at-1030-passes-when-now-is-20"),
        pytest.param("goff-scheduled-1500.goff.yaml", "2026-11-30T11:00:00Z", 1, "2026-12-01T15:00:00Z",
                     id="step-at-1500-blocks-when-now-is-11"),
    ],
)
def test_goff_scheduled_steps_are_judged_at_their_time(
    tmp_path: Path, scheduled: str, now: str, code: int, at: str
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"flags/checkout.goff.yaml": fixture("goff-base.goff.yaml")}, "Flags")
    repo.commit({"flags/checkout.goff.yaml": fixture(scheduled)}, "Schedule the launch")
    exit_code, report = check(repo, now)
    assert exit_code == code
    assert [(a["change"], a["at"], a["in_window"]) for a in report["activations"]] == [
        ("default-changed", at, code == 0)
    ]
    if code:
        (finding,) = window_findings(report)
        assert at in finding["message"] and "next window opens 2026-12-02T10:00:00Z" in finding["message"]


def test_an_unreadable_flag_file_blocks_as_invalid_file(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "# shop\n"}, "Start")
    repo.commit({"flags/odd.json": fixture("unknown-shape.json")}, "Add an odd file")
    code, report = check(repo, "2026-11-30T11:00:00Z")
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["path"], finding["severity"]) == ("invalid-file", "flags/odd.json", "error")


def test_a_policy_window_in_madrid_with_a_freeze(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    policy = (
        "version: 1\nchecks:\n  golden-window:\n    timezone: Europe/Madrid\n"
        "    freezes:\n    - {start: '2026-11-30T00:00:00+01:00', end: '2026-12-01T00:00:00+01:00', "
        "reason: Cyber Monday}\n"
    )
    repo.commit({".github/gate.yaml": policy, "flags/f.flagd.json": fixture("flagd-disabled.flagd.json")}, "Start")
    repo.commit({"flags/f.flagd.json": fixture("flagd-enabled.flagd.json")}, "Turn on")
    code, report = check(repo, "2026-11-30T10:00:00Z")
    assert code == 1
    (finding,) = window_findings(report)
    assert "Cyber Monday" in finding["message"]
    assert "next window opens 2026-12-01T09:00:00Z (Tuesday 10:00 Europe/Madrid)" in finding["message"]


@pytest.mark.parametrize(
    "path",
    [pytest.param("flags/checkout.flagd.json", id="json"), pytest.param("flags/checkout.yaml", id="yaml")],
)
def test_a_flag_file_symlinked_outside_the_repository_blocks(tmp_path: Path, path: str) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "# shop\n"}, "Start")
    (repo.path / "flags").mkdir()
    os.symlink("/etc/hostname", repo.path / path)
    repo.commit({}, "Link the flags to a file outside")
    code, report = check(repo, "2026-11-30T11:00:00Z")
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["path"], finding["severity"]) == ("invalid-file", path, "error")
    assert "symlink that leaves the repository" in finding["message"]


def test_a_templated_flag_file_blocks(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "# shop\n"}, "Start")
    template = "flags:\n  new-checkout:\n    state: {{ .Values.state }}\n{{- if .Values.more }}\n  x: {}\n{{- end }}\n"
    repo.commit({"flags/checkout.yaml": template}, "Add a templated flag file")
    code, report = check(repo, "2026-11-30T11:00:00Z")
    assert code == 1
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert [(f["rule"], f["path"]) for f in errors] == [("invalid-file", "flags/checkout.yaml")]
    assert "gate cannot judge templates" in errors[0]["message"]


def test_a_freeze_mixing_offsets_is_a_policy_error(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "# shop\n"}, "Start")
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "version: 1\nchecks:\n  golden-window:\n    freezes:\n"
        "    - {start: '2026-12-23T00:00:00', end: '2026-12-22T00:00:00Z', reason: year end}\n"
    )
    result = run_gate("check", "--repo", str(repo.path), "--policy", str(policy), "--now", "2026-11-30T11:00:00Z")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "checks.golden-window.freezes" in result.stderr and "freezes[0] ('year end')" in result.stderr
