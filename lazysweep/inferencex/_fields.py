"""``Fields``: upstream's enum of the YAML and matrix-row field names (InferenceX 843c6254f).

Upstream's models use these values as their aliases (``model-prefix`` for
``model_prefix``) and its tests import the enum from ``validation``. It needs
no pydantic.

>>> Fields.MODEL_PREFIX.value, Fields("dp-attn").name
('model-prefix', 'DP_ATTN')
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Fields"]


class Fields(Enum):
    """Every field name a master config, runner config or matrix row uses."""

    # Master config entries.
    IMAGE = "image"
    MODEL = "model"
    MODEL_PREFIX = "model-prefix"
    PRECISION = "precision"
    FRAMEWORK = "framework"
    RUNNER = "runner"
    HARDWARE = "hardware"
    SCENARIOS = "scenarios"
    MULTINODE = "multinode"
    # Scenario types.
    FIXED_SEQ_LEN = "fixed-seq-len"
    AGENTIC_CODING = "agentic-coding"
    # Sequence-length configs.
    ISL = "isl"
    OSL = "osl"
    SEARCH_SPACE = "search-space"
    # Search-space items.
    TP = "tp"
    PP = "pp"
    DCP_SIZE = "dcp-size"
    PCP_SIZE = "pcp-size"
    CONC_START = "conc-start"
    CONC_END = "conc-end"
    CONC_LIST = "conc-list"
    EP = "ep"
    DP_ATTN = "dp-attn"
    SPEC_DECODING = "spec-decoding"
    # Multi-node workers.
    PREFILL = "prefill"
    DECODE = "decode"
    NUM_WORKER = "num-worker"
    ADDITIONAL_SETTINGS = "additional-settings"
    # Agentic coding and components.
    KV_OFFLOADING = "kv-offloading"
    KV_OFFLOAD_BACKEND = "kv-offload-backend"
    ROUTER = "router"
    KV_P2P_TRANSFER = "kv-p2p-transfer"
    TOTAL_CPU_DRAM_GB = "total-cpu-dram-gb"
    AVAILABLE_CPU_DRAM_MIB = "available-cpu-dram-mib"
    DRAM_UTILIZATION = "dram-utilization"
    GPUS_PER_NODE = "gpus-per-node"
    DURATION = "duration"
    # Matrix rows.
    CONC = "conc"
    MAX_MODEL_LEN = "max-model-len"
    EXP_NAME = "exp-name"
    DISAGG = "disagg"
    SCENARIO_TYPE = "scenario-type"
    # Evals.
    RUN_EVAL = "run-eval"
    EVAL_ONLY = "eval-only"
    EVAL_CONC = "eval-conc"
    EVAL_ALL_CONCS = "eval-all-concs"
