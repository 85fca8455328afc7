"""JavaScript's values as LiquidJS handles them (``src/util/underscore.ts``, ECMA-262).

How a JavaScript value is held here:

==========================  ==========================================================
JavaScript                  Python
==========================  ==========================================================
``undefined``               :data:`UNDEFINED` (falsy, distinct from ``None``)
``null``                    ``None``
boolean, string             ``bool``, ``str``
number                      ``float`` or ``int`` (see :mod:`.jsnumber`)
array                       ``list`` (or ``tuple``)
plain object                ``dict`` or any ``Mapping``
a LiquidJS ``Drop``         a :class:`Drop` (``nil``, ``empty``, ``blank``, ``forloop`` …)
==========================  ==========================================================

LiquidJS's own helpers are here under their names (:func:`stringify`, :func:`to_value`,
:func:`to_number`, :func:`is_falsy`, :func:`to_array`, :func:`to_enumerable`,
:func:`read_size`), beside the parts of the language they lean on: ``String(value)``
(:func:`js_string`), ``Number(value)`` (:func:`js_number`), ``ToPrimitive``, the
relational comparison ``<`` (:func:`js_less`), ``===`` (:func:`strict_equals`),
SameValueZero (:func:`same_value_key`), property keys and own properties, and the order
of an object's keys (integer-like keys first, ascending, as ``JSON.parse`` leaves them).

Values nest at most :data:`~composer.liquid.state.NESTING_LIMIT` deep here
(JavaScript's own limit is its call stack, thousands deep).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from composer.liquid.errors import RenderLimitError
from composer.liquid.latest.jsnumber import as_float, number_to_string, string_to_number
from composer.liquid.latest.jsstring import JsError, string_less, utf16_at, utf16_len
from composer.liquid.state import NESTING_LIMIT

__all__ = [
    "UNDEFINED",
    "Drop",
    "is_array",
    "is_array_like",
    "is_falsy",
    "is_nil",
    "is_number",
    "is_object",
    "js_add",
    "js_compare",
    "js_keys",
    "js_less",
    "js_number",
    "js_string",
    "js_truthy",
    "nest_guard",
    "own_property",
    "property_key",
    "read_array_element",
    "read_size",
    "same_value_key",
    "slice_bounds",
    "strict_equals",
    "stringify",
    "to_array",
    "to_enumerable",
    "to_number",
    "to_primitive",
    "to_value",
]


class _Undefined:
    """JavaScript's ``undefined``."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()
"""JavaScript's ``undefined``: what a missing variable, property or argument is."""


class Drop:
    """LiquidJS's ``Drop``: an object templates can read, with methods called on read.

    :meth:`js_get` answers a property read (a method is called with no arguments, as
    LiquidJS's ``readProperty`` does); :meth:`value_of` is ``valueOf()``, what
    :func:`to_value` turns the drop into; :meth:`own_items` are its own enumerable
    properties (what ``JSON.stringify`` and ``Object.keys`` see).
    """

    __slots__ = ()
    class_name = "Drop"
    """The JavaScript class name (for error messages)."""

    def value_of(self) -> object:
        """``valueOf()``: the object itself unless the drop says otherwise."""
        return self

    def own_items(self) -> list[tuple[str, object]]:
        """The drop's own enumerable properties, in order."""
        return []

    def js_get(self, key: str) -> object:
        """The property ``key`` as a template reads it (methods called), or UNDEFINED."""
        return _object_prototype(self, key)


def _object_prototype(drop: Drop, key: str) -> object:
    """A property every JavaScript object inherits, read from a drop and called."""
    if key in ("toString", "toLocaleString"):
        return "[object Object]"
    if key == "valueOf":
        return drop.value_of()
    if key in ("hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable"):
        return False
    if key == "constructor":
        raise JsError(
            "TypeError", f"Class constructor {drop.class_name} cannot be invoked without 'new'"
        )
    if key in ("__defineGetter__", "__defineSetter__"):
        raise JsError("TypeError", f"Object.prototype.{key}: Expecting function")
    return UNDEFINED


def is_nil(value: object) -> bool:
    """``value == null``: ``null`` or ``undefined``."""
    return value is None or value is UNDEFINED


def is_number(value: object) -> bool:
    """Whether ``value`` is a JavaScript number."""
    kind = type(value)
    return kind is float or kind is int


def is_array(value: object) -> bool:
    """Whether ``value`` is a JavaScript array."""
    kind = type(value)
    return kind is list or kind is tuple


