"""The Check page: render the current request for every person, list those it breaks for.

:func:`composer.check.check_request` does the rendering; this page runs it off the GUI
thread and shows what it found. Decisions:

* **One worker per run** (:class:`CheckWorker`, a QObject on its own QThread through
  :func:`ui.page_workers.start_thread`). It reads the people and their events itself
  (the workspace connection is shared and locked), renders with ``workers=1`` (the GUI
  process does not fork), and answers only with signals: ``progress(done, total)`` and
  ``done``'s plain :class:`~composer.check.CheckReport`, shown once the thread has
  finished. Threads and workers stay referenced until :meth:`CheckPage.shutdown` waits
  for them, as dropping a wrapper from the GUI thread would destroy the object there.
  Cancel sets an event the check polls every few hundred people; the partial report
  says it was cancelled.
* **Grouped by diagnostic.** The tree shows one row per
  :class:`~composer.check.DiagnosticGroup` (errors first, as the core orders them), with a
  child row per person (and event, when the request uses one). Warnings are listed too
  (a nil attribute), under their own groups after the errors. Activating a person row
  emits ``personChosen``; the window previews that person.
* In the window it lives in a modeless :class:`CheckDialog` (Request ▸ Check every
  person…), which keeps its last report between uses; :meth:`CheckDialog.stop_with`
  watches the main window's close event so a running check is cancelled and its thread
  waited for before the workspace is closed.
* The request is taken when "Check every person" is pressed, so edits made while it runs
  do not mix into the report; the secrets known then count as set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt, QThread, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from composer.check import CheckReport, check_request
from composer.model import Request
from composer.store import Database
from ui.page_workers import start_thread

__all__ = ["PERSON_ROLE", "SEVERITY_ROLE", "CheckDialog", "CheckPage", "CheckWorker"]

PERSON_ROLE = Qt.ItemDataRole.UserRole + 1
"""The item data role holding a person row's id."""
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 2
"""The item data role holding a group row's severity (``error`` or ``warning``)."""


class CheckWorker(QObject):
    """Renders one request for every person of the workspace, in its own thread.

    Signals:
        progress(int, int): people rendered so far, and how many there are.
        done(object): the :class:`~composer.check.CheckReport`, or a str saying what failed.
        finished(): after ``done`` (ends the thread).
    """

    progress = Signal(int, int)
    done = Signal(object)
    finished = Signal()

    def __init__(self, db: Database, request: Request, secret_names: Iterable[str]) -> None:
        super().__init__()
        self._db = db
        self._request = request
        self._secret_names = tuple(secret_names)
        self.stop_event = threading.Event()
        """Set (from any thread) to cancel the check."""

    @Slot()
    def run(self) -> None:
        """Read the people and check the request for each; report."""
        try:
            people = self._db.people.list()
            if self.stop_event.is_set():  # cancelled before the first person
                self.done.emit(CheckReport(self._request.name, False, 0, 0, (), (), True, 0.0))
                self.finished.emit()
                return

            def events_for(person_id: str) -> list[Any]:
                return [stored.event for stored in self._db.people.events(person_id)]

            report: object = check_request(
                self._request,
                people,
                events_for,
                self._secret_names,
                events_for_many=self._db.people.events_by_person,
                progress=lambda done, total: self.progress.emit(done, total or len(people)),
                cancelled=self.stop_event.is_set,
                workers=1,
            )
        except Exception as exc:  # shown on the page as one sentence
            report = str(exc) or type(exc).__name__
        self.done.emit(report)
        self.finished.emit()


