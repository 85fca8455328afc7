"""Editing one person, and pointing at the row of a people file that was refused.

:class:`PersonDialog` edits the id, the email and the attributes, the latter as a JSON
object in a plain-text editor. Text that is not a JSON object is refused with its line and
column (the cursor is put there) and nothing is saved; a store refusal (an id already
taken, an attribute named ``id``) is shown in the dialog, which stays open.

**Saving may take a moment**: the dialogs hand what was typed to their ``save`` function
with a ``finish`` callback, which the page calls once the write op answered (``None``: it
was stored, the dialog closes; a sentence: the refusal, shown, the dialog stays). Save is
disabled meanwhile, so a second click cannot save twice.

:class:`EventDialog` adds an event (a name, JSON data, a time) under the same rules.

:func:`error_excerpt` turns the ``where`` of an
:class:`~composer.errors.InvalidFileError` (``row N``, ``row N (line L)``, ``item N``,
``line L, column C``) into the lines of the file around it, the offending one marked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from composer.errors import KnownError
from composer.model import Event, Person
from ui.widgets.palette import mono

__all__ = ["EventDialog", "PersonDialog", "error_excerpt", "parse_attributes"]


def parse_attributes(text: str) -> dict[str, Any]:
    """The attributes typed as JSON; ValueError with "line L, column C: why" when invalid."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(value, dict):
        raise ValueError('line 1, column 1: attributes must be a JSON object, like {"plan": "pro"}')
    return value


def error_excerpt(path: Path, where: str | None, around: int = 2) -> tuple[str, int]:
    """The part of a refused file that ``where`` points at, and the marked line's index.

    ``where`` is what :class:`~composer.errors.InvalidFileError` carries: ``row N`` or
    ``row N (line L)`` for CSV, ``item N`` for a JSON list, ``line L, column C`` for
    broken JSON. Lines are numbered as in the file; the offending one starts with ``▶``.
    """
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return "", -1
    lines = text.splitlines()
    if where and where.startswith("item "):
        try:
            n = int(where.split()[1])
            item = json.loads(text)[n - 1]
        except (ValueError, IndexError, TypeError, KeyError):
            return "", -1
        dumped = json.dumps(item, ensure_ascii=False, indent=2).splitlines()
        shown = [f"▶ item {n}: {dumped[0]}", *(f"  {line}" for line in dumped[1:])]
        return "\n".join(shown), 0
    target = None
    if where:
        words = where.replace(",", " ").replace("(", " ").replace(")", " ").split()
        if "line" in words:
            target = int(words[words.index("line") + 1])
        elif "row" in words:
            target = int(words[words.index("row") + 1])
    if target is None or not lines:
        return "", -1
    first = max(1, target - around)
    last = min(len(lines), target + around)
    shown = []
    for number in range(first, last + 1):
        mark = "▶" if number == target else " "
        shown.append(f"{mark} {number:>5} │ {lines[number - 1]}")
    return "\n".join(shown), target - first


class _FormDialog(QDialog):
    """A dialog of a form, a line for the problem found, and Save and Cancel.

    Save calls :meth:`accept`, which subclasses override to validate before closing.
    """

    def _saving(self) -> None:
        self.save_button.setEnabled(False)
        self.error_label.setText("Saving…")

    def finish(self, problem: str | None) -> None:
        """The save answered: close (``None``), or show ``problem`` and stay open."""
        self.save_button.setEnabled(True)
        if problem is None:
            self.error_label.clear()
            QDialog.accept(self)
        else:
            self.error_label.setText(problem)

    def _lay_out(self, form: QFormLayout, save_name: str) -> None:
        """Put ``form``, the problem line and the buttons in the dialog."""
        self.error_label = QLabel()
        self.error_label.setAccessibleName("Problem")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName(save_name)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)


