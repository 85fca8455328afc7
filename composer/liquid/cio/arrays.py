"""Customer.io's array filters, and the array filters legacy gains from its list.

From Customer.io's "Liquid syntax list" (docs.customer.io/messaging/liquid/tag-list,
"Array Filters"; its examples use ``acme.characters = "coyote", "bugs", "tweety"``):

* ``limit: n`` (both versions): ``{{ beatles | limit: 2 | join: ", " }}``: the first n
  items. A count below 0 is an error; a value that is not a list counts as a list of
  that one value (nothing: no items), as every list filter reads its input.
* ``where_not: property[, value]`` (both versions): ``{% assign others =
  customer.players | where_not: "sport", "baseball" %}``: the items ``where`` would
  leave out; without a value, the items whose property is nothing or false. Legacy
  compares with Ruby's ``==``, latest with LiquidJS's ``equals``.

Legacy (Liquid 2.5.3) lacks the other documented array filters; they are written as
Shopify Liquid 5 writes them (``compact``, ``concat``, ``find``, ``reverse``,
``sort_natural``, ``uniq``, ``where``: each reads its input through ``InputIterator``,
which flattens nested lists) or as Jekyll does (``push``, ``pop``, ``shift``, ``unshift``,
``group_by``, ``group_by_exp``, ``where_exp``, ``find_exp``; the ``_exp`` expressions
through :mod:`composer.liquid.cio.conditions`). Latest has them from LiquidJS.

``sum`` in legacy: the upgrade page says latest "casts all values to number instead of
concatenating", so legacy adds numbers and joins texts (Ruby's ``+`` from item to item);
mixing the two is an error, nothing is skipped, and no items sum to 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from composer.liquid.cio.api import Call
from composer.liquid.cio.conditions import compile_condition, holds, value_of
from composer.liquid.cio.values import (
    arg_count,
    as_items,
    describe,
    is_number,
    js_equal,
    property_of,
    ruby_equal,
    ruby_key,
    whole_arg,
)
from composer.liquid.errors import RenderLimitError
from composer.liquid.state import NESTING_LIMIT

__all__ = ["LATEST_ARRAY_FILTERS", "LEGACY_ARRAY_FILTERS"]

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _limit(call: Call, value: object, *args: object) -> list[object]:
    arg_count(call, args, 1, 1, "one argument, how many items to keep")
    count = whole_arg(call, args[0], "its count", low=0)
    return as_items(call, value)[:count]


def _truthy(call: Call, value: object) -> bool:
    return not call.is_nil(value) and value is not False


def _no_value(call: Call, args: tuple[object, ...]) -> bool:
    """Whether ``where``'s value is absent: Ruby's ``nil``; LiquidJS's ``undefined`` (its
    ``null`` is a value to compare with)."""
    if len(args) < 2:
        return True
    return call.is_nil(args[1]) and (call.version == "legacy" or args[1] is not None)


def _where_not(call: Call, value: object, *args: object) -> list[object]:
    arg_count(call, args, 1, 2, "one or two arguments, a property and the value to leave out")
    name = args[0]
    equal = ruby_equal if call.version == "legacy" else js_equal
    kept = []
    for item in as_items(call, value):
        call.state.step()
        found = property_of(item, name)
        leave = _truthy(call, found) if _no_value(call, args) else equal(found, args[1])
        if not leave:
            kept.append(item)
    return kept


# -- Liquid 5's and Jekyll's array filters, for legacy ---------------------------------


def _flat(call: Call, value: object) -> list[object]:
    """Liquid 5's ``InputIterator``: a list flattened, a hash as one item, nothing as none."""
    if not isinstance(value, list | tuple):
        return as_items(call, value)
    out: list[object] = []
    stack: list[tuple[list[object] | tuple[object, ...], int]] = [(value, 0)]
    while stack:
        items, at = stack.pop()
        if len(stack) > NESTING_LIMIT:
            raise RenderLimitError(
                f"the filter '{call.name}' got lists nested more than {NESTING_LIMIT} deep"
            )
        while at < len(items):
            item = items[at]
            at += 1
            if isinstance(item, list | tuple):
                stack.append((items, at))
                items, at = item, 0
                continue
            out.append(item)
        call.state.step()
    return out


