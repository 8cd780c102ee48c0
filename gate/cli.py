"""The command line (DESIGN §2): `main(argv) -> int` with the stable exit codes.

0 pass or overridden, 1 blocked, 2 usage/policy/input error, 3 internal error (a bug; still
blocking). A user's mistake is one line on stderr, never a traceback. Subcommands import what they
need when they run, so `gate check` never loads the AWS or HTTP clients.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from gate import __version__
from gate.core.errors import EXIT_BLOCKED, EXIT_INTERNAL, EXIT_PASS, EXIT_USAGE, GateError, UsageError

if TYPE_CHECKING:
    from gate.core.judge import Judgement


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors share the one error path."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gate",
        description="Deployment-confidence gatekeeper: judges a change against the team's rules.",
    )
    parser.add_argument("--version", action="version", version=f"gate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    check = commands.add_parser("check", help="judge a change (base..head) and report")
    _add_change_arguments(check)
    check.add_argument("--now", metavar="TIME", help="judge as if it were TIME (ISO 8601, e.g. 2026-11-30T11:00:00Z)")
    check.add_argument(
        "--label", metavar="NAME", action="append", default=[], help="simulate a pull-request label (repeatable)"
    )
    check.add_argument(
        "--format", choices=["text", "json", "markdown", "github", "sarif"], default="text", help="report format"
    )
    check.add_argument("--output", metavar="FILE", type=Path, help="write the report to FILE instead of stdout")

    notify = commands.add_parser("notify", help="publish the deployment notice to SNS")
    _add_change_arguments(notify)
    notify.add_argument("--topic-arn", metavar="ARN", help="the SNS topic (default: $GATE_SNS_TOPIC_ARN)")
    notify.add_argument("--region", metavar="R", help="AWS region (default: from the ARN or the AWS config)")
    notify.add_argument("--endpoint-url", metavar="URL", help="an SNS-compatible endpoint (e.g. a local one)")
    notify.add_argument("--dry-run", action="store_true", help="print every message; publish nothing")
    notify.add_argument("--now", metavar="TIME", help=argparse.SUPPRESS)

    commands.add_parser("action", help="the container's entrypoint: reads the GitHub Actions environment")

    policy = commands.add_parser("policy", help="validate policy files or print the policy JSON Schema")
    policy_commands = policy.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", parser_class=_Parser)
    policy_commands.required = True
    validate = policy_commands.add_parser("validate", help="validate policy files")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    policy_commands.add_parser("schema", help="print the JSON Schema of policy files")
    return parser


def _add_change_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", metavar="DIR", type=Path, default=Path(), help="the repository (default: .)")
    parser.add_argument("--base", metavar="REV", help="base revision (default: merge-base with the default branch)")
    parser.add_argument("--head", metavar="REV", default="HEAD", help="head revision (default: HEAD)")
    parser.add_argument(
        "--policy", metavar="FILE", type=Path, help="policy file (default: .github/gate.yaml, else the built-in one)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    try:
        args = build_parser().parse_args(args_list)
        return _dispatch(args)
    except GateError as exc:
        error_line(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        error_line("interrupted")
        return EXIT_INTERNAL
    except BrokenPipeError:
        return EXIT_PASS
    except Exception as exc:
        if os.environ.get("GATE_DEBUG"):
            raise
        error_line(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in gate; gate blocks because it "
            "could not decide. Re-run with GATE_DEBUG=1 for the traceback and report it."
        )
        return EXIT_INTERNAL


def error_line(message: str) -> None:
    """One line on stderr, whatever the message quotes (a path with a newline, an API's text)."""
    from gate.core.text import one_line

    print(f"gate: {one_line(message)}", file=sys.stderr)


def _tolerant_streams() -> None:
    """Never fail on writing: a terminal or pipe that is not UTF-8 gets escapes, not an exception."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "check":
        return _check(args)
    if args.command == "notify":
        from gate.commands import notify

        return notify.run(args)
    if args.command == "action":
        from gate.commands import action

        return action.run()
    if args.command == "policy":
        return _policy(args)
    raise UsageError(f"unknown command {args.command}")  # pragma: no cover - argparse rejects it first


def now_from(args: argparse.Namespace) -> datetime:
    from gate.settings import parse_time

    return parse_time(args.now) if getattr(args, "now", None) else datetime.now(UTC)


@contextmanager
def judged(args: argparse.Namespace, labels: tuple[str, ...] = (), event: str | None = None) -> Iterator[Judgement]:
    """Judge the change the common options (--repo, --base, --head, --policy, --now) name.

    The repository stays open while the caller uses the judgement: the notice reads the changed
    manifests again through the same git process.
    """
    from gate.adapters.git import Git
    from gate.core.context import Refs
    from gate.core.judge import judge_change

    now = now_from(args)
    with Git(args.repo) as git:
        yield judge_change(
            git,
            Refs(base=args.base, head=args.head),
            now,
            policy_path=args.policy,
            labels=labels,
            repository=os.environ.get("GITHUB_REPOSITORY") or git.github_repository(),
            event=event,
        )


def _check(args: argparse.Namespace) -> int:
    from gate.core.models import Outcome
    from gate.core.report import renderer
    from gate.core.text import printable

    with judged(args, labels=tuple(args.label)) as judgement:
        verdict, context, policy = judgement.verdict, judgement.context, judgement.policy
    if args.format == "text":
        from gate.core.report import text

        colour = args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        report = text.render(verdict, context, color=colour)
    elif args.format == "markdown":
        from gate.core.report import markdown

        report = markdown.render_markdown(verdict, context, window=markdown.policy_window(policy))
    else:
        report = renderer(args.format)(verdict, context)
    report = printable(report)  # a name's bytes that are not UTF-8 as \xNN: reports are UTF-8 text
    if args.output is not None:
        try:
            args.output.write_text(report, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--output {args.output}: cannot write the report: {exc.strerror}") from None
    code = EXIT_BLOCKED if verdict.outcome is Outcome.FAIL else EXIT_PASS
    if args.output is None:
        try:
            sys.stdout.write(report)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`gate check | head`): the verdict still decides the exit code.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return code


def _policy(args: argparse.Namespace) -> int:
    from gate.core import policy

    if args.policy_command == "schema":
        sys.stdout.write(policy.schema_json())
        return EXIT_PASS
    failed = False
    for path in args.files:
        try:
            policy.load_policy_file(path)
        except GateError as exc:
            error_line(str(exc))
            failed = True
        else:
            print(f"{path}: valid")
    return EXIT_USAGE if failed else EXIT_PASS
