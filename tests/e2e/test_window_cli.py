"""`gate window` and freezes written once, end to end: the real CLI on real git repositories."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import GitRepo, documented_service, run_gate
from icalendar import Calendar

DATA = Path(__file__).resolve().parent.parent / "data" / "flags"
MADRID = "version: 1\nchecks:\n  golden-window:\n    timezone: Europe/Madrid\n"
LONDON = "version: 1\nchecks:\n  golden-window:\n    timezone: Europe/London\n"


def window(repo: GitRepo | Path, *args: str) -> Any:
    where = repo.path if isinstance(repo, GitRepo) else repo
    result = run_gate("window", "--repo", str(where), *args)
    assert "Traceback" not in result.stderr
    return result


def json_window(repo: GitRepo, *args: str) -> dict[str, Any]:
    result = window(repo, "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_an_ics_week_holds_the_five_weekday_windows(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "# shop\n"})
    result = window(repo, "--format", "ics", "--days", "7", "--now", "2026-11-30T00:00:00Z")
    assert result.returncode == 0, result.stderr
    feed = Calendar.from_ical(result.stdout)
    events = sorted(feed.walk("VEVENT"), key=lambda event: event.decoded("DTSTART"))
    weekdays = [datetime(2026, 11, 30, tzinfo=UTC) + timedelta(days=n) for n in range(5)]  # Monday to Friday
    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in events] == [
        (day + timedelta(hours=10), day + timedelta(hours=13)) for day in weekdays
    ]
    assert {str(e["SUMMARY"]) for e in events} == {"Golden window open"}
    assert len({str(e["UID"]) for e in events}) == 5


def test_the_policy_is_read_where_the_check_reads_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({".github/gate.yaml": MADRID}, "Madrid window")
    on_main = json_window(repo, "--now", "2026-11-30T00:00:00Z")
    assert on_main["window"]["timezone"] == "Europe/Madrid"
    assert on_main["policy"].startswith(".github/gate.yaml at ")
    # A branch that edits the policy sees the default branch's: its edit applies once merged.
    repo.git("checkout", "-q", "-b", "london")
    repo.commit({".github/gate.yaml": LONDON}, "London window")
    result = window(repo, "--format", "json", "--now", "2026-11-30T00:00:00Z")
    assert result.returncode == 0
    assert json.loads(result.stdout)["window"]["timezone"] == "Europe/Madrid"
    assert "gate: note: .github/gate.yaml: this change edits gate's policy" in result.stderr
    # Once merged, the default branch's newest commit is what counts (not its parent's, as for a change).
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "london")
    assert json_window(repo, "--now", "2026-11-30T00:00:00Z")["window"]["timezone"] == "Europe/London"
    # --policy reads a file as it is on disk, to preview an edit.
    draft = tmp_path / "draft.yaml"
    draft.write_text("version: 1\nchecks:\n  golden-window:\n    timezone: Asia/Tokyo\n")
    preview = json_window(repo, "--policy", str(draft), "--now", "2026-11-30T00:00:00Z")
    assert (preview["window"]["timezone"], preview["policy"]) == ("Asia/Tokyo", str(draft))


def test_no_policy_file_is_the_bundled_default(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "# shop\n"})
    document = json_window(repo, "--now", "2026-11-30T11:00:00Z")
    assert document["policy"] == "the bundled default policy"
    assert document["state"]["summary"] == "open until 13:00 UTC"
    assert len(document["openings"]) == 11  # two weeks of weekdays, and the third Monday begun before the end


def test_a_file_policy_needs_no_repository(tmp_path: Path) -> None:
    policy = tmp_path / "gate.yaml"
    policy.write_text(MADRID + "    freezes:\n    - {holidays: ES}\n")
    result = run_gate("window", "--repo", str(tmp_path / "nowhere"), "--policy", str(policy),
                      "--now", "2026-12-08T09:00:00Z", "--days", "2")
    assert result.returncode == 0, result.stderr
    assert "frozen  all day  Inmaculada Concepci\u00f3n (ES public holiday)" in result.stdout
    assert "opens Wed 09:00 UTC (10:00 Europe/Madrid), in 1 d" in result.stdout


def test_a_disabled_check_is_said_so(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({".github/gate.yaml": "version: 1\nchecks:\n  golden-window:\n    enabled: false\n"})
    result = window(repo, "--now", "2026-11-30T11:00:00Z")
    assert result.returncode == 0
    assert "golden-window check is disabled" in result.stderr
    assert "The golden-window check is disabled in this policy" in result.stdout


@pytest.mark.parametrize(
    ("policy", "args", "words"),
    [
        pytest.param(MADRID + "    freezes:\n    - {holidays: ES, subdivision: XX}\n", (),
                     ".github/gate.yaml (at ", id="invalid-repository-policy"),
        pytest.param(MADRID + "    freezes:\n    - {holidays: ES, subdivision: XX}\n", (),
                     "checks.golden-window.freezes.0.subdivision (line 6): 'XX' is not a subdivision of ES",
                     id="names-the-key-and-line"),
        pytest.param(None, ("--days", "0"), "window: --days must be 1 to 366, not 0", id="days-zero"),
        pytest.param(None, ("--days", "400"), "window: --days must be 1 to 366", id="days-too-many"),
        pytest.param(None, ("--days", "many"), "argument --days: invalid int value", id="days-not-a-number"),
        pytest.param(None, ("--now", "tomorrow"), "--now: 'tomorrow' is not an ISO 8601 time", id="bad-now"),
        pytest.param(None, ("--format", "pdf"), "argument --format: invalid choice", id="bad-format"),
        pytest.param(None, ("--policy", "missing.yaml"), "missing.yaml: no such policy file", id="missing-policy"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(tmp_path: Path, policy: str | None, args: tuple[str, ...],
                                          words: str) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({".github/gate.yaml": policy} if policy else {"README.md": "# shop\n"})
    result = window(repo, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr


def test_not_a_repository_is_an_input_error(tmp_path: Path) -> None:
    result = window(tmp_path, "--now", "2026-11-30T11:00:00Z")
    assert result.returncode == 2 and "not a git repository" in result.stderr


# -- the check with freezes written once -----------------------------------------------------------


@pytest.fixture(scope="module")
def holiday_repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("holidays") / "shop")
    flags = "services/checkout/flags/checkout.flagd.json"
    policy = ("version: 1\nchecks:\n  golden-window:\n    freezes:\n    - {holidays: ES}\n"
              "    - {rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=12', duration: PT12H, reason: Friday afternoons}\n")
    repo.commit({**documented_service("services/checkout"), ".github/gate.yaml": policy,
                 flags: (DATA / "flagd-disabled.flagd.json").read_text()}, "Flags and policy")
    repo.git("checkout", "-q", "-b", "launch")
    repo.commit({flags: (DATA / "flagd-enabled.flagd.json").read_text()}, "Turn on new-checkout")
    return repo


def test_an_activation_on_a_spanish_holiday_is_blocked_until_the_next_day(holiday_repo: GitRepo) -> None:
    result = run_gate("check", "--repo", str(holiday_repo.path), "--now", "2026-12-08T11:00:00Z", "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    (finding,) = [f for f in report["findings"] if f["rule"] == "golden-window"]
    assert "Inmaculada Concepci\u00f3n (ES public holiday)" in finding["message"]
    assert "The next window opens 2026-12-09T10:00:00Z." in finding["message"]


@pytest.mark.parametrize(
    ("now", "code"),
    [
        pytest.param("2026-12-09T11:00:00Z", 0, id="the-day-after-passes"),
        pytest.param("2026-12-11T11:00:00Z", 0, id="friday-morning-passes"),
        pytest.param("2026-12-11T12:30:00Z", 1, id="friday-afternoon-blocks"),
    ],
)
def test_the_check_follows_holidays_and_rules(holiday_repo: GitRepo, now: str, code: int) -> None:
    result = run_gate("check", "--repo", str(holiday_repo.path), "--now", now, "--format", "json")
    assert result.returncode == code, result.stdout + result.stderr


def test_cron_lines_for_the_sweep_follow_the_policys_clock_and_freezes(tmp_path: Path) -> None:
    import yaml

    repo = GitRepo(tmp_path / "repo")
    repo.commit({".github/gate.yaml": MADRID + "    freezes:\n"
                 "    - {rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=12', duration: PT12H, reason: Friday afternoons}\n"})
    result = window(repo, "--format", "cron", "--now", "2026-11-30T00:00:00Z")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["schedule"] == [
        {"cron": "0 10 * * 1-5", "timezone": "Europe/Madrid"},
        {"cron": "0 12 * * 5", "timezone": "Europe/Madrid"},
        {"cron": "0 13 * * 1-4", "timezone": "Europe/Madrid"},
    ]
    assert "over the 366 days from 2026-11-30" in result.stdout