def is_object(value: object) -> bool:
    """``typeof value === 'object' && value !== null`` (arrays, objects, drops)."""
    return isinstance(value, (list, tuple, Mapping, Drop))


def to_value(value: object) -> object:
    """LiquidJS's ``toValue``: a drop's ``valueOf()``, anything else as it is."""
    return value.value_of() if isinstance(value, Drop) else value


def nest_guard(depth: int) -> None:
    """Refuse values nested deeper than :data:`NESTING_LIMIT`."""
    if depth > NESTING_LIMIT:
        raise RenderLimitError(f"a value nests more than {NESTING_LIMIT} levels deep")


def js_string(value: object, depth: int = 0) -> str:
    """``String(value)``: JavaScript's ToString (an array joined with commas)."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is bool:
        return "true" if value else "false"
    if kind is float or kind is int:
        return number_to_string(value)  # type: ignore[arg-type]
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if kind is list or kind is tuple:
        nest_guard(depth)
        return ",".join(
            "" if is_nil(item) else js_string(item, depth + 1)
            for item in value  # type: ignore[attr-defined]
        )
    return "[object Object]"


def to_primitive(value: object, depth: int = 0) -> object:
    """``ToPrimitive(value, number)``: a drop's ``valueOf()``, an array or object's text."""
    if isinstance(value, Drop):
        inner = value.value_of()
        return "[object Object]" if isinstance(inner, Drop) else inner
    if isinstance(value, (list, tuple, Mapping)):
        return js_string(value, depth)
    return value


def js_number(value: object) -> float:
    """``Number(value)``: JavaScript's ToNumber (NaN when it is not a number)."""
    kind = type(value)
    if kind is float:
        return value  # type: ignore[return-value]
    if kind is int:
        return as_float(value)  # type: ignore[arg-type]
    if kind is str:
        return string_to_number(value)  # type: ignore[arg-type]
    if kind is bool:
        return 1.0 if value else 0.0
    if value is None:
        return 0.0
    if value is UNDEFINED:
        return math.nan
    primitive = to_primitive(value)
    return js_number(primitive)


def js_truthy(value: object) -> bool:
    """JavaScript's ToBoolean: false for false, 0, NaN, '', null and undefined only."""
    kind = type(value)
    if kind is bool:
        return value  # type: ignore[return-value]
    if kind is float or kind is int:
        return value == value and value != 0
    if kind is str:
        return value != ""
    return value is not None and value is not UNDEFINED


def to_number(value: object) -> float:
    """LiquidJS's ``toNumber``: ``+toValue(value) || 0`` (NaN and -0 become 0)."""
    number = js_number(to_value(value))
    return number if number == number and number != 0 else 0.0


def is_falsy(value: object) -> bool:
    """LiquidJS's ``isFalsy`` (default options): only false, null and undefined."""
    if isinstance(value, Drop):
        value = value.value_of()
    return value is False or value is None or value is UNDEFINED


def stringify(value: object, depth: int = 0) -> str:
    """LiquidJS's ``stringify``: how an output writes a value."""
    if isinstance(value, Drop):
        value = value.value_of()
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if value is None or value is UNDEFINED:
        return ""
    if kind is list or kind is tuple:
        nest_guard(depth)
        return "".join([stringify(item, depth + 1) for item in value])  # type: ignore[attr-defined]
    return js_string(value, depth)


def js_compare(left: object, right: object) -> bool | None:
    """JavaScript's IsLessThan: ``left < right``, or None (undefined) beside NaN."""
    left = to_primitive(left)
    right = to_primitive(right)
    if type(left) is str and type(right) is str:
        return string_less(left, right)
    a, b = js_number(left), js_number(right)
    if a != a or b != b:
        return None
    return a < b


def js_less(left: object, right: object) -> bool:
    """``left < right`` in JavaScript (false when either side is not comparable)."""
    return js_compare(left, right) is True


def strict_equals(left: object, right: object) -> bool:
    """``left === right``."""
    left_kind, right_kind = type(left), type(right)
    if (left_kind is float or left_kind is int) and (right_kind is float or right_kind is int):
        return as_float(left) == as_float(right)  # type: ignore[arg-type]
    if left_kind is str and right_kind is str:
        return left == right
    if left_kind is bool and right_kind is bool:
        return left is right
    return left is right


def same_value_key(value: object) -> object:
    """A hashable key under which values are SameValueZero-equal (``Set``, ``Map``)."""
    kind = type(value)
    if kind is float or kind is int:
        number = as_float(value)  # type: ignore[arg-type]
        return ("nan",) if number != number else ("n", number)
    if kind is str or kind is bool:
        return (kind.__name__, value)
    if value is None or value is UNDEFINED:
        return (repr(value),)
    return ("o", id(value))


