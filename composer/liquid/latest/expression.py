"""Expressions and operators (``src/render/expression.ts``, ``src/render/operator.ts``).

An expression's tokens are put in postfix order as LiquidJS does (``toPostfix``):
comparisons bind tightest, then ``not``, then ``and``/``or`` with equal precedence and
grouped from the right (``a or b and c`` is ``a or (b and c)``, ``a and b or c`` is
``a and (b or c)``). Every operand is evaluated, left to right (no short-circuit); the
value is the first operand left on the stack, so in ``{{ a b }}`` the ``b`` is read and
ignored, and an operator short of operands works with ``undefined``, as in LiquidJS.

Each value token is compiled once into a closure ``f(context) -> value``; a
well-formed expression becomes a tree of closures, anything else runs LiquidJS's stack
machine. The operators:

* ``==``/``!=``: a comparable drop (``nil``, ``empty``, ``blank``) decides; otherwise
  values (a drop's ``valueOf()``) are compared with ``===``, arrays item by item;
* ``<``, ``>``, ``<=``, ``>=``: false beside a comparable drop, else JavaScript's
  comparison (numbers, or strings by code unit, with JavaScript's conversions);
* ``contains``: an array item ``==`` the value, or a substring (of the value's text);
* ``not``, ``and``, ``or``: truthiness (only ``false``, ``nil`` and ``undefined`` are false).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from composer.liquid.latest.drops import ComparableDrop
from composer.liquid.latest.jsstring import string_less
from composer.liquid.latest.jsvalues import (
    UNDEFINED,
    Drop,
    is_array,
    is_falsy,
    js_number,
    js_string,
    nest_guard,
    strict_equals,
    to_primitive,
    to_value,
)
from composer.liquid.latest.tokenizer import tick
from composer.liquid.latest.tokens import (
    ExpressionPart,
    IdentifierToken,
    LiteralToken,
    NumberToken,
    OperatorToken,
    PropertyAccessToken,
    QuotedToken,
    RangeToken,
    ValueToken,
)

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context

__all__ = [
    "BINARY",
    "Evaluator",
    "array_includes",
    "compile_expression",
    "compile_value",
    "equals",
    "literal_path",
    "to_postfix",
]

Evaluator = Callable[["Context"], Any]
"""A compiled expression: the value it has in a context."""

_PRECEDENCE = {"==": 2, "!=": 2, ">": 2, "<": 2, ">=": 2, "<=": 2, "contains": 2, "not": 1}


def equals(left: object, right: object, depth: int = 0) -> bool:
    """LiquidJS's ``equals`` (``==``)."""
    if isinstance(left, ComparableDrop):
        return left.equals(right)
    if isinstance(right, ComparableDrop):
        return right.equals(left)
    left = to_value(left)
    right = to_value(right)
    if is_array(left):
        if not is_array(right) or len(left) != len(right):  # type: ignore[arg-type]
            return False
        nest_guard(depth)
        return all(
            equals(a, b, depth + 1)
            for a, b in zip(left, right, strict=True)  # type: ignore[call-overload]
        )
    return strict_equals(left, right)


def array_includes(items: list[Any], value: object) -> bool:
    """Whether an item of ``items`` ``==`` ``value``."""
    return any(equals(item, value) for item in items)


def _relation(left: object, right: object) -> bool | None:
    """``left < right`` after ``toValue``: True, False, or None (undefined: NaN)."""
    left = to_primitive(to_value(left))
    right = to_primitive(to_value(right))
    if type(left) is str and type(right) is str:
        return string_less(left, right)
    a, b = js_number(left), js_number(right)
    if a != a or b != b:
        return None
    return a < b


def _less(left: object, right: object) -> bool:
    if isinstance(left, ComparableDrop) or isinstance(right, ComparableDrop):
        return False
    return _relation(left, right) is True


def _greater(left: object, right: object) -> bool:
    if isinstance(left, ComparableDrop) or isinstance(right, ComparableDrop):
        return False
    return _relation(right, left) is True


def _less_equal(left: object, right: object) -> bool:
    if isinstance(left, ComparableDrop) or isinstance(right, ComparableDrop):
        return False
    return _relation(right, left) is False


def _greater_equal(left: object, right: object) -> bool:
    if isinstance(left, ComparableDrop) or isinstance(right, ComparableDrop):
        return False
    return _relation(left, right) is False


def _contains(left: object, right: object) -> bool:
    left = to_value(left)
    if is_array(left):
        return array_includes(left, right)  # type: ignore[arg-type]
    if type(left) is str:
        return js_string(to_value(right)) in left
    return False


def _and(left: object, right: object) -> bool:
    return not is_falsy(left) and not is_falsy(right)


def _or(left: object, right: object) -> bool:
    return not is_falsy(left) or not is_falsy(right)


BINARY: dict[str, Callable[[object, object], bool]] = {
    "==": equals,
    "!=": lambda left, right: not equals(left, right),
    "<": _less,
    ">": _greater,
    "<=": _less_equal,
    ">=": _greater_equal,
    "contains": _contains,
    "and": _and,
    "or": _or,
}
"""The binary operators by name."""


