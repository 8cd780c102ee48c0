"""The SNS message gate builds: what real SNS rejects is rejected here, before sending, even where
moto (the local stand-in) would accept it; a message too large is trimmed (free text first, never
mid-command), and a change to very many objects goes out with B condensed rather than not at all."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from helpers import judged_as
from notice_cases import COMMIT, FLUX_APPS, SHA, context_with, deployment, passing, rich_context, rich_verdict

from gate.core.notice.compose import compose
from gate.core.notice.ids import event_id
from gate.core.notice.message import (
    MAX_MESSAGE_BYTES,
    NoticeError,
    SnsMessage,
    message_size,
    sanitize_subject,
    validate,
)
from gate.core.notice.model import Notice, build_notice
from gate.core.report.json import document

STANDARD = "arn:aws:sns:us-east-1:123456789012:deployments"
FIFO = STANDARD + ".fifo"


def message(**changes: object) -> SnsMessage:
    base = SnsMessage(subject="Deployed acme/shop@abc: fix", message=json.dumps({"default": "hello"}))
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        pytest.param(message(subject="Deployed\nacme/shop"), "one line of printable ASCII", id="subject-line-break"),
        pytest.param(message(subject="Deployed\tacme/shop"), "one line of printable ASCII", id="subject-tab"),
        pytest.param(message(subject="Déployé"), "one line of printable ASCII", id="subject-not-ascii"),
        pytest.param(message(subject="x" * 100), "fewer than 100", id="subject-100-chars"),
        pytest.param(message(subject=" leading space"), "start with a letter", id="subject-leading-space"),
        pytest.param(message(subject=""), "empty", id="subject-empty"),
        pytest.param(message(message="not json"), "JSON object", id="structure-not-json"),
        pytest.param(message(message=json.dumps({"email": "x"})), "'default'", id="structure-no-default"),
        pytest.param(message(message=json.dumps({"default": "x", "sqs": {"a": 1}})), "every protocol", id="structure-non-string"),
        pytest.param(message(group_id="g", deduplication_id="d"), "only for FIFO", id="fifo-ids-on-standard-topic"),
    ],
)
def test_what_sns_rejects_is_rejected_before_sending(bad: SnsMessage, reason: str) -> None:
    with pytest.raises(NoticeError, match=reason):
        validate(bad, topic_arn=STANDARD)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        pytest.param({}, "MessageGroupId", id="no-group"),
        pytest.param({"group_id": "acme/shop"}, "MessageDeduplicationId", id="no-dedup"),
        pytest.param({"group_id": "acme/shop", "deduplication_id": "d" * 129}, "MessageDeduplicationId", id="dedup-too-long"),
    ],
)
def test_a_fifo_topic_needs_both_ids(changes: dict[str, str], reason: str) -> None:
    with pytest.raises(NoticeError, match=reason):
        validate(message(**changes), topic_arn=FIFO)


def test_size_is_counted_in_utf8_bytes_not_characters() -> None:
    # 100,000 characters of three bytes each: within 256 Ki characters, far over 256 KiB.
    text = json.dumps({"default": "✓" * 100_000}, ensure_ascii=False)
    assert len(text) < MAX_MESSAGE_BYTES < len(text.encode("utf-8"))
    with pytest.raises(NoticeError, match="bytes in UTF-8"):
        validate(message(message=text), topic_arn=STANDARD)


def test_attributes_count_toward_the_size() -> None:
    body = json.dumps({"default": "x" * 1000})
    plain = message_size(body, "s", {})
    assert message_size(body, "s", {"gate.verdict": "pass"}) == plain + len("gate.verdict") + len("String") + len("pass")
    limit = plain + 5
    with pytest.raises(NoticeError, match="bytes"):
        validate(message(message=body, subject="s", attributes={"gate.verdict": "pass"}), limit=limit)


@pytest.mark.parametrize(
    ("raw", "subject"),
    [
        pytest.param("Deploy: fix checkout", "Deploy: fix checkout", id="plain"),
        pytest.param("Deploy: fix\ncheckout\r\n", "Deploy: fix checkout", id="line-breaks"),
        pytest.param("Déployer le café ✓", "Deployer le cafe", id="accents-folded-symbols-dropped"),
        pytest.param("D" + "x" * 200, "D" + "x" * 95 + "...", id="long-cut-with-dots"),
        pytest.param("   ", "Deployment notice", id="blank"),
    ],
)
def test_subjects_are_made_valid(raw: str, subject: str) -> None:
    made = sanitize_subject(raw)
    assert made == subject
    validate(message(subject=made), topic_arn=STANDARD)


def test_a_commit_subject_with_unicode_still_gives_a_valid_subject() -> None:
    commit = replace(COMMIT, subject="Réparer le paiement — étape 2 🚀 " + "x" * 200)
    notice = build_notice(passing(), context_with({"README.md": "x"}, commit=commit))
    built = compose(notice, {}, topic_arn=STANDARD)
    assert len(built.subject) < 100
    assert built.subject.isascii() and built.subject.isprintable()


def test_a_huge_commit_message_is_trimmed_to_fit_and_every_command_kept() -> None:
    body = ("Why: the old flow dropped carts (ça arrive) ✓\n" * 8000)[:-1]
    assert len(body.encode()) > 300_000
    context, verdict = rich_context(), rich_verdict()
    context = replace(context, commit=replace(COMMIT, body=body))
    notice = build_notice(verdict, context)
    built = compose(notice, document(judged_as(verdict, context)), topic_arn=FIFO)

    assert built.size <= MAX_MESSAGE_BYTES
    assert built.size > MAX_MESSAGE_BYTES - 8 * 1024  # trimmed no more than needed
    notice_doc = built.document["notice"]
    assert notice_doc["trimmed_characters"] > 0
    assert "characters trimmed by gate to fit SNS's 256 KiB message limit" in notice_doc["commit"]["body"]
    steps = [step for _, step in notice.rollback.steps]
    assert [s["code"] for s in notice_doc["rollback"]] == [s.code for s in steps]
    for step in steps:
        if step.code:
            assert f"      {step.code}" in built.text or f"        {step.code}" in built.text
            assert any(step.code in line for line in built.chatbot["content"]["nextSteps"])


def test_a_huge_subject_is_trimmed_too() -> None:
    commit = replace(COMMIT, subject="s" * 400_000, body="")
    notice = build_notice(passing(), context_with({"README.md": "x"}, commit=commit))
    built = compose(notice, {}, topic_arn=STANDARD)
    assert built.size <= MAX_MESSAGE_BYTES
    assert f"git revert --no-edit {SHA}" in built.text


def test_a_notice_that_cannot_fit_is_refused_not_cut_mid_command() -> None:
    notice = build_notice(rich_verdict(), rich_context())
    with pytest.raises(NoticeError, match="does not fit"):
        compose(notice, {}, topic_arn=STANDARD, limit=2_000)


def test_a_change_to_very_many_objects_goes_out_condensed_never_not_at_all() -> None:
    flux = {"clusters/prod/apps.yaml": FLUX_APPS}
    base = {f"services/s{n}/deploy.yaml": deployment(f"app{n}") for n in range(600)} | flux
    head = {f"services/s{n}/deploy.yaml": deployment(f"app{n}", replicas=3) for n in range(600)} | flux
    notice = build_notice(passing(), context_with(head, base))
    assert compose_size(notice) > MAX_MESSAGE_BYTES

    built = compose(notice, {}, topic_arn=STANDARD)

    assert built.size <= MAX_MESSAGE_BYTES
    steps = built.document["notice"]["rollback"]
    revert = [s["code"] for s in steps if s["alternative"] == "revert" and s["kind"] == "command"]
    assert revert == [f"git revert --no-edit {SHA}", "flux reconcile kustomization apps -n flux-system --with-source"]
    now = [s for s in steps if s["alternative"] == "now"]
    assert now[0]["code"] == "flux suspend kustomization apps -n flux-system"
    assert now[-1]["code"] == "flux resume kustomization apps -n flux-system"
    (left_out,) = [s for s in now if "more steps, left out" in s["title"]]
    assert left_out["code"] == f"gate notify --dry-run --base {'b' * 40} --head {SHA}"
    kept = sum(1 for s in now if s["code"].startswith("git show"))
    assert kept > 100
    assert f"...and {600 - kept} more steps, left out" in left_out["title"]
    assert built.full_text.count("| kubectl apply -f -") == 600
    assert built.text.count("| kubectl apply -f -") == kept


def compose_size(notice: Notice) -> int:
    return compose(notice, {}, topic_arn=STANDARD, limit=10 * MAX_MESSAGE_BYTES).size


@pytest.mark.parametrize(
    ("topic", "fifo"),
    [pytest.param(STANDARD, False, id="standard"), pytest.param(FIFO, True, id="fifo")],
)
def test_fifo_ids_only_for_fifo_topics(topic: str, fifo: bool) -> None:
    notice = build_notice(passing(), context_with({"README.md": "x"}))
    built = compose(notice, {}, topic_arn=topic)
    arguments = built.publish_arguments(topic)
    assert ("MessageGroupId" in arguments) is fifo
    assert ("MessageDeduplicationId" in arguments) is fifo
    if fifo:
        assert arguments["MessageGroupId"] == "acme/shop"
        assert arguments["MessageDeduplicationId"] == event_id(notice)


def test_the_deduplication_id_depends_on_repository_commit_and_event_only() -> None:
    context = context_with({"README.md": "x"})
    push = build_notice(passing(), context, event="push")
    assert event_id(push) == event_id(build_notice(rich_verdict(), context, event="push"))
    assert event_id(push) != event_id(build_notice(passing(), context, event="pull_request"))
    assert event_id(push) != event_id(build_notice(passing(), context, repository="acme/other"))


def test_a_dry_run_of_a_condensed_notice_also_prints_the_whole_of_it() -> None:
    from gate.commands.notify import dry_run_text

    condensed = replace(message(), text="short", full_text="every step\n")
    printed = dry_run_text(condensed, None)
    assert printed.endswith(
        "--- the whole notice (too large for one SNS message: the messages above leave steps out) ---\nevery step\n"
    )
    assert "the whole notice" not in dry_run_text(message(), None)
