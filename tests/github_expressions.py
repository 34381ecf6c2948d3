"""A small evaluator of the GitHub Actions expressions upstream InferenceX's e2e jobs pass as inputs.

It covers what those ``with:`` blocks use: property paths (``matrix.config.x``,
``matrix.config['x']``, ``conc[0]``), string and number literals, ``!``,
``==``/``!=``, ``&&``/``||`` with GitHub's operand-returning semantics,
parentheses, ``toJson`` and ``join``. The rules follow actions/runner's
src/Sdk/Expressions (``Sdk.Expressions.Sdk.Operators.And``/``Or`` return an
operand; ``ExpressionUtility.IsTruthy``: false, 0, '', null are falsy;
property access on null is null). A test oracle, not library code.
"""

from __future__ import annotations

import json
import re
from typing import Any

TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>&&|\|\||==|!=|!|\(|\)|\[|\]|\.|,)"
                   r"|(?P<name>[A-Za-z_][\w-]*))")


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"cannot read expression at {text[position:]!r}")
        kind = match.lastgroup
        assert kind
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def truthy(value: Any) -> bool:
    return not (value is None or value is False or value == 0 or value == "")


def to_json(value: Any) -> str:
    return json.dumps(value, indent=2)


def _string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value)


class _Parser:
    def __init__(self, text: str, context: dict[str, Any]) -> None:
        self.tokens, self.at, self.context = _tokens(text), 0, context

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.at]
        if value is not None and token[1] != value:
            raise ValueError(f"expected {value!r}, got {token[1]!r}")
        self.at += 1
        return token

    def parse(self) -> Any:
        value = self.disjunction()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()}")
        return value

    def disjunction(self) -> Any:
        value = self.conjunction()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.conjunction()
            value = value if truthy(value) else right
        return value

    def conjunction(self) -> Any:
        value = self.comparison()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.comparison()
            value = right if truthy(value) else value
        return value

    def comparison(self) -> Any:
        value = self.unary()
        if self.peek() in (("op", "=="), ("op", "!=")):
            operator = self.take()[1]
            right = self.unary()
            equal = _string(value).lower() == _string(right).lower() if isinstance(value, str) or isinstance(
                right, str) else value == right
            return equal if operator == "==" else not equal
        return value

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if text == "(":
            value = self.disjunction()
            self.take(")")
            return value
        if kind != "name":
            raise ValueError(f"unexpected {text!r}")
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self.peek() == ("op", "("):
            self.take()
            arguments = [self.disjunction()]
            while self.peek() == ("op", ","):
                self.take()
                arguments.append(self.disjunction())
            self.take(")")
            return self.call(text.lower(), arguments)
        value = self.context.get(text)
        while self.peek() in (("op", "."), ("op", "[")):
            if self.take()[1] == ".":
                key: Any = self.take()[1]
            else:
                key = self.disjunction()
                self.take("]")
            if isinstance(value, dict):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int):
                value = value[key] if key < len(value) else None
            else:
                value = None
        return value

    @staticmethod
    def call(name: str, arguments: list[Any]) -> Any:
        if name == "tojson":
            return to_json(arguments[0])
        if name == "join":
            items = arguments[0]
            separator = arguments[1] if len(arguments) > 1 else ","
            return separator.join(map(_string, items)) if isinstance(items, list) else _string(items)
        raise ValueError(f"function {name} is not covered")


def evaluate(value: Any, context: dict[str, Any]) -> Any:
    """A ``with:`` value: a whole ``${{ expr }}`` gives the expression's value, other text is interpolated."""
    if not isinstance(value, str):
        return value
    whole = re.fullmatch(r"\$\{\{(.*)\}\}", value.strip(), re.S)
    if whole and "${{" not in whole.group(1):
        return _Parser(whole.group(1), context).parse()
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: _string(_Parser(m.group(1), context).parse()), value)


def normalized(value: Any) -> Any:
    """An input value in one form whatever typing it went through: JSON text and literals decoded,
    whole floats as ints, null as ''. Two runners that agree on the value agree on this."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        return normalized(decoded) if not isinstance(decoded, str) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [normalized(item) for item in value]
    if isinstance(value, dict):
        return {key: normalized(item) for key, item in value.items()}
    return value
