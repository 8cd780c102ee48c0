"""required-docs: one line per case, each a service folder and whether it is documented enough."""

from __future__ import annotations

import pytest
from helpers import SEED_RUNBOOK, make_context

from gate.core.checks import required_docs
from gate.core.models import Finding

README = "# payments\n\nTakes the money.\n"
DIAGRAM = "graph TD\n  a --> b\n"
MERMAID_README = "# payments\n\n```mermaid\ngraph TD\n  a --> b\n```\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
S = "services/payments"


def run(files: dict[str, str | bytes], base: dict[str, str | bytes] | None = None) -> list[Finding]:
    context = make_context(head=files, base=base)
    return [f for f in required_docs.check(context, required_docs.Options()) if isinstance(f, Finding)]


CASES: list[tuple[str, dict[str, str | bytes], list[str]]] = [
    ("complete", {f"{S}/README.md": README, f"{S}/runbook.yaml": SEED_RUNBOOK, f"{S}/docs/architecture.mmd": DIAGRAM}, []),
    ("runbook.yml", {f"{S}/README.md": README, f"{S}/runbook.yml": SEED_RUNBOOK, f"{S}/architecture.puml": "@startuml\n"}, []),
    ("RUNBOOK.md", {f"{S}/README.md": README, f"{S}/RUNBOOK.md": "# If lag > 10k\n", f"{S}/docs/architecture.d2": "a -> b"}, []),
    ("runbooks folder", {f"{S}/README.md": README, f"{S}/runbooks/lag.yaml": SEED_RUNBOOK, f"{S}/docs/architecture.png": PNG}, []),
    ("mermaid in README", {f"{S}/README.md": MERMAID_README, f"{S}/runbook.yaml": SEED_RUNBOOK}, []),
    ("drawio diagram", {f"{S}/README.md": README, f"{S}/runbook.yaml": SEED_RUNBOOK, f"{S}/docs/architecture.drawio": "<mxfile/>"}, []),
    ("no runbook", {f"{S}/README.md": README, f"{S}/docs/architecture.mmd": DIAGRAM}, ["no runbook"]),
    ("empty runbook", {f"{S}/README.md": README, f"{S}/runbook.yaml": "  \n", f"{S}/docs/architecture.mmd": DIAGRAM}, ["no runbook"]),
    ("empty runbooks folder file", {f"{S}/README.md": README, f"{S}/runbooks/a.yaml": "", f"{S}/docs/architecture.mmd": DIAGRAM}, ["no runbook"]),
    ("no README", {f"{S}/runbook.yaml": SEED_RUNBOOK, f"{S}/docs/architecture.mmd": DIAGRAM}, ["no README"]),
    ("empty README", {f"{S}/README.md": "\n\n", f"{S}/runbook.yaml": SEED_RUNBOOK, f"{S}/docs/architecture.mmd": DIAGRAM}, ["README.md is empty"]),
    ("no diagram", {f"{S}/README.md": README, f"{S}/runbook.yaml": SEED_RUNBOOK}, ["no architecture diagram"]),
    ("empty diagram", {f"{S}/README.md": README, f"{S}/runbook.yaml": SEED_RUNBOOK, f"{S}/docs/architecture.mmd": ""}, ["no architecture diagram"]),
    ("png that is not a png", {f"{S}/README.md": README, f"{S}/runbook.yaml": SEED_RUNBOOK, f"{S}/docs/architecture.png": "hello"}, ["no architecture diagram"]),
    ("svg that is not svg", {f"{S}/README.md": README, f"{S}/runbook.yaml": SEED_RUNBOOK, f"{S}/architecture.svg": "hello"}, ["no architecture diagram"]),
    ("diagram with other name", {f"{S}/README.md": README, f"{S}/runbook.yaml": SEED_RUNBOOK, f"{S}/docs/overview.mmd": DIAGRAM}, ["no architecture diagram"]),
    ("nothing", {f"{S}/deploy.yaml": "kind: x\n"}, ["no README", "no runbook", "no architecture diagram"]),
]


@pytest.mark.parametrize(("files", "expected"), [pytest.param(f, e, id=i) for i, f, e in CASES])
def test_required_docs(files: dict[str, str | bytes], expected: list[str]) -> None:
    findings = run(files)
    if not expected:
        assert findings == []
        return
    assert len(findings) == 1, "one finding per service, naming everything it lacks"
    finding = findings[0]
    assert (finding.rule, finding.path, finding.line) == ("required-docs", S, None)
    for words in expected:
        assert words in finding.message
    assert finding.remedy


def test_new_service_is_called_new() -> None:
    (finding,) = run({f"{S}/deploy.yaml": "a: 1\n"})
    assert finding.message.startswith("new service services/payments")


def test_modified_service_is_judged_too() -> None:
    base: dict[str, str | bytes] = {f"{S}/README.md": README, f"{S}/deploy.yaml": "a: 1\n"}
    head: dict[str, str | bytes] = {**base, f"{S}/deploy.yaml": "a: 2\n"}
    (finding,) = run(head, base=base)
    assert "new service" not in finding.message
    assert "no runbook" in finding.message


def test_deleted_service_is_not_judged() -> None:
    base: dict[str, str | bytes] = {f"{S}/deploy.yaml": "a: 1\n"}
    assert run({"other.txt": "x"}, base=base) == []


def test_untouched_service_is_not_judged_nor_read() -> None:
    head: dict[str, str | bytes] = {"services/legacy/deploy.yaml": "a: 1\n", "services/new/README.md": README}
    context = make_context(head=head, base={"services/legacy/deploy.yaml": "a: 1\n"})
    findings = list(required_docs.check(context, required_docs.Options()))
    assert [f.path for f in findings if isinstance(f, Finding)] == ["services/new"]
    tree = context.head_tree
    assert not any("legacy" in path for path in tree.accessed)  # type: ignore[attr-defined]


def test_files_outside_services_touch_no_service() -> None:
    assert run({"docs/index.md": "# docs\n", "services/README.md": "# all services\n"}) == []


def test_mermaid_in_readme_can_be_turned_off() -> None:
    context = make_context(head={f"{S}/README.md": MERMAID_README, f"{S}/runbook.yaml": SEED_RUNBOOK})
    findings = list(required_docs.check(context, required_docs.Options.of(mermaid_in_readme=False)))
    assert len(findings) == 1
    assert "no architecture diagram" in findings[0].message  # type: ignore[union-attr]
