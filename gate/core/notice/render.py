"""The notice rendered three ways: plain text (email and the log), the AWS Chatbot custom
notification (chat) and a JSON document (queues and functions) (pure).

The engineer who reads it may be in another timezone and half awake: the rollback comes before the
commit message, as labelled alternatives, and every command is shown as it is to be pasted. In the
plain text, command lines are exactly the lines indented by six spaces and edits to files by eight;
nothing that came from the change (a path, a name, the commit message) can start such a line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.core.notice.ids import event_id, thread_id
from gate.core.notice.lines import activation_line, canary_lines, finding_line, override_lines, services_line, title
from gate.core.notice.message import cut, sanitize_subject
from gate.core.notice.model import Notice
from gate.core.notice.prose import chat, chat_commit, chat_commit_block, fence_for, lines, one_line
from gate.core.notice.rollback import Alternative, RollbackStep
from gate.core.times import utc_iso

# Chat is read on a phone: the commit message there is a preview; email and JSON carry all of it.
CHAT_BODY_CHARS = 1500
COMMAND_INDENT = " " * 6
EDIT_INDENT = " " * 8
PROSE_INDENT = " " * 3


def subject_line(notice: Notice) -> str:
    return sanitize_subject(title(notice))


def render_text(notice: Notice) -> str:
    """Plain text, for email and for the log: everything, rollback before the commit message."""
    commit = notice.commit
    out = [
        one_line(title(notice)),
        "",
        f"Repository:   {one_line(notice.repository)}",
        f"Commit:       {commit.short} {one_line(commit.subject)}" + (" (merge)" if commit.is_merge else ""),
        f"Author:       {one_line(notice.author)}",
    ]
    if notice.pull_request:
        out.append(f"Pull request: {one_line(notice.pull_request)}")
    out += [
        f"Event:        {one_line(notice.event)}",
        f"Judged at:    {utc_iso(notice.now)} (the verdict, and the golden window, are as of this time)",
        f"Verdict:      {notice.outcome.value} (gate judged {notice.base[:12]}..{commit.short})",
        f"Services:     {one_line(services_line(notice))}",
    ]
    if notice.blocking:
        out += ["", "Still blocking:"] + [f"  {one_line(finding_line(f))}" for f in notice.blocking]
    if notice.activations:
        out += ["", "Flag activations:"] + [f"  {one_line(activation_line(a))}" for a in notice.activations]
    if notice.canaries:
        out += ["", "Canary changes:"]
        for canary in notice.canaries:
            out += [f"  {one_line(line)}" for line in canary_lines(canary)]
    if notice.override is not None:
        out += ["", "Override:"] + [f"  {one_line(line)}" for line in override_lines(notice)]
    out += ["", *rollback_text(notice)]
    if commit.body:
        # Each line behind a bar: a commit message cannot pass for a command line or a heading.
        out += ["", "Commit message:"] + [f"  | {line}".rstrip() for line in lines(commit.body)]
    return "\n".join(out) + "\n"


def rollback_text(notice: Notice) -> list[str]:
    """The rollback section: a heading, then each alternative with its steps."""
    alternatives = notice.rollback.alternatives
    out = [
        f"Rollback: {len(alternatives)} alternatives. Choose ONE; they are not steps to run in order.",
        "Command lines are indented six spaces: paste each as it is. Edits to files are indented eight.",
    ]
    for alternative in alternatives:
        out += ["", f"{alternative.label}) {alternative.title}. {alternative.when}"]
        for step in alternative.steps:
            out += _step_text(step)
    return out


def _step_text(step: RollbackStep) -> list[str]:
    text = one_line(step.title)
    if step.kind == "note":
        return [f"{PROSE_INDENT}{text}"]
    out = [f"{PROSE_INDENT}- {text}" + (":" if step.code and not text.endswith(":") else "")]
    if step.command is not None:
        out.append(COMMAND_INDENT + step.command.line)
    elif step.edit is not None:
        out.append(EDIT_INDENT + one_line(step.edit.text))
    return out


def render_chat_markdown(notice: Notice) -> str:
    """The chat description: the same facts, compact; the rollback is in the next steps."""
    commit = notice.commit
    out = [
        f"*Commit* `{commit.short}` {chat_commit(commit.subject)}" + (" (merge)" if commit.is_merge else ""),
        f"*Author* {chat_commit(notice.author)}",
    ]
    if notice.pull_request:
        out.append(f"*Pull request* {chat(notice.pull_request)}")
    out += [
        f"*Verdict* {notice.outcome.value}, judged at {utc_iso(notice.now)}",
        f"*Services* {chat(services_line(notice))}",
    ]
    if notice.blocking:
        out.append("*Still blocking*")
        out += [f"• {chat(finding_line(f))}" for f in notice.blocking]
    if notice.activations:
        out.append("*Flag activations*")
        out += [f"• {chat(activation_line(a))}" for a in notice.activations]
    if notice.canaries:
        out.append("*Canary changes*")
        for canary in notice.canaries:
            head, *settings = canary_lines(canary)
            out.append(f"• {chat(head)}")
            out += [f"    {chat(s.strip())}" for s in settings]
    if notice.override is not None:
        out.append("*Override*")
        out += [f"• {chat(line)}" for line in override_lines(notice)]
    labels = " or ".join(f"{a.label}) {a.title.lower()}" for a in notice.rollback.alternatives)
    out.append(f"*Rollback* {labels}: alternatives, see the next steps")
    if commit.body:
        body, _ = cut(commit.body, CHAT_BODY_CHARS, "here: the email and the JSON message carry all of it")
        safe = chat_commit_block(body)
        fence = fence_for(safe)
        out += ["*Commit message*", fence, safe, fence]
    return "\n".join(out)


def next_steps(notice: Notice) -> list[str]:
    """The rollback for chat: each alternative's heading, then its steps, commands in code spans."""
    alternatives = notice.rollback.alternatives
    steps = [f"*Rollback: {len(alternatives)} alternatives. Choose ONE; they are not steps in order.*"]
    for alternative in alternatives:
        steps.append(f"*{alternative.label}) {alternative.title}.* {chat(alternative.when)}")
        steps += [_step_chat(alternative, step) for step in alternative.steps]
    return steps


