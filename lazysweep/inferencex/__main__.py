"""``python -m lazysweep.inferencex SUBCOMMAND ...``: the InferenceX drop-in's command line."""

from .cli import command_line

command_line()
