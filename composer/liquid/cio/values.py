"""Helpers every Customer.io filter shares: arguments, numbers, lists, equality.

The filters receive the engine's Python values (``dict`` or any ``Mapping``, ``list``,
``str``, ``int``, ``float``, ``bool``, ``None``, the engine's undefined, and in legacy a
``datetime`` made by the ``timezone`` filter) and a :class:`~composer.liquid.cio.api.Call`
that lends them the engine's text (:attr:`Call.to_text`), numbers
(:attr:`Call.to_number`) and nil (:attr:`Call.is_nil`).

A filter given a wrong argument raises ``ValueError`` (or ``TypeError`` for a wrong
count) with a sentence that names the filter, the argument and what it takes; the
engine turns it into its render error at the filter's place.

Equality follows the engine the filter runs in: :func:`ruby_equal` is Ruby's ``==``
(``1 == 1.0``, ``1 != true``, hashes and arrays by content), :func:`ruby_key` is Ruby's
``eql?``/``hash`` pair that ``Array#uniq`` uses (``1`` and ``1.0`` differ);
:func:`js_equal` is LiquidJS's ``equals`` (``===``, arrays by content, hashes by
identity).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from composer.liquid.cio.api import Call
from composer.liquid.state import NESTING_LIMIT

__all__ = [
    "arg_count",
    "as_items",
    "describe",
    "is_number",
    "js_equal",
    "number_arg",
    "property_of",
    "ruby_equal",
    "ruby_key",
    "whole_arg",
]

_NUMERIC_TEXT = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")


def describe(value: object) -> str:
    """A value as an author recognises it in a message: ``'abc'``, ``5``, ``a list``."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return "a hash"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def arg_count(call: Call, args: Sequence[object], least: int, most: int, takes: str) -> None:
    """Raise ``TypeError`` unless ``least <= len(args) <= most``; ``takes`` says what it takes."""
    if not least <= len(args) <= most:
        got = len(args)
        raise TypeError(
            f"the filter '{call.name}' takes {takes}; "
            f"it got {got} argument{'s' if got != 1 else ''}"
        )


def is_number(value: object) -> bool:
    """Whether ``value`` is a number (not a boolean)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def number_arg(
    call: Call, value: object, what: str, takes: str = "a number"
) -> int | float | Decimal:
    """An argument read as a number by the engine; ValueError when it is not one at all.

    Text that looks like a number is accepted (``'5'``, ``"-2.5"``), as both engines
    read it; anything else (``'abc'``, a list, nothing) is refused rather than silently
    read as 0.
    """
    if is_number(value):
        number = call.to_number(value)
    elif isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value):
        number = call.to_number(value.strip())
    else:
        raise ValueError(
            f"the filter '{call.name}' got {describe(value)} for {what}; it takes {takes}"
        )
    if isinstance(number, float) and math.isnan(number):
        raise ValueError(
            f"the filter '{call.name}' got {describe(value)} for {what}; it takes {takes}"
        )
    return number


def whole_arg(
    call: Call, value: object, what: str, *, low: int | None = None, high: int | None = None
) -> int:
    """An argument that must be a whole number (``5``, ``'5'``, ``5.0``), within bounds."""
    number = number_arg(call, value, what, "a whole number")
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(
            f"the filter '{call.name}' got {describe(value)} for {what}; it takes a whole number"
        )
    whole = int(number)
    if whole != number:
        raise ValueError(
            f"the filter '{call.name}' got {describe(value)} for {what}; it takes a whole number"
        )
    if (low is not None and whole < low) or (high is not None and whole > high):
        bounds = (
            f"from {low:,} to {high:,}"
            if low is not None and high is not None
            else (f"of {low:,} or more" if low is not None else f"of {high:,} or less")
        )
        raise ValueError(
            f"the filter '{call.name}' got {whole:,} for {what}; it takes a whole number {bounds}"
        )
    return whole


def as_items(call: Call, value: object) -> list[object]:
    """The items a list filter works on: a list as it is, nothing as no items, any other
    value (text, a number, a hash) as a list of that one value.

    This is what Liquid's ``InputIterator`` and LiquidJS's ``toArray`` both do.
    """
    if isinstance(value, list):
        return value
    if isinstance(value, tuple):
        return list(value)
    if call.is_nil(value):
        return []
    return [value]


def property_of(item: object, name: object) -> object:
    """``item[name]``: a hash's value for ``name`` (text keys), else nothing."""
    if isinstance(item, Mapping):
        try:
            return item.get(name if isinstance(name, str) else str(name))
        except KeyError:  # a Mapping that refuses unknown names (secrets)
            return None
    return None


def _is_num(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def ruby_equal(left: object, right: object, depth: int = 0) -> bool:
    """Ruby's ``==`` on Liquid values: numbers by value, hashes and arrays by content."""
    if depth > NESTING_LIMIT:
        raise ValueError("values nested too deeply to compare")
    if _is_num(left) and _is_num(right):
        return bool(left == right)
    if isinstance(left, bool) or isinstance(right, bool) or left is None or right is None:
        return left is right
    if isinstance(left, str) or isinstance(right, str):
        return isinstance(left, str) and isinstance(right, str) and left == right
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return len(left) == len(right) and all(
            key in right and ruby_equal(value, right[key], depth + 1) for key, value in left.items()
        )
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            ruby_equal(a, b, depth + 1) for a, b in zip(left, right, strict=True)
        )
    return left == right


def ruby_key(value: object, depth: int = 0) -> object:
    """A hashable key equal for two values exactly when Ruby's ``eql?`` holds."""
    if depth > NESTING_LIMIT:
        raise ValueError("values nested too deeply to compare")
    if isinstance(value, Mapping):
        return ("h", tuple(sorted((repr(k), ruby_key(v, depth + 1)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("a", tuple(ruby_key(v, depth + 1) for v in value))
    if isinstance(value, float) and math.isnan(value):
        return ("nan", id(value))
    return (type(value).__name__, value)


def js_equal(left: object, right: object, depth: int = 0) -> bool:
    """LiquidJS's ``equals``: ``===`` on values, arrays by content, hashes by identity."""
    if depth > NESTING_LIMIT:
        raise ValueError("values nested too deeply to compare")
    if isinstance(left, list | tuple):
        return (
            isinstance(right, list | tuple)
            and len(left) == len(right)
            and all(js_equal(a, b, depth + 1) for a, b in zip(left, right, strict=True))
        )
    if _is_num(left) and _is_num(right):
        return bool(left == right)
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return left is right
