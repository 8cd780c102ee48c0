"""canary-thresholds: a Flagger canary's analysis is strict enough to roll back on its own.

The seed's lesson: engineers deploy their own code because the pipeline watches the error rate and
latency of the new version and rolls it back by itself. That only holds when the analysis is strict:
it checks often, gives up after a few failed checks, moves traffic in small steps, and measures both
success rate and latency against tight bounds.

What is read: every changed `.yaml`/`.yml` file; in it, each `kind: Canary` whose `apiVersion` is
`flagger.app/*`. Other resources named Canary (such as Flanksource's `canaries.flanksource.com`) are
not Flagger's and are ignored. The legacy `flagger.app/v1alpha3` `spec.canaryAnalysis` is read like
`spec.analysis`.

Rules (every bound is an option; unset fields take Flagger's own defaults):

- `analysis.threshold` (failed checks before rollback) at most `max_threshold` (5); unset is 1.
- `analysis.interval` (time between checks, a Go duration such as `30s`, `1m`, `1m30s`) at most
  `max_interval` (1m); unset is 1m.
- `progressDeadlineSeconds` at most `max_progress_deadline_seconds` (600); unset is 600.
- `skipAnalysis: true` is an error: the canary would be promoted without any analysis. So is a
  Canary without `analysis`: Flagger then skips the analysis the same way.
- Progressive canaries (traffic shifted by weight): `stepWeight` at most `max_step_weight` (10); the
  effective maximum weight at most `max_weight` (50). The effective maximum is the last
  `stepWeights` entry when `stepWeights` is set (Flagger then ignores `maxWeight`), else `maxWeight`,
  else 100. Each step of `stepWeights`, the first one from 0, rises by at most `max_step_weight`.
- A/B testing (`iterations` with `match`) and blue/green (`iterations` alone) shift no weight: they
  are judged on threshold, interval and metrics, never for a missing `maxWeight`.

Mistakes Flagger accepts but that change what the analysis means, each an error at its line:

- `stepWeight` greater than `maxWeight`: the first step already sends more traffic than the
  maximum, and Flagger promotes after that single step;
- `stepWeight` of 0 (or less) with no `stepWeights`: Flagger takes no step and the canary never
  advances;
- `stepWeights` that do not rise (an entry not above the one before it, or a first entry of 0):
  Flagger finds no step up and the canary stalls there, never promoted;
- `stepWeight` together with `stepWeights`: Flagger moves by `stepWeight` and reads `stepWeights`
  only for its last entry, the maximum;
- weights-based settings (`stepWeight`, `stepWeights`, `maxWeight`) mixed with `iterations` in one
  analysis: Flagger runs the iterations (A/B or blue/green) and ignores the weights;
- a metric with neither a `templateRef`, a `query` nor a built-in name (`request-success-rate`,
  `request-duration`, spelled exactly): Flagger skips it, so it checks nothing.
- Metrics: a success-rate bound of at least `min_success_rate` (99 %) and a latency bound of at most
  `max_latency_ms` (500 ms) must both be present. Gate reads the built-in `request-success-rate`
  (`thresholdRange.min`, percent) and `request-duration` (`thresholdRange.max`, milliseconds), the
  deprecated scalar `threshold` as Flagger reads it (a minimum for `request-success-rate`, a maximum
  for every other metric), and `templateRef` metrics that `metric_templates` maps to a kind and a
  unit, for example:

      metric_templates:
        error-rate: {kind: error-rate, unit: percent}   # thresholdRange.max 1 == success >= 99 %
        latency: {kind: latency, unit: s}               # thresholdRange.max 0.5 == 500 ms
        success-rate: {kind: success-rate, unit: percent}

  A custom metric that is not mapped is reported as a notice (gate cannot read its unit); when no
  readable metric provides one of the two bounds, that missing bound is an error that names the
  unmapped metrics, so mapping them is usually the fix.

A Helm chart template (`{{ if }}`, `{{ .Values.x }}` where YAML expects a value) is not YAML until
it is rendered: gate reports it as an `invalid-file` notice and judges none of its Canaries. Judge
the rendered output (`helm template`) to have them judged.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, NamedTuple

from gate.core.checks.base import OPTIONS_CONFIG, CheckOptions, Result, at_least, at_most
from gate.core.manifests import FLAGGER_GROUP, Document, as_number
from gate.core.models import Context, Finding, Severity
from gate.core.yamlio import YList, YMap

ID = "canary-thresholds"
ORDER = 40

SUCCESS_RATE_BUILTIN = "request-success-rate"
LATENCY_BUILTIN = "request-duration"
# Flagger's defaults for fields a Canary leaves unset.
DEFAULT_THRESHOLD = 1
DEFAULT_INTERVAL_SECONDS = 60.0
DEFAULT_PROGRESS_DEADLINE = 600
DEFAULT_MAX_WEIGHT = 100.0


@dataclass(frozen=True)
class MetricTemplate:
    """How to read a `templateRef` metric: what it measures and in which unit."""

    __pydantic_config__ = OPTIONS_CONFIG

    kind: Literal["success-rate", "error-rate", "latency"]
    """success-rate (a minimum), error-rate (a maximum) or latency (a maximum)."""
    unit: Literal["percent", "ratio", "ms", "s"]
    """percent or ratio (0..1) for rates; ms or s for latency."""


@dataclass(frozen=True)
class Options(CheckOptions):
    """The bounds a Flagger Canary's analysis must keep within."""

    max_threshold: Annotated[int, at_least(1)] = 5
    """Most failed checks allowed before rollback (analysis.threshold)."""
    max_interval: str = "1m"
    """Longest time between checks (analysis.interval), a Go duration."""
    max_progress_deadline_seconds: Annotated[int, at_least(1)] = 600
    """Largest progressDeadlineSeconds."""
    max_step_weight: Annotated[float, at_least(0, strictly=True)] = 10
    """Largest traffic step, in percent (stepWeight, stepWeights)."""
    max_weight: Annotated[float, at_least(0, strictly=True), at_most(100)] = 50
    """Largest traffic share for the canary, percent."""
    min_success_rate: Annotated[float, at_least(0), at_most(100)] = 99
    """Success-rate bound required, in percent."""
    max_latency_ms: Annotated[float, at_least(0, strictly=True)] = 500
    """Latency bound required, in milliseconds."""
    metric_templates: dict[str, MetricTemplate] = field(default_factory=dict)
    """templateRef names (the MetricTemplate's name) gate may read, with their kind and unit."""


