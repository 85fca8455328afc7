"""A plain-text Liquid editor: the editor itself, loading and pasting large texts in slices.

:class:`CodeEditor` is a QPlainTextEdit (it stays fast on large documents, unlike a rich
QTextEdit) put together from parts that each have a module: the gutter that numbers lines
and marks lines that have a diagnostic, with a wavy underline at each diagnostic's column
(:mod:`ui.editor.gutter`); completion inside ``{{ }}`` and ``{% %}`` of variable paths,
filter names and tag names (:mod:`ui.editor.completion`); highlighting
(:class:`~ui.editor.highlighter.LiquidHighlighter`); and the editing keys
(:mod:`ui.editor.editing`). This module holds what ties them to the text: its size limits,
the slices, the keys and the shortcuts. ``Marker`` and ``MAX_MARKERS`` are importable from
here too.

Highlighting is switched off above :data:`HIGHLIGHT_LIMIT` characters: the first
highlight of a document is one pass over every line on the GUI thread, which for a 1 MB
body would block the window for far longer than a keystroke may. Editing stays instant and
the preview still renders; the editor's tooltip says why the colours went away.

A large text is loaded in slices (:data:`LOAD_SLICE` characters per pass of the event
loop): ``setPlainText`` of a 1 MB body alone blocks the GUI thread for longer than the
50 ms a window may freeze, because the whole document is split into blocks and laid out at
once. The first slice is shown at once, the rest is appended on a zero timer while the
editor is read-only and quiet (no ``textChanged``, no undo steps); :meth:`CodeEditor.text`
answers with the whole text from the start, so a preview or a save never sees half of it.
``loaded`` says when the last slice is in.

A large paste arrives the same way: its first slice replaces the selection as one undo
step, each later slice is joined to that step (one Ctrl+Z takes the whole paste back),
the editor is read-only and quiet meanwhile, :meth:`CodeEditor.text` answers with the
text as it will be, and one ``textChanged`` is emitted when the last slice is in.

Completion keys are :mod:`ui.editor.completion`'s.

Editing keys (:mod:`ui.editor.editing`): Enter keeps the line's indentation and adds a level
after ``{``, ``[`` or a Liquid block tag; with ``comments=True`` (a template, not a sample
response) Ctrl+/ wraps the selected lines in ``{% comment %}`` … ``{% endcomment %}`` or
unwraps them; Ctrl+Space shows completions. Each
shortcut is a QAction of the editor alone, so Help ▸ Keyboard shortcuts lists it. Tab
indents, so the keyboard alone can still leave the editor: Esc, then Tab (or Shift+Tab),
moves the focus on, as in CodeMirror; any other key in between forgets the Esc.

``single_line=True`` makes a one-line field (the URL) that keeps Liquid highlighting,
which QLineEdit cannot have: no wrapping, no line numbers, Return ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import (
    QMimeData,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QFontDatabase,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QPlainTextEdit,
    QWidget,
)

from ui.editor.completion import Completion
from ui.editor.editing import insert_newline, toggle_comment
from ui.editor.gutter import MAX_MARKERS, Gutter, Marker, underlines
from ui.editor.highlighter import LiquidHighlighter

__all__ = ["HIGHLIGHT_LIMIT", "LOAD_SLICE", "MAX_MARKERS", "CodeEditor", "Marker"]

HIGHLIGHT_LIMIT = 200_000
"""Documents longer than this (characters) are not highlighted."""
LOAD_SLICE = 64 * 1024
"""A text longer than this is loaded this many characters per event-loop pass."""


class CodeEditor(QPlainTextEdit):
    """A Liquid editor.

    Signals:
        returnPressed(): Return in a single-line editor.
        loaded(): the last slice of a text set with :meth:`set_text` is in the document.
    """

    returnPressed = Signal()
    loaded = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        single_line: bool = False,
        syntax: str = "text",
        comments: bool = False,
    ) -> None:
        super().__init__(parent)
        self._single = single_line
        self._markers: dict[int, str] = {}
        self._marker_list: Sequence[Marker] = ()
        self._pending: str | None = None
        self._pending_at = 0
        self._paste: str | None = None  # a large paste still arriving
        self._paste_at = 0  # how much of it is in the document
        self._paste_cursor: QTextCursor | None = None
        self._was_read_only = False
        self._tab_leaves = False  # Esc was pressed: the next Tab moves the focus on
        self._slicer = QTimer(self)
        self._slicer.setSingleShot(True)
        self._slicer.setInterval(0)
        self._slicer.timeout.connect(self._load_slice)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setTabChangesFocus(single_line)
        self.highlighter: LiquidHighlighter | None = LiquidHighlighter(self.document(), syntax)
        self._syntax = syntax
        self.completion = Completion(self)
        """The words offered at the cursor and their popup."""
        if single_line:
            self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            height = self.fontMetrics().height() + 2 * int(self.document().documentMargin()) + 6
            self.setFixedHeight(height)
            self._gutter: Gutter | None = None
        else:
            self._gutter = Gutter(self)
            self.blockCountChanged.connect(self._update_margins)
            self.updateRequest.connect(self._gutter.follow)
            self._update_margins()
        self.textChanged.connect(self._check_size)
        self.complete_action = self._action(
            "Show completions", "Ctrl+Space", lambda: self.show_completions(force=True)
        )
        """Ctrl+Space: the variables, filters or tags that fit at the cursor."""
        self.comment_action: QAction | None = None
        """Ctrl+/: comment the selected lines out, or in again (a template's editor)."""
        if comments and not single_line:
            self.comment_action = self._action(
                "Toggle Liquid comment", "Ctrl+/", self.toggle_comment
            )

    def _action(self, text: str, keys: str, slot: Callable[[], object]) -> QAction:
        """A shortcut of this editor alone (listed in Help ▸ Keyboard shortcuts)."""
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return action

    def toggle_comment(self) -> None:
        """Wrap the selected lines in a Liquid comment, or unwrap them (one undo step)."""
        if self.isReadOnly():
            return
        cursor = self.textCursor()
        toggle_comment(cursor)
        self.setTextCursor(cursor)

    # -- content -------------------------------------------------------------------

    def text(self) -> str:
        """The whole text (all of it even while a large text is still being loaded)."""
        if self._pending is not None:
            return self._pending
        if self._paste is not None and self._paste_cursor is not None:
            shown, at = self.toPlainText(), self._paste_cursor.position()
            return shown[:at] + self._paste[self._paste_at :] + shown[at:]
        return self.toPlainText()

    def text_length(self) -> int:
        """The text's length in characters, without copying it."""
        if self._pending is not None:
            return len(self._pending)
        rest = len(self._paste) - self._paste_at if self._paste is not None else 0
        return max(self.document().characterCount() - 1, 0) + rest

    @property
    def loading(self) -> bool:
        """Whether slices of a large text (set or pasted) are still arriving."""
        return self._pending is not None or self._paste is not None

    def set_text(self, text: str) -> None:
        """Replace the text (undo history restarts), choosing highlighting by size first.

        A text longer than :data:`LOAD_SLICE` shows its first slice now and the rest over
        the next passes of the event loop (``loaded`` is emitted after the last one).
        """
        self._finish_loading(emit=False)
        self._finish_paste(emit=False)
        self._enable_highlighting(len(text) <= HIGHLIGHT_LIMIT)
        if self._single:
            text = text.replace("\n", " ")
        if len(text) <= LOAD_SLICE:
            self.setPlainText(text)
            return
        self._pending = text
        self._pending_at = self._slice_end(text, 0)
        self._was_read_only = self.isReadOnly()
        self.setPlainText(text[: self._pending_at])
        self.setReadOnly(True)
        self.document().setUndoRedoEnabled(False)
        self._slicer.start()

    @staticmethod
    def _slice_end(text: str, start: int) -> int:
        """Where the slice from ``start`` ends: after a line break when one is near."""
        end = min(start + LOAD_SLICE, len(text))
        if end < len(text):
            newline = text.rfind("\n", start + LOAD_SLICE // 2, end)
            if newline >= 0:
                end = newline + 1
        return end

    def _load_slice(self) -> None:
        if self._paste is not None:
            self._paste_slice()
            return
        text = self._pending
        if text is None:
            return
        start = self._pending_at
        end = self._slice_end(text, start)
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        blocked = self.blockSignals(True)  # not an edit: no textChanged, no autosave
        try:
            cursor.insertText(text[start:end])
        finally:
            self.blockSignals(blocked)
        self._pending_at = end
        if end < len(text):
            self._slicer.start()
        else:
            self._finish_loading(emit=True)

    def _finish_loading(self, emit: bool) -> None:
        self._slicer.stop()
        if self._pending is None:
            return
        self._pending = None
        self.document().setUndoRedoEnabled(True)
        self.setReadOnly(self._was_read_only)
        if self._gutter is not None:
            self._update_margins()
            self._gutter.update()
        if emit:
            self.set_markers(self._marker_list)  # lines that were not there yet
            self.loaded.emit()

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
            # Forget the highlighter before detaching it: detaching clears the formats of
            # every block, and each block's change reaches textChanged (and _check_size).
            highlighter, self.highlighter = self.highlighter, None
            blocked = self.blockSignals(True)  # clearing colours is not an edit
            try:
                highlighter.setDocument(None)
            finally:
                self.blockSignals(blocked)
            highlighter.deleteLater()
            self.setToolTip(
                f"Highlighting is off: the text is longer than {HIGHLIGHT_LIMIT:,} characters."
            )

    def _check_size(self) -> None:
        if self.highlighter is not None and self.document().characterCount() > HIGHLIGHT_LIMIT:
            self._enable_highlighting(False)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Paste; a paste that makes the text too long for highlighting turns it off first.

        Turning it off before the text arrives costs nothing and spares one highlighting
        pass over every pasted line followed by one more pass clearing those colours.
        """
        if self.loading or self.isReadOnly() or not source.hasText():
            super().insertFromMimeData(source)
            return
        text = source.text()
        if self.highlighter is not None:
            selected = self.textCursor()
            kept = self.text_length() - (selected.selectionEnd() - selected.selectionStart())
            if kept + len(text) > HIGHLIGHT_LIMIT:
                self._enable_highlighting(False)
        if self._single or len(text) <= LOAD_SLICE:
            super().insertFromMimeData(source)
            return
        self._paste, self._paste_at = text, 0
        cursor = self.textCursor()
        self._paste_cursor = cursor
        self._was_read_only = self.isReadOnly()
        self.setReadOnly(True)
        cursor.beginEditBlock()
        self._paste_slice(first=True)

    def _paste_slice(self, first: bool = False) -> None:
        text, cursor = self._paste, self._paste_cursor
        if text is None or cursor is None:
            return
        end = self._slice_end(text, self._paste_at)
        if not first:
            cursor.joinPreviousEditBlock()  # the whole paste stays one undo step
        blocked = self.blockSignals(True)  # one textChanged, once the paste is in
        try:
            cursor.insertText(text[self._paste_at : end])
            cursor.endEditBlock()
        finally:
            self.blockSignals(blocked)
        self._paste_at = end
        if self._gutter is not None:
            self._update_margins()
        if end < len(text):
            self._slicer.start()
        else:
            self._finish_paste(emit=True)

    def _finish_paste(self, emit: bool) -> None:
        if self._paste is None:
            return
        self._slicer.stop()
        cursor = self._paste_cursor
        self._paste, self._paste_cursor = None, None
        self.setReadOnly(self._was_read_only)
        if cursor is not None and emit:
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
            self.textChanged.emit()

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
        self._marker_list = markers
        selections, lines = underlines(self, markers)
        self.setExtraSelections(selections)
        self._markers = lines
        if self._gutter is not None:
            self._gutter.marked = lines
            self._gutter.update()

    @property
    def marked_lines(self) -> dict[int, str]:
        """Lines with a marker and their worst severity."""
        return dict(self._markers)

    # -- completion ----------------------------------------------------------------

    def set_completions(self, words: Iterable[str]) -> None:
        """The variable paths offered inside ``{{ }}`` and ``{% %}``."""
        self.completion.set_words(words)

    def set_liquid_names(self, filters: Iterable[str], tags: Iterable[str]) -> None:
        """The filter names offered after ``|`` and the tag names offered after ``{%``."""
        self.completion.set_liquid_names(filters, tags)

    def completions(self, kind: str = "variable") -> list[str]:
        """The words offered: ``variable`` paths, ``filter`` names or ``tag`` names."""
        return list(self.completion.choices(kind))

    @property
    def _completer(self) -> QCompleter:
        return self.completion.made()[0]

    @property
    def _popup(self) -> QAbstractItemView:
        return self.completion.made()[1]

    def show_completions(self, force: bool = False) -> bool:
        """Pop up completions for the word at the cursor; True when the popup shows."""
        return self.completion.show(force)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = (Qt.Key.Key_Enter, Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Tab)
        if self.completion.visible and event.key() in keys:
            event.ignore()  # the completer handles these
            return
        leaving, self._tab_leaves = self._tab_leaves, False
        if event.key() == Qt.Key.Key_Escape and not self._single:
            self._tab_leaves = True  # Esc, then Tab: the focus moves on (see the docstring)
            event.ignore()
            return
        if leaving and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            QWidget.focusNextPrevChild(self, event.key() == Qt.Key.Key_Tab)  # not the text's
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
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        newline = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if newline and plain == Qt.KeyboardModifier.NoModifier and not self.isReadOnly():
            cursor = self.textCursor()
            insert_newline(cursor)  # keeps the indentation, one more level after an opener
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
            return
        super().keyPressEvent(event)
        if event.text() and (event.text().isalnum() or event.text() in "._"):
            self.show_completions()
        else:
            self.completion.hide()

    # -- gutter --------------------------------------------------------------------

    def gutter_width(self) -> int:
        """Width of the line-number area in pixels."""
        return 0 if self._gutter is None else self._gutter.width_needed()

    def _update_margins(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._gutter is not None:
            self._gutter.place()
