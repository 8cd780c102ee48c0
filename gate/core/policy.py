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

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from gate.core.checks import REGISTRY
from gate.core.checks.base import CheckOptions, CheckSpec
from gate.core.errors import PolicyError
from gate.core.limits import size_of
from gate.core.models import INTERNAL_ERROR, INVALID_FILE, Severity
from gate.core.yamlio import YamlError, load_one

# An accepted override waives the findings of every check; never those of the engine's own rules
# (a file gate could not read, a check that crashed), since then nothing was judged.
WAIVABLE_BY_DEFAULT = tuple(REGISTRY)
# gate fails closed on these: a label that waived them would pass what gate could not judge.
NEVER_WAIVABLE = {
    INVALID_FILE: "gate could not read a file it must judge, so nothing in it was judged",
    INTERNAL_ERROR: "gate could not decide",
}
MAX_POLICY_BYTES = 1024 * 1024  # a policy is a page of YAML


class OverridePolicy(BaseModel):
    """Who may turn blocking findings into recorded waivers, and which."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(
        "gate/override", min_length=1, description="The pull-request label that asks for an override."
    )
    roles: tuple[str, ...] = Field(
        ("admin", "maintain"),
        description="Repository roles (GitHub role_name) whose label is accepted.",
    )
    waivable: tuple[str, ...] = Field(
        WAIVABLE_BY_DEFAULT, description="Rule ids whose findings an accepted override waives."
    )
    allow_author: bool = Field(False, description="Whether the pull request's author may override their own change.")

    @field_validator("waivable")
    @classmethod
    def _known_rules(cls, waivable: tuple[str, ...]) -> tuple[str, ...]:
        for rule_id in waivable:
            if rule_id in NEVER_WAIVABLE:
                raise ValueError(f"{rule_id} can never be waived: {NEVER_WAIVABLE[rule_id]}")
            if rule_id not in REGISTRY:
                raise ValueError(f"unknown rule id '{rule_id}' (waivable: {', '.join(REGISTRY)})")
        return waivable


_DNS_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"(?=.{1,253}\Z)[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?")


class ReconcilerPolicy(BaseModel):
    """A GitOps controller's object that applies this repository to the cluster, for when its
    manifest is not among the files gate reads. The deployment notice then says how to pause it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    controller: Literal["flux", "argocd"] = Field(description="flux (a Kustomization) or argocd (an Application).")
    name: str = Field(description="The Flux Kustomization's or the Argo CD Application's name.")
    namespace: str | None = Field(
        None, description="Its namespace (default: flux-system for Flux, argocd for Argo CD)."
    )
    paths: tuple[str, ...] = Field(("**",), description="Globs of the repository paths it applies.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        # Full matches only: these values go into the commands the notice prints.
        if _DNS_SUBDOMAIN.fullmatch(value) is None:
            raise ValueError(f"{value!r} is not a Kubernetes object name")
        return value

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, value: str | None) -> str | None:
        if value is not None and _DNS_LABEL.fullmatch(value) is None:
            raise ValueError(f"{value!r} is not a Kubernetes namespace name")
        return value


class GitOpsPolicy(BaseModel):
    """How the deployment notice learns that a GitOps controller reconciles the repository."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    detect: bool = Field(
        True,
        description="Look for Flux Kustomizations and Argo CD Applications in the changed files and in "
        "well-known folders (clusters/, flux-system/, argocd/...).",
    )
    reconcilers: tuple[ReconcilerPolicy, ...] = Field(
        (), description="Controllers that apply this repository, when their objects live elsewhere."
    )


class NoticePolicy(BaseModel):
    """The deployment notice (`gate notify`, and `gate action` on a push)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gitops: GitOpsPolicy = Field(default_factory=GitOpsPolicy)


def _block_model(spec: CheckSpec) -> type[CheckOptions]:
    """The check's options plus the keys every block has."""
    options: type[CheckOptions] = spec.options
    model: type[CheckOptions] = create_model(
        f"{options.__name__}_{spec.id.replace('-', '_')}",
        __base__=options,
        __doc__=spec.summary,
        enabled=(bool, Field(True, description="Run this check.")),
        level=(
            Severity | None,
            Field(
                None,
                description="The severity every finding of this check gets, raised or lowered (unset: each "
                "keeps its own); warning or notice reports without blocking, error makes even notices block.",
            ),
        ),
    )
    return model


def _checks_model(registry: Mapping[str, CheckSpec]) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for rule_id, spec in registry.items():
        block = _block_model(spec)
        fields[rule_id.replace("-", "_")] = (block, Field(default_factory=block, alias=rule_id))
    model: type[BaseModel] = create_model(
        "Checks", __config__=ConfigDict(extra="forbid", frozen=True, populate_by_name=False), **fields
    )
    return model


