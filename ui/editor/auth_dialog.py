"""The auth helper: asks for a Basic or Bearer credential to keep as a secret.

The dialog only collects plain data (:class:`AuthChoice`); the window stores the value
with :class:`composer.secrets.SecretStore` and writes the header, so the credential
never sits in the request, the workspace or the preview. For Basic the secret holds the
ready ``base64(user:password)``, so the header is ``Basic {{ secrets.NAME }}`` and the
preview shows ``Basic ••••••`` (a ``| base64_encode`` in the template would show the
encoding of the mask instead).

The dialog starts from the request's own Authorization header (``current``, or the
parent window's open request): a ``Basic …`` header keeps Basic chosen, a ``Bearer …``
one Bearer, and the secret it already reads (``{{ secrets.NAME }}``) is the name offered,
so replacing a credential does not silently switch its kind or invent a new name.
"""

from __future__ import annotations

import base64
import re
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

__all__ = ["AuthChoice", "AuthDialog", "basic_credentials", "header_value", "read_header"]

_SECRET = re.compile(r"\{\{-?\s*secrets\.([A-Za-z_][A-Za-z0-9_-]*)")


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


def read_header(value: str) -> tuple[str | None, str | None]:
    """An Authorization header's kind (``Basic``/``Bearer``, or None) and the secret it reads."""
    scheme = value.strip().split(" ", 1)[0].lower()
    kind = {"basic": "Basic", "bearer": "Bearer"}.get(scheme)
    found = _SECRET.search(value)
    return kind, found.group(1) if found else None


def _current_header(parent: QWidget | None) -> str | None:
    current = getattr(parent, "current_request", None)
    request = current() if callable(current) else None
    for header in reversed(getattr(request, "headers", ())):
        if header.name.strip().lower() == "authorization":
            return str(header.value)
    return None


class AuthDialog(QDialog):
    """Collects an :class:`AuthChoice`; ``problem`` is shown above the fields when set."""

    def __init__(
        self,
        parent: QWidget | None = None,
        problem: str | None = None,
        current: str | None = None,
    ) -> None:
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
        kind, secret = read_header(
            current if current is not None else _current_header(parent) or ""
        )
        if kind is not None:
            self.kind.setCurrentText(kind)
        if secret is not None:
            self.secret_name.setText(secret)

    def choice(self) -> AuthChoice:
        """What was entered."""
        kind = self.kind.currentText()
        value = self.password.text()
        if kind == "Basic":
            value = basic_credentials(self.user.text(), value)
        return AuthChoice(kind, self.secret_name.text().strip(), value)
