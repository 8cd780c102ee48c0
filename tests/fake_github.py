"""A fake GitHub REST API served over real HTTP on 127.0.0.1, for the client and `gate action`.

It answers the endpoints gate calls with the shapes GitHub documents (the pull request itself is
GitHub's own example payload from the corpus, adapted), paginates with `link` headers, and records
every request so tests can assert what was sent (PATCH or POST, which token). Failures are
scripted: `fail(...)` queues answers served before the normal ones, e.g. a 502 then success.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from helpers import FIXTURES

REPOSITORY = "octo-org/octo-repo"
BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
# role_name -> the legacy `permission` GitHub reports with it
_PERMISSION = {"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read"}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str | None


@dataclass
class Scripted:
    method: str
    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Raw:
    """A body served as it is, not as JSON: a proxy's or GitHub Enterprise's HTML error page."""

    text: str
    content_type: str = "text/html; charset=utf-8"


PROXY_PAGE = Raw("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
                 "<body><h1>Bad Gateway</h1><p>The proxy could not reach the upstream.</p></body></html>")


def user(login: str) -> dict[str, Any]:
    return {"login": login, "id": abs(hash(login)) % 10**8, "type": "User", "site_admin": False}


@dataclass
class FakeGitHub:
    repository: str = REPOSITORY
    token: str | None = None  # when set, any other Authorization is a 401
    read_only: bool = False  # the token of a fork's pull request: writes are refused with 403
    page_size: int | None = None  # caps per_page, to make pagination happen with few items
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    labels: dict[int, list[str]] = field(default_factory=dict)
    events: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    check_suites: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    statuses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    scripted: list[Scripted] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        handler = _handler_for(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- arranging the state ------------------------------------------------------------------
    def add_pull(self, number: int, *, author: str, head_sha: str, base_sha: str, base_ref: str = "main") -> None:
        """GitHub's example pull request, renumbered and pointed at the test repository's commits."""
        example = json.loads((FIXTURES / "github-events" / "pull_request.opened.json").read_text())["pull_request"]
        pull = copy.deepcopy(example)
        pull.update(number=number, html_url=f"https://github.com/{self.repository}/pull/{number}", user=user(author))
        pull["head"].update(sha=head_sha)
        pull["base"].update(sha=base_sha, ref=base_ref)
        self.pulls[number] = pull
        self.labels.setdefault(number, [])
        self.events.setdefault(number, [])
        self.comments.setdefault(number, [])

    def push(self, sha: str, at: str) -> None:
        """GitHub creates a check suite per app when a commit is pushed: that is the push time."""
        self.check_suites.setdefault(sha, []).append(
            {
                "id": next(self._ids),
                "head_sha": sha,
                "head_branch": "feature",
                "status": "queued",
                "conclusion": None,
                "created_at": at,
                "updated_at": at,
                "app": {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"},
            }
        )

    def label(self, number: int, name: str, *, actor: str, at: str) -> None:
        if name not in self.labels[number]:
            self.labels[number].append(name)
        self.events[number].append(self._event("labeled", name, actor, at))

    def unlabel(self, number: int, name: str, *, actor: str, at: str) -> None:
        self.labels[number].remove(name)
        self.events[number].append(self._event("unlabeled", name, actor, at))

    def force_push(self, number: int, *, actor: str, at: str) -> None:
        """A `head_ref_force_pushed` event on the pull request's timeline (it carries no label)."""
        event = self._event("head_ref_force_pushed", "", actor, at)
        del event["label"]
        self.events[number].append(event)

    def _event(self, kind: str, name: str, actor: str, at: str) -> dict[str, Any]:
        event_id = next(self._ids)
        return {
            "id": event_id,
            "node_id": f"LE_{event_id}",
            "url": f"https://api.github.com/repos/{self.repository}/issues/events/{event_id}",
            "actor": user(actor),
            "event": kind,
            "commit_id": None,
            "commit_url": None,
            "created_at": at,
            "label": {"name": name, "color": "d73a4a"},
            "performed_via_github_app": None,
        }

    def fail(self, method: str, path_pattern: str, status: int, *, headers: dict[str, str] | None = None,
             body: Any = None, times: int = 1) -> None:
        for _ in range(times):
            self.scripted.append(
                Scripted(method, re.compile(path_pattern), status, headers or {},
                         body if body is not None else {"message": "Server Error"})
            )

    def serve_html(self, method: str, path_pattern: str, *, times: int = 1) -> None:
        """Answer 200 with an HTML page instead of JSON, as a proxy in the way does."""
        self.fail(method, path_pattern, 200, body=PROXY_PAGE, times=times)

    # -- looking at what happened -------------------------------------------------------------
    def calls(self, method: str, pattern: str = "") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.search(pattern, r.path)]

    # -- serving ------------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, body: Any, authorization: str | None
               ) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(raw_path)
        query = parse_qs(parts.query)
        with self._lock:
            self.requests.append(Recorded(method, parts.path, query, body, authorization))
            for scripted in self.scripted:
                if scripted.method == method and scripted.pattern.search(parts.path):
                    self.scripted.remove(scripted)
                    return scripted.status, scripted.headers, scripted.body
            if self.token is not None and authorization != f"Bearer {self.token}":
                return 401, {}, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
            if self.read_only and method in ("POST", "PATCH"):
                return 403, {}, {"message": "Resource not accessible by integration",
                                 "documentation_url": "https://docs.github.com/rest"}
            return self._route(method, parts.path, query, body)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any
               ) -> tuple[int, dict[str, str], Any]:
        prefix = f"/repos/{self.repository}"
        if not path.startswith(prefix):
            return _not_found()
        rest = path[len(prefix):]
        routes: list[tuple[str, str, Callable[..., tuple[int, dict[str, str], Any]]]] = [
            ("GET", r"/pulls/(\d+)", lambda n: self._get(self.pulls, int(n))),
            ("GET", r"/pulls/(\d+)/files", lambda n: self._page(path, query, self.files.get(int(n), []))),
            ("GET", r"/issues/(\d+)/labels", lambda n: self._page(path, query, self._labels(int(n)))),
            ("GET", r"/issues/(\d+)/events", lambda n: self._page(path, query, self.events.get(int(n), []))),
            ("GET", r"/issues/(\d+)/comments", lambda n: self._page(path, query, self.comments.get(int(n), []))),
            ("POST", r"/issues/(\d+)/comments", lambda n: self._create_comment(int(n), body)),
            ("PATCH", r"/issues/comments/(\d+)", lambda c: self._update_comment(int(c), body)),
            ("GET", r"/collaborators/([^/]+)/permission", self._permission),
            ("GET", r"/commits/([^/]+)/check-suites", lambda sha: self._suites(path, query, sha)),
            ("GET", r"/commits/([^/]+)/statuses", lambda sha: self._page(path, query, self.statuses.get(sha, []))),
            ("POST", r"/statuses/([^/]+)", lambda sha: self._create_status(sha, body)),
        ]
        for verb, pattern, answer in routes:
            match = re.fullmatch(pattern, rest)
            if verb == method and match:
                return answer(*match.groups())
        return _not_found()

    def _get(self, table: dict[int, Any], key: int) -> tuple[int, dict[str, str], Any]:
        return (200, {}, table[key]) if key in table else _not_found()

    def _labels(self, number: int) -> list[dict[str, Any]]:
        return [
            {"id": abs(hash(name)) % 10**9, "node_id": "LA_x", "name": name, "color": "d73a4a", "default": False,
             "description": None, "url": f"https://api.github.com/repos/{self.repository}/labels/{name}"}
            for name in self.labels.get(number, [])
        ]

    def _page(self, path: str, query: dict[str, list[str]], items: list[Any], key: str | None = None
              ) -> tuple[int, dict[str, str], Any]:
        per_page = min(int(query.get("per_page", ["30"])[0]), 100, self.page_size or 100)
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        last = max(1, -(-len(items) // per_page))
        if page < last:
            base = f"{self.url}{path}?per_page={per_page}"
            headers["Link"] = f'<{base}&page={page + 1}>; rel="next", <{base}&page={last}>; rel="last"'
        payload: Any = {"total_count": len(items), key: chunk} if key else chunk
        return 200, headers, payload

    def _suites(self, path: str, query: dict[str, list[str]], sha: str) -> tuple[int, dict[str, str], Any]:
        return self._page(path, query, self.check_suites.get(sha, []), key="check_suites")

    def _permission(self, login: str) -> tuple[int, dict[str, str], Any]:
        role = self.roles.get(login)
        if role is None:
            return 404, {}, {"message": f"{login} is not a user", "documentation_url": "https://docs.github.com/rest"}
        return 200, {}, {"permission": _PERMISSION[role], "role_name": role, "user": user(login)}

    def _create_comment(self, number: int, body: Any) -> tuple[int, dict[str, str], Any]:
        if number not in self.comments:
            return _not_found()
        comment_id = next(self._ids)
        comment = {
            "id": comment_id,
            "node_id": f"IC_{comment_id}",
            "url": f"https://api.github.com/repos/{self.repository}/issues/comments/{comment_id}",
            "html_url": f"https://github.com/{self.repository}/pull/{number}#issuecomment-{comment_id}",
            "body": body["body"],
            "user": BOT,
            "created_at": "2026-11-30T11:00:00Z",
            "updated_at": "2026-11-30T11:00:00Z",
            "author_association": "NONE",
        }
        self.comments[number].append(comment)
        return 201, {}, comment

    def _update_comment(self, comment_id: int, body: Any) -> tuple[int, dict[str, str], Any]:
        for comment in itertools.chain.from_iterable(self.comments.values()):
            if comment["id"] == comment_id:
                comment["body"] = body["body"]
                return 200, {}, comment
        return _not_found()

    def _create_status(self, sha: str, body: Any) -> tuple[int, dict[str, str], Any]:
        status = {"id": next(self._ids), "state": body["state"], "context": body["context"],
                  "description": body.get("description"), "target_url": None,
                  "created_at": "2026-11-30T11:00:00Z", "updated_at": "2026-11-30T11:00:00Z", "creator": BOT}
        self.statuses.setdefault(sha, []).insert(0, status)  # newest first, as GitHub lists them
        return 201, {}, status


def _not_found() -> tuple[int, dict[str, str], Any]:
    return 404, {}, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def _handler_for(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            status, headers, payload = fake.handle(self.command, self.path, body, self.headers.get("Authorization"))
            if isinstance(payload, Raw):
                data, content_type = payload.text.encode(), payload.content_type
            else:
                data, content_type = json.dumps(payload).encode(), "application/json; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
