"""A plain-text Liquid editor: line numbers, diagnostic markers, completion, highlighting.

:class:`CodeEditor` is a QPlainTextEdit (it stays fast on large documents, unlike a rich
QTextEdit) with a gutter that numbers lines and marks lines that have a diagnostic, a wavy
underline at each diagnostic's column (Qt's extra selections: nothing in the document
changes), a QCompleter offering variable paths (``customer.email``…) inside ``{{ }}`` and
``{% %}``, and a :class:`~ui.highlighter.LiquidHighlighter`.

Highlighting is switched off above :data:`HIGHLIGHT_LIMIT` characters: the first
highlight of a document is one pass over every line on the GUI thread, which for a 1 MB
body would block the window for far longer than a keystroke may. Editing stays instant and
the preview still renders; the editor's tooltip says why the colours went away.

``single_line=True`` makes a one-line field (the URL) that keeps Liquid highlighting,
which QLineEdit cannot have: no wrapping, no line numbers, Return ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QTextEdit, QWidget

from ui.highlighter import LiquidHighlighter

__all__ = ["HIGHLIGHT_LIMIT", "CodeEditor", "Marker"]

HIGHLIGHT_LIMIT = 200_000
"""Documents longer than this (characters) are not highlighted."""
MAX_MARKERS = 100
"""At most this many diagnostics are underlined."""
_WORD = re.compile(r"[A-Za-z0-9_.\-]*$")

Marker = tuple[int, int, str, str]
"""A diagnostic marker: 1-based line, 1-based column, severity, message."""

_COLORS = {"error": QColor("#d1242f"), "warning": QColor("#bf8700")}


class _Gutter(QWidget):
    """The line-number area; painting is delegated to the editor."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_gutter(event)