class PersonDialog(_FormDialog):
    """Add or edit one person; attributes are a JSON object, validated before saving.

    ``save`` is called with the new person, the id it had (None when new) and
    :meth:`finish`, which it calls once the person is stored or refused; a
    :class:`~composer.errors.KnownError` it raises at once is shown the same way.
    """

    def __init__(
        self,
        save: Callable[[Person, str | None, Callable[[str | None], None]], None],
        person: Person | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._old_id = person.id if person else None
        self.setWindowTitle("Edit person" if person else "Add person")
        self.setAccessibleName(self.windowTitle())
        form = QFormLayout()
        self.id_edit = QLineEdit(person.id if person else "")
        self.id_edit.setAccessibleName("Person id")
        self.email_edit = QLineEdit(person.email if person else "")
        self.email_edit.setAccessibleName("Email")
        self.attributes_edit = QPlainTextEdit()
        self.attributes_edit.setAccessibleName("Attributes (JSON)")
        mono(self.attributes_edit)
        attributes = dict(person.attributes) if person else {}
        self.attributes_edit.setPlainText(json.dumps(attributes, ensure_ascii=False, indent=2))
        form.addRow("&ID", self.id_edit)
        form.addRow("&Email", self.email_edit)
        form.addRow("&Attributes (JSON)", self.attributes_edit)
        self._lay_out(form, "Save person")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.resize(520, 420)

    def accept(self) -> None:
        """Validate and save; on a problem, say where and keep the dialog open."""
        text = self.attributes_edit.toPlainText()
        try:
            attributes = parse_attributes(text)
        except ValueError as exc:
            self.error_label.setText(f"Attributes are not valid JSON: {exc}")
            self._move_to(text, str(exc))
            return
        person = Person(self.id_edit.text().strip(), self.email_edit.text().strip(), attributes)
        self._saving()
        try:
            self._save(person, self._old_id, self.finish)
        except KnownError as exc:
            self.finish(str(exc))

    def _move_to(self, text: str, message: str) -> None:
        try:
            words = message.replace(",", "").replace(":", "").split()
            line, column = int(words[1]), int(words[3])
        except (IndexError, ValueError):
            return
        offset = sum(len(part) + 1 for part in text.split("\n")[: line - 1]) + column - 1
        cursor = self.attributes_edit.textCursor()
        cursor.setPosition(min(offset, len(text)), QTextCursor.MoveMode.MoveAnchor)
        self.attributes_edit.setTextCursor(cursor)
        self.attributes_edit.setFocus()


class EventDialog(_FormDialog):
    """Add an event to a person: a name and its data as a JSON object (validated).

    ``save`` is called with the new event and :meth:`finish` (see :class:`PersonDialog`); a
    :class:`~composer.errors.KnownError` it raises is shown and the dialog stays open.
    """

    def __init__(
        self,
        save: Callable[[Event, Callable[[str | None], None]], None],
        person_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self.setWindowTitle(f"Add an event to {person_id}")
        self.setAccessibleName("Add event")
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Event name")
        self.name_edit.setPlaceholderText("for example signup")
        self.data_edit = QPlainTextEdit("{}")
        self.data_edit.setAccessibleName("Event data (JSON)")
        mono(self.data_edit)
        self.when_edit = QDateTimeEdit(QDateTime.currentDateTimeUtc())
        self.when_edit.setAccessibleName("When (UTC)")
        self.when_edit.setTimeZone(QTimeZone.utc())
        self.when_edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Data (JSON)", self.data_edit)
        form.addRow("&When (UTC)", self.when_edit)
        self._lay_out(form, "Save event")

    def accept(self) -> None:
        """Validate and save; on a problem, say what and keep the dialog open."""
        name = self.name_edit.text().strip()
        if not name:
            self.error_label.setText("An event needs a name.")
            return
        try:
            data = parse_attributes(self.data_edit.toPlainText())
        except ValueError as exc:
            self.error_label.setText(f"Data is not valid JSON: {exc}")
            return
        when = self.when_edit.dateTime().toSecsSinceEpoch()
        self._saving()
        try:
            self._save(Event(name, data, int(when)), self.finish)
        except KnownError as exc:
            self.finish(str(exc))
