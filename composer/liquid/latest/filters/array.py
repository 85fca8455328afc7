"""Array filters, first half of ``src/filters/array.ts``: ``join``, ``first``, ``last``,
``reverse``, ``sort``, ``sort_natural``, ``size``, ``map``, ``sum``, ``compact``,
``concat``, ``push``, ``unshift``, ``pop``, ``shift``, ``slice``, ``uniq``, ``sample``.

A value that is not an array is read as one (``toArray``: nil is ``[]``, anything else
an array of itself). ``first`` and ``last`` read index 0 and -1 of anything with a
``length`` (a string's first UTF-16 code unit); ``sort`` puts nil last and compares
the rest with JavaScript's ``<``; ``sort_natural`` compares lower-cased text; ``uniq``
keeps the first of values that are the same (objects by identity); ``sample`` is random
(and warns ``per_send``). Lists a filter makes are limited to
:data:`~composer.liquid.latest.filters.string.LIST_LIMIT` items.
"""

from __future__ import annotations

import functools
import math
import random
from typing import TYPE_CHECKING, Any

from composer.liquid.latest.context import read_property
from composer.liquid.latest.filters.string import check_list, cp_steps
from composer.liquid.latest.jsnumber import is_number
from composer.liquid.latest.jsstring import has_astral, js_lower
from composer.liquid.latest.jsvalues import (
    UNDEFINED,
    is_array,
    is_array_like,
    is_nil,
    js_add,
    js_less,
    js_number,
    js_string,
    js_truthy,
    read_array_element,
    read_size,
    same_value_key,
    slice_bounds,
    stringify,
    to_array,
    to_value,
)
from composer.liquid.state import Notice

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context

__all__ = ["ARRAY_FILTERS", "read_path"]


def read_path(value: object, keys: list[str]) -> object:
    """``_getFromScope(value, keys)``: each key read below the last."""
    for key in keys:
        value = read_property(value, key)
    return value


def join(ctx: Context, value: object, separator: object = UNDEFINED) -> str:
    """``join: separator`` (a space by default)."""
    items = to_array(to_value(value))
    separator = to_value(separator)
    by = " " if is_nil(separator) else stringify(separator)
    texts = ["" if is_nil(item) else js_string(item) for item in items]
    return by.join(texts)


def first(ctx: Context, value: object) -> object:
    """``first``."""
    value = to_value(value)
    return read_array_element(value, 0) if is_array_like(value) else ""


def last(ctx: Context, value: object) -> object:
    """``last``."""
    value = to_value(value)
    return read_array_element(value, -1) if is_array_like(value) else ""


def reverse(ctx: Context, value: object) -> list[Any]:
    """``reverse``."""
    return to_array(to_value(value))[::-1]


def _ordered(left: object, right: object) -> int:
    if is_nil(left) and is_nil(right):
        return 0
    if is_nil(left):
        return 1
    if is_nil(right):
        return -1
    if js_less(left, right):
        return -1
    if js_less(right, left):
        return 1
    return 0


def _natural(left: object, right: object) -> int:
    if is_nil(left) and is_nil(right):
        return 0
    if is_nil(left):
        return 1
    if is_nil(right):
        return -1
    return _ordered(js_lower(js_string(left)), js_lower(js_string(right)))


def _sort(ctx: Context, value: object, prop: object, natural: bool) -> list[Any]:
    items = to_array(value)
    if js_truthy(prop):
        keys = stringify(prop).split(".")
        pairs = [(item, read_path(item, keys)) for item in items]
    else:
        pairs = [(item, item) for item in items]
    present = [pair for pair in pairs if not is_nil(pair[1])]
    absent = [pair for pair in pairs if is_nil(pair[1])]
    if natural:
        present = [(item, js_lower(js_string(key))) for item, key in present]
    fast = _fast_sorted(present)
    if fast is not None:
        return [item for item, _ in fast + absent]
    compare = _natural if natural else _ordered
    return [item for item, _ in _slow_sorted(ctx, pairs, compare)]


def _fast_sorted(pairs: list[tuple[Any, Any]]) -> list[tuple[Any, Any]] | None:
    """Sorted with a native key when every key is a number or every key a BMP string."""
    if all(is_number(key) and not math.isnan(float(key)) for _, key in pairs):
        return sorted(pairs, key=lambda pair: float(pair[1]))
    if all(type(key) is str and not has_astral(key) for _, key in pairs):
        return sorted(pairs, key=lambda pair: pair[1])
    return None


def _slow_sorted(ctx: Context, pairs: list[tuple[Any, Any]], order: Any) -> list[tuple[Any, Any]]:
    """V8's TimSort is a port of Python's: with the same comparator (even one that is
    not consistent, as JavaScript's ``<`` across types is not) it makes the same order."""
    state = ctx.state

    def compare(a: tuple[Any, Any], b: tuple[Any, Any]) -> int:
        state.step()
        return int(order(a[1], b[1]))

    return sorted(pairs, key=functools.cmp_to_key(compare))


