"""`gate policy validate FILE...` and `gate policy schema`."""

from __future__ import annotations

import argparse
import sys

from gate.commands import error_line
from gate.commands.local import read_policy_file
from gate.core import policy
from gate.core.errors import EXIT_PASS, EXIT_USAGE, GateError


def run(args: argparse.Namespace) -> int:
    if args.policy_command == "schema":
        sys.stdout.write(policy.schema_json())
        return EXIT_PASS
    failed = False
    for path in args.files:
        try:
            policy.parse_policy(read_policy_file(path), str(path))
        except GateError as exc:
            error_line(str(exc))
            failed = True
        else:
            print(f"{path}: valid")
    return EXIT_USAGE if failed else EXIT_PASS
