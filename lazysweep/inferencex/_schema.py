"""A small re-implementation of the pydantic (v2, lax mode) checks InferenceX's configs go through.

Upstream validates its master and runner configs with pydantic models; only
the verdict matters to the generator (it copies the raw YAML values), so this
module answers "would pydantic accept this?" without importing pydantic.
A :class:`Model` is a table of fields, each with a converter; a converter
returns the value pydantic would store (``"8"`` becomes ``8``) or raises
:class:`Invalid`. Validators that run after the fields see the converted
values through attribute access, as pydantic's ``model_validator(mode='after')``
does.

>>> to_int(" 1_024 "), to_bool("Yes"), to_float("0.5")
(1024, True, 0.5)
>>> to_int(8.5)
Traceback (most recent call last):
...
lazysweep.inferencex._schema.Invalid: Input should be a valid integer, got 8.5
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    Converter = Callable[[Any], Any]

__all__ = ["Invalid", "Model", "Field", "REQUIRED", "to_str", "to_int", "to_strict_int", "to_bool",
           "to_float", "literal", "optional", "list_of", "dict_of", "constrained"]


class Invalid(ValueError):
    """A value pydantic would refuse; the message says why."""


REQUIRED = object()
# ASCII digits only (pydantic refuses "８"); an int's text may end in ".0", never in a bare ".".
_INT_TEXT = re.compile(r"[+-]?\d+(?:_\d+)*(?:\.0+)?\Z", re.ASCII)
# A float's text as pydantic-core reads it (Rust's f64 grammar): no underscores, no inner spaces.
_FLOAT_TEXT = re.compile(r"[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)\Z",
                         re.ASCII | re.IGNORECASE)
_I64 = 2**63
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def to_str(value: Any) -> str:
    """A string, as given, or UTF-8 bytes (YAML's ``!!binary``) decoded; lax mode converts nothing else."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return value.decode()
        except UnicodeDecodeError:
            pass
    raise Invalid(f"Input should be a valid string, got {value!r}")


def to_int(value: Any) -> int:
    """An int from an int, a bool, a float without fraction (strictly inside the 64-bit range), or integer text."""
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) and value.is_integer() and -_I64 < value < _I64:
        return int(value)
    if isinstance(value, str) and _INT_TEXT.match(value.strip()):
        return int(value.strip().split(".")[0].replace("_", ""))
    raise Invalid(f"Input should be a valid integer, got {value!r}")


def to_strict_int(value: Any) -> int:
    """An int and nothing else (``strict=True``: no bool, no float, no text)."""
    if type(value) is int:
        return value
    raise Invalid(f"Input should be a valid integer, got {value!r}")


def to_bool(value: Any) -> bool:
    """A bool from a bool, 0/1, or one of pydantic's words (``yes``, ``off``, ...)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise Invalid(f"Input should be a valid boolean, got {value!r}")


def to_float(value: Any) -> float:
    """A float from a number or numeric text, read as pydantic-core reads it: the text without its
    surrounding spaces, else (the second try) the text as given with its underscores removed, when
    none leads, ends or doubles (so ``1_e3`` and ``0_.`` are numbers, `` 5_1`` is not)."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        for text in (value.strip(), _without_underscores(value)):
            if text is not None and _FLOAT_TEXT.match(text):
                return float(text)
    raise Invalid(f"Input should be a valid number, got {value!r}")


def _without_underscores(text: str) -> str | None:
    """``text`` without underscores, or None if it has none, or one leads, ends or doubles."""
    if "_" not in text or text.startswith("_") or text.endswith("_") or "__" in text:
        return None
    return text.replace("_", "")


def literal(*choices: Any) -> Converter:
    """One of ``choices``, of the same type, except that a bool choice also takes an equal int or float
    (``Literal[True]`` takes ``1`` and ``1.0``, never ``"1"``); the choice is returned."""

    def convert(value: Any) -> Any:
        for choice in choices:
            if value == choice and (type(value) is type(choice) or (
                    type(choice) is bool and type(value) in (int, float))):
                return choice
        raise Invalid(f"Input should be {' or '.join(map(repr, choices))}, got {value!r}")

    return convert


