"""required-docs: every service the change adds or modifies has a README, a runbook and an architecture diagram.

Documentation is a production dependency: someone in another timezone will operate the service
at 3 AM without the people who built it. A service folder (the policy's `services` globs,
`services/*` by default) that the change adds or modifies must hold:

- a README: `README.md`;
- a runbook: `runbook.yaml`/`runbook.yml`, a `runbooks/` folder of them, or `RUNBOOK.md`;
- an architecture diagram: `docs/architecture.*` or `architecture.*` as Mermaid (`.mmd`, `.mermaid`),
  PlantUML (`.puml`, `.plantuml`), draw.io (`.drawio`), D2 (`.d2`), SVG or PNG, or a
  ```` ```mermaid ```` block in the README.

An empty or unreadable file does not count. Deleted services are not judged. Only the touched
services' own folders are looked at, never the rest of the repository.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from gate.core.checks.base import CheckOptions, Result
from gate.core.models import Context, EntryKind, Finding, Service, ServiceStatus, Severity, Tree

ID = "required-docs"
ORDER = 10

# Blanks, never line breaks, around the fence: `^\s*` would rescan every run of empty lines from each
# of its lines, and a README of a few MiB of newlines would take hours.
_MERMAID_BLOCK = re.compile(r"^[ \t]*(```|~~~)[ \t]*mermaid\b", re.MULTILINE)


@dataclass(frozen=True)
class Options(CheckOptions):
    """The files that count as a service's README, runbook and architecture diagram."""

    readme: tuple[str, ...] = ("README.md",)
    """File names that are a service's README."""
    runbook_files: tuple[str, ...] = ("runbook.yaml", "runbook.yml", "RUNBOOK.md")
    """File names that are a runbook."""
    runbook_dirs: tuple[str, ...] = ("runbooks",)
    """Folders of runbooks (YAML or Markdown)."""
    diagram_stems: tuple[str, ...] = ("docs/architecture", "architecture")
    """Paths, relative to the service and without extension, of the architecture diagram."""
    diagram_extensions: tuple[str, ...] = (
        ".mmd", ".mermaid", ".puml", ".plantuml", ".pu", ".drawio", ".drawio.svg", ".drawio.png", ".d2", ".svg", ".png"
    )
    """Extensions a diagram may have."""
    mermaid_in_readme: bool = True
    """Whether a ```mermaid block in the README counts as the diagram."""
    statuses: tuple[ServiceStatus, ...] = (ServiceStatus.ADDED, ServiceStatus.MODIFIED)
    """Which services are judged, by their status."""


def check(context: Context, options: Options) -> Iterator[Result]:
    for service in context.services:
        if service.status not in options.statuses:
            continue
        missing = list(_missing_docs(service, context.head_tree, options))
        if not missing:
            continue
        what = "; ".join(problem for problem, _ in missing)
        remedy = "; ".join(fix for _, fix in missing)
        new = "new service " if service.status is ServiceStatus.ADDED else ""
        yield Finding(
            rule=ID,
            severity=Severity.ERROR,
            path=service.path,
            line=None,
            message=f"{new}{service.path} is missing documentation: {what}",
            remedy=remedy,
        )


def _missing_docs(service: Service, tree: Tree, options: Options) -> Iterator[tuple[str, str]]:
    entries = tree.listdir(service.path)
    readme = _first_useful(service.path, tree, entries, options.readme)
    if readme is None:
        empty = [name for name in options.readme if entries.get(name) is EntryKind.FILE]
        problem = f"{empty[0]} is empty" if empty else "no README (README.md)"
        yield problem, f"write {service.path}/README.md: what the service does, who owns it, how to run it"

    if not _has_runbook(service.path, tree, entries, options):
        names = ", ".join(options.runbook_files)
        yield (
            f"no runbook ({names}, or a {options.runbook_dirs[0]}/ folder)" if options.runbook_dirs else
            f"no runbook ({names})",
            f"add {service.path}/runbook.yaml as a decision tree: a trigger and steps, each a check with a "
            "command and its if_yes/if_no branches",
        )

    if not _has_diagram(service.path, tree, entries, readme, options):
        yield (
            "no architecture diagram (docs/architecture.* as Mermaid, PlantUML, draw.io, D2, SVG or PNG"
            + (", or a ```mermaid block in README.md)" if options.mermaid_in_readme else ")"),
            f"add {service.path}/docs/architecture.mmd"
            + (" or a ```mermaid block to the README" if options.mermaid_in_readme else ""),
        )


def _first_useful(base: str, tree: Tree, entries: Mapping[str, EntryKind], names: tuple[str, ...]) -> bytes | None:
    for name in names:
        if entries.get(name) is EntryKind.FILE:
            content = tree.read(f"{base}/{name}")
            if content is not None and _is_useful(name, content):
                return content
    return None


def _has_runbook(base: str, tree: Tree, entries: Mapping[str, EntryKind], options: Options) -> bool:
    if _first_useful(base, tree, entries, options.runbook_files) is not None:
        return True
    for folder in options.runbook_dirs:
        if entries.get(folder) is not EntryKind.DIR:
            continue
        listing = tree.listdir(f"{base}/{folder}")
        candidates = tuple(
            name
            for name, kind in sorted(listing.items())
            if kind is EntryKind.FILE and name.endswith((".yaml", ".yml", ".md"))
        )
        if _first_useful(f"{base}/{folder}", tree, listing, candidates) is not None:
            return True
    return False


def _has_diagram(
    base: str, tree: Tree, entries: Mapping[str, EntryKind], readme: bytes | None, options: Options
) -> bool:
    for stem in options.diagram_stems:
        folder, _, name = stem.rpartition("/")
        if folder:
            if entries.get(folder.split("/")[0]) is not EntryKind.DIR:
                continue
            listing = tree.listdir(f"{base}/{folder}")
            where = f"{base}/{folder}"
        else:
            listing, where = entries, base
        candidates = tuple(
            entry
            for entry, kind in sorted(listing.items())
            if kind is EntryKind.FILE
            and entry.startswith(name + ".")
            and entry[len(name) :] in options.diagram_extensions
        )
        if _first_useful(where, tree, listing, candidates) is not None:
            return True
    return bool(options.mermaid_in_readme and readme is not None and _MERMAID_BLOCK.search(_text(readme)))


def _is_useful(name: str, content: bytes) -> bool:
    """Non-empty and what its name says: text that is not blank, an image with its signature."""
    if name.endswith(".png"):
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    text = _text(content)
    if not text.strip():
        return False
    if name.endswith(".svg"):
        return "<svg" in text
    if name.endswith(".drawio"):
        return "<mxfile" in text or "<mxGraphModel" in text
    return True


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ""
