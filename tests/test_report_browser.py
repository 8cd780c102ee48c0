"""The Markdown report in a real browser, the way GitHub shows it.

tests/browser/check.mjs renders each report with markdown-it (GitHub-flavoured: tables, literal
autolinks), github-markdown-css, and Mermaid 10, 11 and 12 in Debian's headless Chromium, at a
pull-request comment's width (690 px) and a job summary's (1012 px), and reads the DOM: each chart
is an SVG without an error, no two tick labels overlap, section labels do not cross the bars, no
window bar is drawn over a freeze, nothing scrolls sideways, and nothing in the report became a link,
an image, HTML or a mention. Screenshots of every rendering are kept in artifacts/report-screenshots/
(GATE_SCREENSHOTS names another folder).

It needs node and npm, Chromium (/usr/bin/chromium, or CHROMIUM) and the harness's packages
(`npm ci --prefix tests/browser`); `.ci/browser-setup.sh` installs all three. Without them the
tests are skipped with the reason, except where GATE_REQUIRE_BROWSER=1 (CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import REPO_ROOT
from report_scenarios import SCENARIOS

HARNESS = REPO_ROOT / "tests" / "browser"
FIXTURES = HARNESS / "fixtures"
SCREENSHOTS = Path(os.environ.get("GATE_SCREENSHOTS") or REPO_ROOT / "artifacts" / "report-screenshots")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
MERMAID = ("10", "11", "12")
WIDTHS = (690, 1012)
COMMENT_WIDTH = 690


@dataclass(frozen=True)
class Rendering:
    charts: int
    problems: list[str]
    screenshot: str


def missing_prerequisite() -> str | None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are not installed (the browser test renders the report with Mermaid from npm)"
    if not Path(CHROMIUM).is_file():
        return f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM)"
    if not (HARNESS / "node_modules" / ".package-lock.json").is_file():
        return "the browser harness's packages are not installed: run `npm ci --prefix tests/browser`"
    return None


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, int], Rendering]:
    """Every scenario and fixture, rendered once with each Mermaid version at each width."""
    reason = missing_prerequisite()
    if reason is not None:
        if os.environ.get("GATE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GATE_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    reports = tmp_path_factory.mktemp("reports")
    for name, scenario in SCENARIOS.items():
        (reports / f"{name}.md").write_text(scenario().markdown(), encoding="utf-8")
    for fixture in FIXTURES.glob("*.md"):
        shutil.copy(fixture, reports / f"fixture-{fixture.name}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*--mermaid*px*.png"):  # the previous run's, and nothing else
        old.unlink()
    result = subprocess.run(
        ["node", str(HARNESS / "check.mjs"), "--in", str(reports), "--out", str(SCREENSHOTS),
         "--mermaid", ",".join(MERMAID), "--widths", ",".join(map(str, WIDTHS)), "--chromium", CHROMIUM],
        capture_output=True, text=True, timeout=900, check=False,
    )
    assert result.returncode == 0, f"check.mjs failed ({result.returncode}):\n{result.stderr[-4000:]}"
    return {
        (item["scenario"], item["mermaid"], item["width"]): Rendering(item["charts"], item["problems"], item["screenshot"])
        for item in json.loads(result.stdout)["results"]
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("version", MERMAID)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_report_reads_in_the_browser(rendered: dict[tuple[str, str, int], Rendering], scenario: str,
                                         version: str, width: int) -> None:
    rendering = rendered[(scenario, version, width)]
    assert rendering.charts == 1
    assert rendering.problems == [], f"{rendering.screenshot}:\n" + "\n".join(rendering.problems)


@pytest.mark.parametrize("version", MERMAID)
@pytest.mark.parametrize("fixture", ["0.1.0-pass", "0.1.0-fail"])
def test_the_0_1_0_report_fails_the_same_checks(rendered: dict[tuple[str, str, int], Rendering], fixture: str,
                                                version: str) -> None:
    """gate 0.1.0's report (kept in tests/browser/fixtures): 15-minute or 3-hour ticks whose labels
    run into each other at a comment's width, a section label across the bars, a findings table
    wider than the comment. The checks that pass on today's report see all three."""
    problems = rendered[(f"fixture-{fixture}", version, COMMENT_WIDTH)].problems
    assert any("tick labels" in p and "overlap" in p for p in problems), problems
    assert any("section label" in p and "crosses the bar" in p for p in problems), problems
    assert any(p.startswith("690px: <table> \"Severity Rule Where Message Remedy") and "scrolls sideways" in p
               for p in problems), problems


@pytest.mark.parametrize("version", MERMAID)
def test_every_check_can_fail(rendered: dict[tuple[str, str, int], Rendering], version: str) -> None:
    """tests/browser/fixtures/broken.md has one of each fault; each check reports its own."""
    problems = rendered[("fixture-broken", version, COMMENT_WIDTH)].problems
    expected = [
        "chart 1: tick labels",
        "chart 1: section label \"A section name far wider than the label column\" crosses the bar w1",
        "chart 1: window bar w1 is drawn over freeze f1",
        "chart 2: Mermaid error: Parse error",
        "690px: <table> \"Column Another",
        "<a> \"https://example.com/page\": an element the report never writes",
        "<a> \"www.example.com\": an element the report never writes",
        "\"@octocat\" would be a mention or a reference on GitHub",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)


def test_screenshots_are_kept(rendered: dict[tuple[str, str, int], Rendering]) -> None:
    for rendering in rendered.values():
        assert (SCREENSHOTS / rendering.screenshot).stat().st_size > 1000, rendering.screenshot


def test_the_docs_show_the_chart_and_the_readme_names_the_screenshot_folder() -> None:
    reports = (REPO_ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    for picture in ("images/report-chart.png", "images/report-comment.png"):
        assert f"]({picture})" in reports
        assert (REPO_ROOT / "docs" / picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    default = SCREENSHOTS.relative_to(REPO_ROOT).as_posix() if "GATE_SCREENSHOTS" not in os.environ else None
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "artifacts/report-screenshots/" in readme
    assert default in (None, "artifacts/report-screenshots")
    assert "/artifacts/" in (REPO_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
