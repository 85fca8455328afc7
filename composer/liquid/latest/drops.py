"""LiquidJS's drops: ``nil``, ``empty``, ``blank``, ``forloop``, ``tablerowloop``, ``block``.

Ports ``src/drop/null-drop.ts``, ``empty-drop.ts``, ``blank-drop.ts``,
``forloop-drop.ts``, ``tablerowloop-drop.ts`` and ``block-drop.ts``. A template reads a
drop's properties through :meth:`~.jsvalues.Drop.js_get`, which calls a method as
LiquidJS's ``readProperty`` does: ``{{ forloop.index }}`` calls ``index()``, and
``{{ forloop.next }}`` really advances the loop's counter, as it does in LiquidJS. The
methods every JavaScript object inherits answer as JavaScript's do (``toString`` is
``[object Object]``, ``constructor`` throws a ``TypeError``); ``__proto__`` reads as
nothing here.

``nil``, ``empty`` and ``blank`` are *comparable*: the operators ask them first
(``equals``, ``gt`` …), so ``x == empty`` is true for ``''``, ``[]`` and ``{}``, and
``blank`` also matches ``false``, ``nil`` and white space.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

from composer.liquid.latest.jsjson import json_stringify
from composer.liquid.latest.jsnumber import js_divide, js_remainder
from composer.liquid.latest.jsstring import JS_SPACE_CLASS
from composer.liquid.latest.jsvalues import (
    UNDEFINED,
    Drop,
    _object_prototype,
    is_nil,
    js_number,
    strict_equals,
    to_value,
)

__all__ = [
    "BLANK",
    "EMPTY",
    "NIL",
    "BlankDrop",
    "BlockDrop",
    "ComparableDrop",
    "EmptyDrop",
    "ForloopDrop",
    "NullDrop",
    "TablerowloopDrop",
]

_BLANK_TEXT = re.compile(f"[{JS_SPACE_CLASS}]*")
_COMPARISONS = ("gt", "geq", "lt", "leq")


class ComparableDrop(Drop):
    """A drop the comparison operators ask before comparing values themselves."""

    __slots__ = ()

    def equals(self, value: object) -> bool:
        """Whether ``value`` equals this drop."""
        raise NotImplementedError

    def js_get(self, key: str) -> object:
        """``equals`` and the comparisons called with no argument, then Object's own."""
        if key == "equals":
            return self.equals(UNDEFINED)
        if key in _COMPARISONS:
            return False
        if key == "liquidMethodMissing":
            return UNDEFINED
        return _object_prototype(self, key)


class NullDrop(ComparableDrop):
    """``nil`` and ``null``: equal to null and undefined; never greater or less."""

    __slots__ = ()
    class_name = "NullDrop"

    def equals(self, value: object) -> bool:
        """Whether ``value`` is null or undefined."""
        return is_nil(to_value(value))

    def value_of(self) -> object:
        """``null``."""
        return None


class EmptyDrop(ComparableDrop):
    """``empty``: equal to an empty string, array or object."""

    __slots__ = ()
    class_name = "EmptyDrop"

    def equals(self, value: object) -> bool:
        """Whether ``value`` is empty (never another ``empty`` or ``blank``)."""
        if isinstance(value, EmptyDrop):
            return False
        value = to_value(value)
        if isinstance(value, (str, list, tuple, Mapping)):
            return len(value) == 0
        if isinstance(value, Drop):
            return not value.own_items()
        return False

    def value_of(self) -> object:
        """``''``."""
        return ""


class BlankDrop(EmptyDrop):
    """``blank``: like ``empty``, and also false, nil and white space."""

    __slots__ = ()
    class_name = "BlankDrop"

    def equals(self, value: object) -> bool:
        """Whether ``value`` is blank."""
        if value is False or is_nil(to_value(value)):
            return True
        if isinstance(value, str):
            return _BLANK_TEXT.fullmatch(value) is not None
        return super().equals(value)


NIL = NullDrop()
"""The ``nil`` (and ``null``) literal."""
EMPTY = EmptyDrop()
"""The ``empty`` literal."""
BLANK = BlankDrop()
"""The ``blank`` literal."""