def sort(ctx: Context, value: object, prop: object = UNDEFINED) -> list[Any]:
    """``sort: property``: nil last, the rest by JavaScript's ``<``."""
    return _sort(ctx, value, prop, False)


def sort_natural(ctx: Context, value: object, prop: object = UNDEFINED) -> list[Any]:
    """``sort_natural: property``: case-insensitive."""
    return _sort(ctx, value, prop, True)


def size(ctx: Context, value: object) -> object:
    """``size``: length, number of keys, or an object's own ``size``."""
    found = 0 if is_nil(value) else read_size(value)
    return found if is_number(found) else 0


def map_(ctx: Context, value: object, prop: object = UNDEFINED) -> list[Any]:
    """``map: property``."""
    keys = stringify(prop).split(".")
    return [read_path(item, keys) for item in to_array(value)]


def sum_(ctx: Context, value: object, prop: object = UNDEFINED) -> float:
    """``sum: property``: numbers added (anything else counts 0)."""
    keys = stringify(prop).split(".") if js_truthy(prop) else None
    total = 0.0
    for item in to_array(value):
        number = js_number(item if keys is None else read_path(item, keys))
        total += 0.0 if number != number else number
    return total


def compact(ctx: Context, value: object) -> list[Any]:
    """``compact``: without nil items."""
    return [item for item in to_array(value) if not is_nil(to_value(item))]


def concat(ctx: Context, value: object, other: object = UNDEFINED) -> list[Any]:
    """``concat``."""
    extra = [] if other is UNDEFINED else to_array(other)
    return check_list(to_array(value) + extra)


def push(ctx: Context, value: object, item: object = UNDEFINED) -> list[Any]:
    """``push``: a copy with ``item`` appended."""
    return check_list([*to_array(value), item])


def unshift(ctx: Context, value: object, item: object = UNDEFINED) -> list[Any]:
    """``unshift``: a copy with ``item`` first."""
    return check_list([item, *to_array(value)])


def pop(ctx: Context, value: object) -> list[Any]:
    """``pop``: a copy without the last item."""
    return to_array(value)[:-1]


def shift(ctx: Context, value: object) -> list[Any]:
    """``shift``: a copy without the first item."""
    return to_array(value)[1:]


def slice_(
    ctx: Context, value: object, begin: object = UNDEFINED, length: object = UNDEFINED
) -> object:
    """``slice: begin, length`` (by code point for text)."""
    count: object = 1 if length is UNDEFINED else length
    value = to_value(value)
    if is_nil(value):
        return []
    items = value if is_array(value) else stringify(value)
    size = len(items)  # type: ignore[arg-type]
    start: object = begin
    if js_less(begin, 0):
        start = js_add(size, begin)
    if js_less(start, 0) or js_less(count, 0):
        return [] if is_array(items) else ""
    if is_array(items):
        low, high = slice_bounds(size, start, js_add(start, count))
        return list(items[low:high])  # type: ignore[index]
    text: str = items  # type: ignore[assignment]
    at = cp_steps(start, len(text))
    return text[at : at + cp_steps(count, len(text) - at)]


def uniq(ctx: Context, value: object) -> list[Any]:
    """``uniq``: the first of each value (SameValueZero)."""
    seen: set[object] = set()
    found = []
    for item in to_array(value):
        key = same_value_key(item)
        if key not in seen:
            seen.add(key)
            found.append(item)
    return found


def sample(ctx: Context, value: object, count: object = UNDEFINED) -> object:
    """``sample: count``: random items (one item itself when the count is 1)."""
    ctx.state.notice(
        Notice(
            "warning",
            None,
            "the filter 'sample' picks at random, so each send can differ from the preview",
            "per_send",
            "sample",
        )
    )
    how_many: object = 1 if count is UNDEFINED else count
    value = to_value(value)
    if is_nil(value):
        return []
    items = list(value) if is_array(value) else list(stringify(value))  # type: ignore[call-overload]
    random.shuffle(items)
    if is_number(how_many) and float(how_many) == 1:  # type: ignore[arg-type]
        return items[0] if items else UNDEFINED
    return items[: slice_bounds(len(items), 0, how_many)[1]]


ARRAY_FILTERS: dict[str, Any] = {
    "join": join,
    "last": last,
    "first": first,
    "reverse": reverse,
    "sort": sort,
    "sort_natural": sort_natural,
    "size": size,
    "map": map_,
    "sum": sum_,
    "compact": compact,
    "concat": concat,
    "push": push,
    "unshift": unshift,
    "pop": pop,
    "shift": shift,
    "slice": slice_,
    "uniq": uniq,
    "sample": sample,
}
"""These filters by name."""
