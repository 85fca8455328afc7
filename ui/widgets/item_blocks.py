"""Cells for a :class:`QStandardItemModel`, encoded off the GUI thread and loaded in one call.

A view paints a model by asking it for every visible cell: the index, the flags and the data
of each, ten calls a cell and nearly two thousand for a screenful of a wide table. When the
model is written in Python, each of those calls enters Python from Qt and takes the GIL
first; while workers run Python too (a bulk send's threads), each take waits its turn, and
one repaint stalled the GUI thread for 100 ms and more. A model whose cells live in C++
(:class:`QStandardItemModel`'s items) is painted without entering Python at all.

Building those items one by one from Python costs what it saves (some 4 µs and 800 bytes
an item, on the GUI thread). So rows arrive as one *block*: the bytes Qt itself writes
when items are dragged from one :class:`QStandardItemModel` to another (the
``application/x-qstandarditemmodeldatalist`` drop format), written here in plain Python
on the worker that read the rows, and decoded by Qt in C++ by one call on the GUI thread
(:func:`load_block`), which appends the rows and their items.

The format, per cell (big-endian, as :class:`QDataStream` writes it): ``int32 row``,
``int32 column``, the item's values (``uint32`` count, then ``int32 role`` and a
:class:`QVariant` each), ``int32 flags``, and ``int32 0`` twice (no child columns, no
children). A text or an integer value is a :class:`QVariant` whose header bytes are taken
from Qt's own encoding of ``""`` and ``0`` at first use (:class:`Codec`), so they follow
the running Qt; any other value (a colour) is encoded once by Qt (:func:`variant`) and
its bytes are reused. ``tests/test_item_blocks.py`` checks the result against what Qt's
own items hold.

A cell left out of a block has no item: Qt shows it empty, and its flags are Qt's
default for a cell with no item (enabled, selectable, editable, and drag and drop, which a
view that neither drags nor accepts drops ignores). To change cells in place rather than
insert rows, :func:`redraw_item` makes an item hold what a block would have written, and
:func:`place_item` puts one made by :func:`standard_item` in an empty cell. Neither
announces a layout change (which Qt's ``setItem`` does, and which costs a view with a big
selection as much as a relayout): only ``dataChanged``.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QMimeData, QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

__all__ = [
    "MIME",
    "Block",
    "Codec",
    "Variant",
    "load_block",
    "place_item",
    "redraw_item",
    "standard_item",
    "variant",
]

MIME = "application/x-qstandarditemmodeldatalist"
"""The drop format :class:`QStandardItemModel` decodes its items from."""

_CELL = struct.Struct(">iiI")
_ROLE = struct.Struct(">i")
_TAIL = struct.Struct(">iii")
_LENGTH = struct.Struct(">I")


@dataclass(frozen=True)
class Variant:
    """A value Qt encoded once (:func:`variant`), written into blocks as it is."""

    value: Any
    encoded: bytes


def _qt_bytes(value: Any) -> bytes:
    array = QByteArray()
    stream = QDataStream(array, QIODevice.OpenModeFlag.WriteOnly)
    stream.writeQVariant(value)
    return bytes(array.data())


def variant(value: Any) -> Variant:
    """``value`` (a :class:`QColor`, say) as a :class:`QVariant` in Qt's encoding."""
    return Variant(value, _qt_bytes(value))


@dataclass(frozen=True)
class Codec:
    """The headers of a text's and an integer's :class:`QVariant`, as the running Qt writes
    them (:meth:`qt`); made on any thread, used on any."""

    text: bytes
    integer: bytes

    @classmethod
    def qt(cls) -> Codec:
        """The running Qt's headers: its encoding of ``""`` and ``0`` less the 4-byte body."""
        return cls(_qt_bytes("")[:-4], _qt_bytes(0)[:-4])

    def value(self, value: str | int | Variant) -> bytes:
        """One value, as a :class:`QVariant` in Qt's encoding."""
        if isinstance(value, Variant):
            return value.encoded
        if isinstance(value, str):
            body = value.encode("utf-16-be", "surrogatepass")
            return self.text + _LENGTH.pack(len(body)) + body
        return self.integer + _ROLE.pack(value)


class Block:
    """Cells written one after another, for :func:`load_block`; rows count from 0."""

    def __init__(self, codec: Codec) -> None:
        self._codec = codec
        self._parts: list[bytes] = []
        self.rows = 0
        """One more than the highest row a cell was added to."""

    def add(
        self, row: int, column: int, values: Mapping[int, str | int | Variant], flags: int
    ) -> None:
        """The cell at ``row`` and ``column``: its value for each role, and its flags."""
        parts = self._parts
        parts.append(_CELL.pack(row, column, len(values)))
        for role, value in values.items():
            parts.append(_ROLE.pack(role))
            parts.append(self._codec.value(value))
        parts.append(_TAIL.pack(flags, 0, 0))
        self.rows = max(self.rows, row + 1)

    def encoded(self) -> bytes:
        """Every cell added, in the drop format."""
        return b"".join(self._parts)


def load_block(model: QStandardItemModel, block: bytes, row: int) -> bool:
    """Insert the rows of ``block`` at ``row`` of ``model`` (a table: no parent), decoded by
    Qt in one call. Every row of the block must hold a cell in column 0 (Qt places a
    block's cells from its leftmost column, and leaves out a row without a cell), and the
    model must have every column the block names. Returns whether Qt took it.

    Qt inserts the block's rows with one ``rowsInserted`` and then places each cell with a
    layout change of its own, which views and selection models answer by saving and
    restoring what they track, cell by cell (seconds for a page while every row is
    selected). Placing an item in an empty cell moves nothing, so the model's signals are
    held from the moment its rows are in (the views, connected before, have had
    ``rowsInserted``) until its cells are, and one ``dataChanged`` then covers them."""
    if not block:
        return True
    mime = QMimeData()
    mime.setData(MIME, QByteArray(block))
    before = model.rowCount()

    def rows_in(*_args: object) -> None:
        model.blockSignals(True)

    model.rowsInserted.connect(rows_in)
    try:
        taken = QStandardItemModel.dropMimeData(
            model, mime, Qt.DropAction.CopyAction, row, 0, QModelIndex()
        )
    finally:
        model.blockSignals(False)
        model.rowsInserted.disconnect(rows_in)
    added = model.rowCount() - before
    if added:
        last = model.index(row + added - 1, model.columnCount() - 1)
        model.dataChanged.emit(model.index(row, 0), last)
    return taken


def standard_item(values: Mapping[int, str | int | Variant], flags: int) -> QStandardItem:
    """One item holding what :meth:`Block.add` would write for a cell (to replace a cell
    in place, where a block would insert rows)."""
    item = QStandardItem()
    redraw_item(item, values, flags)
    return item


def redraw_item(item: QStandardItem, values: Mapping[int, str | int | Variant], flags: int) -> None:
    """Make ``item`` hold exactly what :func:`standard_item` would (its other values go)."""
    item.clearData()
    for role, value in values.items():
        item.setData(value.value if isinstance(value, Variant) else value, role)
    item.setFlags(Qt.ItemFlag(flags))


def place_item(model: QStandardItemModel, row: int, column: int, item: QStandardItem) -> None:
    """Put ``item`` in the empty cell at ``row`` and ``column`` of ``model`` (a table),
    announced as a change of that cell's data: nothing moved, so no layout change."""
    blocked = model.blockSignals(True)
    try:
        model.setItem(row, column, item)
    finally:
        model.blockSignals(blocked)
    index = model.index(row, column)
    model.dataChanged.emit(index, index)
