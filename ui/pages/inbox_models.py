"""The Inbox page's models: what it caught, as a table and as text, and its reply's headers.

* :class:`InboxBridge` carries each caught request from the inbox's connection thread to
  the GUI thread: it lives in the GUI thread, so its ``caught`` signal is delivered queued
  and no widget is touched off the GUI thread.
* :class:`CaughtModel` is a table (time, method, path, size) of the plain
  :class:`~composer.inbox.server.CaughtRequest` values; it keeps at most as many rows as the
  inbox keeps requests, dropping the oldest first.
* :func:`raw_view` is a caught request exactly as received: the request line and headers in
  their order and case, then the body as text when it is UTF-8 (else its size).
* :func:`parse_header_lines` reads the reply's headers, ``Name: value`` a line, and names the
  lines that are not (the page leaves them out); :func:`header_lines_note` says why, in the
  core's words (:func:`composer.http_headers.parse_header_lines`): the same rules and
  messages as ``webhook-composer inbox --reply-header``. The note names at most
  :data:`NOTE_PROBLEMS` lines and counts the rest, so pasted junk cannot flood the page.

:mod:`ui.pages.inbox` is the page that uses them (and re-exports them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from composer import http_headers
from composer.inbox.server import CaughtRequest
from composer.wording import counted
from ui.pages.table_models import TitledTableModel

__all__ = [
    "NOTE_PROBLEMS",
    "CaughtModel",
    "InboxBridge",
    "header_lines_note",
    "parse_header_lines",
    "raw_view",
]

NOTE_PROBLEMS = 3
"""How many bad header lines the note names; the rest are counted."""

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class InboxBridge(QObject):
    """Carries each caught request from the inbox's thread to the GUI thread.

    Signals:
        caught(object): a :class:`~composer.inbox.server.CaughtRequest` arrived.
    """

    caught = Signal(object)

    def forward(self, request: CaughtRequest) -> None:
        """The inbox's ``on_request`` hook (runs on a connection thread)."""
        self.caught.emit(request)


class CaughtModel(TitledTableModel):
    """The caught requests, oldest first: time, method, path (with query), size.

    Signals: the standard model signals only.
    """

    HEADERS = ("Time", "Method", "Path", "Size")

    def __init__(self, limit: int = 1000) -> None:
        super().__init__()
        self.limit = limit
        """Most rows kept; the oldest go first."""
        self._rows: list[CaughtRequest] = []

    def caught(self, row: int) -> CaughtRequest:
        """The request on ``row``."""
        return self._rows[row]

    def append(self, request: CaughtRequest) -> None:
        """Add a request at the end (dropping the oldest past :attr:`limit`)."""
        if len(self._rows) >= self.limit:
            drop = len(self._rows) - self.limit + 1
            self.beginRemoveRows(_ROOT, 0, drop - 1)
            del self._rows[:drop]
            self.endRemoveRows()
        self.beginInsertRows(_ROOT, len(self._rows), len(self._rows))
        self._rows.append(request)
        self.endInsertRows()

    def clear(self) -> None:
        """Forget every row."""
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        request = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            column = index.column()
            if column == 0:
                return dt.datetime.fromtimestamp(request.received_at).strftime("%H:%M:%S.%f")[:-3]
            if column == 1:
                return request.method
            if column == 2:
                return request.target
            size = f"{request.body_size} B"
            return size + (" (cut)" if request.truncated else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"#{request.number} from {request.client[0]}, read in {request.elapsed_ms:.1f} ms"
            )
        return None


def raw_view(request: CaughtRequest) -> str:
    """The request line, the headers as received, a blank line, then the body."""
    lines = [f"{request.method} {request.target} {request.version}"]
    lines += [f"{name}: {value}" for name, value in request.headers]
    text = request.body_text()
    body = f"({request.body_size} bytes, not UTF-8)" if text is None else text
    if request.truncated:
        body += f"\n(only the first {len(request.body)} of {request.body_size} bytes were kept)"
    return "\n".join(lines) + "\n\n" + body


def parse_header_lines(text: str) -> tuple[list[tuple[str, str]], list[int]]:
    """``Name: value`` lines as pairs, and the 1-based numbers of the lines that are not."""
    pairs, problems = http_headers.parse_header_lines(text)
    return pairs, [p.number for p in problems]


def header_lines_note(text: str) -> str:
    """Why header lines are left out, one line each ("" when every line is good)."""
    _pairs, problems = http_headers.parse_header_lines(text)
    if not problems:
        return ""
    lines = [f"Left out: {p}" for p in problems[:NOTE_PROBLEMS]]
    if len(problems) > NOTE_PROBLEMS:
        lines.append(f"and {counted(len(problems) - NOTE_PROBLEMS, 'more bad line', grouped=True)}")
    return "\n".join(lines)
