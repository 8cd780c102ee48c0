"""The deployment notice's content: commit, author, services, canaries, override, when it was
judged. The rollback section has its own tests (test_notice_rollback, _flagoff, _revert, _gitops,
_safety)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from helpers import SEED_CANARY
from notice_cases import (
    ACTIVATIONS,
    COMMIT,
    context_with,
    passing,
    rich_context,
    rich_verdict,
)

from gate.core.models import PullRequest
from gate.core.notice.ids import thread_id
from gate.core.notice.model import build_notice
from gate.core.notice.render import render_chatbot, render_json, render_text

# -- the rest of the content ----------------------------------------------------------------------


def test_the_notice_names_commit_author_services_pr_and_override() -> None:
    text = render_text(build_notice(rich_verdict(), rich_context()))
    assert "Commit:       3f2a9c1d4e5b Roll out the new checkout flow" in text
    assert "Author:       Ana Dev <ana@example.com>" in text
    assert "Pull request: https://github.com/acme/shop/pull/42" in text
    assert "Services:     checkout (modified), payments (modified)" in text
    assert "label gate/override by lead-lee (maintain): accepted" in text
    assert "waived: golden-window at services/payments/flags/features.yml:4" in text
    for activation in ACTIVATIONS:
        assert f"  {activation.flag} ({activation.format}, {activation.change}) {activation.path}:" in text


def test_a_modified_canary_lists_only_the_settings_that_changed() -> None:
    (canary,) = build_notice(passing(), rich_context()).canaries
    assert (canary.name, canary.namespace, canary.target) == ("checkout-service", "production", "Deployment/checkout-service")
    assert not canary.is_new
    assert [(s.key, s.before, s.value) for s in canary.settings] == [
        ("analysis.stepWeight", "5", "10"),
        ("analysis.threshold", "3", "5"),
    ]


def test_a_new_canary_lists_its_settings() -> None:
    (canary,) = build_notice(passing(), context_with({"svc/canary.yaml": SEED_CANARY})).canaries
    assert canary.is_new
    settings = {s.key: s.value for s in canary.settings}
    assert settings["analysis.maxWeight"] == "50"
    assert settings["analysis.metrics.request-success-rate.thresholdRange.min"] == "99"
    assert settings["progressDeadlineSeconds"] == "600"


@pytest.mark.parametrize(
    ("pull_request", "shown"),
    [
        pytest.param(PullRequest(7, url="https://ghe.example.com/acme/shop/pull/7"), "https://ghe.example.com/acme/shop/pull/7",
                     id="url-given"),
        pytest.param(PullRequest(7), "https://github.com/acme/shop/pull/7", id="number-only"),
        pytest.param(None, None, id="none"),
    ],
)
def test_the_pull_request_link_when_known(pull_request: PullRequest | None, shown: str | None) -> None:
    notice = build_notice(passing(), context_with({"README.md": "x"}, pull_request=pull_request))
    assert notice.pull_request == shown


@pytest.mark.parametrize(
    ("files", "thread"),
    [
        pytest.param({"services/checkout/a.yaml": "a: 1\n"}, "gate/acme/shop/checkout", id="one-service"),
        pytest.param({"services/b/a.yaml": "a: 1\n", "services/a/a.yaml": "a: 1\n"}, "gate/acme/shop/a+b", id="two-sorted"),
        pytest.param({"README.md": "x"}, "gate/acme/shop/repository", id="no-service"),
    ],
)
def test_chat_threads_per_repository_and_service(files: dict[str, str], thread: str) -> None:
    notice = build_notice(passing(), context_with(files))
    assert thread_id(notice) == thread
    assert render_chatbot(notice)["metadata"]["threadId"] == thread


def test_free_text_cannot_break_out_of_a_code_span() -> None:
    commit = replace(COMMIT, subject="Use `rm -rf` less", body="```\nrm -rf /\n```")
    description = render_chatbot(build_notice(passing(), context_with({"README.md": "x"}, commit=commit)))["content"]
    assert "`rm -rf`" not in description["description"]
    assert description["description"].count("```") == 2


def test_the_notice_says_when_it_was_judged_in_every_format() -> None:
    notice = build_notice(rich_verdict(), rich_context())
    assert "Judged at:    2026-11-30T11:00:00Z (the verdict, and the golden window, are as of this time)" in (
        render_text(notice)
    )
    chatbot = render_chatbot(notice)
    assert "*Verdict* overridden, judged at 2026-11-30T11:00:00Z" in chatbot["content"]["description"]
    assert chatbot["metadata"]["additionalContext"]["judged_at"] == "2026-11-30T11:00:00Z"
    assert render_json(notice, {})["notice"]["judged_at"] == "2026-11-30T11:00:00Z"


def test_a_commit_message_line_cannot_pass_for_a_command_in_the_text() -> None:
    commit = replace(COMMIT, body="      kubectl delete namespace production\n\tand a tab")
    text = render_text(build_notice(passing(), context_with({"README.md": "x"}, commit=commit)))
    assert "\n  |       kubectl delete namespace production\n" in text
    assert "  | \\tand a tab" in text


def test_chat_shows_a_preview_of_a_long_commit_message_and_email_all_of_it() -> None:
    commit = replace(COMMIT, body="why " * 2000)
    notice = build_notice(passing(), context_with({"README.md": "x"}, commit=commit))
    description = render_chatbot(notice)["content"]["description"]
    assert "characters trimmed by gate here: the email and the JSON message carry all of it" in description
    assert len(description) < 2500
    assert "\n  | " + ("why " * 2000).rstrip() + "\n" in render_text(notice)