class ForloopDrop(Drop):
    """``forloop`` inside ``{% for %}``."""

    __slots__ = ("i", "length", "name", "parentloop")
    class_name = "ForloopDrop"

    def __init__(self, length: int, collection: str, variable: str, parent: object = None):
        self.i = 0
        """The 0-based index of the current iteration."""
        self.length: object = length
        """How many iterations the loop makes."""
        self.name = f"{variable}-{collection}"
        """The loop's name: its variable and collection as written."""
        self.parentloop = parent
        """The enclosing loop's drop, or None."""

    def own_items(self) -> list[tuple[str, object]]:
        """``i``, ``length``, ``name``, ``parentloop``."""
        return [
            ("i", self.i),
            ("length", self.length),
            ("name", self.name),
            ("parentloop", self.parentloop),
        ]

    def value_of(self) -> object:
        """``JSON.stringify(this)``."""
        return json_stringify(self)

    def next(self) -> None:
        """Advance to the next iteration."""
        self.i += 1

    def js_get(self, key: str) -> object:
        """Fields, then the loop's methods (``index``, ``first`` …), then Object's."""
        method = _FORLOOP.get(key)
        if method is not None:
            return method(self)
        return _object_prototype(self, key)


def _length(drop: ForloopDrop) -> float:
    return js_number(drop.length)


_FORLOOP: dict[str, Callable[[ForloopDrop], object]] = {
    "i": lambda d: d.i,
    "length": lambda d: d.length,
    "name": lambda d: d.name,
    "parentloop": lambda d: d.parentloop,
    "next": lambda d: d.next(),
    "index0": lambda d: d.i,
    "index": lambda d: d.i + 1,
    "first": lambda d: d.i == 0,
    "last": lambda d: d.i == _length(d) - 1,
    "rindex": lambda d: _length(d) - d.i,
    "rindex0": lambda d: _length(d) - d.i - 1,
    "valueOf": lambda d: d.value_of(),
    "liquidMethodMissing": lambda d: UNDEFINED,
}


class TablerowloopDrop(ForloopDrop):
    """``tablerowloop`` inside ``{% tablerow %}``: ``forloop`` plus rows and columns."""

    __slots__ = ("cols",)
    class_name = "TablerowloopDrop"

    def __init__(self, length: int, cols: object, collection: str, variable: str):
        super().__init__(length, collection, variable)
        self.cols = cols
        """Columns per row (``cols:``, else the whole collection)."""

    def own_items(self) -> list[tuple[str, object]]:
        """``forloop``'s fields and ``cols``."""
        return [*super().own_items(), ("cols", self.cols)]

    def row(self) -> float:
        """The 1-based row."""
        quotient = js_divide(float(self.i), js_number(self.cols))
        return math.floor(quotient) + 1.0 if math.isfinite(quotient) else quotient + 1

    def col0(self) -> float:
        """The 0-based column."""
        return js_remainder(float(self.i), js_number(self.cols))

    def col(self) -> float:
        """The 1-based column."""
        return self.col0() + 1

    def js_get(self, key: str) -> object:
        """``row``, ``col``, ``col0``, ``col_first``, ``col_last``, then ``forloop``'s."""
        if key == "cols":
            return self.cols
        if key == "row":
            return self.row()
        if key == "col0":
            return self.col0()
        if key == "col":
            return self.col()
        if key == "col_first":
            return self.col0() == 0
        if key == "col_last":
            return strict_equals(self.col(), self.cols)
        return super().js_get(key)


class BlockDrop(Drop):
    """``block`` inside ``{% block %}``: ``block.super`` renders the parent block."""

    __slots__ = ("super_render",)
    class_name = "BlockDrop"

    def __init__(self, super_render: Callable[[], str] | None = None) -> None:
        self.super_render = super_render or (lambda: "")
        """Renders the block this one overrides (nothing without a layout)."""

    def own_items(self) -> list[tuple[str, object]]:
        """``superBlockRender`` (a function, left out of JSON)."""
        return [("superBlockRender", self.super_render)]

    def js_get(self, key: str) -> object:
        """``super`` and ``superBlockRender`` render the parent; then Object's."""
        if key in ("super", "superBlockRender"):
            return self.super_render()
        if key == "liquidMethodMissing":
            return UNDEFINED
        return _object_prototype(self, key)
