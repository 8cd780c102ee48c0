"""Policies: load, validate and export the schema (DESIGN §4).

A policy file is YAML:

    version: 1
    services: ["services/*"]        # folders that are services
    ignore: []                      # globs gate never reads
    checks:
      golden-window: {start: "10:00", end: "13:00", timezone: UTC}
      canary-thresholds: {level: warning}
    override: {label: gate/override, roles: [admin, maintain]}

Anything left out takes the default, and the defaults are the seed's rules, so `version: 1` alone
is the bundled default policy. Every check block takes `enabled` and `level` besides the check's
own options. Unknown keys anywhere are errors that name the file and the key path.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from gate.core.checks import REGISTRY
from gate.core.checks.base import NOT_EMPTY_TEXT, OPTIONS_CONFIG, CheckOptions, CheckSpec, Valid
from gate.core.errors import PolicyError
from gate.core.limits import size_of
from gate.core.models import INTERNAL_ERROR, INVALID_FILE, Severity
from gate.core.yamlio import YamlError, load_one

if TYPE_CHECKING:
    from pydantic import TypeAdapter

# An accepted override waives the findings of every check; never those of the engine's own rules
# (a file gate could not read, a check that crashed), since then nothing was judged.
WAIVABLE_BY_DEFAULT = tuple(REGISTRY)
# gate fails closed on these: a label that waived them would pass what gate could not judge.
NEVER_WAIVABLE = {
    INVALID_FILE: "gate could not read a file it must judge, so nothing in it was judged",
    INTERNAL_ERROR: "gate could not decide",
}
MAX_POLICY_BYTES = 1024 * 1024  # a policy is a page of YAML
DEFAULT_SOURCE = "the bundled default policy"

# The policy is plain frozen dataclasses: the bundled default is built from their defaults without
# importing pydantic, which costs more than judging a change does. pydantic validates a policy file
# against the same dataclasses, and builds the JSON Schema from them, when one is read.


def _known_rules(waivable: tuple[str, ...]) -> tuple[str, ...]:
    for rule_id in waivable:
        if rule_id in NEVER_WAIVABLE:
            raise ValueError(f"{rule_id} can never be waived: {NEVER_WAIVABLE[rule_id]}")
        if rule_id not in REGISTRY:
            raise ValueError(f"unknown rule id '{rule_id}' (waivable: {', '.join(REGISTRY)})")
    return waivable


@dataclass(frozen=True)
class OverridePolicy:
    """Who may turn blocking findings into recorded waivers, and which."""

    __pydantic_config__ = OPTIONS_CONFIG

    label: Annotated[str, NOT_EMPTY_TEXT] = "gate/override"
    """The pull-request label that asks for an override."""
    roles: tuple[str, ...] = ("admin", "maintain")
    """Repository roles (GitHub role_name) whose label is accepted."""
    waivable: Annotated[tuple[str, ...], Valid(_known_rules)] = WAIVABLE_BY_DEFAULT
    """Rule ids whose findings an accepted override waives."""
    allow_author: bool = False
    """Whether the pull request's author may override their own change."""


_DNS_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"(?=.{1,253}\Z)[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?")


def _object_name(value: str) -> str:
    # Full matches only: these values go into the commands the notice prints.
    if _DNS_SUBDOMAIN.fullmatch(value) is None:
        raise ValueError(f"{value!r} is not a Kubernetes object name")
    return value


def _namespace(value: str | None) -> str | None:
    if value is not None and _DNS_LABEL.fullmatch(value) is None:
        raise ValueError(f"{value!r} is not a Kubernetes namespace name")
    return value


@dataclass(frozen=True)
class ReconcilerPolicy:
    """A GitOps controller's object that applies this repository to the cluster, for when its
    manifest is not among the files gate reads. The deployment notice then says how to pause it."""

    __pydantic_config__ = OPTIONS_CONFIG

    controller: Literal["flux", "argocd"]
    """flux (a Kustomization) or argocd (an Application)."""
    name: Annotated[str, Valid(_object_name)]
    """The Flux Kustomization's or the Argo CD Application's name."""
    namespace: Annotated[str | None, Valid(_namespace)] = None
    """Its namespace (default: flux-system for Flux, argocd for Argo CD)."""
    paths: tuple[str, ...] = ("**",)
    """Globs of the repository paths it applies."""


