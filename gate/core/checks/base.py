"""What every check module provides, and the spec the registry keeps of it.

A check module has:

- `ID`: its stable rule id (DESIGN §3), the module's name with `-` for `_`;
- `ORDER`: where it stands in reports, the docs and the policy schema (a number; gaps leave room);
- `Options`: a pydantic model, `extra="forbid"`, whose defaults are the seed's rules;
- `check(context, options)`: a generator of `Finding`s (and, for the golden window, the
  `Activation`s it judged, which the engine puts in the report);
- a module docstring: the check's user documentation, shown by `gate policy schema` and the docs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ConfigDict

from gate.core.models import Activation, Context, Finding

Result = Finding | Activation
CheckFunction = Callable[[Context, Any], Iterator[Result]]


class CheckOptions(BaseModel):
    """Base of every check's options: unknown keys are errors, so a typo never passes silently."""

    # NaN and infinity compare false or pass every bound: an option set to one would switch its
    # check off without saying so. Disabling a check is `enabled: false`, which the report shows.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@dataclass(frozen=True, slots=True)
class CheckSpec:
    id: str
    options: type[CheckOptions]
    run: CheckFunction
    doc: str
    order: int

    @classmethod
    def of(cls, module: ModuleType) -> CheckSpec:
        """The spec of a check module; a TypeError says what the module lacks."""
        name = module.__name__.rsplit(".", 1)[-1]
        missing = [attr for attr in ("ID", "ORDER", "Options", "check") if not hasattr(module, attr)]
        if missing:
            raise TypeError(f"check module {module.__name__} has no {', '.join(missing)}")
        if name.replace("_", "-") != module.ID:
            raise TypeError(f"check module {module.__name__} has the id {module.ID!r}; name it after its id")
        doc = (module.__doc__ or "").strip()
        if not doc.startswith(f"{module.ID}:"):
            raise TypeError(f"check module {module.__name__}'s docstring must start with '{module.ID}:'")
        if not issubclass(module.Options, CheckOptions):
            raise TypeError(f"{module.__name__}.Options must derive from CheckOptions")
        return cls(id=module.ID, options=module.Options, run=module.check, doc=doc, order=int(module.ORDER))

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0]
