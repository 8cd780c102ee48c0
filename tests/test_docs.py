"""docs/checks.md is generated from the checks' own docstrings and options, and kept in step.

Regenerate with `GATE_UPDATE_GOLDEN=1 bash scripts/test.sh tests/test_docs.py`.
"""

from __future__ import annotations

import os
import re

from helpers import REPO_ROOT

from gate.core.docs import render_checks_doc

CHECKS_DOC = REPO_ROOT / "docs" / "checks.md"


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
