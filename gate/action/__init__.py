"""The parts of `gate action`, one concern each; `gate.commands.action.run` strings them together.

- `events`: which change an Actions event asks gate to judge (pure).
- `change`: the base, head and changed files in the checkout, and the policy to judge by.
- `pull`: the pull request the change belongs to, as the GitHub API tells it.
- `evidence`: the override, decided from what the GitHub API says about its label.
- `reports`: the log, annotations, job summary, step outputs, JSON report file and sticky comment.
- `deployment`: the deployment notice, published once per commit.
- `clock`: the time gate judges at.
- `notes` and `console`: what the action adds to the job summary, and how it writes to the log.
"""