def check(context: Context, options: Options) -> Iterator[Result]:
    max_interval = parse_go_duration(options.max_interval)
    if max_interval is None:
        # The policy model accepted the string; an unreadable bound must not silently pass everything.
        raise ValueError(f"checks.canary-thresholds.max_interval: {options.max_interval!r} is not a Go duration")
    for canary in context.resources(kinds=("Canary",), groups=(FLAGGER_GROUP,)):
        # A Canary the change leaves as it was keeps its old problems: pre-existing, not this change's.
        old = context.unchanged(canary)
        for finding in judge_canary(canary, options, max_interval):
            yield dataclasses.replace(finding, pre_existing=True) if old else finding


class _Reporter:
    """Builds findings for one canary, so every message names it the same way."""

    __slots__ = ("canary",)

    def __init__(self, canary: Document) -> None:
        self.canary = canary

    def error(self, line: int | None, message: str, remedy: str) -> Finding:
        return self._finding(Severity.ERROR, line, message, remedy)

    def notice(self, line: int | None, message: str, remedy: str) -> Finding:
        return self._finding(Severity.NOTICE, line, message, remedy)

    def _finding(self, severity: Severity, line: int | None, message: str, remedy: str) -> Finding:
        return Finding(
            rule=ID,
            severity=severity,
            path=self.canary.path,
            line=line if line is not None else self.canary.line,
            message=f"Canary {self.canary.name or '(unnamed)'}: {message}",
            remedy=remedy,
        )


def judge_canary(canary: Document, options: Options, max_interval: float) -> Iterator[Finding]:
    report = _Reporter(canary)
    spec = canary.spec
    yield from _judge_spec_fields(report, spec, options)
    analysis_key = "analysis" if isinstance(spec.get("analysis"), YMap) else "canaryAnalysis"
    analysis = spec.get(analysis_key)
    if not isinstance(analysis, YMap):
        yield report.error(
            spec.line_of("analysis") if "analysis" in spec else canary.data.line_of("spec"),
            "has no analysis: Flagger then skips the analysis, as with skipAnalysis: true, and promotes the new "
            "version at once, with nothing to judge it or roll it back",
            "add `spec.analysis` with interval, threshold, traffic steps and success-rate and latency metrics",
        )
        return
    yield from _judge_threshold(report, analysis, options)
    yield from _judge_interval(report, analysis, options, max_interval)
    if _is_progressive(analysis):
        yield from _judge_weights(report, analysis, spec.line_of(analysis_key), options)
    else:
        yield from _judge_mixed(report, analysis)
    yield from _judge_metrics(report, analysis, analysis_key, spec.line_of(analysis_key), options)


