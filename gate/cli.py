"""The command line (DESIGN §2): `main(argv) -> int`, the parser and the one place errors become
exit codes.

0 pass or overridden, 1 blocked, 2 usage/policy/input error, 3 internal error (a bug; still
blocking). A user's mistake is one line on stderr, never a traceback. Each subcommand lives in
`gate.commands.<name>` and is imported only when it runs, so `gate check` never loads the AWS or
HTTP clients.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser. With `command`, only that subcommand's options are built (the others are listed by
    name), so a run pays for the one it parses; without, all of them (`gate --help`)."""
    parser = _Parser(
        prog="gate",
        description="Deployment-confidence gatekeeper: judges a change against the team's rules.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"gate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for name, (summary, add_options) in SUBCOMMANDS.items():
        subcommand = commands.add_parser(name, help=summary)
        if command is None or command == name:
            add_options(subcommand)
    return parser


def _check_options(check: argparse.ArgumentParser) -> None:
    check.description, check.epilog = _CHECK_HELP, _EXIT_HELP
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


def _notify_options(notify: argparse.ArgumentParser) -> None:
    notify.description = _NOTIFY_HELP
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


def _action_options(action: argparse.ArgumentParser) -> None:
    """None: the action reads the GitHub Actions environment."""


def _hook_options(hook: argparse.ArgumentParser) -> None:
    hook.add_argument("--repo", metavar="DIR", type=Path, default=Path(), help="the repository (default: .)")
    hook.add_argument(
        "--policy", metavar="FILE", type=Path, help="policy file (default: .github/gate.yaml, else the built-in one)"
    )
    hook.add_argument("--format", choices=FORMATS, default="text", help="report format")
    hook.add_argument("--output", metavar="FILE", type=Path, help="write the report to FILE instead of stdout")
    hook.add_argument("--now", metavar="TIME", help=argparse.SUPPRESS)


def _window_options(window: argparse.ArgumentParser) -> None:
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


def _policy_options(policy: argparse.ArgumentParser) -> None:
    policy_commands = policy.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", parser_class=_Parser)
    policy_commands.required = True
    validate = policy_commands.add_parser("validate", help="validate policy files")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    policy_commands.add_parser("schema", help="print the JSON Schema of policy files")


# Each subcommand: its one-line summary, and the function that adds its options. Its code is
# gate.commands.<name>, imported when it runs.
SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "check": ("judge a change (base..head) and report", _check_options),
    "notify": ("publish the deployment notice to SNS", _notify_options),
    "action": ("the container's entrypoint: reads the GitHub Actions environment", _action_options),
    "hook": ("the pre-commit hook: judge the pushed change (or the staged one) as CI will", _hook_options),
    "window": (
        "list the coming golden windows and freezes (text, JSON, iCalendar, or cron lines to sweep)", _window_options
    ),
    "policy": ("validate policy files or print the policy JSON Schema", _policy_options),
}


def entry() -> NoReturn:
    """The `gate` command and `python -m gate`: `main`, then an exit that skips tearing down the
    interpreter, which would cost a short run a tenth of its time. Everything gate writes is written
    and closed by then (files in `with` blocks, git's processes closed); the standard streams are
    flushed here."""
    # A run lives for a fraction of a second and builds no cycles worth collecting early.
    gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError, OSError):
            stream.flush()  # a reader that went away changes nothing: the exit code says the verdict
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    try:
        named = args_list[0] if args_list and args_list[0] in SUBCOMMANDS else None
        args = build_parser(named).parse_args(args_list)
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
