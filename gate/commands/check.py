"""`gate check`: judge a change (base..head) and report it in one format.

Exit codes: 0 pass or overridden, 1 blocked; the report goes to stdout, or to `--output FILE` with
the verdict line on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys

from gate.commands.local import judged
from gate.core.errors import EXIT_BLOCKED, EXIT_PASS, UsageError
from gate.core.models import Outcome
from gate.core.request import SimulatedLabels
from gate.core.text import printable


def run(args: argparse.Namespace) -> int:
    from gate.core.report import renderer

    with judged(args, SimulatedLabels(tuple(args.label))) as judgement:
        pass
    if args.format == "text":
        from gate.core.report import text

        colour = args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        report = text.render(judgement, color=colour)
    else:
        report = renderer(args.format)(judgement)
    report = printable(report)  # a name's bytes that are not UTF-8 as \xNN: reports are UTF-8 text
    code = EXIT_BLOCKED if judgement.verdict.outcome is Outcome.FAIL else EXIT_PASS
    if args.output is not None:
        try:
            args.output.write_text(report, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--output {args.output}: cannot write the report: {exc.strerror}") from None
        from gate.core.report.github import headline

        # The report went to the file: the verdict still shows where the command ran.
        print(f"{headline(judgement.verdict, judgement.context)} -> {args.output}", file=sys.stderr)
        return code
    try:
        sys.stdout.write(report)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`gate check | head`): the verdict still decides the exit code.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return code
