#!/usr/bin/env bash
# Lint the action's metadata, the example workflows the README tells users to copy, and gate's
# own workflows (.github/workflows: the release):
#
#   actionlint        the workflows: expressions, contexts, event types, runner labels, shell
#   zizmor --offline  the workflows and action.yml: security (permissions, injection, pinning)
#   check-jsonschema  both against GitHub's published schemas (vendor.github-workflows/-actions)
#
# The tools come from the `ci` extra (pip install '.[ci]'): taken from PATH, else from
# $GATE_VENV or /tmp/venv. Every tool runs even when an earlier one fails, so one run shows
# everything to fix; the exit status is 1 when any of them reported a problem.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { echo "lint-action: error: $*" >&2; exit 2; }

# tool NAME: the path of NAME, from PATH or one of the project's virtualenvs.
tool() {
    local name=$1 dir
    if command -v "$name" >/dev/null; then command -v "$name"; return; fi
    for dir in ${GATE_VENV:+"$GATE_VENV/bin"} /tmp/venv/bin; do
        if [[ -x $dir/$name ]]; then echo "$dir/$name"; return; fi
    done
    die "$name is not installed: pip install '.[ci]' (into the virtualenv on PATH, \$GATE_VENV or /tmp/venv)"
}

actionlint=$(tool actionlint) || exit 2
zizmor=$(tool zizmor) || exit 2
check_jsonschema=$(tool check-jsonschema) || exit 2

action=action.yml
shopt -s nullglob
examples=(examples/workflows/*.yml examples/workflows/*.yaml)
own=(.github/workflows/*.yml .github/workflows/*.yaml)
shopt -u nullglob
[[ -f $action ]] || die "no $action at the repository root"
((${#examples[@]})) || die "no workflow in examples/workflows/"
((${#own[@]})) || die "no workflow in .github/workflows/"
workflows=("${examples[@]}" "${own[@]}")

failed=()
# run LABEL COMMAND...: run one linter, remember it when it fails.
run() {
    local label=$1
    shift
    echo "--- $label"
    if "$@"; then
        echo "ok"
    else
        failed+=("$label")
    fi
}

run "actionlint: ${workflows[*]}" "$actionlint" -no-color "${workflows[@]}"
# Offline, and with no token in reach: the audits that would ask GitHub are skipped, so the
# result depends on these files only.
run "zizmor: $action ${workflows[*]}" \
    env -u GH_TOKEN -u GITHUB_TOKEN -u ZIZMOR_GITHUB_TOKEN "$zizmor" --offline --no-progress "$action" "${workflows[@]}"
run "check-jsonschema (github-workflows): ${workflows[*]}" \
    "$check_jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"
run "check-jsonschema (github-actions): $action" \
    "$check_jsonschema" --builtin-schema vendor.github-actions "$action"
if [[ -f .github/dependabot.yml ]]; then
    run "check-jsonschema (dependabot): .github/dependabot.yml" \
        "$check_jsonschema" --builtin-schema vendor.dependabot .github/dependabot.yml
fi

if ((${#failed[@]})); then
    printf 'lint-action: FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "lint-action: action.yml, ${#examples[@]} example and ${#own[@]} own workflow(s) pass actionlint, zizmor and GitHub's schemas"
