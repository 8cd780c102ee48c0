"""Free text in the notice, made harmless for where it is shown (pure).

Paths, names, commit subjects and bodies come from whoever wrote the change. In the plain text
they stay on their line (control characters escaped), so nothing they contain can start a line
that looks like a command. In chat they can neither open nor close a code span or fence, and a
commit's text cannot carry a link or a mention (`@here`, `<!channel>`, `<@U123>`,
`<!subteam^S1>`): the characters that would make one are swapped for look-alikes that chat
shows as text, and web addresses are defanged (`example[.]com`). JSON carries the text as data.
"""

from __future__ import annotations

import re

# Look-alikes that chat renders as plain characters: no span, tag, mention or link can form.
_CHAT_MARKUP = str.maketrans({"`": "'", "<": "\u2039", ">": "\u203a", "@": "\uff20", "[": "\uff3b", "]": "\uff3d"})
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]{0,30}):/+")
_HOST = re.compile(r"(?i)\b(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9\-]{1,62}\b")


def one_line(text: str) -> str:
    """`text` on one line: every character that is not printable (newline, tab, escape, bidi
    control) shown as its escape, so the line cannot break or hide what follows."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def lines(text: str) -> list[str]:
    """A multi-line text's lines, each made a single printable line."""
    return [one_line(line) for line in text.split("\n")]


def chat(text: str) -> str:
    """Text for chat markdown that cannot open or close a code span or form a tag or mention."""
    return one_line(text).replace("->", "\u2192").translate(_CHAT_MARKUP)


def chat_block(text: str) -> str:
    """Multi-line text for inside a chat code fence: no backtick, tag or mention in any line."""
    return "\n".join(line.translate(_CHAT_MARKUP) for line in lines(text))


def defang(text: str) -> str:
    """Web addresses and host names shown as text, never as links: `https[:]//example[.]com`."""
    text = _SCHEME.sub(lambda m: f"{m.group(1)}[:]//", text)
    return _HOST.sub(lambda m: m.group(0).replace(".", "[.]"), text)


def chat_commit(text: str) -> str:
    """A commit's one-line text (subject, author) for chat: no markup, mention or link."""
    return defang(chat(text))


def chat_commit_block(text: str) -> str:
    """A commit's body for inside a chat code fence: no markup, mention or link."""
    return defang(chat_block(text))


def fence_for(text: str) -> str:
    """A backtick fence longer than any run of backticks in `text`, so the text cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _escape(ch: str) -> str:
    code = ord(ch)
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    if ch in named:
        return named[ch]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
