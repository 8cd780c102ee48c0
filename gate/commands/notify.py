"""`gate notify`: judge the change and publish the deployment notice to SNS.

One clock: `--now TIME` judges the change as `gate check --now TIME` does (the golden window
included), so the notice's verdict is the check's; the notice says when it was judged. Without
it the clock decides, as for `gate check`.

Exit codes: 0 when the notice was published (or printed with --dry-run), whatever the verdict: the
deployment has happened and the notice reports it. 2 when the notice could not be published
(`ExternalError`): one line on stderr says why, and the full notice goes to stdout so nothing is
lost. A missing topic without --dry-run is a usage error (2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from gate.commands.local import judged
from gate.core.errors import EXIT_PASS, ExternalError, UsageError
from gate.core.notice import SnsMessage
from gate.core.request import NoOverride
from gate.core.text import printable

TOPIC_ENV = "GATE_SNS_TOPIC_ARN"


def run(args: argparse.Namespace) -> int:
    from gate.core.notice import NoticeError, deployment_message

    topic_arn = args.topic_arn or os.environ.get(TOPIC_ENV) or None
    if topic_arn is None and not args.dry_run:
        raise UsageError(f"notify: no SNS topic: pass --topic-arn or set {TOPIC_ENV} (or use --dry-run)")
    with judged(args, NoOverride(), event="push") as judgement:
        # A clone without a GitHub remote: the folder's name still tells the team which repository.
        repository = judgement.context.repository or args.repo.resolve().name
        if args.dry_run:
            try:
                message = deployment_message(judgement, topic_arn=topic_arn, repository=repository)
            except NoticeError as exc:
                raise ExternalError(f"notify: the deployment notice cannot be sent: {exc}") from None
            sys.stdout.write(printable(dry_run_text(message, topic_arn)))
            return EXIT_PASS
        from gate.adapters import sns

        assert topic_arn is not None
        settings = sns.SnsSettings(topic_arn=topic_arn, region=args.region, endpoint_url=args.endpoint_url)
        outcome = sns.publish_notice(judgement, settings, repository=repository)
    if not outcome.published:
        sys.stdout.write(printable(outcome.rendered))
        sys.stdout.flush()
        raise ExternalError(f"notify: the deployment notice was not published: {outcome.error}")
    print(f"gate: deployment notice published to {topic_arn} (message id {outcome.message_id})", file=sys.stderr)
    return EXIT_PASS


def dry_run_text(message: SnsMessage, topic_arn: str | None) -> str:
    """Every message a publish would send, each under a header line, then the envelope."""
    envelope = {
        "TopicArn": topic_arn,
        "Subject": message.subject,
        "MessageStructure": message.structure,
        "MessageAttributes": dict(message.attributes),
        "MessageGroupId": message.group_id,
        "MessageDeduplicationId": message.deduplication_id,
        "bytes": message.size,
    }
    sections = [
        "--- dry run: nothing was published ---",
        "--- chatbot custom notification (https) ---",
        json.dumps(message.chatbot, indent=2, ensure_ascii=False),
        "--- email and default (plain text) ---",
        message.text.rstrip("\n"),
        "--- json (sqs, lambda) ---",
        json.dumps(message.document, indent=2, ensure_ascii=False),
        "--- envelope ---",
        json.dumps(envelope, indent=2, ensure_ascii=False),
    ]
    if message.full_text:
        sections += [
            "--- the whole notice (too large for one SNS message: the messages above leave steps out) ---",
            message.full_text.rstrip("\n"),
        ]
    return "\n".join(sections) + "\n"
