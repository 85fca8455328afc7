"""The request list: an item model over the workspace's request names, and its panel.

:class:`RequestListModel` holds names only (requests are read when one is opened), so a
workspace with many requests lists at once. :class:`RequestListPanel` adds the search box
and the buttons, and says what the user asked for through signals; the window does the
store work. :class:`DeleteRequestCommand` makes deleting undoable on a QUndoStack: it
keeps the deleted request and stores it again on undo.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.model import Request

__all__ = ["DeleteRequestCommand", "RequestListModel", "RequestListPanel"]

Index = QModelIndex | QPersistentModelIndex


class RequestListModel(QAbstractListModel):
    """The workspace's request names, in the store's order."""

    def __init__(self) -> None:
        super().__init__()
        self._names: list[str] = []

    def set_names(self, names: Sequence[str]) -> None:
        """Replace the list."""
        if list(names) == self._names:
            return
        self.beginResetModel()
        self._names = list(names)
        self.endResetModel()

    def names(self) -> list[str]:
        """Every name listed."""
        return list(self._names)

    def row_of(self, name: str) -> int:
        """The row of ``name``, or -1."""
        try:
            return self._names.index(name)
        except ValueError:
            return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._names):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._names[index.row()]
        return None


class DeleteRequestCommand(QUndoCommand):
    """Deletes a request; undo stores it again. ``store`` and ``restore`` do the work."""

    def __init__(
        self,
        request: Request,
        delete: Callable[[str], None],
        restore: Callable[[Request], None],
    ) -> None:
        super().__init__(f'Delete "{request.name}"')
        self.request = request
        """The deleted request, as it was."""
        self._delete = delete
        self._restore = restore

    def redo(self) -> None:
        self._delete(self.request.name)

    def undo(self) -> None:
        self._restore(self.request)


class RequestListPanel(QWidget):
    """Search, list and manage requests.

    Signals:
        currentChanged(str): the user selected a request (its name).
        newRequested(): "New".
        recipeRequested(str): "New from recipe" with a recipe's name.
        duplicateRequested(): "Duplicate" the current request.
        renameRequested(): "Rename" the current request.
        deleteRequested(): "Delete" the current request.
        recipesWanted(): the recipe menu is about to show; call :meth:`set_recipes`.
    """

    currentChanged = Signal(str)
    newRequested = Signal()
    recipeRequested = Signal(str)
    duplicateRequested = Signal()
    renameRequested = Signal()
    deleteRequested = Signal()
    recipesWanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RequestListModel()
        self._quiet = False
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search requests (Ctrl+K)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search requests")
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QListView()
        self.view.setModel(self.proxy)
        self.view.setAccessibleName("Requests")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.selectionModel().currentChanged.connect(self._current)

        self.recipe_menu = QMenu(self)
        self.recipe_menu.aboutToShow.connect(self.recipesWanted)
        buttons: list[tuple[str, str, Any]] = [
            ("New", "New request", self.newRequested),
            ("From recipe", "New from recipe", None),
            ("Duplicate", "Duplicate request", self.duplicateRequested),
            ("Rename…", "Rename request", self.renameRequested),
            ("Delete", "Delete request", self.deleteRequested),
        ]
        tips = {
            "New from recipe": "Start a request from a shipped recipe (Zendesk, Trello, "
            "Twilio…): its URL, headers and body, credentials read from the keychain",
            "Duplicate request": "A copy of the open request under a new name",
            "Delete request": "Delete the open request (Undo: Ctrl+Shift+Z)",
        }
        grid = QGridLayout()
        for i, (label, name, signal) in enumerate(buttons):
            button = QPushButton(label)
            button.setAccessibleName(name)
            if name in tips:
                button.setToolTip(tips[name])
            if signal is None:
                button.setMenu(self.recipe_menu)
            else:
                button.clicked.connect(signal)
            grid.addWidget(button, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addLayout(grid)

    def set_names(self, names: Sequence[str]) -> None:
        """Show these request names (the selection is kept when it still exists)."""
        current = self.current()
        self.model.set_names(names)
        if current is not None:
            self.select(current, emit=False)

    def set_recipes(self, recipes: Sequence[tuple[str, str]]) -> None:
        """Fill the "From recipe" menu with (name, description) pairs."""
        self.recipe_menu.clear()
        for name, description in recipes:
            action = self.recipe_menu.addAction(name)
            action.setToolTip(description)
            action.setStatusTip(description)
            action.triggered.connect(lambda _=False, n=name: self.recipeRequested.emit(n))

    def current(self) -> str | None:
        """The selected request's name."""
        index = self.view.currentIndex()
        return str(index.data()) if index.isValid() else None

    def select(self, name: str, emit: bool = True) -> None:
        """Select ``name`` (clearing a search that hides it)."""
        row = self.model.row_of(name)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.search.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self._quiet = not emit
        try:
            self.view.setCurrentIndex(index)
        finally:
            self._quiet = False
        self.view.scrollTo(index)

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.search.setFocus()
        self.search.selectAll()

    def _current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._quiet:
            self.currentChanged.emit(str(current.data()))
