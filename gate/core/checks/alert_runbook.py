"""alert-runbook: every alert links a runbook, and a runbook in this repository exists.

The seed's runbooks get used because every alert carries the link: whoever is paged at 3 AM does
not search, they click. A link to a file that was renamed or never written is worse than none.

What is read: every changed `.yaml`/`.yml` file; in it, each `PrometheusRule`
(monitoring.coreos.com) and each plain Prometheus rules file (a document with a top-level `groups:`
list and no `apiVersion`/`kind`). Every rule with `alert:` must have the annotation `runbook_url`
(or one of the names in `annotations`, e.g. add `documentation` to accept rook's convention).
Recording rules (`record:`) alert nobody and need none.

Where the link points into this repository, the file (or folder) must exist at head:

- a bare path (`docs/runbooks/lag.md`, or `/docs/...`) is taken from the repository root;
- a path starting with `./` or `../` is taken from the rules file's folder;
- `https://github.com/<this repository>/blob/<ref>/<path>` (or `/tree/`) names `<path>`. The ref is
  the first segment after `blob/`: a branch whose name holds `/` (`release/v2`) cannot be told apart
  from the path without asking git, so link through a ref without a slash (the default branch, a
  tag or a commit) or use a relative path.

`#anchors` and `?queries` are ignored. Links to other sites are not fetched: gate judges the change,
not the network. A link with a template (`{{ $labels.runbook }}`) is resolved only when Prometheus
fires, so gate accepts it as written. A Helm chart template that does not parse as YAML is an
`invalid-file` notice, and its rules are not judged until rendered (`helm template`).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import unquote, urlsplit

from gate.core.checks.base import NOT_EMPTY_LIST, CheckOptions, Result
from gate.core.manifests import Document, ManifestFile
from gate.core.models import ChangedFile, Context, FileStatus, Finding, Severity, Side, Tree
from gate.core.yamlio import YList, YMap

ID = "alert-runbook"
ORDER = 60

PROMETHEUS_RULE_GROUPS = ("monitoring.coreos.com",)
# Schemes that point elsewhere; a value without one is a path in this repository.
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Options(CheckOptions):
    """The annotations that link an alert to its runbook."""

    annotations: Annotated[tuple[str, ...], NOT_EMPTY_LIST] = ("runbook_url",)
    """Annotation names that count as the alert's runbook link, in order of preference."""


def check(context: Context, options: Options) -> Iterator[Result]:
    for changed, manifest in context.changed_manifests():
        before = _base_rules(context, changed)
        for groups in _rule_groups(manifest):
            for rule in _rules(groups):
                unchanged = rule in before
                for finding in _judge_rule(context.head_tree, context.repository, changed.path, rule, options):
                    # A rule the change leaves as it was keeps its old problems: pre-existing, unless
                    # the change itself broke it (removed the runbook its link names).
                    old = unchanged and not _broken_by_the_change(context, finding, changed.path, rule, options)
                    yield dataclasses.replace(finding, pre_existing=True) if old else finding


def _base_rules(context: Context, changed: ChangedFile) -> list[YMap]:
    """The alert rules of the file before the change (none when it is new or did not parse)."""
    if changed.status is FileStatus.ADDED:
        return []
    manifest = context.manifest(changed.old_path or changed.path, Side.BASE)
    return [rule for groups in _rule_groups(manifest) for rule in _rules(groups)] if manifest.ok else []


def _broken_by_the_change(context: Context, finding: Finding, path: str, rule: YMap, options: Options) -> bool:
    """Whether the finding is about a link the change broke: the same rule judged on the base side
    finds nothing, because the runbook it names was there before."""
    on_base = _judge_rule(context.base_tree, context.repository, path, rule, options)
    return not any(f.message == finding.message for f in on_base)


def _rule_groups(manifest: ManifestFile) -> Iterator[YList]:
    for document in manifest.resources(kinds=("PrometheusRule",), groups=PROMETHEUS_RULE_GROUPS):
        groups = document.spec.get("groups")
        if isinstance(groups, YList):
            yield groups
    for document in manifest.documents:
        if not document.is_resource and _is_plain_rules_file(document):
            yield document.data["groups"]


def _is_plain_rules_file(document: Document) -> bool:
    groups = document.data.get("groups")
    return isinstance(groups, YList) and any(isinstance(g, YMap) and "rules" in g for g in groups)


def _rules(groups: YList) -> Iterator[YMap]:
    for group in groups:
        rules = group.get("rules") if isinstance(group, YMap) else None
        if isinstance(rules, YList):
            yield from (rule for rule in rules if isinstance(rule, YMap) and "alert" in rule)