def to_postfix(tokens: list[ExpressionPart]) -> list[ExpressionPart]:
    """LiquidJS's ``toPostfix`` (operators of higher precedence pop first)."""
    out: list[ExpressionPart] = []
    ops: list[OperatorToken] = []
    for count, token in enumerate(tokens):
        if count & 1023 == 1023:
            tick()
        if isinstance(token, OperatorToken):
            rank = _PRECEDENCE.get(token.operator, 0)
            while ops and _PRECEDENCE.get(ops[-1].operator, 0) > rank:
                out.append(ops.pop())
            ops.append(token)
        else:
            out.append(token)
    while ops:
        out.append(ops.pop())
    return out


def literal_path(token: PropertyAccessToken) -> list[object] | None:
    """The path when every part is written literally (``a.b[0]["c"]``), else None."""
    if token.variable is not None:
        return None
    path: list[object] = []
    for prop in token.props:
        if isinstance(prop, (NumberToken, QuotedToken, IdentifierToken)) or (
            isinstance(prop, LiteralToken) and not isinstance(prop.content, Drop)
        ):
            path.append(prop.content)
        else:
            return None
    return path


def compile_value(token: ValueToken | OperatorToken | None) -> Evaluator:
    """LiquidJS's ``evalToken`` for one token, as a closure (drops kept as drops)."""
    if token is None or isinstance(token, OperatorToken):
        return lambda ctx: UNDEFINED
    if isinstance(token, (NumberToken, QuotedToken, LiteralToken, IdentifierToken)):
        constant = token.content
        return lambda ctx: constant
    if isinstance(token, RangeToken):
        return _compile_range(token)
    return _compile_access(token)


def _compile_access(token: PropertyAccessToken) -> Evaluator:
    index = token.begin
    path = literal_path(token)
    if path is not None:
        frozen = tuple(path)
        return lambda ctx: ctx.lookup(frozen, index)
    parts: list[tuple[bool, Any]] = []
    for prop in token.props:
        if isinstance(prop, (NumberToken, QuotedToken, IdentifierToken)) or (
            isinstance(prop, LiteralToken) and not isinstance(prop.content, Drop)
        ):
            parts.append((False, prop.content))
        else:
            parts.append((True, compile_value(prop)))
    variable = None if token.variable is None else compile_value(token.variable)

    def access(ctx: Context) -> object:
        keys = [to_value(part(ctx)) if computed else part for computed, part in parts]
        if variable is None:
            return ctx.lookup(keys, index)
        ctx.state.step()
        return ctx.walk(variable(ctx), keys, 0, index, False)

    return access


def _compile_range(token: RangeToken) -> Evaluator:
    low_of, high_of = compile_value(token.lhs), compile_value(token.rhs)

    def evaluate(ctx: Context) -> list[int]:
        low = _trunc(js_number(to_value(low_of(ctx))))
        high = _trunc(js_number(to_value(high_of(ctx))))
        if low != low or high != high or not low < high + 1:
            return []
        count = high + 1 - low
        ctx.state.loop_ahead(int(min(count, 2**62)))
        first = int(low)
        return list(range(first, first + int(count + (0 if count.is_integer() else 1))))

    return evaluate


def _trunc(number: float) -> float:
    if number != number or number in (float("inf"), float("-inf")):
        return number
    return float(int(number))


def compile_expression(tokens: list[ExpressionPart]) -> Evaluator:
    """An expression's value: a tree of closures, or LiquidJS's stack machine."""
    if len(tokens) == 1:
        return compile_value(tokens[0])
    postfix = to_postfix(tokens)
    if len(postfix) == 1:
        return compile_value(postfix[0])
    stack: list[Evaluator] = []
    for count, token in enumerate(postfix):
        if count & 1023 == 1023:
            tick()
        if isinstance(token, OperatorToken):
            needs = 1 if token.operator == "not" else 2
            if len(stack) < needs:
                return _stack_machine(postfix)
            right = stack.pop()
            if needs == 1:
                stack.append(_unary_not(right))
            else:
                stack.append(_binary(BINARY[token.operator], stack.pop(), right))
        else:
            stack.append(compile_value(token))
    if len(stack) == 1:
        return stack[0]
    return _stack_machine(postfix)


def _unary_not(operand: Evaluator) -> Evaluator:
    return lambda ctx: is_falsy(to_value(operand(ctx)))


def _binary(
    operator: Callable[[object, object], bool], left: Evaluator, right: Evaluator
) -> Evaluator:
    def evaluate(ctx: Context) -> bool:
        value = left(ctx)
        return operator(value, right(ctx))

    return evaluate


def _stack_machine(postfix: list[ExpressionPart]) -> Evaluator:
    steps: list[tuple[str | None, Evaluator | None]] = [
        (token.operator, None) if isinstance(token, OperatorToken) else (None, compile_value(token))
        for token in postfix
    ]

    def evaluate(ctx: Context) -> object:
        operands: list[object] = []
        for operator, operand in steps:
            if operator is None:
                assert operand is not None
                operands.append(operand(ctx))
                continue
            right = operands.pop() if operands else UNDEFINED
            if operator == "not":
                operands.append(is_falsy(to_value(right)))
            else:
                left = operands.pop() if operands else UNDEFINED
                operands.append(BINARY[operator](left, right))
        return operands[0] if operands else UNDEFINED

    return evaluate
