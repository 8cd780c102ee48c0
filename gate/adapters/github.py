"""The GitHub REST API client: httpx with timeouts, retries bounded in time, pagination by `link`.

Retries (tenacity) cover what goes away by waiting: 5xx answers, 429, the secondary rate limit and
an exhausted primary rate limit (403 with `retry-after` or `x-ratelimit-remaining: 0`), dropped
connections and timeouts. Waits honour `retry-after`, then `x-ratelimit-reset`, else back off
exponentially; one request's retries stay within `retry_budget` seconds and all retries of a run
stop once `session_budget` has passed, and no request starts once `total_budget` has passed since
the first, so a job never hangs on GitHub. Other refusals are explained in one line that names the
permission the token lacks.

The token lives only in the HTTP client's headers: it is in no repr, message or log line. Text
the API sends back (error messages, titles, role names) has credentials redacted before it leaves
this module. An answer is read up to `MAX_RESPONSE_BYTES` and within `request_deadline` seconds,
so a misbehaving server can neither exhaust memory nor hold a job by dripping bytes.

Every request sent is counted (`sent`, retries included) and the primary rate limit GitHub reports
is kept (`rate_remaining`), so a long run such as the golden-window sweep can spend a budget and
stop cleanly; past `request_limit` the client refuses to send (`BudgetSpent`).
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from gate import __version__
from gate.core.errors import ExternalError
from gate.core.models import ChangedFile, EntryKind, FileStatus
from gate.core.redact import redact

# How the pull-request files endpoint names a file's status; anything else is a modification.
_FILE_STATUS = {
    "added": FileStatus.ADDED,
    "copied": FileStatus.ADDED,
    "removed": FileStatus.DELETED,
    "renamed": FileStatus.RENAMED,
}

PER_PAGE = 100
MAX_PAGES = 100  # 10 000 items: far past any real pull request, and a bound on a misbehaving API
MAX_ATTEMPTS = 5
MAX_SINGLE_WAIT = 60.0
MAX_RESPONSE_BYTES = 32 * 1024 * 1024  # a page of 100 items is far smaller; more is not GitHub
# The compare endpoint lists at most this many files; a comparison that reaches it may lack some.
COMPARE_FILE_LIMIT = 300


class GitHubError(ExternalError):
    """GitHub refused or failed a request; the message says what to do."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def cannot_write(self) -> bool:
        """The token may not do this (read-only token of a fork's pull request, missing permission)."""
        return self.status in (401, 403, 404)


class BudgetSpent(GitHubError):
    """The run's budget of requests is spent: nothing more is sent (the caller stops cleanly)."""


class _Transient(Exception):
    """A failure worth retrying; `delay` is what GitHub asked us to wait, when it said."""

    def __init__(self, message: str, delay: float | None, status: int | None) -> None:
        super().__init__(message)
        self.delay = delay
        self.status = status


# The job permission each endpoint needs, to explain a 401/403 in one line.
_PERMISSIONS: tuple[tuple[str, str, str], ...] = (
    ("GET", r"/issues/\d+/comments$", "issues: read"),
    ("POST", r"/issues/\d+/comments$", "pull-requests: write"),
    ("PATCH", r"/issues/comments/\d+$", "pull-requests: write"),
    ("GET", r"/issues/\d+/(labels|events)$", "issues: read"),
    ("GET", r"/collaborators/[^/]+/permission$", "metadata: read"),
    ("GET", r"/commits/[^/]+/check-suites$", "checks: read"),
    ("GET", r"/commits/[^/]+/statuses$", "statuses: read"),
    ("POST", r"/statuses/[^/]+$", "statuses: write"),
    ("GET", r"/pulls/\d+(/files)?$", "pull-requests: read"),
    ("GET", r"/pulls$", "pull-requests: read"),
    ("GET", r"/compare/[^/]+$", "contents: read"),
    ("GET", r"/contents/", "contents: read"),
    ("GET", r"/git/blobs/[^/]+$", "contents: read"),
    ("GET", r"/commits/[^/]+/status$", "statuses: read"),
    ("GET", r"/actions/runs/\d+$", "actions: read"),
)


def permission_for(method: str, path: str) -> str | None:
    for verb, pattern, permission in _PERMISSIONS:
        if verb == method and re.search(pattern.replace("$", r"\Z"), path):
            return permission
    return None


