"""An editable two-column table of text pairs: headers (name, value) and mappings.

:class:`PairTableModel` holds rows of two strings plus optional read-only columns filled
from outside (the response tab's per-row preview and problem). Rows whose first column is
blank are kept while editing but left out of :meth:`PairTableModel.pairs`, because a
header or a mapping needs a name to be stored. :class:`PairTableView` is the table both
tabs show it in, with the add, remove and "show the n-th pair" actions they share.

Every change the user makes (a cell, adding, removing or moving a row, a preset) is a
step on :attr:`PairTableModel.undo_stack` when one is given (the composer's, so Ctrl+Z
takes back a removed header or mapping, and Ctrl+Shift+Z… Redo brings it again); the
step's text names it ("remove header 2"). :meth:`PairTableModel.set_pairs` (loading a
request) is not a step. An undone step selects the row it touched.

A row can carry a diagnostic (:meth:`PairTableModel.set_marks`): its editable cells are
tinted (red for an error, amber for a warning) and their tooltip is the message, so a
header with a problem is found in the table, not only in the diagnostics list. The tints
and the problem column's red are accents of :mod:`ui.widgets.palette`, with a dark entry
each, so the palette's text stays readable on them in a dark theme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from ui.widgets.palette import accent

__all__ = ["PairTableModel", "PairTableView"]

Index = QModelIndex | QPersistentModelIndex
_MARK_ACCENTS = {"error": "error_mark", "warning": "warning_mark"}


class _Rows(QUndoCommand):
    """One change of a table's rows, undone by putting the rows back as they were."""

    def __init__(
        self,
        model: PairTableModel,
        before: list[list[str]],
        after: list[list[str]],
        text: str,
        rows: tuple[int, int],
    ) -> None:
        super().__init__(text)
        self._model, self._before, self._after = model, before, after
        self._done = False
        self._undo_row, self._redo_row = rows  # the row to select after each

    def redo(self) -> None:
        # the first run is the user's own change: the view already shows that row
        self._model._replace(self._after, self._redo_row if self._done else None)
        self._done = True

    def undo(self) -> None:
        self._model._replace(self._before, self._undo_row)


class _Cell(QUndoCommand):
    """One cell's text changed."""

    def __init__(self, model: PairTableModel, row: int, column: int, old: str, new: str) -> None:
        noun = model.noun
        super().__init__(f"edit {noun} {row + 1}")
        self._model, self._row, self._column, self._old, self._new = model, row, column, old, new
        self._done = False

    def redo(self) -> None:
        self._model._set_cell(self._row, self._column, self._new, touched=self._done)
        self._done = True

    def undo(self) -> None:
        self._model._set_cell(self._row, self._column, self._old)


