"""The Upgrade check: who would receive other bytes if the request switched Liquid version.

:func:`composer.check.upgrade.upgrade_check` renders the open request for every person
in both versions and groups the renderings that differ by the place in the templates
where the versions first part ways; this page runs it off the GUI thread with progress
and Cancel, through the pattern every such check shares (:mod:`ui.pages.sweep`), and
shows one row per :class:`~composer.check.upgrade.UpgradeGroup` — where, how many people,
an example of what changes — with a child row per person (and event). Activating a
person previews them (``personChosen``); activating a group shows its place in the
editor (``placeChosen``, a :class:`~composer.rendering.diagnostics.Diagnostic` the window jumps to).

"From" is the request's own version as edited, so on a legacy request it answers "what
would upgrading change", on a latest one "what would a downgrade change". In the window
it lives in a modeless :class:`UpgradeCheckDialog` (Request ▸ Upgrade check…).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QWidget

from composer.check.upgrade import UpgradeGroup, UpgradeReport, upgrade_check
from composer.liquid import DEFAULT_VERSION, other_version
from composer.model import Request
from composer.rendering.diagnostics import Diagnostic
from composer.store.database import Database
from composer.wording import counted
from ui.editor.diagnostics_model import describe_where
from ui.pages.sweep import PERSON_ROLE, SweepDialog, SweepPage, SweepWorker, person_item

__all__ = ["PERSON_ROLE", "PLACE_ROLE", "UpgradeCheckDialog", "UpgradeCheckPage", "group_label"]

PLACE_ROLE = Qt.ItemDataRole.UserRole + 3
"""The item data role holding a group row's place as a :class:`Diagnostic`."""


def group_label(group: UpgradeGroup) -> str:
    """ "3 people: body, line 2, column 9: in legacy Liquid this renders …"."""
    people = len({person for person, _event in group.people})
    who = counted(people, "person", "people")
    if len(group.people) != people:
        who += f" ({len(group.people)} renderings)"
    place = f"{describe_where(group.where)}, line {group.line}, column {group.column}"
    return f"{who}: {place}: {group.example}"


def _cancelled(request: Request) -> UpgradeReport:
    source = request.liquid_version or DEFAULT_VERSION
    return UpgradeReport(request.name, source, other_version(source), 0, 0, (), True, 0.0)


class UpgradeCheckPage(SweepPage):
    """ "Upgrade check": run, progress, Cancel, and who gets other bytes, grouped by place.

    Signals:
        personChosen(str): a person row was activated (their id); the window previews them.
        placeChosen(Diagnostic): a group row was activated; its place in the templates.
        checked(object): a run ended (its :class:`~composer.check.upgrade.UpgradeReport`,
            or a str saying what failed).
    """

    placeChosen = Signal(object)

    RUN_TEXT = "&Run the upgrade check"
    RUN_NAME = "Run the upgrade check"
    RUN_TIP = (
        "Render the open request for every person in both Liquid versions and list whom "
        "switching its version would send other bytes"
    )
    NOUN = "upgrade check"
    INTRO = (
        "Render the open request for every person with both Liquid versions and list "
        "who would receive different bytes after switching its version."
    )
    TREE_NAME = "People whose bytes change, by place"
    REPORT_TYPE = UpgradeReport

    def __init__(
        self,
        db: Database,
        current_request: Callable[[], Request | None],
        secret_names: Callable[[], Iterable[str] | None] = lambda: (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, current_request, secret_names, parent)
        self.report: UpgradeReport | None = None
        """The last finished run's report."""
        self.tree.setToolTip(
            "Activate a person to preview the request for them; "
            "activate a group to see its place in the editor"
        )

    def make_worker(self, request: Request, secret_names: Iterable[str]) -> SweepWorker:
        return SweepWorker(self.db, request, secret_names, upgrade_check, _cancelled)

    def show_report(self, report: UpgradeReport) -> None:
        for group in report.groups:
            top = QStandardItem(group_label(group))
            top.setEditable(False)
            top.setData(
                Diagnostic("warning", group.where, group.line, group.column, group.example),
                PLACE_ROLE,
            )
            top.setData(
                f"{group.example}\nActivate to see this place in the editor.",
                Qt.ItemDataRole.ToolTipRole,
            )
            for person, event in group.people:
                top.appendRow(person_item(person, event))
            self.model.appendRow(top)
        state = "Cancelled after" if report.cancelled else "Checked"
        who = counted(report.people, "person", "people")
        switch = f"switching from {report.source} to {report.target} Liquid"
        people = len({p for g in report.groups for p, _e in g.people})
        if not report.groups:
            found = f"{switch} changes nobody's bytes."
        else:
            found = (
                f"{switch} changes the bytes for {counted(people, 'person', 'people')} "
                f"({report.different} of {report.renderings} renderings), in "
                f"{counted(len(report.groups), 'place')}."
            )
        self.summary.setText(
            f'{state} {who} for "{report.request_name}" in {report.elapsed_s:.2f} s: {found}'
        )

    def activated(self, index: QModelIndex) -> None:
        place = index.data(PLACE_ROLE)
        if isinstance(place, Diagnostic):
            self.placeChosen.emit(place)


class UpgradeCheckDialog(SweepDialog):
    """A modeless window holding an :class:`UpgradeCheckPage` (Request ▸ Upgrade check…).

    Signals: none of its own (its :attr:`page`'s).
    """

    page: UpgradeCheckPage

    def __init__(
        self,
        db: Database,
        current_request: Callable[[], Request | None],
        secret_names: Callable[[], Iterable[str] | None] = lambda: (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Upgrade check", UpgradeCheckPage(db, current_request, secret_names), parent
        )
