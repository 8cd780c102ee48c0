"""The deployment notice: what changed, who changed it, and how to undo it (pure).

The engineer who reads it may be in another timezone and half awake, so every rollback line is
something to paste as is: `git revert` of the commit, `kubectl rollout undo` for each changed
Deployment or canary target, and the one edit that turns each activated flag off in its own file
format. Where gate cannot be sure of a value a command needs (a namespace), it says so instead of
printing a command that could act on the wrong thing.

This module builds a `Notice` from the judged change and renders it three ways: the AWS Chatbot
custom notification (chat), plain text (email) and a JSON document (queues and functions). The
SNS envelope that carries them (`SnsMessage`: one publish with `MessageStructure=json`) is built
here too, because fitting SNS's size limit means trimming the notice's free text, never a command.
Nothing here reads the clock, the environment or the network.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from gate.manifests import YAML_SUFFIXES, Document, load_manifest
from gate.models import Activation, Commit, Context, Finding, Override, Service, Verdict
from gate.yamlio import YList, YMap

# -- limits of SNS that gate enforces itself (moto, the local stand-in, is laxer) ---------------
MAX_MESSAGE_BYTES = 256 * 1024  # message + subject + attributes, in UTF-8 bytes
MAX_SUBJECT_CHARS = 99  # "fewer than 100"
MAX_DEDUPLICATION_ID = 128
PROTOCOL_KEYS = ("default", "email", "sqs", "lambda", "https")
FLAGGER_GROUP = "flagger.app"
DEPLOYMENT_GROUPS = ("apps", "extensions")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

# Kubernetes names: a namespace is a DNS label, a Deployment a DNS subdomain. Anything else (a Helm
# placeholder, a shell metacharacter) never reaches a command line.
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_SHA = re.compile(r"^[0-9a-f]{7,64}$")
_MAX_CANARY_SETTINGS = 24
# Chat is read on a phone: the commit message there is a preview; email and JSON carry all of it.
CHAT_BODY_CHARS = 1500


class NoticeError(ValueError):
    """A message SNS would reject; the reason is one line."""


# == the notice ================================================================================


@dataclass(frozen=True, slots=True)
class RollbackStep:
    """One rollback instruction. `kind`: command (paste it), edit (make it in a file), lookup
    (a read-only command to run first, because gate could not be sure of a value)."""

    kind: str
    title: str
    code: str


@dataclass(frozen=True, slots=True)
class CanarySetting:
    key: str
    value: str | None  # at head; None when removed
    before: str | None  # at base; None when new


@dataclass(frozen=True, slots=True)
class CanaryChange:
    name: str
    namespace: str | None
    target: str | None
    path: str
    line: int
    is_new: bool
    settings: tuple[CanarySetting, ...]


@dataclass(frozen=True, slots=True)
class Notice:
    repository: str
    event: str
    commit: Commit
    base: str
    now: datetime
    outcome: str
    pull_request: str | None
    services: tuple[Service, ...]
    activations: tuple[Activation, ...]
    canaries: tuple[CanaryChange, ...]
    override: Override | None
    waived: tuple[Finding, ...]
    blocking: tuple[Finding, ...]
    rollback: tuple[RollbackStep, ...]
    trimmed: int = 0  # characters of free text removed to fit SNS's limit

    @property
    def author(self) -> str:
        name, email = self.commit.author_name, self.commit.author_email
        return f"{name} <{email}>" if email else name


def build_notice(
    verdict: Verdict, context: Context, *, repository: str | None = None, event: str | None = None
) -> Notice:
    """The notice for the change `context` judged as `verdict`; the event defaults to the context's, else push."""
    commit = context.commit or Commit(
        sha=context.head, subject="", body="", author_name="unknown", author_email="", parents=()
    )
    return Notice(
        repository=repository or context.repository or "unknown repository",
        event=event or context.event or "push",
        commit=commit,
        base=context.base,
        now=context.now,
        outcome=verdict.outcome.value,
        pull_request=_pull_request_link(context),
        services=context.services,
        activations=verdict.activations,
        canaries=tuple(canary_changes(context)),
        override=verdict.override,
        waived=verdict.waived,
        blocking=verdict.blocking,
        rollback=tuple(rollback_steps(verdict, context, commit)),
    )


