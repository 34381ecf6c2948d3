"""An eager port of GitHub's matrix expansion, for tests: plain loops, nothing lazy, nothing shared
with lazysweep's own code.

Ported from actions/runner's source:

* src/Sdk/WorkflowParser/Conversion/MatrixBuilder.cs, class ``MatrixBuilder`` (``Build``: the
  cross product, first axis slowest), ``MatrixExclude``, ``MatrixInclude`` (filter keys are the
  axes', looked up ignoring case; the rest are extras, merged with the indexer, which keeps a
  key's first spelling), ``GetUnmatchedVectors``, and ``MatrixFilter`` (one ``matrix[path] ==
  literal`` per scalar leaf; the literal is printed into the expression text and parsed back);
* src/Sdk/Expressions/EvaluationResult.cs, class ``EvaluationResult``: ``AbstractEqual``,
  ``CoerceTypes``, ``ConvertToNumber``;
* src/Sdk/Expressions/Sdk/ExpressionUtility.cs, class ``ExpressionUtility``: ``ParseNumber``,
  ``FormatValue`` (numbers as ``G15``);
* src/Sdk/Expressions/Sdk/Operators/Index.cs, class ``Index`` (``HandleObject``, ``HandleArray``,
  ``IndexHelper``);
* src/Sdk/Expressions/Data/DictionaryExpressionData.cs: keys ``OrdinalIgnoreCase``, ``Add`` of a
  key already there (ignoring case) throws.
"""

from __future__ import annotations

import itertools
import math
import re

NULL, BOOLEAN, NUMBER, STRING, ARRAY, OBJECT = "Null", "Boolean", "Number", "String", "Array", "Object"


class GitHubError(Exception):
    """What the runner throws (a duplicate key, ...)."""


class CIDict:
    """DictionaryExpressionData: ordered pairs, keys looked up ignoring case."""

    def __init__(self):
        self.pairs = []

    def find(self, key):
        for i, (k, _) in enumerate(self.pairs):
            if upper(k) == upper(key):
                return i
        return None

    def add(self, key, value):
        if self.find(key) is not None:
            raise GitHubError(f"An item with the same key has already been added. Key: {key}")
        self.pairs.append((key, value))

    def set(self, key, value):  # the indexer: preserves the existing key's casing
        i = self.find(key)
        if i is None:
            self.pairs.append((key, value))
        else:
            self.pairs[i] = (self.pairs[i][0], value)

    def get(self, key):
        i = self.find(key)
        return None if i is None else self.pairs[i][1]

    def contains(self, key):
        return self.find(key) is not None

    def to_plain(self):
        return {k: to_plain(v) for k, v in self.pairs}


class Number(float):
    """A double, as GitHub holds every number, that remembers the number as written (for output)."""

    def __new__(cls, written):
        try:
            double = float(written)
        except OverflowError:
            double = math.inf if written > 0 else -math.inf
        number = super().__new__(cls, double)
        number.written = written
        return number


def to_data(value):
    """ToExpressionData: mappings become CIDicts (a duplicate key throws); numbers doubles."""
    if isinstance(value, dict):
        d = CIDict()
        for k, v in value.items():
            d.add(k, to_data(v))
        return d
    if isinstance(value, list):
        return [to_data(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return Number(value)
    raise TypeError(value)


def to_plain(value):
    if isinstance(value, CIDict):
        return value.to_plain()
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value.written if isinstance(value, Number) else value


def upper(text):
    # OrdinalIgnoreCase: simple (one character to one) upper-case mapping, character by character.
    return "".join(u if len(u := c.upper()) == 1 else c for c in text)


def kind(value):
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, list):
        return ARRAY
    return OBJECT


WHITE = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}
DOUBLE = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def parse_number(text):
    """ExpressionUtility.ParseNumber."""
    start, stop = 0, len(text)
    while start < stop and text[start] in WHITE:
        start += 1
    while stop > start and text[stop - 1] in WHITE:
        stop -= 1
    text = text[start:stop]
    if text == "":
        return 0.0
    if DOUBLE.fullmatch(text):  # Double.TryParse(AllowLeadingSign | AllowDecimalPoint | AllowExponent)
        return float(text)
    if upper(text) in ("INFINITY", "+INFINITY"):  # .NET Core's symbol fallback in Double.TryParse
        return math.inf
    if upper(text) == "-INFINITY":
        return -math.inf
    if upper(text) in ("NAN", "+NAN", "-NAN"):
        return math.nan
    if text[0] == "0" and len(text) > 2 and text[1] == "x" and all(c in "0123456789abcdefABCDEF" for c in text[2:]):
        value = int(text[2:], 16)  # Int32.TryParse(AllowHexSpecifier)
        if value > 0xFFFFFFFF:
            return math.nan
        return float(value - (1 << 32) if value & 0x80000000 else value)
    if text[0] == "0" and len(text) > 2 and text[1] == "o" and all(c in "01234567" for c in text[2:]):
        value = int(text[2:], 8)  # Convert.ToInt32(s, 8)
        if value > 0xFFFFFFFF:
            return math.nan
        return float(value - (1 << 32) if value & 0x80000000 else value)
    return math.nan


