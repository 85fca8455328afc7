"""The Secrets dialog: the workspace's secret names, and their values in the keychain.

Values are typed into a password field and handed to :class:`composer.secrets.SecretStore`,
which keeps them in the operating system's keychain; the dialog never shows a value back
(changing one means typing a new one) and nothing but the name reaches the workspace. When
the store has no usable keychain, a banner above the list says so in the store's own
words: values typed now are kept for this session only.

``ask_for`` opens the dialog on names a recipe needs, so the first missing one is ready to
be typed in.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
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
from composer.secrets import SecretStore
from ui.palette import accent

__all__ = ["SecretsDialog"]


class SecretsDialog(QDialog):
    """List, add, change and delete secrets.

    Signals:
        secretsChanged(): a secret was stored or deleted.
    """

    secretsChanged = Signal()

    def __init__(
        self, store: SecretStore, ask_for: Sequence[str] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
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
        self.value_edit.returnPressed.connect(self.save)
        self._needed = [n for n in ask_for if self.store.get(n) is None]
        self.refresh()
        if self._needed:
            self.name_edit.setText(self._needed[0])
            self.status.setText("Needed: " + ", ".join(self._needed) + ".")
            self.value_edit.setFocus()
        self.resize(460, 420)

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
        for name in self.store.names():
            item = QListWidgetItem(name)
            state = "set" if self.store.get(name) is not None else "no value"
            item.setText(f"{name}  ({state})")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.names.addItem(item)
        if not self.names.count():
            empty = QListWidgetItem("No secrets yet: type a name and a value below.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.names.addItem(empty)
        self.delete_button.setEnabled(bool(current) and current in self.store.names())

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
