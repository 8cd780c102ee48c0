"""Which change an Actions event asks gate to judge.

The payload names the change (base and head) and its pull request, nothing more: whatever decides an
override is read from the GitHub API, because a re-run replays the payload as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.adapters.runner import ActionSettings
from gate.core.errors import InputError
from gate.core.jsonio import DataError, load_json

PULL_REQUEST_ACTIONS = ("opened", "synchronize", "reopened", "labeled", "unlabeled")
MAX_EVENT_BYTES = 32 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB
_QUEUE_REF = re.compile(
    r"(?:refs/heads/)?gh-readonly-queue/(?P<base>[^\n]+)/pr-(?P<number>[0-9]{1,12})-(?P<sha>[0-9a-f]{7,64})"
)
_NULL_SHA = re.compile(r"0+")
_SHA = re.compile(r"[0-9a-f]{7,64}")
_USE = (
    "run gate on pull_request (opened, synchronize, reopened, labeled, unlabeled), merge_group, push to "
    "the default branch and, for the sweep, schedule, as examples/workflows/gate.yml does"
)


@dataclass(frozen=True)
class Plan:
    """What one event asks gate to do."""

    description: str
    head: str
    base: str | None = None  # None: the default base (DESIGN §2)
    pull_number: int | None = None
    notice: bool = False  # a deployment: publish the notice
    comment: bool = False  # report on the pull request
    merge_base: bool = False  # judge from the merge-base of base and head, as GitHub's diff does
    window_status: bool = False  # set the gate/golden-window status on the head (a pull request's change)


@dataclass(frozen=True)
class Sweep:
    """Judge the golden window of every open pull request now and set each one's status."""

    description: str


SWEEP_EVENTS = ("schedule", "workflow_dispatch")


def load_event(path: Path | None) -> dict[str, Any]:
    if path is None:
        raise InputError("GITHUB_EVENT_PATH is not set; gate action needs the event that started the workflow")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_EVENT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"GITHUB_EVENT_PATH: {path} does not exist") from None
    except OSError as exc:
        raise InputError(f"GITHUB_EVENT_PATH: {path} cannot be read: {exc.strerror}") from None
    if len(raw) > MAX_EVENT_BYTES:
        raise InputError(f"GITHUB_EVENT_PATH: {path} is larger than {MAX_EVENT_BYTES // 1048576} MiB; "
                         "GitHub's events are far smaller")
    try:
        data = load_json(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, DataError) as exc:
        reason = exc.message if isinstance(exc, DataError) else "not UTF-8"
        raise InputError(f"GITHUB_EVENT_PATH: {path} is not a readable JSON event: {reason}") from None
    if not isinstance(data, dict):
        raise InputError(f"GITHUB_EVENT_PATH: {path} is not an event object")
    return data


def plan_for(event_name: str, payload: Mapping[str, Any], settings: ActionSettings) -> Plan | Sweep | str:
    """The plan for the event, or why there is nothing to judge (a notice, exit 0).

    A run that judged nothing must never look like a pass: a required check wired to an event gate
    does not judge would turn green on nothing. So such an event is an input error (exit 2) that
    says which events to use; only a run that cannot leave a misleading check (a pull request
    closed unmerged, a deleted branch, a merge-queue entry that is gone) is a notice.
    """
    action = str(payload.get("action") or "")
    if event_name == "schedule":
        schedule = str(payload.get("schedule") or "").strip()
        return Sweep(description=f"scheduled sweep ({schedule})" if schedule else "scheduled sweep")
    if settings.sweep:
        if event_name not in SWEEP_EVENTS:
            raise InputError(
                f"the sweep input is for {' and '.join(SWEEP_EVENTS)} events; a {event_name} event is judged as a "
                "change: set sweep only in the job that runs on a schedule"
            )
        return Sweep(description="sweep asked for by hand")
    if event_name == "pull_request":
        return _pull_request_plan(action, payload, settings)
    if event_name == "merge_group":
        return _merge_group_plan(action, payload, settings)
    if event_name == "push":
        return _push_plan(payload, settings)
    if event_name == "workflow_dispatch":
        return Plan(description="manual run", head=settings.sha or "HEAD")
    if event_name == "pull_request_target":
        raise InputError(
            "gate does not judge pull_request_target events: they run with the base branch's token and "
            "secrets, and a check that judged nothing must not pass; " + _USE + " (pull_request needs no secrets)"
        )
    raise InputError(f"gate does not judge '{event_name}' events, and a check that judged nothing must not pass; "
                     + _USE)


