"""The registry of checks: every public module of this package is a check, found by listing it.

A check is one module (see `base.py` for what it provides); adding one is writing the module, its
test table and its block in `policies/default.yaml`. Nothing registers itself by side effect: the
registry lists the package's modules by name, imports each, and keeps them in `ORDER`, the order
reports, the docs and the policy schema show them in.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

from gate.core.checks.base import CheckSpec

# Modules of this package that are not checks.
NOT_CHECKS = frozenset({"base"})


def discover(package: str = __name__, path: Iterable[str] | None = None) -> dict[str, CheckSpec]:
    """Every check module in the package (or in `path`, the package's search path), by rule id."""
    search = list(path) if path is not None else list(__path__)
    specs = []
    for info in pkgutil.iter_modules(search):
        if info.name.startswith("_") or info.name in NOT_CHECKS:
            continue
        specs.append(CheckSpec.of(importlib.import_module(f"{package}.{info.name}")))
    specs.sort(key=lambda spec: (spec.order, spec.id))
    registry: dict[str, CheckSpec] = {}
    for spec in specs:
        if spec.id in registry:
            raise TypeError(f"two check modules have the rule id {spec.id!r}")
        registry[spec.id] = spec
    return registry


REGISTRY: dict[str, CheckSpec] = discover()
