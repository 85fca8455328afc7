"""The arithmetic filters of ``lib/liquid/standardfilters.rb``, with Ruby's numbers.

2.5.3's ``to_number`` (unlike later versions, no BigDecimal)::

    case obj
    when Numeric then obj
    when String  then (obj.strip =~ /^\\d+\\.\\d+$/) ? obj.to_f : obj.to_i
    else 0
    end

so ``"1.5"`` is a Float, ``"-1.5"`` is ``-1`` (the pattern has no sign), ``"12abc"`` is
12 and ``nil`` is 0. ``plus`` … ``modulo`` apply Ruby's ``+ - * / %``: two Integers give
an Integer (``/`` and ``%`` round toward minus infinity, ``/ 0`` is ``ZeroDivisionError:
divided by 0``); a Float anywhere gives a Float (``/ 0.0`` is ``Infinity``, ``% 0.0`` is
``NaN``). Integers are unbounded in Ruby; here one with more than
:data:`~composer.liquid.state.NUMBER_DIGITS_LIMIT` digits stops the render.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from composer.liquid.errors import RenderLimitError
from composer.liquid.legacy.ruby import RubyError, describe, str_to_f, str_to_i
from composer.liquid.state import NUMBER_DIGITS_LIMIT, RenderState

if TYPE_CHECKING:
    from composer.liquid.legacy.context import Context

__all__ = ["NUMBER_FILTERS", "check_integer", "to_number"]

_DECIMAL_LINE = re.compile(r"^[0-9]+\.[0-9]+$", re.MULTILINE)
_STRIP = " \t\n\v\f\r\0"


def to_number(value: object) -> int | float:
    """``StandardFilters#to_number`` of 2.5.3."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        if _DECIMAL_LINE.search(value.strip(_STRIP)):
            return str_to_f(value)
        return str_to_i(value)
    return 0


def _float(number: int | float) -> float:
    try:
        return float(number)
    except OverflowError:  # a bignum beyond the largest Float is infinite in Ruby
        return math.inf if number > 0 else -math.inf


_BITS_PAST_LIMIT = 13_290
"""An integer with more bits than this has more than NUMBER_DIGITS_LIMIT digits."""


def check_integer(number: int) -> int:
    """``number`` when it is within the digits limit; RenderLimitError otherwise (without
    ever turning a huge number into text)."""
    if number.bit_length() > _BITS_PAST_LIMIT:
        raise RenderLimitError(f"a number has more than {NUMBER_DIGITS_LIMIT:,} digits")
    return RenderState.check_integer(number)


def _result(number: int | float) -> int | float:
    return check_integer(number) if type(number) is int else number


def plus(_ctx: Context, value: object, operand: object) -> int | float:
    """``plus``: ``to_number(input) + to_number(operand)``."""
    x, y = to_number(value), to_number(operand)
    if type(x) is int and type(y) is int:
        return _result(x + y)
    return _float(x) + _float(y)


def minus(_ctx: Context, value: object, operand: object) -> int | float:
    """``minus``."""
    x, y = to_number(value), to_number(operand)
    if type(x) is int and type(y) is int:
        return _result(x - y)
    return _float(x) - _float(y)


def times(_ctx: Context, value: object, operand: object) -> int | float:
    """``times``."""
    x, y = to_number(value), to_number(operand)
    if type(x) is int and type(y) is int:
        if x and y and x.bit_length() + y.bit_length() - 1 > _BITS_PAST_LIMIT:
            raise RenderLimitError(f"a number has more than {NUMBER_DIGITS_LIMIT:,} digits")
        return _result(x * y)
    return _float(x) * _float(y)


def _zero(name: str, operand: object) -> RubyError:
    return RubyError(
        "ZeroDivisionError",
        "divided by 0",
        f"the filter '{name}' got {describe(operand)} for its divisor, "
        "and an integer cannot be divided by zero",
    )


def divided_by(_ctx: Context, value: object, operand: object) -> int | float:
    """``divided_by``: integer division for two Integers (``7 / 2`` is 3)."""
    x, y = to_number(value), to_number(operand)
    if type(x) is int and type(y) is int:
        if y == 0:
            raise _zero("divided_by", operand)
        return x // y
    return _float_divide(_float(x), _float(y))


def _float_divide(x: float, y: float) -> float:
    if y == 0:
        if x == 0 or math.isnan(x):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def modulo(_ctx: Context, value: object, operand: object) -> int | float:
    """``modulo``: Ruby's ``%`` takes the divisor's sign (``-7 % 3`` is 2)."""
    x, y = to_number(value), to_number(operand)
    if type(x) is int and type(y) is int:
        if y == 0:
            raise _zero("modulo", operand)
        return x % y
    fx, fy = _float(x), _float(y)
    if fy == 0:  # Float#% by zero raises too
        raise _zero("modulo", operand)
    if math.isinf(fx) or math.isnan(fx) or math.isnan(fy):
        return math.nan
    mod = math.fmod(fx, fy)  # Ruby's flodivmod: fmod, moved to the divisor's side
    if fy * mod < 0:
        mod += fy
    return mod


NUMBER_FILTERS = {
    "plus": (plus, ("operand",)),
    "minus": (minus, ("operand",)),
    "times": (times, ("operand",)),
    "divided_by": (divided_by, ("divisor",)),
    "modulo": (modulo, ("divisor",)),
}
"""The arithmetic filters, each with the names of its arguments."""
