"""The command line (DESIGN §2): `main(argv) -> int`, the parser and the one place errors become
exit codes.

0 pass or overridden, 1 blocked, 2 usage/policy/input error, 3 internal error (a bug; still
blocking). A user's mistake is one line on stderr, never a traceback. Each subcommand lives in
`gate.commands.<name>` and is imported only when it runs, so `gate check` never loads the AWS or
HTTP clients.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from gate import __version__
from gate.commands import error_line
from gate.commands.local import add_change_arguments
from gate.core.errors import EXIT_INTERNAL, EXIT_PASS, GateError, UsageError

FORMATS = ("text", "json", "markdown", "github", "sarif")

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


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors share the one error path."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("gate").strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message} (see `{self.prog} --help`)")


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
    add_change_arguments(check)
    check.add_argument("--now", metavar="TIME", help="judge as if it were TIME (ISO 8601, e.g. 2026-11-30T11:00:00Z)")
    check.add_argument(
        "--label", metavar="NAME", action="append", default=[], help="simulate a pull-request label (repeatable)"
    )
    check.add_argument("--format", choices=FORMATS, default="text", help="report format")
    check.add_argument(
        "--output", metavar="FILE", type=Path,
        help="write the report to FILE instead of stdout; the verdict line goes to stderr",
    )

    notify = commands.add_parser("notify", help="publish the deployment notice to SNS", description=_NOTIFY_HELP)
    add_change_arguments(notify)
    notify.add_argument("--topic-arn", metavar="ARN", help="the SNS topic (default: $GATE_SNS_TOPIC_ARN)")
    notify.add_argument("--region", metavar="R", help="AWS region (default: from the ARN or the AWS config)")
    notify.add_argument("--endpoint-url", metavar="URL", help="an SNS-compatible endpoint (e.g. a local one)")
    notify.add_argument("--dry-run", action="store_true", help="print every message; publish nothing")
    notify.add_argument(
        "--now", metavar="TIME",
        help="judge as if it were TIME (ISO 8601, e.g. 2026-11-30T11:00:00Z): pass the time `gate check` used, "
        "so the notice's verdict is the check's (default: the clock)",
    )

    commands.add_parser("action", help="the container's entrypoint: reads the GitHub Actions environment")

    hook = commands.add_parser(
        "hook", help="the pre-commit hook: judge the pushed change (or the staged one) as CI will"
    )
    hook.add_argument("--repo", metavar="DIR", type=Path, default=Path(), help="the repository (default: .)")
    hook.add_argument(
        "--policy", metavar="FILE", type=Path, help="policy file (default: .github/gate.yaml, else the built-in one)"
    )
    hook.add_argument("--format", choices=FORMATS, default="text", help="report format")
    hook.add_argument("--output", metavar="FILE", type=Path, help="write the report to FILE instead of stdout")
    hook.add_argument("--now", metavar="TIME", help=argparse.SUPPRESS)

    window = commands.add_parser(
        "window", help="list the coming golden windows and freezes (text, JSON, iCalendar, or cron lines to sweep)"
    )
    window.add_argument("--repo", metavar="DIR", type=Path, default=Path(), help="the repository (default: .)")
    window.add_argument(
        "--policy", metavar="FILE", type=Path,
        help="policy file (default: .github/gate.yaml at the merge-base with the default branch, else the default)",
    )
    window.add_argument("--now", metavar="TIME", help="start at TIME instead of the clock (ISO 8601)")
    window.add_argument(
        "--days", metavar="N", type=int, help="how many days to list (default: 14; with --format cron, 366)"
    )
    window.add_argument("--format", choices=["text", "json", "ics", "cron"], default="text", help="output format")

    policy = commands.add_parser("policy", help="validate policy files or print the policy JSON Schema")
    policy_commands = policy.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", parser_class=_Parser)
    policy_commands.required = True
    validate = policy_commands.add_parser("validate", help="validate policy files")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    policy_commands.add_parser("schema", help="print the JSON Schema of policy files")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    try:
        args = build_parser().parse_args(args_list)
        command = importlib.import_module(f"gate.commands.{args.command}")
        code: int = command.run(args)
        return code
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


def _tolerant_streams() -> None:
    """Never fail on writing: a terminal or pipe that is not UTF-8 gets escapes, not an exception."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