def _pull_request_link(context: Context) -> str | None:
    pr = context.pull_request
    if pr is None:
        return None
    if pr.url:
        return pr.url
    if context.repository:
        return f"https://github.com/{context.repository}/pull/{pr.number}"
    return f"#{pr.number}"


# -- rollback ----------------------------------------------------------------------------------


def rollback_steps(verdict: Verdict, context: Context, commit: Commit) -> Iterator[RollbackStep]:
    yield revert_step(commit)
    yield from workload_steps(context)
    for activation in verdict.activations:
        yield flag_off_step(activation)


def revert_step(commit: Commit) -> RollbackStep:
    if not _SHA.match(commit.sha):
        return RollbackStep("lookup", "Find the commit to revert (gate could not read its id)", "git log -1")
    if commit.is_merge:
        # A merge has several parents; -m 1 keeps the mainline (the branch it was merged into).
        return RollbackStep(
            "command",
            f"Revert merge commit {commit.short} (keeping the mainline), then push",
            f"git revert --no-edit -m 1 {commit.sha}",
        )
    return RollbackStep("command", f"Revert commit {commit.short}, then push", f"git revert --no-edit {commit.sha}")


@dataclass(frozen=True, slots=True)
class _Workload:
    name: str
    namespace: str | None
    why_unknown: str
    path: str


def workload_steps(context: Context) -> Iterator[RollbackStep]:
    seen: set[tuple[str, str | None]] = set()
    for workload in changed_workloads(context):
        key = (workload.name, workload.namespace)
        if key in seen:
            continue
        seen.add(key)
        if not _DNS_SUBDOMAIN.match(workload.name):
            yield RollbackStep(
                "lookup",
                f"A Deployment in {workload.path} has a name gate cannot use in a command "
                f"({workload.name!r}); find it and roll it back by hand",
                "kubectl get deployments --all-namespaces",
            )
        elif workload.namespace is not None:
            yield RollbackStep(
                "command",
                f"Roll back deployment/{workload.name} in namespace {workload.namespace} ({workload.path})",
                f"kubectl -n {workload.namespace} rollout undo deployment/{workload.name}",
            )
        else:
            yield RollbackStep(
                "lookup",
                f"Namespace of deployment/{workload.name} unknown ({workload.why_unknown}, {workload.path}): "
                f"find it with this command, then run "
                f"`kubectl -n <namespace> rollout undo deployment/{workload.name}`",
                f"kubectl get deployments --all-namespaces --field-selector metadata.name={workload.name}",
            )


def changed_workloads(context: Context) -> Iterator[_Workload]:
    """Deployments in changed manifests, and the Deployments that changed Flagger canaries target."""
    for changed in context.changed(suffixes=YAML_SUFFIXES):
        manifest = context.manifest(changed.path)
        if not manifest.ok:
            continue
        for document in manifest.resources(kinds=("Deployment", "Canary")):
            if document.kind == "Deployment" and document.group in DEPLOYMENT_GROUPS:
                name = document.name
            elif document.kind == "Canary" and document.group == FLAGGER_GROUP:
                target = document.spec.get("targetRef")
                if not isinstance(target, Mapping) or target.get("kind", "Deployment") != "Deployment":
                    continue  # a canary of a DaemonSet or Service has no Deployment to undo
                name = str(target.get("name") or "")
            else:
                continue
            if not name:
                continue
            namespace, why = resolve_namespace(document, context)
            yield _Workload(name=name, namespace=namespace, why_unknown=why, path=changed.path)


def resolve_namespace(document: Document, context: Context) -> tuple[str | None, str]:
    """The namespace a resource is applied to, or None and why gate cannot tell.

    `metadata.namespace` first, else a kustomization's `namespace:` in the same folder. When both
    are set and differ, kustomize would override the resource's own: gate cannot know which file is
    applied, so it calls the namespace unknown rather than guess.
    """
    own = document.namespace
    folder = posixpath.dirname(document.path)
    kustomized, kustomization_path = _kustomization_namespace(context, folder)
    if own is not None and kustomized is not None and own != kustomized:
        return None, f"metadata.namespace is {own!r} but {kustomization_path} sets {kustomized!r}"
    chosen = own if own is not None else kustomized
    if chosen is None:
        return None, "no metadata.namespace and no kustomization namespace in its folder"
    if not _DNS_LABEL.match(chosen):
        return None, f"namespace {chosen!r} is not a plain Kubernetes name (a template?)"
    return chosen, ""


