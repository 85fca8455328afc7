"""Copy for Customer.io: sections with their own Copy buttons, warnings first."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, no_real_keychain, ui_settings

from composer.model import Header, Request
from ui.copy_cio_dialog import CopyCioDialog

__all__ = ["no_real_keychain", "ui_settings"]  # fixtures used by name

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
