"""cURL in and out of the window: "Import from cURL…" and "Copy as cURL".

:class:`CurlImportDialog` reads a pasted command with :func:`composer.curl.parse.import_curl`;
what cannot be imported (``-F``, not a curl command, a broken quote) is shown as the
parser's own sentence, in the dialog, and nothing is stored. A good command is stored as
a new request (its name made unique with "copy" like a duplicate) by a write op
(:func:`ui.ops.requests.create`, off the GUI thread; the window's request list reads the
names again from the hub's change signal) and, once stored, announced with
``requestCreated`` so the window opens it; the parser's notes stay on screen. Import is
disabled while the write is on its way; a refusal from the workspace is shown in the
dialog, which stays open.

A command with a credential (``-u user:password``, ``-u key:``, ``--oauth2-bearer``)
is not imported at the first press of Import: the dialog first says that the password
will not be kept in the request and offers to store it in the keychain under a name the
user confirms or edits (suggested from the host); the request then reads
``{{ secrets.<name> }}``. The credential is written to the keychain by an op first, and
the request is created only once it is kept (Import stays disabled meanwhile); a refused
keychain write creates nothing and says why. Unticking "Store it in the keychain" imports
without storing (the note says which secret to set later); without an open keychain the
box is off and says why. Editing the command afterwards asks again.

:class:`CurlExportDialog` renders the request for the chosen person with
:func:`composer.curl.export.export_curl` and puts the command on the clipboard at once.
Secrets are masked; "Show secret values" reveals them only when the person ticks it, and
the clipboard then holds the revealed command (the dialog says so). The values the request
uses (:func:`composer.secrets.secrets_used`) are read from the keychain by an op, never on
the GUI thread; the revealed command is shown and copied when they arrive (unticked
meanwhile: the answer is dropped). Unticking masks both
again. A masked command cannot authenticate, so the note under it says so in words, names
the secrets it masks, and is drawn as a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.curl.export import export_curl
from composer.curl.parse import CurlImport, import_curl
from composer.errors import KnownError
from composer.model import Request
from composer.rendering.render import MASK
from composer.secrets import secrets_used
from composer.store.database import Database
from ui.ops import Op, OpError
from ui.ops import requests as request_ops
from ui.ops.engine import SecretsSource, resolve_store
from ui.widgets.palette import mono

__all__ = ["CurlExportDialog", "CurlImportDialog"]


_SECRET_USE = re.compile(r"secrets\.([A-Za-z_][\w-]*)")


def _template_text(request: Request) -> str:
    return " ".join([request.url, request.body, *(h.value for h in request.headers)])


class CurlImportDialog(QDialog):
    """A text box for a cURL command; "Import" stores it as a new request.

    Signals:
        requestCreated(str): a request was stored from the command (its name).
    """

    requestCreated = Signal(str)

    def __init__(
        self, db: Database, parent: QWidget | None = None, secrets: SecretsSource = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import from cURL")
        self.db = db
        if secrets is None and parent is not None and hasattr(parent, "secret_store"):
            secrets = lambda: parent.secret_store  # noqa: E731  (the window's, once open)
        self.secrets = secrets
        self.created: str | None = None
        """The name of the request stored, once one is."""
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("cURL command")
        self.text.setPlaceholderText("curl -X POST https://… -H 'Content-Type: …' -d '…'")
        mono(self.text)
        self.text.textChanged.connect(self._command_edited)
        self.message = QLabel()
        self.message.setAccessibleName("Import result")
        self.message.setWordWrap(True)
        self.credential_box = QWidget()
        self.credential_label = QLabel()
        self.credential_label.setWordWrap(True)
        self.secret_name = QLineEdit()
        self.secret_name.setAccessibleName("Secret name")
        self.store_secret = QCheckBox("&Store it in the keychain")
        self.store_secret.setAccessibleName("Store the credential in the keychain")
        self.store_secret.setToolTip(
            "Keep the command's credential in the keychain under the name above; the "
            "request reads it as {{ secrets.NAME }} and never holds it"
        )
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        name_label = QLabel("Secret &name:")
        name_label.setBuddy(self.secret_name)
        row.addWidget(name_label)
        row.addWidget(self.secret_name, 1)
        box = QVBoxLayout(self.credential_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.credential_label)
        box.addLayout(row)
        box.addWidget(self.store_secret)
        self.credential_box.hide()
        self._asked: CurlImport | None = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setAccessibleName("Import")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        buttons.accepted.connect(self.import_now)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Paste a cURL command (line continuations are fine):"))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.credential_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(640, 360)

    @property
    def asking(self) -> bool:
        """Whether the dialog waits for the user to confirm where a credential goes."""
        return self._asked is not None

    def _command_edited(self) -> None:
        if self._asked is not None:
            self._asked = None
            self.credential_box.hide()
            self.import_button.setText("&Import")

    def _ask(self, imported: CurlImport) -> None:
        credential = imported.credential
        assert credential is not None
        self._asked = imported
        self.credential_label.setText(
            f"The {credential.what} in this command is not kept in the request: the request "
            "reads it from a secret. Confirm the secret's name; the request will use "
            "{{ secrets.NAME }}."
        )
        self.secret_name.setText(credential.secret)
        store = resolve_store(self.secrets)
        usable = store is not None
        self.store_secret.setEnabled(usable)
        self.store_secret.setChecked(usable)
        if not usable:
            self.store_secret.setText("Store it in the keychain (no keychain is open)")
        self.credential_box.show()
        self.import_button.setText("&Store and import" if usable else "&Import")
        self.message.setText("")
        self.secret_name.setFocus()
        self.secret_name.selectAll()

    def import_now(self) -> Op[Any] | None:
        """Store the command as a request off the GUI thread; the first op on its way, or
        None (the reason is shown). ``requestCreated`` says the name once it is stored.

        A command with a credential first shows where it goes (None is returned, and
        :attr:`asking` is True); the next call imports with the confirmed name. When the
        credential is to be kept, the returned op writes it to the keychain (never on the
        GUI thread: a keychain may be slow or wait on an unlock prompt), and the request
        is created only once that write has succeeded; a refused write creates nothing and
        says why.
        """
        if not self.import_button.isEnabled():
            return None  # a write is on its way
        secret = self.secret_name.text().strip() if self._asked is not None else None
        try:
            imported = import_curl(self.text.toPlainText(), secret=secret)
        except KnownError as exc:
            self.message.setText(str(exc))
            return None
        credential = imported.credential
        if credential is not None and credential.value and self._asked is None:
            self._ask(imported)
            return None
        self.import_button.setEnabled(False)
        if credential is not None and credential.value and self.store_secret.isChecked():
            store = resolve_store(self.secrets)
            if store is None:
                self._not_kept(credential.what, "no keychain is open")
                return None
            secret, value = credential.secret, credential.value
            notes = [n for n in imported.notes if f'secret "{secret}"' not in n]
            kept = (
                f'The {credential.what} is in the keychain as "{secret}"; the '
                f"request reads {{{{ secrets.{secret} }}}}."
            )
            self.message.setText("Storing the credential in the keychain…")
            keep = Op[None](self, lambda _db: store.set(secret, value))
            keep.success(lambda _none: self._create(imported, kept, notes))
            keep.failure(lambda error: self._not_kept(credential.what, error.message)).run()
            return keep
        return self._create(imported, "", list(imported.notes))

    def _not_kept(self, what: str, why: str) -> None:
        self.import_button.setEnabled(True)
        self.message.setText(f"The {what} was not stored: {why}")

    def _create(self, imported: CurlImport, kept: str, notes: list[str]) -> Op[str]:
        self.import_button.setEnabled(False)
        self.message.setText("Importing…")
        op = request_ops.create(self, self.db.path, imported.request)
        op.success(lambda name: self._stored(name, imported.request, kept, notes))
        op.failure(self._refused).run()
        return op

    def _stored(self, name: str, request: Request, kept: str, notes: list[str]) -> None:
        self.import_button.setEnabled(True)
        lines = [f'Imported "{name}" ({request.method} {request.url}).']
        if kept:
            lines.append(kept)
        lines += [f"Note: {note}" for note in notes]
        self.message.setText("\n".join(lines))
        self.created = name
        self.requestCreated.emit(name)
        self.accept()

    def _refused(self, error: OpError) -> None:
        self.import_button.setEnabled(True)
        self.message.setText(error.message)


class CurlExportDialog(QDialog):
    """The current request as a cURL command, copied to the clipboard.

    Signals:
        shown(): a command was shown and copied (masked, or with the values once read).
    """

    shown = Signal()

    def __init__(
        self,
        request: Request,
        context: Mapping[str, Any],
        secrets: SecretsSource = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Copy as cURL: {request.name}")
        self.request = request
        self.context = dict(context)
        self.secrets = secrets
        self.command = QPlainTextEdit()
        self.command.setAccessibleName("cURL command")
        self.command.setReadOnly(True)
        mono(self.command)
        self.reveal = QCheckBox("Show secret &values (the clipboard gets them too)")
        self.reveal.setAccessibleName("Show secret values")
        self.reveal.setToolTip(
            "Off: the command has •••••• where a secret goes. On: the real values, in the "
            "command shown and on the clipboard"
        )
        self._asked = 0
        self.reveal.toggled.connect(lambda _on: self.refresh())
        self.note = QLabel()
        self.note.setAccessibleName("Copy result")
        self.note.setWordWrap(True)
        self.copy_button = QPushButton("&Copy again")
        self.copy_button.setAccessibleName("Copy again")
        self.copy_button.clicked.connect(lambda _=False: self.copy())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.command, 1)
        layout.addWidget(self.reveal)
        layout.addWidget(self.note)
        layout.addWidget(self.copy_button)
        layout.addWidget(buttons)
        self.resize(720, 400)
        self.refresh()

    def refresh(self) -> str | None:
        """Render the command again (masked unless "Show secret values" is ticked) and copy
        it; the command, or None when it cannot be written or when the secret values are
        first read from the keychain (an op; the command is shown and copied once they
        are)."""
        self._asked += 1
        if not self.reveal.isChecked():
            return self._show(None)
        store = resolve_store(self.secrets)
        if store is None:
            return self._show({})
        names, number = secrets_used(self.request), self._asked
        self.note.setText("Reading the secret values from the keychain…")
        self.note.setStyleSheet("")
        read = Op[dict[str, str]](self, lambda _db: store.values_for(names))
        read.success(lambda values: self._revealed(values, number))
        read.failure(lambda error: self._unread(error, number)).run()
        return None

    def _revealed(self, values: dict[str, str], number: int) -> None:
        if number == self._asked and self.reveal.isChecked():
            self._show(values)

    def _unread(self, error: OpError, number: int) -> None:
        if number == self._asked:
            self.note.setText(f"The secret values could not be read: {error.message}")

    def _show(self, values: dict[str, str] | None) -> str | None:
        reveal = values is not None
        try:
            exported = export_curl(self.request, self.context, secrets=values, reveal=reveal)
        except (KnownError, ValueError) as exc:
            self.command.setPlainText("")
            self.note.setText(f"This request cannot be written as a cURL command: {exc}")
            return None
        self.command.setPlainText(exported.command)
        self.copy()
        if exported.masked:
            names = sorted(set(_SECRET_USE.findall(_template_text(self.request))))
            which = ", ".join(names) if names else "secret"
            self.note.setText(
                f"Copied to the clipboard, with {MASK} in place of {which}: as copied, this "
                "command will not authenticate. Tick “Show secret values” to copy it with "
                "the real values."
            )
            self.note.setStyleSheet("color: #bf8700;")
        else:
            self.note.setText(
                "Copied to the clipboard, with the real secret values."
                if reveal and _SECRET_USE.search(_template_text(self.request))
                else "Copied to the clipboard."
            )
            self.note.setStyleSheet("")
        self.shown.emit()
        return exported.command

    def copy(self) -> None:
        """Put the shown command on the clipboard."""
        text = self.command.toPlainText()
        if text:
            QApplication.clipboard().setText(text)
