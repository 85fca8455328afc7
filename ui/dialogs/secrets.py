"""The Secrets dialog: the workspace's secret names, and their values in the keychain.

Values are typed into a password field and handed to :class:`composer.secrets.SecretStore`,
which keeps them in the operating system's keychain; the dialog never shows a value back
(changing one means typing a new one) and nothing but the name reaches the workspace. When
the store has no usable keychain, a banner above the list says so in the store's own
words: values typed now are kept for this session only.

``ask_for`` names the secrets a request or a recipe needs: they head the list, the missing
ones first, each marked "missing" or "set", and the first missing one is ready to be typed
in. ``focus`` opens the dialog on one name (a diagnostic about that missing secret, a
recipe's "missing" mark). Opened without ``ask_for`` by a window that has an open request
(``parent.current_request()``), the dialog lists that request's secrets.

Enter in the value field saves once: no button in the dialog is a default button, so the
key does not also press Save (which then complained that the cleared value was empty) or
Close. Enter with an empty value says to type one, and saves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.errors import KnownError
from composer.secrets import SecretStore, secrets_used
from ui.widgets.palette import accent

__all__ = ["SecretsDialog"]


class SecretsDialog(QDialog):
    """List, add, change and delete secrets.

    Signals:
        secretsChanged(): a secret was stored or deleted.
    """

    secretsChanged = Signal()

    def __init__(
        self,
        store: SecretStore,
        ask_for: Sequence[str] = (),
        parent: QWidget | None = None,
        *,
        focus: str | None = None,
        needed_by: str = "",
    ) -> None:
        super().__init__(parent)
        self.store = store
        if not ask_for and parent is not None and callable(getattr(parent, "current_request", 0)):
            request = parent.current_request()  # type: ignore[attr-defined]
            if request is not None:
                ask_for, needed_by = secrets_used(request), request.name
        self.needed = list(dict.fromkeys(ask_for))
        """The names asked for (a request's or a recipe's secrets), in their order."""
        self.needed_by = needed_by
        self.setWindowTitle("Secrets")
        self.setAccessibleName("Secrets")
        self.banner = QLabel()
        self.banner.setAccessibleName("Keychain problem")
        self.banner.setWordWrap(True)
        self.banner.setAutoFillBackground(True)
        self.banner.setMargin(8)
        self.names = QListWidget()
        self.names.setAccessibleName("Secret names")
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Secret name")
        self.name_edit.setPlaceholderText("for example trello_key")
        self.value_edit = QLineEdit()
        self.value_edit.setAccessibleName("Secret value")
        self.value_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.value_edit.setPlaceholderText("typed here, kept in the keychain")
        self.save_button = QPushButton("&Save secret")
        self.save_button.setAccessibleName("Save secret")
        self.delete_button = QPushButton("&Delete secret")
        self.delete_button.setAccessibleName("Delete secret")
        self.delete_button.setToolTip(
            "Remove the value from the keychain; requests that use it then show it as missing"
        )
        self.status = QLabel()
        self.status.setAccessibleName("Secrets status")
        self.status.setWordWrap(True)
        self.hint = QLabel("Use a secret in a template as {{ secrets.NAME }}.")
        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Value", self.value_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.names, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.hint)
        layout.addWidget(close)
        self.names.currentItemChanged.connect(self._picked)
        self.save_button.clicked.connect(lambda _=False: self.save())
        self.delete_button.clicked.connect(lambda _=False: self.delete())
        self.value_edit.returnPressed.connect(self._enter)
        for button in (self.save_button, self.delete_button, *close.buttons()):
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        self._needed = [n for n in self.needed if self.store.get(n) is None]
        self.refresh()
        if self._needed:
            self.name_edit.setText(self._needed[0])
            self.status.setText("Needed: " + ", ".join(self._needed) + ".")
            self.value_edit.setFocus()
        if focus:
            self.focus_name(focus)
        self.resize(460, 420)

    def focus_name(self, name: str) -> None:
        """Select ``name`` (in the list when it is there) with its value field ready."""
        for row in range(self.names.count()):
            item = self.names.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.names.setCurrentItem(item)
                break
        self.name_edit.setText(name)
        self.value_edit.clear()
        self.value_edit.setFocus()

    def _enter(self) -> None:
        if not self.value_edit.text():
            name = self.name_edit.text().strip() or "the secret"
            self.status.setText(f"Type a value for {name}, then press Enter.")
            return
        self.save()

    def refresh(self) -> None:
        """Show the names and the keychain's state again."""
        problem = self.store.problem
        self.banner.setVisible(problem is not None)
        self.value_edit.setPlaceholderText(
            "typed here, kept in the keychain"
            if problem is None
            else "typed here, kept until you quit"
        )
        if problem:
            self.banner.setText(f"⚠ {problem}")
            palette = self.banner.palette()
            palette.setColor(QPalette.ColorRole.Window, accent("banner", self))
            palette.setColor(
                QPalette.ColorRole.WindowText, self.palette().color(QPalette.ColorRole.WindowText)
            )
            self.banner.setPalette(palette)
        current = self.name_edit.text()
        self.names.clear()
        stored = self.store.names()
        values = {name: self.store.get(name) is not None for name in {*stored, *self.needed}}
        needed = sorted(self.needed, key=lambda n: values[n])  # missing first, order kept
        who = f"needed by {self.needed_by}" if self.needed_by else "needed"
        for name in needed:
            state = "set" if values[name] else "missing"
            self._add_item(name, f"{name}  ({state}, {who})", missing=not values[name])
        for name in stored:
            if name not in self.needed:
                self._add_item(name, f"{name}  ({'set' if values[name] else 'no value'})")
        if not self.names.count():
            empty = QListWidgetItem("No secrets yet: type a name and a value below.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.names.addItem(empty)
        self.delete_button.setEnabled(bool(current) and current in self.store.names())

    def _add_item(self, name: str, text: str, missing: bool = False) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, name)
        if missing:
            item.setForeground(QColor("#d1242f"))
        self.names.addItem(item)

    def _picked(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.name_edit.setText(str(item.data(Qt.ItemDataRole.UserRole)))
        self.value_edit.clear()
        self.delete_button.setEnabled(True)
        self.value_edit.setFocus()

    def save(self) -> bool:
        """Store the typed value under the typed name; the value field is then cleared."""
        name = self.name_edit.text().strip()
        try:
            self.store.set(name, self.value_edit.text())
        except KnownError as exc:
            self.status.setText(str(exc))
            return False
        self.value_edit.clear()
        where = "in the keychain" if self.store.available else "for this session only"
        self.status.setText(f'Saved "{name}" {where}.')
        self._needed = [n for n in self._needed if n != name]
        if self._needed:
            self.name_edit.setText(self._needed[0])
            self.status.setText(
                self.status.text() + " Still needed: " + ", ".join(self._needed) + "."
            )
        self.refresh()
        self.secretsChanged.emit()
        return True

    def delete(self) -> bool:
        """Forget the named secret, its value included."""
        name = self.name_edit.text().strip()
        if name not in self.store.names():
            self.status.setText(f'There is no secret named "{name}".')
            return False
        try:
            self.store.delete(name)
        except KnownError as exc:
            self.status.setText(str(exc))
            return False
        self.status.setText(f'Deleted "{name}".')
        self.name_edit.clear()
        self.value_edit.clear()
        self.refresh()
        self.secretsChanged.emit()
        return True
