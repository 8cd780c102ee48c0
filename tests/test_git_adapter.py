"""The git edge: statuses, renames, root commits, default bases, symlinks, missing refs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import GitRepo

from gate.adapters.git import Git
from gate.core.errors import InputError
from gate.core.models import FileStatus


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def test_statuses_and_renames(repo: GitRepo) -> None:
    base = repo.commit({"a.txt": "a\n" * 20, "b.txt": "b\n", "c.txt": "c\n"})
    repo.git("mv", "a.txt", "moved.txt")
    head = repo.commit({"b.txt": None, "c.txt": "changed\n", "d.txt": "new\n"})
    with Git(repo.path) as git:
        files = {f.path: (f.status, f.old_path) for f in git.diff(base, head)}
    assert files == {
        "moved.txt": (FileStatus.RENAMED, "a.txt"),
        "b.txt": (FileStatus.DELETED, None),
        "c.txt": (FileStatus.MODIFIED, None),
        "d.txt": (FileStatus.ADDED, None),
    }


def test_paths_with_spaces_and_unicode(repo: GitRepo) -> None:
    base = repo.commit({"x": "x"})
    head = repo.commit({"services/ça va/READ ME.md": "hi\n"})
    with Git(repo.path) as git:
        (changed,) = git.diff(base, head)
        assert changed.path == "services/ça va/READ ME.md"
        assert git.tree(head).read(changed.path) == b"hi\n"


def test_root_commit_defaults_to_the_empty_tree(repo: GitRepo) -> None:
    head = repo.commit({"a.txt": "a"})
    with Git(repo.path) as git:
        base = git.default_base(head)
        assert base == git.empty_tree
        assert [f.path for f in git.diff(base, head)] == ["a.txt"]
        assert git.tree(base).listdir("") == {}


def test_default_base_is_the_merge_base_with_the_default_branch(repo: GitRepo) -> None:
    fork_point = repo.commit({"a.txt": "1"})
    repo.commit({"a.txt": "2"}, "main moves on")
    repo.git("checkout", "-q", "-b", "feature", fork_point)
    repo.commit({"b.txt": "1"})
    head = repo.commit({"b.txt": "2"})
    with Git(repo.path) as git:
        assert git.default_base(head) == fork_point


def test_on_the_default_branch_the_base_is_the_parent(repo: GitRepo) -> None:
    parent = repo.commit({"a.txt": "1"})
    head = repo.commit({"a.txt": "2"})
    with Git(repo.path) as git:
        assert git.default_base(head) == parent


def test_commit_info(repo: GitRepo) -> None:
    sha = repo.commit({"a": "1"}, "Add checkout canary\n\nWhy: safer deploys.")
    with Git(repo.path) as git:
        commit = git.commit(sha)
    assert (commit.subject, commit.body, commit.author_name, commit.author_email) == (
        "Add checkout canary", "Why: safer deploys.", "Ana Dev", "ana@example.com")
    assert not commit.is_merge and commit.short == sha[:12]


def test_listdir_and_read(repo: GitRepo) -> None:
    head = repo.commit({"s/a/README.md": "r", "s/a/docs/x.mmd": "g"})
    with Git(repo.path) as git:
        tree = git.tree(head)
        assert tree.listdir("s/a") == {"README.md": "file", "docs": "dir"}
        assert tree.listdir("s/nope") == {}
        assert tree.read("s/a/docs") is None
        assert tree.read("s/a/missing") is None
        assert tree.read("s/a/README.md") == b"r"


def test_symlinks_are_followed_only_inside_the_repository(repo: GitRepo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("outside")
    repo.write({"docs/real.md": "inside\n"})
    (repo.path / "s").mkdir()
    os.symlink("../docs/real.md", repo.path / "s" / "README.md")
    os.symlink(str(secret), repo.path / "s" / "abs.md")
    os.symlink("../../secret.txt", repo.path / "s" / "escape.md")
    head = repo.commit({})
    with Git(repo.path) as git:
        tree = git.tree(head)
        assert tree.read("s/README.md") == b"inside\n"
        assert tree.read("s/abs.md") is None
        assert tree.read("s/escape.md") is None


def test_missing_ref_is_a_clear_input_error(repo: GitRepo) -> None:
    repo.commit({"a": "1"})
    with Git(repo.path) as git, pytest.raises(InputError, match="'nope' is not in this clone; fetch it"):
        git.resolve("nope")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a git repository"):
        Git(tmp_path)
    with pytest.raises(InputError, match="no such directory"):
        Git(tmp_path / "missing")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/acme/shop.git", "acme/shop"),
        ("https://github.com/acme/shop", "acme/shop"),
        ("git@github.com:acme/shop.git", "acme/shop"),
        ("ssh://git@github.com/acme/shop.v2", "acme/shop.v2"),
        ("https://gitlab.com/acme/shop.git", None),
        (None, None),
    ],
)
def test_github_repository_from_the_origin_remote(repo: GitRepo, url: str | None, expected: str | None) -> None:
    repo.commit({"a": "1"})
    if url:
        repo.git("remote", "add", "origin", url)
    with Git(repo.path) as git:
        assert git.github_repository() == expected


def test_missing_paths_with_spaces_and_bytes_that_are_not_utf8(repo: GitRepo) -> None:
    base = repo.commit({"x": "x"})
    latin1 = os.fsdecode(b"k8s/d\xe9")
    (repo.path / "k8s").mkdir()
    (repo.path / latin1).mkdir()
    (repo.path / latin1 / "x.yaml").write_text("a: 1\n")
    head = repo.commit({"services/my svc/README.md": "hi\n"})
    with Git(repo.path) as git:
        paths = {f.path for f in git.diff(base, head)}
        assert "services/my svc/README.md" in paths
        tree, old = git.tree(head), git.tree(base)
        assert old.read("services/my svc/README.md") is None  # absent on the base side
        assert old.listdir("services/my svc") == {}
        (weird,) = [p for p in paths if p.startswith("k8s/")]
        assert tree.read(weird) == b"a: 1\n"
        assert old.read(weird) is None


# Which branch is the default: (refs to create as name -> commit, symbolic refs, the branch expected).
# `fork` is where the feature branch left; `ahead` is a commit the feature branch does not have.
@pytest.mark.parametrize(
    ("refs", "symbolic", "expected"),
    [
        ({"refs/heads/main": "ahead"}, {}, "fork"),
        ({"refs/heads/master": "ahead"}, {}, "fork"),
        ({"refs/remotes/origin/develop": "ahead", "refs/heads/main": "head~1"},
         {"refs/remotes/origin/HEAD": "refs/remotes/origin/develop"}, "fork"),
        ({"refs/remotes/origin/main": "ahead", "refs/heads/main": "head~1"},
         {"refs/remotes/origin/HEAD": "refs/remotes/origin/gone"}, "fork"),
        ({"refs/heads/main/old": "head~1", "refs/heads/master": "ahead"}, {}, "fork"),
        ({"refs/heads/main/old": "ahead"}, {}, "head~1"),
        ({"refs/remotes/origin/master": "ahead", "refs/heads/main": "head~1"}, {}, "fork"),
    ],
)
def test_the_default_branch(repo: GitRepo, refs: dict[str, str], symbolic: dict[str, str], expected: str) -> None:
    fork = repo.commit({"a.txt": "1"})
    ahead = repo.commit({"a.txt": "2"}, "the default branch moves on")
    repo.git("checkout", "-q", "--detach", fork)
    repo.commit({"b.txt": "1"})
    head = repo.commit({"b.txt": "2"})
    named = {"fork": fork, "ahead": ahead, "head~1": repo.git("rev-parse", "HEAD~1")}
    repo.git("branch", "-q", "-D", "main")
    for ref, commit in refs.items():
        repo.git("update-ref", ref, named[commit])
    for ref, target in symbolic.items():
        repo.git("symbolic-ref", ref, target)
    with Git(repo.path) as git:
        assert git.default_base(head) == named[expected]


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_the_empty_tree_in_each_object_format(tmp_path: Path, object_format: str) -> None:
    path = tmp_path / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q", f"--object-format={object_format}"], cwd=path, check=True)
    expected = subprocess.run(["git", "hash-object", "-t", "tree", "--stdin"], cwd=path, input=b"",
                              capture_output=True, check=True).stdout.decode().strip()
    with Git(path) as git:
        assert git.empty_tree == expected
        assert git.root == path.resolve()
        assert git.tree(git.empty_tree).listdir("") == {}


def test_folders_below_a_listed_folder_are_read_by_their_id(repo: GitRepo) -> None:
    head = repo.commit({"services/a/deploy/canary.yaml": "kind: Canary\n", "services/a/README.md": "r",
                        "services/a/link": "x"})
    with Git(repo.path) as git:
        tree = git.tree(head)
        assert tree.listdir("services/a") == {"README.md": "file", "deploy": "dir", "link": "file"}
        assert tree.read("services/a/deploy/canary.yaml") == b"kind: Canary\n"
        assert tree.listdir("services/a/deploy") == {"canary.yaml": "file"}
        assert tree.listdir("services/a/README.md") == {}
        assert tree.listdir("services/a/nope") == {}
        by_path = [name.split(":", 1)[1] for name in git.requests if ":" in name]
    # Only the first folder is looked up by path (git walks from the root for that); the rest by id.
    assert by_path == ["services/a"]


# -- every object and output is read within a bound ---------------------------------------------
def test_a_blob_past_the_bound_is_read_only_as_far_as_the_bound(repo: GitRepo, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    import gate.adapters.git as git_module
    from gate.core.limits import Truncated, size_of

    monkeypatch.setattr(git_module, "MAX_FILE_BYTES", 1000)
    head = repo.commit({"big.yaml": "a: " + "x" * 50_000 + "\n", "small.yaml": "b: 1\n"})
    with Git(repo.path) as git:
        tree = git.tree(head)
        big = tree.read("big.yaml")
        assert isinstance(big, Truncated) and len(big) == 1001 and size_of(big) == 50_004
        assert tree.read("small.yaml") == b"b: 1\n"  # the stream stays in step after a skipped object


def test_a_folder_too_large_to_list_is_one_line_input_error(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.adapters.git as git_module

    monkeypatch.setattr(git_module, "MAX_TREE_BYTES", 200)
    head = repo.commit({f"many/f{i:03d}.txt": "x" for i in range(50)})
    with Git(repo.path) as git, pytest.raises(InputError, match="too many entries"):
        git.tree(head).listdir("many")


def test_a_diff_too_large_is_refused_not_read_whole(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.adapters.git as git_module

    monkeypatch.setattr(git_module, "MAX_DIFF_BYTES", 2000)
    base = repo.commit({"x": "x"})
    head = repo.commit({f"d/file-{i:04d}.txt": str(i) for i in range(200)})
    with Git(repo.path) as git, pytest.raises(InputError, match="too large for gate to judge"):
        git.diff(base, head)


def test_a_huge_commit_message_is_cut_not_read_whole(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.adapters.git as git_module

    monkeypatch.setattr(git_module, "MAX_COMMIT_BYTES", 4096)
    head = repo.commit({"x": "x"}, "Subject\n\n" + "body line\n" * 10_000)
    with Git(repo.path) as git:
        commit = git.commit(head)
    assert commit.subject == "Subject" and 0 < len(commit.body) < 4096


def test_a_commit_message_that_is_not_utf8_is_read(repo: GitRepo) -> None:
    repo.commit({"x": "x"})
    (repo.path / "msg").write_bytes(b"Caf\xe9 \xff\n")
    repo.git("commit", "-q", "--allow-empty", "-F", "msg")
    with Git(repo.path) as git:
        commit = git.commit(git.resolve("HEAD"))
    assert commit.subject.startswith("Caf")


def test_what_a_tree_keeps_for_its_readers_is_bounded(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.adapters.git as git_module

    monkeypatch.setattr(git_module, "MAX_CACHED_BYTES", 10)
    head = repo.commit({"a.yaml": "a: 1\n", "b.yaml": "b: 22222222\n"})
    with Git(repo.path) as git:
        tree = git.tree(head)
        assert tree.read("a.yaml") == tree.read("a.yaml") == b"a: 1\n"
        assert tree.read("b.yaml") == tree.read("b.yaml") == b"b: 22222222\n"
        blobs = [name for name in git.requests if ":" not in name and not name.endswith("{tree}")]
    assert len(blobs) == 3  # a.yaml kept (5 bytes), b.yaml past the budget: read each time


@pytest.mark.parametrize(
    "message",
    [
        "One line",
        "Subject\n\nBody line one\nBody line two\n",
        "A subject\nthat wraps\n\nand a body",
        "\n\nLeading blank lines\n\n\n\nBody after several blanks\n\n",
        "Subject with trailing spaces   \n\nBody  \nindented\n    code\n",
        "Ünïcödé subject ✓\n\nçа body",
        "Subject\n\nParagraph one\n\nParagraph two\n",
    ],
)
def test_the_head_commit_reads_as_git_log_reads_it(tmp_path: Path, message: str) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"a.txt": "a"}, "first")
    repo.write({"b.txt": "b"})
    repo.git("add", "-A")
    repo.git("-c", "user.name=Zoë Q. Dev", "-c", "user.email=zoe@example.com", "commit", "-q", "--cleanup=verbatim",
             "-m", message)
    expected = subprocess.run(
        ["git", "log", "-1", "--format=%H%x00%P%x00%an%x00%ae%x00%s%x00%b"], cwd=repo.path, capture_output=True,
        text=True, check=True,
    ).stdout.split("\0")
    with Git(repo.path) as git:
        commit = git.commit(git.resolve("HEAD"))
    assert [commit.sha, " ".join(commit.parents), commit.author_name, commit.author_email, commit.subject,
            commit.body] == [*expected[:5], expected[5].rstrip("\n")]