def _pull_request_plan(action: str, payload: Mapping[str, Any], settings: ActionSettings) -> Plan | str:
    pull = _mapping(payload.get("pull_request"))
    number = _number(payload.get("number") or pull.get("number"))
    if action != "closed":
        # Every other activity (edited, ready_for_review, ...) leaves a check on the head commit
        # too: it judges the pull request as it is, exactly as synchronize does.
        return Plan(
            description=f"pull request #{number} ({action})",
            base=_sha(pull, "base"),
            head=_sha(pull, "head") or settings.sha or "HEAD",
            pull_number=number,
            comment=True,
            merge_base=True,
            window_status=True,
        )
    if action == "closed" and pull.get("merged") and pull.get("merge_commit_sha"):
        merged = str(pull["merge_commit_sha"])
        if not _SHA.fullmatch(merged):
            raise InputError(f"the event's merge commit '{merged[:80]}' is not a commit sha")
        return Plan(
            description=f"merged pull request #{number}",
            base=f"{merged}^1",  # what the default branch was just before it landed
            head=merged,
            pull_number=number,
            notice=True,
        )
    return f"pull request #{number} was closed without being merged; there is nothing to judge"


def _merge_group_plan(action: str, payload: Mapping[str, Any], settings: ActionSettings) -> Plan | str:
    if action != "checks_requested":
        return f"gate does not judge merge_group events of type '{action or 'unknown'}'"
    group = _mapping(payload.get("merge_group"))
    head_ref = str(group.get("head_ref") or "")
    match = _QUEUE_REF.fullmatch(head_ref)
    if match is None:
        raise InputError(
            f"merge_group: cannot find the pull request in the head ref '{head_ref}' "
            "(expected refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>)"
        )
    number = int(match["number"])
    return Plan(
        description=f"pull request #{number} in the merge queue",
        base=str(group.get("base_sha") or "") or None,
        head=str(group.get("head_sha") or settings.sha or "HEAD"),
        pull_number=number,
        comment=True,
        # The queue waits for required statuses on its own commit, this one: the status goes there.
        window_status=True,
    )


def _push_plan(payload: Mapping[str, Any], settings: ActionSettings) -> Plan | str:
    ref = str(payload.get("ref") or settings.ref)
    default = str(_mapping(payload.get("repository")).get("default_branch") or "")
    if payload.get("deleted"):
        return f"{ref} was deleted; there is nothing to judge"
    if not default or ref != f"refs/heads/{default}":
        raise InputError(
            f"gate judges pushes to the default branch only (the deployment notice), not {ref}; a check that "
            f"judged nothing must not pass: limit the push trigger to `branches: [{default or 'main'}]`; " + _USE
        )
    before = str(payload.get("before") or "")
    return Plan(
        description=f"push to {default}",
        base=None if not before or _NULL_SHA.fullmatch(before) else before,
        head=str(payload.get("after") or settings.sha or "HEAD"),
        notice=True,
    )


def _sha(pull: Mapping[str, Any], side: str) -> str | None:
    value = _mapping(pull.get(side)).get("sha")
    return str(value) if value else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _number(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12:
        return value
    text = str(value or "0")
    if not re.fullmatch(r"[0-9]{1,12}", text):
        raise InputError(f"the event names pull request '{text[:40]}', which is not a number")
    return int(text)
