"""Loading and checking InferenceMAX's (2025) master configs, with upstream's messages.

Configs are read exactly as upstream's ``yaml.safe_load(open(path))`` reads
them (:func:`lazysweep._loader.load_file`): the same values (a key repeated
in one mapping keeps its last value, ``2024-01-01`` is a date, which the
checks then refuse where a string is due) and the same exceptions, PyYAML's
own. Every check raises ValueError as upstream does. O(size of the configs).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

from .._loader import gc_paused, load_file

__all__ = ["load_config_files", "load_runner_config", "validate_master_configs_structure"]

def _load_yaml(path: str, missing_message: str) -> Any:
    if not os.path.exists(path):
        raise ValueError(missing_message)
    return load_file(path)


def load_config_files(config_files: Sequence[str]) -> dict[str, Any]:
    """Load master config files and merge them in order; a key in two files is an error
    (garbage collection paused: the values are acyclic)."""
    with gc_paused():
        return _load_config_files(config_files)


def _load_config_files(config_files: Sequence[str]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for config_file in config_files:
        data = _load_yaml(config_file, f"Input file '{config_file}' does not exist.")
        if not isinstance(data, dict):
            raise ValueError(f"Config file '{config_file}' must contain a dictionary")
        duplicates = merged.keys() & data.keys()
        if duplicates:
            raise ValueError(
                f"Duplicate configuration keys found in '{config_file}': {', '.join(sorted(duplicates))}"
            )
        merged.update(data)
    return merged


def load_runner_config(path: str) -> dict[str, Any]:
    data = _load_yaml(path, f"Runner config file '{path}' does not exist.")
    if not isinstance(data, dict):
        raise ValueError(f"Runner config file '{path}' must contain a mapping of runner types to nodes")
    return data


_TOP_FIELDS = {"image": str, "model": str, "model-prefix": str, "precision": str,
               "framework": str, "runner": str, "seq-len-configs": list}
_ITEM_FIELDS = {"tp", "conc-start", "conc-end", "conc-list", "ep", "dp-attn"}


def _missing(mapping: dict[str, Any], field: str) -> bool:
    return mapping.get(field) is None


def validate_master_configs_structure(all_config_data: dict[str, Any]) -> None:
    """Check every entry as upstream does, with upstream's messages (ValueError).

    Also accepts ``conc-list`` in a search-space item instead of
    ``conc-start``/``conc-end``. O(size of the configs).
    """
    for key, entry in all_config_data.items():
        if not isinstance(entry, dict):
            raise ValueError(f"Entry for key '{key}' must be a mapping")
        for field, kind in _TOP_FIELDS.items():
            if _missing(entry, field):
                raise ValueError(f"Missing required field '{field}' for key '{key}'")
            if not isinstance(entry[field], kind):
                raise ValueError(
                    f"Field '{field}' must be {kind.__name__} for key '{key}', got {type(entry[field]).__name__}"
                )
        if not entry["seq-len-configs"]:
            raise ValueError(f"'seq-len-configs' must be a non-empty list for key '{key}'")
        for i, seq_config in enumerate(entry["seq-len-configs"]):
            where = f"seq-len-config[{i}] for key '{key}'"
            if not isinstance(seq_config, dict):
                raise ValueError(f"{where[0].upper()}{where[1:]} must be a mapping")
            for field in ("isl", "osl"):
                if _missing(seq_config, field):
                    raise ValueError(f"Missing '{field}' in {where}")
                if not isinstance(seq_config[field], int):
                    raise ValueError(f"'{field}' must be int in {where}")
            items = seq_config.get("search-space")
            if not items or not isinstance(items, list):
                raise ValueError(f"Missing or invalid 'search-space' in {where}")
            for j, item in enumerate(items):
                _validate_item(item, f"search-space[{j}] of {where}")


def _validate_item(item: Any, where: str) -> None:
    if not isinstance(item, dict):
        raise ValueError(f"Item {where} must be a mapping")
    extra = set(item) - _ITEM_FIELDS
    if extra:
        raise ValueError(f"Extra fields {extra} in {where}")
    uses_list = "conc-list" in item
    if uses_list and ("conc-start" in item or "conc-end" in item):
        raise ValueError(f"Cannot specify both 'conc-list' and 'conc-start'/'conc-end' in {where}")
    for field in ("tp",) if uses_list else ("tp", "conc-start", "conc-end"):
        if _missing(item, field):
            raise ValueError(f"Missing '{field}' in {where}")
        if not isinstance(item[field], int):
            raise ValueError(f"'{field}' must be int in {where}")
    if uses_list:
        concs = item["conc-list"]
        if not isinstance(concs, list) or not concs or not all(
            isinstance(c, int) and not isinstance(c, bool) and c >= 1 for c in concs
        ):
            raise ValueError(f"'conc-list' must be a non-empty list of positive ints in {where}")
    for field, kind in (("ep", int), ("dp-attn", bool)):
        if not _missing(item, field) and not isinstance(item[field], kind):
            raise ValueError(f"'{field}' must be {kind.__name__} in {where}")


