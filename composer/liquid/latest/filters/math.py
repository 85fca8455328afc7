"""Math filters (``src/filters/math.ts``): JavaScript numbers, no trailing ``.0``.

Every argument given is read with LiquidJS's ``toNumber`` (``+value || 0``: text that
is not a number, nil and an undefined variable are 0; an argument not written at all
is JavaScript's missing argument, so ``{{ 5 | times }}`` is ``NaN``), then
JavaScript's arithmetic applies:
``{{ 2.0 | times: 3 }}`` is ``6``, ``{{ 1 | divided_by: 0 }}`` is ``Infinity``,
``{{ 0.1 | plus: 0.2 }}`` is ``0.30000000000000004``. ``divided_by`` divides exactly
unless its second argument is truthy (then it floors); ``modulo`` follows the divisor's
sign (``((a % b) + b) % b``); ``round`` shifts the decimal point through the number's
text as LiquidJS does, and leaves a number too large to round as it is.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from composer.liquid.latest.jsnumber import (
    js_divide,
    js_remainder,
    math_round,
    number_to_string,
    string_to_number,
)
from composer.liquid.latest.jsvalues import UNDEFINED, to_number

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context

__all__ = ["MATH_FILTERS"]

_MAX_SAFE_INTEGER = 2.0**53 - 1
_ABSENT: Any = object()
"""An argument not written at all (JavaScript's missing argument: NaN in arithmetic)."""


def _number(value: object) -> float:
    return math.nan if value is _ABSENT else to_number(value)


def abs_(ctx: Context, value: object) -> float:
    """``abs``."""
    return abs(to_number(value))


def at_least(ctx: Context, value: object, *args: object) -> float:
    """``at_least``: the largest of the value and the arguments."""
    return max([to_number(value), *(to_number(arg) for arg in args)])


def at_most(ctx: Context, value: object, *args: object) -> float:
    """``at_most``: the smallest of the value and the arguments."""
    return min([to_number(value), *(to_number(arg) for arg in args)])


def _whole(number: float, rounding: Any) -> float:
    return float(rounding(number)) if math.isfinite(number) else number


def ceil(ctx: Context, value: object) -> float:
    """``ceil``."""
    return _whole(to_number(value), math.ceil)


def floor(ctx: Context, value: object) -> float:
    """``floor``."""
    return _whole(to_number(value), math.floor)


def divided_by(
    ctx: Context, value: object, divisor: object = _ABSENT, integer: object = _ABSENT
) -> float:
    """``divided_by``: exact, or floored when the second argument is truthy."""
    quotient = js_divide(to_number(value), _number(divisor))
    return (
        _whole(quotient, math.floor) if integer is not _ABSENT and to_number(integer) else quotient
    )


def minus(ctx: Context, value: object, other: object = _ABSENT) -> float:
    """``minus``."""
    return to_number(value) - _number(other)


def plus(ctx: Context, value: object, other: object = _ABSENT) -> float:
    """``plus``."""
    return to_number(value) + _number(other)


def modulo(ctx: Context, value: object, divisor: object = _ABSENT) -> float:
    """``modulo``: the remainder with the divisor's sign."""
    number, by = to_number(value), _number(divisor)
    return js_remainder(js_remainder(number, by) + by, by)


def times(ctx: Context, value: object, other: object = _ABSENT) -> float:
    """``times``."""
    return to_number(value) * _number(other)


def _shift_decimal(number: float, exponent: float) -> float:
    mantissa, _, power = number_to_string(number).partition("e")
    shifted = string_to_number(power or "0") + exponent
    return string_to_number(f"{mantissa}e{number_to_string(shifted)}")


def round_(ctx: Context, value: object, places: object = UNDEFINED) -> float:
    """``round``: to ``places`` decimals (halves away from zero)."""
    number = to_number(value)
    digits = to_number(0 if places is UNDEFINED else places)
    scaled = _shift_decimal(abs(number), digits)
    if not scaled <= _MAX_SAFE_INTEGER:
        return number
    rounded = _shift_decimal(math_round(scaled), -digits)
    return -rounded if number < 0 else rounded


MATH_FILTERS: dict[str, Any] = {
    "abs": abs_,
    "at_least": at_least,
    "at_most": at_most,
    "ceil": ceil,
    "divided_by": divided_by,
    "floor": floor,
    "minus": minus,
    "plus": plus,
    "modulo": modulo,
    "times": times,
    "round": round_,
}
"""These filters by name."""
