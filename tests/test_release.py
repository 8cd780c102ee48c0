"""The release steps of scripts/release.py that .github/workflows/release.yml runs."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from helpers import REPO_ROOT

DIGEST = "sha256:" + "0123456789abcdef" * 4
IMAGE = f"ghcr.io/acme/gate@{DIGEST}"
SCRIPT = REPO_ROOT / "scripts" / "release.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release = load()


def project(tmp_path: Path, version: str, changelog: str) -> Path:
    (tmp_path / "gate").mkdir()
    (tmp_path / "gate" / "__init__.py").write_text(f'"""gate."""\n\n__version__ = "{version}"\n')
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    return tmp_path


CHANGELOG = "# Changelog\n\n## 1.2.0 — 2026-12-01\n\n- New: a thing.\n\n## 1.1.0 — 2026-11-01\n\n- Old.\n"


@pytest.mark.parametrize(
    ("tag", "version", "changelog", "result"),
    [
        pytest.param("v1.2.0", "1.2.0", CHANGELOG, {"version": "1.2.0", "prerelease": "false", "major_tag": "v1"},
                     id="a-release"),
        pytest.param("v1.2.0rc1", "1.2.0rc1", CHANGELOG.replace("1.2.0 ", "1.2.0rc1 "),
                     {"version": "1.2.0rc1", "prerelease": "true", "major_tag": ""}, id="a-pre-release"),
        pytest.param("v0.2.0", "0.2.0", CHANGELOG.replace("1.2.0 ", "0.2.0 "),
                     {"version": "0.2.0", "prerelease": "false", "major_tag": ""}, id="no-moving-tag-before-1.0"),
        pytest.param("v1.2.1", "1.2.0", CHANGELOG, "does not name gate's version 1.2.0", id="tag-and-version-differ"),
        pytest.param("v1.3.0", "1.3.0", CHANGELOG, "no `## 1.3.0 — <date>` section", id="no-changelog-section"),
        pytest.param("v1.2.0", "1.2.0", CHANGELOG.replace("2026-12-01", "unreleased"), "still 'unreleased'",
                     id="changelog-not-dated"),
    ],
)
def test_check_tag(tmp_path: Path, tag: str, version: str, changelog: str, result: dict[str, str] | str) -> None:
    root = project(tmp_path, version, changelog)
    if isinstance(result, str):
        with pytest.raises(release.ReleaseError, match=result):
            release.check_tag(tag, root)
    else:
        assert release.check_tag(tag, root) == result


def test_the_changelog_section_ends_at_the_next_one() -> None:
    assert release.changelog_section("1.2.0", CHANGELOG) == "- New: a thing."


def test_pin_action_changes_only_the_image_of_the_real_action_yml() -> None:
    original = (REPO_ROOT / "action.yml").read_text(encoding="utf-8")
    pinned = release.pin_action(IMAGE, original)
    before, after = yaml.safe_load(original), yaml.safe_load(pinned)
    assert before["runs"]["image"] == "Dockerfile"
    assert after["runs"]["image"] == f"docker://{IMAGE}"
    after["runs"]["image"] = "Dockerfile"
    assert after == before
    assert [a for a, b in zip(original.splitlines(), pinned.splitlines(), strict=True) if a != b] == ["  image: Dockerfile"]


@pytest.mark.parametrize(
    ("image", "words"),
    [
        pytest.param("ghcr.io/acme/gate:1.2.0", "pinned by digest", id="a-tag-is-not-a-pin"),
        pytest.param(f"ghcr.io/Acme/gate@{DIGEST}", "lower-case", id="upper-case-owner"),
        pytest.param("ghcr.io/acme/gate@sha256:abc", "pinned by digest", id="short-digest"),
        pytest.param(f"ghcr.io/acme/gate@{DIGEST}\n  entrypoint: sh", "pinned by digest", id="an-injected-line"),
    ],
)
def test_pin_action_refuses_what_is_not_an_image_pinned_by_digest(image: str, words: str) -> None:
    with pytest.raises(release.ReleaseError, match=words):
        release.pin_action(image, (REPO_ROOT / "action.yml").read_text(encoding="utf-8"))


def test_pin_action_refuses_an_action_that_is_not_a_docker_one() -> None:
    composite = "name: x\nruns:\n  using: composite\n  steps: []\n"
    with pytest.raises(release.ReleaseError, match="not docker"):
        release.pin_action(IMAGE, composite)


def test_the_pinned_action_yml_passes_github_s_schema(tmp_path: Path) -> None:
    pinned = tmp_path / "action.yml"
    shutil.copy(REPO_ROOT / "action.yml", pinned)
    run = subprocess.run([sys.executable, str(SCRIPT), "pin-action", IMAGE, str(pinned)], capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert f"docker://{IMAGE}" in pinned.read_text(encoding="utf-8")
    checker = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    schema = subprocess.run([checker, "--builtin-schema", "vendor.github-actions", str(pinned)], capture_output=True,
                            text=True, check=False)
    assert schema.returncode == 0, schema.stdout + schema.stderr


def test_release_notes_say_how_to_use_and_verify_the_release(tmp_path: Path) -> None:
    root = project(tmp_path, "1.2.0", CHANGELOG)
    notes = release.release_notes("v1.2.0", IMAGE, "acme/gate", "c" * 40, root)
    assert notes.startswith("- New: a thing.\n")
    assert f"- uses: acme/gate@{'c' * 40}  # v1.2.0" in notes
    assert f"- uses: docker://{IMAGE}  # gate v1.2.0" in notes
    assert "github-token: ${{ github.token }}" in notes
    assert f"gh attestation verify oci://{IMAGE} --repo acme/gate" in notes


def test_the_command_line_exits_1_with_one_line_on_a_bad_tag() -> None:
    run = subprocess.run([sys.executable, str(SCRIPT), "check-tag", "v0.0.0-nope"], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 1
    assert run.stderr.startswith("release: error: the tag v0.0.0-nope does not name gate's version")
    assert run.stderr.count("\n") == 1
