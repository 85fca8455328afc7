"""The auth helper: asks for a Basic or Bearer credential to keep as a secret.

The dialog only collects plain data (:class:`AuthChoice`); the window stores the value
with :class:`composer.secrets.SecretStore` and writes the header, so the credential
never sits in the request, the workspace or the preview. For Basic the secret holds the
ready ``base64(user:password)``, so the header is ``Basic {{ secrets.NAME }}`` and the
preview shows ``Basic ••••••`` (a ``| base64_encode`` in the template would show the
encoding of the mask instead).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

__all__ = ["AuthChoice", "AuthDialog", "basic_credentials", "header_value"]


@dataclass(frozen=True, slots=True)
class AuthChoice:
    """A credential to keep as a secret and reference from the Authorization header."""

    kind: str
    """``Basic`` or ``Bearer``."""
    secret_name: str
    """The secret's name (a Liquid identifier)."""
    value: str
    """The token (Bearer) or ``base64(user:password)`` (Basic)."""


def basic_credentials(user: str, password: str) -> str:
    """What a Basic Authorization header carries after ``Basic ``."""
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def header_value(choice: AuthChoice) -> str:
    """The Authorization header template for a choice."""
    return f"{choice.kind} {{{{ secrets.{choice.secret_name} }}}}"


class AuthDialog(QDialog):
    """Collects an :class:`AuthChoice`; ``problem`` is shown above the fields when set."""

    def __init__(self, parent: QWidget | None = None, problem: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Authorization header")
        self.kind = QComboBox()
        self.kind.addItems(["Bearer", "Basic"])
        self.kind.setAccessibleName("Authorization kind")
        self.secret_name = QLineEdit("api_token")
        self.secret_name.setAccessibleName("Secret name")
        self.user = QLineEdit()
        self.user.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Token or password")
        form = QFormLayout(self)
        if problem:
            banner = QLabel(problem)
            banner.setWordWrap(True)
            banner.setAccessibleName("Keychain problem")
            form.addRow(banner)
        form.addRow("&Kind", self.kind)
        form.addRow("&Secret name", self.secret_name)
        form.addRow("&User name (Basic)", self.user)
        form.addRow("&Token or password", self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.kind.currentTextChanged.connect(lambda k: self.user.setEnabled(k == "Basic"))
        self.user.setEnabled(False)

    def choice(self) -> AuthChoice:
        """What was entered."""
        kind = self.kind.currentText()
        value = self.password.text()
        if kind == "Basic":
            value = basic_credentials(self.user.text(), value)
        return AuthChoice(kind, self.secret_name.text().strip(), value)
