"""The built container image, run the way GitHub runs a Docker action (DESIGN §5, §6).

The image comes from .ci/build-image.sh and is named by $GATE_IMAGE; without it these tests are
skipped. Each run goes through `buildah run --isolation chroot`, which shares the host's network,
so gate inside the image reaches the fake GitHub API on 127.0.0.1. The mounts and environment
copy what the runner gives a Docker action: the checkout at /github/workspace (owned by the
runner's user, not the container's root), the event at /github/workflow/event.json, the output
and summary files under /github/file_commands, HOME at /github/home, and a RUNNER_TEMP that
does not exist inside the container.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fake_github import FakeGitHub
from helpers import FIXTURES, REPO_ROOT, GitRepo, documented_service

from gate import __version__

IMAGE = os.environ.get("GATE_IMAGE", "").strip()
BUILDAH = ["buildah", "--storage-driver", os.environ.get("GATE_IMAGE_STORAGE_DRIVER", "vfs")]
RUNNER_UID = 1001  # the runner's user on GitHub's hosted machines, who owns the checkout

TOKEN = "ghs_imageTESTtoken0123456789abcdef"
NOW = "2026-11-30T11:00:00Z"  # a Monday, inside the golden window
PUSHED = "2026-11-30T09:00:00Z"
LABELED = "2026-11-30T10:00:00Z"
LABEL = "gate/override"

pytestmark = [
    pytest.mark.image,
    pytest.mark.skipif(
        not IMAGE,
        reason="GATE_IMAGE is not set: build the image with .ci/build-image.sh, then GATE_IMAGE=gate (.ci/run does both)",
    ),
]


# -- running the image ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Container:
    """A buildah working container of the image; each `run` is a fresh process in it."""

    name: str

    def run(
        self,
        argv: Sequence[str],
        *,
        mounts: Mapping[Path, str] | None = None,
        env: Mapping[str, str] | None = None,
        workdir: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        command = [*BUILDAH, "run", "--isolation", "chroot", "--network", "host"]
        if workdir is not None:
            command += ["--workingdir", workdir]
        for host, inside in (mounts or {}).items():
            command += ["--volume", f"{host}:{inside}"]
        for key, value in (env or {}).items():
            command += ["--env", f"{key}={value}"]
        return subprocess.run(
            [*command, self.name, "--", *argv], capture_output=True, text=True, timeout=300, check=False
        )


@pytest.fixture(scope="module")
def image_config() -> dict[str, Any]:
    result = subprocess.run([*BUILDAH, "inspect", "--type", "image", IMAGE], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, f"GATE_IMAGE={IMAGE} is not in buildah's storage: {result.stderr.strip()}"
    config: dict[str, Any] = json.loads(result.stdout)["OCIv1"]["config"]
    return config


@pytest.fixture(scope="module")
def container(image_config: dict[str, Any]) -> Iterator[Container]:
    if shutil.which("buildah") is None:
        pytest.fail("GATE_IMAGE is set but buildah is not installed: run .ci/build-image.sh first")
    name = f"gate-image-test-{os.getpid()}"
    created = subprocess.run([*BUILDAH, "from", "--pull=never", "--name", name, IMAGE], capture_output=True,
                             text=True, check=False)
    assert created.returncode == 0, created.stderr
    yield Container(name)
    subprocess.run([*BUILDAH, "rm", name], capture_output=True, check=False)


def owned_by_runner(path: Path) -> None:
    """Hand the checkout to the runner's uid, as on GitHub, so git's ownership check is exercised."""
    if os.geteuid() != 0:
        return  # only root can; the safe.directory setting is then not put to the test
    for root, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(root, name), RUNNER_UID, RUNNER_UID)
    os.lchown(path, RUNNER_UID, RUNNER_UID)


# -- the image itself ----------------------------------------------------------------------------
def test_the_entrypoint_is_gate_action_run_as_root(image_config: dict[str, Any]) -> None:
    """GitHub asks Docker actions for neither USER nor WORKDIR: it runs them as root, in the workspace."""
    assert image_config["Entrypoint"] == ["gate", "action"]
    assert image_config.get("WorkingDir", "") in ("", "/")
    assert image_config.get("User", "") in ("", "root", "0")
    labels = image_config.get("Labels") or {}
    assert labels["org.opencontainers.image.title"] == "gate"
    assert labels["org.opencontainers.image.version"] == __version__
    assert labels["org.opencontainers.image.licenses"] == "Apache-2.0"


def test_gate_runs_and_knows_its_version(container: Container) -> None:
    result = container.run(["gate", "--version"])

    assert (result.returncode, result.stdout.strip()) == (0, f"gate {__version__}"), result.stderr


def test_no_compiler_or_build_tool_is_left_in_the_image(container: Container) -> None:
    tools = ["gcc", "cc", "c++", "g++", "clang", "make", "ld", "pip", "pip3"]
    result = container.run(["sh", "-c", 'for tool in "$@"; do command -v "$tool"; done; true', "sh", *tools])

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [], "build tools found in the image"


def test_nothing_of_the_build_host_is_left_in_the_image(container: Container) -> None:
    """The CA bundle and pip settings mounted during the build, and apt's lists, stay out."""
    script = 'for p in /etc/pip.conf /etc/host-ca.crt /mnt/pip.conf /mnt/host-ca.crt; do [ ! -e "$p" ] || echo "$p"; done; find /var/lib/apt/lists /mnt -mindepth 1'
    result = container.run(["sh", "-c", script])

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []


