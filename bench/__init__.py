"""gate's benchmark: `gate check` against the floor on synthetic monorepos of growing size.

    python -m bench                       # N = 100, 1000, 5000 services, K = 10 touched, 5 runs
    python -m bench --n 100,5000 --runs 11 --k 10

`monorepo` builds the repositories (git fast-import, cached under bench/.cache), `floor` is the
least any tool must do to judge the same change (list it, read it, parse it), `measure` runs both
as whole processes, and `stages` splits one `gate check` into what each stage costs.
See docs/performance.md for the numbers and how to read them.
"""

from __future__ import annotations
