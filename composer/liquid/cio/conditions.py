"""The expressions of legacy's ``where_exp``, ``find_exp`` and ``group_by_exp``.

Customer.io's "Liquid syntax list" documents these Jekyll filters for both versions:
``{% assign kitchen = customer.products | where_exp: "item", "item.size > 30 and
item.type == 'kitchen'" %}``. Latest has them from LiquidJS; legacy (Liquid 2.5.3) does
not, so they are written here as Jekyll writes them (``Jekyll::Filters#where_exp`` and
``parse_condition``): comparisons (``==``, ``!=``, ``<>``, ``<``, ``>``, ``<=``, ``>=``,
``contains``) of literals and variables, joined by ``and``/``or`` and read from the right
(``a and b or c`` is ``a and (b or c)``), with Ruby's comparisons as Liquid's
``Condition`` makes them.

The loop variable (``item``) is looked up in each item here; every other variable is
looked up by the engine (:attr:`~composer.liquid.cio.api.Call.evaluate`) in the current
scope. What the expressions cannot hold here: filters (``item.date | date: '%Y'``
inside ``group_by_exp``) and ranges, which are refused with an error naming the filter.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from composer.liquid.cio.api import Call
from composer.liquid.cio.values import describe, ruby_equal

__all__ = ["Condition", "compile_condition", "holds", "value_of"]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'[^']*'|"[^"]*")
    | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
    | (?P<op>==|!=|<>|<=|>=|<|>|\bcontains\b)
    | (?P<join>\band\b|\bor\b)
    | (?P<path>[A-Za-z_][\w-]*\??(?:\.[\w-]+\??|\[[^\[\]]*\])*)
    )""",
    re.X,
)
_PART = re.compile(r"\.([\w-]+\??)|\[([^\[\]]*)\]")
_LITERALS: dict[str, object] = {"true": True, "false": False, "nil": None, "null": None}
_MOST_CONDITIONS = 50
_LONGEST = 2_000


@dataclass(frozen=True, slots=True)
class Operand:
    """A literal (``kind`` ``literal``), ``empty``/``blank``, or a variable path."""

    kind: str
    value: object
    text: str


@dataclass(frozen=True, slots=True)
class Condition:
    """``left [op right]`` comparisons joined by ``and``/``or``."""

    tests: tuple[tuple[Operand, str | None, Operand | None], ...]
    joins: tuple[str, ...]


def _operand(kind: str, text: str) -> Operand:
    if kind == "string":
        return Operand("literal", text[1:-1], text)
    if kind == "number":
        return Operand("literal", float(text) if "." in text else int(text), text)
    if text in _LITERALS:
        return Operand("literal", _LITERALS[text], text)
    if text in ("empty", "blank"):
        return Operand(text, None, text)
    return Operand("path", None, text)


