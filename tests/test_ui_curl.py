"""cURL in the window: import a pasted command into the workspace, copy a request as cURL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, no_real_keychain, ui_settings, window, workspace

from composer.model import Header, Request
from composer.secrets import SecretStore
from composer.store.database import Database
from ui.dialogs.curl import CurlExportDialog, CurlImportDialog

__all__ = ["no_real_keychain", "ui_settings", "window", "workspace"]  # fixtures used by name

pytestmark = UI_MARKS

COMMAND = (
    "curl -X POST https://api.example.com/x -H 'Content-Type: application/json' -d '{\"a\":1}'"
)


def test_import_creates_the_request(qtbot: QtBot, workspace: Database) -> None:
    dialog = CurlImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(COMMAND)
    with qtbot.waitSignal(dialog.requestCreated) as created:
        dialog.import_button.click()
    name = created.args[0]
    request = workspace.requests.get(name)
    assert (request.method, request.url, request.body) == (
        "POST",
        "https://api.example.com/x",
        '{"a":1}',
    )
    assert [(h.name, h.value) for h in request.headers] == [("Content-Type", "application/json")]
    again = CurlImportDialog(workspace)
    qtbot.addWidget(again)
    again.text.setPlainText(COMMAND)
    with qtbot.waitSignal(again.requestCreated) as stored:
        assert again.import_now() is not None
    assert stored.args[0] == f"{name} copy"


@pytest.mark.parametrize(
    "text",
    ["wget https://example.com", "curl -F file=@a.txt https://example.com/upload", ""],
)
def test_import_shows_why_a_command_is_refused(
    qtbot: QtBot, workspace: Database, text: str
) -> None:
    before = workspace.requests.names()
    dialog = CurlImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(text)
    assert dialog.import_now() is None
    assert dialog.message.text()
    assert workspace.requests.names() == before


def test_copy_as_curl_masks_secrets_until_asked(qtbot: QtBot, workspace: Database) -> None:
    store = SecretStore(workspace)
    store.set("token", "s3cr3t-value")
    request = Request(
        name="x",
        url="https://api.example.com/people/{{ customer.id }}",
        method="POST",
        headers=(Header("Authorization", "Bearer {{ secrets.token }}"),),
        body='{"name": {{ customer.name | json }}}',
    )
    dialog = CurlExportDialog(request, {"customer": {"id": "7", "name": "Ann"}}, store)
    qtbot.addWidget(dialog)
    copied = QApplication.clipboard().text()
    assert copied.startswith("curl")
    assert "https://api.example.com/people/7" in copied
    assert "s3cr3t-value" not in copied
    with qtbot.waitSignal(dialog.shown):  # the values are read off the GUI thread
        dialog.reveal.click()
    assert "s3cr3t-value" in QApplication.clipboard().text()
    dialog.reveal.click()
    assert "s3cr3t-value" not in QApplication.clipboard().text()


def _answer_dialog(qtbot: QtBot, act: Callable[[QDialog], None]) -> list[QDialog]:
    """Call ``act`` on the next modal dialog once it is open (it then closes it)."""
    seen: list[QDialog] = []

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog):
            seen.append(modal)
            act(modal)
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return seen


def test_the_request_menu_imports_and_copies(qtbot: QtBot, window: Any) -> None:
    from ui.app import install_pages

    install_pages(window, window.db)
    actions = {a.text(): a for a in window.menu("&Request").actions()}

    def paste(dialog: QDialog) -> None:
        assert isinstance(dialog, CurlImportDialog)
        dialog.text.setPlainText(COMMAND)
        dialog.import_button.click()

    seen = _answer_dialog(qtbot, paste)
    actions["Import from c&URL…"].trigger()
    assert seen and seen[0].created  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.current_name == seen[0].created)  # type: ignore[attr-defined]
    assert seen[0].created in window.request_list.model.names()  # type: ignore[attr-defined]
    assert window.current_request().url == "https://api.example.com/x"
    QApplication.clipboard().clear()
    seen = _answer_dialog(qtbot, lambda dialog: dialog.reject())
    actions["Copy as cU&RL"].trigger()
    assert isinstance(seen[0], CurlExportDialog)
    copied = QApplication.clipboard().text()
    assert copied.startswith("curl") and "https://api.example.com/x" in copied
