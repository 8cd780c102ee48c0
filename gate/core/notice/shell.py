"""Command lines people paste, built from argv and nothing else (pure).

Every value that reaches a command is checked with a full match (`re.fullmatch`: `$` would let a
trailing newline through) and quoted with `shlex.quote`; a value that fails is refused and the
notice says why instead of printing a command. A `Command` keeps the argv gate means, so tests can
prove that `shlex.split(command.line)` gives exactly that argv back.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from gate.core.notice.prose import one_line

# Kubernetes names: a namespace is a DNS label (RFC 1123), most other objects a DNS subdomain.
DNS_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")
DNS_SUBDOMAIN = re.compile(r"(?=.{1,253}\Z)[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?")
KIND = re.compile(r"[A-Za-z][A-Za-z0-9]{0,62}")
API_GROUP = re.compile(r"(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?)?")  # "" is the core group
SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# A repository path in a command: printable ASCII without the characters chat would read as markup
# or a mention (` < > @). Everything else, spaces and shell metacharacters included, is quoted.
REPO_PATH = re.compile(r"[ !\"#$%&'()*+,\-./0-9:;=?A-Z\[\\\]^_a-z{|}~]{1,4096}")
# The repository-relative path must not climb out or be absolute: `git show REV:path` reads it as is.
_BAD_SEGMENT = re.compile(r"(?:\A|/)\.\.?(?:/|\Z)|\A/|//")
PIPE = "|"


class Refused(ValueError):
    """A value gate will not put on a command line; the message says why, in words."""


@dataclass(frozen=True, slots=True)
class Command:
    """One line to paste: argv stages joined by a pipe (`git show X:f | kubectl apply -f -`)."""

    stages: tuple[tuple[str, ...], ...]

    @property
    def line(self) -> str:
        return f" {PIPE} ".join(shlex.join(stage) for stage in self.stages)

    @property
    def argv(self) -> tuple[str, ...]:
        """The tokens `shlex.split(line)` gives back: the stages with `|` between them."""
        tokens: list[str] = []
        for index, stage in enumerate(self.stages):
            if index:
                tokens.append(PIPE)
            tokens.extend(stage)
        return tuple(tokens)


def command(*argv: str) -> Command:
    return Command((tuple(argv),))


def pipeline(*stages: tuple[str, ...]) -> Command:
    return Command(tuple(stages))


def checked(value: object, pattern: re.Pattern[str], what: str) -> str:
    """`value` when all of it matches `pattern`; else Refused, naming the value safely."""
    text = value if isinstance(value, str) else None
    if text is None or pattern.fullmatch(text) is None:
        raise Refused(f"{what} {shown(value)} is not one gate puts on a command line")
    return text


def name(value: object, what: str = "the name") -> str:
    return checked(value, DNS_SUBDOMAIN, what)


def namespace(value: object) -> str:
    return checked(value, DNS_LABEL, "the namespace")


def sha(value: object) -> str:
    return checked(value, SHA, "the commit id")


def repo_path(value: object) -> str:
    text = checked(value, REPO_PATH, "the path")
    if _BAD_SEGMENT.search(text):
        raise Refused(f"the path {shown(text)} is not a plain repository path")
    return text


def shown(value: object, limit: int = 120) -> str:
    """A value for prose: quoted, on one line, every non-printable character escaped."""
    text = one_line(value if isinstance(value, str) else repr(value))
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"'{text}'"
