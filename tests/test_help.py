"""The Help menu: the shortcuts sheet made from the actions, About, and the log folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import QObject, Qt, QUrl, Slot, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QPushButton
from ui_helpers import UI_MARKS, make_window

import composer
from composer import logs
from composer.store.database import Database
from ui.app import install_pages
from ui.dialogs.help import (
    EVERYWHERE,
    AboutDialog,
    ShortcutsDialog,
    dependency_licences,
    shortcut_rows,
)

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain


def _help_action(window: Any, starts: str) -> QAction:
    return next(a for a in window.help_menu.actions() if a.text().startswith(starts))


def _dialog(qtbot: Any, window: Any, kind: type) -> Any:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(kind)))
    return next(d for d in window.findChildren(kind) if d.isVisible())


def test_the_sheet_lists_every_shortcut_from_the_actions(qtbot: Any, workspace: Database) -> None:
    win = make_window(qtbot, workspace)
    install_pages(win, workspace)
    rows = {(r.scope, r.action, r.keys) for r in shortcut_rows(win)}
    expected = {
        (EVERYWHERE, "Save", "Ctrl+S"),
        (EVERYWHERE, "Quit", "Ctrl+Q"),
        (EVERYWHERE, "Find request", "Ctrl+K"),
        (EVERYWHERE, "Send", "Ctrl+Return, Ctrl+Enter"),
        (EVERYWHERE, "People", "Ctrl+2, Alt+2"),
        (EVERYWHERE, "Keyboard shortcuts", "F1"),
        ("Composer page", "Next composer tab", "Ctrl+Tab, Ctrl+PgDown"),
        ("Body editor", "Find in body", "Ctrl+F"),
        ("Body editor", "Replace in body", "Ctrl+H"),
        ("Body template", "Toggle Liquid comment", "Ctrl+/"),
        ("URL", "Show completions", "Ctrl+Space"),
    }
    assert expected <= rows, expected - rows
    assert all(keys for _, _, keys in rows)
    # made from the actions: a new one is listed without touching the sheet
    extra = QAction("Frobnicate", win)
    extra.setShortcut(QKeySequence("Ctrl+Shift+F12"))
    win.addAction(extra)
    assert (EVERYWHERE, "Frobnicate", "Ctrl+Shift+F12") in {
        (r.scope, r.action, r.keys) for r in shortcut_rows(win)
    }


def test_f1_opens_the_sheet_and_its_filter_narrows(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    sheet = _dialog(qtbot, window, ShortcutsDialog)
    everything = sheet.shown_rows()
    assert (EVERYWHERE, "Save", "Ctrl+S") in everything
    assert everything[0][0] == EVERYWHERE  # window-wide keys first
    qtbot.keyClicks(sheet.filter, "ctrl+/")
    assert sheet.shown_rows() == [("Body template", "Toggle Liquid comment", "Ctrl+/")]
    sheet.reject()


def test_about_says_versions_paths_and_licences_each_copyable(qtbot: Any, window: Any) -> None:
    _help_action(window, "&About").trigger()
    about = _dialog(qtbot, window, AboutDialog)
    values = {what: field.text() for what, field in about.fields.items()}
    assert values["Version"] == composer.__version__
    assert values["Qt"] == qVersion()
    assert values["Workspace"] == str(window.db.path)
    assert values["Log file"] == str(logs.log_path())
    assert values["Python"].split()[0].count(".") == 2
    licences = {name.lower(): licence for name, _, licence in about.licences}
    assert licences["webhook-composer"] == "MIT"
    assert "BSD" in licences["httpx"]
    assert "LGPL" in licences["shiboken6"]
    buttons = {b.accessibleName(): b for b in about.findChildren(QPushButton)}
    qtbot.mouseClick(buttons["Copy workspace"], Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == str(window.db.path)
    qtbot.mouseClick(buttons["Copy all"], Qt.MouseButton.LeftButton)
    report = QGuiApplication.clipboard().text()
    assert f"Log file: {logs.log_path()}" in report and "httpx" in report
    about.reject()


def test_licences_start_with_the_app_and_each_says_one() -> None:
    rows = dependency_licences()
    assert rows[0][0].lower() == "webhook-composer"
    assert all(licence for _, _, licence in rows)


class _Opener(QObject):
    """Qt's own hook for a URL scheme: receives what QDesktopServices.openUrl is given."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opener() -> Any:
    catcher = _Opener()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        yield catcher
    finally:
        QDesktopServices.unsetUrlHandler("file")


def test_open_log_folder_opens_the_folder_of_the_log(window: Any, opener: Any) -> None:
    folder = logs.log_dir()
    assert not folder.exists()  # nothing logged yet in this test's home
    _help_action(window, "Open &log").trigger()
    assert [Path(u.toLocalFile()) for u in opener.urls] == [folder]
    assert folder.is_dir()


def test_help_is_the_last_menu(qtbot: Any, workspace: Database) -> None:
    win = make_window(qtbot, workspace)
    install_pages(win, workspace)
    win.menu("&Tools")
    titles = [a.text() for a in win.menuBar().actions()]
    assert titles[-1] == "&Help"
    assert {"&Request", "&Edit", "&View", "&Customer.io", "&Tools"} <= set(titles)
