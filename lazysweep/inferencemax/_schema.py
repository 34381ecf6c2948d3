"""The check upstream's pydantic ``MatrixEntry`` makes on every emitted entry, without pydantic.

O(1) per entry; a lazy :class:`~lazysweep.inferencemax._generate.EntrySweep`
is checked from its structure (``validate()``), in O(runs + listed values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

__all__ = ["MatrixEntry", "validate_matrix_output", "entry_problems"]

_ENTRY_TYPES = {
    "image": str, "model": str, "precision": str, "framework": str, "runner": str,
    "isl": int, "osl": int, "tp": int, "ep": int, "dp-attn": bool, "conc": int,
    "max-model-len": int, "exp-name": str,
}
_TRUE_WORDS = {"1", "on", "t", "true", "y", "yes"}
_FALSE_WORDS = {"0", "off", "f", "false", "n", "no"}


def _fits(value: Any, kind: type) -> bool:
    """Whether pydantic (lax mode) would accept ``value`` for a field of type ``kind``."""
    if kind is str:
        return isinstance(value, str)
    if kind is int:
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        if isinstance(value, str):
            try:
                int(value.strip())
            except ValueError:
                return False
            return True
        return False
    if isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        return value in (0, 1)
    return isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS


def entry_problems(fields: Mapping[str, Any]) -> list[str]:
    """What a pydantic MatrixEntry would refuse in ``fields`` (dashed names), or []."""
    problems = [f"{name}: missing" for name in _ENTRY_TYPES if name not in fields]
    for name, value in fields.items():
        kind = _ENTRY_TYPES.get(name)
        if kind is None:
            problems.append(f"{name}: extra field not permitted")
        elif type(value) is not kind and not _fits(value, kind):
            problems.append(f"{name}: expected {kind.__name__}, got {type(value).__name__} {value!r}")
    return problems


class MatrixEntry:
    """Validates one emitted entry, as upstream's pydantic model does, without pydantic.

    ``MatrixEntry(**entry)`` raises ValueError for a missing, extra or wrongly
    typed field; field names may be written with dashes or underscores.

    >>> MatrixEntry(image="i", model="m", precision="fp8", framework="vllm", runner="h100",
    ...             isl=1024, osl=1024, tp=8, ep=1, dp_attn=False, conc=4,
    ...             max_model_len=2048, exp_name="x").conc
    4
    """

    def __init__(self, **fields: Any) -> None:
        given = {name.replace("_", "-"): value for name, value in fields.items()}
        problems = entry_problems(given)
        if problems:
            raise ValueError(f"{len(problems)} validation error(s) for MatrixEntry: " + "; ".join(problems))
        for name, value in given.items():
            setattr(self, name.replace("-", "_"), value)


def validate_matrix_output(matrix_values: Sequence[dict[str, Any]]) -> Sequence[dict[str, Any]]:
    """Check every entry with :class:`MatrixEntry`; return ``matrix_values`` unchanged.

    O(n) in the entries given; an :class:`EntrySweep` is checked from its
    structure, in O(runs + listed values).
    """
    validate = getattr(matrix_values, "validate", None)
    if callable(validate):  # a lazy EntrySweep: checked from its structure
        validate()
        return matrix_values
    for index, entry in enumerate(matrix_values):
        try:
            MatrixEntry(**entry)
        except ValueError as error:
            raise ValueError(f"Matrix entry at index {index} failed validation: {error}") from None
    return matrix_values