def _judge_spec_fields(report: _Reporter, spec: YMap, options: Options) -> Iterator[Finding]:
    if spec.get("skipAnalysis") is True:
        yield report.error(
            spec.line_of("skipAnalysis"),
            "skipAnalysis is true: Flagger promotes the new version without looking at any metric",
            "remove `skipAnalysis: true` (or set it to false) so the analysis can roll a bad release back",
        )
    if "progressDeadlineSeconds" in spec:
        deadline = as_number(spec["progressDeadlineSeconds"])
        line = spec.line_of("progressDeadlineSeconds")
        bound = options.max_progress_deadline_seconds
        if deadline is None:
            yield report.error(
                line,
                f"progressDeadlineSeconds is {spec['progressDeadlineSeconds']!r}, not a number",
                f"set `progressDeadlineSeconds` to a number of seconds of at most {bound}",
            )
        elif deadline > bound:
            yield report.error(
                line,
                f"progressDeadlineSeconds is {_fmt(deadline)}, above the bound of {bound}",
                f"set `progressDeadlineSeconds: {bound}` or less so a stuck rollout fails quickly",
            )


def _judge_threshold(report: _Reporter, analysis: YMap, options: Options) -> Iterator[Finding]:
    if "threshold" not in analysis:
        return  # Flagger's default of 1 failed check is as strict as it gets
    value = as_number(analysis["threshold"])
    line = analysis.line_of("threshold")
    bound = options.max_threshold
    if value is None:
        yield report.error(
            line,
            f"analysis.threshold is {analysis['threshold']!r}, not a number",
            f"set `threshold` to the number of failed checks before rollback, at most {bound}",
        )
    elif value > bound:
        yield report.error(
            line,
            f"analysis.threshold is {_fmt(value)}: that many failed checks before rollback, above the bound of {bound}",
            f"set `threshold: {bound}` or less",
        )


def _judge_interval(report: _Reporter, analysis: YMap, options: Options, max_interval: float) -> Iterator[Finding]:
    if "interval" not in analysis:
        return  # Flagger checks every minute by default
    raw = analysis["interval"]
    line = analysis.line_of("interval")
    seconds = parse_go_duration(raw) if isinstance(raw, str) else None
    if seconds is None:
        yield report.error(
            line,
            f"analysis.interval is {raw!r}, not a duration gate can read",
            f"write the interval as a Go duration such as 30s or 1m, at most {options.max_interval}",
        )
    elif seconds > max_interval:
        yield report.error(
            line,
            f"analysis.interval is {raw}, above the bound of {options.max_interval}",
            f"set `interval: {options.max_interval}` or shorter so a bad release is caught quickly",
        )


def _is_progressive(analysis: YMap) -> bool:
    """Weight-shifting canary; `iterations` makes it A/B (with `match`) or blue/green instead."""
    iterations = as_number(analysis.get("iterations"))
    return not (iterations is not None and iterations > 0)


_WEIGHT_KEYS = ("stepWeight", "stepWeights", "maxWeight")


def _judge_mixed(report: _Reporter, analysis: YMap) -> Iterator[Finding]:
    """Weights beside `iterations`: Flagger runs the iterations and never moves those weights."""
    written = [key for key in _WEIGHT_KEYS if key in analysis]
    if not written:
        return
    iterations = _fmt(as_number(analysis.get("iterations")) or 0)
    mode = "A/B testing" if "match" in analysis else "blue/green"
    names = ", ".join(written)
    yield report.error(
        min(analysis.line_of(key) for key in written),
        f"analysis mixes iterations ({iterations}, so {mode}) with {names}: Flagger runs the iterations and "
        f"ignores {names}, so the traffic steps written here never happen",
        f"keep one mode: remove {names} for {mode}, or remove `iterations` (and `match`) for a progressive canary "
        "that shifts weight",
    )


