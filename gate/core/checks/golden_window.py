"""golden-window: feature flags turn on only inside the golden window, when every timezone is awake.

A team spread across timezones has a few hours a day when everyone who could notice a problem, and
everyone who could fix it, is at work. gate reads the feature-flag files a change touches, works
out what the change turns on, and blocks an activation that would take effect outside that window.

**Flag files** are the changed files matching `flag_files` (by default any file under a `flags/`
folder, and Flipt's `features.yml`/`features.yaml`) that end in `.json`, `.yaml`, `.yml` or
`.toml`. The format is recognised by the file's shape: OpenFeature flagd (JSON or YAML), Flipt
(versions 1.0 to 1.6) or GO Feature Flag (YAML, JSON or TOML; its current format and the older one
of `true`/`false`/`default`/`percentage`/`rule`). YAML is read as YAML 1.2, as the Go tools read it:
`on`, `off`, `yes` and `no` stay strings. Both sides of the change are read, and only the flag files
the change touches, whatever the case of their extension. A flag file gate cannot parse or
recognise is an `invalid-file` error: gate cannot tell what it turns on, so it blocks. So is a flag
file that is a template (`{{ ... }}`; a flag tool reads its file as written, so it must be plain
YAML/JSON/TOML) and one the change adds or edits that cannot be read (a symlink that leaves the
repository or loops). An OpenFeature CLI flag manifest (`flags` with `flagType` and `defaultValue`)
is the input of a code generator, not a configuration any flag provider reads: gate says so in a
notice and does not judge it.

**The baseline** is what a flag serves when it exposes nothing new: `false` for a flag whose
variants are all booleans; for any other flag, a variant whose name matches `baseline_variants`
(`off`, `disabled`, `control`, `none`; case-insensitive, globs allowed) or whose value is the zero
value of its type (`0`, `""`, `false`, `null`, `{}`, `[]`). In GO Feature Flag's older format the
baseline is the `false` value. Serving the baseline, or turning toward it, is never an activation.

**Activations**, one per flag and moment (the strongest), each only when the flag then serves
something beyond its baseline to someone (its default variant, a targeting rule, a percentage or
fractional split, a scheduled step):

- `enabled`: a flag goes from off to on (flagd `state: DISABLED` -> `ENABLED`, Flipt `enabled:
  false` -> `true`, GO Feature Flag `disable: true` -> `false`), or a new flag arrives on: a new
  flagd flag with `defaultVariant: off` serves its baseline and activates nothing, the same flag
  with `defaultVariant: on` activates;
- `default-changed`: the default variant changes to one beyond the baseline, or the value of the
  default variant changes to one beyond it;
- `rollout-raised`: a split or a rule gives more traffic to a variant beyond the baseline that the
  default does not already serve: flagd `if` results and `fractional` splits, Flipt rule
  `distributions` and `threshold`/`segment` rollouts, GO Feature Flag `targeting` and `percentage`;
  a variant whose value changed counts as new, and so does a variant behind an edited condition
  (flagd `if` conditions and shared `$evaluators`, a GO Feature Flag `query` or older-format `rule`):
  gate cannot tell whether the new condition reaches more users.

Turning a flag off, lowering a share, reformatting, reordering and metadata edits are not
activations.

**When**: an activation takes effect when the change lands (`--now`, the clock by default), or at
the time the file schedules it: each GO Feature Flag `scheduledRollout` step the change adds or
edits, and the start (`initial.date`) of a `progressiveRollout`, each judged on its own. A
scheduled time already past takes effect when the change lands.

**The window** is `start` to `end` on the wall clock of `timezone` (IANA, correct across daylight
saving time), on `days`, half-open: 13:00:00 is outside a window ending at 13:00. The default is
10:00 to 13:00 UTC, Monday to Friday, no freezes. `freezes` are times when nothing activates, each
written once, of three kinds:

- a period, `{start, end, reason}`: a date-time without an offset is read in the policy's
  timezone, even when the other end of the freeze has one;
- public holidays, `{holidays: ES, subdivision: MD}`: every public holiday of a country (ISO 3166
  code) and optionally one of its regions, from the `holidays` package, each a whole day on the
  window's clock and named after the holiday (`reason` is optional and shown before the name;
  `language` chooses the names' language, by default the country's own);
- a recurring freeze, `{rrule, duration, reason}`: an RFC 5545 recurrence rule on the window's
  wall clock (so correct across daylight saving time), starting at local midnight unless the rule
  sets BYHOUR/BYMINUTE or has a DTSTART line, each occurrence lasting an ISO 8601 duration.

A finding names the freeze (or the holiday) that closes the window, and the next opening skips
every freeze. `gate window` lists the coming openings and freezes, or writes them as a calendar.

Every activation is listed in the report (`activations`, with `in_window`); each one outside the
window is an error that names the flag, how it activates, when, why that time is outside, and
when the window next opens (in UTC, and in the policy's timezone when that is not UTC).

```yaml
checks:
  golden-window:
    start: "10:00"
    end: "13:00"
    timezone: UTC
    days: [monday, tuesday, wednesday, thursday, friday]
    freezes:
      - {start: "2026-12-21T00:00:00Z", end: "2027-01-04T00:00:00Z", reason: year-end freeze}
      - {holidays: ES, subdivision: MD}
      - {rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15", duration: PT9H, reason: Friday afternoons}
```
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any

from gate.core.checks.base import NOT_EMPTY_TEXT, OPTIONS_CONFIG, CheckOptions, Result, Valid
from gate.core.flags import Baseline, FlagFile, FlagFileError, is_flag_file, read_flag_file
from gate.core.flags.diff import FlagChange, activations
from gate.core.flags.model import BASELINE_NAMES
from gate.core.manifests import YAML_SUFFIXES
from gate.core.models import INVALID_FILE, Activation, ChangedFile, Context, FileStatus, Finding, Severity
from gate.core.times import utc_iso
from gate.core.window import (
    LOOKAHEAD_TEXT,
    Freeze,
    FreezeSource,
    Window,
    load_zone,
    make_window,
    parse_hhmm,
    parse_weekday,
)

ID = "golden-window"
ORDER = 30

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def _clock(value: str) -> str:
    parse_hhmm(value)
    return value


def _zone(value: str) -> str:
    load_zone(value)
    return value


def _days(value: tuple[str, ...]) -> tuple[str, ...]:
    for day in value:
        parse_weekday(day)
    return value


# Holiday and recurring freezes (gate.core.freezes, and the calendar libraries behind it) are read
# only by the policies that have them.


def _country(value: str) -> str:
    from gate.core.freezes import check_country

    return check_country(value)


def _subdivision(value: str | None, earlier: Mapping[str, Any]) -> str | None:
    country = earlier.get("holidays")
    if value is None or country is None:
        return value  # no region, or the country itself is invalid and reported
    from gate.core.freezes import check_subdivision

    return check_subdivision(country, value)


def _language(value: str | None, earlier: Mapping[str, Any]) -> str | None:
    country = earlier.get("holidays")
    if value is None or country is None:
        return value
    from gate.core.freezes import check_language

    return check_language(country, value)


def _rule(value: str) -> str:
    from gate.core.freezes import parse_recurrence

    parse_recurrence(value)
    return value


def _duration(value: str) -> str:
    from gate.core.freezes import parse_duration

    parse_duration(value)
    return value


@dataclass(frozen=True)
class PeriodFreezeOption:
    """A period when no flag may activate, whatever the clock says."""

    __pydantic_config__ = OPTIONS_CONFIG

    start: datetime
    """When the freeze begins (inclusive), ISO 8601."""
    end: datetime
    """When the freeze ends (exclusive), ISO 8601."""
    reason: Annotated[str, NOT_EMPTY_TEXT]
    """Why; shown in the finding."""


@dataclass(frozen=True)
class HolidayFreezeOption:
    """Every public holiday of a country (or one of its regions), each a whole day on the window's clock."""

    __pydantic_config__ = OPTIONS_CONFIG

    holidays: Annotated[str, Valid(_country)]
    """The country, as an ISO 3166-1 alpha-2 code (e.g. ES, US, DE)."""
    subdivision: Annotated[str | None, Valid(_subdivision, needs_earlier=True)] = None
    """A region of the country, as the holidays package names it (e.g. MD for Madrid, CA for California)."""
    language: Annotated[str | None, Valid(_language, needs_earlier=True)] = None
    """The language of the holidays' names (default: the country's own, e.g. es for ES)."""
    reason: Annotated[str | None, NOT_EMPTY_TEXT] = None
    """Why; shown before the holiday's name."""


