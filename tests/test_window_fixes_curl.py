"""cURL import keeps a -u password out of the request and offers the keychain; a masked
copy says it cannot authenticate."""

from __future__ import annotations

import base64

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, no_real_keychain, ui_settings, workspace

from composer.curl.parse import import_curl
from composer.model import Header, Request
from composer.rendering.render import render
from composer.secrets import SecretNameError, SecretStore
from composer.store.database import Database
from ui.dialogs.curl import CurlExportDialog, CurlImportDialog

__all__ = ["no_real_keychain", "ui_settings", "workspace"]  # fixtures used by name

pytestmark = UI_MARKS

ZENDESK = "curl -u admin@example.com:hunter2 https://acme.zendesk.com/api/v2/tickets.json"


def test_the_password_is_handed_back_apart_and_never_in_the_request() -> None:
    imported = import_curl(ZENDESK)
    assert imported.credential is not None
    assert (imported.credential.what, imported.credential.value) == ("password", "hunter2")
    assert "hunter2" not in repr(imported)
    assert "hunter2" not in repr(imported.request)
    named = import_curl(ZENDESK, secret="zendesk_admin")
    [auth] = [h for h in named.request.headers if h.name == "Authorization"]
    assert "secrets.zendesk_admin" in auth.value
    with pytest.raises(SecretNameError):
        import_curl(ZENDESK, secret="not a name")


@pytest.mark.parametrize(
    ("command", "what", "value"),
    [
        ("curl -u sk_test_123: https://api.stripe.com/v1/customers", "key", "sk_test_123"),
        ("curl --oauth2-bearer tok-9 https://api.example.com/x", "token", "tok-9"),
        ("curl -u admin https://api.example.com/x", "password", ""),
    ],
)
def test_each_kind_of_credential(command: str, what: str, value: str) -> None:
    credential = import_curl(command).credential
    assert credential is not None and (credential.what, credential.value) == (what, value)


def test_the_import_asks_for_the_name_then_stores_the_password(
    qtbot: QtBot, workspace: Database
) -> None:
    store = SecretStore(workspace)
    dialog = CurlImportDialog(workspace, secrets=store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.text.setPlainText(ZENDESK)
    before = workspace.requests.names()
    dialog.import_button.click()
    assert dialog.asking and dialog.credential_box.isVisible()
    assert workspace.requests.names() == before  # nothing yet
    assert "password" in dialog.credential_label.text()
    assert dialog.secret_name.text() == "zendesk"  # a suggestion to confirm
    assert dialog.store_secret.isChecked()
    dialog.secret_name.setText("zendesk_admin")
    with qtbot.waitSignal(dialog.requestCreated) as created:
        dialog.import_button.click()
    assert store.get("zendesk_admin") == "hunter2"
    request = workspace.requests.get(created.args[0])
    assert "hunter2" not in repr(request)
    rendered = render(request, {}, secrets={"zendesk_admin": "hunter2"}, reveal=True)
    [auth] = [v for n, v in rendered.headers if n == "Authorization"]
    assert base64.b64decode(auth.removeprefix("Basic ")) == b"admin@example.com:hunter2"
    assert 'keychain as "zendesk_admin"' in dialog.message.text()


def test_unticked_the_password_is_not_stored_and_the_note_says_what_to_set(
    qtbot: QtBot, workspace: Database
) -> None:
    store = SecretStore(workspace)
    dialog = CurlImportDialog(workspace, secrets=store)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(ZENDESK)
    dialog.import_button.click()
    dialog.store_secret.setChecked(False)
    with qtbot.waitSignal(dialog.requestCreated):
        assert dialog.import_now() is not None
    assert store.names() == []
    assert 'secret "zendesk"' in dialog.message.text()


def test_editing_the_command_asks_again(qtbot: QtBot, workspace: Database) -> None:
    dialog = CurlImportDialog(workspace, secrets=SecretStore(workspace))
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(ZENDESK)
    assert dialog.import_now() is None and dialog.asking
    dialog.text.setPlainText(ZENDESK.replace("hunter2", "other"))
    assert not dialog.asking and dialog.credential_box.isHidden()


def test_without_a_keychain_the_box_says_so(qtbot: QtBot, workspace: Database) -> None:
    dialog = CurlImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(ZENDESK)
    dialog.import_button.click()
    assert not dialog.store_secret.isEnabled()
    assert "no keychain is open" in dialog.store_secret.text()
    with qtbot.waitSignal(dialog.requestCreated):
        assert dialog.import_now() is not None


def test_a_masked_copy_says_it_will_not_authenticate(qtbot: QtBot, workspace: Database) -> None:
    store = SecretStore(workspace)
    store.set("token", "s3cr3t")
    request = Request(
        name="x",
        url="https://api.example.com/x",
        headers=(Header("Authorization", "Bearer {{ secrets.token }}"),),
    )
    dialog = CurlExportDialog(request, {}, store)
    qtbot.addWidget(dialog)
    assert "will not authenticate" in dialog.note.text()
    assert "token" in dialog.note.text()
    with qtbot.waitSignal(dialog.shown):  # the values are read off the GUI thread
        dialog.reveal.click()
    assert dialog.note.text() == "Copied to the clipboard, with the real secret values."
    plain = CurlExportDialog(Request(name="y", url="https://api.example.com/"), {}, store)
    qtbot.addWidget(plain)
    assert plain.note.text() == "Copied to the clipboard."
