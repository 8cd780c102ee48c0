"""Hostile shapes of the change itself, through the real CLI on real git repositories: symlink
loops, submodules, a 3000-file change, an empty change, deletions and renames of broken files,
encodings and line endings, documents of the wrong shape, a shallow clone without the base."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from helpers import GitRepo, documented_service, run_gate, run_gate_measured

pytestmark = pytest.mark.e2e

NOW = "2026-11-30T11:00:00Z"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "shop")
    repo.commit(documented_service("services/checkout"), "Add the checkout service")
    return repo


def check(repo: GitRepo, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run_gate("check", "--repo", str(repo.path), "--now", NOW, "--format", "json", *args)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def errors(report: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f["rule"], f["path"]) for f in report["findings"] if f["severity"] == "error"]


@pytest.mark.parametrize(
    "links",
    [
        pytest.param({"services/checkout/loop.yaml": "loop.yaml"}, id="to-itself"),
        pytest.param({"services/checkout/a.yaml": "b.yaml", "services/checkout/b.yaml": "a.yaml"}, id="a-cycle"),
    ],
)
def test_a_symlink_loop_is_invalid_file_not_a_hang(repo: GitRepo, links: dict[str, str]) -> None:
    for link, target in links.items():
        os.symlink(target, repo.path / link)
    repo.commit({}, "Add looping links")
    code, report = check(repo)
    assert code == 1
    assert sorted(errors(report)) == sorted(("invalid-file", link) for link in links)
    assert "loops" in report["findings"][0]["message"]


def test_a_submodule_in_the_change_is_another_repository_not_judged(repo: GitRepo, tmp_path: Path) -> None:
    other = GitRepo(tmp_path / "other")
    other.commit({"broken.yaml": "a: [unclosed\n"}, "Other repository")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(other.path), "vendor/other")
    repo.commit({}, "Add a submodule")
    code, report = check(repo)
    assert code == 0, report
    assert errors(report) == []


def test_a_3000_file_change_is_judged_within_bounds(repo: GitRepo) -> None:
    files = {f"services/checkout/deploy/cm-{i:04d}.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm{i}}}\n"
             for i in range(1500)}
    files.update({f"services/checkout/docs/page-{i:04d}.md": f"page {i}\n" for i in range(1500)})
    files["services/checkout/deploy/cm-0007.yaml"] = "a: [unclosed\n"
    repo.commit(files, "A very large change")

    run = run_gate_measured("check", "--repo", str(repo.path), "--now", NOW, "--format", "json")

    assert run.returncode == 1, run.stderr
    assert errors(json.loads(run.stdout)) == [("invalid-file", "services/checkout/deploy/cm-0007.yaml")]
    assert run.seconds < 10.0, run.seconds
    assert run.max_rss_mib < 200.0, run.max_rss_mib


def test_an_empty_change_passes_having_judged_nothing_to_judge(repo: GitRepo) -> None:
    code, report = check(repo, "--base", "HEAD", "--head", "HEAD")
    assert (code, report["verdict"], report["findings"], report["services"]) == (0, "pass", [], [])


def test_deleting_or_renaming_a_broken_file_reads_only_what_exists_at_head(repo: GitRepo) -> None:
    repo.commit({"config/old.yaml": "a: [unclosed\n", "config/moved.yaml": "b: [unclosed\n"}, "Broken files")
    repo.git("rm", "-q", "config/old.yaml")
    repo.git("mv", "config/moved.yaml", "config/renamed.yaml")
    repo.commit({}, "Delete one, rename the other")
    code, report = check(repo, "--base", "HEAD~1")
    assert code == 1
    assert errors(report) == [("invalid-file", "config/renamed.yaml")]  # the deleted one is gone, not judged


@pytest.mark.parametrize(
    ("content", "line"),
    [
        pytest.param(b"\xef\xbb\xbfapiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: [\n", 4, id="bom"),
        pytest.param(b"apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: x}\r\ndata: [\r\n", 4, id="crlf"),
    ],
)
def test_a_bom_and_crlf_line_endings_keep_the_lines(repo: GitRepo, content: bytes, line: int) -> None:
    repo.commit({"services/checkout/deploy/cm.yaml": content}, "Encodings")
    code, report = check(repo)
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], finding["line"]) == ("invalid-file", line + 1)  # the unclosed `[` ends at EOF


@pytest.mark.parametrize(
    ("path", "content", "rule"),
    [
        pytest.param("services/checkout/runbook.yaml", "- check: x\n- command: y\n", "runbook-format", id="runbook-list"),
        pytest.param("services/checkout/runbook.yaml", "just a sentence\n", "runbook-format", id="runbook-scalar"),
        pytest.param("flags/list.yaml", "- a\n- b\n", "invalid-file", id="flag-file-list"),
        pytest.param("flags/scalar.json", "42", "invalid-file", id="flag-file-scalar"),
    ],
)
def test_documents_of_the_wrong_shape_are_findings(repo: GitRepo, path: str, content: str, rule: str) -> None:
    repo.commit({path: content}, "Wrong shapes")
    code, report = check(repo)
    assert code == 1
    assert (rule, path) in errors(report)


def test_a_binary_file_named_yaml_is_invalid_file(repo: GitRepo) -> None:
    repo.commit({"services/checkout/deploy/blob.yaml": bytes(range(256)) * 64}, "A binary")
    code, report = check(repo)
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["rule"], "UTF-8" in finding["message"]) == ("invalid-file", True)


def test_a_shallow_clone_missing_the_base_is_one_line_exit_2(repo: GitRepo, tmp_path: Path) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.commit({"services/checkout/README.md": "# checkout v2\n"}, "Edit")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.path.as_uri(), str(shallow)], check=True)

    result = run_gate("check", "--repo", str(shallow), "--base", base, "--now", NOW)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "fetch-depth: 0" in result.stderr
