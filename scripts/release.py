#!/usr/bin/env python3
"""The steps of a release that are more than one command (.github/workflows/release.yml runs them).

    python3 scripts/release.py check-tag vX.Y.Z
        The tag names the version in gate/__init__.py, and CHANGELOG.md has a dated section for
        it. Prints `version=`, `prerelease=` and `major_tag=` lines for $GITHUB_OUTPUT.
    python3 scripts/release.py pin-action IMAGE@sha256:DIGEST [ACTION_YML]
        Rewrites action.yml's `runs.image` from `Dockerfile` to `docker://IMAGE@sha256:DIGEST`,
        so the release runs the published image instead of building one on every job.
    python3 scripts/release.py notes vX.Y.Z IMAGE@sha256:DIGEST REPOSITORY COMMIT
        The release notes: the CHANGELOG section, how to use the release pinned by commit or by
        image digest, and how to verify the image's provenance.

Standard library only: it runs on the runner's own python3, before anything is installed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"$', re.M)
# What `docker://` accepts for a pinned image: a lower-case registry path and a sha256 digest.
IMAGE_REF = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\.[a-z0-9-]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)+"
                       r"@sha256:[0-9a-f]{64}$")
RUNS_IMAGE = re.compile(r"^(  image:[ \t]*)(\S.*?)[ \t]*$", re.M)


class ReleaseError(Exception):
    """A release step that must not go on; the message says what to fix."""


def project_version(root: Path = ROOT) -> str:
    match = VERSION_LINE.search((root / "gate" / "__init__.py").read_text(encoding="utf-8"))
    if match is None:
        raise ReleaseError("gate/__init__.py has no `__version__ = \"...\"` line")
    return match.group(1)


def changelog_section(version: str, changelog: str) -> str:
    """The body of `## <version> — <date>` in the changelog (without its heading)."""
    heading = re.compile(rf"^## {re.escape(version)}(?:\s+[—-]\s+(.*))?$", re.M)
    match = heading.search(changelog)
    if match is None:
        raise ReleaseError(f"CHANGELOG.md has no `## {version} — <date>` section")
    when = (match.group(1) or "").strip()
    if not when or when.lower() == "unreleased":
        raise ReleaseError(f"CHANGELOG.md's section {version} is still '{when or 'undated'}': date it before tagging")
    following = re.compile(r"^## ", re.M).search(changelog, match.end())
    return changelog[match.end() : following.start() if following else len(changelog)].strip()


def check_tag(tag: str, root: Path = ROOT) -> dict[str, str]:
    version = project_version(root)
    if tag != f"v{version}":
        raise ReleaseError(f"the tag {tag} does not name gate's version {version}: tag v{version}, or change "
                           "__version__ in gate/__init__.py first")
    changelog_section(version, (root / "CHANGELOG.md").read_text(encoding="utf-8"))
    stable = re.match(r"^(\d+)\.(\d+)\.(\d+)$", version) is not None
    major = version.split(".", 1)[0]
    return {
        "version": version,
        # 1.2.0rc1, 1.2.0.dev1...: published as a pre-release.
        "prerelease": "false" if stable else "true",
        # The moving tag (v1) follows stable releases from 1.0 on; 0.x releases may break anything.
        "major_tag": f"v{major}" if stable and major != "0" else "",
    }


def pin_action(image: str, action_yml: str) -> str:
    """action.yml with `runs.image` pointing at `docker://<image>` (and nothing else changed)."""
    if not IMAGE_REF.match(image):
        raise ReleaseError(f"'{image}' is not a lower-case image name pinned by digest (NAME@sha256:<64 hex>)")
    runs = re.search(r"^runs:[ \t]*$", action_yml, re.M)
    if runs is None:
        raise ReleaseError("action.yml has no top-level `runs:`")
    body_end = re.compile(r"^\S", re.M).search(action_yml, runs.end())
    body = action_yml[runs.end() : body_end.start() if body_end else len(action_yml)]
    if not re.search(r"^  using:[ \t]*[\"']?docker[\"']?[ \t]*$", body, re.M):
        raise ReleaseError("action.yml's runs.using is not docker")
    images = RUNS_IMAGE.findall(body)
    if len(images) != 1:
        raise ReleaseError(f"action.yml's runs has {len(images)} `image:` lines, not one")
    pinned = RUNS_IMAGE.sub(lambda m: f"{m.group(1)}docker://{image}", body, count=1)
    return action_yml[: runs.end()] + pinned + action_yml[runs.end() + len(body) :]


def release_notes(tag: str, image: str, repository: str, commit: str, root: Path = ROOT) -> str:
    version = tag.removeprefix("v")
    section = changelog_section(version, (root / "CHANGELOG.md").read_text(encoding="utf-8"))
    name, digest = image.split("@", 1)
    return f"""{section}

## Use this release

The action runs the image published with this release; no job builds it. Pin the commit `{tag}`
points at, and let Dependabot or Renovate propose the next one:

```yaml
- uses: {repository}@{commit}  # {tag}
  with:
    github-token: ${{{{ github.token }}}}
```

Or run the image itself, pinned by digest (inputs as `with:`, every one spelled out: a
`docker://` step has no defaults):

```yaml
- uses: docker://{name}@{digest}  # gate {tag}
  with:
    github-token: ${{{{ github.token }}}}
```

Image: `{name}:{version}`, digest `{digest}`. Verify where it was built:

```sh
gh attestation verify oci://{name}@{digest} --repo {repository}
```
"""


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["check-tag"] and len(argv) == 2:
            for key, value in check_tag(argv[1]).items():
                print(f"{key}={value}")
        elif argv[:1] == ["pin-action"] and len(argv) in (2, 3):
            path = Path(argv[2]) if len(argv) == 3 else ROOT / "action.yml"
            path.write_text(pin_action(argv[1], path.read_text(encoding="utf-8")), encoding="utf-8")
            print(f"{path.name}: runs.image is docker://{argv[1]}")
        elif argv[:1] == ["notes"] and len(argv) == 5:
            sys.stdout.write(release_notes(*argv[1:5]))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except ReleaseError as exc:
        print(f"release: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
