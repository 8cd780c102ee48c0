"""Reports a reader meets, for the browser test (tests/test_report_browser.py) and the docs picture.

Each scenario is a verdict, its context and the policy's window, rendered as the pull-request
comment's Markdown: inside the window, outside it, a freeze over whole days in Europe/Madrid, a
named timezone, a freeze that cuts a window in two, a public holiday, and many findings with
hostile text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from helpers import MONDAY_11, make_context

from gate.core.models import Activation, Context, Finding, Outcome, PullRequest, Severity, Verdict
from gate.core.report.markdown import COMMENT_BUDGET, render_markdown
from gate.core.window import Freeze, Window, make_window

MADRID = ZoneInfo("Europe/Madrid")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


@dataclass(frozen=True)
class Scenario:
    verdict: Verdict
    window: Window | None
    context: Context

    def markdown(self) -> str:
        return render_markdown(self.verdict, self.context, budget=COMMENT_BUDGET, window=self.window)


def _context() -> Context:
    return make_context(
        {"services/payments/app.py": "x\n", "flags/checkout.flagd.json": "{}\n"},
        pull_request=PullRequest(number=7, author="ana", title="Pay faster"),
    )


def _activation(flag: str, at: datetime, in_window: bool, change: str = "enabled", detail: str = "",
                line: int = 3) -> Activation:
    return Activation(flag, "flags/checkout.flagd.json", line, "flagd", change, at, in_window, detail)


def _finding(rule: str, path: str | None, message: str, remedy: str = "", severity: Severity = Severity.ERROR,
             line: int | None = None, waived: bool = False) -> Finding:
    return Finding(rule, severity, path, line, message, remedy, waived)


def inside() -> Scenario:
    """One flag on at 11:00 UTC on a Monday: inside the default window (a three-hour chart)."""
    activations = (_activation("dark-mode", MONDAY_11, True, "rollout-raised", "rollout of 'on' 10% -> 50%"),)
    return Scenario(Verdict(Outcome.PASS, (), activations), None, _context())


def outside() -> Scenario:
    """A flag on at 14:00 UTC, after the window closes: the chart runs to Tuesday's opening."""
    late = MONDAY_11.replace(hour=14)
    message = (f"flag new-checkout is enabled at {late:%a %Y-%m-%d %H:%M} UTC, after the window closes at 13:00; "
               "the next window opens 2026-12-01T10:00:00Z")
    findings = (_finding("golden-window", "flags/checkout.flagd.json", message,
                         "merge between 10:00 and 13:00 UTC on a weekday, or schedule the activation then", line=3),)
    activations = (_activation("dark-mode", MONDAY_11, True), _activation("new-checkout", late, False))
    return Scenario(Verdict(Outcome.FAIL, findings, activations), None, _context())


def freeze_madrid() -> Scenario:
    """A freeze from Tuesday 00:00 to Thursday 00:00 in Europe/Madrid: Tuesday and Wednesday draw no
    window bar; a flag turned on during the freeze waits for Thursday."""
    freeze = Freeze(datetime(2026, 12, 1, 0, 0, tzinfo=MADRID).astimezone(UTC),
                    datetime(2026, 12, 3, 0, 0, tzinfo=MADRID).astimezone(UTC), "release freeze")
    window = make_window("09:00", "19:00", "Europe/Madrid", WEEKDAYS, [freeze])
    during = datetime(2026, 12, 1, 11, 0, tzinfo=MADRID)
    message = ("flag new-checkout is enabled at Tue 2026-12-01 10:00 UTC; it falls in the freeze “release freeze” "
               "(2026-11-30T23:00:00Z to 2026-12-02T23:00:00Z); the next window opens 2026-12-03T08:00:00Z "
               "(Thursday 09:00 Europe/Madrid)")
    findings = (_finding("golden-window", "flags/checkout.flagd.json", message,
                         "wait for the freeze to end, or schedule the activation after it", line=3),)
    activations = (
        _activation("dark-mode", datetime(2026, 11, 30, 12, 0, tzinfo=MADRID), True, line=12),
        _activation("new-checkout", during, False),
    )
    return Scenario(Verdict(Outcome.FAIL, findings, activations), window, _context())


