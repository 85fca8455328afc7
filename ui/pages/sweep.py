"""Running one request for every person off the GUI thread: the pattern the checks share.

"Check every person" (:mod:`ui.pages.check`) and "Upgrade check" (:mod:`ui.pages.upgrade`)
run a core function with one calling convention over the workspace's people
(:func:`composer.check.sweep.check_request`, :func:`composer.check.upgrade.upgrade_check`:
``(request, people, events_for, secret_names, *, events_for_many, progress, cancelled,
workers)``) and show its report as a tree of groups with a row per person. This module
is everything they share; each page says only which function it runs and how a report
becomes rows.

* **One op per run** (:mod:`ui.ops`): :meth:`SweepWorker.compute` runs on an op's
  worker thread with that thread's own workspace connection, reads the people and their
  events there, runs with ``workers=1`` (the GUI process does not fork), and reports
  ``progress(done, total)`` through a queued signal; the plain report comes back as the
  op's value. Cancel sets an event the run polls every few hundred people; the partial
  report says it was cancelled; :meth:`SweepPage.shutdown` cancels and waits for the op.
* **A tree of groups.** The page fills a QStandardItemModel: one top row per group, a
  child row per person holding their id in :data:`PERSON_ROLE`. Activating a person row
  emits ``personChosen``; the window previews that person.
* In the window a page lives in a modeless :class:`SweepDialog` (from the Request menu),
  which keeps its last report between uses; :meth:`SweepDialog.stop_with` watches the
  main window's close event so a running check is cancelled and its thread waited for
  before the workspace is closed.
* The request is taken when the run starts, so edits made while it runs do not mix into
  the report; the secrets known then count as set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QModelIndex, QObject, QSize, Qt, Signal
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

from composer.model import Request
from composer.store.database import Database
from ui.ops import Op

__all__ = ["PERSON_ROLE", "Sweep", "SweepDialog", "SweepPage", "SweepWorker", "person_item"]

PERSON_ROLE = Qt.ItemDataRole.UserRole + 1
"""The item data role holding a person row's id."""

Sweep = Callable[..., object]
"""A core function with :func:`composer.check.sweep.check_request`'s calling convention."""


def person_item(person_id: str, event_name: str | None) -> QStandardItem:
    """A read-only person row (with their event, when the request uses one)."""
    label = person_id if event_name is None else f"{person_id} (event {event_name})"
    item = QStandardItem(label)
    item.setEditable(False)
    item.setData(person_id, PERSON_ROLE)
    item.setData(f"Preview for {person_id}", Qt.ItemDataRole.ToolTipRole)
    return item


class SweepWorker(QObject):
    """Runs one request for every person of the workspace, in its own thread.

    Signals:
        progress(int, int): people rendered so far, and how many there are.
    """

    progress = Signal(int, int)

    def __init__(
        self,
        db: Database,
        request: Request,
        secret_names: Iterable[str],
        sweep: Sweep,
        cancelled_report: Callable[[Request], object],
    ) -> None:
        super().__init__()
        self._db = db
        self._request = request
        self._secret_names = tuple(secret_names)
        self._sweep = sweep
        self._cancelled_report = cancelled_report
        self.stop_event = threading.Event()
        """Set (from any thread) to cancel the run."""

    def compute(self, db: Database) -> object:
        """Read the people and run the sweep over them (on an op's thread, with its own
        connection ``db``); the report, or a str saying what failed."""
        try:
            people = db.people.list()
            if self.stop_event.is_set():  # cancelled before the first person
                return self._cancelled_report(self._request)

            def events_for(person_id: str) -> list[Any]:
                return [stored.event for stored in db.people.events(person_id)]

            report = self._sweep(
                self._request,
                people,
                events_for,
                self._secret_names,
                events_for_many=db.people.events_by_person,
                progress=lambda done, total: self.progress.emit(done, total or len(people)),
                cancelled=self.stop_event.is_set,
                workers=1,
            )
        except Exception as exc:  # shown on the page as one sentence
            return str(exc) or type(exc).__name__
        return report