def _kustomization_namespace(context: Context, folder: str) -> tuple[str | None, str]:
    for name in KUSTOMIZATION_FILES:
        path = posixpath.join(folder, name) if folder else name
        content = context.head_tree.read(path)
        if content is None:
            continue
        parsed = load_manifest(path, content)
        for document in parsed.documents:
            value = document.data.get("namespace")
            if isinstance(value, str) and value:
                return value, path
        return None, path
    return None, ""


def flag_off_step(activation: Activation) -> RollbackStep:
    """The edit that turns the flag off in its own format (the rest of the file stays as is)."""
    where = f"{activation.path} line {activation.line}" if activation.line else activation.path
    suffix = posixpath.splitext(activation.path)[1].lower()
    if activation.format == "flagd":
        edit = '"state": "DISABLED"' if suffix == ".json" else "state: DISABLED"
    elif activation.format == "flipt":
        edit = '"enabled": false' if suffix == ".json" else "enabled: false"
    elif activation.format == "go-feature-flag":
        edit = {".json": '"disable": true', ".toml": "disable = true"}.get(suffix, "disable: true")
    else:
        return RollbackStep(
            "lookup", f"Turn off flag {activation.flag!r} in {where} (format {activation.format!r})", ""
        )
    return RollbackStep(
        "edit",
        f"Turn off flag {activation.flag!r} ({activation.format}, {activation.change}): in {where}, set",
        edit,
    )


# -- canary settings ---------------------------------------------------------------------------


def canary_changes(context: Context) -> Iterator[CanaryChange]:
    for changed in context.changed(suffixes=YAML_SUFFIXES):
        manifest = context.manifest(changed.path)
        if not manifest.ok:
            continue
        before = context.manifest(changed.old_path or changed.path, side="base")
        old = {(d.name, d.namespace): d for d in before.resources(kinds=("Canary",), groups=(FLAGGER_GROUP,))}
        for canary in manifest.resources(kinds=("Canary",), groups=(FLAGGER_GROUP,)):
            previous = old.get((canary.name, canary.namespace))
            head_settings = canary_settings(canary)
            base_settings = canary_settings(previous) if previous is not None else {}
            keys = sorted(set(head_settings) | set(base_settings))
            settings = tuple(
                CanarySetting(key, head_settings.get(key), base_settings.get(key) if previous else None)
                for key in keys
                if previous is None or head_settings.get(key) != base_settings.get(key)
            )
            target = canary.spec.get("targetRef")
            yield CanaryChange(
                name=canary.name,
                namespace=canary.namespace,
                target=f"{target.get('kind', '?')}/{target.get('name', '?')}" if isinstance(target, Mapping) else None,
                path=changed.path,
                line=canary.line,
                is_new=previous is None,
                settings=settings[:_MAX_CANARY_SETTINGS],
            )


def canary_settings(canary: Document) -> dict[str, str]:
    """The settings that decide how a canary progresses and rolls back, flattened to dotted keys."""
    spec = canary.spec
    flat: dict[str, str] = {}
    for key in ("progressDeadlineSeconds", "skipAnalysis"):
        if key in spec:
            flat[key] = _scalar(spec[key])
    analysis_key = "analysis" if "analysis" in spec else "canaryAnalysis"
    analysis = spec.get(analysis_key)
    if isinstance(analysis, YMap):
        _flatten(analysis, "analysis", flat)
    return flat


def _flatten(value: Any, prefix: str, into: dict[str, str]) -> None:
    if isinstance(value, YMap):
        for key, item in value.items():
            if key in ("webhooks", "alerts", "sessionAffinity"):
                continue  # how Flagger talks to other systems, not how far or how fast it goes
            _flatten(item, f"{prefix}.{key}", into)
    elif isinstance(value, YList) and value and all(isinstance(item, YMap) and "name" in item for item in value):
        for item in value:
            _flatten({k: v for k, v in item.items() if k != "name"}, f"{prefix}.{item['name']}", into)
    elif isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}", into)
    else:
        into[prefix] = _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(", ", ": "), default=str)
    return str(value)


