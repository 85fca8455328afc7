"""The other Liquid version's rendered body, shown beside this version's.

:class:`OtherRendering` is the right half of the Body tab's "Side by side" view: a heading
naming the other version, its rendered body (read-only, elided and pretty-printed exactly
as the body view is, by the preview worker) and a line saying where the two first differ.
:func:`mark_difference` highlights that place in a view and scrolls to it. Nothing here
compares anything: the worker found the place
(:attr:`ui.editor.preview.PreviewResult.first_difference`).

While the comparison of newer text is still coming (a result marked ``comparing``), the
view keeps the other body it has, greyed, its heading saying it is updating, and the
highlight and the note are cleared: the place of a difference in older text is never
shown beside newer text.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from ui.editor.preview import PreviewResult

__all__ = ["OtherRendering", "mark_difference"]

_MARK = QColor("#f2cc60")


def mark_difference(view: QPlainTextEdit, offset: int | None) -> tuple[int, int] | None:
    """Highlight the character at ``offset`` (a QTextDocument position) and show it.

    Clears the highlight for None. Returns the 1-based line and column marked, if any.
    """
    if offset is None:
        view.setExtraSelections([])
        return None
    document = view.document()
    offset = min(max(offset, 0), max(document.characterCount() - 1, 0))
    cursor = QTextCursor(document)
    cursor.setPosition(offset)
    block = cursor.block()
    selection = QTextEdit.ExtraSelection()
    fmt = QTextCharFormat()
    fmt.setBackground(_MARK)
    fmt.setForeground(QColor("black"))  # readable on the mark in a dark palette too
    if offset < block.position() + block.length() - 1:
        cursor.setPosition(offset + 1, QTextCursor.MoveMode.KeepAnchor)
    else:  # the difference is at a line's end (one text stops, or one has a line more)
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
    selection.format = fmt
    selection.cursor = cursor
    view.setExtraSelections([selection])
    place = QTextCursor(document)
    place.setPosition(offset)
    view.setTextCursor(place)
    view.ensureCursorVisible()
    return block.blockNumber() + 1, offset - block.position() + 1


class OtherRendering(QWidget):
    """The other version's rendered body (read-only), with where it first differs.

    Signals: none.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setAccessibleName("Other version")
        self.heading.setToolTip("The Liquid version this request does not use")
        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.view.setAccessibleName("Rendered body in the other version")
        self.view.setToolTip(
            "The body as the other Liquid version renders it (read-only); "
            "the first difference is highlighted"
        )
        self.note = QLabel()
        self.note.setAccessibleName("First difference")
        self.note.setToolTip("Where the two rendered bodies first part ways")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)

    def show_result(self, result: PreviewResult, this_view: QPlainTextEdit) -> None:
        """Show ``result``'s other body beside ``this_view`` and mark the first difference."""
        if result.comparing:
            self.heading.setText("<b>Comparing…</b>")
            self.view.setEnabled(False)
            mark_difference(self.view, None)
            mark_difference(this_view, None)
            self.note.setText("Updating for the newest text…")
            return
        self.view.setEnabled(True)
        if result.other is None:
            self.heading.setText("<b>Not compared</b>")
            self._set_text("")
            self.note.setText("Turn on the comparison to see the other version's body.")
            mark_difference(this_view, None)
            return
        self.heading.setText(f"<b>{_escape(result.other_title)}</b>")
        self._set_text(result.other_body_view)
        mark_difference(self.view, result.first_difference)
        place = mark_difference(this_view, result.first_difference)
        if place is None:
            self.note.setText("Both versions render this body the same.")
        else:
            self.note.setText(f"First difference: line {place[0]}, column {place[1]}.")

    def clear_marks(self, this_view: QPlainTextEdit) -> None:
        """Remove the highlight from ``this_view`` (the side-by-side view was hidden)."""
        mark_difference(this_view, None)

    def _set_text(self, text: str) -> None:
        if self.view.property("shownText") != text:
            self.view.setProperty("shownText", text)
            self.view.setPlainText(text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
