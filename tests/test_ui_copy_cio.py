"""Copy for Customer.io: sections with their own Copy buttons, warnings first."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, no_real_keychain, open_request, ui_settings, window, workspace

from composer.model import Header, Request
from ui.dialogs.copy_cio import CopyCioDialog

__all__ = ["no_real_keychain", "ui_settings", "window", "workspace"]  # fixtures used by name

pytestmark = UI_MARKS


@pytest.mark.parametrize(
    ("header", "warned"),
    [("Bearer {{ secrets.api_key }}", True), ("Bearer fixed", False)],
)
def test_dialog_warns_about_secrets(qtbot: QtBot, header: str, warned: bool) -> None:
    request = Request(
        name="x",
        url="https://api.example.com/x",
        method="POST",
        headers=(Header("Authorization", header),),
        body='{"a": 1}',
    )
    dialog = CopyCioDialog(request)
    qtbot.addWidget(dialog)
    assert bool(dialog.copied.warnings) is warned
    assert ("api_key" in dialog.warnings.text()) is warned
    assert dialog.boxes["URL"].toPlainText() == "https://api.example.com/x"
    dialog.buttons["Body"].click()
    assert QApplication.clipboard().text() == '{"a": 1}'


def test_the_request_menu_opens_it_for_the_open_request(qtbot: QtBot, window: Any) -> None:
    from ui.app import install_pages

    install_pages(window, window.db)
    open_request(
        qtbot,
        window,
        Request(name="cio", url="https://api.example.com/{{ secrets.path_key }}", method="GET"),
    )
    seen: list[CopyCioDialog] = []

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, CopyCioDialog):
            seen.append(modal)
            modal.reject()
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    action = next(
        a for a in window.menu("&Request").actions() if "Customer.io" in a.text().replace("&", "")
    )
    action.trigger()
    assert seen and "path_key" in seen[0].warnings.text()