def _compact(call: Call, value: object, *args: object) -> list[object]:
    arg_count(call, args, 0, 1, "at most one argument, a property")
    items = _flat(call, value)
    if args and not call.is_nil(args[0]):
        return [item for item in items if not call.is_nil(property_of(item, args[0]))]
    return [item for item in items if not call.is_nil(item)]


def _concat(call: Call, value: object, *args: object) -> list[object]:
    arg_count(call, args, 1, 1, "one argument, a list")
    if not isinstance(args[0], list | tuple):
        raise ValueError("concat filter requires an array argument")
    return _flat(call, value) + list(args[0])


def _matches(call: Call, item: object, args: tuple[object, ...]) -> bool:
    found = property_of(item, args[0])
    if len(args) == 1 or call.is_nil(args[1]):
        return _truthy(call, found)
    return ruby_equal(found, args[1])


def _where(call: Call, value: object, *args: object) -> list[object]:
    arg_count(call, args, 1, 2, "one or two arguments, a property and the value to keep")
    return [item for item in _flat(call, value) if _matches(call, item, args)]


def _find(call: Call, value: object, *args: object) -> object:
    arg_count(call, args, 1, 2, "one or two arguments, a property and the value to find")
    return next((item for item in _flat(call, value) if _matches(call, item, args)), None)


def _reverse(call: Call, value: object) -> list[object]:
    return _flat(call, value)[::-1]


def _uniq(call: Call, value: object, *args: object) -> list[object]:
    arg_count(call, args, 0, 1, "at most one argument, a property")
    seen: set[object] = set()
    kept = []
    for item in _flat(call, value):
        key = ruby_key(property_of(item, args[0]) if args and not call.is_nil(args[0]) else item)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _sort_natural(call: Call, value: object, *args: object) -> list[object]:
    arg_count(call, args, 0, 1, "at most one argument, a property")
    items = _flat(call, value)

    def key(item: object) -> tuple[bool, str]:
        target = property_of(item, args[0]) if args and not call.is_nil(args[0]) else item
        if call.is_nil(target):
            return (True, "")
        return (False, call.to_text(target).translate(_ASCII_LOWER))

    return sorted(items, key=key)


def _sum(call: Call, value: object, *args: object) -> object:
    arg_count(call, args, 0, 1, "at most one argument, a property")
    items = _flat(call, value)
    if args and not call.is_nil(args[0]):
        items = [property_of(item, args[0]) for item in items]
    if not items:
        return 0
    total = items[0]
    for item in items[1:]:
        call.state.step()
        if is_number(total) and is_number(item):
            total = total + item  # type: ignore[operator]
            if isinstance(total, int):
                call.state.check_integer(total)
        elif isinstance(total, str) and isinstance(item, str):
            total = call.state.check_text(total + item)
        else:
            raise ValueError(
                f"the filter '{call.name}' cannot add {describe(item)} to {describe(total)} "
                "in legacy, "
                "which adds numbers and joins texts (write | plus: 0 on each value first)"
            )
    if not (is_number(total) or isinstance(total, str)):
        raise ValueError(f"the filter '{call.name}' cannot add {describe(total)}")
    return float(total) if isinstance(total, Decimal) else total


def _jekyll_list(call: Call, value: object) -> list[object] | None:
    return list(value) if isinstance(value, list | tuple) else None


def _push(call: Call, value: object, *args: object) -> object:
    arg_count(call, args, 1, 1, "one argument, the item to add")
    items = _jekyll_list(call, value)
    return value if items is None else [*items, args[0]]


