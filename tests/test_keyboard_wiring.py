"""The window's wiring between parts: a request replaced in the workspace, the auth helper's
starting point, the composer's Secrets dialog and the menus the pages install."""

from __future__ import annotations

import dataclasses
from typing import Any

import ui_helpers
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui_helpers import UI_MARKS, make_window, open_request

from composer.model import Header, Request
from composer.store.database import Database
from ui.app import install_pages

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain


def test_reload_request_shows_the_stored_text_of_the_open_request(qtbot: Any, window: Any) -> None:
    name = window.current_name
    other = next(n for n in window.requests.names() if n != name)
    stored = window.db.requests.get(name)
    window.db.requests.update(name, dataclasses.replace(stored, body='{"pulled": 1}'))
    window.reload_request(other)  # not the open one: nothing changes
    assert window.composer.to_model().body == stored.body
    window.composer.body_tab.editor.set_text('{"unsaved": 1}')
    window.reload_request(name)
    qtbot.waitUntil(lambda: window.current_name == name)
    assert window.composer.to_model().body == '{"pulled": 1}'
    assert ui_helpers.save_and_wait(qtbot, window)  # the edit shown before is not saved
    assert window.db.requests.get(name).body == '{"pulled": 1}'


def test_the_auth_helper_starts_from_the_requests_authorization(qtbot: Any, window: Any) -> None:
    open_request(
        qtbot,
        window,
        Request(
            name="Authorized",
            url="https://example.com/",
            headers=(
                Header("Authorization", "Bearer {{ secrets.old }}"),
                Header("Authorization", "Basic {{ secrets.zendesk_basic }}"),
            ),
        ),
    )
    seen: list[tuple[str, str]] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append((dialog.kind.currentText(), dialog.secret_name.text()))
        dialog.reject()

    QTimer.singleShot(0, answer)
    window.composer.headers_tab.authRequested.emit()
    assert seen == [("Basic", "zendesk_basic")]  # the last header is the one sent


def test_the_composers_secrets_dialog_uses_the_windows_store(qtbot: Any, window: Any) -> None:
    store = window.wait_for_secret_store()
    assert store is not None
    assert window.composer.secret_source() is store
    open_request(
        qtbot,
        window,
        Request(name="Secretive", url="https://example.com/{{ secrets.fresh_key }}"),
    )
    dialog = window.composer.open_secrets("fresh_key")
    assert dialog is not None
    dialog.value_edit.setText("v-123")
    with qtbot.waitSignal(window.secretsChanged, timeout=5000):
        assert dialog.save()
    assert "fresh_key" in window.secret_names
    dialog.reject()


def test_install_pages_adds_the_customer_io_menu_and_curl_gets_the_store(
    qtbot: Any, workspace: Database
) -> None:
    win = make_window(qtbot, workspace)
    install_pages(win, workspace)
    assert "&Customer.io" in [a.text() for a in win.menuBar().actions()]
    store = win.wait_for_secret_store()
    made: list[Any] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        made.append(dialog.secrets())
        dialog.reject()

    QTimer.singleShot(0, answer)
    next(a for a in win.menu("&Request").actions() if a.text() == "Import from c&URL…").trigger()
    assert made == [store]
