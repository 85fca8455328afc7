"""The keychain is never read or written on the GUI thread.

A keychain here is a keyring backend (``RecordingKeychain``) that keeps values in a dict
and notes the thread of every call; ``hold_writes`` or ``hold_reads`` make it wait, as a
Secret Service does behind an unlock prompt, until the test lets it go. It is handed to
:class:`SecretStore` (or installed as keyring's backend for the window), so every path
below is the store's real one: probe, get, set, delete, the names in SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, make_window, no_real_keychain, ui_settings, workspace

from composer.errors import SecretStoreError
from composer.model import Header, Request
from composer.secrets import SERVICE, SecretStore
from composer.store.database import Database
from ui.app import install_pages
from ui.cio.actions import CioActions, install_cio_menu
from ui.dialogs.curl import CurlExportDialog, CurlImportDialog
from ui.dialogs.keychain_wait import OPENING, STILL_OPENING
from ui.dialogs.secrets import SecretsDialog

__all__ = ["no_real_keychain", "ui_settings", "workspace"]  # fixtures used by name

pytestmark = UI_MARKS

ZENDESK = "curl -u admin@example.com:hunter2 https://acme.zendesk.com/api/v2/tickets.json"


class _NeverChosen:
    """A backend priority that cannot be read: keyring never chooses the backend itself."""

    def __get__(self, _obj: object, _owner: type | None = None) -> float:
        raise RuntimeError("a test's keychain: keyring never chooses it by itself")


class RecordingKeychain(KeyringBackend):
    """A keyring backend in memory that records which thread asked it what."""

    priority = _NeverChosen()

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}
        self.calls: list[tuple[str, str, threading.Thread]] = []
        self.reads = threading.Event()
        self.writes = threading.Event()
        self.reads.set()
        self.writes.set()

    def __str__(self) -> str:
        return "RecordingKeychain"

    def _note(self, what: str, name: str, gate: threading.Event) -> None:
        self.calls.append((what, name, threading.current_thread()))
        assert gate.wait(30), "the test never let the keychain answer"

    def get_password(self, service: str, username: str) -> str | None:
        self._note("get", username, self.reads)
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._note("set", username, self.writes)
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._note("delete", username, self.writes)
        self.values.pop((service, username), None)

    def threads(self, what: str) -> list[threading.Thread]:
        return [thread for kind, _name, thread in self.calls if kind == what]


@pytest.fixture
def backend() -> Iterator[RecordingKeychain]:
    made = RecordingKeychain()
    try:
        yield made
    finally:
        made.reads.set()  # never leave a worker waiting
        made.writes.set()


def _on_workers(threads: list[threading.Thread]) -> bool:
    return bool(threads) and all(t is not threading.main_thread() for t in threads)


def test_the_dialog_reads_saves_and_deletes_on_worker_threads(
    qtbot: QtBot, workspace: Database, backend: RecordingKeychain
) -> None:
    store = SecretStore(workspace, backend)
    dialog = SecretsDialog(store, ask_for=["crm_token"])
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.listed):
        pass
    assert _on_workers(backend.threads("get"))  # the probe and the "missing" marks
    assert dialog.name_edit.text() == "crm_token"
    dialog.value_edit.setText("v-1")
    with qtbot.waitSignal(dialog.secretsChanged):
        assert dialog.save() is not None
    assert _on_workers(backend.threads("set"))
    assert backend.values[(SERVICE, "crm_token")] == "v-1"
    assert dialog.status.text() == 'Saved "crm_token" in the keychain.'
    assert dialog.names.item(0).text() == "crm_token  (set, needed)"
    dialog.name_edit.setText("crm_token")
    assert dialog.delete_button.isEnabled()
    with qtbot.waitSignal(dialog.secretsChanged):
        assert dialog.delete() is not None
    assert _on_workers(backend.threads("delete"))
    assert (SERVICE, "crm_token") not in backend.values
    assert store.names() == []
    assert dialog.status.text() == 'Deleted "crm_token".'
    assert all(t is not threading.main_thread() for _k, _n, t in backend.calls)


def test_save_is_disabled_while_the_write_is_on_its_way(
    qtbot: QtBot, workspace: Database, backend: RecordingKeychain
) -> None:
    store = SecretStore(workspace, backend)
    dialog = SecretsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    backend.writes.clear()  # the keychain now waits, as behind an unlock prompt
    dialog.name_edit.setText("api_key")
    qtbot.keyClicks(dialog.value_edit, "s3cret")
    qtbot.keyClick(dialog.value_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(backend.threads("set")) == 1)
    assert dialog.writing
    assert dialog.status.text() == "Saving…"
    assert not dialog.save_button.isEnabled() and not dialog.delete_button.isEnabled()
    assert dialog.value_edit.isReadOnly() and dialog.name_edit.isReadOnly()
    qtbot.keyClick(dialog.value_edit, Qt.Key.Key_Return)  # Enter again saves nothing more
    assert dialog.save() is None and dialog.delete() is None
    with qtbot.waitSignal(dialog.secretsChanged):
        backend.writes.set()
    assert len(backend.threads("set")) == 1
    assert dialog.save_button.isEnabled() and dialog.delete_button.isEnabled()
    assert not dialog.value_edit.isReadOnly()
    assert dialog.value_edit.text() == ""
    assert dialog.status.text() == 'Saved "api_key" in the keychain.'
    assert store.names() == ["api_key"]


def test_an_empty_name_or_value_is_refused_without_asking_the_keychain(
    qtbot: QtBot, workspace: Database, backend: RecordingKeychain
) -> None:
    dialog = SecretsDialog(SecretStore(workspace, backend))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.value_edit.setText("x")
    assert dialog.save() is None
    assert "cannot name a secret" in dialog.status.text()
    dialog.name_edit.setText("ok_name")
    dialog.value_edit.clear()
    assert dialog.save() is None
    assert dialog.status.text() == 'The secret "ok_name" needs a value; it was empty.'
    assert backend.threads("set") == []


class RefusingStore(SecretStore):
    """A store whose keychain says no to every write (a locked keychain, access denied)."""

    def __init__(self, db: Database, backend: RecordingKeychain) -> None:
        super().__init__(db, backend)
        self.asked_on: list[threading.Thread] = []

    def set(self, name: str, value: str) -> None:
        self.asked_on.append(threading.current_thread())
        raise SecretStoreError("the keychain is locked")


def test_the_curl_import_keeps_the_credential_off_the_gui_thread_first(
    qtbot: QtBot, workspace: Database, backend: RecordingKeychain
) -> None:
    store = SecretStore(workspace, backend)
    dialog = CurlImportDialog(workspace, secrets=store)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(ZENDESK)
    assert dialog.import_now() is None and dialog.asking
    before = workspace.requests.names()
    backend.writes.clear()
    assert dialog.import_now() is not None
    qtbot.waitUntil(lambda: len(backend.threads("set")) == 1)
    assert not dialog.import_button.isEnabled()
    assert workspace.requests.names() == before  # nothing is created before the key is kept
    with qtbot.waitSignal(dialog.requestCreated) as created:
        backend.writes.set()
    assert _on_workers(backend.threads("set"))
    assert backend.values[(SERVICE, "zendesk")] == "hunter2"
    assert created.args[0] in workspace.requests.names()


def test_a_refused_keychain_write_creates_no_request(
    qtbot: QtBot, workspace: Database, backend: RecordingKeychain
) -> None:
    store = RefusingStore(workspace, backend)
    dialog = CurlImportDialog(workspace, secrets=store)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(ZENDESK)
    before = workspace.requests.names()
    dialog.import_now()
    with qtbot.assertNotEmitted(dialog.requestCreated, wait=100):
        op = dialog.import_now()
        assert op is not None
        qtbot.waitUntil(lambda: dialog.import_button.isEnabled())
    assert dialog.message.text() == "The password was not stored: the keychain is locked"
    assert _on_workers(store.asked_on)
    assert workspace.requests.names() == before
    assert dialog.created is None


def test_copy_as_curl_reads_the_values_off_the_gui_thread(
    qtbot: QtBot, workspace: Database, backend: RecordingKeychain
) -> None:
    store = SecretStore(workspace, backend)
    store.set("token", "s3cr3t-value")
    request = Request(
        name="x",
        url="https://api.example.com/x",
        headers=(Header("Authorization", "Bearer {{ secrets.token }}"),),
    )
    dialog = CurlExportDialog(request, {}, store)
    qtbot.addWidget(dialog)
    backend.calls.clear()
    backend.reads.clear()
    dialog.reveal.click()
    assert dialog.note.text() == "Reading the secret values from the keychain…"
    qtbot.waitUntil(lambda: bool(backend.threads("get")))
    with qtbot.waitSignal(dialog.shown):
        dialog.reveal.click()  # unticked before the keychain answered: masked again
    with qtbot.assertNotEmitted(dialog.shown, wait=100):
        backend.reads.set()
        qtbot.waitUntil(lambda: not _busy())
    assert "s3cr3t-value" not in QApplication.clipboard().text()
    with qtbot.waitSignal(dialog.shown):
        dialog.reveal.click()
    assert "Bearer s3cr3t-value" in QApplication.clipboard().text()
    assert _on_workers(backend.threads("get"))


def _busy() -> int:
    from ui.ops import hub

    return hub().busy


@pytest.fixture
def slow_keychain(backend: RecordingKeychain) -> Iterator[RecordingKeychain]:
    """keyring's backend for the window: its first question waits until let go."""
    before = keyring.get_keyring()
    backend.reads.clear()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        backend.reads.set()
        keyring.set_keyring(before)


