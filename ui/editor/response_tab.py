"""The Response tab: response mappings, a sample response, and a per-row preview.

Mappings are ``attribute ← Liquid value`` rows. The preview of each row is what the
attribute would become for the chosen person if the endpoint answered with the sample
response (typed as the delivery engine types it: a JSON number or boolean stays one),
with that row's problems beside it. The sample is typed here for designing offline, or
taken from the last real response of this request ("Use last real response", which the
window answers through :meth:`ResponseTab.set_sample`), or from any attempt's answer shown
in a response viewer ("Use as sample response", :meth:`ResponseTab.use_sample`): that one
is an edit of the sample like a paste, one undo step (Ctrl+Z in the sample takes it back),
arriving in slices when it is large as a paste does.
"""

from __future__ import annotations

import dataclasses
import json

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from composer.model import Request, ResponseMapping
from ui.editor.code_editor import CodeEditor
from ui.editor.pair_model import PairTableModel, PairTableView
from ui.editor.preview import PreviewResult

__all__ = ["ResponseTab"]

_PREVIEW, _PROBLEM = 2, 3


def _shown(value: object, text: str) -> str:
    if isinstance(value, bool | int | float):
        return f"{json.dumps(value)}  ({type(value).__name__})"
    return json.dumps(text, ensure_ascii=False)


class ResponseTab(QWidget):
    """Edits the response mappings and previews them against a sample response.

    Signals:
        edited(): a mapping or the sample response changed.
        lastResponseRequested(): the user wants the last real response as the sample.
    """

    edited = Signal()
    lastResponseRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PairTableModel(
            ("Attribute", "Value (Liquid)"),
            ("Preview for the chosen person", "Problem"),
            noun="mapping",
        )
        self.model.edited.connect(self.edited)
        self.table = PairTableView(self.model, "Response mappings")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 220, 220)):
            self.table.setColumnWidth(column, width)
        add = QPushButton("&Add mapping")
        add.setAccessibleName("Add mapping")
        add.clicked.connect(self.table.add_row)
        remove = QPushButton("&Remove")
        remove.setAccessibleName("Remove mapping")
        remove.clicked.connect(self.table.remove_current)
        top = QHBoxLayout()
        top.addWidget(QLabel("After a 2xx answer, set the person's attributes:"))
        top.addStretch(1)
        top.addWidget(add)
        top.addWidget(remove)

        self.sample = CodeEditor(syntax="json")
        self.sample.setAccessibleName("Sample response")
        self.sample.setPlaceholderText('{"id": "abc123"}')
        self.sample.textChanged.connect(self.edited)
        self.use_last = QPushButton("Use &last real response")
        self.use_last.setAccessibleName("Use last real response")
        self.use_last.clicked.connect(self.lastResponseRequested)
        self.sample_note = QLabel("Sample response (JSON or text), for designing offline:")
        self.sample_note.setAccessibleName("Sample response note")
        sample_bar = QHBoxLayout()
        sample_bar.addWidget(self.sample_note)
        sample_bar.addStretch(1)
        sample_bar.addWidget(self.use_last)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.table)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(sample_bar)
        lower_layout.addWidget(self.sample)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("responseSplitter")
        self.split.addWidget(upper)
        self.split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addWidget(self.split)

    def load(self, request: Request) -> None:
        """Show ``request``'s mappings."""
        self.model.set_pairs([(m.attribute, m.value) for m in request.response_mappings])

    def to_model(self, base: Request) -> Request:
        """``base`` with the named mappings of the table."""
        mappings = tuple(ResponseMapping(a.strip(), v) for a, v in self.model.pairs())
        return dataclasses.replace(base, response_mappings=mappings)

    def sample_text(self) -> str | None:
        """The sample response, or None when it is empty."""
        text = self.sample.text()
        return text if text.strip() else None

    def set_sample(self, text: str, note: str | None = None) -> None:
        """Use ``text`` as the sample response."""
        self.sample.set_text(text)
        if note:
            self.sample_note.setText(note)

    def use_sample(self, text: str, note: str | None = None) -> None:
        """Make ``text`` the sample response as one undoable edit (a paste over it all)."""
        editor = self.sample
        if editor.loading or editor.isReadOnly():
            editor.set_text(text)  # a text still arriving cannot be edited over
        else:
            cursor = editor.textCursor()
            cursor.select(QTextCursor.SelectionType.Document)
            editor.setTextCursor(cursor)
            if text:
                mime = QMimeData()
                mime.setText(text)
                editor.insertFromMimeData(mime)
            else:
                cursor.removeSelectedText()
        if note:
            self.sample_note.setText(note)

    def show_preview(self, result: PreviewResult) -> None:
        """Fill each row's preview and problem."""
        if self.sample_text() is None:
            rows = [("(type a sample response below)", "")] * len(self.model.pairs())
            self.model.set_extra(rows, [False] * len(rows))
            return
        values, problems = [], []
        for item in result.mappings:
            errors = [d for d in item.diagnostics if d.severity == "error"]
            problem = "; ".join(f"line {d.line}: {d.message}" for d in item.diagnostics)
            shown = "" if errors else _shown(item.value, item.text)
            values.append((shown, problem))
            problems.append(bool(errors))
        self.model.set_extra(values, problems)

    def preview_row(self, row: int) -> tuple[str, str]:
        """Row ``row``'s preview and problem, as shown."""
        index = self.model.index(row, _PREVIEW)
        return str(index.data()), str(self.model.index(row, _PROBLEM).data())

    def select_row(self, index: int) -> None:
        """Select and show the ``index``-th mapping of the request (blank rows skipped)."""
        self.table.show_pair(index)
