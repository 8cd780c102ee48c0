"""The deployment notice's content: commit, author, services, canaries, override, and rollback
instructions that are safe to paste."""

from __future__ import annotations

from dataclasses import replace

import pytest
from helpers import MONDAY_11, SEED_CANARY
from notice_cases import (
    ACTIVATIONS,
    COMMIT,
    MERGE,
    SHA,
    context_with,
    passing,
    rich_context,
    rich_verdict,
)

from gate.core.models import Activation, PullRequest
from gate.core.notice.ids import thread_id
from gate.core.notice.model import build_notice
from gate.core.notice.render import render_chatbot, render_text
from gate.core.notice.rollback import flag_off_step, revert_step


def codes(notice_steps: object) -> list[str]:
    return [step.code for step in notice_steps]  # type: ignore[attr-defined]


# -- git revert ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("commit", "command"),
    [
        pytest.param(COMMIT, f"git revert --no-edit {SHA}", id="single-parent"),
        pytest.param(MERGE, f"git revert --no-edit -m 1 {SHA}", id="merge-keeps-mainline"),
    ],
)
def test_the_revert_command_fits_the_commit(commit: object, command: str) -> None:
    step = revert_step(commit)  # type: ignore[arg-type]
    assert step.kind == "command"
    assert step.code == command


# -- kubectl rollout undo ------------------------------------------------------------------------


def deployment(name: str = "api", namespace: str | None = None) -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}{ns}\nspec:\n  replicas: 2\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"svc/deploy.yaml": deployment(namespace="shop")},
            ["command", "kubectl -n shop rollout undo deployment/api"],
            id="metadata-namespace",
        ),
        pytest.param(
            {"svc/deploy.yaml": deployment(), "svc/kustomization.yaml": "namespace: shop\n"},
            ["command", "kubectl -n shop rollout undo deployment/api"],
            id="kustomization-namespace",
        ),
        pytest.param(
            {"svc/deploy.yaml": deployment(), "svc/kustomization.yml": "namespace: shop\n"},
            ["command", "kubectl -n shop rollout undo deployment/api"],
            id="kustomization-yml",
        ),
        pytest.param(
            {"svc/deploy.yaml": deployment(namespace="shop"), "svc/kustomization.yaml": "namespace: shop\n"},
            ["command", "kubectl -n shop rollout undo deployment/api"],
            id="both-agree",
        ),
        pytest.param(
            {"svc/deploy.yaml": deployment(namespace="shop"), "svc/kustomization.yaml": "namespace: staging\n"},
            ["lookup", "kubectl get deployments --all-namespaces --field-selector metadata.name=api"],
            id="both-disagree-unknown",
        ),
        pytest.param(
            {"svc/deploy.yaml": deployment()},
            ["lookup", "kubectl get deployments --all-namespaces --field-selector metadata.name=api"],
            id="no-namespace-unknown",
        ),
        pytest.param(
            {"svc/deploy.yaml": deployment(), "other/kustomization.yaml": "namespace: shop\n"},
            ["lookup", "kubectl get deployments --all-namespaces --field-selector metadata.name=api"],
            id="kustomization-elsewhere-does-not-count",
        ),
        pytest.param(
            {"svc/deploy.yaml": deployment(namespace="'Prod;rm'")},
            ["lookup", "kubectl get deployments --all-namespaces --field-selector metadata.name=api"],
            id="namespace-not-a-k8s-name",
        ),
        pytest.param(
            {"svc/deploy.yaml": deployment(name="'api;reboot'", namespace="shop")},
            ["lookup", "kubectl get deployments --all-namespaces"],
            id="name-not-a-k8s-name",
        ),
        pytest.param(
            {"svc/canary.yaml": SEED_CANARY},
            ["command", "kubectl -n production rollout undo deployment/checkout-service"],
            id="flagger-canary-target",
        ),
        pytest.param(
            {"svc/canary.yaml": SEED_CANARY, "svc/deploy.yaml": deployment("checkout-service", "production")},
            ["command", "kubectl -n production rollout undo deployment/checkout-service"],
            id="canary-and-its-deployment-once",
        ),
        pytest.param(
            {"svc/canary.yaml": SEED_CANARY.replace("kind: Deployment", "kind: DaemonSet")},
            [],
            id="canary-of-a-daemonset-none",
        ),
        pytest.param(
            {"svc/canary.yaml": SEED_CANARY.replace("flagger.app/v1beta1", "canaries.flanksource.com/v1")},
            [],
            id="not-flagger-none",
        ),
        pytest.param(
            {"svc/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api\n"},
            [],
            id="unparsable-file-none",
        ),
    ],
)
def test_rollout_undo_names_the_namespace_or_says_it_is_unknown(files: dict[str, str], expected: list[str]) -> None:
    notice = build_notice(passing(), context_with(files, base=earlier(files)))
    after_the_revert = notice.rollback[1:]
    assert [x for step in after_the_revert for x in (step.kind, step.code)] == expected


