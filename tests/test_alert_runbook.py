"""alert-runbook: alerts link a runbook, and a runbook in this repository exists at head."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIXTURES, SEED_RUNBOOK, make_context

from gate.core.checks import alert_runbook
from gate.core.checks.alert_runbook import Options, repository_paths
from gate.core.models import Finding

DATA = Path(__file__).parent / "data" / "k8s"
RULES = "services/payment/deploy/alerts.yaml"


def run(files: dict[str, str | bytes], options: Options | None = None) -> list[Finding]:
    context = make_context(head=files, repository="acme/shop")
    return [f for f in alert_runbook.check(context, options or Options()) if isinstance(f, Finding)]


def rule_file(runbook_url: str) -> str:
    return (DATA / "alerts-rule.yaml").read_text().replace("services/payment/runbook.yaml", runbook_url)


def test_an_alert_without_runbook_fails_and_the_recording_rule_beside_it_does_not() -> None:
    findings = run({RULES: rule_file("services/payment/runbook.yaml"), "services/payment/runbook.yaml": SEED_RUNBOOK})
    assert [(f.path, f.line) for f in findings] == [(RULES, 19)]
    assert "PaymentConsumersDown has no runbook_url" in findings[0].message
    assert "annotations found: summary" in findings[0].message
    assert "runbook_url" in findings[0].remedy


def only_first_alert(url: str) -> str:
    return rule_file(url).split("    - alert: PaymentConsumersDown")[0]


LINKS = [
    # (id, runbook_url written in services/payment/deploy/alerts.yaml, passes)
    ("repo-root-path", "services/payment/runbook.yaml", True),
    ("leading-slash", "/services/payment/runbook.yaml", True),
    ("relative-up", "../runbook.yaml", True),
    ("relative-here-missing", "./runbook.yaml", False),
    ("relative-with-anchor", "../runbook.yaml#step-2", True),
    ("missing-file", "services/payment/runbooks/lag.yaml", False),
    ("folder-link", "services/payment", True),
    ("github-blob", "https://github.com/acme/shop/blob/main/services/payment/runbook.yaml", True),
    ("github-blob-case-and-query", "https://github.com/Acme/Shop/blob/main/services/payment/runbook.yaml?plain=1", True),
    ("github-tree-folder", "https://github.com/acme/shop/tree/main/services/payment", True),
    ("github-blob-missing", "https://github.com/acme/shop/blob/main/docs/missing.md", False),
    # The ref is one segment: `release/v2` is read as ref `release` and path `v2/...` (documented).
    ("github-ref-with-slash", "https://github.com/acme/shop/blob/release/v2/services/payment/runbook.yaml", False),
    ("github-ref-with-slash-missing", "https://github.com/acme/shop/blob/release/v2/docs/gone.md", False),
    ("github-malformed-url", "https://[github.com/acme/shop/blob/main/x.md", True),
    ("github-other-repo", "https://github.com/other/repo/blob/main/docs/missing.md", True),
    ("external-site", "https://runbooks.example.com/payment-queue-lag", True),
    ("template", "{{ $labels.runbook }}", True),
    ("outside-repository", "../../../../../etc/passwd", False),
]


@pytest.mark.parametrize(("url", "passes"), [c[1:] for c in LINKS], ids=[c[0] for c in LINKS])
def test_runbook_links(url: str, passes: bool) -> None:
    files: dict[str, str | bytes] = {RULES: only_first_alert(url), "services/payment/runbook.yaml": SEED_RUNBOOK}
    findings = run(files)
    if passes:
        assert findings == []
    else:
        assert [f.line for f in findings] == [18]  # the runbook_url key
        assert url in findings[0].message


def test_a_missing_runbook_names_the_path_it_looked_for() -> None:
    (finding,) = run({RULES: only_first_alert("../runbooks/lag.md#start")})
    assert "points to services/payment/runbooks/lag.md, which does not exist" in finding.message
    assert "services/payment/runbooks/lag.md" in finding.remedy


def test_without_a_known_repository_github_links_are_external() -> None:
    context = make_context(head={RULES: only_first_alert("https://github.com/acme/shop/blob/main/nope.md")},
                           repository=None)
    assert list(alert_runbook.check(context, Options())) == []


@pytest.mark.parametrize(("value", "fact"), [('""', "'', not a link"), ("[a, b]", "not a link")], ids=["empty", "list"])
def test_an_empty_link_fails(value: str, fact: str) -> None:
    text = only_first_alert("X").replace("runbook_url: X", f"runbook_url: {value}")
    (finding,) = run({RULES: text})
    assert fact in finding.message and finding.line == 18


PLAIN = """\
groups:
- name: payment
  rules:
  - record: job:errors:rate5m
    expr: sum(rate(errors_total[5m])) by (job)
  - alert: PaymentErrors
    expr: job:errors:rate5m > 1
    annotations:
      documentation: https://wiki.example.com/payment-errors
