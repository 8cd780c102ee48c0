from __future__ import annotations

import pytest

from gate.core.globs import matches, service_root


@pytest.mark.parametrize(
    ("path", "patterns", "root"),
    [
        ("services/checkout/README.md", ["services/*"], "services/checkout"),
        ("services/checkout/deploy/canary.yaml", ["services/*"], "services/checkout"),
        ("services/README.md", ["services/*"], None),
        ("apps/web/x", ["services/*"], None),
        ("teams/pay/services/api/x", ["teams/*/services/*"], "teams/pay/services/api"),
        ("apps/web/x", ["services/*", "apps/*"], "apps/web"),
    ],
)
def test_service_root(path: str, patterns: list[str], root: str | None) -> None:
    assert service_root(path, patterns) == root


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("vendor/x.yaml", "vendor", True),
        ("charts/a/templates/x.yaml", "charts/**", True),
        ("a/b/vendor/c.yaml", "**/vendor/**", True),
        ("a/b.yaml", "*.yaml", False),
        ("b.yaml", "*.yaml", True),
        ("a/b.yaml", "**/*.yaml", True),
        ("services/x/tmp.yml", "services/*/tmp.y?l", True),
        ("services/x/deploy.yaml", "services/*/tmp.yaml", False),
    ],
)
def test_matches(path: str, pattern: str, expected: bool) -> None:
    assert matches(path, pattern) is expected
