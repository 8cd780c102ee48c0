"""`gate check` must not load the AWS or HTTP clients: they cost start-up time on every pull request,
and only `gate notify` and `gate action` need them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from helpers import REPO_ROOT, GitRepo, documented_service

PROBE = textwrap.dedent(
    """
    import sys
    from gate.cli import main
    code = main(["check", "--repo", sys.argv[1], "--now", "2026-11-30T11:00:00Z", "--format", "json"])
    heavy = sorted(m for m in ("boto3", "botocore", "httpx", "tenacity") if m in sys.modules)
    print("exit", code, file=sys.stderr)
    print("heavy", ",".join(heavy) or "-", file=sys.stderr)
    """
)


def test_gate_check_imports_neither_boto3_nor_httpx(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"README.md": "# shop\n"}, "Start")
    repo.commit(documented_service("services/checkout"), "Add checkout")

    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(repo.path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )

    lines = dict(line.split(" ", 1) for line in result.stderr.strip().splitlines() if line.startswith(("exit", "heavy")))
    assert lines.get("exit") == "0", result.stderr
    heavy = lines.get("heavy", "").split(",")
    assert "boto3" not in heavy and "botocore" not in heavy, result.stderr
    assert "httpx" not in heavy, result.stderr


def test_the_notice_modules_do_not_import_boto3_when_loaded() -> None:
    probe = "import sys, gate.core.notice, gate.adapters.sns, gate.commands.notify; print('boto3' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.stdout.strip() == "False", result.stderr