def test_the_image_holds_exactly_the_locked_packages(container: Container) -> None:
    """Every package came from requirements/image.txt at its pinned version (the build verified the
    hashes); the build backend is gone, and nothing else was installed beside gate."""
    from test_lock import LOCK, parse_lock

    locked = {name: pin.version for name, pin in parse_lock(LOCK.read_text(encoding="utf-8")).items()}
    code = ("import importlib.metadata as m, re; "
            "[print(re.sub(r'[-_.]+', '-', d.metadata['Name']).lower(), d.version) for d in m.distributions()]")
    result = container.run(["/opt/gate/bin/python", "-c", code])

    assert result.returncode == 0, result.stderr
    installed = dict(line.split() for line in result.stdout.splitlines())
    assert installed.pop("gate") == __version__
    assert installed == {name: version for name, version in locked.items() if name != "setuptools"}


def test_the_sns_client_of_the_deployment_notice_still_loads(container: Container) -> None:
    """botocore is trimmed to the service models gate uses: SNS and the credential providers'."""
    code = "import boto3; [boto3.client(s, region_name='eu-west-1') for s in ('sns', 'sts', 'sso', 'sso-oidc')]"
    result = container.run(["python3", "-c", code])

    assert result.returncode == 0, result.stderr


# -- gate check inside the image -----------------------------------------------------------------
UNDOCUMENTED = {"services/checkout/README.md": "# checkout\n\nTakes orders.\n"}


@pytest.mark.parametrize(
    ("added", "exit_code", "verdict"),
    [
        pytest.param(UNDOCUMENTED, 1, "fail", id="service-without-runbook-blocks"),
        pytest.param(documented_service("services/checkout"), 0, "pass", id="documented-service-passes"),
    ],
)
def test_gate_check_judges_a_checkout_owned_by_another_user(
    tmp_path: Path, container: Container, added: dict[str, str], exit_code: int, verdict: str
) -> None:
    repo = GitRepo(tmp_path / "workspace")
    repo.commit(documented_service("services/cart"), "Add the cart service")
    repo.commit(added, "Add checkout")
    owned_by_runner(repo.path)

    result = container.run(
        ["gate", "check", "--repo", "/github/workspace", "--now", NOW, "--format", "json"],
        mounts={repo.path: "/github/workspace"},
    )

    assert result.returncode == exit_code, result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == verdict
    blocking = [(f["rule"], f["path"]) for f in report["findings"] if f["severity"] == "error"]
    if verdict == "fail":
        assert ("required-docs", "services/checkout") in blocking
    else:
        assert blocking == []


# -- gate action, the entrypoint, with the runner's layout -----------------------------------------
@dataclass
class ActionRun:
    code: int
    log: str
    outputs: dict[str, str]
    summary: str
    workspace: Path


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(token=TOKEN).start()
    yield server
    server.stop()


def pull_request_change(tmp_path: Path) -> tuple[GitRepo, str, str]:
    """main has a documented service; the branch adds `checkout` with a README only (blocking)."""
    repo = GitRepo(tmp_path / "checkout")
    base = repo.commit(documented_service("services/cart"), "Add the cart service")
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit(UNDOCUMENTED, "Add checkout")
    return repo, base, head


def event_payload(name: str, fake: FakeGitHub, **changes: Any) -> dict[str, Any]:
    """One of GitHub's example payloads (tests/fixtures/github-events), adapted to the test repository."""
    payload: dict[str, Any] = json.loads((FIXTURES / "github-events" / name).read_text())
    repo_name = fake.repository.rsplit("/", 1)[-1]
    payload["repository"].update(full_name=fake.repository, name=repo_name, default_branch="main")
    for dotted, value in changes.items():
        target = payload
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    return payload