@dataclass(frozen=True)
class GitOpsPolicy:
    """How the deployment notice learns that a GitOps controller reconciles the repository."""

    __pydantic_config__ = OPTIONS_CONFIG

    detect: bool = True
    """Look for Flux Kustomizations and Argo CD Applications in the changed files and in well-known folders
    (clusters/, flux-system/, argocd/...)."""
    reconcilers: tuple[ReconcilerPolicy, ...] = ()
    """Controllers that apply this repository, when their objects live elsewhere."""


@dataclass(frozen=True)
class NoticePolicy:
    """The deployment notice (`gate notify`, and `gate action` on a push)."""

    __pydantic_config__ = OPTIONS_CONFIG

    gitops: GitOpsPolicy = field(default_factory=GitOpsPolicy)
    """How the notice learns that a GitOps controller reconciles the repository."""


@dataclass(frozen=True)
class CheckBlock:
    """A check's block of the policy: whether it runs, the severity of its findings, its options."""

    enabled: bool
    level: Severity | None
    options: CheckOptions


ENABLED_DOC = "Run this check."
LEVEL_DOC = (
    "The severity every finding of this check gets, raised or lowered (unset: each keeps its own); warning or "
    "notice reports without blocking, error makes even notices block."
)


def _version(value: object) -> object:
    # YAML's `true` equals 1 in Python; a policy must say `version: 1`.
    if isinstance(value, bool):
        raise ValueError("write `version: 1`")
    return value


@dataclass(frozen=True)
class Policy:
    """A policy: the rules a change is judged by, with typed access to each check's block."""

    source: str
    services: tuple[str, ...] = ("services/*",)
    ignore: tuple[str, ...] = ()
    pre_existing: Severity = Severity.NOTICE
    override: OverridePolicy = field(default_factory=OverridePolicy)
    notice: NoticePolicy = field(default_factory=NoticePolicy)
    checks: Mapping[str, CheckBlock] = field(default_factory=dict)

    @property
    def is_default(self) -> bool:
        """Whether this is the bundled default policy (no policy file applied)."""
        return self.source == DEFAULT_SOURCE

    def block(self, rule_id: str) -> CheckBlock:
        found = self.checks.get(rule_id)
        if found is None:  # a check this policy was built without: its defaults
            return CheckBlock(True, None, REGISTRY[rule_id].options())
        return found

    def enabled(self, rule_id: str) -> bool:
        return self.block(rule_id).enabled

    def level(self, rule_id: str) -> Severity | None:
        return self.block(rule_id).level

    def options(self, rule_id: str) -> CheckOptions:
        """The check's own options (its block without `enabled` and `level`)."""
        return self.block(rule_id).options


@cache
def default_policy() -> Policy:
    """The bundled default policy: every check on, with the seed's values. No validation is needed:
    the defaults are the dataclasses' own, and `tests/test_policy.py` checks them against the schema."""
    return Policy(
        source=DEFAULT_SOURCE,
        checks={rule_id: CheckBlock(True, None, spec.options()) for rule_id, spec in REGISTRY.items()},
    )


# -- reading a policy file: pydantic, imported only here -------------------------------------------------


def _block_class(spec: CheckSpec) -> type:
    """The check's options plus the keys every block has, as one dataclass pydantic validates."""
    return dataclasses.make_dataclass(
        f"{spec.options.__name__}_{spec.id.replace('-', '_')}",
        [("enabled", bool, field(default=True)), ("level", Severity | None, field(default=None))],
        bases=(spec.options,),
        frozen=True,
    )