def madrid() -> Scenario:
    """A window in Europe/Madrid, 10:00 to 13:00 local: the chart is in Madrid's wall time."""
    window = make_window("10:00", "13:00", "Europe/Madrid", WEEKDAYS)
    activations = (
        _activation("dark-mode", datetime(2026, 11, 30, 10, 30, tzinfo=UTC), True, line=12),
        _activation("new-checkout", datetime(2026, 11, 30, 12, 45, tzinfo=UTC), False),
    )
    message = ("flag new-checkout is enabled at Mon 2026-11-30 12:45 UTC (13:45 Europe/Madrid), at or after the window "
               "closes (the window is 10:00–13:00 Europe/Madrid); the next window opens 2026-12-01T09:00:00Z "
               "(Tuesday 10:00 Europe/Madrid)")
    findings = (_finding("golden-window", "flags/checkout.flagd.json", message, "merge in the window", line=3),)
    return Scenario(Verdict(Outcome.FAIL, findings, activations), window, _context())


def freeze_cuts_a_window() -> Scenario:
    """A two-hour freeze in the middle of Wednesday's window: the bar is drawn in two pieces."""
    freeze = Freeze(datetime(2026, 12, 2, 11, 0, tzinfo=UTC), datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
                    "database migration")
    window = make_window("10:00", "13:00", "UTC", WEEKDAYS, [freeze])
    activations = (
        _activation("dark-mode", datetime(2026, 12, 2, 10, 15, tzinfo=UTC), True, line=12),
        _activation("new-checkout", datetime(2026, 12, 2, 11, 30, tzinfo=UTC), False),
    )
    findings = (_finding("golden-window", "flags/checkout.flagd.json",
                         "flag new-checkout is enabled in the freeze “database migration”", "wait until 12:00 UTC",
                         line=3),)
    return Scenario(Verdict(Outcome.FAIL, findings, activations), window, _context())


def holiday() -> Scenario:
    """A public-holiday freeze (Spain's, named in Spanish) on the activation's day."""
    from gate.core.checks.golden_window import Options

    window = Options.of(freezes=({"holidays": "ES"},)).window()
    at = datetime(2026, 12, 8, 11, 0, tzinfo=UTC)
    findings = (_finding("golden-window", "flags/checkout.flagd.json",
                         "flag new-checkout is enabled on a public holiday (Inmaculada Concepción)",
                         "wait for the next window, Wednesday 10:00 UTC", line=3),)
    activations = (_activation("new-checkout", at, False),)
    return Scenario(Verdict(Outcome.FAIL, findings, activations), window, _context())


def many_findings() -> Scenario:
    """Forty findings with long paths, code in remedies and hostile text, and activations over a week."""
    hostile = [
        "@octocat and @acme/owners, see #12, GH-7 and acme/shop#3",
        "visit https://evil.example/x, www.evil.example or mail ana@evil.example",
        "<img src=x onerror=alert(1)> <details><summary>open</summary></details> [link](https://x.example)",
        "odd `pairs`` of ```backticks` and a lone ` here; ``a ` b`` inside",
        "a fence\n```\nthat never closes | and a pipe",
        "$x^2$ math and *stars* and _under_ and ~~strike~~ and <!-- a comment -->",
    ]
    findings: list[Finding] = []
    for i in range(40):
        service = f"services/payment-consumer-{i}/deploy/overlays/production"
        message = hostile[i % len(hostile)] if i < len(hostile) else (
            f"the autoscaler of {service} lets the queue consumer drop to 1 replica (minReplicas: 1); a consumer "
            "at one replica stops the queue during every deployment and every node drain")
        findings.append(_finding(
            ("consumer-min-replicas", "required-docs", "canary-thresholds", "runbook-format")[i % 4],
            f"{service}/horizontal-pod-autoscaler.yaml",
            message,
            f"set `spec.minReplicas: 2` in `{service}/horizontal-pod-autoscaler.yaml`, or run "
            f"`kubectl -n payments patch hpa consumer-{i} -p '{{\"spec\":{{\"minReplicas\":2}}}}'`",
            severity=(Severity.ERROR, Severity.WARNING, Severity.NOTICE)[i % 3],
            line=i + 1,
            waived=i % 5 == 0,
        ))
    activations = tuple(
        _activation(f"flag-{i}", MONDAY_11 + timedelta(days=i // 2, hours=3 * (i % 2)), i % 2 == 0, line=i + 1)
        for i in range(8)
    )
    return Scenario(Verdict(Outcome.FAIL, tuple(findings), activations), None, _context())


SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "inside": inside,
    "outside": outside,
    "freeze-madrid": freeze_madrid,
    "madrid": madrid,
    "freeze-cuts-a-window": freeze_cuts_a_window,
    "holiday": holiday,
    "many-findings": many_findings,
}
