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

The keychain is never asked on the GUI thread (a Secret Service call can take seconds, or
wait on an unlock prompt): the list (names, which have a value, the keychain's state) is
read by an op (:class:`ui.ops.Op`; the store has its own connection and lock, so the op
opens no workspace), and Save and Delete write through one. Until the first reading
answers, the list says it is reading the keychain; the needed names and the banner follow
from that answer. While a write is on its way Save and Delete are disabled, the two fields
cannot be edited, and the status says "Saving…" (or "Deleting…"); the answer re-enables
them, clears the value field, shows the list and status again and emits ``secretsChanged``.
A refused write keeps the typed value and shows why. What needs no I/O (an empty name or
value, a name that cannot follow ``secrets.``) is refused at once, with the store's own
sentences. :meth:`SecretsDialog.save` and :meth:`SecretsDialog.delete` return the op on
its way, or None when nothing was started (the status says why). Writes use the ops' read
lane, not the workspace's write lane: a keychain waiting on a prompt must not hold up the
window's saves; the dialog itself keeps its writes one at a time. A reading asked before
the newest one is dropped when it answers, so a slow reading never shows an older list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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

from composer.errors import KnownError, SecretStoreError
from composer.secrets import SecretStore, check_name, secrets_used
from ui.ops import Op, OpError
from ui.widgets.palette import accent

__all__ = ["Listing", "SecretsDialog", "Written"]


@dataclass(frozen=True, slots=True)
class Listing:
    """What the dialog shows, read off the GUI thread."""

    names: tuple[str, ...]
    """The workspace's secret names, sorted."""
    values: dict[str, bool]
    """Whether each listed or asked-for name has a value."""
    problem: str | None
    """Why values are kept for this session only (the banner), or None."""

    @classmethod
    def read(cls, store: SecretStore, needed: Sequence[str]) -> Listing:
        """Ask ``store`` (on a worker: the keychain may be slow or prompt)."""
        problem = store.problem
        names = tuple(store.names())
        values = {name: store.get(name) is not None for name in {*names, *needed}}
        return cls(names, values, problem)


@dataclass(frozen=True, slots=True)
class Written:
    """A save's or a delete's answer."""

    listing: Listing
    """The list as it is after the write."""
    available: bool
    """Whether the value went to the keychain (False: this session's memory)."""


class SecretsDialog(QDialog):
    """List, add, change and delete secrets.

    Signals:
        secretsChanged(): a secret was stored or deleted.
        listed(): a reading of the names and the keychain's state was shown.
    """

    secretsChanged = Signal()
    listed = Signal()

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
        self.name_edit.textChanged.connect(lambda _text: self._update_buttons())
        self._needed: list[str] | None = None
        """The asked-for names still without a value (None until the first reading)."""
        self._focus = focus
        self._known: tuple[str, ...] = ()
        """The stored names, as the last reading saw them."""
        self._asked = 0
        self._writing: Op[Any] | None = None
        self.banner.hide()
        self._placeholder("Reading the keychain…")
        self._update_buttons()
        if focus:
            self.focus_name(focus)
        self.refresh()
        self.resize(460, 420)

    @property
    def writing(self) -> bool:
        """Whether a save or a delete is on its way."""
        return self._writing is not None

    @property
    def loaded(self) -> bool:
        """Whether a reading of the keychain has been shown."""
        return self._needed is not None

    def focus_name(self, name: str) -> None:
        """Select ``name`` (in the list when it is there) with its value field ready."""
        self._select(name)
        self.name_edit.setText(name)
        self.value_edit.clear()
        self.value_edit.setFocus()

    def _select(self, name: str) -> None:
        for row in range(self.names.count()):
            item = self.names.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                blocked = self.names.blockSignals(True)
                self.names.setCurrentItem(item)
                self.names.blockSignals(blocked)
                return

    def _enter(self) -> None:
        if self.writing:
            return  # the answer of the save on its way comes first
        if not self.value_edit.text():
            name = self.name_edit.text().strip() or "the secret"
            self.status.setText(f"Type a value for {name}, then press Enter.")
            return
        self.save()

    def refresh(self) -> Op[Listing]:
        """Read the names and the keychain's state again (an op; its answer shows them)."""
        store, needed, number = self.store, tuple(self.needed), self._next()
        op = Op[Listing](self, lambda _db: Listing.read(store, needed))
        op.success(lambda listing: self._show(listing, number)).failure(self._read_failed)
        op.run()
        return op

    def _next(self) -> int:
        self._asked += 1
        return self._asked

    def _read_failed(self, error: OpError) -> None:
        self.status.setText(f"The secrets could not be read: {error.message}")

    def _show(self, listing: Listing, number: int) -> None:
        if number != self._asked:
            return  # a newer reading is on its way
        self._known = listing.names
        first = self._needed is None
        if first:
            self._needed = [n for n in self.needed if not listing.values[n]]
        self._show_banner(listing.problem)
        self.names.clear()
        values = listing.values
        needed = sorted(self.needed, key=lambda n: values[n])  # missing first, order kept
        who = f"needed by {self.needed_by}" if self.needed_by else "needed"
        for name in needed:
            state = "set" if values[name] else "missing"
            self._add_item(name, f"{name}  ({state}, {who})", missing=not values[name])
        for name in listing.names:
            if name not in self.needed:
                self._add_item(name, f"{name}  ({'set' if values[name] else 'no value'})")
        if not self.names.count():
            self._placeholder("No secrets yet: type a name and a value below.")
        if first and self._needed:
            if not self._focus and not self.name_edit.text():
                self.name_edit.setText(self._needed[0])
                self.value_edit.setFocus()
            if not self.writing:
                self.status.setText("Needed: " + ", ".join(self._needed) + ".")
        self._select(self.name_edit.text().strip())
        self._update_buttons()
        self.listed.emit()

    def _show_banner(self, problem: str | None) -> None:
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

    def _placeholder(self, text: str) -> None:
        self.names.clear()
        empty = QListWidgetItem(text)
        empty.setFlags(Qt.ItemFlag.NoItemFlags)
        self.names.addItem(empty)

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
        self.value_edit.setFocus()

    def _update_buttons(self) -> None:
        busy = self.writing
        self.save_button.setEnabled(not busy)
        name = self.name_edit.text().strip()
        self.delete_button.setEnabled(not busy and bool(name) and name in self._known)
        self.name_edit.setReadOnly(busy)
        self.value_edit.setReadOnly(busy)

    def _start(self, op: Op[Written], saying: str) -> Op[Written]:
        self._writing = op
        self.status.setText(saying)
        self._update_buttons()
        op.failure(self._refused).run()
        return op

    def _refused(self, error: OpError) -> None:
        self._writing = None
        self._update_buttons()
        self.status.setText(error.message)

    def save(self) -> Op[Written] | None:
        """Store the typed value under the typed name, off the GUI thread; the value field
        is cleared when the keychain has answered. Returns the op on its way, or None when
        nothing was started (a save is already on its way, or the name or the value is
        refused; the status says why)."""
        if self.writing:
            return None
        name = self.name_edit.text().strip()
        value = self.value_edit.text()
        try:
            check_name(name)
            if value == "":
                raise SecretStoreError(f'The secret "{name}" needs a value; it was empty.')
        except KnownError as exc:
            self.status.setText(str(exc))
            return None
        store, needed, number = self.store, tuple(self.needed), self._next()

        def write(_db: object) -> Written:
            store.set(name, value)
            return Written(Listing.read(store, needed), store.available)

        op = Op[Written](self, write).success(lambda done: self._saved(name, done, number))
        return self._start(op, "Saving…")

    def _saved(self, name: str, done: Written, number: int) -> None:
        self._writing = None
        self.value_edit.clear()
        self._show(done.listing, number)
        where = "in the keychain" if done.available else "for this session only"
        status = f'Saved "{name}" {where}.'
        if self._needed is not None:  # else the first reading, still to come, says it
            self._needed = [n for n in self._needed if n != name]
        if self._needed:
            self.name_edit.setText(self._needed[0])
            status += " Still needed: " + ", ".join(self._needed) + "."
        self.status.setText(status)
        self._update_buttons()
        self.secretsChanged.emit()

    def delete(self) -> Op[Written] | None:
        """Forget the named secret, its value included, off the GUI thread. Returns the op
        on its way, or None when nothing was started (a write is already on its way, or
        the last reading has no such name; the status says why)."""
        if self.writing:
            return None
        name = self.name_edit.text().strip()
        if name not in self._known:
            self.status.setText(f'There is no secret named "{name}".')
            return None
        store, needed, number = self.store, tuple(self.needed), self._next()

        def forget(_db: object) -> Written:
            if name not in store.names():
                raise SecretStoreError(f'There is no secret named "{name}".')
            store.delete(name)
            return Written(Listing.read(store, needed), store.available)

        op = Op[Written](self, forget).success(lambda done: self._deleted(name, done, number))
        return self._start(op, "Deleting…")

    def _deleted(self, name: str, done: Written, number: int) -> None:
        self._writing = None
        self.name_edit.clear()
        self.value_edit.clear()
        self._show(done.listing, number)
        self.status.setText(f'Deleted "{name}".')
        self._update_buttons()
        self.secretsChanged.emit()