def _judge_step(report: _Reporter, analysis: YMap, options: Options) -> Iterator[Finding]:
    """`stepWeight` as a number within the bound, and above zero (else Flagger never moves)."""
    bound_step = options.max_step_weight
    step = as_number(analysis["stepWeight"])
    line = analysis.line_of("stepWeight")
    if step is None:
        yield report.error(
            line,
            f"analysis.stepWeight is {analysis['stepWeight']!r}, not a number",
            f"set `stepWeight` to a percentage of at most {_fmt(bound_step)}",
        )
    elif step > bound_step:
        yield report.error(
            line,
            f"analysis.stepWeight is {_fmt(step)}: traffic moves in steps above the bound of {_fmt(bound_step)}",
            f"set `stepWeight: {_fmt(bound_step)}` or less",
        )


def _judge_weights(report: _Reporter, analysis: YMap, analysis_line: int, options: Options) -> Iterator[Finding]:
    bound_step, bound_max = options.max_step_weight, options.max_weight
    steps = analysis.get("stepWeights")
    if isinstance(steps, YList) and steps:
        step = as_number(analysis.get("stepWeight"))
        if step is not None and step > 0:
            yield report.error(
                analysis.line_of("stepWeight"),
                f"analysis sets both stepWeight ({_fmt(step)}) and stepWeights: Flagger moves traffic by stepWeight "
                "and reads stepWeights only for its last entry, the maximum, so the steps listed never happen",
                "keep one: remove `stepWeight` to step through `stepWeights`, or remove `stepWeights`",
            )
            yield from _judge_step(report, analysis, options)
        yield from _judge_step_weights(report, analysis, steps, options)
        return
    if "stepWeight" in analysis:
        yield from _judge_step(report, analysis, options)
        step = as_number(analysis["stepWeight"])
        if step is not None and step <= 0:
            yield report.error(
                analysis.line_of("stepWeight"),
                f"analysis.stepWeight is {_fmt(step)}: Flagger takes no traffic step, so the canary never advances "
                "and is never promoted",
                f"set `stepWeight` to a percentage above 0 and at most {_fmt(bound_step)}",
            )
        maximum = as_number(analysis.get("maxWeight", DEFAULT_MAX_WEIGHT))
        if step is not None and maximum is not None and step > maximum:
            yield report.error(
                analysis.line_of("stepWeight"),
                f"analysis.stepWeight is {_fmt(step)}, above maxWeight {_fmt(maximum)}: the first step already "
                f"sends {_fmt(min(step, DEFAULT_MAX_WEIGHT))}% of traffic to the canary, past its maximum, and "
                "Flagger promotes it after that single step",
                f"set `stepWeight` below `maxWeight` (e.g. `stepWeight: {_fmt(min(bound_step, maximum))}`) so the "
                "canary takes several analysed steps",
            )
    else:
        yield report.error(
            analysis_line,
            "a progressive canary with neither stepWeight nor stepWeights: Flagger has no traffic step to take",
            f"add `stepWeight: {_fmt(bound_step)}` (or `stepWeights`), or `iterations` for A/B or blue/green",
        )
    if "maxWeight" in analysis:
        weight = as_number(analysis["maxWeight"])
        line = analysis.line_of("maxWeight")
        if weight is None:
            yield report.error(
                line,
                f"analysis.maxWeight is {analysis['maxWeight']!r}, not a number",
                f"set `maxWeight` to a percentage of at most {_fmt(bound_max)}",
            )
            return
    else:
        weight, line = DEFAULT_MAX_WEIGHT, analysis_line
    if weight > bound_max:
        found = f"analysis.maxWeight is {_fmt(weight)}" if "maxWeight" in analysis else "maxWeight is unset (100)"
        yield report.error(
            line,
            f"{found}: the canary may take up to {_fmt(weight)}% of traffic, above the bound of {_fmt(bound_max)}%",
            f"set `maxWeight: {_fmt(bound_max)}` or less",
        )