"""


def test_a_plain_rules_file_is_read() -> None:
    (finding,) = run({"prometheus/rules.yml": PLAIN})
    assert finding.line == 6
    assert "accept `documentation` in checks.alert-runbook.annotations" in finding.remedy


def test_aliases_are_accepted_when_the_policy_says_so() -> None:
    options = Options.validate({"annotations": ["runbook_url", "documentation"]})
    assert run({"prometheus/rules.yml": PLAIN}, options) == []


def test_a_groups_key_in_other_yaml_is_not_a_rules_file() -> None:
    assert run({"config.yaml": "groups: [admins, devs]\n", "other.yaml": "groups:\n- name: x\n"}) == []


def test_other_kinds_with_groups_are_ignored() -> None:
    text = "apiVersion: example.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n  - name: x\n    rules:\n    - alert: A\n"
    assert run({"a.yaml": text}) == []


def test_rook_alerts_pass_with_the_documentation_alias_where_they_have_it() -> None:
    # 89 alerts, 36 of them with a `documentation:` link (tests/fixtures/k8s/SOURCES.md).
    text = (FIXTURES / "k8s/rook__rook/deploy__examples__monitoring__localrules.yaml").read_bytes()
    options = Options.validate({"annotations": ["runbook_url", "documentation"]})
    assert len(run({"deploy/rules.yaml": text})) == 89
    assert len(run({"deploy/rules.yaml": text}, options)) == 89 - 36


@pytest.mark.parametrize(
    ("link", "paths"),
    [
        ("docs/runbook.md", ("docs/runbook.md",)),
        ("./runbook.md", ("services/payment/deploy/runbook.md",)),
        ("../../../README.md", ("README.md",)),
        ("../../../../x", ("../x",)),
        ("#anchor-only", ()),
        ("mailto:oncall@example.com", ()),
        ("https://github.com/acme/shop", ()),
        ("https://github.com/acme/shop/blob/main", ("",)),
        ("https://github.com/acme/shop/blob/a/b/c.md", ("b/c.md",)),
        ("https://github.com/acme/shop/blob/main/docs/runbooks/README.md", ("docs/runbooks/README.md",)),
        ("https://github.com/acme/shop/tree/v1.2.0/docs", ("docs",)),
        ("https://github.com/acme/shop/issues/3", ()),
        ("http://gitlab.com/acme/shop/blob/main/x.md", ()),
    ],
)
def test_repository_paths(link: str, paths: tuple[str, ...]) -> None:
    assert repository_paths(link, RULES, "acme/shop") == paths


@pytest.mark.parametrize(
    ("link", "passes"),
    [
        pytest.param("https://github.com/acme/shop/blob/main/docs/runbooks/README.md", False,
                     id="nested-readme-missing-root-readme-does-not-vouch"),
        pytest.param("https://github.com/acme/shop/blob/main/README.md", True, id="root-readme"),
        pytest.param("https://github.com/acme/shop/blob/feature/x/README.md", False, id="slashed-ref-misread"),
    ],
)
def test_a_github_link_names_one_path(link: str, passes: bool) -> None:
    findings = run({RULES: only_first_alert(link), "README.md": "# shop\n"})
    assert (findings == []) is passes
    if not passes:
        assert "does not exist" in findings[0].message
        assert "a branch whose name holds `/`" in findings[0].remedy


def test_the_slashed_ref_hint_is_only_for_github_links() -> None:
    (finding,) = run({RULES: only_first_alert("docs/gone.md")})
    assert "blob/" not in finding.remedy
