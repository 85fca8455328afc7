"""The Check page: render the current request for every person, list those it breaks for.

:func:`composer.check.sweep.check_request` does the rendering; this page runs it off the GUI
thread with progress and Cancel through the pattern every such check shares
(:mod:`ui.pages.sweep`: the worker, the threads, the tree, the dialog), and shows what it
found:

* **Grouped by diagnostic.** The tree shows one row per
  :class:`~composer.check.sweep.DiagnosticGroup` (errors first, as the core orders them), with a
  child row per person (and event, when the request uses one). Warnings are listed too
  (a nil attribute), under their own groups after the errors. Activating a person row
  emits ``personChosen``; the window previews that person.
* In the window it lives in a modeless :class:`CheckDialog` (Request ▸ Check every
  person…), which keeps its last report between uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QWidget

from composer.check.sweep import CheckReport, check_request
from composer.model import Request
from composer.store.database import Database
from composer.wording import counted
from ui.pages.sweep import PERSON_ROLE, SweepDialog, SweepPage, SweepWorker, person_item

__all__ = ["PERSON_ROLE", "SEVERITY_ROLE", "CheckDialog", "CheckPage", "CheckWorker"]

SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 2
"""The item data role holding a group row's severity (``error`` or ``warning``)."""


def _cancelled(request: Request) -> CheckReport:
    return CheckReport(request.name, False, 0, 0, (), (), True, 0.0)


class CheckWorker(SweepWorker):
    """Renders one request for every person of the workspace, in its own thread.

    Signals (those of :class:`~ui.pages.sweep.SweepWorker`):
        progress(int, int): people rendered so far, and how many there are.
        done(object): the :class:`~composer.check.sweep.CheckReport`, or a str saying what failed.
        finished(): after ``done`` (ends the thread).
    """

    def __init__(self, db: Database, request: Request, secret_names: Iterable[str]) -> None:
        super().__init__(db, request, secret_names, check_request, _cancelled)


class CheckPage(SweepPage):
    """ "Check every person": run, progress, Cancel, and the people grouped by diagnostic.

    Signals (those of :class:`~ui.pages.sweep.SweepPage`):
        personChosen(str): a person row was activated (their id); the window previews them.
        checked(object): a run ended (its :class:`~composer.check.sweep.CheckReport`, or a str).
    """

    RUN_TEXT = "&Check every person"
    RUN_NAME = "Check every person"
    RUN_TIP = "Render the open request for every person and list whom it breaks for"
    NOUN = "check"
    INTRO = "Render the open request for every person in the workspace."
    TREE_NAME = "Failing people by diagnostic"
    REPORT_TYPE = CheckReport

    def __init__(
        self,
        db: Database,
        current_request: Callable[[], Request | None],
        secret_names: Callable[[], Iterable[str] | None] = lambda: (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, current_request, secret_names, parent)
        self.report: CheckReport | None = None
        """The last finished run's report."""

    def make_worker(self, request: Request, secret_names: Iterable[str]) -> SweepWorker:
        return CheckWorker(self.db, request, secret_names)

    def failing_people(self, severity: str | None = None) -> list[str]:
        """Every person id the tree lists (under ``severity``'s groups only, when given)."""
        return self.listed_people(
            lambda group: severity is None or group.data(SEVERITY_ROLE) == severity
        )

    def show_report(self, report: CheckReport) -> None:
        for group in report.groups:
            top = QStandardItem(str(group))
            top.setEditable(False)
            top.setData(group.severity, SEVERITY_ROLE)
            top.setData(f"{group.severity}: {group.message}", Qt.ItemDataRole.ToolTipRole)
            for result in group.results:
                top.appendRow(person_item(result.person_id, result.event_name))
            self.model.appendRow(top)
        people = len({r.person_id for r in report.results})
        state = "Cancelled after" if report.cancelled else "Checked"
        who = counted(report.people, "person", "people")
        found = (
            "every rendering is clean."
            if not report.results
            else f"{people} with findings ({len(report.failed)} renderings with errors)."
        )
        self.summary.setText(
            f'{state} {who} for "{report.request_name}" in {report.elapsed_s:.2f} s: {found}'
        )


class CheckDialog(SweepDialog):
    """A modeless window holding a :class:`CheckPage` (Request ▸ Check every person…).

    Signals: none of its own (its :attr:`page`'s).
    """

    page: CheckPage

    def __init__(
        self,
        db: Database,
        current_request: Callable[[], Request | None],
        secret_names: Callable[[], Iterable[str] | None] = lambda: (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Check every person", CheckPage(db, current_request, secret_names), parent)