def _checks_class(registry: Mapping[str, CheckSpec]) -> type:
    from pydantic import Field

    fields: list[tuple[str, Any, Any]] = []
    for rule_id, spec in registry.items():
        block = _block_class(spec)
        fields.append((rule_id.replace("-", "_"), Annotated[block, Field(alias=rule_id)], field(default_factory=block)))
    checks = dataclasses.make_dataclass("Checks", fields, frozen=True)
    checks.__pydantic_config__ = {"extra": "forbid", "frozen": True}  # type: ignore[attr-defined]
    return checks


def _policy_file_class(registry: Mapping[str, CheckSpec]) -> type:
    """The shape of a policy file: the policy's fields, `version`, and a block per check."""
    checks = _checks_class(registry)
    return dataclasses.make_dataclass(
        "PolicyFile",
        [
            ("version", Annotated[Literal[1], Valid(_version, before=True)], field(default=1)),
            ("services", tuple[str, ...], field(default=("services/*",))),
            ("ignore", tuple[str, ...], field(default=())),
            ("pre_existing", Severity, field(default=Severity.NOTICE)),
            ("override", OverridePolicy, field(default_factory=OverridePolicy)),
            ("notice", NoticePolicy, field(default_factory=NoticePolicy)),
            ("checks", checks, field(default_factory=checks)),
        ],
        frozen=True,
        namespace={"__pydantic_config__": {"extra": "forbid", "frozen": True}},
    )


# What each top-level key means, for the schema (the policy file's class is built at run time).
TOP_LEVEL_DOCS = {
    "version": "The policy format's version.",
    "services": "Globs of the folders that are services.",
    "ignore": "Globs of paths gate never reads or judges.",
    "pre_existing": "The severity of findings about objects the change leaves as they were (a Canary, an alert "
    "rule, an autoscaler, a Deployment): notice or warning reports them without blocking, error makes the change "
    "fix them too.",
    "override": "Who may turn blocking findings into recorded waivers, and which.",
    "notice": "The deployment notice (`gate notify`, and `gate action` on a push).",
    "checks": "A block per check: `enabled`, `level` and the check's own options.",
}


def policy_adapter(registry: Mapping[str, CheckSpec] | None = None) -> TypeAdapter[Any]:
    """The pydantic validator of a policy file, assembled from the checks' options (built once)."""
    return _default_adapter() if registry is None else _adapter(registry)


@cache
def _default_adapter() -> TypeAdapter[Any]:
    return _adapter(REGISTRY)


def _adapter(registry: Mapping[str, CheckSpec]) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(_policy_file_class(registry))


def _policy_of(parsed: Any, source: str, registry: Mapping[str, CheckSpec]) -> Policy:
    blocks = {}
    for rule_id, spec in registry.items():
        block = getattr(parsed.checks, rule_id.replace("-", "_"))
        own = {f.name: getattr(block, f.name) for f in dataclasses.fields(spec.options)}
        blocks[rule_id] = CheckBlock(block.enabled, block.level, spec.options(**own))
    return Policy(
        source=source,
        services=parsed.services,
        ignore=parsed.ignore,
        pre_existing=parsed.pre_existing,
        override=parsed.override,
        notice=parsed.notice,
        checks=blocks,
    )


def parse_policy(text: str | bytes, source: str) -> Policy:
    """Validate a policy's text; `source` names it in every error."""
    if (size_of(text) if isinstance(text, bytes) else len(text)) > MAX_POLICY_BYTES:
        raise PolicyError(f"{source}: larger than {MAX_POLICY_BYTES // 1024} KiB; a policy is a page of YAML")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PolicyError(f"{source}: not UTF-8 text (byte {exc.start})") from None
    try:
        data = load_one(text)
    except YamlError as exc:
        where = f"{source}:{exc.line}" if exc.line else source
        raise PolicyError(f"{where}: not valid YAML: {exc.message}") from None
    if data is None:
        raise PolicyError(f"{source}: the policy is empty; start it with `version: 1`")
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: a policy is a mapping with `version: 1` at the top")
    if "version" not in data:
        raise PolicyError(f"{source}: version: missing; add `version: 1` at the top")
    from pydantic import ValidationError

    try:
        parsed = policy_adapter().validate_python(data)
    except ValidationError as exc:
        raise PolicyError(f"{source}: " + "; ".join(_describe(error, data) for error in exc.errors())) from None
    return _policy_of(parsed, source, REGISTRY)


