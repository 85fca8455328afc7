"""Ruby Liquid's array filters, and Ruby's view of collections that they stand on.

Part of :mod:`composer.liquid_filters` (which registers these): the helpers here are
the Ruby semantics the array filters share. ``InputIterator`` (:func:`input_items`)
flattens arrays and wraps a hash or a scalar in a one-item array; ``item[property]`` on a
string is a substring test and on an integer a bit; ``==`` keeps ``true`` apart from 1;
``eql?`` (for ``uniq``) keeps 1, 1.0 and ``true`` apart; ``<=>`` has no order between a
number and a string, so ``sort`` raises where Ruby raises. A filter whose property
cannot be read from some item (``nil[prop]``) gives back nil, as Ruby's does.

Ruby's ``sort`` is not stable and Python's is, so items that compare equal may come out
in another order than in Ruby.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal, localcontext
from typing import Any

from liquid import Undefined
from liquid.exceptions import LoopIterationLimitError

from composer.rubyfmt import flatten, ruby_int_size, ruby_to_s, to_number

__all__ = ["ARRAY_FILTERS", "input_items", "is_nil", "truthy"]

_NO_INDEX = object()  # the item has no ``[]`` at all (nil, true, a Float)
_MAX_ITEMS = 1_000_000  # a range a filter may expand (the loop limit)


def is_nil(value: object) -> bool:
    """Ruby's ``nil?`` (an undefined variable is nil too)."""
    return value is None or isinstance(value, Undefined)


def truthy(value: object) -> bool:
    """Ruby's truth: everything but ``nil`` and ``false``."""
    return not (is_nil(value) or value is False)


def input_items(value: object) -> list[Any]:
    """``InputIterator``: arrays flattened, a hash or a scalar as a one-item array."""
    if is_nil(value):
        return []
    if isinstance(value, list | tuple):
        return list(flatten(value))
    if isinstance(value, range):
        if len(value) > _MAX_ITEMS:
            raise LoopIterationLimitError("range is too large for a filter", token=None)
        return list(value)
    return [value]


def _index(item: object, prop: object) -> object:
    """Ruby's ``item[property]``."""
    if is_nil(item) or isinstance(item, bool | float | Decimal):
        return _NO_INDEX
    try:
        if isinstance(item, Mapping):
            return item.get(prop)
        if isinstance(prop, int) and not isinstance(prop, bool):
            if isinstance(item, list | tuple | str):
                return item[prop] if -len(item) <= prop < len(item) else None
            if isinstance(item, int):
                return (item >> prop) & 1 if prop >= 0 else 0
        if isinstance(item, str) and isinstance(prop, str):
            return prop if prop in item else None
    except TypeError:
        return None
    if isinstance(item, list | tuple | str | int):
        raise ValueError(f"cannot select the property '{ruby_to_s(prop)}'")
    return _NO_INDEX


def _eq(left: object, right: object) -> bool:
    """Ruby's ``==``: ``true`` is not 1, 1 is 1.0."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right)


def _key(value: object) -> object:
    """A key that makes Python's equality Ruby's ``eql?`` (1, 1.0 and true differ)."""
    if is_nil(value):
        return ("nil",)
    if isinstance(value, bool | int | float | str):
        return (type(value).__name__, value)
    return ("other", repr(value))


def _cmp(left: object, right: object) -> int | None:
    """Ruby's ``<=>``, or None where Ruby has no order."""
    if is_nil(left) or is_nil(right) or isinstance(left, bool) or isinstance(right, bool):
        return 0 if _eq(left, right) or (is_nil(left) and is_nil(right)) else None
    numbers = int | float | Decimal
    if isinstance(left, numbers) and isinstance(right, numbers):
        return None if left != left or right != right else (left > right) - (left < right)
    if isinstance(left, str) and isinstance(right, str):
        return (left > right) - (left < right)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        for a, b in zip(left, right, strict=False):
            found = _cmp(a, b)
            if found != 0:
                return found
        return (len(left) > len(right)) - (len(left) < len(right))
    return 0 if left == right else None


def _nil_safe_compare(left: object, right: object) -> int:
    found = _cmp(left, right)
    if found is not None:
        return found
    if is_nil(left):
        return 1
    if is_nil(right):
        return -1
    raise ValueError("cannot sort values of incompatible types")