@dataclass(frozen=True)
class RuleFreezeOption:
    """A freeze that recurs by an RFC 5545 rule on the window's wall clock, each time for a duration."""

    __pydantic_config__ = OPTIONS_CONFIG

    rrule: Annotated[str, Valid(_rule)]
    """An RFC 5545 recurrence rule, e.g. FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20; it starts at local midnight unless it
    sets BYHOUR/BYMINUTE or has a DTSTART line."""
    duration: Annotated[str, Valid(_duration)]
    """How long each occurrence lasts, ISO 8601 (e.g. P15D, PT9H)."""
    reason: Annotated[str, NOT_EMPTY_TEXT]
    """Why; shown in the finding."""


FREEZE_SHAPES = "{start, end, reason}, {holidays, subdivision, reason} or {rrule, duration, reason}"
# Each kind's tag, as pydantic puts it in error locations; the policy's messages leave tags out.
FREEZE_KINDS: dict[str, type] = {
    "<period>": PeriodFreezeOption, "<holidays>": HolidayFreezeOption, "<rrule>": RuleFreezeOption,
}


def freeze_keys(tag: str) -> tuple[str, ...]:
    """The keys a freeze of this kind takes (for the policy's 'unknown key' message)."""
    kind = FREEZE_KINDS.get(tag)
    return tuple(f.name for f in fields(kind)) if kind is not None else ()


