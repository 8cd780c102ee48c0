"""What a change does to Flagger canaries: the settings that decide how far and how fast a
rollout goes and when it rolls back, before and after (pure)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from gate.core.manifests import FLAGGER_GROUP, Document
from gate.core.models import Context, Side
from gate.core.yamlio import YList, YMap

_MAX_CANARY_SETTINGS = 24


@dataclass(frozen=True, slots=True)
class CanarySetting:
    """One canary setting, before and after the change."""

    key: str
    value: str | None  # at head; None when removed
    before: str | None  # at base; None when new


@dataclass(frozen=True, slots=True)
class CanaryChange:
    """A Flagger Canary the change adds or edits, with the settings that changed."""

    name: str
    namespace: str | None
    target: str | None
    path: str
    line: int
    is_new: bool
    settings: tuple[CanarySetting, ...]


def canary_changes(context: Context) -> Iterator[CanaryChange]:
    for changed, manifest in context.changed_manifests():
        before = context.manifest(changed.old_path or changed.path, side=Side.BASE)
        old = {(d.name, d.namespace): d for d in before.resources(kinds=("Canary",), groups=(FLAGGER_GROUP,))}
        for canary in manifest.resources(kinds=("Canary",), groups=(FLAGGER_GROUP,)):
            previous = old.get((canary.name, canary.namespace))
            head_settings = canary_settings(canary)
            base_settings = canary_settings(previous) if previous is not None else {}
            keys = sorted(set(head_settings) | set(base_settings))
            settings = tuple(
                CanarySetting(key, head_settings.get(key), base_settings.get(key) if previous else None)
                for key in keys
                if previous is None or head_settings.get(key) != base_settings.get(key)
            )
            target = canary.spec.get("targetRef")
            yield CanaryChange(
                name=canary.name,
                namespace=canary.namespace,
                target=f"{target.get('kind', '?')}/{target.get('name', '?')}" if isinstance(target, Mapping) else None,
                path=changed.path,
                line=canary.line,
                is_new=previous is None,
                settings=settings[:_MAX_CANARY_SETTINGS],
            )


def canary_settings(canary: Document) -> dict[str, str]:
    """The settings that decide how a canary progresses and rolls back, flattened to dotted keys."""
    spec = canary.spec
    flat: dict[str, str] = {}
    for key in ("progressDeadlineSeconds", "skipAnalysis"):
        if key in spec:
            flat[key] = _scalar(spec[key])
    analysis_key = "analysis" if "analysis" in spec else "canaryAnalysis"
    analysis = spec.get(analysis_key)
    if isinstance(analysis, YMap):
        _flatten(analysis, "analysis", flat)
    return flat


def _flatten(value: Any, prefix: str, into: dict[str, str]) -> None:
    if isinstance(value, YMap):
        for key, item in value.items():
            if key in ("webhooks", "alerts", "sessionAffinity"):
                continue  # how Flagger talks to other systems, not how far or how fast it goes
            _flatten(item, f"{prefix}.{key}", into)
    elif isinstance(value, YList) and value and all(isinstance(item, YMap) and "name" in item for item in value):
        for item in value:
            _flatten({k: v for k, v in item.items() if k != "name"}, f"{prefix}.{item['name']}", into)
    elif isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}", into)
    else:
        into[prefix] = _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(", ", ": "), default=str)
    return str(value)
