"""The preview before a CSV people file is imported: its first rows and each column's type.

A spreadsheet column is one kind of thing, so each attribute column gets one type, chosen
by :func:`composer.store.people_csv.column_type` over the whole file (text for anything with a
leading zero or a ``+``, booleans or numbers only when every cell is one). The dialog
shows the first :data:`PREVIEW_ROWS` rows as they are in the file, with a type chooser
above each attribute column (``id`` and ``email`` are always text); the chosen types go to
:func:`composer.store.people_csv.retype_csv` when Import is pressed. A cell that the chosen type
cannot take is reported by the import, naming its row and column, and nothing is written.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from composer.store.people_csv import COLUMN_TYPES, ColumnType, CsvPreview
from composer.wording import counted

__all__ = ["PREVIEW_ROWS", "CsvPreviewDialog"]

PREVIEW_ROWS = 20
"""How many rows of the file the preview shows."""
_CELL_SHOWN = 80  # characters of a cell shown in the preview


class CsvPreviewDialog(QDialog):
    """Shows a CSV people file's first rows and lets the user choose each column's type."""

    def __init__(self, file_name: str, preview: CsvPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {file_name}")
        self.setAccessibleName("CSV import preview")
        self._preview = preview
        people = counted(preview.total, "person", "people", grouped=True)
        shown = min(len(preview.rows), PREVIEW_ROWS)
        intro = QLabel(
            f"{file_name} holds {people}"
            + (f"; the first {shown} are shown." if shown < preview.total else ".")
            + " Each column is read as one type; change a type if it is wrong."
        )
        intro.setWordWrap(True)
        width = len(preview.names)
        self.table = QTableWidget(shown + 1, width)
        self.table.setAccessibleName("First rows of the file, with each column's type")
        self.table.setHorizontalHeaderLabels(preview.names)
        self.table.setVerticalHeaderLabels(["type", *(str(n) for n in range(2, shown + 2))])
        self.choosers: dict[str, QComboBox] = {}
        for column, (name, kind) in enumerate(zip(preview.names, preview.types, strict=True)):
            if kind is None:
                fixed = QTableWidgetItem(f"text ({name.lower()})")
                fixed.setFlags(fixed.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(0, column, fixed)
                continue
            chooser = QComboBox()
            chooser.setAccessibleName(f"Type of column {name}")
            chooser.addItems(list(COLUMN_TYPES))
            chooser.setCurrentText(kind)
            self.table.setCellWidget(0, column, chooser)
            self.choosers[name] = chooser
        for row, cells in enumerate(preview.rows[:shown], start=1):
            for column, cell in enumerate(cells[:width]):
                shown_text = cell if len(cell) <= _CELL_SHOWN else cell[:_CELL_SHOWN] + "…"
                item = QTableWidgetItem(shown_text.replace("\n", "⏎"))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(cell[:1000])
                self.table.setItem(row, column, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(f"&Import {people}")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def types(self) -> dict[str, ColumnType]:
        """Each attribute column's type as chosen."""
        chosen: dict[str, ColumnType] = {}
        for name, chooser in self.choosers.items():
            text = chooser.currentText()
            for kind in COLUMN_TYPES:
                if kind == text:
                    chosen[name] = kind
        return chosen