# == rendering =================================================================================


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _services_line(notice: Notice) -> str:
    return ", ".join(f"{s.name} ({s.status.value})" for s in notice.services) or "none"


def _override_lines(notice: Notice) -> list[str]:
    override = notice.override
    if override is None:
        return []
    decision = "accepted" if override.accepted else "not accepted"
    who = override.actor or "unknown"
    lines = [f"label {override.label} by {who} ({override.role or 'no role'}): {decision}: {override.reason}"]
    lines += [f"waived: {_finding_line(f)}" for f in notice.waived]
    return lines


def _finding_line(finding: Finding) -> str:
    where = f"{finding.path}:{finding.line}" if finding.path and finding.line else (finding.path or "(change)")
    return f"{finding.rule} at {where}: {finding.message}"


def _activation_line(activation: Activation) -> str:
    where = f"{activation.path}:{activation.line}" if activation.line else activation.path
    return f"{activation.flag} ({activation.format}, {activation.change}) {where}"


def _canary_lines(canary: CanaryChange) -> list[str]:
    where = f"{canary.namespace}/{canary.name}" if canary.namespace else canary.name
    head = f"{where} -> {canary.target or 'no target'} ({canary.path}:{canary.line}){', new' if canary.is_new else ''}"
    lines = [head]
    for setting in canary.settings:
        if canary.is_new:
            lines.append(f"  {setting.key}: {setting.value}")
        else:
            lines.append(f"  {setting.key}: {setting.before or '(unset)'} -> {setting.value or '(unset)'}")
    if not canary.settings:
        lines.append("  no progression or analysis setting changed")
    return lines


def title(notice: Notice) -> str:
    tag = "" if notice.outcome == "pass" else f" [{notice.outcome.upper()}]"
    return f"Deployed {notice.repository}@{notice.commit.short}{tag}: {notice.commit.subject}"


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
        f"Event:        {notice.event} at {utc(notice.now)}",
        f"Verdict:      {notice.outcome} (gate judged {notice.base[:12]}..{commit.short})",
        f"Services:     {_services_line(notice)}",
    ]
    if notice.blocking:
        lines += ["", "Still blocking:"] + [f"  {_finding_line(f)}" for f in notice.blocking]
    if notice.activations:
        lines += ["", "Flag activations:"] + [f"  {_activation_line(a)}" for a in notice.activations]
    if notice.canaries:
        lines += ["", "Canary changes:"]
        for canary in notice.canaries:
            lines += [f"  {line}" for line in _canary_lines(canary)]
    if notice.override is not None:
        lines += ["", "Override:"] + [f"  {line}" for line in _override_lines(notice)]
    lines += ["", "Rollback (paste each line as it is):"]
    for number, step in enumerate(notice.rollback, 1):
        lines.append(f"  {number}. {step.title}:")
        if step.code:
            lines.append(f"     {step.code}")
    if commit.body:
        lines += ["", "Commit message:"] + [f"  {line}" if line else "" for line in commit.body.splitlines()]
    return "\n".join(lines) + "\n"


def render_markdown(notice: Notice) -> str:
    """The chat description: the same facts, compact, commands in code spans."""
    commit = notice.commit
    lines = [
        f"*Commit* `{commit.short}` {_md(commit.subject)}" + (" (merge)" if commit.is_merge else ""),
        f"*Author* {_md(notice.author)}",
    ]
    if notice.pull_request:
        lines.append(f"*Pull request* {notice.pull_request}")
    lines += [f"*Verdict* {notice.outcome}", f"*Services* {_md(_services_line(notice))}"]
    if notice.blocking:
        lines.append("*Still blocking*")
        lines += [f"• {_md(_finding_line(f))}" for f in notice.blocking]
    if notice.activations:
        lines.append("*Flag activations*")
        lines += [f"• {_md(_activation_line(a))}" for a in notice.activations]
    if notice.canaries:
        lines.append("*Canary changes*")
        for canary in notice.canaries:
            head, *settings = _canary_lines(canary)
            lines.append(f"• {_md(head)}")
            lines += [f"    {_md(s.strip())}" for s in settings]
    if notice.override is not None:
        lines.append("*Override*")
        lines += [f"• {_md(line)}" for line in _override_lines(notice)]
    if commit.body:
        body, _ = _cut(commit.body, CHAT_BODY_CHARS, "here: the email and the JSON message carry all of it")
        lines += ["*Commit message*", "```", body.replace("```", "'''"), "```"]
    return "\n".join(lines)


