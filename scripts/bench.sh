#!/usr/bin/env bash
# gate's benchmark: `gate check` against the floor (listing, reading and parsing the change) on
# synthetic monorepos of 100, 1000 and 5000 services; see docs/performance.md.
# Extra arguments go to `python -m bench`, e.g. `bash scripts/bench.sh --n 100,5000 --runs 11`.
# The in-process micro-benchmarks: `.venv/bin/python -m pytest tests/benchmarks --benchmark-enable`.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${GATE_VENV:-.venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import gate, yaml, pydantic" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -e .
fi
exec "$venv/bin/python" -m bench "$@"
