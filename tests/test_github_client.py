"""The GitHub client against the fake API on loopback: pagination, retries, explanations, secrecy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fake_github import BOT as FAKE_BOT
from fake_github import PROXY_PAGE, FakeGitHub, Raw

from gate.adapters.github import ACTIONS_BOT, GitHub, GitHubError, Identity

TOKEN = "ghs_FAKEtoken0123456789abcdefABCDEF"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(token=TOKEN).start()
    server.add_pull(5, author="ana", head_sha="a" * 40, base_sha="b" * 40)
    yield server
    server.stop()


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(fake: FakeGitHub, sleeps: Sleeps | None = None, **kwargs: object) -> GitHub:
    return GitHub(fake.url, TOKEN, fake.repository, sleep=sleeps if sleeps is not None else Sleeps(),
                  backoff=0.01, **kwargs)  # type: ignore[arg-type]


def test_follows_link_headers_across_pages(fake: FakeGitHub) -> None:
    fake.page_size = 100
    for i in range(250):
        fake.label(5, f"l{i}", actor="bob", at=f"2026-11-30T10:{i // 60:02d}:{i % 60:02d}Z")
    with client(fake) as github:
        events = list(github.paginate(f"/repos/{fake.repository}/issues/5/events"))
    assert len(events) == 250
    pages = fake.calls("GET", "/issues/5/events")
    assert [r.query.get("page", ["1"])[0] for r in pages] == ["1", "2", "3"]
    assert pages[0].query["per_page"] == ["100"]


def test_latest_labeled_event_wins_and_other_labels_are_ignored(fake: FakeGitHub) -> None:
    fake.page_size = 2
    fake.label(5, "gate/override", actor="ana", at="2026-11-30T09:00:00Z")
    fake.unlabel(5, "gate/override", actor="ana", at="2026-11-30T09:05:00Z")
    fake.label(5, "bug", actor="eve", at="2026-11-30T11:00:00Z")
    fake.label(5, "Gate/Override", actor="maria", at="2026-11-30T10:00:00Z")
    with client(fake) as github:
        actor, at = github.latest_labeled(5, "gate/override")
    assert (actor, at) == ("maria", datetime(2026, 11, 30, 10, tzinfo=UTC))


def test_push_time_is_the_earliest_check_suite(fake: FakeGitHub) -> None:
    fake.push("a" * 40, "2026-11-30T09:30:00Z")
    fake.push("a" * 40, "2026-11-30T09:10:00Z")
    with client(fake) as github:
        assert github.first_check_suite_at("a" * 40) == datetime(2026, 11, 30, 9, 10, tzinfo=UTC)
        assert github.first_check_suite_at("c" * 40) is None


def test_role_of_a_non_collaborator_is_none(fake: FakeGitHub) -> None:
    fake.roles["maria"] = "maintain"
    with client(fake) as github:
        assert github.role("maria") == "maintain"
        assert github.role("stranger") is None


def test_retries_a_502_then_succeeds(fake: FakeGitHub) -> None:
    fake.label(5, "gate/override", actor="maria", at="2026-11-30T10:00:00Z")
    fake.fail("GET", "/issues/5/labels", 502)
    sleeps = Sleeps()
    with client(fake, sleeps) as github:
        assert github.labels(5) == ["gate/override"]
    assert len(fake.calls("GET", "/issues/5/labels")) == 2
    assert sleeps == [0.01]


@pytest.mark.parametrize(
    ("status", "headers", "waited"),
    [
        pytest.param(429, {"retry-after": "2"}, 2.0, id="429-retry-after"),
        pytest.param(403, {"retry-after": "3"}, 3.0, id="secondary-rate-limit"),
        pytest.param(403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1000005"}, 6.0, id="primary-reset"),
    ],
)
def test_rate_limits_wait_as_github_asks(fake: FakeGitHub, status: int, headers: dict[str, str],
                                         waited: float) -> None:
    fake.fail("GET", "/issues/5/labels", status, headers=headers,
              body={"message": "You have exceeded a secondary rate limit."})
    sleeps = Sleeps()
    with client(fake, sleeps, clock=lambda: 1_000_000.0) as github:
        assert github.labels(5) == []
    assert sleeps == [waited]


def test_gives_up_within_the_time_budget(fake: FakeGitHub) -> None:
    fake.fail("GET", "/issues/5/labels", 429, headers={"retry-after": "3600"})
    sleeps = Sleeps()
    with client(fake, sleeps, retry_budget=60) as github, pytest.raises(GitHubError) as caught:
        github.labels(5)
    assert sleeps == []  # waiting an hour would overrun the budget: give up at once
    assert caught.value.status == 429
    assert "rate limited GET /repos/octo-org/octo-repo/issues/5/labels" in str(caught.value)


def test_retries_stop_when_the_session_budget_is_spent(fake: FakeGitHub) -> None:
    fake.fail("GET", "/pulls/5", 502, times=3)
    sleeps = Sleeps()
    with client(fake, sleeps, session_budget=0.0) as github, pytest.raises(GitHubError, match="502"):
        github.pull(5)
    assert sleeps == []


def test_stops_after_a_bounded_number_of_attempts(fake: FakeGitHub) -> None:
    fake.fail("GET", "/pulls/5", 503, times=20)
    sleeps = Sleeps()
    with client(fake, sleeps) as github, pytest.raises(GitHubError, match="503"):
        github.pull(5)
    assert len(fake.calls("GET", "/pulls/5$")) == 5
    assert sleeps == [0.01, 0.02, 0.04, 0.08]


@pytest.mark.parametrize(
    ("method", "path", "permission"),
    [
        pytest.param("POST", "/issues/5/comments", "pull-requests: write", id="comment"),
        pytest.param("PATCH", "/issues/comments/9", "pull-requests: write", id="update-comment"),
        pytest.param("GET", "/issues/5/events", "issues: read", id="events"),
        pytest.param("GET", "/commits/abc/check-suites", "checks: read", id="check-suites"),
        pytest.param("POST", "/statuses/abc", "statuses: write", id="status"),
        pytest.param("GET", "/pulls/5/files", "pull-requests: read", id="files"),
    ],
)
def test_a_403_names_the_missing_permission(fake: FakeGitHub, method: str, path: str, permission: str) -> None:
    fake.fail(method, path, 403, body={"message": "Resource not accessible by integration"})
    with client(fake) as github, pytest.raises(GitHubError) as caught:
        github.request(method, f"/repos/{fake.repository}{path}", json={} if method != "GET" else None)
    message = str(caught.value)
    assert f"the token lacks `{permission}`" in message
    assert "Resource not accessible by integration" in message
    assert "\n" not in message
    assert caught.value.cannot_write


def test_a_401_says_the_token_is_bad(fake: FakeGitHub) -> None:
    with GitHub(fake.url, "wrong-token", fake.repository) as github, pytest.raises(GitHubError) as caught:
        github.labels(5)
    assert "token is missing, invalid or expired" in str(caught.value)
    assert "wrong-token" not in str(caught.value)


def test_the_token_is_sent_but_never_shown(fake: FakeGitHub) -> None:
    fake.fail("GET", "/issues/5/labels", 500, times=10)
    with client(fake) as github:
        assert TOKEN not in repr(github)
        with pytest.raises(GitHubError) as caught:
            github.labels(5)
    assert TOKEN not in str(caught.value)
    assert {r.authorization for r in fake.requests} == {f"Bearer {TOKEN}"}


def test_a_next_link_to_another_host_is_not_followed(fake: FakeGitHub) -> None:
    fake.fail("GET", "/issues/5/labels", 200, body=[],
              headers={"Link": '<https://evil.example/steal?page=2>; rel="next"'})
    with client(fake) as github, pytest.raises(GitHubError, match="outside"):
        github.labels(5)


def test_timeouts_become_one_clear_line() -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    sleeps = Sleeps()
    github = GitHub("https://api.github.com", TOKEN, "o/r", transport=httpx.MockTransport(hang), sleep=sleeps,
                    backoff=0.01)
    with pytest.raises(GitHubError, match=r"GitHub did not answer GET /repos/o/r/issues/1/labels in time"):
        github.labels(1)
    assert len(sleeps) == 4


# -- answers that are not what GitHub documents ---------------------------------------------------
PREFIX = "/repos/octo-org/octo-repo"
_HTML = PROXY_PAGE


@pytest.mark.parametrize(
    ("method", "path", "body", "call"),
    [
        pytest.param("GET", "/issues/5/labels", _HTML, lambda g: g.labels(5), id="labels-html"),
        pytest.param("GET", "/issues/5/labels", [{"nom": "gate/override"}], lambda g: g.labels(5),
                     id="labels-without-name"),
        pytest.param("GET", "/issues/5/labels", {"labels": []}, lambda g: g.labels(5), id="labels-not-a-list"),
        pytest.param("GET", "/pulls/5", _HTML, lambda g: g.pull(5), id="pull-html"),
        pytest.param("GET", "/pulls/5", {"head": None, "base": {}}, lambda g: g.pull(5), id="pull-without-head"),
        pytest.param("GET", "/pulls/5", ["not", "an", "object"], lambda g: g.pull(5), id="pull-a-list"),
        pytest.param("GET", "/pulls/5/files", [{"status": "added"}], lambda g: g.pull_files(5),
                     id="files-without-filename"),
        pytest.param("GET", "/collaborators/maria/permission", _HTML, lambda g: g.role("maria"), id="role-html"),
        pytest.param("GET", "/collaborators/maria/permission", [], lambda g: g.role("maria"), id="role-a-list"),
        pytest.param("GET", "/issues/5/events", _HTML, lambda g: g.latest_labeled(5, "gate/override"),
                     id="events-html"),
        pytest.param("GET", "/commits/abc/check-suites", _HTML, lambda g: g.first_check_suite_at("abc"),
                     id="check-suites-html"),
        pytest.param("GET", "/issues/5/comments", _HTML, lambda g: g.find_comment(5, "<!-- m -->", ACTIONS_BOT),
                     id="comments-html"),
        pytest.param("GET", "/issues/5/comments", [{"body": "<!-- m -->", "user": FAKE_BOT}],
                     lambda g: g.find_comment(5, "<!-- m -->", ACTIONS_BOT), id="comment-without-id"),
        pytest.param("POST", "/issues/5/comments", _HTML, lambda g: g.create_comment(5, "hi"),
                     id="create-comment-html"),
        pytest.param("PATCH", "/issues/comments/9", _HTML, lambda g: g.update_comment(9, "hi"),
                     id="update-comment-html"),
        pytest.param("GET", "/commits/abc/statuses", _HTML, lambda g: g.statuses("abc"), id="statuses-html"),
    ],
)
def test_a_malformed_answer_is_one_line_naming_the_endpoint(
    fake: FakeGitHub, method: str, path: str, body: object, call: Callable[[GitHub], object]
) -> None:
    fake.fail(method, path + "$", 200, body=body)
    with client(fake) as github, pytest.raises(GitHubError) as caught:
        call(github)
    assert str(caught.value) == (
        f"GitHub answered {method} {PREFIX}{path} with something that is not the expected JSON"
    )


# -- the sticky comment is gate's own -------------------------------------------------------------
MARK = "<!-- gate:report -->"
HUMAN = {"login": "eve", "id": 7, "type": "User"}
BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
OTHER_BOT = {"login": "renovate[bot]", "id": 29139614, "type": "Bot"}
IMPOSTOR = {"login": "github-actions[bot]", "id": 666, "type": "Bot"}  # a login alone proves nothing
PERSON_TOKEN = Identity(login="gate-ci", id=99, kind="user")


@pytest.mark.parametrize(
    ("comments", "me", "expected"),
    [
        pytest.param([(1, HUMAN, MARK)], ACTIONS_BOT, None, id="a-person-posted-the-marker"),
        pytest.param([(1, HUMAN, MARK), (2, BOT, MARK)], ACTIONS_BOT, 2, id="the-bot-comment-not-the-earlier-person"),
        pytest.param([(1, BOT, "LGTM"), (2, BOT, f"{MARK}\nreport")], ACTIONS_BOT, 2,
                     id="the-bot-comment-with-the-marker"),
        pytest.param([(1, OTHER_BOT, MARK), (2, BOT, MARK)], ACTIONS_BOT, 2, id="another-apps-bot-quoting-the-marker"),
        pytest.param([(1, IMPOSTOR, MARK)], ACTIONS_BOT, None, id="same-login-other-id"),
        pytest.param([(1, BOT, MARK), (2, {"login": "gate-ci", "id": 99, "type": "User"}, MARK)], PERSON_TOKEN, 2,
                     id="a-personal-token-finds-its-own-not-the-bots"),
        pytest.param([(1, {"login": "ghost"}, MARK)], ACTIONS_BOT, None, id="no-user-id"),
        pytest.param([], ACTIONS_BOT, None, id="no-comments"),
    ],
)
def test_the_sticky_comment_is_gates_own(fake: FakeGitHub, comments: list[tuple[int, dict[str, object], str]],
                                         me: Identity, expected: int | None) -> None:
    fake.comments[5] = [{"id": cid, "user": who, "body": body} for cid, who, body in comments]
    with client(fake) as github:
        found = github.find_comment(5, MARK, me)
    assert (found.id if found else None) == expected


# -- hostile or broken answers ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "created_at",
    [
        pytest.param("2026-11-30T09:00:00", id="no-offset"),
        pytest.param("not a time", id="garbage"),
        pytest.param("", id="empty"),
        pytest.param(12345, id="a-number"),
        pytest.param("9" * 5000, id="5000-digits"),
    ],
)
def test_a_time_gitHub_gave_without_an_offset_counts_as_no_time(fake: FakeGitHub, created_at: object) -> None:
    fake.push("a" * 40, "2026-11-30T09:10:00Z")
    fake.check_suites["a" * 40][0]["created_at"] = created_at
    fake.label(5, "gate/override", actor="maria", at="2026-11-30T10:00:00Z")
    fake.events[5][-1]["created_at"] = created_at
    with client(fake) as github:
        assert github.first_check_suite_at("a" * 40) is None  # never a naive time to compare and crash on
        assert github.latest_labeled(5, "gate/override") == (None, None)


def test_truncated_json_is_a_malformed_answer(fake: FakeGitHub) -> None:
    fake.fail("GET", "/issues/5/labels$", 200, body=Raw('[{"name": "gate/ov', "application/json"))
    with client(fake) as github, pytest.raises(GitHubError, match="not the expected JSON"):
        github.labels(5)


def test_an_answer_nested_past_pythons_limit_is_a_malformed_answer(fake: FakeGitHub) -> None:
    fake.fail("GET", "/issues/5/labels$", 200, body=Raw("[" * 100_000 + "]" * 100_000, "application/json"))
    with client(fake) as github, pytest.raises(GitHubError, match="not the expected JSON"):
        github.labels(5)


def test_an_answer_larger_than_the_bound_is_refused_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.adapters.github as github_module

    monkeypatch.setattr(github_module, "MAX_RESPONSE_BYTES", 10_000)
    sent: list[int] = []

    def endless(request: httpx.Request) -> httpx.Response:
        def body() -> Iterator[bytes]:
            for _ in range(1000):
                sent.append(1)
                yield b"x" * 1000

        return httpx.Response(200, content=body())

    github = GitHub("https://api.github.com", TOKEN, "o/r", transport=httpx.MockTransport(endless), sleep=Sleeps())
    with pytest.raises(GitHubError, match="more than"):
        github.labels(1)
    assert len(sent) < 20  # stopped reading, never buffered the whole answer


def test_an_answer_that_drips_is_cut_at_the_request_deadline() -> None:
    clock = [0.0]

    def drip(request: httpx.Request) -> httpx.Response:
        def body() -> Iterator[bytes]:
            for _ in range(100):
                clock[0] += 1.0  # each byte a second late: within the read timeout, never done
                yield b" "

        return httpx.Response(200, content=body())

    import gate.adapters.github as github_module

    sleeps = Sleeps()
    real = github_module.time.monotonic
    github_module.time.monotonic = lambda: real() + clock[0]  # type: ignore[assignment]
    try:
        github = GitHub("https://api.github.com", TOKEN, "o/r", transport=httpx.MockTransport(drip), sleep=sleeps,
                        request_deadline=5.0, backoff=0.01)
        with pytest.raises(GitHubError, match="in time"):
            github.labels(1)
    finally:
        github_module.time.monotonic = real  # type: ignore[assignment]


def test_a_token_echoed_in_an_error_message_is_redacted(fake: FakeGitHub) -> None:
    fake.fail("GET", "/pulls/5$", 422, body={"message": f"Validation failed for {TOKEN} and AKIAIOSFODNN7EXAMPLE"})
    with client(fake) as github, pytest.raises(GitHubError) as caught:
        github.pull(5)
    assert TOKEN not in str(caught.value) and "AKIAIOSFODNN7EXAMPLE" not in str(caught.value)
    assert "[redacted]" in str(caught.value)


def test_a_multi_line_api_message_becomes_one_line(fake: FakeGitHub) -> None:
    fake.fail("GET", "/pulls/5$", 404, body={"message": "Not\nFound\r\n::error::injected"})
    with client(fake) as github, pytest.raises(GitHubError) as caught:
        github.pull(5)
    assert "\n" not in str(caught.value) and "\r" not in str(caught.value)


def test_a_title_carrying_a_token_is_redacted(fake: FakeGitHub) -> None:
    fake.pulls[5]["title"] = f"Fix login (token {TOKEN})"
    with client(fake) as github:
        assert TOKEN not in (github.pull(5).title or "")


# -- who gate is, and the runs it names -------------------------------------------------------------
def test_an_installation_token_is_github_actions_bot(fake: FakeGitHub) -> None:
    with client(fake) as github:
        assert github.identity() == ACTIONS_BOT
        github.identity()
    assert len(fake.calls("GET", "^/user$")) == 1  # asked once per run


def test_a_personal_token_is_its_user(fake: FakeGitHub) -> None:
    fake.me = {"login": "gate-ci", "id": 99, "type": "User"}
    with client(fake) as github:
        assert github.identity() == Identity(login="gate-ci", id=99, kind="user")


def test_an_unreadable_identity_is_an_error_not_a_guess(fake: FakeGitHub) -> None:
    fake.fail("GET", "^/user$", 401, body={"message": "Bad credentials"})
    with client(fake) as github, pytest.raises(GitHubError):
        github.identity()


def test_a_workflow_run_is_read_and_a_missing_one_is_none(fake: FakeGitHub) -> None:
    fake.add_run(77, head_sha="a" * 40, event="push", attempt=2)
    with client(fake) as github:
        run = github.workflow_run(77)
        assert run is not None
        assert (run.id, run.attempt, run.path, run.head_sha, run.event, run.repository) == (
            77, 2, ".github/workflows/gate.yml", "a" * 40, "push", fake.repository)
        assert github.workflow_run(78) is None


def test_a_403_on_a_run_names_actions_read(fake: FakeGitHub) -> None:
    fake.fail("GET", "/actions/runs/77$", 403, body={"message": "Resource not accessible by integration"})
    with client(fake) as github, pytest.raises(GitHubError, match="actions: read"):
        github.workflow_run(77)


def test_pages_that_add_up_past_the_bound_are_refused(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.adapters.github as github_module

    monkeypatch.setattr(github_module, "MAX_RESPONSE_BYTES", 6000)
    fake.page_size = 2
    for i in range(100):
        fake.label(5, f"label-{i}", actor="bob", at="2026-11-30T10:00:00Z")
    with client(fake) as github, pytest.raises(GitHubError, match="pages add up"):
        github.issue_events(5)


def test_no_request_starts_once_the_runs_api_time_is_spent(fake: FakeGitHub) -> None:
    with client(fake, total_budget=0.0) as github, pytest.raises(GitHubError, match="stopped asking GitHub"):
        github.pull(5)
    assert fake.requests == []


@pytest.mark.parametrize("remaining", [b"\xb2", b"12a", b"-1", b""])
def test_a_rate_limit_header_that_is_no_number_is_ignored_not_a_crash(remaining: bytes) -> None:
    # "²" (what latin-1 makes of the byte B2) is a digit to str.isdigit() and no number to int().
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=[(b"x-ratelimit-remaining", remaining)], json=[])

    github = GitHub("https://api.github.com", TOKEN, "o/r", transport=httpx.MockTransport(answer), sleep=Sleeps())
    assert github.labels(1) == []
    assert github.rate_remaining is None