class PairTableModel(QAbstractTableModel):
    """Rows of (first, second) text, editable, with optional read-only extra columns.

    Signals:
        edited(): the user changed, added, removed or moved a row (or undid such a change).
        rowTouched(int): an undo or redo changed this row (views select it).
    """

    edited = Signal()
    rowTouched = Signal(int)

    def __init__(
        self, titles: Sequence[str], extra_titles: Sequence[str] = (), noun: str = "row"
    ) -> None:
        super().__init__()
        self.noun = noun
        """What a row is called in undo steps ("header", "mapping")."""
        self.undo_stack: QUndoStack | None = None
        """Where the user's changes are pushed as undoable steps (None: not undoable)."""
        self._titles = tuple(titles) + tuple(extra_titles)
        self._rows: list[list[str]] = []
        self._extra: list[tuple[str, ...]] = []
        self._problems: list[bool] = []
        self._marks: dict[int, tuple[str, str]] = {}
        self._width = len(titles)

    # -- content -------------------------------------------------------------------

    def set_pairs(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Replace every row (no ``edited``)."""
        self.beginResetModel()
        self._rows = [[a, b] for a, b in pairs]
        self._extra = []
        self._problems = []
        self.endResetModel()

    def pairs(self) -> list[tuple[str, str]]:
        """The rows that have a first column, in order."""
        return [(a, b) for a, b in self._rows if a.strip()]

    def all_rows(self) -> list[tuple[str, str]]:
        """Every row, blank ones included."""
        return [(a, b) for a, b in self._rows]

    def set_extra(self, rows: Sequence[tuple[str, ...]], problems: Sequence[bool]) -> None:
        """Fill the read-only columns (row by row, in :meth:`pairs` order)."""
        named = [i for i, (a, _) in enumerate(self._rows) if a.strip()]
        extra = [("",) * (len(self._titles) - self._width)] * len(self._rows)
        flags = [False] * len(self._rows)
        for row, values, problem in zip(named, rows, problems, strict=False):
            extra[row] = tuple(values)
            flags[row] = problem
        if extra == self._extra and flags == self._problems:
            return
        self._extra, self._problems = extra, flags
        if self._rows and len(self._titles) > self._width:
            self.dataChanged.emit(
                self.index(0, self._width), self.index(len(self._rows) - 1, len(self._titles) - 1)
            )

    def set_marks(self, marks: Mapping[int, tuple[str, str]]) -> None:
        """Mark rows by pair index (as :meth:`pairs` counts) with (severity, message)."""
        named = [i for i, (a, _) in enumerate(self._rows) if a.strip()]
        by_row = {named[i]: mark for i, mark in marks.items() if 0 <= i < len(named)}
        if by_row == self._marks:
            return
        self._marks = by_row
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 1))

    def mark(self, row: int) -> tuple[str, str] | None:
        """The (severity, message) table row ``row`` is marked with, or None."""
        return self._marks.get(row)

    def add(self, first: str = "", second: str = "") -> int:
        """Append a row; returns its number."""
        row = len(self._rows)
        after = [*self._copy(), [first, second]]
        self._change(after, f"add {self.noun}", (row - 1, row))
        return row

    def remove(self, row: int) -> None:
        """Remove one row."""
        if 0 <= row < len(self._rows):
            after = self._copy()
            del after[row]
            self._change(after, f"remove {self.noun} {row + 1}", (row, row - 1))

    def move(self, row: int, delta: int) -> int:
        """Move a row up (-1) or down (+1); returns its new number."""
        target = row + delta
        if not (0 <= row < len(self._rows) and 0 <= target < len(self._rows)):
            return row
        after = self._copy()
        after[row], after[target] = after[target], after[row]
        self._change(after, f"move {self.noun} {row + 1}", (row, target))
        return target

    def set_pair(self, row: int, first: str, second: str) -> None:
        """Set both columns of a row."""
        after = self._copy()
        after[row] = [first, second]
        self._change(after, f"set {self.noun} {first}", (row, row))

    def _copy(self) -> list[list[str]]:
        return [list(pair) for pair in self._rows]

    def _change(self, after: list[list[str]], text: str, rows: tuple[int, int]) -> None:
        """Make ``after`` the rows: a step on the undo stack when there is one (``rows``:
        the row to select after an undo, and after a redo)."""
        command = _Rows(self, self._copy(), after, text, rows)
        if self.undo_stack is None:
            self._replace(after, None)
        else:
            self.undo_stack.push(command)  # runs redo()

    def _replace(self, rows: list[list[str]], touched: int | None) -> None:
        """Put ``rows`` in place (an edit; ``touched`` is announced after an undo/redo)."""
        rows = [list(pair) for pair in rows]
        old = len(self._rows)
        if len(rows) == old + 1 and rows[:old] == self._rows:  # an append: no reset
            self.beginInsertRows(QModelIndex(), old, old)
            self._rows = rows
            self.endInsertRows()
        elif len(rows) == old and all(a == b for a, b in zip(rows, self._rows, strict=True)):
            return
        elif len(rows) == old:
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self._width - 1))
        else:
            self.beginResetModel()
            self._rows = rows
            self._extra, self._problems, self._marks = [], [], {}
            self.endResetModel()
        self.edited.emit()
        if touched is not None and self._rows:
            self.rowTouched.emit(min(max(touched, 0), len(self._rows) - 1))

    def _set_cell(self, row: int, column: int, text: str, touched: bool = True) -> None:
        if row < len(self._rows) and self._rows[row][column] != text:
            self._rows[row][column] = text
            index = self.index(row, column)
            self.dataChanged.emit(index, index)
            self.edited.emit()
            if touched:
                self.rowTouched.emit(row)

    def row_of_pair(self, index: int) -> int:
        """The table row of the ``index``-th named pair (as :meth:`pairs` counts), or -1."""
        named = [row for row, (a, _) in enumerate(self._rows) if a.strip()]
        return named[index] if 0 <= index < len(named) else -1

    def find(self, first: str) -> int:
        """The last row whose first column equals ``first`` ignoring case, or -1."""
        for row in range(len(self._rows) - 1, -1, -1):
            if self._rows[row][0].strip().lower() == first.lower():
                return row
        return -1

    # -- Qt model ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._titles[section]
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() < self._width:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column < self._width:
                return self._rows[row][column]
            if row < len(self._extra):
                return self._extra[row][column - self._width]
            return ""
        problem = row < len(self._problems) and self._problems[row]
        if role == Qt.ItemDataRole.ForegroundRole and column >= self._width and problem:
            return accent("failure")
        mark = self._marks.get(row) if column < self._width else None
        if mark is not None and role == Qt.ItemDataRole.BackgroundRole:
            return accent(_MARK_ACCENTS.get(mark[0], "warning_mark"))
        if mark is not None and role == Qt.ItemDataRole.ToolTipRole:
            return mark[1]
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() >= self._width:
            return False
        row, column, text = index.row(), index.column(), str(value)
        old = self._rows[row][column]
        if old == text:
            return False
        if self.undo_stack is None:
            self._rows[row][column] = text
            self.dataChanged.emit(index, index)
            self.edited.emit()
        else:
            self.undo_stack.push(_Cell(self, row, column, old, text))
        return True


class PairTableView(QTableView):
    """Shows a :class:`PairTableModel` a row at a time. Signals: the standard view signals."""

    def __init__(self, model: PairTableModel, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pair_model = model
        self.setModel(model)
        self.setAccessibleName(name)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        model.rowTouched.connect(self._touched)

    def _touched(self, row: int) -> None:
        if 0 <= row < self.pair_model.rowCount():
            cell = self.pair_model.index(row, 0)
            self.setCurrentIndex(cell)
            self.scrollTo(cell)

    def add_row(self) -> None:
        """Add a blank row and start editing its first cell."""
        row = self.pair_model.add()
        index = self.pair_model.index(row, 0)
        self.setCurrentIndex(index)
        self.edit(index)

    def remove_current(self) -> None:
        """Remove the row of the current cell, if any."""
        index = self.currentIndex()
        if index.isValid():
            self.pair_model.remove(index.row())

    def show_pair(self, index: int) -> None:
        """Select and show the ``index``-th stored pair (blank rows skipped)."""
        row = self.pair_model.row_of_pair(index)
        if row >= 0:
            cell = self.pair_model.index(row, 1)
            self.setCurrentIndex(cell)
            self.scrollTo(cell)
            self.setFocus()