def test_customerio_pull_opens_its_dialog_once_the_keychain_opens(
    qtbot: QtBot, workspace: Database, slow_keychain: RecordingKeychain
) -> None:
    window = make_window(qtbot, workspace)
    install_cio_menu(window)
    actions = window.findChild(CioActions)
    assert actions is not None
    try:
        qtbot.waitUntil(lambda: bool(slow_keychain.threads("get")))  # the window asks it
        assert window.secret_store is None
        assert actions.open_pull() is None
        assert window.statusBar().currentMessage() == OPENING
        assert "pull" not in actions.dialogs
        slow_keychain.reads.set()
        qtbot.waitUntil(lambda: "pull" in actions.dialogs)
        assert window.secret_store is not None
        assert actions.dialogs["pull"].isVisible()
        assert window.statusBar().currentMessage() != OPENING
        assert not actions.keychain.waiting
    finally:
        slow_keychain.reads.set()
        actions.stop()


def test_an_action_gives_up_when_the_keychain_does_not_open(
    qtbot: QtBot, workspace: Database, slow_keychain: RecordingKeychain
) -> None:
    window = make_window(qtbot, workspace)
    install_cio_menu(window)
    actions = window.findChild(CioActions)
    assert actions is not None
    try:
        actions.keychain.give_up_ms = 50
        qtbot.waitUntil(lambda: bool(slow_keychain.threads("get")))
        assert actions.open_pull() is None
        qtbot.waitUntil(lambda: not actions.keychain.waiting)
        assert window.statusBar().currentMessage() == STILL_OPENING
        slow_keychain.reads.set()
        qtbot.waitUntil(lambda: window.secret_store is not None)
        assert "pull" not in actions.dialogs  # given up: opening later shows nothing
    finally:
        slow_keychain.reads.set()
        actions.stop()


