"""The user documentation of the checks (docs/checks.md), generated from the registry.

Each check's docstring is its documentation and its `Options` fields are its table of options, so a
new check module is documented by being written. `tests/test_docs.py` keeps docs/checks.md in step.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping

from gate.core.checks import REGISTRY
from gate.core.checks.base import CheckSpec

_PREAMBLE = (
    "# gate's checks\n",
    "Generated from each check's docstring and options (`tests/test_docs.py` keeps it in step).",
    "Every check's block in a policy also takes `enabled` (default `true`) and `level` (`error`,",
    "`warning` or `notice`: the severity every finding of the check gets, raised or lowered). See also",
    "[golden-window.md](golden-window.md), [kubernetes-checks.md](kubernetes-checks.md) and",
    "[the default policy](../policies/default.yaml).\n",
)


def render_checks_doc(registry: Mapping[str, CheckSpec] = REGISTRY) -> str:
    from pydantic import TypeAdapter

    parts = list(_PREAMBLE)
    for rule_id, spec in registry.items():
        parts.append(f"## `{rule_id}`\n")
        body = spec.doc.removeprefix(f"{rule_id}:").strip()
        parts.append(body[:1].upper() + body[1:] + "\n")
        parts.append("| option | default | meaning |\n|---|---|---|")
        described = TypeAdapter(spec.options).json_schema()["properties"]
        for option in dataclasses.fields(spec.options):
            default = option.default_factory() if option.default_factory is not dataclasses.MISSING else option.default
            shown = json.dumps(default, default=str, ensure_ascii=False)
            meaning = " ".join(described[option.name].get("description", "").split()).replace("|", "\\|")
            parts.append(f"| `{option.name}` | `{shown}` | {meaning} |")
        parts.append("")
    return "\n".join(parts)
