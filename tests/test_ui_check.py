"""The Check page: the open request rendered for every person, off the GUI thread."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, no_real_keychain, ui_settings, window, workspace

from composer.check.sweep import CheckReport
from composer.model import Header, Request
from composer.store.database import Database
from ui.pages.check import PERSON_ROLE, CheckPage

__all__ = ["no_real_keychain", "ui_settings", "window", "workspace"]  # fixtures used by name

pytestmark = UI_MARKS


def json_request(body: str) -> Request:
    return Request(
        name="welcome",
        url="https://api.example.com/x",
        method="POST",
        headers=(Header("Content-Type", "application/json"),),
        body=body,
    )


@pytest.mark.parametrize(
    ("body", "listed"),
    [
        ('{"name": "{{ customer.name }}"}', True),
        ('{"name": {{ customer.name | json | default: "null" }}}', False),
    ],
)
def test_check_lists_the_person_with_a_quote_in_her_name(
    qtbot: QtBot, workspace: Database, body: str, listed: bool
) -> None:
    request = json_request(body)
    page = CheckPage(workspace, lambda: request)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.checked, timeout=20_000) as finished:
        page.run_button.click()
    report = finished.args[0]
    assert isinstance(report, CheckReport) and report.people == workspace.people.count()
    assert page.failing_people("error") == (["3003"] if listed else [])
    assert ("3003" in page.failing_people()) is listed
    # 5005 has no name: a warning, listed under its own group, unless a default handles it
    assert ("5005" in page.failing_people("warning")) is listed
    assert page.run_button.isEnabled()
    assert page.bar.value() == page.bar.maximum()
    page.shutdown()


def test_activating_a_person_asks_for_their_preview(qtbot: QtBot, workspace: Database) -> None:
    request = json_request('{"name": "{{ customer.name }}"}')
    page = CheckPage(workspace, lambda: request)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.checked, timeout=20_000):
        page.start()
    group = page.model.index(0, 0)
    person = next(
        page.model.index(r, 0, group)
        for r in range(page.model.rowCount(group))
        if page.model.index(r, 0, group).data(PERSON_ROLE) == "3003"
    )
    with qtbot.waitSignal(page.personChosen) as chosen:
        page.tree.activated.emit(person)
    assert chosen.args == ["3003"]
    page.shutdown()


def test_no_open_request_says_so(qtbot: QtBot, workspace: Database) -> None:
    page = CheckPage(workspace, lambda: None)
    qtbot.addWidget(page)
    assert page.start() is False
    assert "Open a request" in page.summary.text()
    page.shutdown()


def test_the_window_menu_opens_the_check_and_a_person_click_previews(
    qtbot: QtBot, window: Any
) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.app import install_pages
    from ui.pages.check import CheckDialog

    install_pages(window, window.db)
    action = next(a for a in window.menu("&Request").actions() if "Check every" in a.text())
    action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, CheckDialog))
    with qtbot.waitSignal(dialog.page.checked, timeout=20_000):
        dialog.page.start()
    assert dialog.page.report is not None
    assert dialog.page.report.request_name == window.current_name
    dialog.page.personChosen.emit("3003")
    qtbot.waitUntil(lambda: window.context_bar.person().id == "3003")  # read by an op
    window.close()
    assert not dialog.isVisible()


def test_cancel_stops_the_check_and_says_so(qtbot: QtBot, workspace: Database) -> None:
    request = json_request('{"name": "{{ customer.name }}"}')
    page = CheckPage(workspace, lambda: request)
    qtbot.addWidget(page)
    # holding the workspace's lock, the worker waits to read the people until Cancel
    with qtbot.waitSignal(page.checked, timeout=20_000) as finished, workspace._lock:
        page.start()
        assert page.cancel_button.isEnabled()
        page.cancel_button.click()
    report = finished.args[0]
    assert isinstance(report, CheckReport) and report.cancelled
    assert page.summary.text().startswith("Cancelled")
    assert page.run_button.isEnabled() and not page.cancel_button.isEnabled()
    page.shutdown()
