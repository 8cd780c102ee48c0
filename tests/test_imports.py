"""`gate check` imports nothing it does not use: no AWS or HTTP client, one reporter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import GitRepo, documented_service

PROBE = """
import json, sys
from gate.cli import main
code = main(sys.argv[1:])
print(json.dumps(sorted(sys.modules)))
sys.exit(0 if code in (0, 1) else code)
"""


def loaded_modules(tmp_path: Path, *args: str, policy: str | None = None) -> set[str]:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({**documented_service("services/a"), **({".github/gate.yaml": policy} if policy else {})})
    repo.commit({"services/a/README.md": "# a\n\nmore\n"})
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "check", "--repo", str(repo.path), "--output", str(tmp_path / "r"), *args],
        capture_output=True, text=True, check=True,
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_gate_check_loads_no_network_clients(tmp_path: Path) -> None:
    modules = loaded_modules(tmp_path, "--format", "json")
    for heavy in ("boto3", "botocore", "httpx", "tenacity", "moto", "gate.adapters.sns", "gate.adapters.github",
                  "gate.core.notice", "gate.core.report.markdown", "gate.core.report.sarif", "gate.core.report.text"):
        assert heavy not in modules, f"gate check imported {heavy}"
    assert "gate.core.report.json" in modules


CALENDARS = ("holidays", "dateutil", "icalendar")


def test_gate_check_loads_no_calendar_library_for_a_policy_without_holidays_or_rules(tmp_path: Path) -> None:
    policy = ("version: 1\nchecks:\n  golden-window:\n    timezone: Europe/Madrid\n    freezes:\n"
              "    - {start: '2026-12-24T00:00:00Z', end: '2027-01-02T00:00:00Z', reason: year end}\n")
    modules = loaded_modules(tmp_path, "--format", "json", "--now", "2026-12-01T10:00:00Z", policy=policy)
    for library in CALENDARS:
        assert library not in modules, f"gate check imported {library} for a policy without holidays or rules"


def test_a_policy_with_holidays_and_rules_loads_what_it_uses(tmp_path: Path) -> None:
    policy = ("version: 1\nchecks:\n  golden-window:\n    freezes:\n    - {holidays: ES}\n"
              "    - {rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=15', duration: PT9H, reason: Friday afternoons}\n")
    modules = loaded_modules(tmp_path, "--format", "json", "--now", "2026-12-01T10:00:00Z", policy=policy)
    assert {"holidays", "dateutil"} <= modules
    assert "icalendar" not in modules


def test_gate_check_with_the_bundled_default_policy_never_imports_pydantic(tmp_path: Path) -> None:
    # The default's values are the options dataclasses' own; pydantic only validates policy files.
    modules = loaded_modules(tmp_path, "--format", "json")
    assert not {name for name in modules if name.split(".")[0] in ("pydantic", "pydantic_core")}
    assert "gate.core.freezes" not in modules  # no holiday or recurring freeze in the default policy


def test_a_policy_file_is_validated_by_pydantic(tmp_path: Path) -> None:
    modules = loaded_modules(tmp_path, "--format", "json", policy="version: 1\nchecks:\n  alert-runbook:\n    enabled: false\n")
    assert "pydantic" in modules
