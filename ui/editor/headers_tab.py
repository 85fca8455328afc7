"""The Headers tab: an editable name/value table, Content-Type presets and the auth helper.

A header with a diagnostic has its row tinted and the message as the row's tooltip
(:meth:`HeadersTab.show_problems`); the composer counts the errors in the tab's title.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.model import Header, Request
from composer.rendering.diagnostics import Diagnostic
from ui.editor.pair_model import PairTableModel, PairTableView

__all__ = ["CONTENT_TYPES", "HeadersTab", "header_index"]

CONTENT_TYPES = (
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/xml",
)
"""The Content-Type presets offered."""


def header_index(where: str) -> int | None:
    """The header a diagnostic's ``where`` names (``headers[2]`` → 2), else None."""
    if where.startswith("headers[") and where.endswith("]") and where[8:-1].isdigit():
        return int(where[8:-1])
    return None


class HeadersTab(QWidget):
    """Edits the request's headers.

    Signals:
        edited(): the user changed a header.
        authRequested(): the user asked for the auth helper.
    """

    edited = Signal()
    authRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PairTableModel(("Name", "Value (Liquid)"), noun="header")
        self.model.edited.connect(self.edited)
        self.table = PairTableView(self.model, "Headers")
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 200)
        add = QPushButton("&Add header")
        add.setAccessibleName("Add header")
        add.clicked.connect(self.table.add_row)
        remove = QPushButton("&Remove")
        remove.setAccessibleName("Remove header")
        remove.setToolTip("Remove the selected header (Ctrl+Z puts it back)")
        remove.clicked.connect(self.table.remove_current)
        self.preset = QComboBox()
        self.preset.addItem("Content-Type preset…")
        self.preset.addItems(list(CONTENT_TYPES))
        self.preset.setAccessibleName("Content-Type preset")
        self.preset.setToolTip(
            "Set the Content-Type header to a common value; the body's highlighting and "
            "checks follow it"
        )
        self.preset.activated.connect(self._preset)
        auth = QPushButton("Au&thorization…")
        auth.setAccessibleName("Authorization helper")
        auth.setToolTip("Keep a Basic or Bearer credential in the keychain and reference it.")
        auth.clicked.connect(self.authRequested)
        buttons = QHBoxLayout()
        for widget in (add, remove, self.preset, auth):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)

    def load(self, request: Request) -> None:
        """Show ``request``'s headers."""
        self.model.set_pairs([(h.name, h.value) for h in request.headers])

    def to_model(self, base: Request) -> Request:
        """``base`` with the named headers of the table."""
        headers = tuple(Header(name.strip(), value) for name, value in self.model.pairs())
        return dataclasses.replace(base, headers=headers)

    def set_header(self, name: str, value: str) -> None:
        """Set ``name`` (replacing the last header of that name) or add it."""
        row = self.model.find(name)
        if row < 0:
            self.model.add(name, value)
        else:
            self.model.set_pair(row, name, value)

    def select_row(self, index: int) -> None:
        """Select and show the ``index``-th header of the request (blank rows skipped)."""
        self.table.show_pair(index)

    def show_problems(self, diagnostics: Sequence[Diagnostic]) -> None:
        """Mark each header row a diagnostic is about (the worst severity wins)."""
        marks: dict[int, tuple[str, str]] = {}
        for diagnostic in diagnostics:
            index = header_index(diagnostic.where)
            if index is None:
                continue
            if index not in marks or (
                diagnostic.severity == "error" and marks[index][0] != "error"
            ):
                marks[index] = (diagnostic.severity, diagnostic.message)
        self.model.set_marks(marks)

    def _preset(self, index: int) -> None:
        if index > 0:
            self.set_header("Content-Type", CONTENT_TYPES[index - 1])
        self.preset.setCurrentIndex(0)