class CodeEditor(QPlainTextEdit):
    """A Liquid editor.

    Signals:
        returnPressed(): Return in a single-line editor.
    """

    returnPressed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, single_line: bool = False, syntax: str = "text"
    ) -> None:
        super().__init__(parent)
        self._single = single_line
        self._markers: dict[int, str] = {}
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setTabChangesFocus(single_line)
        self.highlighter: LiquidHighlighter | None = LiquidHighlighter(self.document(), syntax)
        self._syntax = syntax
        self._completer = QCompleter(self)
        self._completer.setModel(QStringListModel(self._completer))
        self._completer.setWidget(self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self._completer.activated.connect(self._insert_completion)
        popup = self._completer.popup()
        assert popup is not None
        self._popup = popup
        if single_line:
            self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            height = self.fontMetrics().height() + 2 * int(self.document().documentMargin()) + 6
            self.setFixedHeight(height)
            self._gutter: _Gutter | None = None
        else:
            self._gutter = _Gutter(self)
            self.blockCountChanged.connect(self._update_margins)
            self.updateRequest.connect(self._update_gutter)
            self._update_margins()
        self.textChanged.connect(self._check_size)

    # -- content -------------------------------------------------------------------

    def text(self) -> str:
        """The whole text."""
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text (undo history restarts), choosing highlighting by size first."""
        self._enable_highlighting(len(text) <= HIGHLIGHT_LIMIT)
        if self._single:
            text = text.replace("\n", " ")
        self.setPlainText(text)

    def set_syntax(self, syntax: str) -> None:
        """The body syntax to highlight (``json``, ``xml``, ``form``, ``text``)."""
        self._syntax = syntax
        if self.highlighter is not None:
            self.highlighter.set_syntax(syntax)

    @property
    def highlighting(self) -> bool:
        """Whether highlighting is on (off for very large documents)."""
        return self.highlighter is not None

    def _enable_highlighting(self, wanted: bool) -> None:
        if wanted and self.highlighter is None:
            self.highlighter = LiquidHighlighter(self.document(), self._syntax)
            self.setToolTip("")
        elif not wanted and self.highlighter is not None:
            self.highlighter.setDocument(None)
            self.highlighter.deleteLater()
            self.highlighter = None
            self.setToolTip(
                f"Highlighting is off: the text is longer than {HIGHLIGHT_LIMIT:,} characters."
            )

    def _check_size(self) -> None:
        if self.highlighter is not None and self.document().characterCount() > HIGHLIGHT_LIMIT:
            self._enable_highlighting(False)

    # -- navigation and markers ----------------------------------------------------

    def jump_to(self, line: int, column: int) -> None:
        """Put the cursor at 1-based ``line`` and ``column``, show it and focus the editor."""
        block = self.document().findBlockByNumber(max(line, 1) - 1)
        if not block.isValid():
            block = self.document().lastBlock()
        cursor = QTextCursor(block)
        offset = min(max(column, 1) - 1, max(block.length() - 1, 0))
        cursor.setPosition(block.position() + offset)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def cursor_line_column(self) -> tuple[int, int]:
        """The cursor's 1-based line and column."""
        cursor = self.textCursor()
        return cursor.blockNumber() + 1, cursor.positionInBlock() + 1

    def set_markers(self, markers: Sequence[Marker]) -> None:
        """Underline each diagnostic's position and mark its line in the gutter."""
        selections = []
        lines: dict[int, str] = {}
        document = self.document()
        for line, column, severity, message in markers[:MAX_MARKERS]:
            if lines.get(line) != "error":
                lines[line] = severity
            block = document.findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            text = block.text()
            start = min(max(column - 1, 0), len(text))
            end = start + 1
            while end < len(text) and not text[end].isspace() and end - start < 40:
                end += 1
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(_COLORS.get(severity, _COLORS["warning"]))
            fmt.setToolTip(message)
            selection.format = fmt
            cursor = QTextCursor(block)
            cursor.setPosition(block.position() + start)
            if end > start and start < len(text):
                cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
            else:
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = cursor
            selections.append(selection)
        self.setExtraSelections(selections)
        self._markers = lines
        if self._gutter is not None:
            self._gutter.update()

    @property
    def marked_lines(self) -> dict[int, str]:
        """Lines with a marker and their worst severity."""
        return dict(self._markers)

    # -- completion ----------------------------------------------------------------

    def set_completions(self, words: Iterable[str]) -> None:
        """The variable paths offered inside ``{{ }}`` and ``{% %}``."""
        model = self._completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList(sorted(set(words)))

    def completions(self) -> list[str]:
        """The variable paths offered."""
        model = self._completer.model()
        assert isinstance(model, QStringListModel)
        return list(model.stringList())

    def _prefix(self) -> str | None:
        """The word before the cursor when the cursor is inside a Liquid region."""
        cursor = self.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        opened = max(before.rfind("{{"), before.rfind("{%"))
        closed = max(before.rfind("}}"), before.rfind("%}"))
        if opened < 0 or closed > opened:
            return None
        match = _WORD.search(before)
        return match.group() if match else ""

    def _insert_completion(self, word: str) -> None:
        prefix = self._prefix() or ""
        cursor = self.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(prefix)
        )
        cursor.insertText(word)
        self.setTextCursor(cursor)

    def show_completions(self, force: bool = False) -> bool:
        """Pop up completions for the word at the cursor; True when the popup shows."""
        prefix = self._prefix()
        if prefix is None or (not prefix and not force):
            self._popup.hide()
            return False
        self._completer.setCompletionPrefix(prefix)
        if self._completer.completionCount() == 0:
            self._popup.hide()
            return False
        rect = self.cursorRect()
        rect.setWidth(
            self._popup.sizeHintForColumn(0) + self._popup.verticalScrollBar().sizeHint().width()
        )
        self._completer.complete(rect)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self._popup
        keys = (Qt.Key.Key_Enter, Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Tab)
        if popup.isVisible() and event.key() in keys:
            event.ignore()  # the completer handles these
            return
        if self._single and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.returnPressed.emit()
            event.ignore()
            return
        forced = (
            event.key() == Qt.Key.Key_Space
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        )
        if forced:
            self.show_completions(force=True)
            return
        super().keyPressEvent(event)
        if event.text() and (event.text().isalnum() or event.text() in "._"):
            self.show_completions()
        elif popup.isVisible():
            popup.hide()

    # -- gutter --------------------------------------------------------------------

    def gutter_width(self) -> int:
        """Width of the line-number area in pixels."""
        digits = max(2, len(str(self.blockCount())))
        return 14 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_margins(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if self._gutter is None:
            return
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._gutter is not None:
            area = self.contentsRect()
            self._gutter.setGeometry(
                QRect(area.left(), area.top(), self.gutter_width(), area.height())
            )

    def paint_gutter(self, event: QPaintEvent) -> None:
        """Paint line numbers and diagnostic markers for the visible lines."""
        assert self._gutter is not None
        painter = QPainter(self._gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.alternateBase())
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        width = self._gutter.width()
        painter.setPen(palette.placeholderText().color())
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                severity = self._markers.get(number + 1)
                if severity is not None:
                    painter.setBrush(_COLORS.get(severity, _COLORS["warning"]))
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.drawEllipse(3, top + height // 2 - 3, 6, 6)
                    painter.setPen(palette.placeholderText().color())
                painter.drawText(
                    0, top, width - 4, height, Qt.AlignmentFlag.AlignRight, str(number + 1)
                )
            block = block.next()
            top = bottom
            number += 1
        painter.end()