def _unshift(call: Call, value: object, *args: object) -> object:
    arg_count(call, args, 1, 1, "one argument, the item to add")
    items = _jekyll_list(call, value)
    return value if items is None else [args[0], *items]


def _drop(from_end: bool) -> Callable[..., object]:
    def drop(call: Call, value: object, *args: object) -> object:
        arg_count(call, args, 0, 1, "at most one argument, how many items to take off")
        items = _jekyll_list(call, value)
        if items is None:
            return value
        count = whole_arg(call, args[0], "its count", low=0) if args else 1
        if from_end:
            return items[: max(len(items) - count, 0)]
        return items[count:]

    return drop


def _grouped(groups: dict[str, list[object]]) -> list[object]:
    return [{"name": name, "items": items, "size": len(items)} for name, items in groups.items()]


def _group_by(call: Call, value: object, *args: object) -> object:
    arg_count(call, args, 1, 1, "one argument, a property")
    if not isinstance(value, list | tuple):
        return value
    groups: dict[str, list[object]] = {}
    for item in value:
        call.state.step()
        found = property_of(item, args[0])
        groups.setdefault("" if call.is_nil(found) else call.to_text(found), []).append(item)
    return _grouped(groups)


def _exp_args(call: Call, args: tuple[object, ...]) -> tuple[str, str]:
    arg_count(call, args, 2, 2, "two arguments, the item's name and an expression")
    variable, expression = call.to_text(args[0]).strip(), call.to_text(args[1])
    if "|" in expression:
        raise ValueError(
            f"the filter '{call.name}' cannot apply filters inside its expression here"
        )
    try:
        compile_condition(expression)
    except ValueError as error:
        raise ValueError(f"the filter '{call.name}': {error}") from None
    return variable, expression


def _items_of(value: object) -> list[object] | None:
    if isinstance(value, Mapping):
        return list(value.values())
    return list(value) if isinstance(value, list | tuple) else None


def _where_exp(call: Call, value: object, *args: object) -> object:
    variable, expression = _exp_args(call, args)
    items = _items_of(value)
    if items is None:
        return value
    condition = compile_condition(expression)
    kept = []
    for item in items:
        call.state.step()
        if holds(call, condition, variable, item):
            kept.append(item)
    return kept


def _find_exp(call: Call, value: object, *args: object) -> object:
    variable, expression = _exp_args(call, args)
    items = _items_of(value)
    if items is None:
        return value
    condition = compile_condition(expression)
    for item in items:
        call.state.step()
        if holds(call, condition, variable, item):
            return item
    return None


def _group_by_exp(call: Call, value: object, *args: object) -> object:
    variable, expression = _exp_args(call, args)
    if not isinstance(value, list | tuple):
        return value
    groups: dict[str, list[object]] = {}
    for item in value:
        call.state.step()
        found = value_of(call, expression, variable, item)
        groups.setdefault("" if call.is_nil(found) else call.to_text(found), []).append(item)
    return _grouped(groups)


_BOTH: dict[str, Callable[..., Any]] = {"limit": _limit, "where_not": _where_not}

LEGACY_ARRAY_FILTERS: dict[str, Callable[..., Any]] = {
    **_BOTH,
    "compact": _compact,
    "concat": _concat,
    "find": _find,
    "find_exp": _find_exp,
    "group_by": _group_by,
    "group_by_exp": _group_by_exp,
    "pop": _drop(True),
    "push": _push,
    "reverse": _reverse,
    "shift": _drop(False),
    "sort_natural": _sort_natural,
    "sum": _sum,
    "uniq": _uniq,
    "unshift": _unshift,
    "where": _where,
    "where_exp": _where_exp,
}
"""The array filters Customer.io adds to legacy."""

LATEST_ARRAY_FILTERS: dict[str, Callable[..., Any]] = dict(_BOTH)
"""The array filters Customer.io adds to latest (LiquidJS has the rest)."""
