"""The GitHub Actions environment: settings from env, the runner's files, workflow commands.

- Inputs reach a Docker action as `INPUT_<NAME>`: upper-cased, spaces turned to underscores and
  hyphens kept (`INPUT_GITHUB-TOKEN`); a shell cannot set such a name, so the underscore spelling
  is read too.
- `$GITHUB_OUTPUT` takes `name<<DELIMITER` blocks; the delimiter is random and checked against
  the value, so a value can never end its block early and inject another output.
- `$GITHUB_STEP_SUMMARY` is capped at 1 MiB per step; what would pass the cap is cut at a line
  with a note, never left for the runner to reject the whole summary.
- The token is kept out of every repr and masked in the log (`::add-mask::`) before any output.
"""

from __future__ import annotations

import posixpath
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

from gate.core.errors import UsageError
from gate.core.report.github import escape_data, workflow_command
from gate.core.text import one_line, printable

STEP_SUMMARY_LIMIT = 1024 * 1024
DEFAULT_WORKSPACE = "/github/workspace"
DEFAULT_API_URL = "https://api.github.com"

_TRUE = ("true", "True", "TRUE")
_FALSE = ("false", "False", "FALSE")


def input_value(env: Mapping[str, str], name: str, default: str = "") -> str:
    """An action input as the runner passes it, trimmed; `default` when unset or empty."""
    upper = name.replace(" ", "_").upper()
    for key in (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}"):
        value = env.get(key)
        if value is not None and value.strip():
            return value.strip()
    return default


def boolean_input(env: Mapping[str, str], name: str, default: bool) -> bool:
    """The toolkit's getBooleanInput: YAML 1.2 core booleans only, anything else is a usage error."""
    value = input_value(env, name)
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise UsageError(f"input {name}: '{value}' is not a boolean; write true or false")


@dataclass(frozen=True)
class ActionSettings:
    """Everything `gate action` takes from the environment, read once at the start."""

    event_name: str
    event_path: Path | None
    repository: str
    api_url: str
    workspace: Path
    sha: str
    ref: str
    output_path: Path | None
    summary_path: Path | None
    runner_temp: Path | None
    policy: str | None  # the `policy` input: a repository-relative path, read from the base side
    comment: bool
    notify: bool
    sns_topic_arn: str
    aws_region: str
    sns_endpoint_url: str
    fail_on_notice_error: bool
    now: str  # GATE_NOW: judge as if it were then (tests and replays), announced; empty means the clock
    token: str = field(default="", repr=False)
    # The `sweep` input: set the golden-window status of every open pull request (a schedule always does).
    sweep: bool = False
    # This run: the address a commit status links to, and what recognises statuses earlier runs wrote.
    server_url: str = "https://github.com"
    run_id: int | None = None
    run_attempt: int = 1
    workflow_ref: str = ""  # owner/name/.github/workflows/gate.yml@refs/heads/main

    @property
    def workflow_path(self) -> str | None:
        """The workflow file of this run (from GITHUB_WORKFLOW_REF), e.g. .github/workflows/gate.yml."""
        prefix = f"{self.repository}/"
        ref = self.workflow_ref
        if not ref.casefold().startswith(prefix.casefold()):
            return None
        path = ref[len(prefix):].partition("@")[0]
        return path or None

    @property
    def run_url(self) -> str:
        """The address of this run's attempt; empty outside Actions."""
        if self.run_id is None:
            return ""
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}/attempts/{self.run_attempt}"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionSettings:
        event_name = env.get("GITHUB_EVENT_NAME", "").strip()
        if not event_name:
            raise UsageError("GITHUB_EVENT_NAME is not set: `gate action` runs inside GitHub Actions; use `gate check`")
        repository = env.get("GITHUB_REPOSITORY", "").strip()
        if repository.count("/") != 1:
            raise UsageError(f"GITHUB_REPOSITORY is '{repository}', not owner/name")
        workspace = Path(env.get("GITHUB_WORKSPACE", "").strip() or DEFAULT_WORKSPACE)
        policy = input_value(env, "policy")
        return cls(
            event_name=event_name,
            event_path=_path(env.get("GITHUB_EVENT_PATH")),
            repository=repository,
            api_url=(env.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL).rstrip("/"),
            workspace=workspace,
            sha=env.get("GITHUB_SHA", "").strip(),
            ref=env.get("GITHUB_REF", "").strip(),
            output_path=_path(env.get("GITHUB_OUTPUT")),
            summary_path=_path(env.get("GITHUB_STEP_SUMMARY")),
            runner_temp=_path(env.get("RUNNER_TEMP")),
            policy=repository_path(policy, "policy") if policy else None,
            comment=boolean_input(env, "comment", True),
            notify=boolean_input(env, "notify", True),
            sns_topic_arn=input_value(env, "sns-topic-arn"),
            aws_region=input_value(env, "aws-region"),
            sns_endpoint_url=input_value(env, "sns-endpoint-url"),
            fail_on_notice_error=boolean_input(env, "fail-on-notice-error", False),
            now=env.get("GATE_NOW", "").strip(),
            token=input_value(env, "github-token") or env.get("GITHUB_TOKEN", "").strip(),
            sweep=boolean_input(env, "sweep", False),
            server_url=(env.get("GITHUB_SERVER_URL", "").strip() or "https://github.com").rstrip("/"),
            run_id=_positive(env.get("GITHUB_RUN_ID")),
            run_attempt=_positive(env.get("GITHUB_RUN_ATTEMPT")) or 1,
            workflow_ref=env.get("GITHUB_WORKFLOW_REF", "").strip(),
        )


