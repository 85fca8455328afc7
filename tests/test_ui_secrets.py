"""The Secrets dialog: round trip through the real keychain, and the session-only banner.

The dialog reads and writes the keychain through ops, so each test waits for the answer
(``listed`` for a reading, ``secretsChanged`` for a write)."""

from __future__ import annotations

import secrets as random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from store_keychain import keychain, no_keychain

from composer.secrets import SERVICE, SecretStore
from composer.store.database import Database
from ui.dialogs.secrets import SecretsDialog

__all__ = ["keychain", "no_keychain"]  # fixtures used by name below

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "workspace.sqlite3")
    yield database
    database.close()


@pytest.mark.keychain
def test_round_trip_through_the_real_keychain(
    qtbot: QtBot, db: Database, keychain: Any, tmp_path: Path
) -> None:
    name = f"ui_test_{random.token_hex(4)}"
    value = f"v-{random.token_hex(8)}"
    store = SecretStore(db)
    dialog = SecretsDialog(store)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert not dialog.banner.isVisibleTo(dialog)
    assert dialog.value_edit.echoMode() == QLineEdit.EchoMode.Password
    try:
        dialog.name_edit.setText(name)
        qtbot.keyClicks(dialog.value_edit, value)
        with qtbot.waitSignal(dialog.secretsChanged):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.value_edit.text() == ""
        assert keyring.get_password(SERVICE, name) == value
        assert f"{name}  (set)" in [
            dialog.names.item(i).text() for i in range(dialog.names.count())
        ]
        assert value.encode() not in (tmp_path / "workspace.sqlite3").read_bytes()
        # a second store (the next start) finds it
        assert SecretStore(db).get(name) == value
        dialog.name_edit.setText(name)
        qtbot.keyClicks(dialog.value_edit, "changed")
        with qtbot.waitSignal(dialog.secretsChanged):
            assert dialog.save() is not None
        assert keyring.get_password(SERVICE, name) == "changed"
        dialog.names.setCurrentRow(0)
        assert dialog.name_edit.text() == name
        with qtbot.waitSignal(dialog.secretsChanged):
            qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
        assert keyring.get_password(SERVICE, name) is None
        assert dialog.names.item(0).text().startswith("No secrets yet")
    finally:
        if keyring.get_password(SERVICE, name) is not None:
            keyring.delete_password(SERVICE, name)


@pytest.mark.usefixtures("no_keychain")
def test_without_a_keychain_a_banner_says_session_only(qtbot: QtBot, db: Database) -> None:
    store = SecretStore(db)
    dialog = SecretsDialog(store)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.listed):
        pass
    assert dialog.banner.isVisibleTo(dialog)
    assert "for this session only" in dialog.banner.text()
    dialog.name_edit.setText("api_key")
    dialog.value_edit.setText("s3cret")
    with qtbot.waitSignal(dialog.secretsChanged):
        assert dialog.save() is not None
    assert dialog.value_edit.text() == ""
    assert 'Saved "api_key" for this session only.' in dialog.status.text()
    assert store.get("api_key") == "s3cret"


@pytest.mark.usefixtures("no_keychain")
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("bad name", "x", "cannot name a secret"),
        ("ok_name", "", "needs a value"),
    ],
)
def test_refusals_are_shown_and_nothing_is_stored(
    qtbot: QtBot, db: Database, name: str, value: str, message: str
) -> None:
    store = SecretStore(db)
    dialog = SecretsDialog(store)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText(name)
    dialog.value_edit.setText(value)
    assert dialog.save() is None  # refused before any keychain call
    assert message in dialog.status.text()
    assert dialog.save_button.isEnabled()
    assert store.names() == []


@pytest.mark.usefixtures("no_keychain")
def test_asked_for_the_secrets_a_recipe_needs(qtbot: QtBot, db: Database) -> None:
    store = SecretStore(db)
    store.set("have_it", "x")
    dialog = SecretsDialog(store, ask_for=["have_it", "trello_key", "trello_token"])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.name_edit.text() == "trello_key"
    assert "Needed: trello_key, trello_token." in dialog.status.text()
    dialog.value_edit.setText("k")
    with qtbot.waitSignal(dialog.secretsChanged):
        dialog.save()
    assert dialog.name_edit.text() == "trello_token"
    assert "Still needed: trello_token." in dialog.status.text()
