"""The diagnostics list: a read-only item model over a tuple of :class:`Diagnostic`.

A row's tooltip says what a click does: go to the place in the editor, or, for a secret
that has no value, open the Secrets dialog on it.

A row's colour (its text and its swatch: red for an error, amber for a warning) is an
accent of :mod:`ui.widgets.palette`, picked for the palette in use when the row is drawn,
so it reads on a light and a dark theme alike.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from composer.rendering.diagnostics import Diagnostic
from composer.secrets import missing_secret_name
from ui.widgets.palette import accent

__all__ = ["DIAGNOSTIC_ROLE", "DiagnosticsModel", "describe_where"]

DIAGNOSTIC_ROLE = Qt.ItemDataRole.UserRole + 1
"""The role that returns the :class:`Diagnostic` object of a row."""

_ACCENTS = {"error": "failure", "warning": "waiting"}
Index = QModelIndex | QPersistentModelIndex


def describe_where(where: str) -> str:
    """A person's name for a diagnostic's place: ``headers[0]`` → "header 1"."""
    if where.startswith("headers["):
        return f"header {int(where[8:-1]) + 1}"
    if where.startswith("response_mappings["):
        return f"mapping {int(where[18:-1]) + 1}"
    return where.upper() if where == "url" else where


class DiagnosticsModel(QAbstractListModel):
    """One row per diagnostic, errors first, in the order the linter found them."""

    def __init__(self) -> None:
        super().__init__()
        self._items: tuple[Diagnostic, ...] = ()

    def set_diagnostics(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        """Show these diagnostics (no change, no reset)."""
        ordered = tuple(sorted(diagnostics, key=lambda d: d.severity != "error"))
        if ordered == self._items:
            return
        self.beginResetModel()
        self._items = ordered
        self.endResetModel()

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """The rows' diagnostics."""
        return self._items

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{item.severity}: {describe_where(item.where)}, line {item.line}, "
                f"column {item.column}: {item.message}"
            )
        if role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole):
            name = _ACCENTS.get(item.severity)
            return accent(name) if name is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if missing_secret_name(item.message) is not None:
                return "Click to give this secret a value."
            return "Click to go to this place in the editor."
        if role == DIAGNOSTIC_ROLE:
            return item
        return None
