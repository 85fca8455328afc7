"""Importing and exporting people files for the People page.

:class:`PeopleFiles` owns the Import and Export buttons (the page puts them in its button
row), a busy progress bar, a status line and, when a file is refused, the offending row of
the file. Decisions:

* **Off the GUI thread.** The work runs as an op (:class:`ui.ops.Op`, a connection of its
  own): an import is a write op that says people changed, so every page reads them again;
  an export and a CSV's preview are reads. While one runs both buttons are disabled, so one
  import or export runs at a time. A failure arrives as an :class:`~ui.ops.OpError`.
* **Dropped files.** :meth:`PeopleFiles.drop` takes a file dropped on the page: a CSV goes
  through its preview, a JSON file is imported at once, anything else is refused with a
  sentence naming the file.
* **All or nothing.** An import is one transaction (:mod:`composer.store.people_io`); when a file
  is refused, the status line says nothing was imported, why, and where, and the rows
  around that place are shown with the offending one marked
  (:func:`ui.pages.person_dialog.error_excerpt`).
* **A CSV is previewed first.** Choosing a ``.csv`` reads it in the background and shows
  :class:`~ui.pages.people_csv_dialog.CsvPreviewDialog`: the first rows and one type per
  column, which the user may change; Import then reads every attribute column as its
  chosen type (:func:`composer.store.people_csv.retype_csv`). Cancel imports nothing. A file
  that is not readable CSV skips the preview and is refused with the reason, as any file.
* **Dialogs open where the user last was**: the last folder a people file was chosen in,
  else home (:func:`ui.widgets.qt_settings.last_folder`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.store.database import Database
from composer.store.people_csv import ColumnType, CsvPreview, preview_csv, retype_csv
from composer.store.people_export import export_people
from composer.store.people_io import ImportResult, import_people, parse_people, write_people
from ui.ops import Changed, Op, OpChanges, OpError, hub
from ui.pages.people_csv_dialog import PREVIEW_ROWS, CsvPreviewDialog
from ui.pages.person_dialog import error_excerpt
from ui.widgets.palette import mono
from ui.widgets.qt_settings import last_folder, remember_folder

__all__ = ["PeopleFiles"]


class PeopleFiles(QWidget):
    """Import and export of the workspace's people, with progress and the outcome.

    Signals:
        peopleImported(): an import succeeded (emitted before ``importFinished``).
        previewShown(object): a CSV's preview dialog is open (the CsvPreviewDialog).
        importFinished(object): an import ended (an ImportResult, or an OpError).
        exportFinished(object): an export ended (the path written, or an OpError).
    """

    peopleImported = Signal()
    previewShown = Signal(object)
    importFinished = Signal(object)
    exportFinished = Signal(object)

    def __init__(self, db: Database | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = db.path if isinstance(db, Database) else Path(db)
        """The workspace file the ops open."""
        self.preview_dialog: CsvPreviewDialog | None = None
        self._running = 0
        self.import_button = QPushButton("&Import…")
        self.import_button.setAccessibleName("Import people")
        self.import_button.clicked.connect(lambda _=False: self.choose_import())
        self.export_button = QPushButton("E&xport…")
        self.export_button.setAccessibleName("Export people")
        self.export_button.clicked.connect(lambda _=False: self.choose_export())
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import or export progress")
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status_label = QLabel()
        self.status_label.setAccessibleName("People status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_view = QPlainTextEdit()
        self.error_view.setAccessibleName("Refused row of the imported file")
        self.error_view.setReadOnly(True)
        self.error_view.setMaximumHeight(120)
        mono(self.error_view)
        self.error_view.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_view)

    @property
    def busy(self) -> bool:
        """Whether an import, export or preview has not answered yet."""
        return self._running > 0

    def _run(
        self,
        function: Callable[[Any], Any],
        done: Callable[[Any], None],
        busy: str,
        *,
        workspace: bool = True,
        write: bool = False,
    ) -> None:
        def finish(result: Any) -> None:
            self._running -= 1
            self.progress.hide()
            for button in (self.import_button, self.export_button):
                button.setEnabled(True)
            done(result)

        self.progress.show()
        self.status_label.setText(busy)
        for button in (self.import_button, self.export_button):
            button.setEnabled(False)
        self._running += 1
        path = self.path if workspace else None
        Op(self, function, path=path, write=write).success(finish).failure(finish).run()

    def wait(self, ms: int = 10_000) -> None:
        """Wait for the ops under way to answer (closing, tests)."""
        if self._running:
            hub().wait_idle(ms / 1000)

    def drop(self, path: Path) -> bool:
        """Import a file dropped on the page; False (and a sentence) when it is not one."""
        kind = path.suffix.lower()
        if not path.is_file() or kind not in (".csv", ".json"):
            what = "a folder" if path.is_dir() else f"a {kind or 'file without extension'} file"
            self.error_view.hide()
            self.status_label.setText(
                f"Nothing was imported. {path.name} is {what}; drop a people file "
                "(.csv or .json) to import it."
            )
            return False
        remember_folder("people", path)
        if kind == ".csv":
            self.preview_import(path)
        else:
            self.import_from(path)
        return True

    def choose_import(self) -> None:
        """Ask for a people file and import it (a CSV after its preview)."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Import people", last_folder("people"), "People (*.json *.csv);;All files (*)"
        )
        if path:
            remember_folder("people", path)
            if path.lower().endswith(".csv"):
                self.preview_import(Path(path))
            else:
                self.import_from(Path(path))

    def preview_import(self, path: Path) -> None:
        """Read a CSV in the background, then show its preview (``previewShown``)."""
        self.error_view.hide()
        self._run(
            lambda _db: _read_preview(path),
            lambda result: self._previewed(path, result),
            f"Reading {path.name}…",
            workspace=False,
        )

    def _previewed(self, path: Path, result: Any) -> None:
        if not isinstance(result, CsvPreview):
            self.import_from(path)  # unreadable: the import names the problem
            return
        self.status_label.setText(f"Choose the column types, then import {path.name}.")
        dialog = CsvPreviewDialog(path.name, result, self)
        self.preview_dialog = dialog
        dialog.accepted.connect(lambda: self.import_from(path, dialog.types()))
        dialog.rejected.connect(lambda: self.status_label.setText("Nothing was imported."))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.previewShown.emit(dialog)

    def import_from(self, path: Path, types: dict[str, ColumnType] | None = None) -> None:
        """Import a JSON or CSV people file (all or nothing) in the background.

        A CSV's attribute columns are read as ``types`` says, the others by the column rule.
        """
        self.error_view.hide()
        self._run(
            lambda db: Changed(_import(db, path, types), OpChanges(people=True)),
            lambda result: self._imported(path, result),
            f"Importing {path.name}…",
            write=True,
        )

    def _imported(self, path: Path, result: Any) -> None:
        if isinstance(result, OpError) and result.where:
            self.status_label.setText(
                f"Nothing was imported. {path.name}, {result.where}: {result.reason}"
            )
            excerpt, _marked = error_excerpt(path, result.where)
            self.error_view.setPlainText(excerpt)
            self.error_view.setVisible(bool(excerpt))
        elif isinstance(result, OpError):
            self.status_label.setText(f"Nothing was imported. {result.message}")
        else:
            self.status_label.setText(
                f"Imported {path.name}: {result.created} new, {result.updated} updated, "
                f"{result.events} events."
            )
            self.peopleImported.emit()
        self.importFinished.emit(result)

    def choose_export(self) -> None:
        """Ask where to export every person (JSON with events, or CSV)."""
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export people",
            str(Path(last_folder("people")) / "people.json"),
            "JSON with events (*.json);;CSV (*.csv)",
        )
        if path:
            remember_folder("people", path)
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write every person to ``path`` in the background."""
        self.error_view.hide()

        def done(result: Any) -> None:
            if isinstance(result, OpError):
                self.status_label.setText(f"Nothing was exported. {result.message}")
            else:
                self.status_label.setText(f"Exported to {result}.")
            self.exportFinished.emit(result)

        self._run(lambda db: export_people(db, path), done, f"Exporting to {path.name}…")


def _read_text(path: Path) -> tuple[bytes, str | None]:
    raw = path.read_bytes()
    try:
        return raw, raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw, None


def _read_preview(path: Path) -> CsvPreview | None:
    try:
        _raw, text = _read_text(path)
    except OSError:
        return None
    return None if text is None else preview_csv(text, PREVIEW_ROWS)


def _import(db: Database, path: Path, types: dict[str, ColumnType] | None) -> ImportResult:
    """Import ``path``; a CSV's columns typed one type each
    (see :mod:`composer.store.people_csv`)."""
    if path.suffix.lower() != ".csv":
        return import_people(db, path)
    try:
        raw, text = _read_text(path)
    except OSError:
        return import_people(db, path)  # names the problem
    if text is not None and text.strip():
        raw = retype_csv(text, types, str(path)).encode("utf-8")
    return write_people(db, parse_people(raw, str(path), "csv"))