def convert_to_number(value):
    k = kind(value)
    if k == NULL:
        return 0.0
    if k == BOOLEAN:
        return 1.0 if value else 0.0
    if k == NUMBER:
        return value
    if k == STRING:
        return parse_number(value)
    return math.nan


def coerce_types(left, right):
    lk, rk = kind(left), kind(right)
    if lk == rk:
        pass
    elif lk == NUMBER and rk == STRING:
        right, rk = convert_to_number(right), NUMBER
    elif lk == STRING and rk == NUMBER:
        left, lk = convert_to_number(left), NUMBER
    elif lk in (BOOLEAN, NULL):
        return coerce_types(convert_to_number(left), right)
    elif rk in (BOOLEAN, NULL):
        return coerce_types(left, convert_to_number(right))
    return left, right, lk, rk


def abstract_equal(left, right):
    left, right, lk, rk = coerce_types(left, right)
    if lk != rk:
        return False
    if lk == NULL:
        return True
    if lk == NUMBER:
        return not (math.isnan(left) or math.isnan(right)) and left == right
    if lk == STRING:
        return upper(left) == upper(right)
    if lk == BOOLEAN:
        return left == right
    return left is right


def g15(number):
    """FormatValue of a number (G15), parsed back by the lexer's ReadNumberToken / keywords."""
    if math.isnan(number):
        return math.nan
    if math.isinf(number):
        return number
    return parse_number(format(number, ".15g"))


def index(container, key):
    """Index.EvaluateCore on a literal key (a string from a mapping, a double from a sequence)."""
    if isinstance(container, CIDict):
        name = key if isinstance(key, str) else format(key, ".15g")  # ConvertToString (G15)
        return container.get(name)
    if isinstance(container, list):
        number = convert_to_number(key)
        if math.isnan(number) or number < 0:
            return None
        number = math.floor(number)
        if number > 2**31 - 1:
            return None
        return container[number] if number < len(container) else None
    return None


def filter_expressions(filter_pairs):
    """MatrixFilter's constructor: (path, literal) per scalar leaf, walking mappings and sequences."""
    found = []
    stack = [((), list(filter_pairs))]
    while stack:
        path, pairs = stack.pop()
        for key, value in reversed(pairs):
            here = path + (key,)
            if isinstance(value, dict):
                stack.append((here, list(value.items())))
            elif isinstance(value, list):
                stack.append((here, [(float(i), v) for i, v in enumerate(value)]))
            else:
                found.append((here, g15(to_data(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else value))
    return found


def evaluate(expressions, matrix):
    for path, literal in expressions:
        value = matrix
        for key in path:
            value = index(value, key)
        if not abstract_equal(value, literal):
            return False
    return True


def build(matrix):
    """MatrixBuilder.Build over a strategy.matrix mapping (plain Python values); the list of
    combinations as plain dicts. Raises GitHubError where the runner throws."""
    vectors = CIDict()
    for key, value in matrix.items():
        if key not in ("include", "exclude"):
            vectors.add(key, [to_data(v) for v in value])
    includes = []
    for entry in matrix.get("include", []):
        filter_pairs, extra = [], CIDict()
        for key, value in entry.items():
            if vectors.contains(key):
                filter_pairs.append((key, value))
            else:
                extra.add(key, to_data(value))
        if not filter_pairs and not extra.pairs:
            raise GitHubError("Matrix include mapping does not contain any values")
        includes.append((filter_pairs, extra, filter_expressions(filter_pairs)))
    excludes = []
    for entry in matrix.get("exclude", []):
        if not entry:
            raise GitHubError("Matrix exclude filter must not be empty")
        for key in entry:
            if not vectors.contains(key):
                raise GitHubError(f"Matrix exclude key '{key}' does not match any key within the matrix")
        excludes.append(filter_expressions(list(entry.items())))
    matched = [False] * len(includes)
    result = []
    names = [k for k, _ in vectors.pairs]
    for values in itertools.product(*(v for _, v in vectors.pairs)) if names else ():
        combination = CIDict()
        for name, value in zip(names, values):
            combination.add(name, value)
        if any(evaluate(e, combination) for e in excludes):
            continue
        extra = None
        for i, (_, extras, expressions) in enumerate(includes):
            if evaluate(expressions, combination):
                matched[i] = True
                extra = extra or CIDict()
                for key, value in extras.pairs:
                    extra.set(key, value)
        if extra is not None:
            for key, value in extra.pairs:
                combination.add(key, value)
        result.append(combination.to_plain())
    for i, (filter_pairs, extras, _) in enumerate(includes):
        if not matched[i]:
            combination = CIDict()
            for key, value in filter_pairs:
                combination.add(key, to_data(value))
            for key, value in extras.pairs:
                combination.add(key, value)
            result.append(combination.to_plain())
    return result
