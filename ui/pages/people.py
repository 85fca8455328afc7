"""The People page: search, add, edit, delete, events, import and export, and the shortcut.

The page is given the workspace (:class:`~composer.store.database.Database`), the
:class:`~composer.secrets.SecretStore` (or a function returning it once it is open) and a
callable returning the request open in the composer; it tells the window what a person
asked for through signals. Decisions:

* **People are a table**: one column per attribute (:class:`ui.pages.people_model.PeopleTableModel`,
  lazy, read a page at a time through ops), chosen, ordered, sorted and filtered from the
  header (:class:`ui.pages.people_columns.ColumnChooser`), narrowed by the search bar above
  it (:class:`ui.pages.people_search_bar.PeopleSearchBar`: the search, 150 ms after the
  last keystroke, and the column filters in use).
* **The GUI thread never reads the workspace.** Every read and write of the page is an op
  (:class:`ui.ops.Op` on ``db.path``); a write says people changed, and the page reads
  them again when another page changes them (the hub's ``changed`` signal).
* **One value is edited in place** with its type kept (F2 or double-click; a boolean is a
  checkbox); a value refused is said in the status line. A nested value, or the ID, opens
  :class:`PersonDialog`, which edits the attributes as JSON. Text that is not a JSON object
  is refused with its line and column, the cursor is put there, and nothing is saved.
* **Every change can be undone** (Ctrl+Z on the page, Ctrl+Shift+Z redoes): a cell edit,
  and a delete, whose people and events are put back in one upsert (the Undo button too);
  what each edit does in the workspace, and the undo of a delete, are
  :mod:`ui.pages.people_edits`. In the table, Delete deletes and Enter opens the person;
  Ctrl+F goes to the search field.
* **Import and export run off the GUI thread** with a busy progress bar; an import is all
  or nothing (:mod:`composer.store.people_io`), and when a file is refused the page shows the
  reason and the offending row of the file, marked, under the table. A CSV or JSON file
  dropped on the page is imported the same way (a CSV after its preview); any other file
  is refused with a sentence naming it.
* **The table view and the events panel live in** :mod:`ui.pages.people_views`, import and
  export in :mod:`ui.pages.people_files`; this module wires them to the workspace and the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from composer.model import Person, Request
from composer.store.database import Database
from ui.ops import Op, OpChanges, hub
from ui.ops.engine import SecretsSource
from ui.pages.bulk_send import BulkSendDialog
from ui.pages.people_columns import ColumnChooser
from ui.pages.people_edits import (
    DeleteCommand,
    Kept,
    PeopleWrites,
    UndoDeleteBar,
    delete_people,
    restore_people,
    save_person,
)
from ui.pages.people_files import PeopleFiles
from ui.pages.people_model import PeopleTableModel
from ui.pages.people_search_bar import PeopleSearchBar
from ui.pages.people_views import CellDelegate, EventsPanel, KeyTable
from ui.pages.person_dialog import EventDialog, PersonDialog

__all__ = ["PeoplePage"]


class PeoplePage(QWidget):
    """The workspace's people.

    Signals:
        personChosen(str): "Use for preview" on a person (their id).
        peopleChanged(): people were added, edited, deleted or imported.
        bulkSent(object): a bulk send settled (its summary, see ``ui.pages.bulk_send``).
        importFinished(object): an import ended (an ImportResult, or an OpError).
        exportFinished(object): an export ended (the path written, or an OpError).
        dialogShown(object): a person dialog opened (the PersonDialog).
    """

    personChosen = Signal(str)
    peopleChanged = Signal()
    bulkSent = Signal(object)
    importFinished = Signal(object)
    exportFinished = Signal(object)
    dialogShown = Signal(object)

    def __init__(
        self,
        db: Database,
        secrets: SecretsSource = None,
        current_request: Callable[[], Request | None] = lambda: None,
        parent: QWidget | None = None,
        **send_options: Any,
    ) -> None:
        super().__init__(parent)
        self.db = db  # handed to the bulk send dialog only; the page reads through ops
        self.path = db.path
        self.secrets = secrets
        self.current_request = current_request
        self.send_options = send_options
        self.undo_stack = QUndoStack(self)
        self.model = PeopleTableModel(self.path)
        self.model.undo_stack = self.undo_stack
        self.writes = PeopleWrites(self, self.path, lambda: self.peopleChanged.emit(), self._say)
        self._select_after: list[str] = []
        self.bulk_dialog: BulkSendDialog | None = None
        self._build()
        self.columns = ColumnChooser(self.table, self.model)
        self.search_bar.searched.connect(self.search)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.model.loaded.connect(self._loaded)
        self.model.refused.connect(self._say)
        self.model.failed.connect(lambda message: self._say(f"People could not be read: {message}"))
        self.model.written.connect(lambda _p: self.peopleChanged.emit())
        hub().changed.connect(self._changed_elsewhere)
        self.setAcceptDrops(True)
        self._selection_changed()

    # -- building ------------------------------------------------------------------

    def _button(self, text: str, name: str, slot: Callable[[], Any], tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        if tip:
            button.setToolTip(tip)
        button.clicked.connect(lambda _=False: slot())
        return button

    def _build(self) -> None:
        self.search_bar = PeopleSearchBar()
        self.search_bar.clearFilters.connect(lambda: self.model.clear_filters())
        # the bar's parts, by the names the tests know them by
        self.search_edit = self.search_bar.search_edit
        self.count_label = self.search_bar.count_label
        self.filter_label = self.search_bar.filter_label
        self.clear_filters_button = self.search_bar.clear_filters_button
        self.filter_bar = self.search_bar.filter_bar
        self.add_button = self._button("&Add…", "Add person", self.add_person)
        self.edit_button = self._button(
            "&Edit…", "Edit person", self.edit_selected, "Edit the person's attributes as JSON"
        )
        self.delete_button = self._button("&Delete", "Delete selected people", self.delete_selected)
        self.preview_button = self._button(
            "Use for &preview",
            "Use for preview",
            self.use_for_preview,
            "Render the composer's preview with this person's data",
        )
        self.send_button = self._button(
            "&Send current request…",
            "Send current request to selected people",
            self.send_selected,
            "Send the request open in the composer once for each selected person",
        )
        self.files = PeopleFiles(self.path)
        self.files.peopleImported.connect(self._people_imported)
        self.files.importFinished.connect(self.importFinished)
        self.files.exportFinished.connect(self.exportFinished)
        self.import_button = self.files.import_button
        self.import_button.setToolTip("Import a CSV or JSON people file (or drop one on the page)")
        self.export_button = self.files.export_button
        self.progress = self.files.progress
        self.status_label = self.files.status_label
        self.error_view = self.files.error_view
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
        self.table.setItemDelegate(CellDelegate(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)  # one line a person, as in a spreadsheet
        self.table.doubleClicked.connect(self._double_clicked)
        self.events = EventsPanel(self.path)
        self.events_model = self.events.model
        self.events_table = self.events.table
        self.events.eventsChanged.connect(self.peopleChanged)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.events)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        self.undo_bar = UndoDeleteBar(self.undo_stack)
        self.undo_label = self.undo_bar.undo_label
        self.undo_button = self.undo_bar.undo_button
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_bar)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.files)

        self.table.deletePressed.connect(self.delete_selected)
        self.table.enterPressed.connect(self.edit_selected)
        for keys, slot in (
            (QKeySequence.StandardKey.Undo, self.undo_stack.undo),
            (QKeySequence.StandardKey.Redo, self.undo_stack.redo),
            (QKeySequence.StandardKey.Find, self.search_edit.setFocus),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- reading -------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether a read or write of the page has not answered yet."""
        return self.model.busy or bool(self.writes.pending) or self.files.busy

    def search(self, text: str) -> None:
        """Narrow the table to people matching ``text`` (at once, without the debounce)."""
        self.search_bar.search_now(text)
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

    def refresh(self, names: bool = True) -> None:
        """Read the people again, keeping the selection."""
        self._select_after = self.selected_ids()
        self.model.refresh(names=names)

    def _loaded(self) -> None:
        if self._select_after:
            ids, self._select_after = self._select_after, []
            self.select_ids(ids)
        self.search_bar.show_filters(self.model.filters())
        self._selection_changed()

    def _changed_elsewhere(self, changes: OpChanges, source: object) -> None:
        mine = (self, self.model, self.files, self.events)
        if changes.people and not any(source is own for own in mine):
            self.refresh()

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        self.search_bar.show_count(self.model.rowCount(), self.model.canFetchMore(), len(ids))
        for button in (self.delete_button, self.send_button):
            button.setEnabled(bool(ids))
        for button in (self.edit_button, self.preview_button):
            button.setEnabled(len(ids) == 1)
        one = ids[0] if len(ids) == 1 else None
        if one != self.events.person_id:
            self.events.show_person(one)

    def _say(self, message: str) -> None:
        self.error_view.hide()
        self.status_label.setText(message)

    # -- changing ------------------------------------------------------------------

    def _save(
        self, person: Person, old_id: str | None, finish: Callable[[str | None], None]
    ) -> None:
        def done(stored: Person) -> None:
            finish(None)
            row = self.model.row_of(old_id) if old_id is not None else -1
            if row >= 0:
                self.model.replace(row, stored)
            else:
                self._select_after = [stored.id]
                self.model.refresh(names=True)

        self.writes.run(
            lambda db: save_person(db, person, old_id), done, lambda error: finish(error.message)
        )

    def person_dialog(self, person: Person | None = None) -> PersonDialog:
        """The add/edit dialog, saving into the workspace (shown by the caller)."""
        return PersonDialog(self._save, person, self)

    def add_person(self) -> None:
        """Ask for a new person."""
        self._show_dialog(self.person_dialog())

    def _show_dialog(self, dialog: PersonDialog) -> None:
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.dialogShown.emit(dialog)

    def edit_selected(self) -> None:
        """Edit the one selected person (read afresh first) as JSON."""
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        Op(self, lambda db: db.people.get(ids[0]), path=self.path).success(
            lambda person: self._show_dialog(self.person_dialog(person))
        ).failure(lambda error: self._say(error.message)).run()

    def _double_clicked(self, index: QModelIndex) -> None:
        if not self.model.flags(index) & (
            Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable
        ):
            self.select_ids([self.model.person(index.row()).id])
            self.edit_selected()  # the ID or a nested value: the JSON editor

    def delete_selected(self) -> None:
        """Delete the selected people (Ctrl+Z brings them back with their events)."""
        ids = self.selected_ids()
        if ids:
            self.write_delete(ids, first=True)

    def write_delete(self, ids: list[str], first: bool = False) -> None:
        """Delete ``ids`` in one write op (``first``: a new delete, pushed on the undo stack)."""

        def done(kept: Kept) -> None:
            if first:
                self.undo_stack.push(DeleteCommand(self, kept))
                self.undo_bar.deleted(ids)
            self.model.refresh()

        self.writes.run(lambda db: delete_people(db, ids), done)

    def write_restore(self, kept: Kept) -> None:
        """Put people deleted back, with their events, in one upsert."""
        ids = [person.id for person, _ in kept]

        def done(_value: None) -> None:
            self.undo_bar.hide()
            self._select_after = ids
            self.model.refresh(names=True)

        self.writes.run(lambda db: restore_people(db, kept), done)

    def undo_delete(self) -> None:
        """Undo the last change (the Undo button of a delete, or Ctrl+Z)."""
        self.undo_stack.undo()

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
        next start) and the page's ops are waited for."""
        if self.bulk_dialog is not None:
            self.bulk_dialog.pause()
        self.wait()

    def wait(self, ms: int = 10_000) -> None:
        """Wait for the page's reads and writes to answer (closing, tests)."""
        if self.busy:
            hub().wait_idle(ms / 1000)

    def import_from(self, path: Path) -> None:
        """Import a JSON or CSV people file (all or nothing) in the background."""
        self.files.import_from(path)

    def export_to(self, path: Path) -> None:
        """Write every person to ``path`` in the background."""
        self.files.export_to(path)

    def _people_imported(self) -> None:
        self.refresh()
        self.peopleChanged.emit()

    def _dropped(self, event: QDragEnterEvent | QDropEvent) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        return Path(urls[0].toLocalFile())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files.drop(path)

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
        self.refresh()  # response mappings may have changed attributes
        self.peopleChanged.emit()

    def prepare_screenshot(self) -> QWidget:
        """The page with its first person selected (for ``--screenshots``); returns it."""
        self.wait()
        if self.model.rowCount() and not self.selected_ids():
            self.select_ids([self.model.person(0).id])
            self.wait()  # the person's events
        return self
