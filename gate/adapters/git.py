"""Git, through a few subprocesses whose number does not grow with the repository.

- one `git diff-tree -r -z -M --raw` for the changed files (renames detected);
- one long-lived `git cat-file --batch` for every file and folder read, on demand;
- a `rev-parse` (where the repository is), a `merge-base` (the default base), a `log` (the head
  commit) and a `config` (the origin remote); revisions are resolved by the cat-file process.
  Each git process costs a few milliseconds to start, so there are few.

Nothing walks the tree: a folder is listed only when a check asks for it, and a folder below one
already listed is read by its object id, so git does not look the path up from the root again
(which costs more as the repository's top folders grow). Plumbing commands are used so users' git
configuration (diff drivers, colour, pagers) cannot change what gate reads.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from gate.core.errors import InputError
from gate.core.limits import MAX_FILE_BYTES, Truncated
from gate.core.models import ChangedFile, Commit, EntryKind, FileStatus

_MODE_TREE = "40000"
_MODE_SYMLINK = "120000"
_MODE_GITLINK = "160000"
_SYMLINK_HOPS = 8
# The id of the empty tree in each object format; asked of git only for a format not listed here.
_EMPTY_TREES = {
    "sha1": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    "sha256": "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
}
# Where the default branch may be, in order, after the one `origin/HEAD` names.
_ORIGIN_HEAD = "refs/remotes/origin/HEAD"
_DEFAULT_BRANCHES = ("refs/remotes/origin/main", "refs/remotes/origin/master", "refs/heads/main", "refs/heads/master")
# What gate reads of one object, known from cat-file's header before a byte of it is read: a blob
# past MAX_FILE_BYTES comes back truncated (readers refuse it by its real size); a folder whose
# tree object is larger than this holds hundreds of thousands of entries, and is refused.
MAX_TREE_BYTES = 32 * 1024 * 1024
# The diff of a change and a commit's message are read up to these sizes.
MAX_DIFF_BYTES = 64 * 1024 * 1024
MAX_COMMIT_BYTES = 1024 * 1024
MAX_CACHED_BYTES = 64 * 1024 * 1024  # file contents one side of the change keeps for its readers
_CHUNK = 1024 * 1024
# https://github.com/o/r(.git), git@github.com:o/r(.git), ssh://git@github.com/o/r
_GITHUB_REMOTE = re.compile(r"github\.com[:/]+([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?\Z")


def _git_env(safe_directory: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0"})
    if safe_directory is not None:
        # Configuration given in the environment is in git's "command" scope, which git trusts for
        # safe.directory (a repository's own config is not): nothing is written to ~/.gitconfig.
        index = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
        env.update({
            "GIT_CONFIG_COUNT": str(index + 1),
            f"GIT_CONFIG_KEY_{index}": "safe.directory",
            f"GIT_CONFIG_VALUE_{index}": str(safe_directory),
        })
    return env


class Git:
    """A repository on disk. Use as a context manager so the cat-file process is closed.

    `trust_owner`: read the repository even though another user owns it (the Actions workspace,
    which the runner's user owns while the container runs as root), for this process only.
    """

    def __init__(self, repo: Path, *, trust_owner: bool = False) -> None:
        if not repo.is_dir():
            raise InputError(f"{repo}: no such directory; pass --repo with the repository to judge")
        self._cwd = repo
        self._env = _git_env(repo.absolute() if trust_owner else None)
        out = self._run("rev-parse", "--show-toplevel", "--show-object-format", what=f"{repo} is not a git repository")
        top, _, object_format = out.rstrip("\n").rpartition("\n")
        self.root = Path(top.strip())
        self._object_format = object_format.strip() or "sha1"
        self._hash_len = 32 if self._object_format == "sha256" else 20
        self.empty_tree = _EMPTY_TREES.get(self._object_format) or self._run(
            "hash-object", "-t", "tree", "--stdin", what="git", stdin=""
        ).strip()
        self._batch: subprocess.Popen[bytes] | None = None
        self._trees: dict[str, GitTree] = {}
        self.requests: list[str] = []  # every object name asked of cat-file, for tests and benchmarks

    # -- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> Git:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._batch is not None:
            assert self._batch.stdin is not None
            self._batch.stdin.close()
            self._batch.wait(timeout=10)
            self._batch = None

    # -- refs and commits ---------------------------------------------------------------------
    def resolve(self, rev: str) -> str:
        """The commit sha a revision names; a clear error when it is not in this clone."""
        sha = self._commit_of(rev)
        if sha is None:
            raise InputError(
                f"{self.root}: the revision '{rev}' is not in this clone; fetch it (in GitHub Actions use "
                "actions/checkout with fetch-depth: 0) or pass another --base/--head"
            )
        return sha

    def default_base(self, head: str) -> str:
        """The merge-base with the default branch, else the parent of head, else the empty tree."""
        merge_base = self.default_merge_base(head)
        if merge_base and merge_base != head:
            return merge_base
        return self._commit_of(f"{head}^1") or self.empty_tree

    def default_merge_base(self, head: str) -> str | None:
        """The merge-base of `head` with the default branch (`head` itself when it is on it); None
        without a default branch or a common history."""
        branch = self._default_branch()
        return self.merge_base(branch, head) if branch is not None else None

    def merge_base_with_default(self, head: str, remote: str | None = None) -> str | None:
        """The merge-base of head with the default branch (`remote`'s first, when named): the base a
        pull request from head is judged against. None when there is no default branch, or head is on it."""
        remote_head = f"refs/remotes/{remote}/HEAD" if remote else None
        if remote_head and self._commit_of(remote_head) is not None:
            merge_base = self.merge_base(remote_head, head)
        else:
            merge_base = self.default_merge_base(head)
        return merge_base if merge_base and merge_base != head else None

    def snapshot_index(self) -> str:
        """A commit of exactly what is staged (the index git would commit), on top of HEAD.

        Like `git stash create`, it writes objects without any ref pointing at them, so nothing in the
        repository changes; git's garbage collection removes them in time.
        """
        tree = self._run(
            "write-tree", what="cannot read the staged changes (resolve merge conflicts and stage the result first)"
        ).strip()
        parent = self._try("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        identity = {}
        if not self._try("var", "GIT_COMMITTER_IDENT"):
            # Only the tree is judged; an identity is needed to write the commit object at all.
            identity = {
                "GIT_AUTHOR_NAME": "gate", "GIT_AUTHOR_EMAIL": "gate@localhost",
                "GIT_COMMITTER_NAME": "gate", "GIT_COMMITTER_EMAIL": "gate@localhost",
            }
        parents = ["-p", parent] if parent else []
        return self._run(
            "commit-tree", tree, *parents, "-m", "the staged changes", what="git commit-tree", env=identity
        ).strip()

    def merge_base(self, base: str, head: str) -> str | None:
        """The best common ancestor of two commits, None when they have none (or one is missing)."""
        return self._try("merge-base", base, head) or None

    def has(self, rev: str) -> bool:
        """Whether the clone holds the commit a revision names."""
        return self._commit_of(rev) is not None

    def _default_branch(self) -> str | None:
        """The commit of the branch `origin/HEAD` names, else of the first of `_DEFAULT_BRANCHES` that exists.

        Asked of the running cat-file process rather than of a new git process per ref; a dangling
        `origin/HEAD` resolves to nothing and is passed over.
        """
        for ref in (_ORIGIN_HEAD, *_DEFAULT_BRANCHES):
            sha = self._commit_of(ref)
            if sha is not None:
                return sha
        return None

    def _commit_of(self, rev: str) -> str | None:
        """The commit a revision names (any syntax `git rev-parse` takes), or None."""
        found = self._request(f"{rev}^{{commit}}")
        return found[0] if found is not None else None

    def commit(self, sha: str) -> Commit:
        """The commit, read through the cat-file process already running (no `git log` to start)."""
        found = self._request(f"{sha}^{{commit}}")
        if found is None or found[1] != "commit":
            raise InputError(f"{self.root}: cannot read commit {sha}")
        return parse_commit(found[0], found[2][:MAX_COMMIT_BYTES])

    def github_repository(self) -> str | None:
        """`owner/name` of the `origin` remote when it is on GitHub (to resolve links into this repo)."""
        url = self._try("config", "--get", "remote.origin.url")
        match = _GITHUB_REMOTE.search(url)
        return match.group(1) if match else None

    # -- the change ---------------------------------------------------------------------------
    def diff(self, base: str, head: str) -> list[ChangedFile]:
        out = self._run_bytes("diff-tree", "-r", "-z", "-M", "--raw", "--no-commit-id", base, head,
                              limit=MAX_DIFF_BYTES, over_limit="refuse")
        return parse_raw_diff(out)

    def tree(self, rev: str) -> GitTree:
        """One side of the change; the same object for the same revision, so what it read is kept."""
        if rev not in self._trees:
            self._trees[rev] = GitTree(self, rev)
        return self._trees[rev]

    # -- cat-file --batch ---------------------------------------------------------------------
    def object(self, name: str) -> tuple[str, bytes] | None:
        """(type, content) of an object name such as `<sha>:path`, or None when missing."""
        found = self._request(name)
        return (found[1], found[2]) if found is not None else None

    def _request(self, name: str) -> tuple[str, str, bytes] | None:
        """(object id, type, content) of an object name, or None when missing, through cat-file."""
        if "\n" in name:
            return None
        process = self._batch_process()
        assert process.stdin is not None and process.stdout is not None
        self.requests.append(name)
        # Paths are decoded with surrogateescape, so names that are not UTF-8 go back byte for byte.
        process.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
        process.stdin.flush()
        header = process.stdout.readline().rstrip(b"\n")
        if not header:
            raise InputError(f"{self.root}: git cat-file stopped unexpectedly")
        # "<name> missing" / "<name> ambiguous": the name may itself contain spaces.
        if header.endswith((b" missing", b" ambiguous")):
            return None
        sha, raw_kind, raw_size = header.rsplit(b" ", 2)
        kind, size = raw_kind.decode(), int(raw_size)
        bound = MAX_TREE_BYTES if kind == "tree" else MAX_FILE_BYTES + 1
        if size <= bound:
            content = _read_exact(process.stdout, size)
            process.stdout.read(1)  # the newline after the content
            return sha.decode(), kind, content
        kept = _read_exact(process.stdout, bound)
        _skip(process.stdout, size - bound + 1)  # the rest, and the newline after it
        if kind == "tree":
            raise InputError(
                f"{self.root}: a folder of the change holds too many entries for gate to list "
                f"({size / 1048576:.0f} MiB tree object {name.partition(':')[2] or name})"
            )
        truncated = Truncated(kept)
        truncated.size = size
        return sha.decode(), kind, truncated

    def _batch_process(self) -> subprocess.Popen[bytes]:
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=self._env,
            )
        return self._batch

    def parse_tree(self, content: bytes) -> dict[str, tuple[str, str]]:
        """name -> (mode, sha) of a raw tree object."""
        entries: dict[str, tuple[str, str]] = {}
        i = 0
        while i < len(content):
            space = content.index(b" ", i)
            nul = content.index(b"\0", space)
            mode = content[i:space].decode()
            name = content[space + 1 : nul].decode("utf-8", "surrogateescape")
            sha = content[nul + 1 : nul + 1 + self._hash_len].hex()
            entries[name] = (mode, sha)
            i = nul + 1 + self._hash_len
        return entries

    # -- subprocess helpers -------------------------------------------------------------------
    def _run(self, *args: str, what: str, stdin: str | None = None, env: Mapping[str, str] | None = None) -> str:
        try:
            result = subprocess.run(
                ["git", *args],
                cwd=self._cwd,
                input=stdin,
                capture_output=True,
                text=True,
                errors="surrogateescape",  # names that are not UTF-8 stay readable byte for byte
                env={**self._env, **(env or {})},
                check=False,
            )
        except FileNotFoundError:
            raise InputError("git is not installed or not on PATH; gate needs git to read the change") from None
        if result.returncode != 0:
            raise InputError(_explain_git_error(what, result.stderr))
        return result.stdout

    def _try(self, *args: str) -> str:
        try:
            return self._run(*args, what="").strip()
        except InputError:
            return ""

    def _run_bytes(self, *args: str, limit: int, over_limit: str) -> bytes:
        """git's output, read up to `limit` bytes: past it, `cut` keeps what was read, `refuse` fails."""
        # stderr is thrown away while stdout is drained (a pipe nobody reads could fill and stall git);
        # when git fails, the same command runs again for its message alone.
        with subprocess.Popen(
            ["git", *args], cwd=self.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=self._env,
        ) as process:
            assert process.stdout is not None
            out = _read_up_to(process.stdout, limit + 1)
            if len(out) > limit:
                process.kill()
                process.wait()
                if over_limit == "refuse":
                    raise InputError(
                        f"{self.root}: git {args[0]} wrote more than {limit // 1048576} MiB for this change: "
                        "it is too large for gate to judge; split it into smaller changes"
                    )
                return out[:limit]
            code = process.wait()
        if code != 0:
            raise InputError(_explain_git_error(f"git {args[0]}", self._stderr_of(args)))
        return out

    def _stderr_of(self, args: tuple[str, ...]) -> str:
        """What a failed git command says, from running it again with its output thrown away."""
        try:
            result = subprocess.run(
                ["git", *args], cwd=self.root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, env=self._env, check=False, timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return result.stderr[: 64 * 1024].decode("utf-8", "replace")


class GitTree:
    """One side of the change, read through the shared cat-file process."""

    def __init__(self, git: Git, rev: str) -> None:
        self._git = git
        self._rev = rev
        self._listings: dict[str, dict[str, tuple[str, str]]] = {}
        # Several readers ask for the same changed file (the YAML pass, a check, the notice): one
        # cat-file round trip each is enough.
        self._contents: dict[str, bytes | None] = {}
        self._kept = 0

    @property
    def rev(self) -> str:
        return self._rev

    def _entries(self, path: str) -> dict[str, tuple[str, str]]:
        path = path.strip("/")
        if path not in self._listings:
            self._listings[path] = self._list(path)
        return self._listings[path]

    def _list(self, path: str) -> dict[str, tuple[str, str]]:
        parent, _, name = path.rpartition("/")
        if not path:
            found = self._git.object(f"{self._rev}^{{tree}}")
        elif parent in self._listings:
            # Below a folder already listed: by the folder's id, no lookup by path.
            entry = self._entries(parent).get(name)
            if entry is None or entry[0] != _MODE_TREE:
                return {}
            found = self._git.object(entry[1])
        else:
            found = self._git.object(f"{self._rev}:{path}")
        return self._git.parse_tree(found[1]) if found and found[0] == "tree" else {}

    def listdir(self, path: str) -> Mapping[str, EntryKind]:
        return {
            name: (EntryKind.DIR if mode == _MODE_TREE else EntryKind.FILE)
            for name, (mode, _sha) in self._entries(path).items()
            if mode != _MODE_GITLINK
        }

    def read(self, path: str) -> bytes | None:
        if path in self._contents:
            return self._contents[path]
        content = self._read(path)
        # Kept for the next reader up to a budget; past it a file is read again when asked again,
        # so many large files cost time, never unbounded memory.
        if self._kept + len(content or b"") <= MAX_CACHED_BYTES:
            self._contents[path] = content
            self._kept += len(content or b"")
        return content

    def _read(self, path: str) -> bytes | None:
        for _hop in range(_SYMLINK_HOPS):
            parent, _, name = path.strip("/").rpartition("/")
            entry = self._entries(parent).get(name)
            if entry is None or entry[0] in (_MODE_TREE, _MODE_GITLINK):
                return None
            found = self._git.object(entry[1])
            if found is None:
                return None
            if entry[0] != _MODE_SYMLINK:
                return found[1]
            # Follow a symlink only while it stays inside the repository.
            target = found[1].decode("utf-8", "replace")
            if target.startswith("/"):
                return None
            resolved = posixpath.normpath(posixpath.join(parent, target))
            if resolved.startswith("../") or resolved == "..":
                return None
            path = resolved
        return None


def parse_commit(sha: str, raw: bytes) -> Commit:
    """A raw commit object as `git log --format=%P %an %ae %s %b` reads it: the subject is the
    message's first paragraph with its lines joined by spaces, the body the rest."""
    headers, _, message = raw.partition(b"\n\n")
    parents: list[str] = []
    author = b""
    encoding = "utf-8"
    for line in headers.split(b"\n"):
        key, _, value = line.partition(b" ")
        if key == b"parent":
            parents.append(value.decode("ascii", "replace"))
        elif key == b"author":
            author = value
        elif key == b"encoding":
            encoding = value.decode("ascii", "replace").strip() or "utf-8"
    try:
        text = message.decode(encoding, "replace")
    except LookupError:  # an encoding Python does not know: read it as UTF-8, as git does then
        text = message.decode("utf-8", "replace")
    # "Name <email> 1700000000 +0000": the time and zone last, the email in angle brackets.
    who = author.decode("utf-8", "replace").rsplit(" ", 2)[0] if author else ""
    name, _, email = who.rpartition(" <")
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    subject = " ".join(line.strip() for line in lines[:end])
    rest = lines[end:]
    while rest and not rest[0].strip():
        rest.pop(0)
    return Commit(
        sha=sha,
        subject=subject,
        body="\n".join(rest).rstrip("\n"),
        author_name=name if who else "",
        author_email=email.removesuffix(">") if who else "",
        parents=tuple(parents),
    )


def parse_raw_diff(out: bytes) -> list[ChangedFile]:
    """Parse `git diff-tree -r -z --raw` output into changed files."""
    files: list[ChangedFile] = []
    fields = out.split(b"\0")
    i = 0
    while i < len(fields) and fields[i]:
        meta = fields[i].decode()
        old_mode, new_mode, _old_sha, _new_sha, status = meta.lstrip(":").split(" ")
        letter = status[0]
        if letter in "RC":
            old_path, new_path = fields[i + 1].decode(errors="surrogateescape"), fields[i + 2].decode(
                errors="surrogateescape"
            )
            i += 3
        else:
            old_path, new_path = "", fields[i + 1].decode(errors="surrogateescape")
            i += 2
        if _MODE_GITLINK in (old_mode, new_mode):
            continue  # submodules are other repositories
        if letter == "A":
            files.append(ChangedFile(new_path, FileStatus.ADDED))
        elif letter == "D":
            files.append(ChangedFile(new_path, FileStatus.DELETED))
        elif letter == "R":
            files.append(ChangedFile(new_path, FileStatus.RENAMED, old_path=old_path))
        elif letter == "C":
            files.append(ChangedFile(new_path, FileStatus.ADDED))
        else:  # M, T (type change), U, X
            files.append(ChangedFile(new_path, FileStatus.MODIFIED))
    return files


def _read_up_to(stream: IO[bytes], limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = stream.read(min(_CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _skip(stream: IO[bytes], size: int) -> None:
    """Read and drop `size` bytes: the part of an object gate does not keep."""
    remaining = size
    while remaining:
        chunk = stream.read(min(_CHUNK, remaining))
        if not chunk:
            raise InputError("git cat-file ended in the middle of an object")
        remaining -= len(chunk)


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise InputError("git cat-file ended in the middle of an object")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _explain_git_error(what: str, stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    detail = lines[0].removeprefix("fatal: ").strip() if lines else "git failed"
    if "dubious ownership" in stderr:
        return (
            f"git refuses to read this repository ({detail}); mark it safe with "
            "`git config --global --add safe.directory <path>`"
        )
    if "not a git repository" in stderr:
        return what or detail
    return f"{what}: {detail}" if what else detail
