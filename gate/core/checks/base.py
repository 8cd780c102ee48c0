"""What every check module provides, and the spec the registry keeps of it.

A check module has:

- `ID`: its stable rule id (DESIGN §3), the module's name with `-` for `_`;
- `ORDER`: where it stands in reports, the docs and the policy schema (a number; gaps leave room);
- `Options`: a frozen dataclass deriving from `CheckOptions`, whose defaults are the seed's rules
  and whose attribute docstrings document each option (pydantic validates a policy's block against
  it, and builds the JSON Schema from it, only when a policy file is read);
- `check(context, options)`: a generator of `Finding`s (and, for the golden window, the
  `Activation`s it judged, which the engine puts in the report);
- a module docstring: the check's user documentation, shown by `gate policy schema` and the docs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from types import ModuleType
from typing import Any, ClassVar, TypeVar

from gate.core.models import Activation, Context, Finding

Result = Finding | Activation
CheckFunction = Callable[[Context, Any], Iterator[Result]]
T = TypeVar("T")

# How pydantic reads every options dataclass (a plain dict: pydantic is imported only to validate a
# policy file, never to run the default policy). Unknown keys are errors, so a typo never passes
# silently; NaN and infinity compare false or pass every bound, so an option set to one would switch
# its check off without saying so (disabling a check is `enabled: false`, which the report shows).
OPTIONS_CONFIG: dict[str, Any] = {
    "extra": "forbid",
    "frozen": True,
    "allow_inf_nan": False,
    "use_attribute_docstrings": True,
}


@dataclass(frozen=True)
class CheckOptions:
    """Base of every check's options: a frozen dataclass with defaults and attribute docstrings.

    The defaults are usable as they are, without validation (the bundled default policy); a policy
    file's block is validated by pydantic against the same dataclass (`gate.core.policy`).
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = OPTIONS_CONFIG

    @classmethod
    def validate(cls: type[T], data: Mapping[str, Any]) -> T:
        """The options a policy block (a mapping) describes; raises pydantic's ValidationError."""
        from pydantic import TypeAdapter

        return TypeAdapter(cls).validate_python(data)

    @classmethod
    def of(cls: type[T], **values: Any) -> T:
        """Validated options from keyword values, as a policy block would give them (for tests and tools)."""
        return cls.validate(values)  # type: ignore[attr-defined,no-any-return]


class Valid:
    """An option's own validation, in its annotation: `Annotated[str, Valid(parse_hhmm)]`.

    `check(value)` raises ValueError with the reason, or returns the value to keep. With
    `needs_earlier=True` it is called as `check(value, earlier)`, `earlier` being the options
    validated before it (in the order the dataclass declares them). `schema` adds JSON Schema
    keywords (e.g. `{"minimum": 1}`). pydantic is imported only when a schema is built.
    """

    def __init__(
        self,
        check: Callable[..., Any],
        *,
        needs_earlier: bool = False,
        before: bool = False,
        schema: Mapping[str, Any] | None = None,
    ) -> None:
        self.check = check
        self.needs_earlier = needs_earlier
        self.before = before
        self.schema = dict(schema or {})

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        inner = handler(source)
        if self.needs_earlier:
            return core_schema.with_info_after_validator_function(
                lambda value, info: self.check(value, info.data), inner
            )
        if self.before:
            return core_schema.no_info_before_validator_function(self.check, inner)
        return core_schema.no_info_after_validator_function(self.check, inner)

    def __get_pydantic_json_schema__(self, core: Any, handler: Any) -> Any:
        document = handler(core)
        document.update(self.schema)
        return document


def at_least(bound: float, *, strictly: bool = False) -> Valid:
    """`Valid` for a number at least (or, strictly, above) `bound`."""

    def check(value: float) -> float:
        if value < bound or (strictly and value == bound):
            raise ValueError(f"must be {'above' if strictly else 'at least'} {bound:g}")
        return value

    return Valid(check, schema={"exclusiveMinimum" if strictly else "minimum": bound})


def at_most(bound: float) -> Valid:
    """`Valid` for a number at most `bound`."""

    def check(value: float) -> float:
        if value > bound:
            raise ValueError(f"must be at most {bound:g}")
        return value

    return Valid(check, schema={"maximum": bound})


def not_empty(value: T) -> T:
    """For `Valid`: a string or list that holds something."""
    if hasattr(value, "__len__") and len(value) == 0:
        raise ValueError("must not be empty")
    return value


NOT_EMPTY_TEXT = Valid(not_empty, schema={"minLength": 1})
NOT_EMPTY_LIST = Valid(not_empty, schema={"minItems": 1})


def _is_options_dataclass(options: object) -> bool:
    """A frozen dataclass of its own (not a plain subclass of one, whose fields would be lost)."""
    if not (isinstance(options, type) and issubclass(options, CheckOptions) and is_dataclass(options)):
        return False
    declared = set(vars(options).get("__annotations__", {}))
    return declared <= {f.name for f in fields(options)} and bool(options.__dataclass_params__.frozen)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """What the registry keeps of a check module: its id, options, function, documentation and order."""

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
        if not _is_options_dataclass(module.Options):
            raise TypeError(
                f"{module.__name__}.Options must be a @dataclass(frozen=True) deriving from CheckOptions"
            )
        return cls(id=module.ID, options=module.Options, run=module.check, doc=doc, order=int(module.ORDER))

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0]
