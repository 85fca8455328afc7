"""Copy for Customer.io: the request's parts in the shape Customer.io's composer wants.

:func:`composer.copy_cio.copy_for_customerio` does the work; this dialog shows each of
its sections (method, URL, headers, body, response mappings, settings) in its own
read-only box with its own Copy button, because Customer.io's composer takes them in
separate fields. The warnings (what Customer.io would not accept as it is, such as a
``{{ secrets.X }}`` it has no equivalent for) come first, above the sections, so they are
read before anything is pasted. "Copy all" copies the plain-text version of the whole.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from composer.copy_cio import CioCopy, copy_for_customerio
from composer.model import Request
from ui.widgets.palette import mono

__all__ = ["CopyCioDialog"]


class CopyCioDialog(QDialog):
    """The request's sections for Customer.io, each with a Copy button, warnings first.

    Signals: none of its own (QDialog's only).
    """

    def __init__(self, request: Request, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Copy for Customer.io: {request.name}")
        self.copied: CioCopy = copy_for_customerio(request)
        """What the core made of the request."""
        self.warnings = QLabel()
        self.warnings.setAccessibleName("Warnings")
        self.warnings.setWordWrap(True)
        if self.copied.warnings:
            items = "".join(f"<li>{_escape(w)}</li>" for w in self.copied.warnings)
            self.warnings.setText(f"<b>Before you paste:</b><ul>{items}</ul>")
        else:
            self.warnings.setText("Customer.io should accept every part as it is.")
        self.boxes: dict[str, QPlainTextEdit] = {}
        """Each section's text box, by title."""
        self.buttons: dict[str, QPushButton] = {}
        """Each section's Copy button, by title."""
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        row = 0
        for title, text in self.copied.sections():
            if title == "Before you paste":
                continue  # shown above, as the warnings
            label = QLabel(f"<b>{_escape(title)}</b>")
            box = QPlainTextEdit(text)
            box.setAccessibleName(title)
            box.setReadOnly(True)
            mono(box)
            lines = max(1, min(10, text.count("\n") + 1))
            box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
            button = QPushButton("Copy")
            button.setAccessibleName(f"Copy {title}")
            button.clicked.connect(lambda _=False, t=text: self.copy(t))
            grid.addWidget(label, row, 0, 1, 2)
            grid.addWidget(box, row + 1, 0)
            grid.addWidget(button, row + 1, 1)
            self.boxes[title] = box
            self.buttons[title] = button
            row += 2
        scroll = QScrollArea()
        scroll.setAccessibleName("Sections")
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_widget)
        self.copy_all = QPushButton("Copy &all")
        self.copy_all.setAccessibleName("Copy all")
        self.copy_all.clicked.connect(lambda _=False: self.copy(self.copied.text()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.addButton(self.copy_all, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warnings)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(760, 600)

    def copy(self, text: str) -> None:
        """Put ``text`` on the clipboard."""
        QApplication.clipboard().setText(text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