def schema(registry: Mapping[str, CheckSpec] | None = None) -> dict[str, Any]:
    """A JSON Schema editors can use to complete and check policy files."""
    from pydantic import TypeAdapter

    registry = REGISTRY if registry is None else registry
    document: dict[str, Any] = policy_adapter(registry).json_schema(by_alias=True)
    definitions = document.get("$defs", {})
    for name, text in TOP_LEVEL_DOCS.items():
        document["properties"][name]["description"] = text
    # A block's class is made at run time, so it has no source for pydantic to read the options'
    # docstrings from: they come from the check's own options class.
    checks = definitions[document["properties"]["checks"]["$ref"].rsplit("/", 1)[-1]]
    for rule_id, spec in registry.items():
        block = definitions[checks["properties"][rule_id]["$ref"].rsplit("/", 1)[-1]]
        own = TypeAdapter(spec.options).json_schema()["properties"]
        for key, described in own.items():
            if "description" in described:
                block["properties"][key]["description"] = described["description"]
        block["properties"]["enabled"]["description"] = ENABLED_DOC
        block["properties"]["level"]["description"] = LEVEL_DOC
        block["description"] = spec.summary
        block["title"] = rule_id
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "gate policy"
    return document


def schema_json(registry: Mapping[str, CheckSpec] | None = None) -> str:
    return json.dumps(schema(registry), indent=2, sort_keys=True) + "\n"


def _describe(error: Any, data: Any) -> str:
    # A union's tag (`<holidays>`: which kind of freeze pydantic tried) is no key of the file.
    loc = tuple(part for part in error["loc"] if not _is_tag(part))
    location = ".".join(str(part) for part in loc)
    line = _line_of(data, loc)
    where = f"{location} (line {line})" if line else location
    if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return f"{where}: unknown key{_known_keys(error['loc'])}"
    if error["type"] in ("missing", "missing_argument"):
        return f"{where}: Field required"
    if error["type"] == "literal_error" and error["loc"] == ("version",):
        return f"{where}: this gate reads policy version 1 only"
    if error["type"] == "value_error" and "error" in error.get("ctx", {}):
        return f"{where}: {error['ctx']['error']}"
    return f"{where}: {error['msg']}"


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and part.startswith("<") and part.endswith(">")


def _keys(kind: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(kind)]


def _known_keys(loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and _is_tag(loc[-2]):
        from gate.core.checks.golden_window import freeze_keys

        keys = freeze_keys(loc[-2])
        return f" (known: {', '.join(keys)})" if keys else ""
    if len(loc) == 1:
        known = list(TOP_LEVEL_DOCS)
    elif loc[0] == "checks" and len(loc) == 2:
        return f" (known checks: {', '.join(REGISTRY)}; {INVALID_FILE} and {INTERNAL_ERROR} take no block)"
    elif loc[0] == "checks" and len(loc) == 3 and loc[1] in REGISTRY:
        known = ["enabled", "level", *_keys(REGISTRY[str(loc[1])].options)]
    elif loc[0] == "override" and len(loc) == 2:
        known = _keys(OverridePolicy)
    elif loc[0] == "notice" and len(loc) == 2:
        known = _keys(NoticePolicy)
    elif loc[:2] == ("notice", "gitops") and len(loc) == 3:
        known = _keys(GitOpsPolicy)
    elif loc[:3] == ("notice", "gitops", "reconcilers") and len(loc) == 5:
        known = _keys(ReconcilerPolicy)
    else:
        return ""
    return f" (known: {', '.join(known)})"


def _line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    from gate.core.yamlio import line_of

    current = data
    line = None
    for part in loc:
        found = line_of(current, part)
        line = found if found is not None else line
        in_mapping = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_mapping or in_list:
            current = current[part]
        else:
            break
    return line
