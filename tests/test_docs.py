"""docs/checks.md is generated from the checks' own docstrings and options, and kept in step.

Regenerate with `GATE_UPDATE_GOLDEN=1 bash scripts/test.sh tests/test_docs.py`.
"""

from __future__ import annotations

import json
import os
import re

from helpers import REPO_ROOT

from gate.core.checks import REGISTRY

CHECKS_DOC = REPO_ROOT / "docs" / "checks.md"


def render_checks_doc() -> str:
    parts = [
        "# gate's checks\n",
        "Generated from each check's docstring and options (`tests/test_docs.py` keeps it in step).",
        "Every check's block in a policy also takes `enabled` (default `true`) and `level` (`error`,",
        "`warning` or `notice`: the severity every finding of the check gets, raised or lowered). See also",
        "[golden-window.md](golden-window.md), [kubernetes-checks.md](kubernetes-checks.md) and",
        "[the default policy](../policies/default.yaml).\n",
    ]
    for rule_id, spec in REGISTRY.items():
        parts.append(f"## `{rule_id}`\n")
        body = spec.doc.removeprefix(f"{rule_id}:").strip()
        parts.append(body[:1].upper() + body[1:] + "\n")
        parts.append("| option | default | meaning |\n|---|---|---|")
        for name, field in spec.options.model_fields.items():
            default = field.get_default(call_default_factory=True)
            if hasattr(default, "model_dump"):
                default = default.model_dump(mode="json")
            shown = json.dumps(default, default=str, ensure_ascii=False)
            meaning = (field.description or "").replace("|", "\\|").replace("\n", " ")
            parts.append(f"| `{name}` | `{shown}` | {meaning} |")
        parts.append("")
    return "\n".join(parts)


def test_checks_doc_is_up_to_date() -> None:
    expected = render_checks_doc()
    if os.environ.get("GATE_UPDATE_GOLDEN"):
        CHECKS_DOC.write_text(expected, encoding="utf-8")
    assert CHECKS_DOC.read_text(encoding="utf-8") == expected, "regenerate docs/checks.md (see this module)"


def test_docs_link_to_files_that_exist() -> None:
    for doc in [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which does not exist"


def test_policies_shown_in_the_readme_are_valid() -> None:
    from gate.core.policy import parse_policy

    blocks = re.findall(r"```yaml\n(.*?)```", (REPO_ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    policies = [block for block in blocks if block.startswith("version: 1")]
    assert policies, "the README shows a policy"
    for block in policies:
        parse_policy(block, "README.md")


def test_the_readme_shows_the_example_workflow_as_it_is() -> None:
    workflow = (REPO_ROOT / "examples" / "workflows" / "gate.yml").read_text(encoding="utf-8")
    assert f"```yaml\n{workflow}```" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
