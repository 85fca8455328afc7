"""The people table's item model: one column per attribute, read and written through ops.

Columns are ``id``, ``email`` and then every top-level attribute name, in the order the
names first appear among the people (:func:`composer.store.people_table.attribute_names`,
joined by the names of the rows fetched since). Decisions:

* **Lazy, and never on the GUI thread.** Rows come a page (:data:`PAGE`) at a time from
  :func:`composer.store.people_table.table_page` through :class:`ui.ops.Op` (a connection per
  worker thread); there is more while the last page was full. A new search, sort or filter
  starts a new *generation*: the answer to an older one is dropped when it arrives, so
  typing fast never shows a stale list.
* **Columns are only appended.** The header's choices (hidden columns, their order) belong
  to logical columns; rows are replaced by removing and inserting them, never by a model
  reset, so what the user chose for the columns survives every refresh.
* **A value keeps its type when edited in place.** A number stays a number (text that is
  not one is refused with a message, :attr:`PeopleTableModel.refused`), a boolean is a
  checkbox, text stays text; an empty cell takes the type the column has in the rows
  fetched. Nested values (objects, arrays) are not edited in a cell: the page opens the
  JSON editor for them. Every edit is a step on :attr:`PeopleTableModel.undo_stack` when one
  is set (Ctrl+Z), and is written by one write op that reads the person afresh and changes
  only that value, so it never writes over another change.
* **Painted without Python.** The model is a :class:`QStandardItemModel`: what a cell shows
  (its text, check box, alignment, colour and flags) lives in its C++ item, so a repaint
  never enters Python and never waits for the GIL while a bulk send's threads hold it
  (:mod:`ui.widgets.item_blocks` says why that matters). The worker that reads a page also
  encodes its cells (:mod:`ui.pages.people_cells`); the GUI thread appends them in one
  call. The people themselves (:meth:`PeopleTableModel.person`,
  :meth:`~PeopleTableModel.value`) stay the truth the items are drawn from: an edit
  changes the person and draws again, in place, only the cells that show otherwise (no
  layout change, which a view with many rows selected pays for as for a relayout).
  Python overrides only what is called on a click or an edit: ``setData``, ``sort``,
  ``canFetchMore`` and ``fetchMore``. A missing value has no item (Qt's default: an empty,
  editable cell); its tooltip and an editor's starting text come from
  :meth:`PeopleTableModel.tooltip` and :meth:`~PeopleTableModel.edit_text` through the
  table's delegate (:class:`ui.pages.people_views.CellDelegate`). A text longer than
  :data:`~ui.pages.people_cells.SHOWN` characters is shown cut (the editor and the JSON
  editor have all of it).
  Each cell costs some 400 bytes of C++ items beside the person it is drawn from.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItemModel, QUndoCommand, QUndoStack

from composer.model import Person
from composer.store.database import Database
from composer.store.people_table import TableQuery, attribute_names, table_page
from ui.ops import Changed, Op, OpChanges, OpError
from ui.pages.people_cells import (
    FIXED_COLUMNS,
    MISSING,
    Page,
    column_title,
    columns_for,
    compact,
    encode_rows,
    joined,
    kind_of,
    read_page,
    shown,
    value_in,
)
from ui.widgets.item_blocks import (
    Codec,
    load_block,
    place_item,
    redraw_item,
    standard_item,
    variant,
)
from ui.widgets.palette import accent, theme_notifier

__all__ = ["PAGE", "PeopleTableModel"]

PAGE = 256
"""Rows fetched at a time."""

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_INTEGER = re.compile(r"^[+-]?\d{1,100}$")


def _number(text: str) -> int | float | None:
    stripped = text.strip()
    if _INTEGER.match(stripped):
        return int(stripped)
    try:
        value = float(stripped)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _SetValue(QUndoCommand):
    """One value changed in place; undone by writing the old one back (or removing it)."""

    def __init__(self, model: PeopleTableModel, person_id: str, column: str, old: Any, new: Any):
        super().__init__(f"edit {column_title(column)} of {person_id}")
        self._model, self._id, self._column, self._old, self._new = (
            model,
            person_id,
            column,
            old,
            new,
        )

    def redo(self) -> None:
        self._model.write_value(self._id, self._column, self._new)

    def undo(self) -> None:
        self._model.write_value(self._id, self._column, self._old)


class PeopleTableModel(QStandardItemModel):
    """The workspace's people, a page at a time, narrowed, sorted and filtered in the store.

    Signals:
        loaded(): a page of rows (or the column names) arrived and is shown.
        failed(str): a read failed (the message).
        refused(str): an edit was refused (why), or its write failed.
        written(object): an edit was stored (the person as stored).
    """

    loaded = Signal()
    failed = Signal(str)
    refused = Signal(str)
    written = Signal(object)

    def __init__(self, db: Database | Path, page: int = PAGE) -> None:
        super().__init__(0, 2)
        self.path = db.path if isinstance(db, Database) else Path(db)
        """The workspace file the ops open."""
        self._page = page
        self._rows: list[Person] = []
        self._columns: list[str] = ["id", "email"]
        self._query = TableQuery()
        self._generation = 0
        self._reading = 0
        self._writing = 0
        self._more = False
        self._codec = Codec.qt()
        self.undo_stack: QUndoStack | None = None
        """Where edits are recorded as undoable steps (None: written without a step)."""
        self._set_headers()
        theme_notifier().changed.connect(self._recolour)
        self.refresh(names=True)

    # -- reading ---------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether a read or a write has not answered yet."""
        return bool(self._reading or self._writing)

    @property
    def query(self) -> TableQuery:
        """What the rows shown answer: search, sort and filters."""
        return self._query

    @property
    def search_text(self) -> str:
        """The text the rows are narrowed by ("" for everyone)."""
        return self._query.search

    def set_search(self, text: str) -> None:
        """Show only the people matching ``text`` (the store's one search)."""
        self._query = replace(self._query, search=text.strip())
        self.refresh()

    def set_filter(self, column: str, text: str) -> None:
        """Keep only people whose ``column`` matches ``text`` ("" removes the filter)."""
        kept = tuple((c, t) for c, t in self._query.filters if c != column)
        if text.strip():
            kept += ((column, text.strip()),)
        self._query = replace(self._query, filters=kept)
        self._set_headers()
        self.refresh()

    def clear_filters(self) -> None:
        """Remove every column filter."""
        self._query = replace(self._query, filters=())
        self._set_headers()
        self.refresh()

    def filters(self) -> dict[str, str]:
        """The column filters in use, by column."""
        return dict(self._query.filters)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (-1: the order people were stored in), in the store."""
        key = self._columns[column] if 0 <= column < len(self._columns) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._query.sort, self._query.descending):
            return
        self._query = replace(self._query, sort=key, descending=descending)
        self.refresh()

    def refresh(self, names: bool = False) -> None:
        """Read the first page again (``names``: and the attribute names, after changes)."""
        self._generation += 1
        generation, query, size = self._generation, self._query, self._page
        columns, codec, muted = list(self._columns), self._codec, variant(accent("muted"))
        self._reading += 1

        def read(db: Database) -> Page:
            rows = table_page(db, query, size, 0)
            return read_page(rows, attribute_names(db) if names else None, columns, codec, muted)

        Op(self, read, path=self.path).success(
            lambda page: self._first_page(generation, page)
        ).failure(self._read_failed).run()

    def _first_page(self, generation: int, page: Page) -> None:
        self._reading -= 1
        if generation != self._generation:
            return
        self._add_columns(page.names or [])
        if self._rows:
            self.removeRows(0, len(self._rows))
            self._rows = []
        self._more = len(page.rows) == self._page
        self._insert(page)
        self.loaded.emit()

    def _insert(self, page: Page) -> None:
        self._add_columns(columns_for(self._columns, page.rows))
        if not page.rows:
            return
        block, muted = page.block, variant(accent("muted"))
        if self._columns[: len(page.columns)] != page.columns or muted != page.muted:
            # another column came first, or the theme changed, while the page was read
            block = encode_rows(page.rows, self._columns, self._codec, muted)
        start = len(self._rows)
        self._rows.extend(page.rows)
        if not load_block(self, block, start):  # pragma: no cover - Qt refused its own format
            raise RuntimeError("the people's cells could not be loaded into the table")

    def _add_columns(self, names: list[str]) -> None:
        every = joined(self._columns, names)
        if len(every) > len(self._columns):
            start = len(self._columns)
            self._columns = every
            self.insertColumns(start, len(every) - start)
            self._set_headers(start)

    def _set_headers(self, start: int = 0) -> None:
        filters = self.filters()
        for section in range(start, len(self._columns)):
            key = self._columns[section]
            title = column_title(key) + (" ⧩" if key in filters else "")
            tip = f"Filtered: {filters[key]}. " if key in filters else ""
            tip += "Click to sort; right-click to choose, filter or reorder columns."
            self.setHeaderData(section, Qt.Orientation.Horizontal, title)
            self.setHeaderData(section, Qt.Orientation.Horizontal, tip, Qt.ItemDataRole.ToolTipRole)

    def _draw_row(self, row: int, before: Person) -> None:
        """Draw again the cells of ``row`` that show otherwise than they did for ``before``
        (in place: a changed item, or a new one in an empty cell; never a layout change)."""
        muted, after = variant(accent("muted")), self._rows[row]
        for column, key in enumerate(self._columns):
            now = shown(after, key, muted)
            if now == shown(before, key, muted):
                continue
            item = self.item(row, column)
            if item is not None:
                redraw_item(item, *now)
            elif now[0]:
                place_item(self, row, column, standard_item(*now))

    def _recolour(self, _dark: bool = False) -> None:
        """Give every ``null`` the muted colour of the theme now in use."""
        colour = accent("muted")
        where = {name: column for column, name in enumerate(self._columns)}
        for row, person in enumerate(self._rows):
            for key, value in person.attributes.items():
                null = value is None and key not in FIXED_COLUMNS
                item = self.item(row, where[key]) if null else None
                if item is not None:
                    item.setData(colour, Qt.ItemDataRole.ForegroundRole)

    def _read_failed(self, error: OpError) -> None:
        self._reading -= 1
        self.failed.emit(error.message)

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if parent.isValid() or not self._more or self._reading:
            return
        generation, query, size, offset = (
            self._generation,
            self._query,
            self._page,
            len(self._rows),
        )
        columns, codec, muted = list(self._columns), self._codec, variant(accent("muted"))
        self._reading += 1

        def read(db: Database) -> Page:
            return read_page(table_page(db, query, size, offset), None, columns, codec, muted)

        def more(page: Page) -> None:
            self._reading -= 1
            if generation != self._generation:
                return
            self._more = len(page.rows) == size
            self._insert(page)
            self.loaded.emit()

        Op(self, read, path=self.path).success(more).failure(self._read_failed).run()

    # -- rows and columns ---------------------------------------------------------------

    def columns(self) -> list[str]:
        """Every column, in the model's order (``id``, ``email``, attribute names)."""
        return list(self._columns)

    def column_of(self, name: str) -> int:
        """The logical index of column ``name``, or -1."""
        return self._columns.index(name) if name in self._columns else -1

    def person(self, row: int) -> Person:
        """The person shown on ``row``."""
        return self._rows[row]

    def row_of(self, person_id: str) -> int:
        """The row showing ``person_id`` among those fetched, or -1."""
        for row, person in enumerate(self._rows):
            if person.id == person_id:
                return row
        return -1

    def replace(self, row: int, person: Person) -> None:
        """Show ``person`` on ``row`` (after an edit was saved)."""
        before, self._rows[row] = self._rows[row], person
        self._add_columns(list(person.attributes))
        self._draw_row(row, before)

    def value(self, row: int, column: int) -> Any:
        """What ``row`` holds in ``column`` (:data:`MISSING` when it lacks it)."""
        return value_in(self._rows[row], self._columns[column])

    def column_kind(self, column: int) -> str | None:
        """The kind of the first value of ``column`` among the rows fetched (None: none)."""
        for row in range(len(self._rows)):
            kind = kind_of(self.value(row, column))
            if kind not in (None, "null"):
                return kind
        return None

    # -- editing -----------------------------------------------------------------------

    def coerce(self, row: int, column: int, text: str) -> Any:
        """The value ``text`` typed into a cell stands for, of the cell's type;
        :class:`ValueError` with the reason when it is not one."""
        key = self._columns[column]
        if key in ("id", "email"):
            return text.strip()
        old = self.value(row, column)
        kind = kind_of(old) or self.column_kind(column) or "text"
        if kind == "number":
            if old is MISSING and not text.strip():
                return MISSING
            number = _number(text)
            if number is None:
                raise ValueError(f'"{key}" is a number here, and "{text}" is not a number.')
            return number
        if kind == "boolean":
            lowered = text.strip().lower()
            if lowered not in ("true", "false"):
                raise ValueError(f'"{key}" is true or false here, not "{text}".')
            return lowered == "true"
        if old is MISSING and text == "":
            return MISSING
        return text

    def request_value(self, row: int, column: int, new: Any) -> bool:
        """Change one value (as a step on the undo stack); False when nothing changes."""
        old = self.value(row, column)
        if new == old and type(new) is type(old):
            return False
        key, person_id = self._columns[column], self._rows[row].id
        if self.undo_stack is None:
            self.write_value(person_id, key, new)
        else:
            self.undo_stack.push(_SetValue(self, person_id, key, old, new))  # redo() writes
        return True

    def _show_value(self, person_id: str, key: str, value: Any) -> None:
        row = self.row_of(person_id)
        if row < 0:
            return
        person = self._rows[row]
        if key == "email":
            person = replace(person, email=str(value))
        elif key != "id":
            attributes = dict(person.attributes)
            if value is MISSING:
                attributes.pop(key, None)
            else:
                attributes[key] = value
            person = replace(person, attributes=attributes)
        self.replace(row, person)

    def write_value(self, person_id: str, key: str, value: Any) -> None:
        """Store one value of one person (MISSING: remove the attribute) in a write op."""
        self._show_value(person_id, key, value)
        self._writing += 1

        def write(db: Database) -> Changed[Person]:
            person = db.people.get(person_id)
            if key == "email":
                person = replace(person, email=str(value))
            else:
                attributes = dict(person.attributes)
                if value is MISSING:
                    attributes.pop(key, None)
                else:
                    attributes[key] = value
                person = replace(person, attributes=attributes)
            db.people.update(person)
            return Changed(person, OpChanges(people=True))

        def stored(person: Person) -> None:
            self._writing -= 1
            row = self.row_of(person.id)
            if row >= 0:
                self.replace(row, person)
            self.written.emit(person)

        def refused(error: OpError) -> None:
            self._writing -= 1
            self.refused.emit(f"Not saved: {error.message}")
            self.refresh()

        Op[Person](self, write, path=self.path, write=True).success(stored).failure(refused).run()

    # -- Qt ----------------------------------------------------------------------------

    def tooltip(self, row: int, column: int) -> str | None:
        """What hovering a cell tells (its items hold none, to stay small)."""
        value = self.value(row, column)
        if kind_of(value) == "nested":
            return compact(value, 2000) + "\n\nDouble-click to edit as JSON."
        if value is MISSING and self._columns[column] != "id":
            return "No value. Type one to add it."
        return None

    def edit_text(self, row: int, column: int) -> str:
        """The text an editor opened on a cell starts with (a ``null`` starts empty)."""
        value = self.value(row, column)
        return "" if value is MISSING or value is None else str(value)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.CheckStateRole:
            if not self.flags(index) & Qt.ItemFlag.ItemIsUserCheckable:
                return False
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
            return self.request_value(row, column, checked)
        if role != Qt.ItemDataRole.EditRole or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        try:
            new = self.coerce(row, column, str(value))
        except ValueError as exc:
            self.refused.emit(str(exc))
            return False
        if self._columns[column] == "email" and new == self._rows[row].email:
            return False
        return self.request_value(row, column, new)
