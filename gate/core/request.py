"""What gate is asked to judge: one immutable value, built by each entry point in its own way.

The command line builds a `Request` from its options, the action from the GitHub Actions event;
`gate.core.judge.judge` turns either into a `Judgement` the same way. Everything that differs
between them is said here, as data, rather than as flags threaded through the judging code:

- which commits (`Refs`), and, when the checkout lacks the base history, the files GitHub listed;
- when (`now`), since the golden window depends on it;
- where the policy comes from (`PolicyText` read from a file, or the repository's own policy);
- how an override label is weighed (`OverrideEvidence`: none, simulated, or verified at the edge);
- what the reports say about where the change comes from (repository, pull request, event).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from gate.core.models import ChangedFile, Override, PullRequest

if TYPE_CHECKING:
    from gate.core.policy import OverridePolicy

REPO_POLICY_PATH = ".github/gate.yaml"


@dataclass(frozen=True, slots=True)
class Refs:
    """The change: base..head. `base=None` is the default base (DESIGN §2)."""

    base: str | None = None
    head: str = "HEAD"


@dataclass(frozen=True, slots=True)
class PolicyText:
    """A policy the caller read itself (`--policy FILE`); `source` names it in every message."""

    text: bytes
    source: str


@dataclass(frozen=True, slots=True)
class RepositoryPolicy:
    """The repository's own policy file, read from the base side of the change.

    `named`: the user named this path (the action's `policy` input), so its absence is worth saying;
    otherwise a repository without the file is simply judged by the bundled default.
    """

    path: str = REPO_POLICY_PATH
    named: bool = False


PolicySource = PolicyText | RepositoryPolicy


class OverrideEvidence(Protocol):
    """How the override label is weighed once the policy (its label, roles) is known."""

    def decide(self, policy: OverridePolicy) -> Override | None:
        """The override, accepted or rejected with its reason; None when no label asks for one."""
        ...


class NoOverride:
    """Nothing asks for an override (a push, a local run without `--label`)."""

    __slots__ = ()

    def decide(self, policy: OverridePolicy) -> Override | None:
        return None


class SimulatedLabels:
    """Labels given on the command line: an override asked this way is reported, never accepted,
    because only the GitHub API can say who applied a label."""

    __slots__ = ("labels",)

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = labels

    def decide(self, policy: OverridePolicy) -> Override | None:
        if policy.label not in self.labels:
            return None
        return Override(
            label=policy.label,
            actor=None,
            role=None,
            accepted=False,
            reason="simulated with --label; an override is accepted only when gate verifies through the "
            "GitHub API who applied the label (gate action)",
        )


@dataclass(frozen=True, slots=True)
class Request:
    """Everything about what is judged. Immutable: the judgement made from it is too."""

    refs: Refs
    now: datetime
    policy: PolicySource = RepositoryPolicy()
    override: OverrideEvidence = field(default_factory=NoOverride)
    repository: str | None = None  # "owner/name" when known
    pull_request: PullRequest | None = None
    event: str | None = None  # the GitHub event name when run as an action
    # The change's files as the GitHub API listed them, when the checkout lacks the base history (a
    # shallow clone): the head is then judged against an empty base, and the change's own policy
    # never counts, since the base's cannot be read.
    listed_files: tuple[ChangedFile, ...] | None = None

    @property
    def base_history_missing(self) -> bool:
        return self.listed_files is not None
