"""Drop-in for InferenceX's ``utils/matrix_logic/generate_sweep_configs.py`` (upstream 843c6254f).

Lazy and batched: the rows are an index space over config key x scenario x
seq-len x search-space item x concurrency x runner node, so a batch costs one
pass over the search-space items plus the batch. stdout is byte-identical to
upstream's; run it as ``python -m lazysweep.inferencex SUBCOMMAND ...`` or
``lazysweep inferencex SUBCOMMAND ...``.
"""

from __future__ import annotations

from ._cli import command_line, main
from ._collect import aggregate, collect
from ._evals import MIN_EVAL_CONC, mark_all_eval_entries, mark_eval_entries
from ._families import FAMILIES, family_rows
from ._generate import (apply_node_type_defaults, expand_config_keys, generate_full_sweep, generate_test_config_sweep,
                       seq_len_itos, seq_len_stoi, seq_len_to_str)
from .validation import load_config_files, load_runner_file

__all__ = ["MIN_EVAL_CONC", "seq_len_stoi", "seq_len_itos", "seq_len_to_str", "generate_full_sweep",
           "generate_test_config_sweep", "mark_eval_entries", "mark_all_eval_entries", "apply_node_type_defaults",
           "expand_config_keys", "load_config_files", "load_runner_file", "main", "command_line",
           # lazysweep additions for the e2e workflow: its families, their results
           "FAMILIES", "family_rows", "collect", "aggregate"]
