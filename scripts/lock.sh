#!/usr/bin/env bash
# Refresh requirements/image.txt: the exact packages the container image installs, with hashes.
#
#   bash scripts/lock.sh                       add what pyproject.toml now asks for; keep other pins
#   bash scripts/lock.sh --upgrade             every package to its newest version within the ranges
#   bash scripts/lock.sh --upgrade-package X   only X (and what X needs)
#
# The lock holds pyproject.toml's [project].dependencies and everything they need, plus the build
# backend (setuptools) gate itself is built with, each pinned with `==` and the sha256 of every
# file PyPI has for that version (so the same lock serves amd64 and arm64). It is resolved with
# pip-tools (pip-compile) on Python 3.11, the python3 of the image's Debian bookworm, against
# PyPI alone ($GATE_LOCK_INDEX_URL to use a mirror): local indexes and find-links of the machine's
# pip configuration are left out, so the lock is the same wherever it is made. The Dockerfile
# installs it with `pip install --require-hashes --only-binary=:all:`, and tests/test_lock.py fails
# when it no longer covers pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

LOCK=requirements/image.txt
PIP_TOOLS="pip-tools==7.6.2"
INDEX_URL=${GATE_LOCK_INDEX_URL:-https://pypi.org/simple}
TOOLS=${GATE_LOCK_VENV:-.venv-lock}

die() { echo "lock: error: $*" >&2; exit 2; }

# The image's Python minor version: the resolution (markers, wheels) must be for it.
python=""
for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null \
        && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        python=$(command -v "$candidate")
        break
    fi
done
[[ -n $python ]] || die "needs Python 3.11 (the image's python3, Debian bookworm) as python3.11 or python3"

installed=$("$TOOLS/bin/python" -m pip show pip-tools 2>/dev/null || true)
if [[ ! -x $TOOLS/bin/pip-compile || $'\n'$installed$'\n' != *$'\n'"Version: ${PIP_TOOLS#*==}"$'\n'* ]]; then
    echo "lock: installing $PIP_TOOLS into $TOOLS"
    "$python" -m venv "$TOOLS"
    "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check "$PIP_TOOLS"
fi

mkdir -p "$(dirname "$LOCK")"
# Only PyPI (or the one mirror asked for): no pip configuration file, no local wheel folders.
env -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_FIND_LINKS -u PIP_NO_INDEX \
    PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh" \
    "$TOOLS/bin/pip-compile" --quiet \
        --index-url "$INDEX_URL" --no-emit-index-url --no-emit-find-links \
        --generate-hashes --allow-unsafe --all-build-deps --strip-extras \
        --output-file "$LOCK" "$@" pyproject.toml
echo "lock: $LOCK: $(grep -c '^[A-Za-z0-9].*==' "$LOCK") packages pinned with hashes"