def property_key(key: object) -> str:
    """``ToPropertyKey``: the text under which ``object[key]`` looks a property up."""
    if type(key) is str:
        return key
    if isinstance(key, Drop):
        return "[object Object]"
    return js_string(key)


def _array_index(key: str) -> int:
    """The array index ``key`` names (a canonical whole number), else -1."""
    if key.isdigit() and key.isascii() and (key == "0" or key[0] != "0"):
        index = int(key)
        if index < 2**32 - 1:
            return index
    return -1


def own_property(value: object, key: str) -> object:
    """``value[key]`` when ``key`` is an own property of ``value``, else UNDEFINED."""
    if isinstance(value, dict):
        return value.get(key, UNDEFINED)
    if isinstance(value, Mapping):
        try:
            return value[key]
        except KeyError:
            return UNDEFINED
    if isinstance(value, (list, tuple)):
        if key == "length":
            return len(value)
        index = _array_index(key)
        return value[index] if 0 <= index < len(value) else UNDEFINED
    if isinstance(value, str):
        if key == "length":
            return utf16_len(value)
        index = _array_index(key)
        found = utf16_at(value, index) if index >= 0 else None
        return UNDEFINED if found is None else found
    return UNDEFINED


def read_array_element(value: object, index: object) -> object:
    """LiquidJS's ``readArrayElement`` (own properties only; negative counts from the end)."""
    number = js_number(index)
    if number < 0:
        number = js_number(own_property(value, "length")) + number
    if number != number or not float(number).is_integer():
        return UNDEFINED
    return own_property(value, number_to_string(number))


def is_array_like(value: object) -> bool:
    """LiquidJS's ``isArrayLike``: a truthy value whose ``length`` is a number."""
    if not js_truthy(value):
        return False
    if isinstance(value, Drop):
        return is_number(value.js_get("length"))
    return is_number(own_property(value, "length"))


def js_keys(value: Mapping[str, object]) -> list[str]:
    """``Object.keys``: integer-like keys first in ascending order, then the others."""
    keys = list(value)
    if not any(type(key) is str and key[:1].isdigit() for key in keys):
        return keys
    indexed = sorted((key for key in keys if _array_index(key) >= 0), key=int)
    return indexed + [key for key in keys if _array_index(key) < 0]


def read_size(value: object) -> object:
    """LiquidJS's ``readSize``: an own ``size``, else the length or number of keys."""
    if isinstance(value, Drop):
        return len(value.own_items())
    if isinstance(value, Mapping):
        found = own_property(value, "size")
        if found is not UNDEFINED:
            return found
        return len(value)
    if isinstance(value, (list, tuple)):
        return len(value)
    if isinstance(value, str):
        return utf16_len(value)
    return UNDEFINED


def to_array(value: object) -> list[Any]:
    """LiquidJS's ``toArray``: an array as it is, nil as ``[]``, anything else in one."""
    value = to_value(value)
    if value is None or value is UNDEFINED:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, tuple):
        return list(value)
    return [value]


def to_enumerable(value: object) -> list[Any]:
    """LiquidJS's ``toEnumerable``: what ``for`` walks (an object as [key, value] pairs)."""
    value = to_value(value)
    if isinstance(value, list):
        return value
    if isinstance(value, tuple):
        return list(value)
    if type(value) is str:
        return [value] if value else []
    if isinstance(value, Mapping):
        return [[key, own_property(value, key)] for key in js_keys(value)]
    if isinstance(value, Drop):
        return [[key, item] for key, item in value.own_items()]
    return []


def js_add(left: object, right: object) -> object:
    """``left + right`` in JavaScript: text when either side is text, else numbers."""
    left, right = to_primitive(left), to_primitive(right)
    if type(left) is str or type(right) is str:
        return js_string(left) + js_string(right)
    return js_number(left) + js_number(right)


def slice_bounds(length: int, start: object, end: object = UNDEFINED) -> tuple[int, int]:
    """``Array.prototype.slice``'s start and end for an array of ``length``."""

    def bound(value: object, default: int) -> int:
        if value is UNDEFINED:
            return default
        number = js_number(value)
        if number != number:
            return 0
        if not math.isfinite(number):
            return 0 if number < 0 else length
        whole = int(number)
        return max(whole + length, 0) if whole < 0 else min(whole, length)

    return bound(start, 0), bound(end, length)
