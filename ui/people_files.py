"""Importing and exporting people files for the People page.

:class:`PeopleFiles` owns the Import and Export buttons (the page puts them in its button
row), a busy progress bar, a status line and, when a file is refused, the offending row of
the file. Decisions:

* **Off the GUI thread.** The work runs through :func:`ui.page_workers.run_task`; while it
  runs both buttons are disabled, so one import or export runs at a time.
* **All or nothing.** An import is one transaction (:mod:`composer.people_io`); when a file
  is refused, the status line says nothing was imported, why, and where, and the rows
  around that place are shown with the offending one marked
  (:func:`ui.person_dialog.error_excerpt`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.people_export import export_people
from composer.people_io import import_people
from composer.store import Database
from ui.page_workers import TaskError, run_task
from ui.person_dialog import error_excerpt, mono

__all__ = ["PeopleFiles"]


class PeopleFiles(QWidget):
    """Import and export of the workspace's people, with progress and the outcome.

    Signals:
        peopleImported(): an import succeeded (emitted before ``importFinished``).
        importFinished(object): an import ended (an ImportResult, or a TaskError).
        exportFinished(object): an export ended (the path written, or a TaskError).
    """

    peopleImported = Signal()
    importFinished = Signal(object)
    exportFinished = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._threads: list[tuple[QThread, QObject, QObject]] = []
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

    def _run(self, function: Callable[[], Any], done: Callable[[Any], None], busy: str) -> None:
        def finish(result: Any) -> None:
            self.progress.hide()
            for button in (self.import_button, self.export_button):
                button.setEnabled(True)
            done(result)

        self.progress.show()
        self.status_label.setText(busy)
        for button in (self.import_button, self.export_button):
            button.setEnabled(False)
        self._threads.append(run_task(function, finish))

    def wait(self, ms: int = 10_000) -> None:
        """Wait for import/export threads to end (closing, tests)."""
        for thread, _task, _answer in self._threads:
            try:
                thread.wait(ms)
            except RuntimeError:  # deleted once it ended
                continue
        self._threads.clear()

    def choose_import(self) -> None:
        """Ask for a people file and import it."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Import people", "", "People (*.json *.csv);;All files (*)"
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> None:
        """Import a JSON or CSV people file (all or nothing) in the background."""
        self.error_view.hide()
        self._run(
            lambda: import_people(self.db, path),
            lambda result: self._imported(path, result),
            f"Importing {path.name}…",
        )

    def _imported(self, path: Path, result: Any) -> None:
        if isinstance(result, TaskError) and result.where:
            self.status_label.setText(
                f"Nothing was imported. {path.name}, {result.where}: {result.reason}"
            )
            excerpt, _marked = error_excerpt(path, result.where)
            self.error_view.setPlainText(excerpt)
            self.error_view.setVisible(bool(excerpt))
        elif isinstance(result, TaskError):
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
            self, "Export people", "people.json", "JSON with events (*.json);;CSV (*.csv)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write every person to ``path`` in the background."""
        self.error_view.hide()

        def done(result: Any) -> None:
            if isinstance(result, TaskError):
                self.status_label.setText(f"Nothing was exported. {result.message}")
            else:
                self.status_label.setText(f"Exported to {result}.")
            self.exportFinished.emit(result)

        self._run(lambda: export_people(self.db, path), done, f"Exporting to {path.name}…")
