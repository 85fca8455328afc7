"""What a person's cells in the People table show, and pages of them encoded for Qt.

:func:`shown` is what one cell holds (its values by role and its flags) for a person and a
column, and :func:`encode_rows` writes a page of people's cells as one block
(:mod:`ui.widgets.item_blocks`), on the worker that read them (:func:`read_page`). The
model (:mod:`ui.pages.people_model`) loads those blocks and draws an edited row's cells
again from the same :func:`shown`, so a cell looks the same however it got there. See
that module for the decisions (why cells live in C++ items; what a missing value shows).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt

from composer.model import Person
from ui.widgets.item_blocks import Block, Codec, Variant

__all__ = [
    "FIXED_COLUMNS",
    "MISSING",
    "SHOWN",
    "Page",
    "column_title",
    "columns_for",
    "compact",
    "encode_rows",
    "joined",
    "kind_of",
    "read_page",
    "shown",
    "value_in",
]

SHOWN = 4096
"""The most characters of a text a cell shows."""

MISSING: Any = object()
"""What a person who lacks an attribute holds in its column."""

_TITLES = {"id": "ID", "email": "Email"}
FIXED_COLUMNS = ("id", "email")
"""The columns every person has, first, whatever their attributes."""


def column_title(column: str) -> str:
    """The header of a column (``ID``, ``Email``, or the attribute's name)."""
    return _TITLES.get(column, column)


def kind_of(value: Any) -> str | None:
    """``number``, ``boolean``, ``text``, ``nested`` or ``null`` (None: missing)."""
    if value is MISSING:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    return "nested"


def compact(value: Any, limit: int) -> str:
    """A nested value as one line of JSON, cut to ``limit`` characters."""
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


_Flag = Qt.ItemFlag
_ROLE = Qt.ItemDataRole
_SHOWN_ONLY = (_Flag.ItemIsEnabled | _Flag.ItemIsSelectable).value
_EDITABLE = _SHOWN_ONLY | _Flag.ItemIsEditable.value
_CHECKABLE = _SHOWN_ONLY | _Flag.ItemIsUserCheckable.value
_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value
_DISPLAY, _CHECK = _ROLE.DisplayRole.value, _ROLE.CheckStateRole.value
_ALIGN, _COLOUR = _ROLE.TextAlignmentRole.value, _ROLE.ForegroundRole.value
_CHECKED, _UNCHECKED = Qt.CheckState.Checked.value, Qt.CheckState.Unchecked.value


def _cell(key: str, value: Any, muted: Variant) -> tuple[dict[int, str | int | Variant], int]:
    """What a cell holding ``value`` (not :data:`MISSING`) shows: values by role, flags."""
    if isinstance(value, bool):
        return {_CHECK: _CHECKED if value else _UNCHECKED}, _CHECKABLE
    if isinstance(value, int | float):
        return {_DISPLAY: str(value), _ALIGN: _RIGHT}, _EDITABLE
    if isinstance(value, str):
        shown = value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"
        return {_DISPLAY: shown}, _SHOWN_ONLY if key == "id" else _EDITABLE
    if value is None:
        return {_DISPLAY: "null", _COLOUR: muted}, _EDITABLE
    return {_DISPLAY: compact(value, 120)}, _SHOWN_ONLY  # nested: the JSON editor's


def value_in(person: Person, key: str) -> Any:
    """What ``person`` holds in the column ``key`` (:data:`MISSING` when it lacks it)."""
    if key == "id":
        return person.id
    if key == "email":
        return person.email
    return person.attributes.get(key, MISSING)


def shown(person: Person, key: str, muted: Variant) -> tuple[dict[int, Any], int]:
    """What ``person``'s cell in the column ``key`` shows (a missing value: nothing)."""
    value = value_in(person, key)
    return ({}, _EDITABLE) if value is MISSING else _cell(key, value, muted)


def joined(columns: Sequence[str], names: Sequence[str]) -> list[str]:
    """``columns`` and then each of ``names`` not among them, in their first order."""
    known = set(columns)
    return [*columns, *(n for n in dict.fromkeys(names) if n not in known)]


def columns_for(columns: Sequence[str], rows: Sequence[Person]) -> list[str]:
    return joined(columns, [key for person in rows for key in person.attributes])


def encode_rows(
    rows: Sequence[Person], columns: Sequence[str], codec: Codec, muted: Variant
) -> bytes:
    """The cells of ``rows`` under ``columns`` (which hold every attribute of theirs), as one
    block for :func:`ui.widgets.item_blocks.load_block`; a missing value has no cell."""
    block = Block(codec)
    where = {name: column for column, name in enumerate(columns)}
    for row, person in enumerate(rows):
        block.add(row, 0, *_cell("id", person.id, muted))
        block.add(row, 1, *_cell("email", person.email, muted))
        for key, value in person.attributes.items():
            if key not in FIXED_COLUMNS:  # an attribute named "id" or "email" is not shown
                block.add(row, where[key], *_cell(key, value, muted))
    return block.encoded()


@dataclass(frozen=True)
class Page:
    """Rows read on a worker, with the attribute names asked for and the rows' cells
    encoded for ``columns`` (the model's columns then, joined by the names and the rows')
    with the theme's colour for a ``null`` then (``muted``)."""

    rows: list[Person]
    names: list[str] | None
    columns: list[str]
    muted: Variant
    block: bytes


def read_page(
    rows: list[Person], names: list[str] | None, columns: list[str], codec: Codec, muted: Variant
) -> Page:
    every = columns_for(joined(columns, names or []), rows)
    return Page(rows, names, every, muted, encode_rows(rows, every, codec, muted))
