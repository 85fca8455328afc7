"""The People page: search, add, edit, delete, events, import and export, and the shortcut.

The page is given the workspace (:class:`~composer.store.database.Database`), the
:class:`~composer.secrets.SecretStore` (or a function returning it once it is open) and a
callable returning the request open in the composer; it tells the window what a person
asked for through signals. Decisions:

* **The table is lazy** (:class:`ui.pages.table_models.PeopleTableModel`): typing in the search
  field narrows it in SQL 150 ms after the last keystroke.
* **Attributes are edited as JSON** in :class:`PersonDialog`. Text that is not a JSON object
  is refused with its line and column, the cursor is put there, and nothing is saved.
* **Delete can be undone** (the Undo button, or Ctrl+Z on the page): the deleted people and
  their events are kept until the next delete and put back in one transaction. In the
  table, Delete deletes and Enter edits; Ctrl+F goes to the search field.
* **Import and export run off the GUI thread** with a busy progress bar; an import is all
  or nothing (:mod:`composer.store.people_io`), and when a file is refused the page shows the
  reason and the offending row of the file, marked, under the table.
* **The table view and the events panel live in** :mod:`ui.pages.people_views`, import and
  export in :mod:`ui.pages.people_files`; this module wires them to the workspace and the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from composer.model import Person, Request
from composer.store.database import Database
from composer.store.people import StoredEvent
from ui.ops.tasks import SecretsSource
from ui.pages.bulk_send import BulkSendDialog
from ui.pages.people_files import PeopleFiles
from ui.pages.people_views import EventsPanel, KeyTable
from ui.pages.person_dialog import EventDialog, PersonDialog
from ui.pages.table_models import PeopleTableModel

__all__ = ["PeoplePage"]


class PeoplePage(QWidget):
    """The workspace's people.

    Signals:
        personChosen(str): "Use for preview" on a person (their id).
        peopleChanged(): people were added, edited, deleted or imported.
        bulkSent(object): a bulk send settled (its summary, see ``ui.pages.bulk_send``).
        importFinished(object): an import ended (an ImportResult, or a TaskError).
        exportFinished(object): an export ended (the path written, or a TaskError).
    """

    personChosen = Signal(str)
    peopleChanged = Signal()
    bulkSent = Signal(object)
    importFinished = Signal(object)
    exportFinished = Signal(object)

    def __init__(
        self,
        db: Database,
        secrets: SecretsSource = None,
        current_request: Callable[[], Request | None] = lambda: None,
        parent: QWidget | None = None,
        **send_options: Any,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.secrets = secrets
        self.current_request = current_request
        self.send_options = send_options
        self.model = PeopleTableModel(db)
        self._undo: list[tuple[Person, list[StoredEvent]]] = []
        self.bulk_dialog: BulkSendDialog | None = None
        self._build()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(lambda: self.search(self.search_edit.text()))
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.model.modelReset.connect(self._selection_changed)
        self._selection_changed()

    # -- building ------------------------------------------------------------------

    def _button(self, text: str, name: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.clicked.connect(lambda _=False: slot())
        return button

    def _build(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search id, email or any attribute value")
        self.search_edit.setAccessibleName("Search people")
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("People shown")
        self.add_button = self._button("&Add…", "Add person", self.add_person)
        self.edit_button = self._button("&Edit…", "Edit person", self.edit_selected)
        self.delete_button = self._button("&Delete", "Delete selected people", self.delete_selected)
        self.preview_button = self._button(
            "Use for &preview", "Use for preview", self.use_for_preview
        )
        self.send_button = self._button(
            "&Send current request…", "Send current request to selected people", self.send_selected
        )
        self.files = PeopleFiles(self.db)
        self.files.peopleImported.connect(self._people_imported)
        self.files.importFinished.connect(self.importFinished)
        self.files.exportFinished.connect(self.exportFinished)
        self.import_button = self.files.import_button
        self.export_button = self.files.export_button
        self.progress = self.files.progress
        self.status_label = self.files.status_label
        self.error_view = self.files.error_view
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.delete_button,
            self.preview_button,
            self.send_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)

        self.table = KeyTable()
        self.table.setAccessibleName("People")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 140)
        self.table.setColumnWidth(1, 220)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.events = EventsPanel(self.db)
        self.events_model = self.events.model
        self.events_table = self.events.table
        self.events.eventsChanged.connect(self.peopleChanged)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.events)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        self.undo_label = QLabel()
        self.undo_label.setAccessibleName("Deleted")
        self.undo_button = self._button("&Undo", "Undo delete", self.undo_delete)
        self.undo_bar = QWidget()
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.setContentsMargins(0, 0, 0, 0)
        undo_layout.addWidget(self.undo_label, 1)
        undo_layout.addWidget(self.undo_button)
        self.undo_bar.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.files)

        self.table.deletePressed.connect(self.delete_selected)
        self.table.enterPressed.connect(self.edit_selected)
        undo = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.undo_delete)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.search_edit.setFocus)

    # -- reading -------------------------------------------------------------------

    def search(self, text: str) -> None:
        """Narrow the table to people matching ``text`` (at once, without the debounce)."""
        self._search_timer.stop()
        if self.search_edit.text() != text:
            self.search_edit.blockSignals(True)
            self.search_edit.setText(text)
            self.search_edit.blockSignals(False)
        self.model.set_search(text)

    def selected_ids(self) -> list[str]:
        """The ids of the selected people, in table order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.person(row).id for row in rows]

    def select_ids(self, ids: Sequence[str]) -> None:
        """Select these people (among the rows fetched)."""
        self.table.clearSelection()
        selection = self.table.selectionModel()
        for person_id in ids:
            row = self.model.row_of(person_id)
            if row >= 0:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        shown = self.model.rowCount()
        more = "+" if self.model.canFetchMore() else ""
        self.count_label.setText(f"{shown}{more} shown" + (f", {len(ids)} selected" if ids else ""))
        for button in (self.delete_button, self.send_button):
            button.setEnabled(bool(ids))
        for button in (self.edit_button, self.preview_button):
            button.setEnabled(len(ids) == 1)
        self.events.show_person(ids[0] if len(ids) == 1 else None)

    # -- changing ------------------------------------------------------------------

    def _save(self, person: Person, old_id: str | None) -> None:
        if old_id is None:
            self.db.people.create(person)
            self.model.refresh()
            self.select_ids([person.id])
        else:
            self.db.people.update(person, old_id)
            row = self.model.row_of(old_id)
            if row >= 0:
                self.model.replace(row, person)
        self.peopleChanged.emit()

    def person_dialog(self, person: Person | None = None) -> PersonDialog:
        """The add/edit dialog, saving into the workspace (shown by the caller)."""
        return PersonDialog(self._save, person, self)

    def add_person(self) -> None:
        """Ask for a new person."""
        self.person_dialog().open()

    def edit_selected(self) -> None:
        """Edit the one selected person."""
        ids = self.selected_ids()
        if len(ids) == 1:
            self.person_dialog(self.db.people.get(ids[0])).open()

    def delete_selected(self) -> None:
        """Delete the selected people (undo brings them back with their events)."""
        ids = self.selected_ids()
        if not ids:
            return
        kept = [(self.db.people.get(pid), self.db.people.events(pid)) for pid in ids]
        with self.db.transaction():
            for person_id in ids:
                self.db.people.delete(person_id)
        self._undo = kept
        names = ids[0] if len(ids) == 1 else f"{len(ids)} people"
        self.undo_label.setText(f"Deleted {names}.")
        self.undo_bar.show()
        self.model.refresh()
        self.peopleChanged.emit()

    def undo_delete(self) -> None:
        """Put back the people deleted last."""
        if not self._undo:
            return
        self.db.people.upsert_many(
            (person, [stored.event for stored in events]) for person, events in self._undo
        )
        ids = [person.id for person, _ in self._undo]
        self._undo = []
        self.undo_bar.hide()
        self.model.refresh()
        self.select_ids(ids)
        self.peopleChanged.emit()

    def event_dialog(self) -> EventDialog | None:
        """The add-event dialog for the one selected person (shown by the caller)."""
        return self.events.event_dialog()

    def delete_event(self) -> None:
        """Delete the event selected in the events table."""
        self.events.delete_event()

    def use_for_preview(self) -> None:
        """Make the selected person the composer's preview person."""
        ids = self.selected_ids()
        if len(ids) == 1:
            self.personChosen.emit(ids[0])

    # -- import and export -----------------------------------------------------------

    def shutdown(self) -> None:
        """The window closes: a bulk send stops (what it did not send stays queued for the
        next start) and import/export threads are waited for."""
        if self.bulk_dialog is not None:
            self.bulk_dialog.pause()
        self.wait()

    def wait(self, ms: int = 10_000) -> None:
        """Wait for import/export threads to end (closing, tests)."""
        self.files.wait(ms)

    def import_from(self, path: Path) -> None:
        """Import a JSON or CSV people file (all or nothing) in the background."""
        self.files.import_from(path)

    def export_to(self, path: Path) -> None:
        """Write every person to ``path`` in the background."""
        self.files.export_to(path)

    def _people_imported(self) -> None:
        self.model.refresh()
        self.peopleChanged.emit()

    # -- the shortcut ----------------------------------------------------------------

    def send_selected(self) -> BulkSendDialog | None:
        """Send the composer's request for each selected person, with progress."""
        ids = self.selected_ids()
        request = self.current_request()
        if not ids:
            return None
        if request is None:
            QMessageBox.information(self, "Send", "Open a request in the composer first.")
            return None
        dialog = BulkSendDialog(self.db, self.secrets, request, ids, self, **self.send_options)
        dialog.finished_sending.connect(self._bulk_done)
        self.bulk_dialog = dialog
        dialog.open()
        dialog.start()
        return dialog

    def _bulk_done(self, summary: Any) -> None:
        self.bulkSent.emit(summary)
        ids = self.selected_ids()
        self.model.refresh()  # response mappings may have changed attributes
        self.select_ids(ids)
        self.peopleChanged.emit()

    def prepare_screenshot(self) -> QWidget:
        """The page with its first person selected (for ``--screenshots``); returns it."""
        if self.model.rowCount() and not self.selected_ids():
            self.select_ids([self.model.person(0).id])
        return self
