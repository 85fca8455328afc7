"""Completion in the code editor: what fits at the cursor, and the popup that offers it.

Inside ``{{ }}`` and ``{% %}`` the editor offers variable paths (``customer.email``…), filter
names after a ``|`` and tag names right after ``{%`` (those of the request's Liquid version,
which the composer sets). :func:`completion_context` reads the line before the cursor and
says which of the three is being typed, and the word so far.

:class:`Completion` holds the words and a QCompleter made when first needed (start-up needs
none), matching anywhere in a name, case-blind. Its keys: Return, Enter or Tab on a
highlighted suggestion take it (QCompleter's own handling); with none highlighted, Return,
Enter or Tab take the only suggestion when there is one, and otherwise close the popup and
reach the editor as if it were not there (a new line, a tab), so no keypress is lost. The
popup is as wide as its longest name (measured with the popup's font, within 160–640
pixels plus the scroll bar).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QPlainTextEdit

__all__ = ["Completion", "completion_context"]

_WORD = re.compile(r"[A-Za-z0-9_.\-]*$")
_AFTER_PIPE = re.compile(r"\|\s*$")
_AFTER_TAG_OPEN = re.compile(r"\{%-?\s*$")
_ACCEPT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)


def completion_context(before: str) -> tuple[str, str] | None:
    """What is being typed at the end of ``before`` (a line up to the cursor) inside a
    Liquid region: (kind, word so far), or None outside one.

    The kind is ``filter`` after a ``|``, ``tag`` right after ``{%``, else ``variable``.
    """
    opened = max(before.rfind("{{"), before.rfind("{%"))
    closed = max(before.rfind("}}"), before.rfind("%}"))
    if opened < 0 or closed > opened:
        return None
    match = _WORD.search(before)
    word = match.group() if match else ""
    head = before[opened : len(before) - len(word)]
    if _AFTER_PIPE.search(head):
        return "filter", word
    if _AFTER_TAG_OPEN.fullmatch(head):
        return "tag", word
    return "variable", word


class _PopupKeys(QObject):
    """Hands the completion popup's Return, Enter and Tab to the completion first."""

    def __init__(self, completion: Completion) -> None:
        super().__init__(completion)
        self._completion = completion

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._completion.popup_key(event)
        return False


class Completion(QObject):
    """The words an editor offers and its completer popup (see the module docstring)."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self._editor = editor
        self._words: list[str] = []
        self._filters: list[str] = []
        self._tags: list[str] = []
        self._offered = "variable"
        self.parts: tuple[QCompleter, QAbstractItemView] | None = None
        """The completer and its popup, once made."""

    def set_words(self, words: Iterable[str]) -> None:
        """The variable paths offered inside ``{{ }}`` and ``{% %}``."""
        self._words = sorted(set(words))
        if self._offered == "variable":
            self._offer("variable", force=True)

    def set_liquid_names(self, filters: Iterable[str], tags: Iterable[str]) -> None:
        """The filter names offered after ``|`` and the tag names offered after ``{%``."""
        self._filters = sorted(set(filters))
        self._tags = sorted(set(tags))
        if self._offered != "variable":
            self._offer(self._offered, force=True)

    def choices(self, kind: str) -> list[str]:
        """The words of ``kind``: ``variable`` paths, ``filter`` names or ``tag`` names."""
        return {"filter": self._filters, "tag": self._tags}.get(kind, self._words)

    def _offer(self, kind: str, force: bool = False) -> None:
        """Make the completer's list the words of ``kind``."""
        if kind == self._offered and not force:
            return
        self._offered = kind
        if self.parts is not None:
            model = self.parts[0].model()
            assert isinstance(model, QStringListModel)
            model.setStringList(self.choices(kind))

    def made(self) -> tuple[QCompleter, QAbstractItemView]:
        """The completer and its popup, made on first use."""
        if self.parts is None:
            completer = QCompleter(self._editor)
            completer.setModel(QStringListModel(self.choices(self._offered), completer))
            completer.setWidget(self._editor)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.activated.connect(self._insert)
            popup = completer.popup()
            assert popup is not None
            self._popup_keys = _PopupKeys(self)
            popup.installEventFilter(self._popup_keys)  # after the completer's: asked first
            self.parts = (completer, popup)
        return self.parts

    @property
    def visible(self) -> bool:
        """Whether the popup shows."""
        return self.parts is not None and self.parts[1].isVisible()

    def hide(self) -> None:
        """Close the popup (if it was ever made)."""
        if self.parts is not None:
            self.parts[1].hide()

    def popup_key(self, event: QKeyEvent) -> bool:
        """Return, Enter or Tab in the popup with no suggestion highlighted; True if handled."""
        parts = self.parts
        if parts is None or event.key() not in _ACCEPT_KEYS or parts[1].currentIndex().isValid():
            return False
        completer, popup = parts
        if completer.completionCount() == 1:
            completer.setCurrentRow(0)
            word = completer.currentCompletion()
            popup.hide()
            self._insert(word)
            return True
        popup.hide()
        self._editor.keyPressEvent(event)  # as if the popup were not there
        return True

    def context(self) -> tuple[str, str] | None:
        """What is being typed at the editor's cursor (:func:`completion_context`)."""
        cursor = self._editor.textCursor()
        return completion_context(cursor.block().text()[: cursor.positionInBlock()])

    def _insert(self, word: str) -> None:
        found = self.context()
        prefix = "" if found is None else found[1]
        cursor = self._editor.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(prefix)
        )
        cursor.insertText(word)
        self._editor.setTextCursor(cursor)

    def show(self, force: bool = False) -> bool:
        """Pop up completions for the word at the cursor; True when the popup shows."""
        found = self.context()
        if found is None or (not found[1] and not force):
            self.hide()
            return False
        kind, prefix = found
        self._offer(kind)
        completer, popup = self.made()
        completer.setCompletionPrefix(prefix)
        if completer.completionCount() == 0:
            popup.hide()
            return False
        rect = self._editor.cursorRect()
        rect.setWidth(self._popup_width())
        completer.complete(rect)
        return True

    def _popup_width(self) -> int:
        """Wide enough for the longest suggestion now offered (the first 500 measured)."""
        completer, popup = self.made()
        model = completer.completionModel()
        metrics = popup.fontMetrics()
        widest = max(
            (
                metrics.horizontalAdvance(str(model.index(row, 0).data()))
                for row in range(min(model.rowCount(), 500))
            ),
            default=0,
        )
        padding = 2 * popup.frameWidth() + 24  # the item's margins and the focus frame
        inner = min(max(widest + padding, 160), 640)
        return inner + popup.verticalScrollBar().sizeHint().width()
