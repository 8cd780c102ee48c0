#!/usr/bin/env bash
# gate on the bundled example: installs gate in .venv (once), builds the example repository,
# judges its pull-request-like change and shows the deployment notice it would send.
# No AWS account and no GitHub token are needed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${GATE_VENV:-.venv}
if [ ! -x "$venv/bin/gate" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet .
fi
python3 examples/make_repo.py examples/repo

echo
echo "== gate check, as the pull request would be judged on Monday 2026-11-30 at 11:00 UTC"
status=0
"$venv/bin/gate" check --repo examples/repo --now 2026-11-30T11:00:00Z || status=$?

echo
echo "== the same change if it were merged on Friday at 16:00 UTC (outside the golden window)"
"$venv/bin/gate" check --repo examples/repo --now 2026-12-04T16:00:00Z --format json \
  | python3 -c 'import json,sys; r=json.load(sys.stdin); print("verdict:", r["verdict"]); [print("-", f["rule"], f["path"], f["message"]) for f in r["findings"] if f["rule"]=="golden-window"]' || true

echo
echo "== the deployment notice gate would publish once merged at 11:00 UTC (dry run: nothing is sent)"
# --now: the notice judges the change at the same time as the check above, so the two agree.
"$venv/bin/gate" notify --repo examples/repo --dry-run --now 2026-11-30T11:00:00Z || true

echo
case $status in
  0) echo "gate passed the example change." ;;
  1) echo "gate blocked the example change (exit 1), as it should: see the findings above." ;;
  *) echo "gate could not judge the example (exit $status)"; exit "$status" ;;
esac