class _PolicyBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = Field(1, description="The policy format's version.")

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_a_number(cls, version: object) -> object:
        # YAML's `true` equals 1 in Python; a policy must say `version: 1`.
        if isinstance(version, bool):
            raise ValueError("write `version: 1`")
        return version
    services: tuple[str, ...] = Field(("services/*",), description="Globs of the folders that are services.")
    ignore: tuple[str, ...] = Field((), description="Globs of paths gate never reads or judges.")
    pre_existing: Severity = Field(
        Severity.NOTICE,
        description="The severity of findings about objects the change leaves as they were (a Canary, an "
        "alert rule, an autoscaler, a Deployment): notice or warning reports them without blocking, error "
        "makes the change fix them too.",
    )
    override: OverridePolicy = Field(default_factory=OverridePolicy)
    notice: NoticePolicy = Field(default_factory=NoticePolicy)


def policy_model(registry: Mapping[str, CheckSpec] | None = None) -> type[_PolicyBase]:
    """The pydantic model of a policy file, assembled from the checks' options (built once)."""
    return _policy_model() if registry is None else _assemble(registry)


@cache
def _policy_model() -> type[_PolicyBase]:
    return _assemble(REGISTRY)


def _assemble(registry: Mapping[str, CheckSpec]) -> type[_PolicyBase]:
    checks = _checks_model(registry)
    model: type[_PolicyBase] = create_model(
        "Policy",
        __base__=_PolicyBase,
        checks=(checks, Field(default_factory=checks)),
    )
    return model


class Policy:
    """A validated policy with typed access to each check's block."""

    def __init__(self, model: _PolicyBase, source: str) -> None:
        self.model = model
        self.source = source

    @property
    def is_default(self) -> bool:
        """Whether this is the bundled default policy (no policy file applied)."""
        return self.source == DEFAULT_SOURCE

    @property
    def services(self) -> tuple[str, ...]:
        return self.model.services

    @property
    def ignore(self) -> tuple[str, ...]:
        return self.model.ignore

    @property
    def override(self) -> OverridePolicy:
        return self.model.override

    @property
    def notice(self) -> NoticePolicy:
        return self.model.notice

    @property
    def pre_existing(self) -> Severity:
        return self.model.pre_existing

    def block(self, rule_id: str) -> CheckOptions:
        block: CheckOptions = getattr(self.model.checks, rule_id.replace("-", "_"))  # type: ignore[attr-defined]
        return block

    def enabled(self, rule_id: str) -> bool:
        return bool(getattr(self.block(rule_id), "enabled", True))

    def level(self, rule_id: str) -> Severity | None:
        level: Severity | None = getattr(self.block(rule_id), "level", None)
        return level

    def options(self, rule_id: str) -> CheckOptions:
        """The check's own options model (the block without `enabled` and `level`)."""
        spec = REGISTRY[rule_id]
        return spec.options.model_validate(self.block(rule_id).model_dump(exclude={"enabled", "level"}))


DEFAULT_SOURCE = "the bundled default policy"


def default_policy() -> Policy:
    return Policy(policy_model().model_validate({}), source=DEFAULT_SOURCE)


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
    try:
        return Policy(policy_model().model_validate(data), source=source)
    except ValidationError as exc:
        raise PolicyError(f"{source}: " + "; ".join(_describe(error, data) for error in exc.errors())) from None


def schema(registry: Mapping[str, CheckSpec] | None = None) -> dict[str, Any]:
    """A JSON Schema editors can use to complete and check policy files."""
    document = policy_model(registry).model_json_schema(by_alias=True)
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
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key{_known_keys(error['loc'])}"
    if error["type"] == "literal_error" and error["loc"] == ("version",):
        return f"{where}: this gate reads policy version 1 only"
    if error["type"] == "value_error" and "error" in error.get("ctx", {}):
        return f"{where}: {error['ctx']['error']}"
    return f"{where}: {error['msg']}"


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and part.startswith("<") and part.endswith(">")


def _known_keys(loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and _is_tag(loc[-2]):
        from gate.core.checks.golden_window import FREEZE_KINDS

        model = FREEZE_KINDS.get(loc[-2])
        return f" (known: {', '.join(model.model_fields)})" if model is not None else ""
    if len(loc) == 1:
        known = list(policy_model().model_fields)
    elif loc[0] == "checks" and len(loc) == 2:
        return f" (known checks: {', '.join(REGISTRY)}; {INVALID_FILE} and {INTERNAL_ERROR} take no block)"
    elif loc[0] == "checks" and len(loc) == 3 and loc[1] in REGISTRY:
        known = ["enabled", "level", *REGISTRY[str(loc[1])].options.model_fields]
    elif loc[0] == "override" and len(loc) == 2:
        known = list(OverridePolicy.model_fields)
    elif loc[0] == "notice" and len(loc) == 2:
        known = list(NoticePolicy.model_fields)
    elif loc[:2] == ("notice", "gitops") and len(loc) == 3:
        known = list(GitOpsPolicy.model_fields)
    elif loc[:3] == ("notice", "gitops", "reconcilers") and len(loc) == 5:
        known = list(ReconcilerPolicy.model_fields)
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
