"""Drop-in for InferenceMAX's ``generate_sweep_configs.py`` (upstream a5646c531, 2025), lazy and batched.

Run it as ``python -m lazysweep.inferencemax SUBCOMMAND ...`` or
``lazysweep inferencemax SUBCOMMAND ...``, with upstream's subcommands
(``full-sweep``, ``test-config``, ``runner-model-sweep``, ``runner-sweep``,
``custom``) and flags; stdout is byte-identical to upstream's. Every
subcommand also takes ``--max-batch-size N`` (default 256),
``--batch-index K`` and ``--get-batch-count``.

Python code switches with one import line: this module has upstream's
public names and signatures. The generators return lazy sequences
(:class:`EntrySweep`): the merged master configs become an index space of
entry x seq-len-config x search-space item x concurrency, with the filters
pruning whole sub-spaces and the derived fields (``max-model-len``,
``exp-name``, defaults) filled in per point. A batch costs what the batch
holds, plus one pass over the configs; nothing builds the full list.

``main()`` is upstream's: it raises ValueError on bad configs; the command
line (:func:`command_line`) reports one line and an exit status instead.

Beyond upstream: a search-space item may give ``conc-list: [..]`` instead of
``conc-start``/``conc-end``; where upstream's concurrency loop never ends (a
value that comes back, as with ``--step-size 1`` or ``conc-start: 0``, or
values that fall forever, as with a negative ``conc-start``) or upstream
crashes (no 1k1k seq-len-config in the runner sweeps, a config file that is
not a mapping) there is a clear error; a negative ``--step-size`` runs as
upstream's loop does (4, -8, 16, -32, 64); a duplicate key inside one YAML
file is an error.
"""

from __future__ import annotations

from ._cli import PROG, command_line, generate, main
from ._generate import (EntrySweep, generate_custom_test, generate_full_sweep, generate_runner_model_sweep_config,
                       generate_runner_sweep_config, generate_test_config, seq_len_itos, seq_len_stoi, seq_len_to_str)
from ._schema import MatrixEntry, validate_matrix_output
from .validation import load_config_files, validate_master_configs_structure

__all__ = [
    "seq_len_stoi",
    "seq_len_itos",
    "seq_len_to_str",
    "MatrixEntry",
    "validate_matrix_output",
    "validate_master_configs_structure",
    "load_config_files",
    "generate_full_sweep",
    "generate_test_config",
    "generate_runner_model_sweep_config",
    "generate_runner_sweep_config",
    "generate_custom_test",
    "EntrySweep",
    "PROG",
    "generate",
    "main",
    "command_line",
]