class SweepPage(QWidget):
    """Run, progress, Cancel, a summary and a tree of groups with a row per person.

    A page says what it runs (:meth:`make_worker`) and how its report is shown
    (:meth:`show_report`, filling :attr:`model`); the class attributes name its controls.

    Signals:
        personChosen(str): a person row was activated (their id); the window previews them.
        checked(object): a run ended (its report, or a str saying what failed).
    """

    personChosen = Signal(str)
    checked = Signal(object)

    RUN_TEXT = "&Run"
    """The run button's text."""
    RUN_NAME = "Run"
    """The run button's accessible name (also its tooltip's subject)."""
    RUN_TIP = "Render the open request for every person in the workspace"
    """The run button's tooltip."""
    NOUN = "check"
    """What a run is called in the other controls' names ("Cancel check")."""
    INTRO = "Render the open request for every person in the workspace."
    """The summary before the first run."""
    TREE_NAME = "People by group"
    """The tree's accessible name."""
    REPORT_TYPE: type = object
    """The report type a successful run returns."""

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
        self.report: Any = None
        """The last finished run's report."""
        self._worker: SweepWorker | None = None
        self.run_button = QPushButton(self.RUN_TEXT)
        self.run_button.setAccessibleName(self.RUN_NAME)
        self.run_button.setToolTip(self.RUN_TIP)
        self.run_button.clicked.connect(lambda _=False: self.start())
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName(f"Cancel {self.NOUN}")
        self.cancel_button.setToolTip(f"Stop the {self.NOUN}; what it found so far is shown")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(lambda _=False: self.cancel())
        self.bar = QProgressBar()
        self.bar.setAccessibleName(f"{self.NOUN.capitalize()} progress")
        self.bar.setToolTip("People rendered so far")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.summary = QLabel(self.INTRO)
        self.summary.setAccessibleName(f"{self.NOUN.capitalize()} summary")
        self.summary.setWordWrap(True)
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels(["Group / person"])
        self.tree = QTreeView()
        self.tree.setAccessibleName(self.TREE_NAME)
        self.tree.setToolTip("Activate a person to preview the request for them")
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

    # -- what a page says ----------------------------------------------------------

    def make_worker(self, request: Request, secret_names: Iterable[str]) -> SweepWorker:
        """The worker for one run over ``request``."""
        raise NotImplementedError

    def show_report(self, report: Any) -> None:
        """Fill :attr:`model` and :attr:`summary` from a finished run's report."""
        raise NotImplementedError

    def activated(self, index: QModelIndex) -> None:
        """A row other than a person's was activated (nothing by default)."""

    # -- running -------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a run is under way."""
        return self._worker is not None

    def start(self) -> bool:
        """Run over the open request for every person; False when none is open or one runs."""
        if self.running:
            return False
        request = self.current_request()
        if request is None:
            self.summary.setText("Open a request first.")
            return False
        self.model.removeRows(0, self.model.rowCount())
        self.summary.setText(f'Rendering "{request.name}" for every person…')
        self.bar.setRange(0, 0)  # busy until the first count
        worker = self.make_worker(request, self.secret_names() or ())
        worker.progress.connect(self._progress)
        self._worker = worker
        Op(self, worker.compute, path=self.db.path).success(self._ended).failure(
            lambda error: self._ended(error.message)
        ).run()
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        return True

    def cancel(self) -> None:
        """Ask the running check to stop (its partial report is still shown)."""
        if self._worker is not None:
            self._worker.stop_event.set()
            self.cancel_button.setEnabled(False)

    def listed_people(self, keep: Callable[[QStandardItem], bool] = lambda _g: True) -> list[str]:
        """Every person id the tree lists, once each (under groups ``keep`` accepts)."""
        seen: list[str] = []
        for top in range(self.model.rowCount()):
            group = self.model.item(top)
            if not keep(group):
                continue
            for child in range(group.rowCount()):
                person = group.child(child).data(PERSON_ROLE)
                if person not in seen:
                    seen.append(person)
        return seen

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)

    def _ended(self, report: object) -> None:
        self._worker = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        if isinstance(report, self.REPORT_TYPE):
            self.report = report
            self.show_report(report)
            self.tree.expandAll()
        else:
            self.summary.setText(f"The {self.NOUN} failed: {report}")
        self.checked.emit(report)

    def _activated(self, index: QModelIndex) -> None:
        person = index.data(PERSON_ROLE)
        if isinstance(person, str):
            self.personChosen.emit(person)
        else:
            self.activated(index)

    def shutdown(self) -> None:
        """Cancel a running check and wait for it (the window is closing)."""
        self.cancel()
        if self._worker is not None:
            import time

            deadline = time.monotonic() + 10.0
            loop = QEventLoop()
            while self._worker is not None and time.monotonic() < deadline:
                loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)

    def sizeHint(self) -> QSize:
        return QSize(900, 600)


class SweepDialog(QDialog):
    """A modeless window holding one :class:`SweepPage` (opened from the Request menu).

    Signals: none of its own (its :attr:`page`'s).
    """

    def __init__(self, title: str, page: SweepPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.page = page
        """The page it shows."""
        page.setParent(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page)
        self.resize(page.sizeHint())

    def stop_with(self, window: QWidget) -> None:
        """Cancel and wait for a running check when ``window`` closes."""
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.page.shutdown()
            self.close()
        return False
