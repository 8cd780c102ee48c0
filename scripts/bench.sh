#!/usr/bin/env bash
# gate's benchmarks: the cost of `gate check` as the repository grows and as the change grows.
# Cost must follow the size of the change, never the size of the repository; the golden window's
# next opening and `gate window`'s listing are measured too (holidays and rules are generated lazily),
# and the golden-window sweep over 210 open pull requests (heads in the checkout, or through the API).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${GATE_VENV:-.venv}
exec "$venv/bin/python" -m pytest tests/benchmarks --benchmark-enable --benchmark-only \
  --benchmark-columns=min,median,max,rounds --benchmark-sort=name "$@"