def _freeze_kind(value: object) -> str | None:
    for tag, kind in FREEZE_KINDS.items():
        if isinstance(value, kind):
            return tag
    if not isinstance(value, dict):
        return None
    kinds = [tag for tag, key in (("<holidays>", "holidays"), ("<rrule>", "rrule")) if key in value]
    if len(kinds) > 1 or (kinds and {"start", "end"} & value.keys()):
        return None  # a mix of kinds: the error says what a freeze is
    return kinds[0] if kinds else "<period>"


class _FreezeShape:
    """A freeze is one of three shapes, told apart by its keys (for pydantic, when it validates)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic import Discriminator, Tag

        union = Annotated[
            Annotated[PeriodFreezeOption, Tag("<period>")]
            | Annotated[HolidayFreezeOption, Tag("<holidays>")]
            | Annotated[RuleFreezeOption, Tag("<rrule>")],
            Discriminator(
                _freeze_kind,
                custom_error_type="freeze_shape",
                custom_error_message=f"a freeze is one of {FREEZE_SHAPES}",
            ),
        ]
        return handler.generate_schema(union)


FreezeOption = Annotated[PeriodFreezeOption | HolidayFreezeOption | RuleFreezeOption, _FreezeShape()]


def _freezes(value: tuple[FreezeOption, ...], earlier: Mapping[str, Any]) -> tuple[FreezeOption, ...]:
    timezone = earlier.get("timezone")
    if timezone is None:
        return value  # the timezone itself is invalid, and reported
    zone = load_zone(timezone)
    for index, freeze in enumerate(value):
        if not isinstance(freeze, PeriodFreezeOption):
            continue
        # A start without an offset and an end with one (or the reverse) are compared on the
        # policy's clock, as the window reads them; compared raw they cannot be compared at all.
        try:
            start, end = _aware(freeze.start, zone), _aware(freeze.end, zone)
        except OverflowError:
            raise ValueError(f"freezes[{index}] ({freeze.reason!r}) reaches past the year 9999") from None
        if not start < end:
            raise ValueError(
                f"freezes[{index}] ({freeze.reason!r}) ends at {utc_iso(end)}, not after it starts at "
                f"{utc_iso(start)} (a time without an offset is read in {timezone})"
            )
    return value


@dataclass(frozen=True)
class Options(CheckOptions):
    """The golden window: its hours, timezone, days and freezes, and which files are flag files."""

    start: Annotated[str, Valid(_clock)] = "10:00"
    """When the window opens each day, HH:MM on the timezone's clock."""
    end: Annotated[str, Valid(_clock)] = "13:00"
    """When the window closes (exclusive), HH:MM."""
    timezone: Annotated[str, Valid(_zone)] = "UTC"
    """IANA timezone of start and end, e.g. UTC or Europe/Madrid."""
    days: Annotated[tuple[str, ...], Valid(_days)] = WEEKDAYS
    """Weekdays the window opens, e.g. [monday, friday]."""
    freezes: Annotated[tuple[FreezeOption, ...], Valid(_freezes, needs_earlier=True)] = ()
    """When nothing activates: periods {start, end, reason}, public holidays {holidays: ES, subdivision: MD} or
    recurring rules {rrule, duration, reason}."""
    flag_files: tuple[str, ...] = ("**/flags/**", "**/features.yml", "**/features.yaml")
    """Globs of flag files (only .json, .yaml, .yml and .toml files are read)."""
    baseline_variants: tuple[str, ...] = BASELINE_NAMES
    """Variant names (case-insensitive globs) that serve a non-boolean flag's baseline: nothing new."""

    def __post_init__(self) -> None:
        self.window()  # the hours and days make a window (start before end, at least one day)

    def window(self) -> Window:
        zone = load_zone(self.timezone)
        return make_window(self.start, self.end, self.timezone, self.days, [_source(f, zone) for f in self.freezes])