def test_edit_secrets_opens_the_dialog_once_the_keychain_opens(
    qtbot: QtBot, workspace: Database, slow_keychain: RecordingKeychain
) -> None:
    window = make_window(qtbot, workspace)
    install_pages(window, workspace)
    try:
        qtbot.waitUntil(lambda: bool(slow_keychain.threads("get")))
        action = next(a for a in window.menu("&Edit").actions() if a.text() == "&Secrets…")
        action.trigger()
        assert window.statusBar().currentMessage() == OPENING
        assert window.findChild(SecretsDialog) is None
        slow_keychain.reads.set()
        qtbot.waitUntil(lambda: window.findChild(SecretsDialog) is not None)
        dialog = window.findChild(SecretsDialog)
        assert dialog.isVisible() and dialog.store is window.secret_store
        qtbot.waitUntil(lambda: dialog.loaded)
        dialog.reject()
    finally:
        slow_keychain.reads.set()


def test_the_recipes_gallery_marks_its_secrets_from_reads_off_the_gui_thread(
    qtbot: QtBot, workspace: Database, backend: RecordingKeychain
) -> None:
    """The gallery paints each recipe's "set"/"missing" marks from what an op read, never
    asking the keychain while painting: until the read answers they say "checking"."""
    from ui.pages.recipes import RecipesPage

    store = SecretStore(workspace, backend)
    backend.reads.clear()  # the keychain is slow to answer
    page = RecipesPage(workspace, lambda: store)
    qtbot.addWidget(page)
    row = next(r for r in range(page.model.rowCount()) if page.model.recipe(r).secrets)
    name = page.model.recipe(row).secrets[0]
    assert f"{name} (checking)" in page.model.data(page.model.index(row))
    backend.reads.set()
    qtbot.waitUntil(lambda: page.marks_read)
    assert f"{name} (missing)" in page.model.data(page.model.index(row))
    backend.values[(SERVICE, name)] = "x"  # set elsewhere: read again when asked
    page.read_marks()
    qtbot.waitUntil(lambda: f"{name} (set)" in page.model.data(page.model.index(row)))
    page.grab()  # painting asks nothing
    assert _on_workers(backend.threads("get"))
