"""A JSON value as a collapsible tree: :class:`JsonTreeModel`, built as it is opened.

Nodes are made lazily: a container's children exist only once the view asks for them (a
row expanded, or the top level shown), so a 1 MiB body with 25,000 objects shows at once
and costs memory only for what was opened. A container with more than
:data:`MAX_CHILDREN` members shows the first ones and one last row saying how many more
there are (the Raw view has them all); depth is bounded before the model sees the value,
by :func:`composer.json_input.parse` (64 levels). A long string is cut in its cell at
:data:`CELL_CHARS` characters (its tooltip holds more, up to :data:`TIP_CHARS`).

Columns: the key (an object's key, or ``[i]`` for an array's member) and the value (a
scalar as JSON; a container as ``{3 keys}`` or ``[10 items]``).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from composer.wording import counted

__all__ = ["CELL_CHARS", "MAX_CHILDREN", "TIP_CHARS", "JsonTreeModel"]

MAX_CHILDREN = 5000
"""A container shows at most this many members; a last row says how many more there are."""
CELL_CHARS = 200
"""A value's cell shows at most this many characters."""
TIP_CHARS = 4000
"""A value's tooltip shows at most this many characters."""

Index = QModelIndex | QPersistentModelIndex
_MORE = object()
"""The value of the row that says how many members are not shown."""


class _Node:
    __slots__ = ("key", "kids", "parent", "row", "value")

    def __init__(self, parent: _Node | None, row: int, key: str, value: Any) -> None:
        self.parent = parent
        self.row = row
        self.key = key
        self.value = value
        self.kids: list[_Node] | None = None

    def is_container(self) -> bool:
        return isinstance(self.value, dict | list) and bool(self.value)

    def children(self) -> list[_Node]:
        if self.kids is None:
            value = self.value
            kids: list[_Node] = []
            if isinstance(value, dict):
                for row, (key, member) in enumerate(value.items()):
                    if row == MAX_CHILDREN:
                        break
                    kids.append(_Node(self, row, str(key), member))
            elif isinstance(value, list):
                for row, member in enumerate(value[:MAX_CHILDREN]):
                    kids.append(_Node(self, row, f"[{row}]", member))
            if isinstance(value, dict | list) and len(value) > MAX_CHILDREN:
                more = len(value) - MAX_CHILDREN
                kids.append(_Node(self, MAX_CHILDREN, "…", (_MORE, more)))
            self.kids = kids
        return self.kids


def _summary(value: Any) -> str:
    if isinstance(value, tuple) and value and value[0] is _MORE:
        return f"{value[1]:,} more not shown (the Raw view has them all)"
    if isinstance(value, dict):
        return "{" + counted(len(value), "key") + "}"
    if isinstance(value, list):
        return "[" + counted(len(value), "item") + "]"
    return json.dumps(value, ensure_ascii=False)


class JsonTreeModel(QAbstractItemModel):
    """A parsed JSON value as a two-column tree (key, value), built as it is opened."""

    HEADERS = ("Key", "Value")

    def __init__(self, value: Any = None) -> None:
        super().__init__()
        self._root = _Node(None, 0, "", None)
        self._retired = self._root
        self.set_value(value)

    def set_value(self, value: Any) -> None:
        """Show ``value`` (a container's members at the top level; a scalar as one row)."""
        self.beginResetModel()
        self._retired = self._root  # indexes a view may still hold stay valid until the next
        if isinstance(value, dict | list):
            self._root = _Node(None, 0, "", value)
        else:
            self._root = _Node(None, 0, "", [])
            self._root.kids = [_Node(self._root, 0, "(value)", value)]
        self.endResetModel()

    def node(self, index: Index) -> _Node:
        """The node behind ``index`` (the root for an invalid index)."""
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, _Node)
        return node

    def value_of(self, index: Index) -> Any:
        """The JSON value at ``index`` (None for the "more" row)."""
        value = self.node(index).value
        return None if isinstance(value, tuple) else value

    def path_of(self, index: Index) -> str:
        """A Liquid-style path to ``index`` (``response.contacts[0].id``)."""
        parts: list[str] = []
        node: _Node | None = self.node(index)
        while node is not None and node.parent is not None:
            key = node.key
            parts.append(key if key.startswith("[") else f".{key}")
            node = node.parent
        return "response" + "".join(reversed(parts))

    # -- QAbstractItemModel --------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column not in (0, 1) or row < 0:
            return QModelIndex()
        kids = self.node(parent).children()
        if row >= len(kids):
            return QModelIndex()
        return self.createIndex(row, column, kids[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = self.node(index).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self.node(parent)
        if node is not self._root and not node.is_container():
            return 0
        return len(node.children())

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return False
        node = self.node(parent)
        return node is self._root or node.is_container()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return node.key
            text = _summary(node.value)
            return text if len(text) <= CELL_CHARS else text[:CELL_CHARS] + "…"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            text = _summary(node.value)
            tip = text if len(text) <= TIP_CHARS else text[:TIP_CHARS] + "…"
            return f"{self.path_of(index)}\n{tip}"
        return None