def _source(freeze: PeriodFreezeOption | HolidayFreezeOption | RuleFreezeOption, zone: tzinfo) -> FreezeSource:
    """The window's freeze source for one policy entry (holidays and rules are generated lazily)."""
    if isinstance(freeze, HolidayFreezeOption):
        from gate.core.freezes import HolidayFreezes

        return HolidayFreezes(freeze.holidays, freeze.subdivision, zone, freeze.reason, freeze.language)
    if isinstance(freeze, RuleFreezeOption):
        from gate.core.freezes import RecurringFreeze, parse_duration, parse_recurrence

        rule, duration = parse_recurrence(freeze.rrule, zone), parse_duration(freeze.duration)
        return RecurringFreeze(rule, duration, zone, freeze.reason)
    return Freeze(start=_aware(freeze.start, zone), end=_aware(freeze.end, zone), reason=freeze.reason)


def _aware(moment: datetime, zone: tzinfo) -> datetime:
    """A freeze time in UTC; one without an offset is on the policy's clock."""
    return (moment if moment.utcoffset() is not None else moment.replace(tzinfo=zone)).astimezone(UTC)


def check(context: Context, options: Options) -> Iterator[Result]:
    window = options.window()
    baseline = Baseline(names=options.baseline_variants)
    # The files the engine itself parses as YAML (and reports when it cannot); asked of the engine's
    # own filter, so that this check neither repeats nor misses what the engine says.
    engine_yaml = {changed.path for changed in context.changed(suffixes=YAML_SUFFIXES)}
    for changed in context.changed():
        if not is_flag_file(changed.path, options.flag_files):
            continue
        head = yield from _read_head(context, changed.path, changed.path in engine_yaml)
        if head is None:
            continue
        if not head.judged:
            yield _manifest(changed.path)
            continue
        for change in activations(_base(context, changed), head, baseline):
            yield from _judge(change, changed.path, context.now, window)


def _read_head(context: Context, path: str, engine_reads_yaml: bool) -> Generator[Finding, None, FlagFile | None]:
    """The flag file at head, or None after saying why gate cannot judge it (fail closed)."""
    raw = context.head_tree.read(path)
    if raw is None:
        # The change says the file is there, yet the tree gives nothing: a symlink that leaves the
        # repository or loops. A changed YAML file the engine reports itself.
        if not engine_reads_yaml:
            yield _unreadable(path)
        return None
    if engine_reads_yaml:
        manifest = context.manifest(path)
        if manifest.is_template:
            # The engine only notes templates, as they are rendered before use; a flag tool reads
            # its file as written, so an activation hidden in one must not pass unseen.
            yield _template(path, manifest.error_line)
            return None
        if not manifest.ok:
            return None  # the engine reports YAML that does not parse
    try:
        return read_flag_file(path, raw)
    except FlagFileError as error:
        yield _invalid(path, error)
        return None


