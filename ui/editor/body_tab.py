"""The Body tab: the Liquid editor, the live preview beside it, and the diagnostics list.

The preview shows the rendered URL, headers and body of the newest
:class:`~ui.editor.preview.PreviewResult`, and which Liquid version rendered them. Every view is
set only when its text changed, and the body view gets the worker's already-elided text,
so a new preview costs the GUI thread a few small ``setPlainText`` calls. "Pretty JSON"
is a view: the bytes sent stay as rendered.

"Compare with legacy" (or "… with latest") asks for the other version's rendering too;
where it differs, the core's warnings join the diagnostics. "Side by side" (while
comparing) shows the other version's body beside this one's, the first difference
highlighted in both; its view is filled only while it is shown, so typing pays nothing
for it otherwise.

When an edit's comparison comes after the request's own preview (a long render; see
:mod:`ui.editor.preview`), a result marked ``comparing`` is drawn with the version line
saying "comparing with legacy…", no difference warnings, and the side-by-side view greyed
and headed as updating, its highlight and note cleared. The other body of the text before
stays in that greyed view rather than blanking it on every key; nothing of the old comparison (a
warning, a count, a mark, the first difference) is shown beside the newer text. The next
result completes it.

Each view is set only when what it shows changed: the tab titles, the editor's marks and
the texts are compared first, because setting them again lays out and repaints whole
parts of the window, paid for by the next keystroke's preview.

Ctrl+F and Ctrl+H, while the editor (or its bar) has the focus, open the find and replace
bar (:class:`~ui.editor.find_bar.FindBar`) under the editor; the window's request search
is Ctrl+K, so the keys a text editor user expects work here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from composer.liquid import LiquidVersion, other_version
from composer.model import Request
from composer.rendering.diagnostics import Diagnostic
from composer.wording import counted
from ui.editor.code_editor import CodeEditor
from ui.editor.diagnostics_model import DIAGNOSTIC_ROLE, DiagnosticsModel
from ui.editor.find_bar import FindBar
from ui.editor.liquid_switch import rendered_with
from ui.editor.preview import PreviewResult
from ui.editor.side_by_side import OtherRendering

__all__ = ["BodyTab"]


def _read_only(name: str) -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setAccessibleName(name)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return view


class BodyTab(QWidget):
    """The body editor with its live preview.

    Signals:
        edited(): the body text changed.
        prettyToggled(bool): the "Pretty JSON" view was switched.
        compareToggled(bool): the comparison with the other Liquid version was switched.
        sideBySideToggled(bool): the side-by-side view was shown or hidden.
        diagnosticActivated(Diagnostic): a diagnostic row was clicked.
    """

    edited = Signal()
    prettyToggled = Signal(bool)
    compareToggled = Signal(bool)
    sideBySideToggled = Signal(bool)
    diagnosticActivated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = CodeEditor(comments=True)
        self.editor.setAccessibleName("Body template")
        self.editor.setPlaceholderText('{"email": {{ customer.email | json }}}')
        self.editor.textChanged.connect(self.edited)

        self.request_line = QLabel()
        self.request_line.setAccessibleName("Rendered request line")
        self.request_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.request_line.setWordWrap(True)
        self.headers_view = _read_only("Rendered headers")
        self.headers_view.setMaximumHeight(110)
        self.pretty = QCheckBox("Pretty JSON (view only; the raw bytes are sent)")
        self.pretty.setAccessibleName("Pretty JSON")
        self.pretty.setToolTip(
            "Show a JSON body indented, one field per line. Only the view changes: the "
            "bytes sent are exactly as rendered"
        )
        self.pretty.toggled.connect(self.prettyToggled)
        self.version_label = QLabel()
        self.version_label.setAccessibleName("Rendered with")
        self.version_label.setToolTip("The Liquid version this preview was rendered with")
        self.version_label.setWordWrap(True)
        self.compare = QCheckBox("Compare with legacy")
        self.compare.setAccessibleName("Compare with the other Liquid version")
        self.compare.setChecked(True)
        self.compare.setToolTip(
            "Render with the other Liquid version too and warn wherever it sends other "
            "bytes (what switching this request's version would change)"
        )
        self.compare.toggled.connect(self._compare_toggled)
        self.side_by_side = QCheckBox("Side by side")
        self.side_by_side.setAccessibleName("Side by side")
        self.side_by_side.setToolTip(
            "Show the other version's rendered body beside this one, "
            "the first difference highlighted (while comparing)"
        )
        self.side_by_side.toggled.connect(self._side_by_side_toggled)
        self.body_view = _read_only("Rendered body")
        self.body_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.this_heading = QLabel()
        self.this_heading.setAccessibleName("This version")
        self.this_heading.setToolTip("The Liquid version this request uses")
        self.this_heading.hide()
        self.other = OtherRendering()
        self.other.hide()
        this = QWidget()
        this_column = QVBoxLayout(this)
        this_column.setContentsMargins(0, 0, 0, 0)
        this_column.addWidget(self.this_heading)
        this_column.addWidget(self.body_view, 1)
        self.bodies = QSplitter(Qt.Orientation.Horizontal)
        self.bodies.setObjectName("bodiesSplitter")
        self.bodies.addWidget(this)
        self.bodies.addWidget(self.other)
        self.size_label = QLabel()
        self.size_label.setAccessibleName("Rendered body size")
        self._last: PreviewResult | None = None
        self._marked: tuple[list[tuple[int, int, str, str]], list[str]] | None = None
        """The marks last set, and the text of each marked line then."""

        preview = QWidget()
        right = QVBoxLayout(preview)
        right.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<b>Preview</b> — exactly what is sent (secrets masked)")
        right.addWidget(title)
        versions = QHBoxLayout()
        versions.addWidget(self.version_label, 1)
        versions.addWidget(self.compare)
        versions.addWidget(self.side_by_side)
        right.addLayout(versions)
        right.addWidget(self.request_line)
        right.addWidget(self.headers_view)
        row = QHBoxLayout()
        row.addWidget(self.pretty)
        row.addStretch(1)
        row.addWidget(self.size_label)
        right.addLayout(row)
        right.addWidget(self.bodies, 1)

        self.editor_area = QWidget()
        self.editor_area.setAccessibleName("Body editor")
        editor_column = QVBoxLayout(self.editor_area)
        editor_column.setContentsMargins(0, 0, 0, 0)
        editor_column.setSpacing(0)
        editor_column.addWidget(self.editor, 1)
        self.find_bar = FindBar(self.editor)
        editor_column.addWidget(self.find_bar)
        self.find_action = self._editor_action("Find in body", "Ctrl+F", self.open_find)
        self.replace_action = self._editor_action(
            "Replace in body", "Ctrl+H", lambda: self.open_find(replace=True)
        )

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("bodySplitter")
        self.split.addWidget(self.editor_area)
        self.split.addWidget(preview)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)

        self.diagnostics = DiagnosticsModel()
        self.diagnostics_view = QListView()
        self.diagnostics_view.setModel(self.diagnostics)
        self.diagnostics_view.setAccessibleName("Diagnostics")
        self.diagnostics_view.setWordWrap(True)
        self.diagnostics_view.clicked.connect(self._activated)
        self.diagnostics_view.activated.connect(self._activated)
        self.summary = QLabel()
        self.summary.setAccessibleName("Diagnostics summary")

        self.vsplit = QSplitter(Qt.Orientation.Vertical)
        self.vsplit.setObjectName("bodyDiagnosticsSplitter")
        self.vsplit.addWidget(self.split)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.summary)
        lower_layout.addWidget(self.diagnostics_view)
        self.vsplit.addWidget(lower)
        self.vsplit.setStretchFactor(0, 4)
        self.vsplit.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.vsplit)

    def _editor_action(self, text: str, keys: str, slot: Callable[[], None]) -> QAction:
        """A shortcut of the editor and its find bar (listed in Help ▸ Keyboard shortcuts)."""
        action = QAction(text, self.editor_area)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _=False: slot())
        self.editor_area.addAction(action)
        return action

    def open_find(self, replace: bool = False) -> None:
        """Show the find bar under the editor (with the replace row when ``replace``)."""
        self.find_bar.open_find(replace)

    def load(self, request: Request) -> None:
        """Show ``request``'s body template."""
        self.editor.set_text(request.body)
        self._marked = None

    def to_model(self, base: Request) -> Request:
        """``base`` with the edited body."""
        return dataclasses.replace(base, body=self.editor.text())

    def set_other_version(self, version: LiquidVersion) -> None:
        """Name the version the comparison is with ("Compare with legacy")."""
        self.compare.setText(f"Compare with {version}")

    def show_preview(self, result: PreviewResult) -> None:
        """Show a rendered preview and its diagnostics."""
        self._last = result
        rendered = result.rendered
        said = rendered_with(rendered.liquid_version, result.liquid_title)
        if result.comparing:
            said += f"; comparing with {other_version(rendered.liquid_version)}…"
        elif result.other is not None:
            other = result.other.liquid_version
            count = len(result.differences)
            said += (
                f"; {other} renders the same."
                if not count
                else f"; {other} renders {counted(count, 'part')} differently (see the warnings)."
            )
        if self.version_label.text() != said:
            self.version_label.setText(said)
        line = f"<b>{rendered.method}</b> {_escape(rendered.url)}"
        if self.request_line.text() != line:
            self.request_line.setText(line)
        headers = "\n".join(f"{name}: {value}" for name, value in rendered.headers)
        _set_if_changed(self.headers_view, headers)
        _set_if_changed(self.body_view, result.body_view)
        size = len(rendered.body.encode("utf-8"))
        size_text = f"{size:,} bytes"
        if self.size_label.text() != size_text:
            self.size_label.setText(size_text)
        diagnostics = result.diagnostics
        self.diagnostics.set_diagnostics(diagnostics)
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = len(diagnostics) - errors
        summary = (
            "No problems found." if not diagnostics else f"{errors} error(s), {warnings} warning(s)"
        )
        if self.summary.text() != summary:
            self.summary.setText(summary)
        markers = [
            (d.line, d.column, d.severity, d.message) for d in diagnostics if d.where == "body"
        ]
        self._set_markers(markers)
        if self.other.isVisibleTo(self):
            self._show_side_by_side(result)

    def _set_markers(self, markers: Sequence[tuple[int, int, str, str]]) -> None:
        """Mark the editor, unless the same marks stand on lines whose text is unchanged
        (setting them again repaints the whole editor on every keystroke)."""
        document = self.editor.document()
        lines = [document.findBlockByNumber(line - 1).text() for line, *_ in markers]
        if self._marked == (list(markers), lines):
            return
        self._marked = (list(markers), lines)
        self.editor.set_markers(markers)

    @property
    def showing_side_by_side(self) -> bool:
        """Whether the other version's body is shown beside this one's."""
        return self.other.isVisibleTo(self)

    def _compare_toggled(self, on: bool) -> None:
        self._update_side_by_side()
        self.compareToggled.emit(on)

    def _side_by_side_toggled(self, on: bool) -> None:
        self._update_side_by_side()
        self.sideBySideToggled.emit(on)

    def _update_side_by_side(self) -> None:
        self.side_by_side.setEnabled(self.compare.isChecked())
        shown = self.compare.isChecked() and self.side_by_side.isChecked()
        if shown == self.other.isVisibleTo(self):
            return
        self.other.setVisible(shown)
        self.this_heading.setVisible(shown)
        if not shown:
            self.other.clear_marks(self.body_view)
        elif self._last is not None:
            self._show_side_by_side(self._last)

    def _show_side_by_side(self, result: PreviewResult) -> None:
        heading = f"<b>{_escape(result.liquid_title or result.rendered.liquid_version)}</b>"
        if self.this_heading.text() != heading:
            self.this_heading.setText(heading)
        self.other.show_result(result, self.body_view)

    def activate_row(self, row: int) -> None:
        """Act as if diagnostic ``row`` was clicked."""
        self._activated(self.diagnostics.index(row, 0))

    def _activated(self, index: QModelIndex) -> None:
        item = index.data(DIAGNOSTIC_ROLE)
        if isinstance(item, Diagnostic):
            self.diagnosticActivated.emit(item)


def _set_if_changed(view: QPlainTextEdit, text: str) -> None:
    """Set a view's text only when it differs from what the view was last given."""
    if view.property("shownText") != text:
        view.setProperty("shownText", text)
        view.setPlainText(text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
