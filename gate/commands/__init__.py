"""Subcommands that pull in heavier dependencies, imported only when run."""
