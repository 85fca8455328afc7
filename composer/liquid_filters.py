"""Liquid's standard filters as Shopify's Ruby Liquid 5 runs them, plus Customer.io's.

Each function follows the Ruby source of ``Liquid::StandardFilters`` line by line, so
the quirks come along. The filters live by kind, each module with its own notes:

* :mod:`composer.liquid_filters_strings`: ``replace`` with ``gsub``'s backslash rules,
  Ruby's ``split``, ``strip``, ``escape``, ``truncatewords``, ``url_encode`` …;
* :mod:`composer.liquid_filters_arrays`: ``InputIterator``, ``item[property]``, Ruby's
  ``==``, ``eql?`` and ``<=>`` under ``where``, ``uniq``, ``sort``, ``map``, ``sum`` …;
* :mod:`composer.liquid_filters_dates`: ``date`` with ``Utils.to_date`` and Ruby's
  ``strftime``;
* here: the number filters (through :func:`composer.rubyfmt.to_number` and BigDecimal
  arithmetic), ``default``, Customer.io's additions, and the registration of them all.

Every filter is wrapped so that Ruby's ``ArgumentError``-like failures (a ``TypeError``,
``ValueError``, ``ArithmeticError`` or ``LookupError`` here) become a Liquid filter error
that stops the render. ``reject``, ``has``, ``find`` and ``find_index`` (Liquid 5.7 and
later) stay python-liquid's own; nothing else is knowingly different from Ruby except the
stability of ``sort``.

Customer.io's additions: ``json`` (alias ``to_json``), ``sha256``, ``sha1``, ``md5``,
``hmac_sha256``, ``hmac_sha1``. python-liquid's extras that Ruby Liquid lacks
(``escapejs``, ``safe``, ``squish``) are removed so that a template that previews here
cannot fail in Customer.io for an unknown filter.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from liquid.exceptions import FilterArgumentError

from composer.liquid_filters_arrays import ARRAY_FILTERS, is_nil, truthy
from composer.liquid_filters_dates import DATE_FILTERS
from composer.liquid_filters_strings import STRING_FILTERS
from composer.rubyfmt import arith, ruby_float, ruby_json, ruby_round, ruby_to_s, to_number

__all__ = ["FILTERS", "PLAIN_FILTERS", "REMOVED", "RUBY_ERRORS"]

Filter = Callable[..., Any]

RUBY_ERRORS = (TypeError, ValueError, ArithmeticError, LookupError)
"""What a filter function raises where Ruby raises ``ArgumentError`` and the like."""


def _ruby(func: Filter) -> Filter:
    """Turn Ruby's ``ArgumentError``-like failures into a Liquid filter error."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RUBY_ERRORS as err:
            raise FilterArgumentError(str(err), token=None) from err

    return wrapper


# -- numbers -----------------------------------------------------------------------------


def _as_float(value: int | Decimal) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


def _abs(number: int | Decimal) -> int | Decimal:
    return number.copy_abs() if isinstance(number, Decimal) else abs(number)


def _ceil_floor(value: object, up: bool) -> int:
    number = to_number(value)
    if isinstance(number, Decimal) and not number.is_finite():
        raise ValueError(ruby_float(float(number)))
    return math.ceil(number) if up else math.floor(number)


def _at_least(value: object, other: object) -> int | float:
    low, number = to_number(other), to_number(value)
    return _as_float(low if low > number else number)


def _at_most(value: object, other: object) -> int | float:
    high, number = to_number(other), to_number(value)
    return _as_float(high if high < number else number)


def _default(value: object, fallback: object = "", **options: object) -> object:
    if type(value) is str:  # the usual case, answered without the checks below
        return value or fallback
    empty = isinstance(value, str | list | tuple | Mapping) and not value
    if truthy(options.get("allow_false")):
        return fallback if is_nil(value) or empty else value
    return fallback if not truthy(value) or empty else value


# -- Customer.io's additions -------------------------------------------------------------


def _digest(name: str) -> Filter:
    return lambda value: hashlib.new(name, ruby_to_s(value).encode("utf-8")).hexdigest()


def _hmac(name: str) -> Filter:
    def sign(value: object, key: object) -> str:
        secret = ruby_to_s(key).encode("utf-8")
        return hmac.new(secret, ruby_to_s(value).encode("utf-8"), name).hexdigest()

    return sign


_OWN: dict[str, Filter] = {
    "abs": lambda v: _as_float(_abs(to_number(v))),
    "at_least": _at_least,
    "at_most": _at_most,
    "ceil": lambda v: _ceil_floor(v, True),
    "default": _default,
    "divided_by": lambda v, o: arith("/", v, o),
    "floor": lambda v: _ceil_floor(v, False),
    "json": lambda v: ruby_json(v),
    "minus": lambda v, o: arith("-", v, o),
    "modulo": lambda v, o: arith("%", v, o),
    "plus": lambda v, o: arith("+", v, o),
    "round": ruby_round,
    "times": lambda v, o: arith("*", v, o),
    # Customer.io's
    "to_json": lambda v: ruby_json(v),
    "sha256": _digest("sha256"),
    "sha1": _digest("sha1"),
    "md5": _digest("md5"),
    "hmac_sha256": _hmac("sha256"),
    "hmac_sha1": _hmac("sha1"),
}

_TABLE: dict[str, Filter] = {**ARRAY_FILTERS, **STRING_FILTERS, **DATE_FILTERS, **_OWN}


def _register(name: str, func: Filter) -> Filter:
    wrapped = _ruby(func)
    if getattr(func, "with_context", False):
        wrapped.with_context = True  # type: ignore[attr-defined]
    wrapped.__name__ = name
    return wrapped


FILTERS: dict[str, Filter] = {name: _register(name, func) for name, func in _TABLE.items()}
"""Every filter this environment defines, by name, as Ruby Liquid (and Customer.io) run it."""

PLAIN_FILTERS: dict[str, Filter] = {
    name: func for name, func in _TABLE.items() if not getattr(func, "with_context", False)
}
"""The filters that need no render context, unwrapped: whoever calls one directly turns
:data:`RUBY_ERRORS` into a ``FilterArgumentError`` as the registered wrappers do."""

REMOVED = ("escapejs", "safe", "squish")
"""python-liquid's filters that Ruby Liquid does not have."""