def _judge_step_weights(report: _Reporter, analysis: YMap, steps: YList, options: Options) -> Iterator[Finding]:
    bound_step, bound_max = options.max_step_weight, options.max_weight
    previous = 0.0
    values: list[float] = []
    for index, raw in enumerate(steps):
        value = as_number(raw)
        if value is None:
            yield report.error(
                steps.line_of(index),
                f"analysis.stepWeights[{index}] is {raw!r}, not a number",
                "list the traffic percentages as numbers, e.g. [5, 10, 20, 30, 40, 50]",
            )
            return
        if value <= previous:
            after = f"after {_fmt(previous)}" if index else "as its first step"
            yield report.error(
                steps.line_of(index),
                f"analysis.stepWeights does not rise at step {index + 1}: {_fmt(value)} {after}; Flagger finds no "
                f"step up from {_fmt(previous)}%, so the canary stalls there and is never promoted",
                "list the weights in rising order, each above the one before it, e.g. [5, 10, 20, 30, 40, 50]",
            )
        elif value - previous > bound_step:
            yield report.error(
                steps.line_of(index),
                f"analysis.stepWeights rises from {_fmt(previous)} to {_fmt(value)} at step {index + 1}, "
                f"a step above the bound of {_fmt(bound_step)}",
                f"add intermediate weights so each step rises by at most {_fmt(bound_step)}",
            )
        previous = value
        values.append(value)
    effective = values[-1]
    if effective > bound_max:
        ignored = " (Flagger ignores maxWeight when stepWeights is set)" if "maxWeight" in analysis else ""
        yield report.error(
            steps.line_of(len(steps) - 1),
            f"the last stepWeights entry is {_fmt(effective)}: the canary may take up to {_fmt(effective)}% of "
            f"traffic, above the bound of {_fmt(bound_max)}%{ignored}",
            f"end `stepWeights` at {_fmt(bound_max)} or less",
        )


class _Bound(NamedTuple):
    """One metric's reading: what it bounds, the bound in gate's units, where it is written."""

    kind: Literal["success-rate", "latency"]
    value: float  # success rate in percent (a minimum) or latency in ms (a maximum)
    line: int
    described: str  # how it is written, e.g. "request-success-rate thresholdRange.min 95"


def _judge_metrics(
    report: _Reporter, analysis: YMap, analysis_key: str, analysis_line: int, options: Options
) -> Iterator[Finding]:
    metrics = analysis.get("metrics")
    bounds: list[_Bound] = []
    unmapped: list[str] = []
    if isinstance(metrics, YList):
        for index, metric in enumerate(metrics):
            if not isinstance(metric, YMap):
                continue
            reading = _read_metric(metric, options.metric_templates)
            if isinstance(reading, _Bound):
                bounds.append(reading)
            elif isinstance(reading, _Inert):
                yield report.error(
                    metrics.line_of(index),
                    f"metric {reading.name!r} has neither a templateRef, a query nor a built-in name "
                    f"({SUCCESS_RATE_BUILTIN}, {LATENCY_BUILTIN}): Flagger skips it, so it checks nothing",
                    f"point it at a MetricTemplate (`templateRef: {{name: ...}}`), give it a `query`, or name it "
                    f"`{SUCCESS_RATE_BUILTIN}` or `{LATENCY_BUILTIN}` (spelled exactly) for Flagger's built-in checks",
                )
            elif reading is not None:
                unmapped.append(reading)
                yield report.notice(
                    metrics.line_of(index),
                    f"metric {reading} is not one gate can read (a custom metric not mapped in the policy)",
                    f"map its template in `checks.{ID}.metric_templates` with a kind and unit, e.g. "
                    "`{kind: error-rate, unit: percent}`, so gate can judge its bound",
                )
    where = analysis.line_of("metrics") if "metrics" in analysis else analysis_line
    hint = f"; unmapped metrics: {', '.join(unmapped)}" if unmapped else ""
    yield from _require(
        report,
        [b for b in bounds if b.kind == "success-rate"],
        meets=lambda b: b.value >= options.min_success_rate,
        missing_line=where,
        missing=f"{analysis_key} has no success-rate bound gate can read{hint}",
        weak=lambda b: f"{b.described}: a success-rate bound of {_fmt(b.value)}%, "
        f"below the required {_fmt(options.min_success_rate)}%",
        remedy=f"add metric `{SUCCESS_RATE_BUILTIN}` with `thresholdRange: {{min: {_fmt(options.min_success_rate)}}}` "
        "(or an error-rate template mapped in the policy with a max of "
        f"{_fmt(100 - options.min_success_rate)}%)",
        weak_remedy=f"raise the success-rate minimum to {_fmt(options.min_success_rate)}% or more "
        f"(an error-rate maximum to {_fmt(100 - options.min_success_rate)}% or less)",
    )
    yield from _require(
        report,
        [b for b in bounds if b.kind == "latency"],
        meets=lambda b: b.value <= options.max_latency_ms,
        missing_line=where,
        missing=f"{analysis_key} has no latency bound gate can read{hint}",
        weak=lambda b: f"{b.described}: a latency bound of {_fmt(b.value)} ms, "
        f"above the required {_fmt(options.max_latency_ms)} ms",
        remedy=f"add metric `{LATENCY_BUILTIN}` with `thresholdRange: {{max: {_fmt(options.max_latency_ms)}}}` "
        "(milliseconds)",
        weak_remedy=f"lower the latency maximum to {_fmt(options.max_latency_ms)} ms or less "
        "(in the unit the metric uses)",
    )