def earlier(files: dict[str, str]) -> dict[str, str]:
    """The same manifests one revision before, so the change modifies them rather than adds them."""
    return {path: text + "# the previous revision\n" if path.endswith(".yaml") else text for path, text in files.items()}


def test_a_new_deployment_is_scaled_to_zero_because_it_has_no_revision_to_undo_to() -> None:
    notice = build_notice(passing(), context_with({"svc/deploy.yaml": deployment(namespace="shop")}))
    (step,) = notice.rollback[1:]
    assert (step.kind, step.code) == ("command", "kubectl -n shop scale deployment/api --replicas=0")
    assert "new in this change" in step.title


def test_an_unknown_namespace_is_explained_and_no_undo_command_is_emitted() -> None:
    files = {"svc/deploy.yaml": deployment()}
    notice = build_notice(passing(), context_with(files, base=earlier(files)))
    text = render_text(notice)
    assert "Namespace of deployment/api unknown (no metadata.namespace and no kustomization namespace" in text
    assert "\n     kubectl -n" not in text  # no pasteable undo without a namespace
    assert "`kubectl -n <namespace> rollout undo deployment/api`" in text


def test_a_deleted_deployment_gets_no_undo() -> None:
    context = context_with({}, base={"svc/deploy.yaml": deployment(namespace="shop")})
    assert codes(build_notice(passing(), context).rollback) == [f"git revert --no-edit {SHA}"]


# -- flags ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "path", "edit"),
    [
        pytest.param("flagd", "flags/flags.json", '"state": "DISABLED"', id="flagd-json"),
        pytest.param("flagd", "flags/flags.yaml", "state: DISABLED", id="flagd-yaml"),
        pytest.param("flipt", "features.yml", "enabled: false", id="flipt-yaml"),
        pytest.param("flipt", "flags/features.json", '"enabled": false', id="flipt-json"),
        pytest.param("go-feature-flag", "flags/goff.yaml", "disable: true", id="goff-yaml"),
        pytest.param("go-feature-flag", "flags/goff.json", '"disable": true', id="goff-json"),
        pytest.param("go-feature-flag", "flags/goff.toml", "disable = true", id="goff-toml"),
    ],
)
def test_each_flag_format_gets_the_edit_that_turns_it_off(fmt: str, path: str, edit: str) -> None:
    step = flag_off_step(Activation("new-checkout", path, 7, fmt, "enabled", MONDAY_11, True))
    assert step.kind == "edit"
    assert step.code == edit
    assert f"in {path} line 7" in step.title
    assert "'new-checkout'" in step.title


def test_every_activation_has_its_own_off_switch_after_the_commands() -> None:
    notice = build_notice(rich_verdict(), rich_context())
    edits = [step for step in notice.rollback if step.kind == "edit"]
    assert [s.code for s in edits] == ['"state": "DISABLED"', "enabled: false", "disable: true"]
    assert notice.rollback[0].code == f"git revert --no-edit {SHA}"


# -- the rest of the content ----------------------------------------------------------------------


def test_the_notice_names_commit_author_services_pr_and_override() -> None:
    text = render_text(build_notice(rich_verdict(), rich_context()))
    assert "Commit:       3f2a9c1d4e5b Roll out the new checkout flow" in text
    assert "Author:       Ana Dev <ana@example.com>" in text
    assert "Pull request: https://github.com/acme/shop/pull/42" in text
    assert "Services:     checkout (modified), payments (modified)" in text
    assert "label gate/override by lead-lee (maintain): accepted" in text
    assert "waived: golden-window at services/payments/flags/features.yml:9" in text
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


def test_every_changed_workload_gets_an_undo_or_a_lookup() -> None:
    notice = build_notice(rich_verdict(), rich_context())
    commands = [s.code for s in notice.rollback if s.kind == "command"]
    assert commands == [
        f"git revert --no-edit {SHA}",
        "kubectl -n production rollout undo deployment/checkout-service",
        "kubectl -n payments rollout undo deployment/payment-consumer",
    ]
    lookups = [s.code for s in notice.rollback if s.kind == "lookup"]
    assert lookups == ["kubectl get deployments --all-namespaces --field-selector metadata.name=ledger"]


def test_chat_shows_a_preview_of_a_long_commit_message_and_email_all_of_it() -> None:
    commit = replace(COMMIT, body="why " * 2000)
    notice = build_notice(passing(), context_with({"README.md": "x"}, commit=commit))
    description = render_chatbot(notice)["content"]["description"]
    assert "characters trimmed by gate here: the email and the JSON message carry all of it" in description
    assert len(description) < 2500
    assert "why " * 2000 in render_text(notice).replace("\n  ", "\n")
