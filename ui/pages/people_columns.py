"""The people table's header: choose, order, sort and filter the columns.

Right-click a column's header for its menu: a filter for that column (typed in the menu,
applied with Enter; the syntax is :func:`composer.store.people_table.parse_filter`'s),
sorting, and every column as a checkable item (the ID column always stays). Columns are
reordered by dragging their headers (``QHeaderView.setSectionsMovable``). Decisions:

* **Remembered by name.** The hidden columns and the order of the columns are saved in
  the window's settings as lists of column names (``people/hidden_columns``,
  ``people/column_order``), not as the header's binary state, so they survive attributes
  coming and going; a column met for the first time is shown, after the remembered ones.
* **Sorting is the store's** (the model sorts in SQL); clicking a header sorts by it, a
  third click goes back to the order people were stored in.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QLineEdit, QMenu, QTableView, QWidgetAction

from ui.pages.people_cells import column_title
from ui.pages.people_model import PeopleTableModel
from ui.widgets.qt_settings import read_list, save_list

__all__ = ["HIDDEN_KEY", "ORDER_KEY", "ColumnChooser"]

HIDDEN_KEY = "people/hidden_columns"
"""The settings key of the hidden columns' names."""
ORDER_KEY = "people/column_order"
"""The settings key of the columns' names in the order shown."""


class ColumnChooser(QObject):
    """Wires a people table's header to its model and the settings.

    Signals:
        menuShown(object): a header menu was built for a column (the QMenu), before it shows.
    """

    menuShown = Signal(object)

    def __init__(self, table: QTableView, model: PeopleTableModel) -> None:
        super().__init__(table)
        self.table = table
        self.model = model
        self.header = table.horizontalHeader()
        self.header.setAccessibleName("People columns")
        self.header.setSectionsMovable(True)
        self.header.setSortIndicatorClearable(True)
        self.header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.header.customContextMenuRequested.connect(self._context_menu)
        self.header.setToolTip("Click to sort; drag to reorder; right-click to choose or filter")
        table.setSortingEnabled(True)
        self._applying = False
        self.hidden: set[str] = set(read_list(HIDDEN_KEY) or [])
        self.order: list[str] = read_list(ORDER_KEY) or []
        self.header.sectionMoved.connect(lambda *_: self._save())
        model.columnsInserted.connect(lambda *_: self.apply())
        self.apply()

    # -- state ---------------------------------------------------------------------------

    def shown(self) -> list[str]:
        """The names of the columns shown, left to right."""
        names = self.model.columns()
        logical = [self.header.logicalIndex(v) for v in range(self.header.count())]
        return [names[i] for i in logical if not self.header.isSectionHidden(i)]

    def apply(self) -> None:
        """Put the remembered order and hidden columns on the header."""
        self._applying = True
        try:
            names = self.model.columns()
            wanted = [n for n in self.order if n in names]
            wanted += [n for n in names if n not in wanted]
            for visual, name in enumerate(wanted):
                logical = names.index(name)
                now = self.header.visualIndex(logical)
                if now != visual:
                    self.header.moveSection(now, visual)
            for logical, name in enumerate(names):
                self.header.setSectionHidden(logical, name in self.hidden and name != "id")
        finally:
            self._applying = False

    def set_shown(self, name: str, shown: bool) -> None:
        """Show or hide the column ``name`` (the ID column always stays) and remember it."""
        logical = self.model.column_of(name)
        if logical < 0 or name == "id":
            return
        self.header.setSectionHidden(logical, not shown)
        if shown:
            self.hidden.discard(name)
        else:
            self.hidden.add(name)
        self._save()

    def move(self, name: str, visual: int) -> None:
        """Move the column ``name`` to position ``visual`` (as dragging its header does)."""
        logical = self.model.column_of(name)
        if logical >= 0:
            self.header.moveSection(self.header.visualIndex(logical), visual)

    def _save(self) -> None:
        if self._applying:
            return
        names = self.model.columns()
        self.order = [names[self.header.logicalIndex(v)] for v in range(self.header.count())]
        save_list(ORDER_KEY, self.order)
        save_list(HIDDEN_KEY, sorted(self.hidden))

    # -- the menu ------------------------------------------------------------------------

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.menu(self.header.logicalIndexAt(pos))
        menu.popup(self.header.mapToGlobal(pos))

    def menu(self, section: int) -> QMenu:
        """The header menu of the column at logical index ``section`` (-1: none)."""
        menu = QMenu(self.header)
        menu.setAccessibleName("Column menu")
        menu.aboutToHide.connect(menu.deleteLater)
        names = self.model.columns()
        if 0 <= section < len(names):
            name = names[section]
            title = column_title(name)
            edit = QLineEdit(self.model.filters().get(name, ""))
            edit.setPlaceholderText(f"Filter {title}: text, =exact, >10, <10, = for none")
            edit.setAccessibleName(f"Filter {title}")
            edit.setToolTip(
                "Text keeps values that contain it; =text exact values; >n, <n, >=n, <=n "
                "compare numbers; = alone keeps people without a value. Enter applies."
            )
            edit.setClearButtonEnabled(True)

            def apply_filter(column: str = name, box: QLineEdit = edit) -> None:
                self.model.set_filter(column, box.text())
                menu.close()

            edit.returnPressed.connect(apply_filter)
            holder = QWidgetAction(menu)
            holder.setDefaultWidget(edit)
            menu.addAction(holder)
            menu.setProperty("filterEdit", edit)
            clear = menu.addAction(f"Clear filter on {title}")
            clear.setEnabled(name in self.model.filters())
            clear.triggered.connect(lambda _=False, n=name: self.model.set_filter(n, ""))
            menu.addSeparator()
            up = menu.addAction(f"Sort by {title}, A→Z / 0→9")
            up.triggered.connect(
                lambda _=False, s=section: self.header.setSortIndicator(
                    s, Qt.SortOrder.AscendingOrder
                )
            )
            down = menu.addAction(f"Sort by {title}, Z→A / 9→0")
            down.triggered.connect(
                lambda _=False, s=section: self.header.setSortIndicator(
                    s, Qt.SortOrder.DescendingOrder
                )
            )
            if name != "id":
                hide = menu.addAction(f"Hide {title}")
                hide.triggered.connect(lambda _=False, n=name: self.set_shown(n, False))
        stored = menu.addAction("Stored order (no sorting)")
        stored.triggered.connect(
            lambda _=False: self.header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        )
        every = menu.addAction("Clear all filters")
        every.setEnabled(bool(self.model.filters()))
        every.triggered.connect(lambda _=False: self.model.clear_filters())
        menu.addSeparator()
        columns = menu.addMenu("Columns")
        columns.setAccessibleName("Columns to show")
        for logical, column in enumerate(names):
            action = QAction(column_title(column), columns)
            action.setCheckable(True)
            action.setChecked(not self.header.isSectionHidden(logical))
            action.setEnabled(column != "id")
            action.toggled.connect(lambda on, c=column: self.set_shown(c, on))
            columns.addAction(action)
        show_all = menu.addAction("Show all columns")
        show_all.triggered.connect(lambda _=False: self._show_all())
        self.menuShown.emit(menu)
        return menu

    def _show_all(self) -> None:
        self.hidden.clear()
        for logical in range(self.header.count()):
            self.header.setSectionHidden(logical, False)
        self._save()