def run_entrypoint(tmp_path: Path, container: Container, image_config: dict[str, Any], fake: FakeGitHub,
                   repo: GitRepo, event_name: str, payload: dict[str, Any], sha: str) -> ActionRun:
    workflow, commands, home = tmp_path / "workflow", tmp_path / "file_commands", tmp_path / "home"
    for folder in (workflow, commands, home):
        folder.mkdir()
    (workflow / "event.json").write_text(json.dumps(payload))
    (commands / "set_output_1").write_text("")
    (commands / "step_summary_1").write_text("")
    owned_by_runner(repo.path)
    env = {
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "HOME": "/github/home",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": "/github/workflow/event.json",
        "GITHUB_WORKSPACE": "/github/workspace",
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": fake.url,
        "GITHUB_SHA": sha,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_OUTPUT": "/github/file_commands/set_output_1",
        "GITHUB_STEP_SUMMARY": "/github/file_commands/step_summary_1",
        "RUNNER_TEMP": "/home/runner/work/_temp",  # the runner's path: not mounted into the container
        "INPUT_GITHUB-TOKEN": TOKEN,
        "INPUT_COMMENT": "true",
        "INPUT_NOTIFY": "true",
        "GATE_NOW": NOW,
    }
    result = container.run(
        image_config["Entrypoint"],
        mounts={repo.path: "/github/workspace", workflow: "/github/workflow", commands: "/github/file_commands",
                home: "/github/home"},
        env=env,
        workdir="/github/workspace",  # GitHub's --workdir
    )
    log = result.stdout + result.stderr
    assert "Traceback" not in log, log
    assert TOKEN not in log.replace(f"::add-mask::{TOKEN}", ""), "the token reached the log"
    return ActionRun(result.returncode, log, parse_outputs((commands / "set_output_1").read_text()),
                     (commands / "step_summary_1").read_text(), repo.path)


def parse_outputs(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT's `name<<DELIMITER` blocks."""
    blocks = re.findall(r"^([\w-]+)<<(\S+)\n(.*?)\n\2$", text, flags=re.S | re.M)
    return {name: value for name, _, value in blocks}


def test_the_entrypoint_accepts_a_maintainers_override_on_a_pull_request(
    tmp_path: Path, container: Container, image_config: dict[str, Any], fake: FakeGitHub
) -> None:
    repo, base, head = pull_request_change(tmp_path)
    fake.add_pull(5, author="ana", head_sha=head, base_sha=base)
    fake.push(head, PUSHED)
    fake.roles["maria"] = "maintain"
    fake.label(5, LABEL, actor="maria", at=LABELED)
    payload = event_payload("pull_request.labeled.json", fake, action="labeled", number=5,
                            pull_request__number=5, pull_request__base__sha=base, pull_request__base__ref="main",
                            pull_request__head__sha=head, label={"name": LABEL, "color": "d73a4a"})

    run = run_entrypoint(tmp_path, container, image_config, fake, repo, "pull_request", payload, head)

    assert run.code == 0, run.log
    assert run.outputs["verdict"] == "overridden"
    assert "required-docs" in run.summary and "maria" in run.summary
    assert fake.calls("GET", "/labels"), "gate in the image did not reach the API on loopback"
    assert len(fake.calls("POST", "/comments")) == 1  # the sticky comment
    # The runner's RUNNER_TEMP is not mounted, so the report lands in the workspace.
    report_on_host = run.workspace / run.outputs["report"].removeprefix("/github/workspace/")
    assert json.loads(report_on_host.read_text())["verdict"] == "overridden"


def test_the_entrypoint_blocks_a_manual_run_on_an_undocumented_service(
    tmp_path: Path, container: Container, image_config: dict[str, Any], fake: FakeGitHub
) -> None:
    repo, _, head = pull_request_change(tmp_path)
    payload = event_payload("workflow_dispatch.json", fake)

    run = run_entrypoint(tmp_path, container, image_config, fake, repo, "workflow_dispatch", payload, head)

    assert run.code == 1, run.log
    assert run.outputs["verdict"] == "fail"
    assert int(run.outputs["errors"]) >= 1
    assert "::error " in run.log and "required-docs" in run.log
    assert "required-docs" in run.summary


def test_the_entrypoint_judges_the_bundled_example(
    tmp_path: Path, container: Container, image_config: dict[str, Any], fake: FakeGitHub
) -> None:
    """The README's example, judged by the image as a manual run would judge it on GitHub."""
    example = tmp_path / "example"
    subprocess.run(["python3", str(REPO_ROOT / "examples" / "make_repo.py"), str(example)], check=True,
                   capture_output=True)
    repo = GitRepo.__new__(GitRepo)
    repo.path = example
    head = repo.git("rev-parse", "HEAD")

    run = run_entrypoint(tmp_path, container, image_config, fake, repo, "workflow_dispatch",
                         event_payload("workflow_dispatch.json", fake), head)

    assert run.code == 1, run.log
    assert run.outputs["verdict"] == "fail"
    report = json.loads((run.workspace / run.outputs["report"].removeprefix("/github/workspace/")).read_text())
    assert sorted({f["rule"] for f in report["findings"] if f["severity"] == "error"}) == [
        "consumer-min-replicas", "required-docs", "runbook-format"]
    assert [a["flag"] for a in report["activations"]] == ["express-checkout"]
