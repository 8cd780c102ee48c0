#!/usr/bin/env bash
# gate's benchmarks. Cost must follow the size of the change, never the size of the repository.
#
#   bash scripts/bench.sh                 both of the below, with their defaults
#   bash scripts/bench.sh [OPTION...]     `python -m bench`: `gate check` as a whole process against the floor
#                                         (listing, reading and parsing the change) on synthetic monorepos of
#                                         100, 1000 and 5000 services, e.g. --n 100,5000 --runs 11; see
#                                         docs/performance.md
#   bash scripts/bench.sh micro [ARG...]  the in-process micro-benchmarks (pytest-benchmark, tests/benchmarks):
#                                         repository and change size, the golden window's next opening and
#                                         `gate window`'s listing, the golden-window sweep over 210 open pull
#                                         requests; ARGs go to pytest, e.g. `micro -k sweep`
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${GATE_VENV:-.venv}
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c "import gate, pytest_benchmark" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -e '.[test]'
fi
micro() {
  "$venv/bin/python" -m pytest tests/benchmarks --benchmark-enable --benchmark-only \
    --benchmark-columns=min,median,max,rounds --benchmark-sort=name "$@"
}
if [ "${1:-}" = micro ]; then
  shift
  micro "$@"
elif [ $# -gt 0 ]; then
  "$venv/bin/python" -m bench "$@"
else
  "$venv/bin/python" -m bench
  micro
fi