def optional(convert: Converter) -> Converter:
    """None, or what ``convert`` accepts."""
    return lambda value: None if value is None else convert(value)


def list_of(convert: Converter) -> Converter:
    """A list whose every item ``convert`` accepts."""

    def convert_list(value: Any) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise Invalid(f"Input should be a valid list, got {value!r}")
        return [convert(item) for item in value]

    return convert_list


def dict_of(convert: Converter) -> Converter:
    """A mapping with string keys whose every value ``convert`` accepts."""

    def convert_dict(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Invalid(f"Input should be a valid dictionary, got {value!r}")
        return {to_str(key): convert(item) for key, item in value.items()}

    return convert_dict


def constrained(convert: Converter, *, gt: Any = None, le: Any = None, ge: Any = None,
                min_length: int | None = None) -> Converter:
    """``convert``, then pydantic's ``Field`` constraints."""

    def check(value: Any) -> Any:
        value = convert(value)
        if (gt is not None and not value > gt) or (ge is not None and not value >= ge) or (
            le is not None and not value <= le
        ) or (min_length is not None and len(value) < min_length):
            raise Invalid(f"Input {value!r} breaks a constraint")
        return value

    return check


class Field:
    """One field: its YAML name (alias), converter and default."""

    __slots__ = ("alias", "convert", "default")

    def __init__(self, alias: str, convert: Converter, default: Any = REQUIRED) -> None:
        self.alias, self.convert, self.default = alias, convert, default


class Validated:
    """The converted fields of one validated mapping, as attributes; ``model_fields_set`` as in pydantic."""

    def __init__(self, values: dict[str, Any], fields_set: set[str]) -> None:
        self.__dict__.update(values)
        self.model_fields_set = fields_set

    if TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any: ...


class Model:
    """A pydantic model with ``extra='forbid'`` and ``populate_by_name=True``.

    Calling it on a mapping returns the :class:`Validated` values or raises
    :class:`Invalid`; ``after`` validators run once every field passed. A
    field given by its alias (``dp-attn``) and its name (``dp_attn``) at once
    is refused as pydantic refuses it: the name is then an extra input.
    """

    def __init__(self, name: str, fields: dict[str, Field],
                 after: Iterable[Callable[[Validated], object]] = ()) -> None:
        self.name, self.fields, self.after = name, fields, tuple(after)
        self._by_key = {**{field.alias: attr for attr, field in fields.items()}, **{attr: attr for attr in fields}}

    def __call__(self, value: Any) -> Validated:
        if not isinstance(value, dict):
            raise Invalid(f"{self.name}: Input should be a valid dictionary, got {value!r}")
        given: dict[str, Any] = {}
        for key, item in value.items():
            attr = self._by_key.get(key) if isinstance(key, str) else None
            alias = self.fields[attr].alias if attr is not None else None
            if attr is None or (key != alias and alias in value):  # the alias wins; the name beside it is extra
                raise Invalid(f"{self.name}.{key}: Extra inputs are not permitted")
            given[attr] = item
        values: dict[str, Any] = {}
        for attr, field in self.fields.items():
            if attr in given:
                try:
                    values[attr] = field.convert(given[attr])
                except Invalid as error:
                    raise Invalid(f"{self.name}.{field.alias}: {error}") from None
            elif field.default is REQUIRED:
                raise Invalid(f"{self.name}.{field.alias}: Field required")
            else:
                values[attr] = field.default() if callable(field.default) else field.default
        result = Validated(values, set(given))
        for check in self.after:
            try:
                check(result)
            except Invalid:
                raise
            except ValueError as error:
                raise Invalid(f"{self.name}: Value error, {error}") from None
        return result
