"""The Body tab: the Liquid editor, the live preview beside it, and the diagnostics list.

The preview shows the rendered URL, headers and body of the newest
:class:`~ui.preview.PreviewResult`. Every view is set only when its text changed, and the
body view gets the worker's already-elided text, so a new preview costs the GUI thread a
few small ``setPlainText`` calls. "Pretty JSON" is a view: the bytes sent stay as rendered.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QModelIndex, Qt, Signal
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

from composer.diagnostics import Diagnostic
from composer.model import Request
from ui.code_editor import CodeEditor
from ui.diagnostics_model import DIAGNOSTIC_ROLE, DiagnosticsModel
from ui.preview import PreviewResult

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
        diagnosticActivated(Diagnostic): a diagnostic row was clicked.
    """

    edited = Signal()
    prettyToggled = Signal(bool)
    diagnosticActivated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = CodeEditor()
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
        self.pretty.toggled.connect(self.prettyToggled)
        self.body_view = _read_only("Rendered body")
        self.body_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.size_label = QLabel()
        self.size_label.setAccessibleName("Rendered body size")

        preview = QWidget()
        right = QVBoxLayout(preview)
        right.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<b>Preview</b> — exactly what is sent (secrets masked)")
        right.addWidget(title)
        right.addWidget(self.request_line)
        right.addWidget(self.headers_view)
        row = QHBoxLayout()
        row.addWidget(self.pretty)
        row.addStretch(1)
        row.addWidget(self.size_label)
        right.addLayout(row)
        right.addWidget(self.body_view, 1)

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("bodySplitter")
        self.split.addWidget(self.editor)
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

    def load(self, request: Request) -> None:
        """Show ``request``'s body template."""
        self.editor.set_text(request.body)

    def to_model(self, base: Request) -> Request:
        """``base`` with the edited body."""
        return dataclasses.replace(base, body=self.editor.text())

    def show_preview(self, result: PreviewResult) -> None:
        """Show a rendered preview and its diagnostics."""
        rendered = result.rendered
        self.request_line.setText(f"<b>{rendered.method}</b> {_escape(rendered.url)}")
        headers = "\n".join(f"{name}: {value}" for name, value in rendered.headers)
        _set_if_changed(self.headers_view, headers)
        _set_if_changed(self.body_view, result.body_view)
        size = len(rendered.body.encode("utf-8"))
        self.size_label.setText(f"{size:,} bytes")
        diagnostics = result.diagnostics
        self.diagnostics.set_diagnostics(diagnostics)
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = len(diagnostics) - errors
        self.summary.setText(
            "No problems found." if not diagnostics else f"{errors} error(s), {warnings} warning(s)"
        )
        self.editor.set_markers(
            [(d.line, d.column, d.severity, d.message) for d in diagnostics if d.where == "body"]
        )

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
