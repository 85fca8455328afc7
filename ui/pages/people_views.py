"""The views of the People page: the people table and the events panel under it.

:class:`KeyTable` is the people table; it reports Delete and Enter so the page can delete
and edit with the keyboard, and its :class:`CellDelegate` asks the model for what the
cells' items do not hold (a tooltip, an editor's starting text), only when they are needed.
:class:`EventsPanel` shows, adds and deletes the events of the one person selected in that
table. Decisions:

* **The panel follows the page, it does not watch the selection itself**: the page calls
  :meth:`EventsPanel.show_person` with the one selected id (or ``None``), so the people
  table stays the only source of "who is selected".
* **Events are read and written through ops** (:class:`ui.ops.Op`, off the GUI thread): the
  panel re-reads them after a write and emits ``eventsChanged`` so the page can tell the
  window people changed. An answer for a person no longer shown is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QHelpEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from composer.model import Event
from composer.store.database import Database
from composer.store.people import StoredEvent
from ui.ops import Changed, Op, OpChanges, OpError
from ui.pages.people_model import PeopleTableModel
from ui.pages.person_dialog import EventDialog
from ui.pages.table_models import EventsTableModel

__all__ = ["CellDelegate", "EventsPanel", "KeyTable"]


class CellDelegate(QStyledItemDelegate):
    """Draws the people table's cells as Qt does, from their items (no Python while it
    paints); asks :class:`PeopleTableModel` for a cell's tooltip when the pointer rests on
    it, and for an editor's starting text when one opens."""

    def __init__(self, model: PeopleTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        text = self._model.tooltip(index.row(), index.column()) or ""
        QToolTip.showText(event.globalPos(), text, view.viewport(), option.rect)  # "" hides
        event.setAccepted(bool(text))
        return bool(text)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QLineEdit) and index.isValid():
            editor.setText(self._model.edit_text(index.row(), index.column()))
        else:
            super().setEditorData(editor, index)


class KeyTable(QTableView):
    """A table view that reports the Delete and Enter keys.

    Signals:
        deletePressed(): Delete was pressed.
        enterPressed(): Return or Enter was pressed.
    """

    deletePressed = Signal()
    enterPressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete:
            self.deletePressed.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enterPressed.emit()
        else:
            super().keyPressEvent(event)


class EventsPanel(QWidget):
    """The events of one person: a table, "Add event…" and "Delete event".

    Signals:
        eventsChanged(): an event was added or deleted.
        eventsShown(): the events of the person shown arrived.
    """

    eventsChanged = Signal()
    eventsShown = Signal()

    def __init__(self, db: Database | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = db.path if isinstance(db, Database) else Path(db)
        self.person_id: str | None = None
        self.model = EventsTableModel()
        self.label = QLabel("Events")
        self.table = QTableView()
        self.table.setAccessibleName("Events of the selected person")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setColumnWidth(0, 160)
        self.table.setColumnWidth(1, 170)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("Add e&vent…")
        self.add_button.setAccessibleName("Add event")
        self.add_button.clicked.connect(lambda _=False: self.add_event())
        self.delete_button = QPushButton("Delete event")
        self.delete_button.setAccessibleName("Delete selected event")
        self.delete_button.clicked.connect(lambda _=False: self.delete_event())
        bar = QHBoxLayout()
        bar.addWidget(self.label, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.show_person(None)

    def show_person(self, person_id: str | None) -> None:
        """Show the events of ``person_id`` (``None``: no single person is selected)."""
        self.person_id = person_id
        self.add_button.setEnabled(person_id is not None)
        self.delete_button.setEnabled(person_id is not None)
        if person_id is None:
            self.model.set_events([])
            self.label.setText("Events (select one person)")
            return
        self.label.setText(f"Events of {person_id}")

        def shown(events: list[StoredEvent]) -> None:
            if self.person_id == person_id:
                self.model.set_events(events)
                self.eventsShown.emit()

        Op(self, lambda db: db.people.events(person_id), path=self.path).success(shown).failure(
            lambda error: self.label.setText(f"Events of {person_id}: {error.message}")
        ).run()

    def _write(
        self, work: Callable[[Database], object], done: Callable[[str | None], None] | None = None
    ) -> None:
        def write(db: Database) -> Changed[object]:
            return Changed(work(db), OpChanges(people=True))

        def stored(_value: object) -> None:
            if done is not None:
                done(None)
            self.show_person(self.person_id)
            self.eventsChanged.emit()

        def refused(error: OpError) -> None:
            if done is not None:
                done(error.message)
            else:
                self.label.setText(f"Not changed: {error.message}")

        Op[object](self, write, path=self.path, write=True).success(stored).failure(refused).run()

    def event_dialog(self) -> EventDialog | None:
        """The add-event dialog for the person shown (shown by the caller)."""
        person_id = self.person_id
        if person_id is None:
            return None

        def save(event: Event, finish: Callable[[str | None], None]) -> None:
            self._write(lambda db: db.people.add_event(person_id, event), finish)

        return EventDialog(save, person_id, self)

    def add_event(self) -> None:
        """Ask for an event of the person shown."""
        dialog = self.event_dialog()
        if dialog is not None:
            dialog.open()

    def delete_event(self) -> None:
        """Delete the events selected in the table (or the current one)."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if not rows:
            index = self.table.currentIndex()
            rows = {index.row()} if index.isValid() else set()
        ids = [self.model.stored_event(row).id for row in sorted(rows)]
        if not ids:
            return

        def delete(db: Database) -> None:
            with db.transaction():
                for event_id in ids:
                    db.people.delete_event(event_id)

        self._write(delete)
