"""JavaScript's one number type, as LiquidJS sees it: ``Number()`` and ``String(number)``.

LiquidJS runs on JavaScript, where every number is an IEEE double. Here a number is a
Python ``float`` or ``int`` (an ``int`` from the data is read as the double JavaScript's
``JSON.parse`` would make of it, so ``9007199254740993`` is ``9007199254740992``).
This module follows ECMA-262:

* :func:`number_to_string`: ``Number.prototype.toString()`` (7.1.12.1): the shortest
  digits that round-trip (Python's ``repr`` finds the same digits), written plainly
  from ``1e-7`` up to ``1e21`` and with an exponent outside (``1e+21``, ``1.5e-7``);
  ``-0`` is ``0``, ``NaN``, ``Infinity``.
* :func:`string_to_number`: ``StringToNumber`` (7.1.4.1.1): JavaScript's white space
  trimmed, an empty text is 0, decimal literals with an exponent, ``Infinity``, and
  unsigned ``0x``/``0o``/``0b`` literals; anything else is ``NaN``.
* :func:`to_integer_or_infinity`, :func:`math_round` and the other small helpers the
  filters need.
"""

from __future__ import annotations

import math
import re

__all__ = [
    "INT_EXACT",
    "as_float",
    "is_number",
    "js_divide",
    "js_remainder",
    "math_round",
    "number_to_string",
    "string_to_number",
    "to_integer_or_infinity",
]

INT_EXACT = 2**53
"""Integers below this in size are exact as doubles."""

_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_RADIX = re.compile(r"0([xXoObB])([0-9a-fA-F]+)")
_RADIX_BASE = {"x": 16, "o": 8, "b": 2}
JS_SPACE = (
    "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""JavaScript's WhiteSpace and LineTerminator characters (what ``trim`` and ``\\s`` know)."""


def is_number(value: object) -> bool:
    """Whether ``value`` is a JavaScript number (an int or a float, not a bool)."""
    kind = type(value)
    return kind is float or kind is int


def as_float(value: int | float) -> float:
    """A number as the double JavaScript holds (huge integers become infinite)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def number_to_string(value: int | float) -> str:
    """``String(number)``: JavaScript's way of writing a number."""
    if type(value) is int and -INT_EXACT < value < INT_EXACT:
        return str(value)
    number = as_float(value)
    if number != number:
        return "NaN"
    if number == 0:
        return "0"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number.is_integer() and abs(number) < INT_EXACT:
        return str(int(number))
    sign = "-" if number < 0 else ""
    mantissa, _, exponent = repr(abs(number)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # the decimal point sits `point` digits into `digits` (value = 0.digits × 10^point)
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0") or "0"
    count = len(digits)
    if count <= point <= 21:
        return sign + digits + "0" * (point - count)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    power = point - 1
    written = f"{'+' if power >= 0 else '-'}{abs(power)}"
    if count == 1:
        return f"{sign}{digits}e{written}"
    return f"{sign}{digits[0]}.{digits[1:]}e{written}"


def string_to_number(text: str) -> float:
    """``Number(text)`` for a string: its number, or ``NaN``."""
    text = text.strip(JS_SPACE)
    if not text:
        return 0.0
    if _DECIMAL.fullmatch(text):
        return float(text.replace("Infinity", "inf"))
    radix = _RADIX.fullmatch(text)
    if radix:
        base = _RADIX_BASE[radix.group(1).lower()]
        try:
            return as_float(int(radix.group(2), base))
        except ValueError:
            return math.nan
    return math.nan


def to_integer_or_infinity(number: float) -> float:
    """``ToIntegerOrInfinity`` of a number already converted: NaN is 0, else truncated."""
    if number != number:
        return 0.0
    if math.isinf(number):
        return number
    return float(math.trunc(number))


def math_round(number: float) -> float:
    """``Math.round``: halves round up (towards +Infinity)."""
    if number != number or math.isinf(number):
        return number
    floor = math.floor(number)
    return float(floor + 1 if number - floor >= 0.5 else floor)


def js_divide(left: float, right: float) -> float:
    """``left / right`` for doubles (division by zero gives an infinity or NaN)."""
    try:
        return left / right
    except ZeroDivisionError:
        if left != left or left == 0:
            return math.nan
        return math.copysign(math.inf, left) * math.copysign(1.0, right)


def js_remainder(left: float, right: float) -> float:
    """``left % right`` for doubles (the sign of ``left``; NaN for a zero divisor)."""
    if right == 0 or left != left or right != right or math.isinf(left):
        return math.nan
    if math.isinf(right):
        return left
    return math.fmod(left, right)
