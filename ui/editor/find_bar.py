"""The find and replace bar under the body editor (Ctrl+F finds, Ctrl+H replaces).

:class:`FindBar` searches a QPlainTextEdit for plain text (no patterns: a template is
full of characters a regular expression treats specially), case-insensitively unless
"Match case" is on. Enter in the find field goes to the next match, Shift+Enter to the
previous one, and the search wraps around the end with a word in the bar saying so. The
bar counts the matches (in the text as the editor holds it, so a 1 MB body is counted in
a few milliseconds). *Replace* replaces the selected match and goes to the next;
*Replace all* replaces every match as one undo step (Ctrl+Z takes them all back). Esc
closes the bar and puts the cursor back in the editor, leaving the last match selected.

The bar never edits a read-only editor (a large text still loading): replacing waits.

Signals:
    closed(): the bar was hidden (Esc or its close button).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from composer.wording import counted

__all__ = ["FindBar"]


class _Field(QLineEdit):
    """A line edit that turns Enter into next, Shift+Enter into previous, Esc into close."""

    def __init__(self, bar: FindBar, name: str, placeholder: str) -> None:
        super().__init__()
        self._bar = bar
        self.setAccessibleName(name)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self._bar.close_bar()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self is self._bar.replace_field:
                self._bar.replace_one()
            else:
                self._bar.find_next(
                    backward=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                )
        else:
            super().keyPressEvent(event)


class FindBar(QWidget):
    """Find (and replace) in ``editor``; see the module docstring."""

    closed = Signal()

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.setAccessibleName("Find and replace")
        self.find_field = _Field(self, "Find", "Find (Enter: next, Shift+Enter: previous)")
        self.find_field.textChanged.connect(self._find_changed)
        self.replace_field = _Field(self, "Replace with", "Replace with (Enter: replace)")
        self.match_case = QCheckBox("Match &case")
        self.match_case.setAccessibleName("Match case")
        self.match_case.setToolTip("Find only text written with the same capitals")
        self.match_case.toggled.connect(lambda _on: self._find_changed(self.find_field.text()))
        self.status = QLabel()
        self.status.setAccessibleName("Find result")
        self.status.setMinimumWidth(110)
        self.previous_button = self._button("Previous", "Previous match (Shift+Enter)", "↑")
        self.previous_button.clicked.connect(lambda: self.find_next(backward=True))
        self.next_button = self._button("Next", "Next match (Enter)", "↓")
        self.next_button.clicked.connect(lambda: self.find_next())
        self.replace_button = self._button("Replace", "Replace this match and find the next")
        self.replace_button.clicked.connect(self.replace_one)
        self.replace_all_button = self._button(
            "Replace all", "Replace every match (one Ctrl+Z takes them all back)"
        )
        self.replace_all_button.clicked.connect(self.replace_all)
        self.close_button = self._button("Close find bar", "Close (Esc)", "✕")
        self.close_button.clicked.connect(self.close_bar)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.addWidget(self.find_field, 0, 0)
        grid.addWidget(self.previous_button, 0, 1)
        grid.addWidget(self.next_button, 0, 2)
        grid.addWidget(self.match_case, 0, 3)
        grid.addWidget(self.status, 0, 4)
        grid.addWidget(self.close_button, 0, 5)
        grid.addWidget(self.replace_field, 1, 0)
        grid.addWidget(self.replace_button, 1, 1, 1, 2)
        grid.addWidget(self.replace_all_button, 1, 3)
        grid.setColumnStretch(0, 1)
        self._replace_row = (self.replace_field, self.replace_button, self.replace_all_button)
        self.hide()

    def _button(self, name: str, tip: str, text: str | None = None) -> QToolButton:
        button = QToolButton()
        button.setText(text or name)
        button.setAccessibleName(name)
        button.setToolTip(tip)
        return button

    # -- opening and closing -------------------------------------------------------

    def open_find(self, replace: bool = False) -> None:
        """Show the bar (with the replace row when ``replace``), the selection as the text."""
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:  # one line of selection seeds the search
            self.find_field.setText(selected)
        for widget in self._replace_row:
            widget.setVisible(replace)
        self.show()
        field = self.replace_field if replace and self.find_field.text() else self.find_field
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()
        self._count()

    def close_bar(self) -> None:
        """Hide the bar and give the editor the focus back."""
        self.hide()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    @property
    def replacing(self) -> bool:
        """Whether the replace row is shown."""
        return self.replace_field.isVisibleTo(self)

    # -- finding -------------------------------------------------------------------

    def _flags(self, backward: bool = False) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if self.match_case.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        return flags

    def _find_changed(self, _text: str) -> None:
        """Typing in the find field finds from where the current match starts."""
        cursor = self.editor.textCursor()
        cursor.setPosition(cursor.selectionStart())
        self.editor.setTextCursor(cursor)
        self.find_next()

    def find_next(self, backward: bool = False) -> bool:
        """Select the next (or previous) match, wrapping around; False when there is none."""
        needle = self.find_field.text()
        if not needle:
            self._count()
            return False
        document = self.editor.document()
        flags = self._flags(backward)
        found = document.find(needle, self.editor.textCursor(), flags)
        wrapped = False
        if found.isNull():
            start = QTextCursor(document)
            if backward:
                start.movePosition(QTextCursor.MoveOperation.End)
            found = document.find(needle, start, flags)
            wrapped = not found.isNull()
        if found.isNull():
            self._count()
            return False
        self.editor.setTextCursor(found)
        self.editor.ensureCursorVisible()
        self._count("wrapped around" if wrapped else "")
        return True

    def count(self) -> int:
        """How many times the find text occurs in the editor's text."""
        needle = self.find_field.text()
        if not needle:
            return 0
        text = self.editor.toPlainText()
        if not self.match_case.isChecked():
            needle, text = needle.casefold(), text.casefold()
        return text.count(needle)

    def _count(self, note: str = "") -> None:
        if not self.find_field.text():
            self.status.setText("")
            return
        found = self.count()
        said = "No match" if not found else counted(found, "match", "matches")
        self.status.setText(f"{said}, {note}" if note else said)

    def _is_match(self, cursor: QTextCursor) -> bool:
        selected, needle = cursor.selectedText(), self.find_field.text()
        if not self.match_case.isChecked():
            return selected.casefold() == needle.casefold()
        return selected == needle

    # -- replacing -----------------------------------------------------------------

    def replace_one(self) -> bool:
        """Replace the selected match (finding one first when none is selected)."""
        if self.editor.isReadOnly() or not self.find_field.text():
            return False
        cursor = self.editor.textCursor()
        if not (cursor.hasSelection() and self._is_match(cursor)):
            return self.find_next()
        cursor.insertText(self.replace_field.text())
        self.editor.setTextCursor(cursor)
        self.find_next()
        return True

    def replace_all(self) -> int:
        """Replace every match as one undo step; how many were replaced."""
        needle = self.find_field.text()
        if self.editor.isReadOnly() or not needle:
            return 0
        document = self.editor.document()
        flags = self._flags()
        replacement = self.replace_field.text()
        edit = QTextCursor(document)
        edit.beginEditBlock()
        done = 0
        found = document.find(needle, 0, flags)
        while not found.isNull():
            found.insertText(replacement)
            done += 1
            found = document.find(needle, found, flags)
        edit.endEditBlock()
        self._count()
        self.status.setText(f"Replaced {done}." if done else "No match")
        return done
