"""The Upgrade check (Request ▸ Upgrade check…): who gets other bytes after a switch of
Liquid version, run off the GUI thread with progress and Cancel, grouped by place.

The test marked ``two_engines`` needs the real engines (see ``test_ui_liquid``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_ui_liquid import TIMES, json_request, two_engines
from ui_helpers import UI_MARKS, no_real_keychain, open_request, ui_settings, window, workspace

from composer.check.upgrade import UpgradeGroup, UpgradeReport
from composer.rendering.diagnostics import Diagnostic
from composer.store.database import Database
from ui.pages.upgrade import PERSON_ROLE, PLACE_ROLE, UpgradeCheckDialog, UpgradeCheckPage

__all__ = ["no_real_keychain", "ui_settings", "window", "workspace"]  # fixtures used by name

pytestmark = UI_MARKS

REPORT = UpgradeReport(
    request_name="Times",
    source="legacy",
    target="latest",
    people=7,
    renderings=8,
    groups=(
        UpgradeGroup(
            "body",
            2,
            8,
            'in latest Liquid this renders "6" where legacy renders "6.0"',
            (("1001", "signup"), ("1001", "nps_submitted"), ("2002", None)),
        ),
        UpgradeGroup("headers[0]", 1, 1, 'in latest Liquid this renders "a"', (("3003", None),)),
    ),
    cancelled=False,
    elapsed_s=0.25,
)


def test_a_run_over_the_workspace_reports_and_says_so(qtbot: QtBot, workspace: Database) -> None:
    request = json_request("Plain", '{"email": {{ customer.email | json }}}', "legacy")
    page = UpgradeCheckPage(workspace, lambda: request)
    qtbot.addWidget(page)
    for control in (page.run_button, page.cancel_button, page.bar, page.tree):
        assert control.accessibleName() and control.toolTip()
    with qtbot.waitSignal(page.checked, timeout=20_000) as finished:
        page.run_button.click()
    report = finished.args[0]
    assert isinstance(report, UpgradeReport) and report.people == workspace.people.count()
    assert (report.source, report.target) == ("legacy", "latest")
    assert page.report is report
    assert page.bar.value() == page.bar.maximum() and page.run_button.isEnabled()
    if not report.groups:  # the engines agree on this body
        assert page.summary.text().endswith(
            "switching from legacy to latest Liquid changes nobody's bytes."
        )
    page.shutdown()


def test_groups_show_where_how_many_and_an_example(qtbot: QtBot, workspace: Database) -> None:
    page = UpgradeCheckPage(workspace, lambda: None)
    qtbot.addWidget(page)
    page.show_report(REPORT)
    first = page.model.item(0)
    assert first.text() == (
        '2 people (3 renderings): body, line 2, column 8: in latest Liquid this renders "6" '
        'where legacy renders "6.0"'
    )
    assert [first.child(r).text() for r in range(first.rowCount())] == [
        "1001 (event signup)",
        "1001 (event nps_submitted)",
        "2002",
    ]
    assert page.model.item(1).text().startswith("1 person: header 1, line 1, column 1: ")
    assert page.listed_people() == ["1001", "2002", "3003"]
    assert page.summary.text() == (
        'Checked 7 people for "Times" in 0.25 s: switching from legacy to latest Liquid '
        "changes the bytes for 3 people (4 of 8 renderings), in 2 places."
    )
    with qtbot.waitSignal(page.personChosen) as chosen:
        page.tree.activated.emit(page.model.indexFromItem(first.child(2)))
    assert chosen.args == ["2002"]
    with qtbot.waitSignal(page.placeChosen) as place:
        page.tree.activated.emit(page.model.indexFromItem(first))
    assert place.args[0] == Diagnostic("warning", "body", 2, 8, REPORT.groups[0].example)
    assert first.data(PLACE_ROLE) == place.args[0] and first.child(0).data(PERSON_ROLE) == "1001"


def test_cancel_stops_the_upgrade_check(qtbot: QtBot, workspace: Database) -> None:
    request = json_request("Plain", "{}", "legacy")
    page = UpgradeCheckPage(workspace, lambda: request)
    qtbot.addWidget(page)
    # holding the workspace's lock, the worker waits to read the people until Cancel
    with qtbot.waitSignal(page.checked, timeout=20_000) as finished, workspace._lock:
        page.start()
        assert not page.start()  # one run at a time
        page.cancel_button.click()
    report = finished.args[0]
    assert isinstance(report, UpgradeReport) and report.cancelled
    assert page.summary.text().startswith("Cancelled")
    page.shutdown()


def test_the_request_menu_runs_it_and_a_click_previews_or_shows_the_place(
    qtbot: QtBot, window: Any
) -> None:
    from ui.app import install_pages

    install_pages(window, window.db)
    open_request(qtbot, window, json_request("Times", TIMES, "legacy"))
    actions = [a for a in window.menu("&Request").actions() if a.text()]
    texts = [a.text() for a in actions]
    assert texts.index("Up&grade check…") == texts.index("Check every &person…") + 1
    action = actions[texts.index("Up&grade check…")]
    assert action.toolTip()
    action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, UpgradeCheckDialog))
    assert dialog.isVisible() and dialog.windowTitle() == "Upgrade check"
    with qtbot.waitSignal(dialog.page.checked, timeout=20_000):
        dialog.page.start()
    assert dialog.page.report.request_name == "Times"
    assert dialog.page.report.source == "legacy"
    dialog.page.personChosen.emit("3003")
    qtbot.waitUntil(lambda: window.context_bar.person().id == "3003")  # read by an op
    window.composer.show_response()
    dialog.page.placeChosen.emit(Diagnostic("warning", "body", 2, 3, "example"))
    assert window.composer.currentWidget() is window.composer.body_tab
    assert window.composer.body_tab.editor.cursor_line_column() == (2, 3)
    window.close()
    assert not dialog.isVisible()


@two_engines
def test_everyone_is_listed_when_the_body_differs_for_all(
    qtbot: QtBot, workspace: Database
) -> None:
    request = json_request("Times", TIMES, "legacy")
    page = UpgradeCheckPage(workspace, lambda: request)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.checked, timeout=20_000) as finished:
        page.start()
    report = finished.args[0]
    assert len(report.groups) == 1 and report.groups[0].where == "body"
    assert len(page.listed_people()) == workspace.people.count()
    assert "6.0" in page.model.item(0).text()
    page.shutdown()
