"""The sweep's parts on their own: the API calls it adds (against the fake GitHub over HTTP, backed by
a real git repository), the request budget, the pacing of writes, which events sweep, and the
head side read from the base where the change left it alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_github import PROXY_PAGE, FakeGitHub
from helpers import FakeTree, GitRepo

from gate.adapters.git import Git
from gate.adapters.github import BudgetSpent, GitHub, GitHubError
from gate.adapters.runner import ActionSettings
from gate.commands.action.events import Plan, Sweep, plan_for
from gate.commands.action.remote import ChangedTree, Clone, read_pull_change
from gate.commands.action.sweep import Pacer
from gate.core.errors import InputError
from gate.core.models import ChangedFile, FileStatus

TOKEN = "ghs_FAKEtoken0123456789abcdefABCDEF"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(token=TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def repo(tmp_path: Path, fake: FakeGitHub) -> tuple[GitRepo, str, str]:
    origin = GitRepo(tmp_path / "origin")
    base = origin.commit({"flags/a.json": "{}\n", "flags/old.json": "{}\n", "README.md": "# x\n"}, "base")
    origin.git("checkout", "-q", "-b", "feature")
    origin.git("mv", "flags/old.json", "flags/new.json")
    head = origin.commit({"flags/a.json": '{"flags": {}}\n', "big.bin": b"\0" * (1024 * 1024 + 7)}, "head")
    fake.git_dir = origin.path
    return origin, base, head


def client(fake: FakeGitHub) -> GitHub:
    return GitHub(fake.url, TOKEN, fake.repository, sleep=lambda _: None, backoff=0.01)


# -- the calls ------------------------------------------------------------------------------------
def test_open_pulls_are_listed_oldest_first_with_labels_and_forks(fake: FakeGitHub) -> None:
    fake.page_size = 2
    for number in (3, 1, 2):
        fake.add_pull(number, author=f"dev{number}", head_sha=f"{number}" * 40, base_sha="b" * 40, fork=number == 2)
    fake.labels[1].append("gate/override")
    fake.pulls[3]["state"] = "closed"
    with client(fake) as github:
        pulls = github.open_pulls()
    assert [(p.number, p.labels, p.from_fork, p.author) for p in pulls] == [
        (1, ("gate/override",), False, "dev1"), (2, (), True, "dev2")]
    (first, *_) = fake.calls("GET", r"/pulls$")
    assert first.query == {"per_page": ["100"], "state": ["open"], "sort": ["created"], "direction": ["asc"]}


def test_compare_gives_the_merge_base_and_the_files_in_one_request(fake: FakeGitHub,
                                                                   repo: tuple[GitRepo, str, str]) -> None:
    _, base, head = repo
    with client(fake) as github:
        comparison = github.compare(base, head)
    assert comparison.merge_base == base and comparison.complete
    assert sorted(comparison.files, key=lambda f: f.path) == [
        ChangedFile("big.bin", FileStatus.ADDED), ChangedFile("flags/a.json", FileStatus.MODIFIED),
        ChangedFile("flags/new.json", FileStatus.RENAMED, "flags/old.json")]
    assert len(fake.requests) == 1 and fake.requests[0].query == {"per_page": ["1"]}


def test_a_comparison_of_300_files_may_lack_some(tmp_path: Path, fake: FakeGitHub) -> None:
    origin = GitRepo(tmp_path / "origin")
    base = origin.commit({"README.md": "x\n"})
    head = origin.commit({f"f/{n}.txt": f"{n}\n" for n in range(301)})
    fake.git_dir = origin.path
    with client(fake) as github:
        comparison = github.compare(base, head)
    assert (len(comparison.files), comparison.complete) == (300, False)


def test_a_change_of_more_than_300_files_is_listed_through_the_pull_requests_files(
        tmp_path: Path, fake: FakeGitHub) -> None:
    origin = GitRepo(tmp_path / "origin")
    base = origin.commit({"README.md": "x\n"})
    origin.git("checkout", "-q", "-b", "feature")
    head = origin.commit({**{f"f/{n}.txt": f"{n}\n" for n in range(301)}, "flags/z.json": "{}\n"})
    fake.git_dir = origin.path
    fake.page_size = 100
    fake.add_pull(4, author="ana", head_sha=head, base_sha=base)
    workspace = GitRepo(tmp_path / "empty")  # a clone without the change's commits
    workspace.commit({"other": "x"})
    with client(fake) as github, Git(workspace.path) as git:
        (pull,) = github.open_pulls()
        change = read_pull_change(Clone(git), github, pull)
        assert change.head_tree.read("flags/z.json") == b"{}\n"
    assert len(change.files) == 302 and ChangedFile("flags/z.json", FileStatus.ADDED) in change.files
    assert len(fake.calls("GET", "/pulls/4/files")) == 4  # 302 files, 100 a page


def test_contents_reads_files_at_a_commit(fake: FakeGitHub, repo: tuple[GitRepo, str, str]) -> None:
    _, base, head = repo
    with client(fake) as github:
        assert github.contents("flags/a.json", head) == b'{"flags": {}}\n'
        assert github.contents("flags/a.json", base) == b"{}\n"
        assert github.contents("flags/none.json", head) is None  # 404: no file there
        assert github.contents("flags", head) is None  # a folder
        # Over 1 MB GitHub sends no content: the blob is read instead.
        assert github.contents("big.bin", head) == b"\0" * (1024 * 1024 + 7)
        assert github.folder("flags", head) == {"a.json": "file", "new.json": "file"}
    assert len(fake.calls("GET", "/git/blobs/")) == 1


def test_an_html_answer_to_compare_is_one_line_naming_it(fake: FakeGitHub, repo: tuple[GitRepo, str, str]) -> None:
    _, base, head = repo
    fake.serve_html("GET", "/compare/")
    with client(fake) as github, pytest.raises(GitHubError) as caught:
        github.compare(base, head)
    assert str(caught.value) == (f"GitHub answered GET /repos/octo-org/octo-repo/compare/{base}...{head} with "
                                 "something that is not the expected JSON")
    assert PROXY_PAGE.text not in str(caught.value)


def test_a_403_on_compare_names_the_permission(fake: FakeGitHub) -> None:
    fake.fail("GET", "/compare/", 403, body={"message": "Resource not accessible by integration"})
    with client(fake) as github, pytest.raises(GitHubError) as caught:
        github.compare("a" * 40, "b" * 40)
    assert "the token lacks `contents: read`" in str(caught.value)


def test_requests_are_counted_the_rate_limit_kept_and_the_budget_held(fake: FakeGitHub) -> None:
    fake.rate_limit = 50
    fake.add_pull(1, author="ana", head_sha="a" * 40, base_sha="b" * 40)
    with client(fake) as github:
        github.labels(1)
        github.labels(1)
        assert (github.sent, github.rate_remaining) == (2, 48)
        github.request_limit = 3
        github.labels(1)
        with pytest.raises(BudgetSpent):
            github.labels(1)
    assert len(fake.requests) == 3  # the refused request was never sent


def test_the_latest_status_of_a_context_comes_from_the_combined_status(fake: FakeGitHub) -> None:
    with client(fake) as github:
        assert github.latest_status("c" * 40, "gate/golden-window") is None
        github.create_status("c" * 40, state="pending", context="gate/golden-window", description="closed",
                             target_url="https://github.com/octo-org/octo-repo/actions/runs/1/attempts/1")
        github.create_status("c" * 40, state="success", context="gate/golden-window", description="open")
        github.create_status("c" * 40, state="failure", context="ci", description="red")
        latest = github.latest_status("c" * 40, "gate/golden-window")
    assert latest is not None and (latest.state, latest.description) == ("success", "open")
    assert fake.statuses["c" * 40][-1]["target_url"] == "https://github.com/octo-org/octo-repo/actions/runs/1/attempts/1"


# -- pacing, events, the head side -----------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_writes_come_in_a_burst_then_one_a_second() -> None:
    clock = Clock()
    pacer = Pacer(burst=3, per_second=1.0, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        pacer.wait()
    assert clock.slept == [1.0, 1.0]
    clock.now += 10  # a quiet spell refills the burst, never beyond it
    for _ in range(3):
        pacer.wait()
    assert clock.slept == [1.0, 1.0]


SETTINGS = ActionSettings.from_env({"GITHUB_EVENT_NAME": "schedule", "GITHUB_REPOSITORY": "octo-org/octo-repo"})


@pytest.mark.parametrize(
    ("event_name", "payload", "sweep", "expected"),
    [
        pytest.param("schedule", {"schedule": "0 10 * * 1-5"}, False,
                     Sweep("scheduled sweep (0 10 * * 1-5)"), id="schedule"),
        pytest.param("schedule", {}, False, Sweep("scheduled sweep"), id="schedule-without-cron"),
        pytest.param("workflow_dispatch", {}, True, Sweep("sweep asked for by hand"), id="dispatch-sweep"),
        pytest.param("workflow_dispatch", {}, False, Plan(description="manual run", head="HEAD"), id="dispatch"),
    ],
)
def test_which_events_sweep(event_name: str, payload: dict[str, str], sweep: bool, expected: object) -> None:
    settings = ActionSettings(**{**SETTINGS.__dict__, "sweep": sweep})
    assert plan_for(event_name, payload, settings) == expected


def test_the_sweep_input_on_a_pull_request_is_an_input_error() -> None:
    settings = ActionSettings(**{**SETTINGS.__dict__, "sweep": True})
    with pytest.raises(InputError, match="the sweep input is for schedule and workflow_dispatch events"):
        plan_for("pull_request", {"action": "opened"}, settings)


def test_the_head_side_reads_what_the_change_left_alone_from_the_base() -> None:
    base = FakeTree({"a": "a0", "b": "b0", "old": "o0", "gone": "g0"})
    head = FakeTree({"a": "a1", "new": "o0"})
    files = (ChangedFile("a", FileStatus.MODIFIED), ChangedFile("new", FileStatus.RENAMED, "old"),
             ChangedFile("gone", FileStatus.DELETED))
    tree = ChangedTree(base, head, files)
    assert [tree.read(path) for path in ("a", "b", "new", "old", "gone")] == [b"a1", b"b0", b"o0", None, None]
    assert head.accessed == ["a", "new"]  # "b" was never asked of the head (an API request each)


def test_the_documented_bounds_are_the_sweeps() -> None:
    from helpers import REPO_ROOT

    from gate.commands.action.sweep import PER_PULL_REQUESTS, RATE_RESERVE, SWEEP_SECONDS

    doc = " ".join((REPO_ROOT / "docs/github-action.md").read_text(encoding="utf-8").split())
    assert f"A pull request may spend at most {PER_PULL_REQUESTS} API requests" in doc
    assert f"fewer than {RATE_RESERVE + PER_PULL_REQUESTS} requests are left this hour ({RATE_RESERVE} stay" in doc
    assert f"it also stops after {SWEEP_SECONDS // 60} minutes" in doc
    readme = " ".join((REPO_ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"at most {PER_PULL_REQUESTS} requests a pull request" in readme


def test_a_bug_on_one_pull_request_fails_it_closed_and_the_sweep_goes_on(
        fake: FakeGitHub, repo: tuple[GitRepo, str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from gate.commands.action import sweep as sweep_module

    origin, base, head = repo
    fake.add_pull(1, author="ana", head_sha=head, base_sha=base)
    fake.add_pull(2, author="ana", head_sha=head[::-1], base_sha=base)
    real = sweep_module.read_pull_change

    def breaks_on_two(clone: Clone, github: GitHub, pull: object) -> object:
        if getattr(pull, "number", None) == 2:
            raise KeyError("boom")
        return real(clone, github, pull)  # type: ignore[arg-type]

    monkeypatch.setattr(sweep_module, "read_pull_change", breaks_on_two)
    with client(fake) as github, Git(origin.path) as git:
        sweeper = sweep_module.Sweeper(SETTINGS, Clone(git), github, datetime(2026, 11, 30, 10, 5, tzinfo=UTC))
        first, second = (sweeper.pull(pull) for pull in github.open_pulls())
    assert (first.problem, first.bug, first.status is not None) == (None, False, True)
    assert second.bug and not second.judged and "KeyError" in (second.problem or "")
    assert fake.status_of(head[::-1], "gate/golden-window")["state"] == "error"  # type: ignore[index]
