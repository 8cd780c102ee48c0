#!/usr/bin/env bash
# gate's tests: installs gate and its test tools into .venv (once), then runs the whole suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k golden`.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${GATE_VENV:-.venv}
if [ ! -x "$venv/bin/pytest" ] || [ ! -x "$venv/bin/moto_server" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -e '.[test,lint,ci]'
fi
exec "$venv/bin/python" -m pytest "$@"