def _step_chat(alternative: Alternative, step: RollbackStep) -> str:
    text = f"{alternative.label} · {chat(step.title)}"
    code = step.command.line if step.command is not None else chat(step.edit.text) if step.edit is not None else ""
    if not code:
        return text
    return f"{text}{'' if text.endswith(':') else ':'} `{code}`"


def render_chatbot(notice: Notice) -> dict[str, Any]:
    """The AWS Chatbot (Amazon Q Developer in chat) custom notification."""
    keywords = [chat(notice.repository), notice.outcome.value, *(chat(s.name) for s in notice.services)]
    return {
        "version": "1.0",
        "source": "custom",
        "id": event_id(notice),
        "content": {
            "textType": "client-markdown",
            "title": title(notice, subject=chat_commit),
            "description": render_chat_markdown(notice),
            "nextSteps": next_steps(notice),
            "keywords": keywords,
        },
        "metadata": {
            "threadId": thread_id(notice),
            # Not the SNS subject: folding to ASCII would turn the look-alikes back into `@` and `<`.
            "summary": cut(title(notice, subject=chat_commit), 200, "")[0].split("\n")[0],
            "eventType": "deployment",
            "relatedResources": [notice.commit.sha] + ([notice.pull_request] if notice.pull_request else []),
            "additionalContext": {
                "repository": notice.repository,
                "commit": notice.commit.sha,
                "author": chat_commit(notice.author),
                "verdict": notice.outcome.value,
                "judged_at": utc_iso(notice.now),
            },
        },
    }


def notice_document(notice: Notice) -> dict[str, Any]:
    commit = notice.commit
    return {
        "repository": notice.repository,
        "event": notice.event,
        "title": title(notice),
        "judged_at": utc_iso(notice.now),
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
        "rollback_alternatives": [
            {"id": a.id, "label": a.label, "title": a.title, "when": a.when} for a in notice.rollback.alternatives
        ],
        "rollback": [_step_document(alternative, step) for alternative, step in notice.rollback.steps],
        "trimmed_characters": notice.trimmed,
    }


def _step_document(alternative: Alternative, step: RollbackStep) -> dict[str, Any]:
    document: dict[str, Any] = {
        "alternative": alternative.id, "kind": step.kind, "title": step.title, "code": step.code,
    }
    if step.command is not None:
        document["argv"] = [list(stage) for stage in step.command.stages]
    if step.edit is not None:
        edit = step.edit
        document["edit"] = {
            "path": edit.path,
            "flag": edit.flag,
            "format": edit.format,
            "line": edit.line,
            "set": [{"pointer": list(a.pointer), "value": a.value} for a in edit.assignments],
        }
    return document


def render_json(notice: Notice, report: Mapping[str, Any]) -> dict[str, Any]:
    """For queues and functions: the JSON report (version 1) and the notice, side by side."""
    return {"notice": notice_document(notice), "report": dict(report)}
