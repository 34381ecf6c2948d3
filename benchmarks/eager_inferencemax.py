"""Upstream InferenceMAX's algorithm, re-implemented the eager way for a baseline.

``generate_sweep_configs.py`` builds every entry of the full sweep as a dict, validates each,
and slices the list for a batch. This module does the same with the same key order, so the
benchmarks compare like with like; it does not import pydantic (upstream does, at a cost of its
own), which makes the baseline faster than upstream, never slower.
"""

from __future__ import annotations

from lazysweep.inferencemax import MatrixEntry, seq_len_to_str


def full_sweep(configs: dict, step_size: int = 2) -> list[dict]:
    entries = []
    for entry in configs.values():
        for seq in entry["seq-len-configs"]:
            isl, osl = seq["isl"], seq["osl"]
            for item in seq["search-space"]:
                conc, end = item["conc-start"], item["conc-end"]
                while conc <= end:
                    point = {
                        "image": entry["image"], "model": entry["model"], "precision": entry["precision"],
                        "framework": entry["framework"], "runner": entry["runner"], "isl": isl, "osl": osl,
                        "tp": item["tp"], "conc": conc, "max-model-len": isl + osl + 200, "ep": 1,
                        "dp-attn": False, "exp-name": f"{entry['model-prefix']}_{seq_len_to_str(isl, osl)}",
                    }
                    if item.get("ep") is not None:
                        point["ep"] = item["ep"]
                    if item.get("dp-attn") is not None:
                        point["dp-attn"] = item["dp-attn"]
                    entries.append(point)
                    if conc == end:
                        break
                    conc = min(conc * step_size, end)
    for point in entries:
        MatrixEntry(**point)
    return entries


def batch(configs: dict, index: int, size: int = 256) -> list[dict]:
    return full_sweep(configs)[index * size : index * size + size]
