"""Ruby's ``==``, ``<=>``, ``<``/``>``, ``include?`` and ``Array#sort``, as 2.5.3 calls them.

``Condition`` (``lib/liquid/condition.rb``) sends ``<``, ``>``, ``<=``, ``>=`` to the left
value when both sides answer to the operator (numbers, strings, hashes — ``Hash#<`` is
"is a subset of" — and symbols); otherwise the comparison is nil. When Ruby cannot
order the two, it raises ``ArgumentError: comparison of Integer with String failed``
(the right side is named by its ``inspect`` when it is nil, a boolean, a small integer,
a float or a symbol: ``comparison of String with 5 failed``).

``Array#sort`` on Linux is glibc's ``qsort_r``, a stable top-down merge sort (glibc
before 2.37): which pair it compares first decides the error a mixed array raises
(``["b", nil, "a"]`` compares ``nil`` with ``"a"`` first). :func:`ruby_sort` follows that
order; an array of only numbers or only strings takes Python's (also stable) sort, which
gives the same result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from composer.liquid.legacy.ruby import (
    RubyError,
    RubyRange,
    RubySymbol,
    class_name,
    inspect,
    is_special,
    no_conversion,
    no_method,
    truthy,
)

__all__ = ["cmperr", "contains", "rb_cmp", "rb_eq", "relation", "ruby_sort"]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def rb_eq(a: object, b: object) -> bool:
    """Ruby's ``a == b`` (``1 == 1.0``, but ``true != 1`` and ``"1" != 1``)."""
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if _is_number(a):
        return _is_number(b) and a == b
    if isinstance(a, str):
        return isinstance(b, str) and a == b
    if isinstance(a, list | tuple):
        return (
            isinstance(b, list | tuple)
            and len(a) == len(b)
            and all(rb_eq(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, Mapping):
        if not isinstance(b, Mapping) or len(a) != len(b):
            return False
        for key, value in a.items():
            try:
                if key not in b or not rb_eq(value, b[key]):
                    return False
            except (KeyError, TypeError):
                return False
        return True
    return a == b


def rb_cmp(a: object, b: object) -> int | None:
    """Ruby's ``a <=> b``: -1, 0, 1, or None when the two cannot be ordered."""
    if _is_number(a):
        if not _is_number(b) or math.isnan(a) or math.isnan(b):  # type: ignore[arg-type]
            return None
        return int((a > b) - (a < b))  # type: ignore[operator]
    if isinstance(a, str):
        return (a > b) - (a < b) if isinstance(b, str) else None
    if isinstance(a, list | tuple):
        if not isinstance(b, list | tuple):
            return None
        for x, y in zip(a, b, strict=False):
            order = rb_cmp(x, y)
            if order != 0:
                return order
        return (len(a) > len(b)) - (len(a) < len(b))
    if isinstance(a, RubySymbol):
        if not isinstance(b, RubySymbol):
            return None
        return (a.name > b.name) - (a.name < b.name)
    return 0 if rb_eq(a, b) else None  # Object#<=>


def cmperr(a: object, b: object) -> RubyError:
    """``ArgumentError: comparison of A with B failed``."""
    other = inspect(b) if is_special(b) else class_name(b)
    return RubyError(
        "ArgumentError",
        f"comparison of {class_name(a)} with {other} failed",
        f"Ruby cannot order {inspect(a)[:40]} and {inspect(b)[:40]}",
    )


def _relational(value: object) -> bool:
    return _is_number(value) or isinstance(value, str | Mapping | RubySymbol)


def _subset(small: Mapping[object, object], big: Mapping[object, object], strict: bool) -> bool:
    if len(small) > len(big) or (strict and len(small) == len(big)):
        return False
    for key, value in small.items():
        try:
            if key not in big or not rb_eq(value, big[key]):
                return False
        except (KeyError, TypeError):
            return False
    return True


def relation(operator: str, left: object, right: object) -> bool | None:
    """``left.send(operator, right)`` for ``<``, ``>``, ``<=``, ``>=``, as ``Condition``
    sends it: nil when either side has no such operator."""
    if not (_relational(left) and _relational(right)):
        return None
    if isinstance(left, Mapping):
        if not isinstance(right, Mapping):
            raise no_conversion(
                right, "Hash", f"a hash cannot be compared with {inspect(right)[:40]}"
            )
        if operator in ("<", "<="):
            return _subset(left, right, operator == "<")
        return _subset(right, left, operator == ">")
    order = rb_cmp(left, right)
    if order is None:
        if _is_number(left) and _is_number(right):
            return False  # NaN
        raise cmperr(left, right)
    if operator == "<":
        return order < 0
    if operator == ">":
        return order > 0
    if operator == "<=":
        return order <= 0
    return order >= 0


def contains(left: object, right: object) -> bool:
    """``left && right ? left.include?(right) : false``."""
    if not truthy(left) or not truthy(right):
        return False
    if isinstance(left, str):
        if not isinstance(right, str):
            raise no_conversion(
                right, "String", f"`contains` on text needs text, not {inspect(right)[:40]}"
            )
        return right in left
    if isinstance(left, list | tuple):
        return any(rb_eq(item, right) for item in left)
    if isinstance(left, Mapping):
        try:
            return right in left
        except TypeError:
            return False
    if isinstance(left, RubyRange):
        return _is_number(right) and left.first <= right <= left.last  # type: ignore[operator]
    raise no_method(
        "include?", left, f"`contains` needs text, an array or a hash, not {inspect(left)[:40]}"
    )


def ruby_sort(items: list[object], key: Callable[[object], object] | None = None) -> list[object]:
    """``Array#sort`` (or ``sort { |a, b| key(a) <=> key(b) }``), raising as Ruby does."""
    if len(items) <= 1:
        return list(items)
    keys = items if key is None else [key(item) for item in items]
    if all(type(k) is str for k in keys) or all(
        _is_number(k) and not math.isnan(k)  # type: ignore[arg-type]
        for k in keys
    ):
        order = sorted(range(len(items)), key=lambda i: keys[i])  # type: ignore[arg-type,return-value]
        return [items[i] for i in order]
    return [items[i] for i in _merge_sort(list(range(len(items))), keys, items)]


def _merge_sort(indices: list[int], keys: list[object], items: list[object]) -> list[int]:
    """glibc's ``msort_with_tmp``: sort each half, then merge taking the left on ties."""
    count = len(indices)
    if count <= 1:
        return indices
    half = count // 2
    left = _merge_sort(indices[:half], keys, items)
    right = _merge_sort(indices[half:], keys, items)
    merged: list[int] = []
    i = j = 0
    while i < len(left) and j < len(right):
        a, b = left[i], right[j]
        order = rb_cmp(keys[a], keys[b])
        if order is None:
            raise cmperr(items[a], items[b])
        if order <= 0:
            merged.append(a)
            i += 1
        else:
            merged.append(b)
            j += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged
