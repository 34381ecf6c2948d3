"""``python -m lazysweep.inferencex SUBCOMMAND ...``: the InferenceX drop-in's command line."""

from ._cli import command_line

command_line()