def _base(context: Context, changed: ChangedFile) -> FlagFile | None:
    """The file before the change; None when it was absent or unreadable (then every flag is new)."""
    if changed.status is FileStatus.ADDED:
        return None
    path = changed.old_path or changed.path
    raw = context.base_tree.read(path)
    if raw is None:
        return None
    try:
        return read_flag_file(path, raw)
    except FlagFileError:
        return None  # judging against nothing counts every flag that is on: fail closed


def _judge(change: FlagChange, path: str, now: datetime, window: Window) -> Iterator[Result]:
    at = now if change.at is None or change.at < now else change.at
    inside = window.contains(at)
    yield Activation(
        flag=change.flag,
        path=path,
        line=change.line,
        format=change.format,
        change=change.change,
        at=at,
        in_window=inside,
        detail=change.detail,
    )
    if inside:
        return
    when = f"when this change lands ({utc_iso(at)})" if change.at is None or change.at < now else (
        f"at {utc_iso(at)}, the time its {change.scheduled} sets"
    )
    opening = window.next_opening(at)
    yield Finding(
        rule=ID,
        severity=Severity.ERROR,
        path=path,
        line=change.line,
        message=f"flag {change.flag!r} activates ({change.change}: {change.detail}) {when}, outside the "
        f"golden window: {window.why_outside(at)}. {_next(window, opening)}",
        remedy=_remedy(change, window, opening),
    )


def _next(window: Window, opening: datetime | None) -> str:
    if opening is None:
        return (
            f"The window does not open again as far as gate looks ({LOOKAHEAD_TEXT}); check the policy's days "
            "and freezes."
        )
    text = f"The next window opens {utc_iso(opening)}"
    if not window.is_utc:
        local = opening.astimezone(window.zone)
        text += f" ({local:%A %H:%M} {window.zone_name})"
    return text + "."


def _remedy(change: FlagChange, window: Window, opening: datetime | None) -> str:
    nxt = utc_iso(opening) if opening is not None else "none in sight"
    if change.at is not None:
        return (
            f"move the {change.scheduled} to a time inside the window (the next opening is {nxt}); "
            "if it cannot wait, ask for an override"
        )
    return (
        f"land this change while the window is open (next: {nxt}), or keep the flag off now and "
        "schedule the activation inside the window; if it cannot wait, ask for an override"
    )


def _unreadable(path: str) -> Finding:
    return Finding(
        rule=INVALID_FILE,
        severity=Severity.ERROR,
        path=path,
        line=None,
        message="this flag file cannot be read: a symlink that leaves the repository or loops; gate reads "
        "only files inside the repository, so it cannot tell what the change turns on and blocks",
        remedy="replace the symlink with the flag file itself, or point it at a file inside the repository",
    )


def _template(path: str, line: int | None) -> Finding:
    return Finding(
        rule=INVALID_FILE,
        severity=Severity.ERROR,
        path=path,
        line=line,
        message="this flag file is a template ({{ ... }}), not YAML: a flag file must be plain YAML/JSON/TOML "
        "that the flag tool reads; gate cannot judge templates, so it cannot tell what the change turns on "
        "and blocks",
        remedy="commit the flag file as the flag tool reads it (render it, e.g. with helm template, and "
        "commit the output), or narrow `checks.golden-window.flag_files` if this is not a flag file",
    )


def _manifest(path: str) -> Finding:
    return Finding(
        rule=ID,
        severity=Severity.NOTICE,
        path=path,
        line=None,
        message="an OpenFeature CLI flag manifest (flagType, defaultValue): the input of code generation, not a "
        "configuration a flag provider reads at run time, so it turns nothing on and gate does not judge it",
        remedy="nothing to do; gate judges the flag files your provider reads (flagd, Flipt, GO Feature Flag) "
        "when they change",
    )


def _invalid(path: str, error: FlagFileError) -> Finding:
    return Finding(
        rule=INVALID_FILE,
        severity=Severity.ERROR,
        path=path,
        line=error.line,
        message=f"gate cannot read this flag file ({error.message}), so it cannot tell what the change "
        "turns on and blocks",
        remedy="fix the file so the flag tool itself accepts it (flagd, Flipt or GO Feature Flag), or "
        "narrow `checks.golden-window.flag_files` / add the path to `ignore` if it is not a flag file",
    )