def _md(text: str) -> str:
    # Backticks would open a code span in the middle of free text.
    return text.replace("`", "'")


def next_steps(notice: Notice) -> list[str]:
    return [f"{step.title}: `{step.code}`" if step.code else step.title for step in notice.rollback]


def thread_id(notice: Notice) -> str:
    """One chat thread per repository and set of services, so follow-up notices land together."""
    services = "+".join(sorted(s.name for s in notice.services)) or "repository"
    return f"gate/{notice.repository}/{services}"


def event_id(notice: Notice) -> str:
    """Deterministic per repository, commit and event: the FIFO deduplication id and the chat id."""
    key = f"{notice.repository}\n{notice.commit.sha}\n{notice.event}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def render_chatbot(notice: Notice) -> dict[str, Any]:
    """The AWS Chatbot (Amazon Q Developer in chat) custom notification."""
    keywords = [notice.repository, notice.outcome, *(s.name for s in notice.services)]
    return {
        "version": "1.0",
        "source": "custom",
        "id": event_id(notice),
        "content": {
            "textType": "client-markdown",
            "title": _md(title(notice)),
            "description": render_markdown(notice),
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
                "verdict": notice.outcome,
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


# == the SNS message ===========================================================================


def subject_line(notice: Notice) -> str:
    return sanitize_subject(title(notice))


def sanitize_subject(text: str) -> str:
    """One line of printable ASCII, fewer than 100 characters, starting with a visible character."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    printable = "".join(ch if " " <= ch <= "~" else " " for ch in ascii_text)
    single = " ".join(printable.split())
    if len(single) > MAX_SUBJECT_CHARS:
        single = single[: MAX_SUBJECT_CHARS - 3].rstrip() + "..."
    return single or "Deployment notice"


@dataclass(frozen=True)
class SnsMessage:
    """One SNS Publish call: a per-protocol message (`MessageStructure=json`) and its envelope."""

    subject: str
    message: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    group_id: str | None = None
    deduplication_id: str | None = None
    structure: str = "json"
    # The views the message carries, for a dry run and the log.
    text: str = ""
    chatbot: Mapping[str, Any] = field(default_factory=dict)
    document: Mapping[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return message_size(self.message, self.subject, self.attributes)

    def publish_arguments(self, topic_arn: str) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "TopicArn": topic_arn,
            "Message": self.message,
            "Subject": self.subject,
            "MessageStructure": self.structure,
            "MessageAttributes": {
                name: {"DataType": "String", "StringValue": value} for name, value in self.attributes.items()
            },
        }
        if self.group_id is not None:
            arguments["MessageGroupId"] = self.group_id
        if self.deduplication_id is not None:
            arguments["MessageDeduplicationId"] = self.deduplication_id
        return arguments


def message_size(message: str, subject: str, attributes: Mapping[str, str]) -> int:
    """Bytes SNS counts against its limit: the message, the subject, each attribute's name, type and value."""
    size = len(message.encode("utf-8")) + len(subject.encode("utf-8"))
    for name, value in attributes.items():
        size += len(name.encode("utf-8")) + len(b"String") + len(value.encode("utf-8"))
    return size


def is_fifo(topic_arn: str | None) -> bool:
    return bool(topic_arn) and str(topic_arn).endswith(".fifo")


def compose(
    notice: Notice, report: Mapping[str, Any], *, topic_arn: str | None = None, limit: int = MAX_MESSAGE_BYTES
) -> SnsMessage:
    """The SNS message for the notice, trimmed to fit `limit` bytes; raises NoticeError if it cannot fit.

    Only free text shrinks (the commit message, then the subject): the longest first, each cut
    marked. Commands and the facts around them are never cut.
    """
    full = _assemble(notice, report, topic_arn)
    if full.size <= limit:
        validate(full, topic_arn=topic_arn, limit=limit)
        return full
    longest = max(len(notice.commit.body), len(notice.commit.subject))
    low, high = 0, longest  # find the largest cap on free text that fits
    best: SnsMessage | None = None
    while low <= high:
        cap = (low + high) // 2
        candidate = _assemble(_capped(notice, cap), report, topic_arn)
        if candidate.size <= limit:
            best, low = candidate, cap + 1
        else:
            high = cap - 1
    if best is None:
        raise NoticeError(
            f"the notice does not fit SNS's {limit // 1024} KiB limit even with the commit message trimmed "
            f"({full.size} bytes)"
        )
    validate(best, topic_arn=topic_arn, limit=limit)
    return best


def _capped(notice: Notice, cap: int) -> Notice:
    commit = notice.commit
    body, body_cut = _cut(commit.body, cap)
    subject, subject_cut = _cut(commit.subject, max(cap, 72))
    return replace(
        notice, commit=replace(commit, body=body, subject=subject), trimmed=notice.trimmed + body_cut + subject_cut
    )


def _cut(text: str, cap: int, why: str = "to fit SNS's 256 KiB message limit") -> tuple[str, int]:
    if len(text) <= cap:
        return text, 0
    removed = len(text) - cap
    return f"{text[:cap]}\n[... {removed} characters trimmed by gate {why}]", removed


def _assemble(notice: Notice, report: Mapping[str, Any], topic_arn: str | None) -> SnsMessage:
    text = render_text(notice)
    chatbot = render_chatbot(notice)
    document = render_json(notice, report)
    chatbot_json = json.dumps(chatbot, ensure_ascii=False, separators=(",", ":"))
    document_json = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    per_protocol = {
        "default": text,
        "email": text,
        "sqs": document_json,
        "lambda": document_json,
        "https": chatbot_json,
    }
    fifo = is_fifo(topic_arn)
    return SnsMessage(
        subject=subject_line(notice),
        message=json.dumps(per_protocol, ensure_ascii=False, separators=(",", ":")),
        attributes={
            "gate.repository": notice.repository,
            "gate.verdict": notice.outcome,
            "gate.event": notice.event,
        },
        group_id=_group_id(notice.repository) if fifo else None,
        deduplication_id=event_id(notice) if fifo else None,
        text=text,
        chatbot=chatbot,
        document=document,
    )


def _group_id(repository: str) -> str:
    # FIFO group ids allow 128 characters of letters, digits and punctuation: one group per repository
    # keeps each repository's notices in order.
    cleaned = "".join(ch if "!" <= ch <= "~" else "-" for ch in repository)[:128]
    return cleaned or "gate"


def validate(message: SnsMessage, *, topic_arn: str | None = None, limit: int = MAX_MESSAGE_BYTES) -> None:
    """Reject what SNS rejects, as SNS counts it (bytes, not characters), before anything is sent."""
    subject = message.subject
    if not subject:
        raise NoticeError("the subject is empty")
    if len(subject) > MAX_SUBJECT_CHARS:
        raise NoticeError(f"the subject has {len(subject)} characters; SNS takes fewer than 100")
    if any(not (" " <= ch <= "~") for ch in subject):
        raise NoticeError("the subject must be one line of printable ASCII (no line breaks or control characters)")
    if not subject[0].isalnum() and subject[0] not in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~":
        raise NoticeError("the subject must start with a letter, a digit or punctuation")
    if message.size > limit:
        raise NoticeError(f"the message is {message.size} bytes in UTF-8; SNS takes at most {limit} bytes")
    if message.structure == "json":
        try:
            parsed = json.loads(message.message)
        except ValueError:
            raise NoticeError("MessageStructure=json needs the message to be a JSON object") from None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("default"), str):
            raise NoticeError("MessageStructure=json needs a JSON object with a string under 'default'")
        if any(not isinstance(value, str) for value in parsed.values()):
            raise NoticeError("MessageStructure=json needs every protocol's message to be a string")
    if is_fifo(topic_arn):
        if not message.group_id:
            raise NoticeError("a FIFO topic needs a MessageGroupId")
        if not message.deduplication_id or len(message.deduplication_id) > MAX_DEDUPLICATION_ID:
            raise NoticeError("a FIFO topic needs a MessageDeduplicationId of at most 128 characters")
    elif message.group_id or message.deduplication_id:
        raise NoticeError("MessageGroupId and MessageDeduplicationId are only for FIFO topics")
