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
        # main() prints "gate: " before every error: name the subcommand only ("gate: check: ...").
        command = self.prog.removeprefix("gate").strip()
        raise UsageError(f"{command + ': ' if command else ''}{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gate",
        description="Deployment-confidence gatekeeper: judges a change against the team's rules.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"gate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    check = commands.add_parser(
        "check", help="judge a change (base..head) and report", description=_CHECK_HELP, epilog=_EXIT_HELP
    )
    _add_change_arguments(check)
    check.add_argument("--now", metavar="TIME", help="judge as if it were TIME (ISO 8601, e.g. 2026-11-30T11:00:00Z)")
    check.add_argument(
        "--label", metavar="NAME", action="append", default=[], help="simulate a pull-request label (repeatable)"
    )
    check.add_argument(
        "--format", choices=["text", "json", "markdown", "github", "sarif"], default="text", help="report format"
    )
    check.add_argument(
        "--output", metavar="FILE", type=Path,
        help="write the report to FILE instead of stdout; the verdict line goes to stderr",
    )

    notify = commands.add_parser(
        "notify", help="publish the deployment notice to SNS",
        description=_NOTIFY_HELP,
    )
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


_POLICY_HELP = (
    "The policy is the repository's .github/gate.yaml as it is on the BASE side of the change (a "
    "change cannot loosen the rules it is judged by; a changed policy is validated and applies once "
    "merged), else the built-in default. --policy FILE (a file on disk) replaces both."
)
_CHECK_HELP = "Judges the change base..head of a git repository against the team's policy. " + _POLICY_HELP
_NOTIFY_HELP = (
    "Publishes the deployment notice of the change base..head, with the verdict `gate check` gives it. "
    + _POLICY_HELP
)
_EXIT_HELP = "Exit codes: 0 pass or overridden, 1 blocked, 2 usage, policy or input error, 3 internal error."


def _add_change_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", metavar="DIR", type=Path, default=Path(), help="the repository (default: .)")
    parser.add_argument(
        "--base", metavar="REV",
        help="base revision (default: the merge-base with the default branch, else the parent of head, "
        "else the empty tree)",
    )
    parser.add_argument("--head", metavar="REV", default="HEAD", help="head revision (default: HEAD)")
    parser.add_argument(
        "--policy", metavar="FILE", type=Path,
        help="policy file (default: .github/gate.yaml read from the base side, else the built-in policy)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(args_list)
        return _dispatch(args)
    except GateError as exc:
        print(f"gate: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("gate: interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:
        return EXIT_PASS
    except Exception as exc:
        if os.environ.get("GATE_DEBUG"):
            raise
        print(
            f"gate: internal error: {type(exc).__name__}: {exc}. This is a bug in gate; gate blocks because it "
            "could not decide. Re-run with GATE_DEBUG=1 for the traceback and report it.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


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
    code = EXIT_BLOCKED if verdict.outcome is Outcome.FAIL else EXIT_PASS
    if args.output is not None:
        from gate.core.report.github import headline

        try:
            args.output.write_text(report, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--output {args.output}: cannot write the report: {exc.strerror}") from None
        # The report went to the file: the verdict still shows where the command ran.
        print(f"{headline(verdict, context)} -> {args.output}", file=sys.stderr)
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
            print(f"gate: {exc}", file=sys.stderr)
            failed = True
        else:
            print(f"{path}: valid")
    return EXIT_USAGE if failed else EXIT_PASS
