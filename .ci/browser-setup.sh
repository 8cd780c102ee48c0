#!/usr/bin/env bash
# What the browser test (tests/test_report_browser.py) needs: Debian's Chromium and the fonts GitHub's
# pages fall back to (Liberation for Arial/Helvetica, Noto Color Emoji for the report's icons), node
# and npm, and the harness's packages from tests/browser/package-lock.json. Each part is skipped
# when it is already in place, so a second run takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for package in chromium fonts-liberation fonts-noto-color-emoji; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci starts from an empty node_modules every time; a copy of the lock file marks an install
# that is already current.
harness=tests/browser
if ! cmp -s "$harness/package-lock.json" "$harness/node_modules/.gate-installed-lock.json"; then
  npm ci --prefix "$harness" --no-audit --no-fund --prefer-offline --loglevel=error
  cp "$harness/package-lock.json" "$harness/node_modules/.gate-installed-lock.json"
fi
echo "browser test: $(/usr/bin/chromium --version 2>/dev/null), node $(node --version)"
