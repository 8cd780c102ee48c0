"""The `gate/golden-window` status a change gets, one line per case: the golden-window check's own
judgement of the change's flag files, at a moment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import make_context

from gate.core.models import Override
from gate.core.policy import OverridePolicy, Policy, default_policy, parse_policy
from gate.core.request import NoOverride
from gate.core.window_status import (
    DESCRIPTION_LIMIT,
    KnownOverride,
    StatusState,
    WindowStatus,
    fit_description,
    judge_window,
)

DATA = Path(__file__).parent / "data" / "flags"
OFF, ON = (DATA / "flagd-disabled.flagd.json").read_text(), (DATA / "flagd-enabled.flagd.json").read_text()
GOFF_BASE = (DATA / "goff-base.goff.yaml").read_text()
GOFF_TUE_1030, GOFF_TUE_1500 = ((DATA / f"goff-scheduled-{t}.goff.yaml").read_text() for t in ("1030", "1500"))
FLAG = "flags/checkout.json"
GOFF = "flags/checkout.goff.yaml"

MADRID = "version: 1\nchecks:\n  golden-window: {timezone: Europe/Madrid}\n"
HOLIDAYS = "version: 1\nchecks:\n  golden-window:\n    freezes: [{holidays: ES}]\n"
WARNING = "version: 1\nchecks:\n  golden-window: {level: warning}\n"
DISABLED = "version: 1\nchecks:\n  golden-window: {enabled: false}\n"
LONG_FREEZE = ("version: 1\nchecks:\n  golden-window:\n    freezes:\n      - start: 2026-11-30T00:00:00Z\n"
               "        end: 2026-12-01T00:00:00Z\n        reason: " + "the quarterly reconciliation of the ledgers " * 3
               + "\n")


def policy(text: str | None) -> Policy:
    return default_policy() if text is None else parse_policy(text, ".github/gate.yaml")


def status(head: dict[str, str], base: dict[str, str], now: str, policy_text: str | None = None,
           override: Override | None = None) -> WindowStatus:
    moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
    return judge_window(make_context(head=head, base=base, now=moment), policy(policy_text), KnownOverride(override))


ACCEPTED = Override("gate/override", "maria", "maintain", accepted=True, reason="applied by maria")
REJECTED = Override("gate/override", "tom", "triage", accepted=False, reason="tom has the role triage")


@pytest.mark.parametrize(
    ("head", "base", "now", "policy_text", "override", "state", "description"),
    [
        pytest.param({"README.md": "# shop\n"}, {}, "2026-11-30T09:00:00Z", None, None,
                     "success", "no flag activations", id="no-flag-files"),
        pytest.param({FLAG: OFF}, {FLAG: ON}, "2026-11-30T09:00:00Z", None, None,
                     "success", "no flag activations", id="turned-off"),
        pytest.param({FLAG: ON}, {FLAG: OFF}, "2026-11-30T11:00:00Z", None, None,
                     "success", "open until 13:00 UTC", id="open"),
        pytest.param({FLAG: ON}, {FLAG: OFF}, "2026-11-30T09:00:00Z", None, None,
                     "pending", "closed: outside 10:00–13:00 UTC; opens 10:00 UTC, in 1 h", id="before-it-opens"),
        pytest.param({FLAG: ON}, {FLAG: OFF}, "2026-11-28T12:00:00Z", None, None,
                     "pending", "closed: Saturday, not a window day; opens Mon 10:00 UTC, in 1 d 22 h", id="saturday"),
        pytest.param({FLAG: ON}, {FLAG: OFF}, "2026-11-30T08:00:00Z", MADRID, None,
                     "pending", "closed: outside 10:00–13:00 Europe/Madrid; opens 09:00 UTC (10:00 Europe/Madrid), "
                     "in 1 h", id="madrid"),
        pytest.param({FLAG: ON}, {FLAG: OFF}, "2026-12-08T11:00:00Z", HOLIDAYS, None,
                     "pending", "closed: freeze “Inmaculada Concepción (ES public holiday)”; opens Wed 10:00 UTC, "
                     "in 23 h", id="holiday-by-name"),
        pytest.param({FLAG: ON}, {FLAG: OFF}, "2026-11-30T09:00:00Z", None, ACCEPTED,
                     "success", "outside the window; waived by maria's accepted override", id="override-accepted"),
        pytest.param({FLAG: ON}, {FLAG: OFF}, "2026-11-30T09:00:00Z", None, REJECTED,
                     "pending", "closed: outside 10:00–13:00 UTC; opens 10:00 UTC, in 1 h", id="override-rejected"),
        pytest.param({FLAG: ON}, {FLAG: OFF}, "2026-11-30T09:00:00Z", WARNING, None,
                     "success", "outside the window; not enforced (golden-window level: warning)", id="level-warning"),
        pytest.param({FLAG: ON}, {FLAG: OFF}, "2026-11-30T09:00:00Z", DISABLED, None,
                     "success", "the policy does not enforce the golden window", id="check-disabled"),
        pytest.param({FLAG: "{not json"}, {FLAG: OFF}, "2026-11-30T11:00:00Z", None, None,
                     "failure", f"cannot read {FLAG}: gate cannot tell what it turns on; see the gate check",
                     id="unreadable-flag-file"),
        pytest.param({GOFF: GOFF_TUE_1500}, {GOFF: GOFF_BASE}, "2026-11-30T11:00:00Z", None, None,
                     "failure", "flag 'new-checkout' is scheduled for Tue 01 Dec 15:00 UTC, outside the window: move it",
                     id="scheduled-outside"),
        pytest.param({GOFF: GOFF_TUE_1030}, {GOFF: GOFF_BASE}, "2026-11-30T09:00:00Z", None, None,
                     "success", "activations scheduled inside the window", id="scheduled-inside-while-closed"),
    ],
)
def test_the_status_of_a_change(head: dict[str, str], base: dict[str, str], now: str, policy_text: str | None,
                                override: Override | None, state: str, description: str) -> None:
    found = status(head, base, now, policy_text, override)
    assert (found.state, found.description) == (state, description)


def test_a_long_description_is_cut_to_githubs_140_characters() -> None:
    found = status({FLAG: ON}, {FLAG: OFF}, "2026-11-30T11:00:00Z", LONG_FREEZE)
    assert found.state is StatusState.PENDING
    assert len(found.description) == DESCRIPTION_LIMIT
    assert found.description.startswith("closed: freeze “the quarterly reconciliation")
    assert found.description.endswith("…")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("open until 13:00 UTC", "open until 13:00 UTC", id="short"),
        pytest.param("a\nb\tc", "a b c", id="one-line"),
        pytest.param("x" * 140, "x" * 140, id="exactly-140"),
        pytest.param("x" * 141, "x" * 139 + "…", id="141-cut"),
    ],
)
def test_descriptions_fit_one_line_of_140(text: str, expected: str) -> None:
    assert fit_description(text) == expected


class CountingEvidence:
    def __init__(self) -> None:
        self.asked = 0

    def decide(self, policy: OverridePolicy) -> Override | None:
        self.asked += 1
        return None


@pytest.mark.parametrize(
    ("head", "now", "asked"),
    [
        pytest.param({"README.md": "x"}, "2026-11-30T09:00:00Z", 0, id="no-flag-files"),
        pytest.param({FLAG: ON}, "2026-11-30T11:00:00Z", 0, id="inside"),
        pytest.param({FLAG: ON}, "2026-11-30T09:00:00Z", 1, id="outside"),
    ],
)
def test_the_override_is_weighed_only_when_it_would_change_the_status(head: dict[str, str], now: str,
                                                                      asked: int) -> None:
    evidence = CountingEvidence()
    moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
    judge_window(make_context(head=head, base={FLAG: OFF}, now=moment), default_policy(), evidence)
    assert evidence.asked == asked


def test_ignored_flag_files_are_not_judged() -> None:
    ignoring = parse_policy("version: 1\nignore: ['flags/**']\n", "p")
    context = make_context(head={FLAG: ON}, base={FLAG: OFF}, now=datetime(2026, 11, 30, 9, tzinfo=UTC))
    found = judge_window(context, ignoring, NoOverride())
    assert (found.state, found.description) == ("success", "no flag activations")
