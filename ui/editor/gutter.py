"""The code editor's margin and markers: line numbers, a dot on each line with a
diagnostic, and a wavy underline at each diagnostic's column.

:class:`Gutter` is the line-number area beside a :class:`~ui.editor.code_editor.CodeEditor`:
it is as wide as the largest line number needs (two digits at least) and paints only the
lines in view, each with a red (error) or amber (warning) dot when the line has a marker.
:func:`underlines` turns :data:`Marker` values into Qt's extra selections (nothing in the
document changes): each underlines the word at its column (up to 40 characters, or the
whole line when the column is past its end) and carries the message as its tooltip. At
most :data:`MAX_MARKERS` are underlined; a line's dot shows its worst severity.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

__all__ = ["MAX_MARKERS", "Gutter", "Marker", "underlines"]

MAX_MARKERS = 100
"""At most this many diagnostics are underlined."""

Marker = tuple[int, int, str, str]
"""A diagnostic marker: 1-based line, 1-based column, severity, message."""

_COLORS = {"error": QColor("#d1242f"), "warning": QColor("#bf8700")}


def underlines(
    editor: QPlainTextEdit, markers: Sequence[Marker]
) -> tuple[list[QTextEdit.ExtraSelection], dict[int, str]]:
    """The wavy underlines of ``markers`` in ``editor``, and each marked line's worst
    severity (by 1-based line)."""
    selections = []
    lines: dict[int, str] = {}
    document = editor.document()
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
    return selections, lines


class Gutter(QWidget):
    """The line-number area of a plain-text editor, with a dot on each marked line.

    The editor keeps it beside its viewport: it calls :meth:`follow` with its
    ``updateRequest`` and :meth:`place` when resized, and sets :attr:`marked`.
    """

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self._editor = editor
        self.marked: dict[int, str] = {}
        """The worst severity of each marked line (1-based)."""

    def width_needed(self) -> int:
        """Width of the line-number area in pixels."""
        digits = max(2, len(str(self._editor.blockCount())))
        return 14 + self._editor.fontMetrics().horizontalAdvance("9") * digits

    def sizeHint(self) -> QSize:
        return QSize(self.width_needed(), 0)

    def follow(self, rect: QRect, dy: int) -> None:
        """Scroll or repaint with the editor's viewport (its ``updateRequest``)."""
        if dy:
            self.scroll(0, dy)
        else:
            self.update(0, rect.y(), self.width(), rect.height())

    def place(self) -> None:
        """Stand at the editor's left edge, as tall as it is."""
        area = self._editor.contentsRect()
        self.setGeometry(QRect(area.left(), area.top(), self.width_needed(), area.height()))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint line numbers and diagnostic dots for the visible lines."""
        editor = self._editor
        painter = QPainter(self)
        palette = editor.palette()
        painter.fillRect(event.rect(), palette.alternateBase())
        block = editor.firstVisibleBlock()
        number = block.blockNumber()
        top = round(editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top())
        height = editor.fontMetrics().height()
        width = self.width()
        painter.setPen(palette.placeholderText().color())
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(editor.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                severity = self.marked.get(number + 1)
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
