"""Which change an Actions event asks gate to judge.

The payload names the change (base and head) and its pull request, nothing more: whatever decides an
override is read from the GitHub API, because a re-run replays the payload as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.adapters.runner import ActionSettings
from gate.core.errors import InputError

PULL_REQUEST_ACTIONS = ("opened", "synchronize", "reopened", "labeled", "unlabeled")
_QUEUE_REF = re.compile(r"^(?:refs/heads/)?gh-readonly-queue/(?P<base>.+)/pr-(?P<number>\d+)-(?P<sha>[0-9a-f]{7,64})$")
_NULL_SHA = re.compile(r"^0+$")


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
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"GITHUB_EVENT_PATH: {path} does not exist") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"GITHUB_EVENT_PATH: {path} is not a readable JSON event: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"GITHUB_EVENT_PATH: {path} is not an event object")
    return data


def plan_for(event_name: str, payload: Mapping[str, Any], settings: ActionSettings) -> Plan | Sweep | str:
    """The plan for the event, or why gate has nothing to do for it (a notice, exit 0)."""
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
    return f"gate does not judge '{event_name}' events"


def _pull_request_plan(action: str, payload: Mapping[str, Any], settings: ActionSettings) -> Plan | str:
    pull = payload.get("pull_request") or {}
    number = int(payload.get("number") or pull.get("number") or 0)
    if action in PULL_REQUEST_ACTIONS:
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
        return Plan(
            description=f"merged pull request #{number}",
            base=f"{merged}^1",  # what the default branch was just before it landed
            head=merged,
            pull_number=number,
            notice=True,
        )
    return f"gate does not judge pull_request events of type '{action or 'unknown'}'"


def _merge_group_plan(action: str, payload: Mapping[str, Any], settings: ActionSettings) -> Plan | str:
    if action != "checks_requested":
        return f"gate does not judge merge_group events of type '{action or 'unknown'}'"
    group = payload.get("merge_group") or {}
    head_ref = str(group.get("head_ref") or "")
    match = _QUEUE_REF.match(head_ref)
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
    default = str((payload.get("repository") or {}).get("default_branch") or "")
    if not default or ref != f"refs/heads/{default}":
        return f"gate publishes deployment notices for pushes to the default branch only, not {ref}"
    if payload.get("deleted"):
        return f"{ref} was deleted; there is nothing to judge"
    before = str(payload.get("before") or "")
    return Plan(
        description=f"push to {default}",
        base=None if not before or _NULL_SHA.match(before) else before,
        head=str(payload.get("after") or settings.sha or "HEAD"),
        notice=True,
    )


def _sha(pull: Mapping[str, Any], side: str) -> str | None:
    value = (pull.get(side) or {}).get("sha")
    return str(value) if value else None
