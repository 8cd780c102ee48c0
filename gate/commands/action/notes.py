"""What the action adds to the job summary around the report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from gate.adapters import runner
from gate.commands.action.console import clean, say
from gate.core.text import one_line


@dataclass
class Notes:
    """What the action adds to the job summary: lines, and details folded away."""

    lines: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(one_line(line))  # one list item, whatever the line quotes

    def notice(self, message: str) -> None:
        """Say it in the summary and as a notice in the log."""
        self.add(message)
        say(runner.notice(message, title="gate"))

    def warning(self, message: str) -> None:
        """Say it in the summary and as a warning in the log."""
        self.add(message)
        say(runner.warning(message, title="gate"))

    def markdown(self) -> str:
        parts = []
        if self.lines:
            parts.append("### gate action\n\n" + "\n".join(f"- {line}" for line in self.lines) + "\n")
        for title, text in self.details:
            # A fence longer than any run of backticks in the text: a commit message quoted in it
            # (the unsent notice) cannot close it and turn the rest of the summary into markdown.
            fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
            parts.append(f"<details><summary>{title}</summary>\n\n{fence}text\n{text.rstrip()}\n{fence}\n\n</details>\n")
        return "\n".join(parts)

    def flush(self, summary_path: Path | None) -> None:
        text = self.markdown()
        if text:
            runner.append_summary(summary_path, clean(text))