@dataclass(frozen=True, slots=True)
class PullInfo:
    """What gate reads of a pull request: its number, author, head and base, link and title."""

    number: int
    author: str | None
    head_sha: str
    base_sha: str
    base_ref: str
    url: str | None
    title: str | None
    merged: bool = False
    merge_commit_sha: str | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """Who gate's token acts as: the account whose comments and statuses are gate's own."""

    login: str
    id: int | None
    kind: str  # "user": a personal or OAuth token; "app": the workflow's GITHUB_TOKEN

    def wrote(self, login: str | None, user_id: int | None) -> bool:
        """Whether the account `login` (with `user_id`) is this identity: the login and, when known, the id."""
        if login is None or login.casefold() != self.login.casefold():
            return False
        return self.id is None or user_id == self.id


# The workflow's GITHUB_TOKEN (an installation token of the GitHub Actions app) writes comments and
# statuses as this bot. GitHub answers GET /user with 403 for every installation token, so this is
# what gate takes such a token to be (see `GitHub.identity`).
ACTIONS_BOT = Identity(login="github-actions[bot]", id=41898282, kind="app")


@dataclass(frozen=True, slots=True)
class IssueComment:
    """A pull request's comment: its id, author and body."""

    id: int
    author: str | None
    author_type: str  # "Bot", "User", "Organization"
    body: str
    author_id: int | None = None


@dataclass(frozen=True, slots=True)
class CommitStatus:
    """A commit status as GitHub lists it: its context, state, who created it and the run it links."""

    context: str
    state: str  # error, failure, pending, success
    creator: str | None
    target_url: str | None
    description: str | None
    created_at: datetime | None
    creator_id: int | None = None


@dataclass(frozen=True, slots=True)
class WorkflowRun:
    """A workflow run as GitHub describes it: which workflow, commit and event it ran for."""

    id: int
    attempt: int
    path: str  # the workflow file, e.g. .github/workflows/gate.yml
    head_sha: str
    event: str
    repository: str  # owner/name
    started_at: datetime | None


@dataclass(frozen=True, slots=True)
class OpenPull:
    """An open pull request as the list of pull requests gives it (no per-pull request call)."""

    number: int
    head_sha: str
    base_sha: str
    base_ref: str
    author: str | None
    labels: tuple[str, ...]
    from_fork: bool  # its head is in another repository (or a deleted one): its own runs get a read-only token
    draft: bool
    url: str | None
    title: str | None

    def info(self) -> PullInfo:
        return PullInfo(self.number, self.author, self.head_sha, self.base_sha, self.base_ref, self.url, self.title)


@dataclass(frozen=True, slots=True)
class Comparison:
    """What `compare/{base}...{head}` says: the merge-base and the files changed since it."""

    merge_base: str
    files: tuple[ChangedFile, ...]
    complete: bool  # False when GitHub may have left files out (it lists at most 300)


