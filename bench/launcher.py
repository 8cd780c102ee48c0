"""A small, long-lived process that starts each measured child and reports its time and peak memory.

Why not spawn the children from the benchmark itself: on Linux a new process's `ru_maxrss` starts
from the resident size of the process that forked it (the kernel carries the old memory's high-water
mark over `exec`), so every child of a 30 MiB harness would report at least 30 MiB. This launcher
imports nothing beyond what the interpreter starts with and runs with `-S -I`, so the smallest peak
it can report (its own size, about 8 MiB) stays below that of any Python process it measures.

Protocol, one line per child: stdin gets `pythonpath NUL stdout-path NUL stderr-path NUL argv0 NUL
argv1 ...` (an empty pythonpath keeps the launcher's environment; another sets PYTHONPATH, to run
another copy of gate);
stdout gets `exit-code wall-seconds cpu-seconds peak-KiB` (CPU: user + system, the
child's and that of the git processes it waited for).
"""

from __future__ import annotations

import os
import sys
import time


def main() -> int:
    replies = sys.stdout.buffer
    for line in sys.stdin.buffer:
        pythonpath, out_path, err_path, *argv = (os.fsdecode(field) for field in line.rstrip(b"\n").split(b"\0"))
        env = {**os.environ, "PYTHONPATH": pythonpath} if pythonpath else os.environ
        stdin = os.open(os.devnull, os.O_RDONLY)
        out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        actions = [(os.POSIX_SPAWN_DUP2, stdin, 0), (os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
        started = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        _pid, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - started
        for fd in (stdin, out, err):
            os.close(fd)
        cpu = usage.ru_utime + usage.ru_stime
        replies.write(f"{os.waitstatus_to_exitcode(status)} {elapsed!r} {cpu!r} {usage.ru_maxrss}\n".encode())
        replies.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