def _require(
    report: _Reporter,
    bounds: list[_Bound],
    meets: Callable[[_Bound], bool],
    missing_line: int,
    missing: str,
    weak: Callable[[_Bound], str],
    remedy: str,
    weak_remedy: str,
) -> Iterator[Finding]:
    """One bound that meets the policy is enough (any failing metric rolls back); else say why."""
    if any(meets(b) for b in bounds):
        return
    if not bounds:
        yield report.error(missing_line, missing, remedy)
    for bound in bounds:
        yield report.error(bound.line, weak(bound), weak_remedy)


class _Inert(NamedTuple):
    """A metric Flagger cannot run: no template, no query, not a built-in."""

    name: str


def _read_metric(metric: YMap, templates: Mapping[str, MetricTemplate]) -> _Bound | _Inert | str | None:
    """The metric's bound, or its name when gate cannot read it, or None when it bounds nothing."""
    name = str(metric.get("name", "")) or "(unnamed)"
    template_ref = metric.get("templateRef")
    if isinstance(template_ref, YMap):
        template = str(template_ref.get("name", ""))
        mapping = templates.get(template)
        if mapping is None:
            return f"{name} (templateRef {template or '(unnamed)'})"
        return _read_mapped(metric, name, template, mapping)
    if "query" in metric:
        return f"{name} (inline query)"
    if name == SUCCESS_RATE_BUILTIN:
        low, _high, line, field = _range(metric, scalar_is_min=True)
        if low is None:
            return None
        return _Bound("success-rate", low, line, f"{name} {field or 'threshold'} min {_fmt(low)}")
    if name == LATENCY_BUILTIN:
        _low, high, line, field = _range(metric, scalar_is_min=False)
        if high is None:
            return None
        return _Bound("latency", high, line, f"{name} {field or 'threshold'} max {_fmt(high)} ms")
    return _Inert(name)


def _read_mapped(metric: YMap, name: str, template: str, mapping: MetricTemplate) -> _Bound | None:
    # Flagger reads a scalar threshold as a minimum only for request-success-rate.
    low, high, line, field = _range(metric, scalar_is_min=False)
    label = f"{name} (templateRef {template}, {mapping.kind} in {mapping.unit})"
    scale = 100.0 if mapping.unit == "ratio" else 1.0
    if mapping.kind == "success-rate" and low is not None:
        return _Bound("success-rate", low * scale, line, f"{label} {field or 'threshold'} min {_fmt(low)}")
    if mapping.kind == "error-rate" and high is not None:
        return _Bound("success-rate", 100.0 - high * scale, line, f"{label} {field or 'threshold'} max {_fmt(high)}")
    if mapping.kind == "latency" and high is not None:
        factor = 1000.0 if mapping.unit == "s" else 1.0
        return _Bound("latency", high * factor, line, f"{label} {field or 'threshold'} max {_fmt(high)}")
    return None


def _range(metric: YMap, *, scalar_is_min: bool) -> tuple[float | None, float | None, int, str]:
    """(min, max, line, "thresholdRange" or "") as Flagger reads them: thresholdRange wins."""
    threshold_range = metric.get("thresholdRange")
    if isinstance(threshold_range, YMap):
        low, high = as_number(threshold_range.get("min")), as_number(threshold_range.get("max"))
        line = threshold_range.line_of("min" if scalar_is_min else "max")
        return low, high, line, "thresholdRange"
    scalar = as_number(metric.get("threshold"))
    line = metric.line_of("threshold")
    return (scalar, None, line, "") if scalar_is_min else (None, scalar, line, "")


_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_go_duration(text: Any) -> float | None:
    """Seconds in a Go duration string (`30s`, `1m`, `1m30s`, `1.5h`, `500ms`); None if unreadable."""
    if not isinstance(text, str):
        return None
    value = text.strip()
    if value == "0":
        return 0.0
    if not value:
        return None
    position, total = 0, 0.0
    while position < len(value):
        match = _DURATION_PART.match(value, position)
        if match is None:
            return None
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    return total


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"

