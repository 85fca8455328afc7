"""cURL in and out of the window: "Import from cURL…" and "Copy as cURL".

:class:`CurlImportDialog` reads a pasted command with :func:`composer.curl.import_curl`;
what cannot be imported (``-F``, not a curl command, a broken quote) is shown as the
parser's own sentence, in the dialog, and nothing is stored. A good command is stored as
a new request (its name made unique with "copy" like a duplicate) and announced with
``requestCreated`` so the window opens it; the parser's notes stay on screen.

:class:`CurlExportDialog` renders the request for the chosen person with
:func:`composer.curl_export.export_curl` and puts the command on the clipboard at once.
Secrets are masked; "Show secret values" reveals them only when the person ticks it, and
the clipboard then holds the revealed command (the dialog says so). Unticking masks both
again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.curl import import_curl
from composer.curl_export import export_curl
from composer.errors import KnownError
from composer.model import Request
from composer.outbox import LazySecrets
from composer.store import Database
from composer.store_requests import copy_name
from ui.page_workers import SecretsSource, secret_getter
from ui.person_dialog import mono

__all__ = ["CurlExportDialog", "CurlImportDialog"]


class CurlImportDialog(QDialog):
    """A text box for a cURL command; "Import" stores it as a new request.

    Signals:
        requestCreated(str): a request was stored from the command (its name).
    """

    requestCreated = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import from cURL")
        self.db = db
        self.created: str | None = None
        """The name of the request stored, once one is."""
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("cURL command")
        self.text.setPlaceholderText("curl -X POST https://… -H 'Content-Type: …' -d '…'")
        mono(self.text)
        self.message = QLabel()
        self.message.setAccessibleName("Import result")
        self.message.setWordWrap(True)
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
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def import_now(self) -> str | None:
        """Store the command as a request; its name, or None (the reason is shown)."""
        try:
            imported = import_curl(self.text.toPlainText())
            taken = set(self.db.requests.names())
            name = imported.request.name
            if name in taken:
                name = copy_name(name, taken)
            request = self.db.requests.create(dataclasses.replace(imported.request, name=name))
        except KnownError as exc:
            self.message.setText(str(exc))
            return None
        lines = [f'Imported "{request.name}" ({request.method} {request.url}).']
        lines += [f"Note: {note}" for note in imported.notes]
        self.message.setText("\n".join(lines))
        self.created = request.name
        self.requestCreated.emit(request.name)
        self.accept()
        return request.name


class CurlExportDialog(QDialog):
    """The current request as a cURL command, copied to the clipboard.

    Signals: none of its own (QDialog's only).
    """

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
        """Render the command again (masked unless "Show secret values" is ticked); copy it."""
        reveal = self.reveal.isChecked()
        values = LazySecrets(secret_getter(self.secrets)) if reveal else None
        try:
            exported = export_curl(self.request, self.context, secrets=values, reveal=reveal)
        except (KnownError, ValueError) as exc:
            self.command.setPlainText("")
            self.note.setText(f"This request cannot be written as a cURL command: {exc}")
            return None
        self.command.setPlainText(exported.command)
        self.copy()
        masked = " Secret values are masked." if exported.masked else ""
        self.note.setText(f"Copied to the clipboard.{masked}")
        return exported.command

    def copy(self) -> None:
        """Put the shown command on the clipboard."""
        text = self.command.toPlainText()
        if text:
            QApplication.clipboard().setText(text)
