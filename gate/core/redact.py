"""Credentials taken out of text that came from a remote service, before gate stores or shows it.

An API error can echo what it was sent, and a field of an answer is whatever someone wrote there.
Such text ends up in the override's reason, the pull-request comment, the job summary, the log and
the deployment notice, where the runner's masking of the token no longer helps once Markdown has
escaped it. So gate removes, at the edge where the text arrives:

- the secrets it knows (its own token), also as Markdown or HTML would escape them;
- anything shaped like a GitHub token: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and `github_pat_`;
- AWS access key ids (`AKIA…`, `ASIA…` and the other id prefixes), the value after a name such
  as `aws_secret_access_key` or `SecretAccessKey`, and session tokens (after
  `aws_session_token`/`SessionToken`/`X-Amz-Security-Token`, or shaped as STS issues them).

Pure: the caller passes the secrets it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[redacted]"

_PATTERNS = (
    # GitHub: classic and fine-grained personal access tokens, OAuth, user-to-server,
    # server-to-server (installation and GITHUB_TOKEN) and refresh tokens.
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,255}"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,255}"),
    # AWS access key ids (IAM users, temporary credentials, roles, ...).
    re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b"),
    # STS session tokens start with these base64 prefixes whatever surrounds them.
    re.compile(r"\b(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=]{16,}"),
)
# A secret after its name: `aws_secret_access_key = …`, `"SecretAccessKey": "…"`, a header.
_NAMED = re.compile(
    r"(?i)((?:aws_?)?secret_?access_?key|secretkey|aws_?session_?token|session_?token|x-amz-security-token)"
    r"([\"']?\s*[:=]\s*[\"']?)([A-Za-z0-9/+=]{8,})"
)


def _variants(secret: str) -> set[str]:
    """A secret as it may appear after escaping for Markdown or HTML, besides itself."""
    markdown = re.sub(r"([\\`*_\[\]|~<>#+!{}()-])", r"\\\1", secret)
    return {secret, markdown, secret.replace("_", "\\_"), secret.replace("_", "&#95;")}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with the known secrets and every credential-shaped string replaced by `[redacted]`."""
    for secret in secrets:
        if len(secret) < 8:  # too short to be a credential; replacing it would garble the text
            continue
        for variant in sorted(_variants(secret), key=len, reverse=True):
            text = text.replace(variant, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return _NAMED.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
