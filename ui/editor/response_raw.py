"""The response viewer's Raw view: a body's text, filled in slices, with a find bar.

:class:`RawBody` shows a text read-only, monospace, unwrapped. It is filled only when
first wanted (:meth:`RawBody.start`), :data:`RAW_SLICE` characters per pass of the event
loop, because Qt lays a document out as it is set and a 1 MiB body set at once freezes the
window for a second; :func:`display_text` breaks lines longer than :data:`LINE_CHARS` for
the same reason (Qt lays out a line as one block). ``loaded`` says when it is all in.

The find bar under it searches case-insensitively. The count is taken from the whole text
at once (a string count, fast even for 1 MiB); next and previous move through what is
filled in so far (the count says "still loading" meanwhile), and the search is made again
once the text is all in, so nothing ever waits for the filling. Enter and F3 go to the
next match, Shift+Enter and Shift+F3 to the previous one, Esc closes the bar.

Signals:
    loaded(): the view holds the whole text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.palette import mono

__all__ = ["LINE_CHARS", "RAW_SLICE", "RawBody", "display_text"]

RAW_SLICE = 16_000
"""Characters added to the view per pass of the event loop."""
LINE_CHARS = 2_000
"""A longer line is shown broken into pieces of this many characters."""


def display_text(text: str) -> tuple[str, bool]:
    """``text`` with lines longer than :data:`LINE_CHARS` broken; and whether any was."""
    if len(text) <= LINE_CHARS:
        return text, False
    lines = text.split("\n")
    if all(len(line) <= LINE_CHARS for line in lines):
        return text, False
    pieces: list[str] = []
    for line in lines:
        if len(line) <= LINE_CHARS:
            pieces.append(line)
        else:
            pieces += [line[i : i + LINE_CHARS] for i in range(0, len(line), LINE_CHARS)]
    return "\n".join(pieces), True


class RawBody(QWidget):
    """A read-only text filled in slices, and its find bar (see the module docstring).

    Signals:
        loaded(): the view holds the whole text.
    """

    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = ""
        self._at = 0
        self._filled = False
        self._lower: str | None = None
        self.edit = QPlainTextEdit()
        self.edit.setReadOnly(True)
        self.edit.setAccessibleName("Raw body text")
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.edit.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        mono(self.edit)
        self.find_bar = self._build_find_bar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.find_bar)
        self._slicer = QTimer(self)
        self._slicer.setInterval(0)
        self._slicer.setSingleShot(True)
        self._slicer.timeout.connect(self._fill_slice)

    def _build_find_bar(self) -> QWidget:
        bar = QWidget()
        self.find_field = QLineEdit()
        self.find_field.setAccessibleName("Find in response")
        self.find_field.setPlaceholderText("Find in the body")
        self.find_field.setClearButtonEnabled(True)
        self.find_field.textChanged.connect(self._find_changed)
        self.find_field.returnPressed.connect(self.find_next)
        self.find_field.installEventFilter(self)
        previous = QToolButton()
        previous.setText("↑")
        previous.setAccessibleName("Previous match")
        previous.setToolTip("Previous match (Shift+F3, Shift+Enter)")
        previous.clicked.connect(self.find_previous)
        following = QToolButton()
        following.setText("↓")
        following.setAccessibleName("Next match")
        following.setToolTip("Next match (F3, Enter)")
        following.clicked.connect(self.find_next)
        self.find_count = QLabel()
        self.find_count.setAccessibleName("Matches")
        close = QToolButton()
        close.setText("✕")
        close.setAccessibleName("Close find")
        close.setToolTip("Close the find bar (Esc)")
        close.clicked.connect(self.close_find)
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.find_field, 1)
        for widget in (previous, following, self.find_count, close):
            row.addWidget(widget)
        bar.hide()
        return bar

    # -- the text ------------------------------------------------------------------

    def set_text(self, text: str, fill_now: bool) -> None:
        """Show ``text`` (filled at once when ``fill_now``, else on :meth:`start`)."""
        self._slicer.stop()
        self._source, self._at, self._filled = text, 0, False
        self._lower = None
        self.edit.clear()
        if fill_now:
            self.start()

    def start(self) -> None:
        """Start filling the view (nothing when it is filled or being filled)."""
        if self._filled or self._slicer.isActive() or self._at:
            return
        self._fill_slice()

    def text(self) -> str:
        """The whole text shown (even while the view is still being filled)."""
        return self._source

    @property
    def is_loaded(self) -> bool:
        """Whether the view holds the whole text."""
        return self._filled

    def _fill_slice(self) -> None:
        text, start = self._source, self._at
        end = min(len(text), start + RAW_SLICE)
        if end < len(text):
            newline = text.rfind("\n", start + RAW_SLICE // 2, end)
            if newline >= 0:
                end = newline + 1
        if start == 0:
            self.edit.setPlainText(text[:end])
        else:
            cursor = self.edit.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            cursor.insertText(text[start:end])
        self._at = end
        if end < len(text):
            self._slicer.start()
            return
        self._filled = True
        cursor = self.edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.edit.setTextCursor(cursor)
        self.loaded.emit()
        if self.find_bar.isVisible() and self.find_field.text():
            self._find_changed(self.find_field.text())

    # -- find ----------------------------------------------------------------------

    def open_find(self) -> None:
        """Show the find bar and put the focus in it."""
        self.start()
        self.find_bar.show()
        self.find_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_field.selectAll()
        if self.find_field.text():
            self._find_changed(self.find_field.text())

    def close_find(self) -> None:
        """Hide the find bar; the focus goes back to the text."""
        self.find_bar.hide()
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def match_count(self) -> int:
        """How many times the find field's text is in the text (case-insensitive)."""
        needle = self.find_field.text().lower()
        if not needle:
            return 0
        if self._lower is None:
            self._lower = self._source.lower()
        return self._lower.count(needle)

    def current_match(self) -> int:
        """The 1-based number of the selected match (0 when none is selected)."""
        cursor = self.edit.textCursor()
        needle = self.find_field.text().lower()
        if not needle or not cursor.hasSelection() or cursor.selectedText().lower() != needle:
            return 0
        if self._lower is None:
            self._lower = self._source.lower()
        return self._lower.count(needle, 0, cursor.selectionStart()) + 1

    def find_next(self) -> bool:
        """Select the next match (wrapping around); False when there is none."""
        return self._find(QTextDocument.FindFlag(0))

    def find_previous(self) -> bool:
        """Select the previous match (wrapping around); False when there is none."""
        return self._find(QTextDocument.FindFlag.FindBackward)

    def _find(self, flags: QTextDocument.FindFlag) -> bool:
        needle = self.find_field.text()
        if not needle:
            return False
        found = self.edit.find(needle, flags)
        if not found:
            cursor = self.edit.textCursor()
            backward = bool(flags & QTextDocument.FindFlag.FindBackward)
            cursor.movePosition(
                cursor.MoveOperation.End if backward else cursor.MoveOperation.Start
            )
            self.edit.setTextCursor(cursor)
            found = self.edit.find(needle, flags)
        self._show_count()
        return found

    def _find_changed(self, text: str) -> None:
        self._lower = None
        if text:
            cursor = self.edit.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self.edit.setTextCursor(cursor)
            self._find(QTextDocument.FindFlag(0))
        else:
            self._show_count()

    def _show_count(self) -> None:
        total = self.match_count()
        if not self.find_field.text():
            self.find_count.setText("")
        elif total == 0:
            self.find_count.setText("No matches")
        else:
            current = self.current_match()
            text = f"{current} of {total}" if current else f"{total} match" + "es" * (total > 1)
            self.find_count.setText(text if self._filled else text + " (still loading)")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the find field: Esc closes the bar, Shift+Enter goes to the previous match."""
        if watched is self.find_field and isinstance(event, QKeyEvent):
            kind = event.type()
            escape = event.key() == Qt.Key.Key_Escape
            back = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and bool(
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and (escape or back):
                event.accept()
                if kind == QEvent.Type.KeyPress:
                    self.close_find() if escape else self.find_previous()
                return True
        return super().eventFilter(watched, event)

    @staticmethod
    def is_find_key(event: QKeyEvent) -> bool:
        """Whether ``event`` is Find, Find next or Find previous (Ctrl+F, F3, Shift+F3)."""
        return any(
            event.matches(key)
            for key in (
                QKeySequence.StandardKey.Find,
                QKeySequence.StandardKey.FindNext,
                QKeySequence.StandardKey.FindPrevious,
            )
        )