@functools.lru_cache(maxsize=256)
def compile_condition(text: str) -> Condition:
    """The expression ``text`` as a :class:`Condition`; ValueError when it is not one."""
    if len(text) > _LONGEST:
        raise ValueError(f"the expression is longer than {_LONGEST:,} characters")
    tokens: list[tuple[str, str]] = []
    at = 0
    while at < len(text.rstrip()):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise ValueError(f"cannot read {text[at:].strip()!r} in the expression {text!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind).strip()))
        at = match.end()
    tests: list[tuple[Operand, str | None, Operand | None]] = []
    joins: list[str] = []
    pos = 0
    while True:
        if pos >= len(tokens) or tokens[pos][0] in ("op", "join"):
            raise ValueError(f"the expression {text!r} is missing a value")
        left = _operand(*tokens[pos])
        pos += 1
        op: str | None = None
        right: Operand | None = None
        if pos < len(tokens) and tokens[pos][0] == "op":
            op = tokens[pos][1]
            if pos + 1 >= len(tokens) or tokens[pos + 1][0] in ("op", "join"):
                raise ValueError(f"the expression {text!r} is missing a value after {op}")
            right = _operand(*tokens[pos + 1])
            pos += 2
        tests.append((left, op, right))
        if pos >= len(tokens):
            break
        if tokens[pos][0] != "join" or len(tests) >= _MOST_CONDITIONS:
            raise ValueError(f"cannot read {tokens[pos][1]!r} in the expression {text!r}")
        joins.append(tokens[pos][1])
        pos += 1
    return Condition(tuple(tests), tuple(joins))


def _lookup(value: object, part: object) -> object:
    if isinstance(value, Mapping):
        try:
            if part in value:
                return value[part]
        except (KeyError, TypeError):
            return None
    if isinstance(value, list | tuple) and isinstance(part, int) and not isinstance(part, bool):
        return value[part] if -len(value) <= part < len(value) else None
    if part == "size" and isinstance(value, list | tuple | Mapping | str):
        return len(value)
    if part in ("first", "last") and isinstance(value, list | tuple):
        return (value[0] if part == "first" else value[-1]) if value else None
    return None


def _resolve(call: Call, operand: Operand, variable: str, item: object) -> object:
    if operand.kind == "literal":
        return operand.value
    text = operand.text
    root = re.match(r"[\w-]+\??", text)
    if root is None or root.group(0) != variable:
        return call.evaluate(text)
    value = item
    for match in _PART.finditer(text, root.end()):
        call.state.step()
        name, inner = match.groups()
        if name is not None:
            value = _lookup(value, name)
            continue
        kind = (
            "string"
            if inner[:1] in "'\""
            else ("number" if re.fullmatch(r"-?\d+", inner) else "path")
        )
        key = _resolve(call, _operand(kind, inner.strip()), variable, item)
        value = _lookup(value, key)
    return value


def _empty(value: object) -> bool:
    return isinstance(value, str | list | tuple | Mapping) and not value


def _blank(value: object) -> bool:
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return not value.strip()
    return _empty(value)


def _special(kind: str, other: object) -> bool:
    return _empty(other) if kind == "empty" else _blank(other)


def _is_num(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _compare(call: Call, left: object, op: str, right: object) -> bool:
    if op in ("==", "!=", "<>"):
        return ruby_equal(left, right) == (op == "==")
    if op == "contains":
        if isinstance(left, str):
            return call.to_text(right) in left
        if isinstance(left, list | tuple):
            return any(ruby_equal(element, right) for element in left)
        if isinstance(left, Mapping):
            return right in left if isinstance(right, str) else False
        return False
    comparable = (_is_num(left) and _is_num(right)) or (
        isinstance(left, str) and isinstance(right, str)
    )
    if not comparable:
        if (_is_num(left) or isinstance(left, str)) and (_is_num(right) or isinstance(right, str)):
            raise ValueError(
                f"comparison of {'String' if isinstance(left, str) else 'number'} "
                f"with {describe(right)} failed"
            )
        return False
    a: Any = left
    b: Any = right
    return bool({"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op])


def _test(
    call: Call, test: tuple[Operand, str | None, Operand | None], variable: str, item: object
) -> bool:
    left_operand, op, right_operand = test
    if op is None or right_operand is None:
        value = _resolve(call, left_operand, variable, item)
        return value is not None and value is not False
    if left_operand.kind in ("empty", "blank") or right_operand.kind in ("empty", "blank"):
        if op not in ("==", "!=", "<>"):
            return False
        special, other = (
            (left_operand, right_operand)
            if left_operand.kind in ("empty", "blank")
            else (right_operand, left_operand)
        )
        found = _special(special.kind, _resolve(call, other, variable, item))
        return found == (op == "==")
    left = _resolve(call, left_operand, variable, item)
    right = _resolve(call, right_operand, variable, item)
    return _compare(call, left, op, right)


def holds(call: Call, condition: Condition, variable: str, item: object) -> bool:
    """Whether ``condition`` holds with ``variable`` standing for ``item``.

    ``a and b or c`` is ``a and (b or c)``: read left to right, each test decides
    the whole unless the rest must be asked (Liquid's ``Condition#evaluate``).
    """
    last = len(condition.tests) - 1
    for index, test in enumerate(condition.tests):
        result = _test(call, test, variable, item)
        if index == last:
            return result
        if result == (condition.joins[index] == "or"):
            return result
    return False


def value_of(call: Call, text: str, variable: str, item: object) -> object:
    """The value of ``text`` (a single operand, or a condition's truth) for ``item``."""
    condition = compile_condition(text)
    if len(condition.tests) == 1 and condition.tests[0][1] is None:
        return _resolve(call, condition.tests[0][0], variable, item)
    return holds(call, condition, variable, item)
