"""Blocks of cells (ui.widgets.item_blocks) decode in Qt to the very items Python would
make one by one: the drop format written in plain Python is checked against Qt's own items
and Qt's own encoding of them, with the running Qt."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView

from ui.widgets.item_blocks import (
    MIME,
    Block,
    Codec,
    load_block,
    place_item,
    redraw_item,
    standard_item,
    variant,
)

_FLAGS = Qt.ItemFlag
SHOWN = (_FLAGS.ItemIsEnabled | _FLAGS.ItemIsSelectable).value
EDITABLE = SHOWN | _FLAGS.ItemIsEditable.value
ROLE = Qt.ItemDataRole


def cells() -> list[tuple[int, int, dict[int, Any], int]]:
    muted = variant(QColor("#5f6368"))
    return [
        (0, 0, {ROLE.DisplayRole.value: "a"}, SHOWN),
        (
            0,
            1,
            {ROLE.DisplayRole.value: "Zürich 🚀 ☃", ROLE.TextAlignmentRole.value: 130},
            EDITABLE,
        ),
        (0, 2, {ROLE.DisplayRole.value: ""}, EDITABLE),
        (1, 0, {ROLE.DisplayRole.value: "b" * 5000}, SHOWN),
        (1, 2, {ROLE.DisplayRole.value: "null", ROLE.ForegroundRole.value: muted}, EDITABLE),
        (
            2,
            0,
            {ROLE.CheckStateRole.value: 2},
            (_FLAGS.ItemIsEnabled | _FLAGS.ItemIsUserCheckable).value,
        ),
        (2, 1, {}, SHOWN),
    ]


def by_python() -> QStandardItemModel:
    model = QStandardItemModel(3, 3)
    for row, column, values, flags in cells():
        model.setItem(row, column, standard_item(values, flags))
    return model


def by_block(codec: Codec) -> QStandardItemModel:
    model = QStandardItemModel(0, 3)
    block = Block(codec)
    for row, column, values, flags in cells():
        block.add(row, column, values, flags)
    assert block.rows == 3
    assert load_block(model, block.encoded(), 0)
    return model


def contents(model: QStandardItemModel) -> list[tuple[int, int, dict[int, Any], int, bool]]:
    found = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            found.append(
                (
                    row,
                    column,
                    model.itemData(index),
                    model.flags(index).value,
                    model.item(row, column) is None,
                )
            )
    return found


def test_a_block_holds_what_items_made_in_python_hold(qapp: QApplication) -> None:
    made, loaded = by_python(), by_block(Codec.qt())
    assert loaded.rowCount() == 3 and loaded.columnCount() == 3
    assert contents(loaded) == contents(made)
    assert loaded.data(loaded.index(0, 1)) == "Zürich 🚀 ☃"
    assert loaded.data(loaded.index(1, 0)) == "b" * 5000
    assert loaded.data(loaded.index(1, 2), ROLE.ForegroundRole) == QColor("#5f6368")
    assert loaded.data(loaded.index(2, 0), ROLE.CheckStateRole) == 2


def test_a_block_is_what_qt_writes_for_those_items(qapp: QApplication) -> None:
    made = by_python()
    indexes = [made.index(row, column) for row, column, _v, _f in cells()]
    mime = made.mimeData(indexes)
    assert mime is not None
    written = bytes(mime.data(MIME).data())
    # Qt writes the flags twice (as a value under UserRole - 1 too); a block leaves that
    # value out, and Qt's own reading puts it back: so compare what each decodes to.
    again = QStandardItemModel(0, 3)
    assert load_block(again, written, 0)
    assert contents(again) == contents(by_block(Codec.qt()))


def test_a_cell_left_out_has_no_item_and_qts_default_flags(qapp: QApplication) -> None:
    loaded = by_block(Codec.qt())
    assert loaded.item(2, 2) is None
    flags = loaded.flags(loaded.index(2, 2))
    assert flags & _FLAGS.ItemIsEditable and flags & _FLAGS.ItemIsEnabled
    assert loaded.data(loaded.index(2, 2)) is None


def test_a_block_inserts_its_rows_where_it_is_loaded(qapp: QApplication) -> None:
    model = by_block(Codec.qt())
    block = Block(Codec.qt())
    block.add(0, 0, {ROLE.DisplayRole.value: "inserted"}, SHOWN)
    block.add(1, 2, {ROLE.DisplayRole.value: "second"}, EDITABLE)
    block.add(1, 0, {ROLE.DisplayRole.value: "second row"}, SHOWN)
    assert load_block(model, block.encoded(), 1)
    column = [model.data(model.index(row, 0)) for row in range(model.rowCount())]
    assert column == ["a", "inserted", "second row", "b" * 5000, None]
    assert model.data(model.index(2, 2)) == "second"
    assert load_block(model, b"", 0) and model.rowCount() == 5


@pytest.mark.parametrize("value", [0, -1, 2**31 - 1, -(2**31)])
def test_integers_keep_their_value(qapp: QApplication, value: int) -> None:
    model = QStandardItemModel(0, 1)
    block = Block(Codec.qt())
    block.add(0, 0, {ROLE.UserRole.value: value}, SHOWN)
    assert load_block(model, block.encoded(), 0)
    assert model.data(model.index(0, 0), ROLE.UserRole) == value
    assert model.index(0, 0).parent() == QModelIndex()


def test_loading_under_a_selection_moves_nothing_and_keeps_it(qapp: QApplication) -> None:
    # Qt places each decoded cell with a layout change of its own; a view answers each by
    # saving and restoring its whole selection (seconds a page with every row selected)
    model = by_block(Codec.qt())
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.selectAll()
    heard: dict[str, list[Any]] = {"layout": [], "rows": [], "data": []}
    model.layoutChanged.connect(lambda *a: heard["layout"].append(a))
    model.rowsInserted.connect(lambda _p, first, last: heard["rows"].append((first, last)))
    model.dataChanged.connect(
        lambda tl, br, _r=None: heard["data"].append((tl.row(), tl.column(), br.row(), br.column()))
    )
    block = Block(Codec.qt())
    for row in range(40):
        for column in range(3):
            block.add(row, column, {ROLE.DisplayRole.value: f"{row}.{column}"}, EDITABLE)
    assert load_block(model, block.encoded(), 1)
    assert heard == {"layout": [], "rows": [(1, 40)], "data": [(1, 0, 40, 2)]}
    assert model.rowCount() == 43 and model.data(model.index(40, 2)) == "39.2"
    selected = sorted(i.row() for i in view.selectionModel().selectedRows())
    assert selected == [0, 41, 42]  # the rows selected before, where they are now
    assert not model.signalsBlocked()


def test_cells_change_in_place_without_a_layout_change(qapp: QApplication) -> None:
    model = by_block(Codec.qt())
    layouts: list[object] = []
    changed: list[tuple[int, int]] = []
    model.layoutChanged.connect(lambda *a: layouts.append(a))
    model.dataChanged.connect(lambda tl, _br, _r=None: changed.append((tl.row(), tl.column())))
    item = model.item(0, 1)
    assert item is not None
    redraw_item(item, {ROLE.CheckStateRole.value: 0}, SHOWN)
    assert model.data(model.index(0, 1)) is None  # the text and alignment went
    assert model.data(model.index(0, 1), ROLE.TextAlignmentRole) is None
    assert model.data(model.index(0, 1), ROLE.CheckStateRole) == 0
    assert model.flags(model.index(0, 1)).value == SHOWN
    place_item(model, 2, 2, standard_item({ROLE.DisplayRole.value: "new"}, EDITABLE))
    assert model.data(model.index(2, 2)) == "new" and not model.signalsBlocked()
    assert layouts == [] and (0, 1) in changed and changed[-1] == (2, 2)