def _nil_safe_casecmp(left: object, right: object) -> int:
    if is_nil(left) or is_nil(right):
        return 0 if is_nil(left) and is_nil(right) else (1 if is_nil(left) else -1)
    a, b = (ruby_to_s(v).translate(_ASCII_LOWER) for v in (left, right))
    return (a > b) - (a < b)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# -- the filters ---------------------------------------------------------------------


def _size(value: object) -> int:
    if isinstance(value, bool) or is_nil(value):
        return 0
    if isinstance(value, int):
        return ruby_int_size(value)
    if isinstance(value, str | list | tuple | Mapping | range):
        return len(value)
    return 0


def _first(value: object) -> object:
    if isinstance(value, list | tuple | range):
        return value[0] if len(value) else None
    if isinstance(value, Mapping) and not isinstance(value, Undefined):
        return next(([k, v] for k, v in value.items()), None)
    return None


def _last(value: object) -> object:
    if isinstance(value, list | tuple | range):
        return value[-1] if len(value) else None
    return None


def _join(value: object, glue: object = " ") -> str:
    return ruby_to_s(glue).join(ruby_to_s(item) for item in input_items(value))


def _concat(value: object, other: object) -> list[object]:
    if not isinstance(other, list | tuple):
        raise ValueError("concat filter requires an array argument")
    return input_items(value) + list(other)


def _by_property(
    value: object, prop: object, keep: Callable[[object], bool], none: object
) -> object:
    """``filter_array`` and friends: items whose ``item[prop]`` passes ``keep``."""
    found = []
    for item in input_items(value):
        got = _index(item, prop)
        if got is _NO_INDEX:
            return none
        if keep(got):
            found.append(item)
    return found


def _where(value: object, prop: object, target: object = None) -> object:
    if is_nil(target):
        return _by_property(value, prop, truthy, None)
    return _by_property(value, prop, lambda got: _eq(got, target), None)


def _compact(value: object, prop: object = None) -> object:
    if is_nil(prop):
        return [item for item in input_items(value) if not is_nil(item)]
    return _by_property(value, prop, lambda got: not is_nil(got), None)


def _uniq(value: object, prop: object = None) -> object:
    items = input_items(value)
    keys: list[object] = []
    for item in items:
        got = item if is_nil(prop) else _index(item, prop)
        if got is _NO_INDEX:
            return None
        keys.append(_key(got))
    seen: set[object] = set()
    unique = []
    for item, key in zip(items, keys, strict=True):
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _map(value: object, prop: object) -> list[object]:
    found = []
    for item in input_items(value):
        got = item if prop == "to_liquid" else _index(item, prop)
        found.append(None if got is _NO_INDEX else got)
    return found


def _sorted(value: object, prop: object, compare: Callable[[object, object], int]) -> object:
    items = input_items(value)
    if not items:
        return []
    if is_nil(prop):
        return sorted(items, key=functools.cmp_to_key(compare))
    keyed: list[tuple[object, object]] = [(_index(item, prop), item) for item in items]
    if any(got is _NO_INDEX for got, _ in keyed):
        return None

    def by_key(a: tuple[object, object], b: tuple[object, object]) -> int:
        return compare(a[0], b[0])

    keyed.sort(key=functools.cmp_to_key(by_key))
    return [item for _, item in keyed]


def _sum(value: object, prop: object = None) -> int | float:
    values = []
    for item in input_items(value):
        got = item if is_nil(prop) else _index(item, prop)
        values.append(0 if got is _NO_INDEX else got)
    with localcontext() as ctx:
        ctx.prec = 400
        total: int | Decimal = sum((to_number(v) for v in input_items(values)), 0)
    return float(total) if isinstance(total, Decimal) else total


ARRAY_FILTERS: dict[str, Callable[..., Any]] = {
    "compact": _compact,
    "concat": _concat,
    "first": _first,
    "join": _join,
    "last": _last,
    "map": _map,
    "reverse": lambda v: input_items(v)[::-1],
    "size": _size,
    "sort": lambda v, p=None: _sorted(v, p, _nil_safe_compare),
    "sort_natural": lambda v, p=None: _sorted(v, p, _nil_safe_casecmp),
    "sum": _sum,
    "uniq": _uniq,
    "where": _where,
}
"""The array filters by name, unwrapped (:mod:`composer.liquid_filters` registers them)."""
