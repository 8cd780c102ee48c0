"""The registry of checks: one explicit dict, in the order reports list them.

Adding a check: write `gate/checks/<name>.py` (see `base.py`), import it here, add it to the
tuple below, and give it a block in `policies/default.yaml`. A test proves every module in this
package is registered and documented.
"""

from __future__ import annotations

from gate.core.checks import (
    alert_runbook,
    canary_thresholds,
    consumer_min_replicas,
    golden_window,
    required_docs,
    runbook_format,
)
from gate.core.checks.base import CheckSpec

REGISTRY: dict[str, CheckSpec] = {
    spec.id: spec
    for spec in map(
        CheckSpec.of,
        (
            required_docs,
            runbook_format,
            golden_window,
            canary_thresholds,
            consumer_min_replicas,
            alert_runbook,
        ),
    )
}
