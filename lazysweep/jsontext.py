"""Compact JSON, the way every command prints values: finite numbers only.

GitHub's YAML reads ``.inf``, ``-.inf``, ``.nan`` and ``1e400`` as numbers,
so a sweep may hold them (and counts them as GitHub does), but JSON has no
way to write them. A point holding one is refused with one clear line
rather than printed as ``Infinity``, which no JSON reader takes. Floats are
written as Python's ``repr``, the shortest text that reads back to the same
number (``1e-4`` is ``0.0001``), as JavaScript's ``JSON.stringify`` does.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import Any

from .errors import SweepError

__all__ = ["compact_json", "NOT_FINITE"]

NOT_FINITE = (
    "a value is .inf, -.inf or .nan, which JSON cannot write "
    "(GitHub's YAML reads these as numbers): quote it in the YAML to keep it as text"
)

_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def compact_json(value: Any) -> str:
    """``value`` as compact JSON; :class:`~lazysweep.errors.SweepError` for a non-finite number.

    >>> compact_json({"lr": 1e-4, "big": 1e22, "tp": 8, "ok": True, "none": None})
    '{"lr":0.0001,"big":1e+22,"tp":8,"ok":true,"none":null}'
    """
    try:
        return _encode(value)
    except ValueError as error:
        if "Out of range float" not in str(error):  # not json's refusal of inf or nan
            raise
        raise SweepError(NOT_FINITE) from None