class GitHub:
    """One repository's slice of the REST API, with the calls gate makes; answers come back as typed
    records, and an answer of another shape is a `GitHubError` naming the endpoint."""

    def __init__(
        self,
        api_url: str,
        token: str,
        repository: str,
        *,
        timeout: float = 15.0,
        request_deadline: float = 60.0,
        retry_budget: float = 60.0,
        session_budget: float = 180.0,
        total_budget: float = 300.0,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.repository = repository
        self.request_deadline = request_deadline
        self.retry_budget = retry_budget
        self._secrets = (token,) if token else ()
        self._identity: Identity | None = None
        # Retries of all requests together stop after this long, so a run's API time stays bounded.
        self._session_deadline = time.monotonic() + session_budget
        # And all requests together, however slowly each one is answered: past this, gate stops asking.
        self._total_budget = total_budget
        self._total_deadline = time.monotonic() + total_budget
        self.backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._events: dict[int, list[Mapping[str, Any]]] = {}
        self.sent = 0  # HTTP requests sent, retries included: what the rate limit counts
        self.rate_remaining: int | None = None  # GitHub's `x-ratelimit-remaining`, as last seen
        self.request_limit: int | None = None  # refuse to send once `sent` reaches this
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": f"gate/{__version__}",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.api_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            transport=transport,
        )
        self._origin = _origin(self.api_url)

    def __repr__(self) -> str:
        return f"GitHub(api_url={self.api_url!r}, repository={self.repository!r})"

    def __enter__(self) -> GitHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- the calls gate makes -----------------------------------------------------------------
    def _repo(self, rest: str) -> str:
        return f"/repos/{self.repository}{rest}"

    def pull(self, number: int) -> PullInfo:
        path = self._repo(f"/pulls/{number}")
        data = self.get_object(path)
        try:
            title = _optional_text(data.get("title"))
            return PullInfo(
                number=number,
                author=_login(data.get("user")),
                head_sha=_text(data["head"]["sha"]),
                base_sha=_text(data["base"]["sha"]),
                base_ref=str(data["base"].get("ref", "")),
                url=_optional_text(data.get("html_url")),
                title=self.redact(title) if title is not None else None,
                merged=data.get("merged") is True,
                merge_commit_sha=_optional_text(data.get("merge_commit_sha")),
            )
        except (KeyError, TypeError, AttributeError, ValueError):
            raise malformed("GET", path) from None

    def pull_files(self, number: int) -> tuple[ChangedFile, ...]:
        """The files a pull request changes, as GitHub lists them (at most 3000)."""
        path = self._repo(f"/pulls/{number}/files")
        try:
            return tuple(changed_file(item) for item in self.paginate(path))
        except ValueError:
            raise malformed("GET", path) from None

    def labels(self, number: int) -> list[str]:
        path = self._repo(f"/issues/{number}/labels")
        names = [label.get("name") for label in self.paginate(path)]
        if not all(isinstance(name, str) for name in names):
            raise malformed("GET", path)
        return [str(name) for name in names]

    def latest_labeled(self, number: int, label: str) -> tuple[str | None, datetime | None]:
        """Who applied `label` last, and when, from the issue's timeline of events."""
        latest: tuple[datetime, int, str | None] | None = None
        for event in self.issue_events(number):
            name = (event.get("label") or {}).get("name")
            if event.get("event") != "labeled" or not isinstance(name, str):
                continue
            if name.casefold() != label.casefold():
                continue
            at = api_time(event.get("created_at"))
            if at is None:
                continue
            key = (at, _number(event.get("id")), _login(event.get("actor")))
            if latest is None or key[:2] > latest[:2]:
                latest = key
        return (latest[2], latest[0]) if latest else (None, None)

    def issue_events(self, number: int) -> list[Mapping[str, Any]]:
        """The issue's timeline of events, read once per run (the override needs it twice)."""
        if number not in self._events:
            self._events[number] = list(self.paginate(self._repo(f"/issues/{number}/events")))
        return self._events[number]

    def latest_head_move(self, number: int) -> datetime | None:
        """When the pull request's branch was last force-pushed, from the same timeline.

        A force-push can put commits that were pushed elsewhere earlier (so their check suites are
        old) onto the pull request after the label: the label must be newer than this too.
        """
        moves = [
            at
            for event in self.issue_events(number)
            if event.get("event") in ("head_ref_force_pushed", "head_ref_restored")
            and (at := api_time(event.get("created_at"))) is not None
        ]
        return max(moves, default=None)

    def role(self, user: str) -> str | None:
        """The user's repository role (admin, maintain, write, triage, read), None when not a collaborator."""
        try:
            data = self.get_object(self._repo(f"/collaborators/{user}/permission"))
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        role = data.get("role_name") or data.get("permission")
        # Custom repository roles have names someone wrote: text from outside, like any other.
        return self.redact(str(role)) if role else None

    def first_check_suite_at(self, sha: str) -> datetime | None:
        """When GitHub first saw the commit pushed: the earliest check suite created for it."""
        times = [
            at
            for suite in self.paginate(self._repo(f"/commits/{sha}/check-suites"), key="check_suites")
            if (at := api_time(suite.get("created_at"))) is not None
        ]
        return min(times) if times else None

    def identity(self) -> Identity:
        """Who the token acts as, asked once: GET /user names a person's or OAuth token's account.

        GitHub answers 403 to every installation token, the workflow's GITHUB_TOKEN included, whose
        comments and statuses are github-actions[bot]'s: that is what such a token is taken to be.
        A token of another GitHub App is then not recognised as itself (its own earlier comment and
        notice status do not count, so gate comments and notifies again): the safe side.
        """
        if self._identity is None:
            try:
                data = self.get_object("/user")
            except GitHubError as exc:
                if exc.status != 403:
                    raise
                self._identity = ACTIONS_BOT
            else:
                login, user_id = data.get("login"), data.get("id")
                if not isinstance(login, str) or not login or not isinstance(user_id, int):
                    raise malformed("GET", "/user")
                self._identity = Identity(login=login, id=user_id, kind="user")
        return self._identity

    def find_comment(self, number: int, marker: str, author: Identity) -> IssueComment | None:
        """The sticky comment: the first one carrying the marker that `author` (gate's identity) wrote.

        Anyone can post the marker, a person or another app's bot. Taking their comment would make
        gate edit it (refused, so gate would never comment) or, with a token allowed to, overwrite
        what they wrote.
        """
        path = self._repo(f"/issues/{number}/comments")
        for comment in self.paginate(path):
            user = comment.get("user")
            if not author.wrote(_login(user), _user_id(user)):
                continue
            if marker not in str(comment.get("body") or ""):
                continue
            comment_id = comment.get("id")
            if not isinstance(comment_id, int) or isinstance(comment_id, bool):
                raise malformed("GET", path)
            kind = str(user.get("type") or "") if isinstance(user, dict) else ""
            return IssueComment(id=comment_id, author=_login(user), author_type=kind, body=str(comment["body"]),
                                author_id=_user_id(user))
        return None

    def create_comment(self, number: int, body: str) -> dict[str, Any]:
        return self._object("POST", self._repo(f"/issues/{number}/comments"), json={"body": body})

    def update_comment(self, comment_id: int, body: str) -> dict[str, Any]:
        return self._object("PATCH", self._repo(f"/issues/comments/{comment_id}"), json={"body": body})

    def statuses(self, sha: str) -> list[CommitStatus]:
        """The commit's statuses, newest first, as GitHub lists them."""
        found = []
        for item in self.paginate(self._repo(f"/commits/{sha}/statuses")):
            description = _optional_text(item.get("description"))
            found.append(CommitStatus(
                context=str(item.get("context") or ""),
                state=str(item.get("state") or ""),
                creator=_login(item.get("creator")),
                target_url=_optional_text(item.get("target_url")),
                description=self.redact(description) if description is not None else None,
                created_at=api_time(item.get("created_at")),
                creator_id=_user_id(item.get("creator")),
            ))
        return found

    def create_status(self, sha: str, *, state: str, context: str, description: str, target_url: str = "") -> None:
        body = {"state": state, "context": context, "description": description[:140]}
        if target_url:
            body["target_url"] = target_url
        self.post(self._repo(f"/statuses/{sha}"), body)

    def latest_status(self, sha: str, context: str) -> CommitStatus | None:
        """The newest status of `context` on the commit, from its combined status (one request)."""
        path = self._repo(f"/commits/{sha}/status")
        data = self._object("GET", path, params={"per_page": PER_PAGE})
        statuses = data.get("statuses")
        if not isinstance(statuses, list):
            raise malformed("GET", path)
        for item in statuses:
            if isinstance(item, dict) and item.get("context") == context:
                description = _optional_text(item.get("description"))
                return CommitStatus(
                    context=context,
                    state=str(item.get("state") or ""),
                    creator=_login(item.get("creator")),
                    target_url=_optional_text(item.get("target_url")),
                    description=self.redact(description) if description is not None else None,
                    created_at=api_time(item.get("created_at")),
                    creator_id=_user_id(item.get("creator")),
                )
        return None

    def open_pulls(self) -> list[OpenPull]:
        """Every open pull request, oldest first (a pull request opened meanwhile joins the end, so
        the pages do not shift under the listing)."""
        path = self._repo("/pulls")
        found: dict[int, OpenPull] = {}
        for item in self.paginate(path, {"state": "open", "sort": "created", "direction": "asc"}):
            try:
                head, base = item["head"], item["base"]
                base_repo = (base.get("repo") or {}).get("full_name")
                head_repo = (head.get("repo") or {}).get("full_name")
                pull = OpenPull(
                    number=_positive(item["number"]),
                    head_sha=_text(head["sha"]),
                    base_sha=_text(base["sha"]),
                    base_ref=str(base.get("ref") or ""),
                    author=_login(item.get("user")),
                    labels=tuple(
                        str(label["name"]) for label in item.get("labels") or () if isinstance(label, dict)
                        and isinstance(label.get("name"), str)
                    ),
                    from_fork=not isinstance(head_repo, str) or head_repo != base_repo,
                    draft=item.get("draft") is True,
                    url=_optional_text(item.get("html_url")),
                    title=self.redact(str(item.get("title"))) if isinstance(item.get("title"), str) else None,
                )
            except (KeyError, TypeError, AttributeError, ValueError):
                raise malformed("GET", path) from None
            found.setdefault(pull.number, pull)
        return list(found.values())

    def compare(self, base: str, head: str) -> Comparison:
        """The merge-base of two commits and the files changed from it to `head`, in one request.

        One commit per page is asked for: the files come whole with the first page, and the
        commits, which gate does not need, would only make the answer longer.
        """
        path = self._repo(f"/compare/{base}...{head}")
        data = self._object("GET", path, params={"per_page": 1})
        try:
            merge_base = _text(data["merge_base_commit"]["sha"])
            items = data.get("files") or []
            if not isinstance(items, list):
                raise ValueError("files is not a list")
            files = tuple(changed_file(item) for item in items)
        except (KeyError, TypeError, AttributeError, ValueError):
            raise malformed("GET", path) from None
        return Comparison(merge_base, files, complete=len(files) < COMPARE_FILE_LIMIT)

    def contents(self, path: str, ref: str) -> bytes | None:
        """A file's bytes at `ref`; None when there is no file there (absent, a folder, a submodule, a
        symlink that does not lead to a file of the repository, which GitHub then describes)."""
        where = self._repo(f"/contents/{quote(path)}")
        try:
            data = _json(self.request("GET", where, params={"ref": ref}), "GET", where)
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        if not isinstance(data, dict) or data.get("type") != "file":
            return None
        content, encoding = data.get("content"), data.get("encoding")
        if encoding == "base64" and isinstance(content, str):
            return _base64(content, "GET", where)
        sha = data.get("sha")
        if isinstance(sha, str) and sha:
            # Files of 1 to 100 MB come without their content ("encoding": "none"): read the blob.
            return self.blob(sha)
        raise malformed("GET", where)

    def folder(self, path: str, ref: str) -> dict[str, EntryKind]:
        """The entries directly under a folder at `ref`; empty when there is no folder there."""
        where = self._repo(f"/contents/{quote(path.strip('/'))}")
        try:
            data = _json(self.request("GET", where, params={"ref": ref}), "GET", where)
        except GitHubError as exc:
            if exc.status == 404:
                return {}
            raise
        if not isinstance(data, list):
            return {}  # a file, not a folder
        return {
            str(item["name"]): EntryKind.DIR if item.get("type") == "dir" else EntryKind.FILE
            for item in data
            if isinstance(item, dict) and isinstance(item.get("name"), str) and item.get("type") != "submodule"
        }

    def blob(self, sha: str) -> bytes:
        path = self._repo(f"/git/blobs/{sha}")
        data = self._object("GET", path)
        content = data.get("content")
        if data.get("encoding") != "base64" or not isinstance(content, str):
            raise malformed("GET", path)
        return _base64(content, "GET", path)

    def workflow_run(self, run_id: int) -> WorkflowRun | None:
        """A workflow run of this repository; None when GitHub has none by that id here."""
        path = self._repo(f"/actions/runs/{run_id}")
        try:
            data = self.get_object(path)
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        try:
            repository = data["repository"]["full_name"]
            return WorkflowRun(
                id=_whole(data["id"]),
                attempt=_whole(data.get("run_attempt", 1)),
                path=_text(data["path"]),
                head_sha=_text(data["head_sha"]),
                event=_text(data["event"]),
                repository=_text(repository),
                started_at=api_time(data.get("run_started_at") or data.get("created_at")),
            )
        except (KeyError, TypeError, ValueError):
            raise malformed("GET", path) from None

    def redact(self, text: str) -> str:
        """Text from the API with the token and anything shaped like a credential taken out."""
        return redact(text, self._secrets)

    # -- plumbing -----------------------------------------------------------------------------
    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        return _json(self.request("GET", path, params=params), "GET", path)

    def get_object(self, path: str) -> dict[str, Any]:
        return self._object("GET", path)

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        return _json(self.request("POST", path, json=body), "POST", path)

    def _object(
        self,
        method: str,
        path: str,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> dict[str, Any]:
        """A call answered by one JSON object; anything else is a malformed answer."""
        data = _json(self.request(method, path, json=json, params=params), method, path)
        if not isinstance(data, dict):
            raise malformed(method, path)
        return data

    def paginate(
        self, path: str, params: Mapping[str, str | int] | None = None, key: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, page by page along the `link: <…>; rel="next"` header."""
        url: str | None = path
        query: Mapping[str, str | int] | None = {"per_page": PER_PAGE, **(params or {})}
        received = 0
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self.request("GET", url, params=query)
            received += len(response.content)
            if received > MAX_RESPONSE_BYTES:
                # Every page is kept by the caller: the whole list is bounded, not only each page.
                raise GitHubError(f"GET {_path(path)}: GitHub's pages add up to more than "
                                  f"{MAX_RESPONSE_BYTES // 1048576} MiB; gate stopped there")
            data = _json(response, "GET", url)
            items = data.get(key) if key is not None and isinstance(data, dict) else data
            if not isinstance(items, list):
                raise malformed("GET", url)
            yield from (item for item in items if isinstance(item, dict))
            url = response.links.get("next", {}).get("url")
            query = None  # the next link carries the query
            if url is not None and _origin(url) != self._origin:
                # Never send the token to another host, whatever the header says.
                raise GitHubError(f"GitHub's next-page link points outside {self._origin}; gate stopped there")
        raise GitHubError(f"GET {_path(path)}: more than {MAX_PAGES} pages; gate stopped there")

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        if time.monotonic() > self._total_deadline:
            raise GitHubError(
                f"{method} {_path(path)}: gate stopped asking GitHub after {self._total_budget:.0f} s spent on this "
                "run's requests (GitHub is answering too slowly)"
            )
        retrying = Retrying(
            retry=retry_if_exception_type(_Transient),
            wait=self._wait,
            stop=self._stop,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            response: httpx.Response = retrying(self._send, method, path, params, json)
        except _Transient as exc:
            raise GitHubError(str(exc), exc.status) from None
        return response

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, str | int] | None,
        json: Mapping[str, Any] | None,
    ) -> httpx.Response:
        where = f"{method} {_path(path)}"
        if self.request_limit is not None and self.sent >= self.request_limit:
            raise BudgetSpent(f"gate's budget of requests is spent; it did not send {where}")
        self.sent += 1
        try:
            response = self._receive(self._http.build_request(method, path, params=params, json=json), where)
        except httpx.TimeoutException:
            raise _Transient(f"GitHub did not answer {where} in time", None, None) from None
        except httpx.TransportError as exc:
            detail = self.redact(" ".join(str(exc).split()))
            raise _Transient(f"cannot reach GitHub at {self.api_url} for {where}: {detail}", None, None) from None
        remaining = response.headers.get("x-ratelimit-remaining")
        if remaining is not None and re.fullmatch(r"[0-9]{1,12}", remaining):  # not str.isdigit(): "²" is a digit
            self.rate_remaining = int(remaining)
        status = response.status_code
        if status < 400:
            return response
        delay = self._asked_delay(response)
        limited = response.headers.get("x-ratelimit-remaining") == "0"
        if status >= 500 or status == 429 or (status == 403 and (delay is not None or limited)):
            reason = "rate limited" if status in (403, 429) else "failed"
            message = self.redact(_message(response))
            raise _Transient(f"GitHub {reason} {where} ({status} {message})", delay, status)
        raise GitHubError(self.redact(explain(method, _path(path), response)), status)

    def _receive(self, request: httpx.Request, where: str) -> httpx.Response:
        """The whole answer, read within MAX_RESPONSE_BYTES and `request_deadline` seconds."""
        deadline = time.monotonic() + self.request_deadline
        response = self._http.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise GitHubError(
                        f"GitHub answered {where} with more than {MAX_RESPONSE_BYTES // 1048576} MiB; gate stopped "
                        "reading (a proxy or a misbehaving server?)"
                    )
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"the answer to {where} took too long", request=request)
                chunks.append(chunk)
        finally:
            response.close()
        # The body is decoded already: the new response must not decode it again.
        # Raw bytes: a header value that is not ASCII must pass through, not fail re-encoding.
        headers = [(k, v) for k, v in response.headers.raw if k.lower() not in (b"content-encoding", b"content-length")]
        return httpx.Response(
            response.status_code, headers=headers, content=b"".join(chunks), request=request,
            extensions={"reason_phrase": response.reason_phrase.encode("ascii", "replace")},
        )

    def _asked_delay(self, response: httpx.Response) -> float | None:
        """Seconds GitHub asked us to wait: `retry-after`, else until `x-ratelimit-reset`."""
        retry_after = response.headers.get("retry-after")
        if retry_after is not None:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                try:
                    return max(0.0, parsedate_to_datetime(retry_after).timestamp() - self._clock())
                except (TypeError, ValueError):
                    return None
        if response.headers.get("x-ratelimit-remaining") == "0":
            try:
                return max(0.0, float(response.headers["x-ratelimit-reset"]) - self._clock() + 1)
            except (KeyError, ValueError):
                return None
        return None

    def _next_wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, _Transient) and error.delay is not None:
            return float(error.delay)
        return min(MAX_SINGLE_WAIT, self.backoff * float(2 ** (state.attempt_number - 1)))

    def _wait(self, state: RetryCallState) -> float:
        return self._next_wait(state)

    def _stop(self, state: RetryCallState) -> bool:
        spent = max(state.seconds_since_start or 0.0, state.idle_for)
        wait = self._next_wait(state)
        return (
            state.attempt_number >= MAX_ATTEMPTS
            or spent + wait > self.retry_budget
            or time.monotonic() + wait > self._session_deadline
        )


def explain(method: str, path: str, response: httpx.Response) -> str:
    """One line: what GitHub refused, and what the user can do about it."""
    status = response.status_code
    what = f"GitHub refused {method} {path} ({status} {_message(response)})"
    if status == 401:
        return f"{what}: the token is missing, invalid or expired; pass a valid `github-token` input"
    if status == 403:
        permission = permission_for(method, path)
        lacks = f"the token lacks `{permission}`" if permission else "the token lacks a permission this call needs"
        return (
            f"{what}: {lacks}; grant it in the job's `permissions:` "
            "(pull requests from forks get a read-only token)"
        )
    if status == 404:
        return f"{what}: not found, or the token cannot see this repository"
    return what


def malformed(method: str, path: str) -> GitHubError:
    """An answer that is not what GitHub documents: a proxy's error page, a changed shape."""
    return GitHubError(f"GitHub answered {method} {_path(path)} with something that is not the expected JSON")


def _json(response: httpx.Response, method: str, path: str) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):  # also UnicodeDecodeError: a body that is not even text
        raise malformed(method, path) from None


def changed_file(item: Mapping[str, Any]) -> ChangedFile:
    """A file as the compare and pull-request files endpoints list it."""
    name, previous = item.get("filename"), item.get("previous_filename")
    if not isinstance(name, str) or not name:
        raise ValueError("a file without a name")
    status = _FILE_STATUS.get(str(item.get("status")), FileStatus.MODIFIED)
    old = previous if status is FileStatus.RENAMED and isinstance(previous, str) and previous else None
    return ChangedFile(name, status, old)


def _base64(content: str, method: str, path: str) -> bytes:
    try:
        return base64.b64decode(content.replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        raise malformed(method, path) from None


def _positive(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"expected a positive number, not {value!r}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a non-empty string, not {value!r}")
    return value


def _whole(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"expected an integer, not {value!r}")
    return value


def _user_id(user: object) -> int | None:
    if isinstance(user, dict):
        value = user.get("id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> int:
    """An event's id, to order events created in the same second; 0 when GitHub gave none."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def api_time(value: object) -> datetime | None:
    """A time GitHub gave, or None when it is missing, not a time, or has no offset.

    GitHub writes ISO 8601 in UTC with a `Z`. A time without an offset cannot be compared with
    one that has it (Python refuses), and guessing its zone could move a label before or after a
    push: such an answer counts as giving no time, which rejects what depends on it.
    """
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None

def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except (ValueError, RecursionError):
        data = None
    message = data.get("message") if isinstance(data, dict) else None
    if not message:
        return response.reason_phrase
    text = " ".join(str(message).split())  # one line, whatever GitHub (or a proxy) wrote
    return f"{response.reason_phrase}: {text if len(text) <= 300 else text[:297] + '...'}"


def _login(user: object) -> str | None:
    if isinstance(user, dict) and isinstance(user.get("login"), str):
        return str(user["login"])
    return None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _path(url: str) -> str:
    """The path of a URL or path, without the query (which never holds a secret, but is noise)."""
    return urlsplit(url).path or url
