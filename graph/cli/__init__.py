"""The ``newsgraph`` command: one module per group of subcommands."""
