"""A fake GitHub REST API served over real HTTP on 127.0.0.1, for the client and `gate action`.

It answers the endpoints gate calls with the shapes GitHub documents (the pull request itself is
GitHub's own example payload from the corpus, adapted), paginates with `link` headers, and records
every request so tests can assert what was sent (PATCH or POST, which token). Failures are
scripted: `fail(...)` queues answers served before the normal ones, e.g. a 502 then success.

With `git_dir` set to a real repository (the "remote"), it also answers what GitHub reads from
git: `compare/{base}...{head}` (the merge-base and the changed files, at most 300 as GitHub lists
them), `contents/{path}?ref=` and `git/blobs/{sha}`. Every answer carries GitHub's primary rate-limit
headers, counting down from `rate_limit`.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import re
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from helpers import FIXTURES

REPOSITORY = "octo-org/octo-repo"
BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
# Keys of a full pull request that the list of pull requests ("pull-request-simple") leaves out.
FULL_PULL_ONLY = ("merged", "mergeable", "rebaseable", "mergeable_state", "merged_by", "comments",
                  "review_comments", "maintainer_can_modify", "commits", "additions", "deletions", "changed_files")
COMPARE_FILE_LIMIT = 300
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
    runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Who the token is. None: an installation token (the workflow's GITHUB_TOKEN), which GET /user
    # refuses with 403 and whose comments and statuses are github-actions[bot]'s.
    me: dict[str, Any] | None = None
    git_dir: Path | None = None  # a repository to answer compare, contents and blobs from
    rate_limit: int = 5000  # the primary rate limit's requests per hour, counted down per request
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
    def add_pull(self, number: int, *, author: str, head_sha: str, base_sha: str, base_ref: str = "main",
                 title: str | None = None, fork: bool = False) -> None:
        """GitHub's example pull request, renumbered and pointed at the test repository's commits.

        `fork`: its head is in the author's fork, as the head repository says."""
        pull = copy.deepcopy(_example_pull())
        pull.update(number=number, html_url=f"https://github.com/{self.repository}/pull/{number}", user=user(author),
                    created_at=f"2026-11-{1 + number // 1000 % 28:02d}T{number // 60 % 24:02d}:{number % 60:02d}:00Z")
        if title is not None:
            pull["title"] = title
        pull["head"].update(sha=head_sha)
        pull["base"].update(sha=base_sha, ref=base_ref)
        owner, name = self.repository.split("/")
        for side in ("head", "base"):
            pull[side]["repo"].update(full_name=self.repository, name=name)
            pull[side]["repo"]["owner"]["login"] = owner
        if fork:
            pull["head"]["repo"].update(full_name=f"{author}/{name}", fork=True)
            pull["head"]["repo"]["owner"] = user(author)
            pull["head"]["label"] = f"{author}:{pull['head']['ref']}"
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

    def add_run(self, run_id: int, *, head_sha: str, event: str = "push", path: str = ".github/workflows/gate.yml",
                attempt: int = 1, started_at: str = "2026-11-30T10:59:00Z", repository: str | None = None) -> None:
        """A workflow run as GET /repos/{o}/{r}/actions/runs/{id} describes it (fields gate reads, and more)."""
        full_name = repository or self.repository
        self.runs[run_id] = {
            "id": run_id, "name": "gate", "node_id": f"WFR_{run_id}", "head_branch": "main", "head_sha": head_sha,
            "path": path, "display_title": "Add the checkout service", "run_number": 7, "event": event,
            "status": "completed", "conclusion": "success", "workflow_id": 161335, "check_suite_id": 4242,
            "url": f"https://api.github.com/repos/{full_name}/actions/runs/{run_id}",
            "html_url": f"https://github.com/{full_name}/actions/runs/{run_id}", "pull_requests": [],
            "created_at": started_at, "updated_at": started_at, "run_attempt": attempt, "run_started_at": started_at,
            "actor": user("ana"), "triggering_actor": user("ana"),
            "repository": {"id": 1296269, "name": full_name.split("/")[1], "full_name": full_name},
            "head_repository": {"id": 1296269, "name": full_name.split("/")[1], "full_name": full_name},
        }

    def add_status(self, sha: str, *, creator: dict[str, Any], state: str = "success", context: str = "gate/notice",
                   target_url: str | None = None, description: str = "notice published (push)",
                   at: str = "2026-11-30T11:00:00Z") -> None:
        """A commit status someone wrote, newest first as GitHub lists them."""
        self.statuses.setdefault(sha, []).insert(0, {
            "id": next(self._ids), "state": state, "context": context, "description": description,
            "target_url": target_url, "created_at": at, "updated_at": at, "creator": creator,
        })

    @property
    def author(self) -> dict[str, Any]:
        """The account the token writes as."""
        return self.me or BOT

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

    def status_of(self, sha: str, context: str) -> dict[str, Any] | None:
        """The newest status of `context` on the commit, as GitHub's combined status shows it."""
        return next((s for s in self.statuses.get(sha, []) if s["context"] == context), None)

    # -- serving ------------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, body: Any, authorization: str | None
               ) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(raw_path)
        query = parse_qs(parts.query)
        with self._lock:
            self.requests.append(Recorded(method, parts.path, query, body, authorization))
            status, headers, payload = self._answer(method, parts.path, query, body, authorization)
            return status, {**self._rate_headers(), **headers}, payload

    def _answer(self, method: str, path: str, query: dict[str, list[str]], body: Any, authorization: str | None
                ) -> tuple[int, dict[str, str], Any]:
        for scripted in self.scripted:
            if scripted.method == method and scripted.pattern.search(path):
                self.scripted.remove(scripted)
                return scripted.status, scripted.headers, scripted.body
        if self.token is not None and authorization != f"Bearer {self.token}":
            return 401, {}, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
        if self.read_only and method in ("POST", "PATCH"):
            return 403, {}, {"message": "Resource not accessible by integration",
                             "documentation_url": "https://docs.github.com/rest"}
        return self._route(method, path, query, body)

    def _rate_headers(self) -> dict[str, str]:
        used = len(self.requests)
        return {
            "x-ratelimit-limit": str(self.rate_limit),
            "x-ratelimit-remaining": str(max(0, self.rate_limit - used)),
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-resource": "core",
        }

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any
               ) -> tuple[int, dict[str, str], Any]:
        if method == "GET" and path == "/user":
            if self.me is None:
                return 403, {}, {"message": "Resource not accessible by integration",
                                 "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user",
                                 "status": "403"}
            return 200, {}, self.me
        prefix = f"/repos/{self.repository}"
        if not path.startswith(prefix):
            return _not_found()
        rest = path[len(prefix):]
        routes: list[tuple[str, str, Callable[..., tuple[int, dict[str, str], Any]]]] = [
            ("GET", r"/pulls", lambda: self._page(path, query, self._open_pulls(query))),
            ("GET", r"/pulls/(\d+)", lambda n: self._get(self.pulls, int(n))),
            ("GET", r"/pulls/(\d+)/files", lambda n: self._page(path, query, self._pull_files(int(n)))),
            ("GET", r"/issues/(\d+)/labels", lambda n: self._page(path, query, self._labels(int(n)))),
            ("GET", r"/issues/(\d+)/events", lambda n: self._page(path, query, self.events.get(int(n), []))),
            ("GET", r"/issues/(\d+)/comments", lambda n: self._page(path, query, self.comments.get(int(n), []))),
            ("POST", r"/issues/(\d+)/comments", lambda n: self._create_comment(int(n), body)),
            ("PATCH", r"/issues/comments/(\d+)", lambda c: self._update_comment(int(c), body)),
            ("GET", r"/collaborators/([^/]+)/permission", self._permission),
            ("GET", r"/commits/([^/]+)/check-suites", lambda sha: self._suites(path, query, sha)),
            ("GET", r"/commits/([^/]+)/statuses", lambda sha: self._page(path, query, self.statuses.get(sha, []))),
            ("GET", r"/commits/([^/]+)/status", self._combined_status),
            ("POST", r"/statuses/([^/]+)", lambda sha: self._create_status(sha, body)),
            ("GET", r"/actions/runs/(\d+)", lambda n: self._get(self.runs, int(n))),
            ("GET", r"/compare/([^/]+?)\.\.\.([^/]+)", lambda base, head: self._compare(base, head, query)),
            ("GET", r"/contents/(.+)", lambda where: self._contents(unquote(where), query)),
            ("GET", r"/git/blobs/([0-9a-f]+)", self._blob),
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
            # GitHub's links keep the request's own parameters (state, sort, direction...).
            kept = "".join(f"&{name}={quote(values[0])}" for name, values in sorted(query.items())
                           if name not in ("per_page", "page"))
            base = f"{self.url}{path}?per_page={per_page}{kept}"
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
            "user": self.author,
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
        problems = []
        if body.get("state") not in ("error", "failure", "pending", "success"):
            problems.append({"resource": "Status", "code": "custom", "field": "state",
                             "message": "state is not included in the list"})
        if len(body.get("description") or "") > 140:
            problems.append({"resource": "Status", "code": "custom", "field": "description",
                             "message": "description is too long (maximum is 140 characters)"})
        if problems:
            return 422, {}, {"message": "Validation Failed", "errors": problems,
                             "documentation_url": "https://docs.github.com/rest/commits/statuses#create-a-commit-status"}
        status_id = next(self._ids)
        status = {"url": f"https://api.github.com/repos/{self.repository}/statuses/{sha}", "avatar_url": None,
                  "id": status_id, "node_id": f"SC_{status_id}", "state": body["state"],
                  "context": body.get("context") or "default", "description": body.get("description"),
                  "target_url": body.get("target_url"),
                  "created_at": "2026-11-30T11:00:00Z", "updated_at": "2026-11-30T11:00:00Z", "creator": self.author}
        self.statuses.setdefault(sha, []).insert(0, status)  # newest first, as GitHub lists them
        return 201, {}, status

    def _combined_status(self, ref: str) -> tuple[int, dict[str, str], Any]:
        latest: dict[str, dict[str, Any]] = {}
        for status in self.statuses.get(ref, []):
            latest.setdefault(status["context"], {k: v for k, v in status.items() if k != "creator"})
        states = {s["state"] for s in latest.values()}
        state = ("failure" if states & {"error", "failure"} else "pending" if "pending" in states or not states
                 else "success")
        return 200, {}, {"state": state, "statuses": list(latest.values()), "sha": ref,
                         "total_count": len(latest), "commit_url": f"https://api.github.com/repos/{self.repository}"
                         f"/commits/{ref}", "url": f"https://api.github.com/repos/{self.repository}/commits/{ref}/status",
                         "repository": {"full_name": self.repository}}

    def _pull_files(self, number: int) -> list[dict[str, Any]]:
        """The files as set by the test, else (with `git_dir`) the pull request's diff, up to 3000."""
        if number in self.files or self.git_dir is None or number not in self.pulls:
            return self.files.get(number, [])
        pull = self.pulls[number]
        _, _, answer = self._compare(pull["base"]["sha"], pull["head"]["sha"], {}, limit=3000)
        return list(answer["files"]) if isinstance(answer, dict) else []

    def _open_pulls(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        state = query.get("state", ["open"])[0]
        chosen = [p for p in self.pulls.values() if state == "all" or p["state"] == state]
        chosen.sort(key=lambda p: (p["created_at"], p["number"]), reverse=query.get("direction", ["desc"])[0] != "asc")
        listed = []
        for pull in chosen:
            item = {k: v for k, v in pull.items() if k not in FULL_PULL_ONLY}
            item["labels"] = self._labels(pull["number"])
            listed.append(item)
        return listed

    # -- what GitHub reads from git -----------------------------------------------------------
    def _git(self, *args: str) -> bytes | None:
        assert self.git_dir is not None, "give the fake a git_dir to serve compare, contents and blobs"
        result = subprocess.run(["git", *args], cwd=self.git_dir, capture_output=True, check=False)
        return result.stdout if result.returncode == 0 else None

    def _commit(self, sha: str) -> dict[str, Any]:
        api = f"https://api.github.com/repos/{self.repository}"
        return {"sha": sha, "node_id": f"C_{sha[:12]}", "url": f"{api}/commits/{sha}",
                "html_url": f"https://github.com/{self.repository}/commit/{sha}",
                "commit": {"message": "", "tree": {"sha": "", "url": ""}, "url": f"{api}/git/commits/{sha}"},
                "parents": []}

    def _compare(self, base: str, head: str, query: dict[str, list[str]], limit: int = COMPARE_FILE_LIMIT
                 ) -> tuple[int, dict[str, str], Any]:
        shas = self._git("rev-parse", f"{base}^{{commit}}", f"{head}^{{commit}}")
        if shas is None:
            return _not_found()
        base_sha, head_sha = shas.decode().split()
        merge_base = (self._git("merge-base", base_sha, head_sha) or b"").decode().strip()
        if not merge_base:
            return 404, {}, {"message": "No common ancestor between base and head.",
                             "documentation_url": "https://docs.github.com/rest/commits/commits#compare-two-commits"}
        raw = self._git("diff-tree", "-r", "-z", "-M", "--raw", "--no-commit-id", merge_base, head_sha) or b""
        files = _raw_files(raw.decode("utf-8", "surrogateescape"), self.repository, head_sha)
        sides = (self._git("rev-list", "--left-right", "--topo-order", f"{base_sha}...{head_sha}") or b"").decode()
        behind = sum(1 for line in sides.split() if line.startswith("<"))
        commits = [line[1:] for line in reversed(sides.split()) if line.startswith(">")]
        ahead = len(commits)
        per_page = int(query.get("per_page", ["250"])[0])
        api = f"https://api.github.com/repos/{self.repository}"
        status = "identical" if not ahead and not behind else "ahead" if not behind else "behind" if not ahead else (
            "diverged")
        return 200, {}, {
            "url": f"{api}/compare/{base}...{head}",
            "html_url": f"https://github.com/{self.repository}/compare/{base}...{head}",
            "permalink_url": f"https://github.com/{self.repository}/compare/{base_sha[:7]}...{head_sha[:7]}",
            "diff_url": f"https://github.com/{self.repository}/compare/{base}...{head}.diff",
            "patch_url": f"https://github.com/{self.repository}/compare/{base}...{head}.patch",
            "base_commit": self._commit(base_sha),
            "merge_base_commit": self._commit(merge_base),
            "status": status, "ahead_by": ahead, "behind_by": behind, "total_commits": ahead,
            "commits": [self._commit(sha) for sha in commits[:per_page]],
            "files": files[:limit],
        }

    def _contents(self, where: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        ref = query.get("ref", ["HEAD"])[0]
        listing = self._git("ls-tree", "-z", ref, "--", where)
        if not listing:
            return 404, {}, {"message": "Not Found",
                             "documentation_url": "https://docs.github.com/rest/repos/contents#get-repository-content",
                             "status": "404"}
        mode, kind, sha = listing.decode("utf-8", "surrogateescape").split("\t", 1)[0].split()
        if kind == "tree":
            entries = []
            for line in (self._git("ls-tree", "-z", f"{ref}:{where}") or b"").decode().split("\0"):
                if line:
                    meta, name = line.split("\t", 1)
                    entry_mode, entry_kind, entry_sha = meta.split()
                    entries.append(self._entry(f"{where}/{name}", entry_sha, entry_mode, entry_kind, ref, size=0))
            return 200, {}, entries
        content = self._git("cat-file", "blob", sha) or b""
        entry = self._entry(where, sha, mode, kind, ref, size=len(content))
        if entry["type"] == "symlink":
            entry["target"] = content.decode("utf-8", "surrogateescape")
            return 200, {}, entry
        encoded = base64.b64encode(content).decode()
        # GitHub wraps the base64 at 60 characters, and leaves files over 1 MB to the blobs API.
        if len(content) > 1024 * 1024:
            entry.update(content="", encoding="none")
        else:
            entry.update(content="\n".join(encoded[i:i + 60] for i in range(0, len(encoded), 60)) + "\n",
                         encoding="base64")
        return 200, {}, entry

    def _entry(self, where: str, sha: str, mode: str, kind: str, ref: str, size: int) -> dict[str, Any]:
        api, web = f"https://api.github.com/repos/{self.repository}", f"https://github.com/{self.repository}"
        kind_name = {"tree": "dir", "commit": "submodule"}.get(kind, "symlink" if mode == "120000" else "file")
        return {"type": kind_name, "size": size, "name": where.rsplit("/", 1)[-1], "path": where, "sha": sha,
                "url": f"{api}/contents/{where}?ref={ref}", "git_url": f"{api}/git/blobs/{sha}",
                "html_url": f"{web}/blob/{ref}/{where}", "download_url": f"https://raw.githubusercontent.com/"
                f"{self.repository}/{ref}/{where}",
                "_links": {"self": f"{api}/contents/{where}?ref={ref}", "git": f"{api}/git/blobs/{sha}",
                           "html": f"{web}/blob/{ref}/{where}"}}

    def _blob(self, sha: str) -> tuple[int, dict[str, str], Any]:
        content = self._git("cat-file", "blob", sha)
        if content is None:
            return _not_found()
        return 200, {}, {"sha": sha, "node_id": f"B_{sha[:12]}", "size": len(content),
                         "url": f"https://api.github.com/repos/{self.repository}/git/blobs/{sha}",
                         "content": base64.b64encode(content).decode(), "encoding": "base64"}


def _example_pull() -> dict[str, Any]:
    return json.loads((FIXTURES / "github-events" / "pull_request.opened.json").read_text())["pull_request"]


_STATUS_NAMES = {"A": "added", "D": "removed", "M": "modified", "T": "changed", "R": "renamed", "C": "copied"}


def _raw_files(raw: str, repository: str, head: str) -> list[dict[str, Any]]:
    """`git diff-tree -z --raw` output as the compare endpoint's `files`."""
    fields = raw.split("\0")
    files: list[dict[str, Any]] = []
    index = 0
    while index < len(fields) - 1:
        meta = fields[index].lstrip(":").split()
        letter = meta[4][0]
        if letter in "RC":
            old, new = fields[index + 1], fields[index + 2]
            index += 3
        else:
            old = new = fields[index + 1]
            index += 2
        blob = meta[3] if letter != "D" else "0" * 40
        entry = {"sha": blob, "filename": new, "status": _STATUS_NAMES.get(letter, "modified"),
                 "additions": 0, "deletions": 0, "changes": 0,
                 "blob_url": f"https://github.com/{repository}/blob/{head}/{new}",
                 "raw_url": f"https://github.com/{repository}/raw/{head}/{new}",
                 "contents_url": f"https://api.github.com/repos/{repository}/contents/{new}?ref={head}"}
        if letter == "R":
            entry["previous_filename"] = old
        files.append(entry)
    return files


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