def repository_path(value: str, name: str) -> str:
    """`value` as a normalised path inside the repository, e.g. `./ci/gate.yaml` -> `ci/gate.yaml`.

    gate reads the file from git (the base side of the change), never from the checkout, so a path
    outside the repository names nothing gate may read: refused rather than guessed at.
    """
    normalised = posixpath.normpath(value.replace("\\", "/"))
    if posixpath.isabs(normalised) or PureWindowsPath(value).drive:
        why = "is absolute"
    elif normalised == ".." or normalised.startswith("../"):
        why = "climbs out of the repository"
    elif normalised == ".":
        why = "names the repository itself, not a file"
    else:
        return normalised
    raise UsageError(
        f"input {name}: '{value}' {why}; give the file's path relative to the repository, e.g. .github/gate.yaml"
    )


def _positive(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if re.fullmatch(r"[0-9]{1,20}", text) and int(text) > 0 else None


def _path(value: str | None) -> Path | None:
    return Path(value.strip()) if value and value.strip() else None


# -- workflow commands ----------------------------------------------------------------------------
def add_mask(value: str) -> str:
    """The command that hides `value` from the rest of the log (print it before anything else)."""
    return f"::add-mask::{escape_data(value)}"


# gate's own messages are one line each, whatever a path, a ref or an API answer inside them holds.
def notice(message: str, title: str | None = None) -> str:
    return workflow_command("notice", {"title": title}, one_line(message))


def warning(message: str, title: str | None = None) -> str:
    return workflow_command("warning", {"title": title}, one_line(message))


def error(message: str, title: str | None = None) -> str:
    return workflow_command("error", {"title": title}, one_line(message))


def group(title: str) -> str:
    return f"::group::{escape_data(title)}"


def end_group() -> str:
    return "::endgroup::"


# -- the runner's files ---------------------------------------------------------------------------
def output_block(name: str, value: str) -> str:
    """One `$GITHUB_OUTPUT` entry in the multiline form, with a delimiter the value cannot contain."""
    if not name or any(c in name for c in "\r\n=<"):
        raise ValueError(f"invalid output name {name!r}")
    while True:
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        if delimiter not in value:
            break
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def write_outputs(path: Path | None, outputs: Mapping[str, str]) -> None:
    """Append the outputs to `$GITHUB_OUTPUT`; without one (a local run) there is nowhere to write."""
    if path is None:
        return
    with path.open("a", encoding="utf-8") as handle:
        for name, value in outputs.items():
            handle.write(output_block(name, printable(value)))


def fit_summary(markdown: str, room: int) -> str:
    """`markdown` cut at a line so that it takes at most `room` UTF-8 bytes, with a note when cut."""
    data = markdown.encode("utf-8")
    if len(data) <= room:
        return markdown
    note = "\n\n> gate cut this summary here: GitHub keeps at most 1 MiB per step. The JSON report has it all.\n"
    keep = max(0, room - len(note.encode("utf-8")))
    cut = data[:keep].decode("utf-8", errors="ignore")
    cut = cut[: cut.rfind("\n") + 1] if "\n" in cut else ""
    return cut + note if len(note.encode("utf-8")) <= room else ""


def append_summary(path: Path | None, markdown: str, limit: int = STEP_SUMMARY_LIMIT) -> bool:
    """Append to the step summary within what is left of its cap; False when there is no summary."""
    if path is None:
        return False
    used = path.stat().st_size if path.exists() else 0
    markdown = printable(markdown)  # a name's bytes that are not UTF-8 as \xNN: the file is UTF-8
    text = fit_summary(markdown if markdown.endswith("\n") else markdown + "\n", max(0, limit - used))
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    return True