def _judge_rule(tree: Tree, repository: str | None, path: str, rule: YMap, options: Options) -> Iterator[Finding]:
    """The rule's problems, with the links it names looked up in `tree`."""
    alert = str(rule.get("alert"))
    annotations = rule.get("annotations")
    annotations = annotations if isinstance(annotations, YMap) else None
    key = next((k for k in options.annotations if annotations is not None and k in annotations), None)
    accepted = " or ".join(options.annotations)
    if annotations is None or key is None:
        present = ", ".join(str(k) for k in annotations) if annotations else "none"
        # A link under another name (rook's `documentation:`) may be the team's convention.
        links = [str(k) for k, v in (annotations or {}).items() if isinstance(v, str) and "://" in v]
        alias = f", or accept `{links[0]}` in checks.{ID}.annotations" if links else ""
        yield Finding(
            rule=ID,
            severity=Severity.ERROR,
            path=path,
            line=rule.line_of("alert"),
            message=f"alert {alert} has no {accepted} annotation (annotations found: {present})",
            remedy=f"add `annotations: {{{options.annotations[0]}: <link to the runbook>}}` so whoever is paged "
            f"lands on the steps to take{alias}",
        )
        return
    value = annotations[key]
    line = annotations.line_of(key)
    if not isinstance(value, str) or not value.strip():
        yield Finding(
            rule=ID,
            severity=Severity.ERROR,
            path=path,
            line=line,
            message=f"alert {alert}: {key} is {value!r}, not a link",
            remedy=f"set `{key}` to the runbook's URL or its path in this repository",
        )
        return
    candidates = repository_paths(value.strip(), path, repository)
    if not candidates:
        return  # another site, or a template Prometheus fills in: not fetched
    if any(_exists(tree, c) for c in candidates if not c.startswith("../") and c != ".."):
        return
    target = candidates[0]
    if target.startswith("../") or target == "..":
        yield Finding(
            rule=ID,
            severity=Severity.ERROR,
            path=path,
            line=line,
            message=f"alert {alert}: {key} {value} points outside the repository",
            remedy="link the runbook by its path inside this repository or by its full URL",
        )
        return
    yield Finding(
        rule=ID,
        severity=Severity.ERROR,
        path=path,
        line=line,
        message=f"alert {alert}: {key} {value} points to {target}, which does not exist in this repository",
        remedy=f"add the runbook at {target} in this change, or fix the link to the runbook's actual path"
        + (_SLASHED_REF_HINT if _URL_SCHEME.match(value.strip()) else ""),
    )


def repository_paths(link: str, rules_path: str, repository: str | None) -> tuple[str, ...]:
    """The repository paths a runbook link may name (most likely first); () when it points elsewhere.

    A result starting with `../` climbs out of the repository (the caller reports it).
    """
    if "{{" in link or "$labels" in link:
        return ()
    if _URL_SCHEME.match(link):
        return _github_paths(link, repository)
    local = unquote(link.split("#", 1)[0].split("?", 1)[0])
    if not local:
        return ()  # only an anchor: a place on the page that fired, nothing to look up
    if local.startswith(("./", "../")):
        folder = posixpath.dirname(rules_path)
        joined = posixpath.normpath(posixpath.join(folder, local))
    else:
        joined = posixpath.normpath(local.lstrip("/"))
    return ("" if joined == "." else joined,)


def _github_paths(link: str, repository: str | None) -> tuple[str, ...]:
    """`<path>` of https://github.com/<repository>/(blob|tree)/<ref>/<path>, when it is this repository."""
    if repository is None:
        return ()
    try:
        parts = urlsplit(link)
    except ValueError:
        return ()  # not a well-formed URL (`https://[x`): not a link into this repository either
    if parts.scheme not in ("http", "https") or parts.hostname not in ("github.com", "www.github.com"):
        return ()
    segments = [unquote(s) for s in parts.path.split("/") if s]
    owner_name = "/".join(segments[:2]).lower()
    if owner_name != repository.lower() or len(segments) < 4 or segments[2] not in ("blob", "tree"):
        return ()
    # The ref is the first segment. A branch with `/` (release/v2) cannot be told apart from the
    # path without asking git for the repository's refs; trying every split instead let any file
    # of the same name higher up (a root README.md) vouch for a runbook that does not exist.
    rest = segments[3:]
    if len(rest) == 1:
        return ("",)  # the repository itself at a ref
    return (posixpath.normpath("/".join(rest[1:])),)


_SLASHED_REF_HINT = (
    "; gate reads the first segment after blob/ or tree/ as the ref, so a branch whose name holds `/` "
    "(release/v2) is misread: link through a ref without a slash (the default branch, a tag or a "
    "commit) or by the path relative to this rules file"
)


def _exists(tree: Tree, path: str) -> bool:
    if path == "":
        return True  # the repository root: a link to the repository itself
    return tree.read(path) is not None or bool(tree.listdir(path))
