"""The notice rendered three ways: plain text (email and the log), the AWS Chatbot custom
notification (chat) and a JSON document (queues and functions) (pure).

The engineer who reads it may be in another timezone and half awake: rollback comes before the
commit message, and every command is shown as it is to be pasted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.core.notice.ids import event_id, thread_id
from gate.core.notice.lines import activation_line, canary_lines, finding_line, override_lines, services_line, title
from gate.core.notice.message import cut, sanitize_subject
from gate.core.notice.model import Notice
from gate.core.times import utc_iso

# Chat is read on a phone: the commit message there is a preview; email and JSON carry all of it.
CHAT_BODY_CHARS = 1500


def subject_line(notice: Notice) -> str:
    return sanitize_subject(title(notice))


def render_text(notice: Notice) -> str:
    """Plain text, for email and for the log: everything, rollback before the commit message."""
    commit = notice.commit
    lines = [
        title(notice),
        "",
        f"Repository:   {notice.repository}",
        f"Commit:       {commit.short} {commit.subject}" + (" (merge)" if commit.is_merge else ""),
        f"Author:       {notice.author}",
    ]
    if notice.pull_request:
        lines.append(f"Pull request: {notice.pull_request}")
    lines += [
        f"Event:        {notice.event} at {utc_iso(notice.now)}",
        f"Verdict:      {notice.outcome.value} (gate judged {notice.base[:12]}..{commit.short})",
        f"Services:     {services_line(notice)}",
    ]
    if notice.blocking:
        lines += ["", "Still blocking:"] + [f"  {finding_line(f)}" for f in notice.blocking]
    if notice.activations:
        lines += ["", "Flag activations:"] + [f"  {activation_line(a)}" for a in notice.activations]
    if notice.canaries:
        lines += ["", "Canary changes:"]
        for canary in notice.canaries:
            lines += [f"  {line}" for line in canary_lines(canary)]
    if notice.override is not None:
        lines += ["", "Override:"] + [f"  {line}" for line in override_lines(notice)]
    lines += ["", "Rollback (paste each line as it is):"]
    for number, step in enumerate(notice.rollback, 1):
        lines.append(f"  {number}. {step.title}:")
        if step.code:
            lines.append(f"     {step.code}")
    if commit.body:
        lines += ["", "Commit message:"] + [f"  {line}" if line else "" for line in commit.body.splitlines()]
    return "\n".join(lines) + "\n"


def render_chat_markdown(notice: Notice) -> str:
    """The chat description: the same facts, compact, commands in code spans."""
    commit = notice.commit
    lines = [
        f"*Commit* `{commit.short}` {_md(commit.subject)}" + (" (merge)" if commit.is_merge else ""),
        f"*Author* {_md(notice.author)}",
    ]
    if notice.pull_request:
        lines.append(f"*Pull request* {notice.pull_request}")
    lines += [f"*Verdict* {notice.outcome.value}", f"*Services* {_md(services_line(notice))}"]
    if notice.blocking:
        lines.append("*Still blocking*")
        lines += [f"• {_md(finding_line(f))}" for f in notice.blocking]
    if notice.activations:
        lines.append("*Flag activations*")
        lines += [f"• {_md(activation_line(a))}" for a in notice.activations]
    if notice.canaries:
        lines.append("*Canary changes*")
        for canary in notice.canaries:
            head, *settings = canary_lines(canary)
            lines.append(f"• {_md(head)}")
            lines += [f"    {_md(s.strip())}" for s in settings]
    if notice.override is not None:
        lines.append("*Override*")
        lines += [f"• {_md(line)}" for line in override_lines(notice)]
    if commit.body:
        body, _ = cut(commit.body, CHAT_BODY_CHARS, "here: the email and the JSON message carry all of it")
        lines += ["*Commit message*", "```", body.replace("```", "'''"), "```"]
    return "\n".join(lines)


def _md(text: str) -> str:
    # Backticks would open a code span in the middle of free text.
    return text.replace("`", "'")


def next_steps(notice: Notice) -> list[str]:
    return [f"{step.title}: `{step.code}`" if step.code else step.title for step in notice.rollback]


def render_chatbot(notice: Notice) -> dict[str, Any]:
    """The AWS Chatbot (Amazon Q Developer in chat) custom notification."""
    keywords = [notice.repository, notice.outcome.value, *(s.name for s in notice.services)]
    return {
        "version": "1.0",
        "source": "custom",
        "id": event_id(notice),
        "content": {
            "textType": "client-markdown",
            "title": _md(title(notice)),
            "description": render_chat_markdown(notice),
            "nextSteps": next_steps(notice),
            "keywords": keywords,
        },
        "metadata": {
            "threadId": thread_id(notice),
            "summary": subject_line(notice),
            "eventType": "deployment",
            "relatedResources": [notice.commit.sha] + ([notice.pull_request] if notice.pull_request else []),
            "additionalContext": {
                "repository": notice.repository,
                "commit": notice.commit.sha,
                "author": notice.author,
                "verdict": notice.outcome.value,
            },
        },
    }


def notice_document(notice: Notice) -> dict[str, Any]:
    commit = notice.commit
    return {
        "repository": notice.repository,
        "event": notice.event,
        "title": title(notice),
        "commit": {
            "sha": commit.sha,
            "short": commit.short,
            "subject": commit.subject,
            "body": commit.body,
            "merge": commit.is_merge,
            "author": {"name": commit.author_name, "email": commit.author_email},
        },
        "pull_request": notice.pull_request,
        "canaries": [
            {
                "name": c.name,
                "namespace": c.namespace,
                "target": c.target,
                "path": c.path,
                "line": c.line,
                "new": c.is_new,
                "settings": [{"key": s.key, "value": s.value, "before": s.before} for s in c.settings],
            }
            for c in notice.canaries
        ],
        "rollback": [{"kind": s.kind, "title": s.title, "code": s.code} for s in notice.rollback],
        "trimmed_characters": notice.trimmed,
    }


def render_json(notice: Notice, report: Mapping[str, Any]) -> dict[str, Any]:
    """For queues and functions: the JSON report (version 1) and the notice, side by side."""
    return {"notice": notice_document(notice), "report": dict(report)}