class CheckPage(QWidget):
    """ "Check every person": run, progress, Cancel, and the people grouped by diagnostic.

    Signals:
        personChosen(str): a person row was activated (their id); the window previews them.
        checked(object): a run ended (its :class:`~composer.check.CheckReport`, or a str).
    """

    personChosen = Signal(str)
    checked = Signal(object)

    def __init__(
        self,
        db: Database,
        current_request: Callable[[], Request | None],
        secret_names: Callable[[], Iterable[str] | None] = lambda: (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.current_request = current_request
        self.secret_names = secret_names
        self.report: CheckReport | None = None
        """The last finished run's report."""
        self._threads: list[tuple[QThread, CheckWorker]] = []
        self._worker: CheckWorker | None = None
        self._answer: object = None
        self.run_button = QPushButton("&Check every person")
        self.run_button.setAccessibleName("Check every person")
        self.run_button.clicked.connect(lambda _=False: self.start())
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel check")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(lambda _=False: self.cancel())
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Check progress")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.summary = QLabel("Render the open request for every person in the workspace.")
        self.summary.setAccessibleName("Check summary")
        self.summary.setWordWrap(True)
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels(["Diagnostic / person"])
        self.tree = QTreeView()
        self.tree.setAccessibleName("Failing people by diagnostic")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.activated.connect(self._activated)
        self.tree.doubleClicked.connect(self._activated)
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    @property
    def running(self) -> bool:
        """Whether a check is under way."""
        return self._worker is not None

    def start(self) -> bool:
        """Check the open request for every person; False when none is open or one runs."""
        if self.running:
            return False
        request = self.current_request()
        if request is None:
            self.summary.setText("Open a request first.")
            return False
        self.model.removeRows(0, self.model.rowCount())
        self.summary.setText(f'Checking "{request.name}" for every person…')
        self.bar.setRange(0, 0)  # busy until the first count
        worker = CheckWorker(self.db, request, self.secret_names() or ())
        worker.progress.connect(self._progress)
        worker.done.connect(self._done)
        self._worker = worker
        thread = start_thread(worker, "check", worker.run)
        thread.finished.connect(self._ended)
        self._threads.append((thread, worker))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        return True

    def cancel(self) -> None:
        """Ask the running check to stop (its partial report is still shown)."""
        if self._worker is not None:
            self._worker.stop_event.set()
            self.cancel_button.setEnabled(False)

    def failing_people(self, severity: str | None = None) -> list[str]:
        """Every person id the tree lists (under ``severity``'s groups only, when given)."""
        seen: list[str] = []
        for top in range(self.model.rowCount()):
            group = self.model.item(top)
            if severity is not None and group.data(SEVERITY_ROLE) != severity:
                continue
            for child in range(group.rowCount()):
                person = group.child(child).data(PERSON_ROLE)
                if person not in seen:
                    seen.append(person)
        return seen

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)

    def _done(self, report: object) -> None:
        self._answer = report

    def _ended(self) -> None:
        report, self._answer = self._answer, None
        self._worker = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        if isinstance(report, CheckReport):
            self.report = report
            self._show(report)
        else:
            self.summary.setText(f"The check failed: {report}")
        self.checked.emit(report)

    def _show(self, report: CheckReport) -> None:
        for group in report.groups:
            top = QStandardItem(str(group))
            top.setEditable(False)
            top.setData(group.severity, SEVERITY_ROLE)
            top.setData(f"{group.severity}: {group.message}", Qt.ItemDataRole.ToolTipRole)
            for result in group.results:
                label = result.person_id
                if result.event_name is not None:
                    label += f" (event {result.event_name})"
                item = QStandardItem(label)
                item.setEditable(False)
                item.setData(result.person_id, PERSON_ROLE)
                item.setData(f"Preview for {result.person_id}", Qt.ItemDataRole.ToolTipRole)
                top.appendRow(item)
            self.model.appendRow(top)
        self.tree.expandAll()
        people = len({r.person_id for r in report.results})
        state = "Cancelled after" if report.cancelled else "Checked"
        who = "1 person" if report.people == 1 else f"{report.people} people"
        found = (
            "every rendering is clean."
            if not report.results
            else f"{people} with findings ({len(report.failed)} renderings with errors)."
        )
        self.summary.setText(
            f'{state} {who} for "{report.request_name}" in {report.elapsed_s:.2f} s: {found}'
        )

    def _activated(self, index: QModelIndex) -> None:
        person = index.data(PERSON_ROLE)
        if isinstance(person, str):
            self.personChosen.emit(person)

    def shutdown(self) -> None:
        """Cancel a running check and wait for its thread (the window is closing)."""
        self.cancel()
        for thread, _worker in self._threads:
            try:
                thread.wait(10_000)
            except RuntimeError:  # deleted once it ended
                continue
        self._threads.clear()

    def sizeHint(self) -> QSize:
        return QSize(900, 600)


class CheckDialog(QDialog):
    """A modeless window holding a :class:`CheckPage` (Request ▸ Check every person…).

    Signals: none of its own (its :attr:`page`'s).
    """

    def __init__(
        self,
        db: Database,
        current_request: Callable[[], Request | None],
        secret_names: Callable[[], Iterable[str] | None] = lambda: (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check every person")
        self.setModal(False)
        self.page = CheckPage(db, current_request, secret_names, self)
        """The page it shows."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.page)
        self.resize(self.page.sizeHint())

    def stop_with(self, window: QWidget) -> None:
        """Cancel and wait for a running check when ``window`` closes."""
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.page.shutdown()
            self.close()
        return False
