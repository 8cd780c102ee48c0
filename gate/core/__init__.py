"""The pure core of gate: it judges a change and says what to do about it.

Nothing in this package opens a socket, starts a process, reads the clock or the environment:
the edges (`gate.adapters`) do that, and the entry points (`gate.cli`, `gate.commands`) pass what
they learned in. `tests/test_architecture.py` keeps it so.
"""
