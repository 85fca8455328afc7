"""The response viewer: one attempt's answer, as Postman or Insomnia users expect to read it.

A line at the top says the status (its colour by class: 2xx, 3xx, 4xx, 5xx or no answer,
from :func:`ui.widgets.palette.accent`, on a chip of the palette's ``Base`` colour, the
background those accents are made readable on; it is painted again when the palette
changes), the time and the size at a glance; a note under it
says what is special about the body (binary, kept only in part, decoded from gzip, nested
too deeply for the tree). Three tabs follow:

* **Body**: *Pretty*, JSON as a collapsible tree (:class:`~ui.editor.response_tree.JsonTreeModel`,
  built as it is opened), and *Raw*, the text as received, read-only and monospace. A body
  that is not JSON has Raw only; a binary one a hex dump of its start. Raw
  (:class:`~ui.editor.response_raw.RawBody`) is filled only when first shown, in slices
  between passes of the event loop, and shows a very long line broken into pieces (the
  viewer says so): Qt lays out a line as one block, and a 1 MiB one-line JSON would freeze
  the window for a second. "Copy body" copies the body as received.
  A JSON body longer than :data:`PARSE_HERE` is parsed off the GUI thread (an op; 1 MiB
  takes over 100 ms), and the tree appears when it is read (``treeReady``).
* **Headers**: a two-column table, and **Timing**: the attempt's number, start, duration,
  status, size, its error if any and, for a redirect, where it points (redirects are not
  followed); both are :mod:`ui.editor.response_viewer_parts`, with the notes about an
  answer and the answer in words.

**Find** (Ctrl+F anywhere in the viewer, F3 / Shift+F3 or Enter / Shift+Enter for next and
previous, Esc to close) is the Raw view's find bar (case-insensitive, counting the matches,
never waiting for a large body to be filled in); from the Pretty tree it brings Raw
forward. The viewer takes Ctrl+F before the window's own shortcuts while the focus is
inside it. Its
buttons and tabs have no Alt mnemonics: it appears on two pages, beside the menu bar's
and the pages' own.

Secrets were masked by the core before a response was stored or reported; the viewer shows
what it is given and has no way to unmask.

Signals:
    sampleRequested(str): "Use as sample response" with the body's text.
    rawLoaded(): the Raw view holds the whole body.
    treeReady(): the Pretty tree holds the body's JSON.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from composer.json_input import JsonProblem, parse
from ui.editor.response_data import (
    ResponseView,
    hex_dump,
    size_text,
    status_class,
    status_text,
)
from ui.editor.response_raw import LINE_CHARS, RawBody, display_text
from ui.editor.response_tree import JsonTreeModel
from ui.editor.response_viewer_parts import HeadersTable, TimingForm, answer_notes, answer_text
from ui.ops import Op
from ui.widgets.palette import accent, mono

__all__ = ["PARSE_HERE", "ResponseViewer"]

PARSE_HERE = 64 * 1024
"""A JSON body up to this many characters is parsed at once; a longer one off the GUI
thread (an op), the tree saying "Reading the JSON…" meanwhile."""
_EXPAND_TOP = 100
"""The tree opens its first level when the top level has at most this many members."""


def _read_json(text: str) -> tuple[bool, object, str]:
    """(is JSON, its value, why it has no tree) of a body that looks like JSON."""
    try:
        return True, parse(text), ""
    except JsonProblem as exc:
        return False, None, exc.reason if exc.limit else ""


class ResponseViewer(QWidget):
    """Shows one :class:`~ui.editor.response_data.ResponseView` (see the module docstring).

    Signals:
        sampleRequested(str): "Use as sample response" with the body's text.
        rawLoaded(): the Raw view holds the whole body.
        treeReady(): the Pretty tree holds the body's JSON.
    """

    sampleRequested = Signal(str)
    rawLoaded = Signal()
    treeReady = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Response viewer")
        self.view: ResponseView | None = None
        """The answer shown (None: nothing yet)."""
        self.body_text: str | None = None
        """The body as text (None when there is none or it is binary)."""
        self.json_value: object = None
        self.is_json = False
        """Whether the body parsed as JSON (and has the Pretty tree)."""
        self._generation = 0
        self._parsing = False
        self._notes: list[str] = []
        self._build()
        self.show_view(None)

    # -- building ------------------------------------------------------------------

    def _build(self) -> None:
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Response status")
        bold = QFont(self.status_label.font())
        bold.setBold(True)
        self.status_label.setFont(bold)
        self.status_label.setAutoFillBackground(True)
        self.status_label.setMargin(3)
        self.time_label = QLabel()
        self.time_label.setAccessibleName("Response time")
        self.size_label = QLabel()
        self.size_label.setAccessibleName("Response size")
        self.use_sample = QPushButton("Use as sample response")
        self.use_sample.setAccessibleName("Use as sample response")
        self.use_sample.setToolTip(
            "Put this body into the Response tab's sample response of its request, to preview "
            "the response mappings against it (Ctrl+Z in the sample takes it back)."
        )
        self.use_sample.clicked.connect(self._sample)
        self.copy = QPushButton("Copy body")
        self.copy.setAccessibleName("Copy body")
        self.copy.setToolTip("Copy the body as received to the clipboard.")
        self.copy.clicked.connect(self._copy_body)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.status_label)
        top.addWidget(self.time_label)
        top.addWidget(self.size_label)
        top.addStretch(1)
        top.addWidget(self.copy)
        top.addWidget(self.use_sample)
        self.note = QLabel()
        self.note.setAccessibleName("Response note")
        self.note.setWordWrap(True)

        self.pretty = QRadioButton("Pretty")
        self.pretty.setAccessibleName("Pretty body")
        self.pretty.setToolTip("The JSON body as a tree: open a member to see inside it.")
        self.raw_button = QRadioButton("Raw")
        self.raw_button.setAccessibleName("Raw body")
        self.raw_button.setToolTip("The body as text, as received.")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.pretty)
        self.modes.addButton(self.raw_button)
        self.pretty.toggled.connect(self._mode_changed)
        self.tree_model = JsonTreeModel()
        self.tree = QTreeView()
        self.tree.setAccessibleName("JSON tree")
        self.tree.setUniformRowHeights(True)
        self.tree.setModel(self.tree_model)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 220)
        self.tree.header().setAccessibleName("JSON tree columns")
        mono(self.tree)
        self.raw_body = RawBody()
        self.raw_body.loaded.connect(self.rawLoaded)
        self.raw = self.raw_body.edit
        """The Raw view's text widget."""
        self.find_bar, self.find_field = self.raw_body.find_bar, self.raw_body.find_field
        self.find_count = self.raw_body.find_count
        self.body_stack = QStackedWidget()
        self.body_stack.addWidget(self.tree)
        self.body_stack.addWidget(self.raw_body)
        mode_bar = QHBoxLayout()
        mode_bar.setContentsMargins(0, 0, 0, 0)
        mode_bar.addWidget(self.pretty)
        mode_bar.addWidget(self.raw_button)
        mode_bar.addStretch(1)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(mode_bar)
        body_layout.addWidget(self.body_stack, 1)

        self.headers_table = HeadersTable()
        timing = self._timing = TimingForm()
        self._timing_form = timing.form
        self.timing = timing.labels
        """The Timing tab's value labels by key."""
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Response parts")
        self.tabs.addTab(body, "Body")
        self.tabs.addTab(self.headers_table, "Headers")
        self.tabs.addTab(timing, "Timing")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.tabs, 1)
        for widget in (self, self.tree, self.raw, self.find_field, self.headers_table, self.tabs):
            widget.installEventFilter(self)
        timing.installEventFilter(self)

    # -- showing -------------------------------------------------------------------

    def clear(self, message: str = "The response appears here.") -> None:
        """Show nothing but ``message``."""
        self.show_view(None, message)

    def show_view(self, view: ResponseView | None, message: str = "") -> None:
        """Show one attempt's answer (None: nothing, with ``message`` in its place)."""
        self.view = view
        self.body_text = None
        self.json_value, self.is_json = None, False
        self._generation += 1
        self._parsing = False
        notes: list[str] = []
        if view is None:
            self._summary(message or "The response appears here.", "muted", "", "")
            self.tree_model.set_value(None)
            self._set_raw("")
            self.headers_table.fill(())
            self._timing.fill(None)
            self.pretty.setEnabled(False)
            self.raw_button.setChecked(True)
            self._buttons()
            self.note.setVisible(False)
            return
        elapsed = "" if view.elapsed_ms is None else f"{view.elapsed_ms:.0f} ms"
        size = size_text(view.body_size) if view.status is not None else ""
        self._summary(status_text(view), status_class(view.status), elapsed, size)
        raw = ""
        if view.status is None:
            raw = view.error or ""
        else:
            text = view.text()
            if text is None:
                notes.append(
                    f"The body is binary or not UTF-8 text ({size_text(len(view.body))}"
                    + (f", {view.header('content-type')}" if view.header("content-type") else "")
                    + "): shown as a hex dump of its start."
                )
                raw = hex_dump(view.body)
            else:
                self.body_text = text
                raw = text
                self._parse_json(text, notes)
                if self._parsing:
                    notes.append("Reading the JSON for the tree…")
        answer_notes(view, notes)
        shown, broken = display_text(raw)
        if broken:
            notes.append(
                f"Lines longer than {LINE_CHARS:,} characters are shown broken into pieces; "
                "Copy body copies the body as received."
            )
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))
        self._notes = notes
        self._set_raw(shown)
        self.headers_table.fill(view.headers)
        self._timing.fill(view)
        self._show_tree()
        self._buttons()

    def _show_tree(self) -> None:
        """Show the tree (or Raw alone) as the JSON reading now stands."""
        self.note.setText(" ".join(self._notes))
        self.note.setVisible(bool(self._notes))
        self.tree_model.set_value(self.json_value if self.is_json else None)
        if self.is_json and self.tree_model.rowCount() <= _EXPAND_TOP:
            self.tree.expandToDepth(0)
        self.pretty.setEnabled(self.is_json)
        if self.is_json:
            self.pretty.setChecked(True)
        elif not self._parsing:
            self.raw_button.setChecked(True)
        self._mode_changed()

    @property
    def tree_ready(self) -> bool:
        """Whether the JSON reading is over (the tree shows the body, or it is not JSON)."""
        return not self._parsing

    def _parse_json(self, text: str, notes: list[str]) -> None:
        self._parsing = False
        if text.lstrip()[:1] not in ("{", "["):
            return
        if len(text) <= PARSE_HERE:
            self._parsed(notes, *_read_json(text))
            return
        self._parsing = True
        generation = self._generation

        def done(result: tuple[bool, object, str]) -> None:
            if generation == self._generation:
                self._parsing = False
                notes.remove("Reading the JSON for the tree…")
                self._parsed(notes, *result)
                self._show_tree()
                self.treeReady.emit()

        Op(self, lambda _db: _read_json(text)).success(done).run()

    def _parsed(self, notes: list[str], ok: bool, value: object, problem: str) -> None:
        self.json_value, self.is_json = value, ok
        if problem:
            notes.append(f"The JSON has no tree view: {problem}.")

    def _summary(self, status: str, kind: str, elapsed: str, size: str) -> None:
        self.status_label.setText(status)
        palette = self.palette()  # the chip: the accent on the Base colour, as text is
        palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Base))
        palette.setColor(QPalette.ColorRole.WindowText, accent(kind, self))
        self.status_label.setPalette(palette)
        self.time_label.setText(elapsed)
        self.time_label.setVisible(bool(elapsed))
        self.size_label.setText(size)
        self.size_label.setVisible(bool(size))

    def _buttons(self) -> None:
        has_text = self.body_text is not None
        self.use_sample.setEnabled(has_text)
        self.copy.setEnabled(has_text)

    def changeEvent(self, event: QEvent) -> None:
        """A switch between light and dark repaints the status in the new palette's accent."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.view is not None:
            self._summary(
                self.status_label.text(),
                status_class(self.view.status),
                self.time_label.text(),
                self.size_label.text(),
            )

    # -- body modes ----------------------------------------------------------------

    def mode(self) -> str:
        """``pretty`` or ``raw``: the body view shown."""
        return "pretty" if self.pretty.isChecked() and self.is_json else "raw"

    def show_raw(self) -> None:
        """Bring the Body tab's Raw view forward."""
        self.tabs.setCurrentIndex(0)
        self.raw_button.setChecked(True)
        self._mode_changed()

    def _mode_changed(self, _on: bool = False) -> None:
        raw = self.mode() == "raw"
        self.body_stack.setCurrentWidget(self.raw_body if raw else self.tree)
        if raw:
            self.raw_body.start()

    def _set_raw(self, text: str) -> None:
        self.raw_body.set_text(text, fill_now=self.isVisible() and self.mode() == "raw")

    @property
    def raw_loaded(self) -> bool:
        """Whether the Raw view holds the whole body."""
        return self.raw_body.is_loaded

    def raw_text(self) -> str:
        """The text the Raw view shows (all of it, even while it is still being filled)."""
        return self.raw_body.text()

    def as_text(self) -> str:
        """The answer in words: status line, redirect, headers, blank line, body."""
        return answer_text(self.view, self.raw_text())

    # -- find ----------------------------------------------------------------------

    def open_find(self) -> None:
        """Show the find bar (the Raw view comes forward) and put the focus in it."""
        self.show_raw()
        self.raw_body.open_find()

    def close_find(self) -> None:
        """Hide the find bar; the focus goes back to the body."""
        self.raw_body.close_find()

    def find_text(self, text: str) -> int:
        """Find ``text`` in the body (the find bar opens with it); the number of matches."""
        self.open_find()
        self.find_field.setText(text)
        return self.match_count()

    def match_count(self) -> int:
        """How many times the find field's text is in the body (case-insensitive)."""
        return self.raw_body.match_count()

    def find_next(self) -> bool:
        """Select the next match (wrapping around); False when there is none."""
        return self.raw_body.find_next()

    def find_previous(self) -> bool:
        """Select the previous match (wrapping around); False when there is none."""
        return self.raw_body.find_previous()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+F, F3 and Shift+F3 anywhere inside the viewer, before the window's keys."""
        kind = event.type()
        if (
            kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and isinstance(event, QKeyEvent)
            and RawBody.is_find_key(event)
        ):
            event.accept()
            if kind == QEvent.Type.KeyPress:
                if event.matches(QKeySequence.StandardKey.Find):
                    self.open_find()
                else:
                    if not self.find_bar.isVisible():
                        self.open_find()
                    forward = event.matches(QKeySequence.StandardKey.FindNext)
                    self.find_next() if forward else self.find_previous()
            return True
        return super().eventFilter(watched, event)

    # -- actions -------------------------------------------------------------------

    def _sample(self) -> None:
        if self.body_text is not None:
            self.sampleRequested.emit(self.body_text)

    def _copy_body(self) -> None:
        if self.body_text is not None:
            QGuiApplication.clipboard().setText(self.body_text)
