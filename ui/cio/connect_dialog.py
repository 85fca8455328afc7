"""Customer.io ▸ Connect…: the App API key, the region, and a test that names the workspace.

The key is typed into a password field and never shown back. "Test connection" makes the
App API's test call (``GET /v1/workspaces``) with what is typed and names the workspace,
storing nothing. "Connect" makes the same call and, when it succeeds, keeps the key in
the OS keychain and the region (and an address, for a test server) in the workspace's
settings; without a usable keychain the banner says so first and the key is held for
this session only. "Forget key" removes it from the keychain and the session. The key
field is emptied once the key is kept, so it does not linger in the widget.

The dialog reads nothing on the GUI thread: opening it reads the workspace's region,
address and whether a key is stored (with the keychain's state) in one background job,
and Connect and Forget key read them again in theirs; the dialog shows what the last job
read (:attr:`ConnectDialog.stored`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.cioapi import (
    Connection,
    KeyStore,
    check_key,
    load_connection,
    login,
    logout,
    workspaces_label,
)
from composer.cioapi.connection import KEY_ID_SETTING
from composer.store.database import Database
from ui.cio.dialog_base import CioDialog, escape

if TYPE_CHECKING:
    from ui.cio.actions import CioActions

__all__ = ["ConnectDialog", "Stored", "read_stored"]


@dataclass(frozen=True, slots=True)
class Stored:
    """What the workspace holds of the connection, as a background job read it."""

    connection: Connection
    """The region and API address."""
    key_kept: bool
    """Whether a key is kept in the keychain for this workspace."""


def read_stored(db: Database) -> Stored:
    """The workspace's connection settings (on the job's own connection)."""
    return Stored(load_connection(db), bool(db.settings.get(KEY_ID_SETTING)))


class ConnectDialog(CioDialog):
    """Key, region, address; Test connection, Connect, Forget key.

    Signals: none of its own (QDialog's only); the connection is announced by
    :attr:`ui.cio.actions.CioActions.connected`.
    """

    def __init__(self, cio: CioActions, parent: QWidget | None = None) -> None:
        super().__init__(cio, "Connect to Customer.io", parent)
        self.keychain_problem: str | None = None
        """Why the keychain cannot keep the key (then it is kept for the session), or None."""
        self.stored: Stored | None = None
        """The workspace's connection as the last job read it (None until the first)."""
        self.banner = QLabel()
        self.banner.setAccessibleName("Keychain problem")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.state = QLabel()
        self.state.setAccessibleName("Connection")
        self.state.setWordWrap(True)
        self.region = QComboBox()
        self.region.setAccessibleName("Region")
        self.region.addItem("US (api.customer.io)", "us")
        self.region.addItem("EU (api-eu.customer.io)", "eu")
        self.address = QLineEdit()
        self.address.setAccessibleName("App API address")
        self.address.setPlaceholderText("optional: another App API address, e.g. a test server")
        self.key = QLineEdit()
        self.key.setAccessibleName("App API key")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("Customer.io ▸ Settings ▸ API credentials ▸ App API keys")
        self.key.textChanged.connect(lambda _text: self.refresh_buttons())
        form = QFormLayout()
        form.addRow("&Region", self.region)
        form.addRow("A&ddress", self.address)
        form.addRow("App API &key", self.key)
        self.test_button = QPushButton("&Test connection")
        self.test_button.setAccessibleName("Test connection")
        self.test_button.clicked.connect(lambda _=False: self.test())
        self.connect_button = QPushButton("&Connect")
        self.connect_button.setAccessibleName("Connect")
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(lambda _=False: self.connect_key())
        self.forget_button = QPushButton("&Forget key")
        self.forget_button.setAccessibleName("Forget key")
        self.forget_button.clicked.connect(lambda _=False: self.forget())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in (self.test_button, self.connect_button, self.forget_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.footer.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.state)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addLayout(self.footer)
        self.resize(560, 300)

    def busy_widgets(self) -> list[QWidget]:
        return [self.test_button, self.connect_button, self.forget_button, self.key]

    def refresh_buttons(self) -> None:
        if self.jobs.busy:
            return
        typed = bool(self.key.text().strip())
        self.test_button.setEnabled(typed)
        self.connect_button.setEnabled(typed)
        self.forget_button.setEnabled(self._has_key())

    def _has_key(self) -> bool:
        return bool(self.cio.session_key) or (self.stored is not None and self.stored.key_kept)

    def start(self) -> None:
        """Read the workspace's connection and ask the keychain (off the GUI thread)."""
        self.state.setText("Reading the workspace's connection…")

        def work(_progress: Any, _cancelled: Any, db: Database) -> tuple[Stored, str | None]:
            return read_stored(db), KeyStore(db).problem

        self.run(work, self._opened, "Opening the keychain…")

    def _opened(self, answer: tuple[Stored, str | None]) -> None:
        stored, problem = answer
        connection = stored.connection
        self.region.setCurrentIndex(1 if connection.region == "eu" else 0)
        self.address.setText(connection.api_url or "")
        self._show_state(stored)
        self._probed(problem)

    def _probed(self, problem: Any) -> None:
        self.keychain_problem = problem if isinstance(problem, str) else None
        if self.keychain_problem:
            self.banner.setText(
                f"<b>{escape(self.keychain_problem)}</b> The App API key will be kept for this "
                "session only: connect again after restarting."
            )
        self.banner.setVisible(bool(self.keychain_problem))
        self.say("")

    def _show_state(self, stored: Stored) -> None:
        self.stored = stored
        connection = stored.connection
        if self.cio.session_key:
            where = "the key is held for this session only"
        elif stored.key_kept:
            where = "the key is in the keychain"
        else:
            self.state.setText("Not connected: type an App API key with workspace access.")
            return
        self.state.setText(f"Connected to Customer.io ({escape(connection.label)}); {where}.")

    def _chosen(self) -> tuple[str, Any, str | None]:
        return (
            self.key.text().strip(),
            self.region.currentData(),
            self.address.text().strip() or None,
        )

    def test(self) -> None:
        """Make the test call with what is typed; store nothing."""
        key, region, api_url = self._chosen()
        policy, timeout = self.cio.policy, self.cio.timeout

        def work(_progress: Any, cancelled: Any, _db: Any) -> str:
            found = check_key(
                key, region, api_url, policy=policy, timeout=timeout, cancelled=cancelled
            )
            return workspaces_label(found)

        self.run(
            work,
            lambda label: self.say(f"The key works: it opens {label}. Not saved yet."),
            "Testing the connection…",
        )

    def connect_key(self) -> None:
        """Test the key, then keep it (keychain, or this session) with the region."""
        key, region, api_url = self._chosen()
        policy, timeout = self.cio.policy, self.cio.timeout
        remember = self.keychain_problem is None

        def work(_progress: Any, cancelled: Any, db: Database) -> tuple[str, Stored]:
            found = login(
                db,
                key,
                region,
                api_url,
                policy=policy,
                timeout=timeout,
                cancelled=cancelled,
                remember=remember,
            )
            return workspaces_label(found), read_stored(db)

        def done(answer: tuple[str, Stored]) -> None:
            label, stored = answer
            self.cio.keep_for_session(None if remember else key)
            self.key.clear()
            kept = "in the keychain" if remember else "for this session only"
            self.say(f"Connected: the key opens {label}. It is kept {kept}.")
            self._show_state(stored)
            self.cio.connected.emit(label)

        self.run(work, done, "Connecting…")

    def forget(self) -> None:
        """Forget the key (keychain and session); the region stays."""
        self.cio.keep_for_session(None)

        def work(_progress: Any, _cancelled: Any, db: Database) -> Stored:
            logout(db)
            db.settings.delete(KEY_ID_SETTING)
            return read_stored(db)

        def done(stored: Stored) -> None:
            self.say("Forgot the App API key.")
            self._show_state(stored)

        self.run(work, done, "Forgetting the key…")
