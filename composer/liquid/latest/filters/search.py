"""Array filters that look inside items, second half of ``src/filters/array.ts``:
``where``, ``reject``, ``where_exp``, ``reject_exp``, ``group_by``, ``group_by_exp``,
``has``, ``has_exp``, ``find_index``, ``find_index_exp``, ``find``, ``find_exp``.

The property (``where: "a.b", value``) is read as a Liquid path in a scope made of the
item alone (so ``size`` of an item that is not an object is 0, as in LiquidJS). Without
an expected value an item matches when the property is truthy. The ``*_exp`` filters
evaluate a Liquid expression with the item bound to the given name; ``where_exp`` keeps
an item only when the expression is exactly ``true`` (``reject_exp`` only when it is
``false``), while ``find_exp`` and ``has_exp`` take any JavaScript-truthy value.
Expressions are parsed once per text and kept.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from composer.liquid.errors import LiquidError, LiquidRenderError
from composer.liquid.latest.expression import Evaluator, compile_value, equals
from composer.liquid.latest.jsvalues import (
    UNDEFINED,
    is_falsy,
    js_truthy,
    property_key,
    same_value_key,
    stringify,
    to_array,
    to_enumerable,
)
from composer.liquid.latest.tokenizer import Tokenizer

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context

__all__ = ["SEARCH_FILTERS"]


@functools.lru_cache(maxsize=256)
def _property(text: str) -> Evaluator:
    try:
        return compile_value(Tokenizer(text).read_scope_value())
    except LiquidError as error:
        raise LiquidRenderError(f"the property {text!r} cannot be read: {error.message}") from None


def _expression(ctx: Context, text: str) -> Evaluator:
    return ctx.engine.compile_expression_text(text)


def _matches(ctx: Context, value: object, expected: object) -> bool:
    if expected is UNDEFINED:
        return not is_falsy(value)
    return equals(value, expected)


def _with_item(ctx: Context, evaluator: Evaluator, name: str, item: object) -> object:
    ctx.push({name: item})
    reports, ctx.reports = ctx.reports, False
    try:
        return evaluator(ctx)
    finally:
        ctx.reports = reports
        ctx.pop()


def _filter(
    ctx: Context, include: bool, value: object, prop: object, expected: object
) -> list[Any]:
    items = to_array(value)
    read = _property(stringify(prop))
    return [item for item in items if _matches(ctx, read(ctx.spawn(item)), expected) == include]


def where(
    ctx: Context, value: object, prop: object = UNDEFINED, expected: object = UNDEFINED
) -> list[Any]:
    """``where: property, value``."""
    return _filter(ctx, True, value, prop, expected)


def reject(
    ctx: Context, value: object, prop: object = UNDEFINED, expected: object = UNDEFINED
) -> list[Any]:
    """``reject: property, value``."""
    return _filter(ctx, False, value, prop, expected)


def _filter_exp(ctx: Context, include: bool, value: object, name: object, exp: object) -> list[Any]:
    evaluator = _expression(ctx, stringify(exp))
    key = property_key(name)
    return [item for item in to_array(value) if _with_item(ctx, evaluator, key, item) is include]


def where_exp(
    ctx: Context, value: object, name: object = UNDEFINED, exp: object = UNDEFINED
) -> list[Any]:
    """``where_exp: name, expression``: items for which it is ``true``."""
    return _filter_exp(ctx, True, value, name, exp)


def reject_exp(
    ctx: Context, value: object, name: object = UNDEFINED, exp: object = UNDEFINED
) -> list[Any]:
    """``reject_exp: name, expression``: items for which it is ``false``."""
    return _filter_exp(ctx, False, value, name, exp)


def _grouped(keys_items: list[tuple[object, object]]) -> list[dict[str, Any]]:
    groups: dict[object, tuple[object, list[Any]]] = {}
    for key, item in keys_items:
        found = groups.setdefault(same_value_key(key), (key, []))
        found[1].append(item)
    return [{"name": key, "items": items} for key, items in groups.values()]


def group_by(ctx: Context, value: object, prop: object = UNDEFINED) -> list[dict[str, Any]]:
    """``group_by: property``: ``[{name, items}]`` in order of first appearance."""
    items = to_enumerable(value)
    read = _property(stringify(prop))
    return _grouped([(read(ctx.spawn(item)), item) for item in items])


def group_by_exp(
    ctx: Context, value: object, name: object = UNDEFINED, exp: object = UNDEFINED
) -> list[dict[str, Any]]:
    """``group_by_exp: name, expression``."""
    evaluator = _expression(ctx, stringify(exp))
    items = to_enumerable(value)
    key = property_key(name)
    return _grouped([(_with_item(ctx, evaluator, key, item), item) for item in items])


def _search(ctx: Context, value: object, prop: object, expected: object) -> int:
    read = _property(stringify(prop))
    for index, item in enumerate(to_array(value)):
        if _matches(ctx, read(ctx.spawn(item)), expected):
            return index
    return -1


def _search_exp(ctx: Context, value: object, name: object, exp: object) -> int:
    evaluator = _expression(ctx, stringify(exp))
    key = property_key(name)
    for index, item in enumerate(to_array(value)):
        if js_truthy(_with_item(ctx, evaluator, key, item)):
            return index
    return -1


def has(
    ctx: Context, value: object, prop: object = UNDEFINED, expected: object = UNDEFINED
) -> bool:
    """``has: property, value``."""
    return _search(ctx, value, prop, expected) >= 0


def has_exp(ctx: Context, value: object, name: object = UNDEFINED, exp: object = UNDEFINED) -> bool:
    """``has_exp: name, expression``."""
    return _search_exp(ctx, value, name, exp) >= 0


def find_index(
    ctx: Context, value: object, prop: object = UNDEFINED, expected: object = UNDEFINED
) -> object:
    """``find_index: property, value`` (undefined when none matches)."""
    found = _search(ctx, value, prop, expected)
    return found if found >= 0 else UNDEFINED


def find_index_exp(
    ctx: Context, value: object, name: object = UNDEFINED, exp: object = UNDEFINED
) -> object:
    """``find_index_exp: name, expression``."""
    found = _search_exp(ctx, value, name, exp)
    return found if found >= 0 else UNDEFINED


def find(
    ctx: Context, value: object, prop: object = UNDEFINED, expected: object = UNDEFINED
) -> object:
    """``find: property, value``: the first matching item."""
    found = _search(ctx, value, prop, expected)
    return to_array(value)[found] if found >= 0 else UNDEFINED


def find_exp(
    ctx: Context, value: object, name: object = UNDEFINED, exp: object = UNDEFINED
) -> object:
    """``find_exp: name, expression``."""
    found = _search_exp(ctx, value, name, exp)
    return to_array(value)[found] if found >= 0 else UNDEFINED


SEARCH_FILTERS: dict[str, Any] = {
    "where": where,
    "reject": reject,
    "where_exp": where_exp,
    "reject_exp": reject_exp,
    "group_by": group_by,
    "group_by_exp": group_by_exp,
    "has": has,
    "has_exp": has_exp,
    "find_index": find_index,
    "find_index_exp": find_index_exp,
    "find": find,
    "find_exp": find_exp,
}
"""These filters by name."""
