"""Errors counted on the tab they belong to; the Secrets dialog knows what the request needs."""

from __future__ import annotations

from typing import Any

import ui_helpers
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, open_request

from composer.model import Header, Request, ResponseMapping
from composer.secrets import SecretStore, missing_secret_name, secrets_used
from composer.store.database import Database
from ui.dialogs.secrets import SecretsDialog
from ui.editor.diagnostics_model import DIAGNOSTIC_ROLE
from ui.editor.tabs import BODY, HEADERS, REQUEST, RESPONSE
from ui.pages.recipes import RecipesPage

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain


def test_errors_are_counted_on_the_tab_they_belong_to(qtbot: QtBot, window: Any) -> None:
    request = Request(
        name="Counted",
        url="https://api.example.com/x",
        headers=(Header("Content-Type", "application/json"), Header("X-Name", "{{ customer.")),
        body='{"a": 1}',
        response_mappings=(ResponseMapping("card", "{{ response.id | nope: }"),),
    )
    window.composer.set_sample_response('{"id": "c1"}')
    open_request(qtbot, window, request)
    window.composer.set_sample_response('{"id": "c1"}')
    window.wait_for_preview()
    tabs = window.composer
    qtbot.waitUntil(lambda: tabs.tabText(RESPONSE) == "Res&ponse (1 error)")
    assert tabs.tabText(HEADERS) == "&Headers (1 error)"
    assert tabs.tabText(BODY) == "&Body"  # the body is fine
    assert tabs.tabText(REQUEST) == "&Request"
    model = tabs.headers_tab.model
    assert model.mark(1) is not None and model.mark(1)[0] == "error"
    assert model.mark(0) is None
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == model.mark(1)[1]
    assert model.index(1, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    # fixing the header clears its count and its mark
    tabs.set_header("X-Name", "{{ customer.name }}")
    window.wait_for_preview()
    qtbot.waitUntil(lambda: tabs.tabText(HEADERS) == "&Headers")
    assert model.mark(1) is None


def test_a_bad_url_is_counted_on_the_request_tab(qtbot: QtBot, window: Any) -> None:
    open_request(qtbot, window, Request(name="Bad URL", url="ftp://{{ customer.id }}/x"))
    qtbot.waitUntil(lambda: window.composer.tabText(REQUEST).startswith("&Request ("))
    assert window.composer.tabText(BODY) == "&Body"


def test_enter_in_the_value_saves_once_and_keeps_the_dialog(
    qtbot: QtBot, workspace: Database
) -> None:
    store = SecretStore(workspace)
    dialog = SecretsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("trello_key")
    dialog.value_edit.setText("k-1")
    dialog.value_edit.setFocus()
    with qtbot.waitSignal(dialog.secretsChanged):
        qtbot.keyClick(dialog.value_edit, Qt.Key.Key_Return)
    assert store.get("trello_key") == "k-1"
    assert dialog.status.text().startswith('Saved "trello_key"')
    assert "empty" not in dialog.status.text()
    assert dialog.isVisible()
    with qtbot.assertNotEmitted(dialog.secretsChanged):
        qtbot.keyClick(dialog.value_edit, Qt.Key.Key_Return)  # nothing typed: nothing saved
    assert dialog.status.text() == "Type a value for trello_key, then press Enter."
    assert dialog.isVisible()


def test_the_dialog_lists_the_requests_secrets_missing_first(
    qtbot: QtBot, workspace: Database
) -> None:
    store = SecretStore(workspace)
    store.set("b_set", "x")
    store.set("unrelated", "y")
    request = Request(
        name="Needs",
        url="https://x.example/{{ secrets.b_set }}",
        headers=(Header("Authorization", "Bearer {{ secrets.a_missing }}"),),
    )
    assert secrets_used(request) == ["b_set", "a_missing"]
    dialog = SecretsDialog(store, secrets_used(request), needed_by="Needs")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)  # the keychain is read off the GUI thread
    shown = [dialog.names.item(i).text() for i in range(dialog.names.count())]
    assert shown == [
        "a_missing  (missing, needed by Needs)",
        "b_set  (set, needed by Needs)",
        "unrelated  (set)",
    ]
    assert dialog.name_edit.text() == "a_missing"


def test_a_missing_secret_diagnostic_opens_the_dialog_on_that_name(
    qtbot: QtBot, window: Any
) -> None:
    window.wait_for_secret_store()
    request = Request(
        name="Secret please",
        url="https://api.example.com/x",
        headers=(Header("Authorization", "Bearer {{ secrets.zz_token }}"),),
    )
    open_request(qtbot, window, request)
    body = window.composer.body_tab
    model = body.diagnostics
    found = [model.index(r, 0) for r in range(model.rowCount())]
    rows = [
        i.row() for i in found if missing_secret_name(i.data(DIAGNOSTIC_ROLE).message) == "zz_token"
    ]
    assert rows, "the preview names the missing secret"
    assert found[rows[0]].data(Qt.ItemDataRole.ToolTipRole) == "Click to give this secret a value."
    with qtbot.waitSignal(window.composer.secretRequested) as asked:
        body.activate_row(rows[0])
    assert asked.args == ["zz_token"]
    dialog = window.composer.secrets_dialog
    assert isinstance(dialog, SecretsDialog) and dialog.isVisible()
    assert dialog.name_edit.text() == "zz_token"
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.names.currentItem().text().startswith("zz_token  (missing")
    dialog.value_edit.setText("t-1")
    with qtbot.waitSignal(dialog.secretsChanged):
        dialog.save()
    dialog.close()
    window.wait_for_preview()
    qtbot.waitUntil(lambda: window.composer.tabText(HEADERS) == "&Headers")


def test_a_recipes_missing_secret_opens_the_dialog(qtbot: QtBot, workspace: Database) -> None:
    store = SecretStore(workspace)
    page = RecipesPage(workspace, store)
    qtbot.addWidget(page)
    row = next(r for r in range(page.model.rowCount()) if page.model.recipe(r).secrets)
    recipe = page.model.recipe(row)
    page.list.setCurrentIndex(page.model.index(row))
    name = recipe.secrets[-1]
    qtbot.waitUntil(lambda: f'href="secret:{name}"' in page.needs.text())  # read off the GUI
    page.needs.linkActivated.emit(f"secret:{name}")
    dialog = page.secrets_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.name_edit.text() == name
    dialog.value_edit.setText("v")
    with qtbot.waitSignal(dialog.secretsChanged):
        dialog.save()
    qtbot.waitUntil(lambda: f"{name} (set)" in page.needs.text())  # the marks are read again


def test_the_auth_helper_keeps_basic_when_the_request_has_basic(qtbot: QtBot, window: Any) -> None:
    from ui.editor.auth_dialog import AuthDialog

    basic = Request(
        name="Basic one",
        url="https://api.example.com/x",
        headers=(Header("Authorization", "Basic {{ secrets.zendesk_basic }}"),),
    )
    open_request(qtbot, window, basic)
    dialog = AuthDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.kind.currentText() == "Basic"
    assert dialog.user.isEnabled()
    assert dialog.secret_name.text() == "zendesk_basic"
    open_request(qtbot, window, Request(name="No auth", url="https://api.example.com/y"))
    fresh = AuthDialog(window)
    qtbot.addWidget(fresh)
    assert fresh.kind.currentText() == "Bearer"
    assert fresh.secret_name.text() == "api_token"
    bearer = AuthDialog(None, current="Bearer {{ secrets.crm }}")
    qtbot.addWidget(bearer)
    assert (bearer.kind.currentText(), bearer.secret_name.text()) == ("Bearer", "crm")
