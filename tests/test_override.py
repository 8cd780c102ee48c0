"""Who may waive what: the pure override decision, one row per rule of DESIGN §4."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from gate.core.override import LabelEvidence, decide
from gate.core.policy import OverridePolicy

PUSHED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
EARLIER = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

GOOD = LabelEvidence(
    label_present=True, actor="maria", applied_at=LATER, role="maintain", author="ana", pushed_at=PUSHED
)


@pytest.mark.parametrize(
    ("evidence", "policy", "accepted", "reason"),
    [
        pytest.param(GOOD, OverridePolicy(), True, "applied by maria (maintain)", id="maintainer-after-push"),
        pytest.param(replace(GOOD, role="admin"), OverridePolicy(), True, "(admin)", id="admin"),
        pytest.param(replace(GOOD, role="Maintain"), OverridePolicy(), True, "maria", id="role-case"),
        pytest.param(replace(GOOD, role="triage"), OverridePolicy(), False,
                     "maria has the role triage in this repository; only admin or maintain may override",
                     id="triage"),
        pytest.param(replace(GOOD, role="write"), OverridePolicy(), False, "the role write", id="write"),
        pytest.param(replace(GOOD, role=None), OverridePolicy(), False, "the role none", id="not-collaborator"),
        pytest.param(replace(GOOD, role="write"), OverridePolicy(roles=("admin", "maintain", "write")), True,
                     "(write)", id="policy-adds-write"),
        pytest.param(replace(GOOD, actor="ana", role="admin"), OverridePolicy(), False,
                     "ana is the pull request's author", id="author"),
        pytest.param(replace(GOOD, actor="ANA", role="admin"), OverridePolicy(), False,
                     "is the pull request's author", id="author-login-case"),
        pytest.param(replace(GOOD, actor="ana", role="admin"), OverridePolicy(allow_author=True), True,
                     "applied by ana", id="author-allowed-by-policy"),
        pytest.param(replace(GOOD, applied_at=EARLIER), OverridePolicy(), False,
                     "before the last push at 2026-11-30T09:00:00Z", id="pushed-after-label"),
        pytest.param(replace(GOOD, applied_at=PUSHED), OverridePolicy(), False, "before the last push",
                     id="same-second-as-push"),
        pytest.param(replace(GOOD, pushed_at=None), OverridePolicy(), False,
                     "does not say when the head commit was pushed", id="push-time-unknown"),
        pytest.param(replace(GOOD, actor=None, applied_at=None), OverridePolicy(), False,
                     "no record of who applied the label", id="no-labeled-event"),
        pytest.param(LabelEvidence(label_present=False, unverified="GitHub did not answer in time"),
                     OverridePolicy(), False, "could not verify it through the GitHub API: GitHub did not answer",
                     id="api-unavailable"),
    ],
)
def test_decide(evidence: LabelEvidence, policy: OverridePolicy, accepted: bool, reason: str) -> None:
    override = decide(evidence, policy)
    assert override is not None
    assert override.accepted is accepted
    assert reason in override.reason
    assert override.label == policy.label


def test_no_label_no_override() -> None:
    assert decide(LabelEvidence(label_present=False), OverridePolicy()) is None


def test_the_decision_names_who_and_which_role() -> None:
    override = decide(GOOD, OverridePolicy(label="ship-it"))
    assert override is not None
    assert (override.label, override.actor, override.role) == ("ship-it", "maria", "maintain")
