"""``python -m lazysweep.inferencemax SUBCOMMAND ...``: the InferenceMAX (2025) drop-in's command line."""

from ._cli import command_line

command_line()
