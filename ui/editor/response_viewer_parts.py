"""The response viewer's Headers and Timing tabs, and the words it says about an answer.

:class:`HeadersTable` is the Headers tab (name and value, in the order received, read-only);
:class:`TimingForm` the Timing tab (the attempt's number, start, duration, status, size, its
error if any and, for a redirect, where it points: redirects are not followed).
:func:`answer_notes` adds what is special about an answer's body to the viewer's note
(redirect, kept only in part, decoded, a problem the core found), and :func:`answer_text`
is the whole answer in words.
:class:`~ui.editor.response_viewer.ResponseViewer` puts them together.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ui.editor.response_data import ResponseView, clock_text, size_text, status_text

__all__ = ["HeadersTable", "TimingForm", "answer_notes", "answer_text"]


class HeadersTable(QTableWidget):
    """An answer's headers: a read-only two-column table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setAccessibleName("Response headers")
        self.setHorizontalHeaderLabels(["Name", "Value"])
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setAccessibleName("Response header columns")
        self.verticalHeader().setAccessibleName("Response header rows")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)

    def fill(self, headers: tuple[tuple[str, str], ...]) -> None:
        """Show these headers (none: an empty table)."""
        self.setRowCount(len(headers))
        for row, (name, value) in enumerate(headers):
            self.setItem(row, 0, QTableWidgetItem(name))
            self.setItem(row, 1, QTableWidgetItem(value))
        self.resizeColumnToContents(0)


_TIMING = (
    ("attempt", "Attempt"),
    ("started", "Started"),
    ("duration", "Duration"),
    ("status", "Status"),
    ("size", "Size"),
    ("error", "Error"),
    ("location", "Redirects to"),
)


class TimingForm(QWidget):
    """An attempt's facts, one selectable label a row; the redirect row only for a 3xx."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.labels: dict[str, QLabel] = {}
        """The value labels by key (``attempt``, ``started``, … ``location``)."""
        for key, label in _TIMING:
            value = QLabel()
            value.setAccessibleName(label)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(label + ":", value)
            self.labels[key] = value

    def fill(self, view: ResponseView | None) -> None:
        """Show one attempt's facts (None: none)."""
        if view is None:
            for label in self.labels.values():
                label.clear()
            return
        values = {
            "attempt": str(view.attempt),
            "started": clock_text(view.started_at),
            "duration": "in flight or cut off"
            if view.elapsed_ms is None
            else f"{view.elapsed_ms:.1f} ms",
            "status": status_text(view),
            "size": f"{view.body_size:,} bytes" if view.status is not None else "",
            "error": view.error or "none",
            "location": view.location() or "",
        }
        for key, label in self.labels.items():
            label.setText(values[key])
        self.form.setRowVisible(self.labels["location"], bool(values["location"]))


def answer_notes(view: ResponseView, notes: list[str]) -> None:
    """Add to ``notes`` what is special about the answer: a redirect (first), a body kept
    only in part, a content coding removed, a problem the core found."""
    location = view.location()
    if location is not None:
        notes.insert(0, f"Redirects to {location} (redirects are not followed).")
    if view.truncated:
        notes.append(
            f"Only the first {size_text(len(view.body))} of {size_text(view.body_size)} was kept."
        )
    if view.decoded:
        notes.append(f"The body was decoded from {view.decoded}.")
    if view.problem:
        notes.append(view.problem)


def answer_text(view: ResponseView | None, body: str) -> str:
    """The answer in words: status line, redirect, headers, blank line, ``body``."""
    if view is None:
        return ""
    if view.status is None:
        return f"{status_text(view)}: {view.error or ''}".strip()
    elapsed = "" if view.elapsed_ms is None else f"{view.elapsed_ms:.0f} ms, "
    head = [f"HTTP {status_text(view)}  ({elapsed}attempt {view.attempt})"]
    location = view.location()
    if location is not None:
        head.append(f"Redirects to: {location}  (redirects are not followed)")
    head += [f"{name}: {value}" for name, value in view.headers]
    return "\n".join(head) + "\n\n" + body
