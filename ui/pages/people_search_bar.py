"""The People page's search bar: the search field, how many people are shown, and the
line under it that says which column filters are in use.

:class:`PeopleSearchBar` only shows and asks; the page narrows the table. Decisions:

* **Typing narrows the table 150 ms after the last keystroke** (``searched``), so a fast
  typist starts one read, not one a letter; :meth:`PeopleSearchBar.search_now` is the
  search without the wait (the page's ``search``, tests).
* **The column filters apply on top of the search**, and a line under the search says
  which are in use, with a button that clears them (``clearFilters``); the line is hidden
  while no column is filtered.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.pages.people_cells import column_title

__all__ = ["PeopleSearchBar"]


class PeopleSearchBar(QWidget):
    """The search field and the people count, with the column-filter line under them.

    Signals:
        searched(str): the text to narrow the table by (after the typing pause).
        clearFilters(): "Clear filters" was pressed.
    """

    searched = Signal(str)
    clearFilters = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search id, email or any attribute value")
        self.search_edit.setAccessibleName("Search people")
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("People shown")
        self.filter_label = QLabel()
        self.filter_label.setAccessibleName("Column filters in use")
        self.clear_filters_button = QPushButton("Clear filters")
        self.clear_filters_button.setAccessibleName("Clear column filters")
        self.clear_filters_button.setToolTip(
            "Show everyone the search finds, whatever the columns hold"
        )
        self.clear_filters_button.clicked.connect(lambda _=False: self.clearFilters.emit())
        self.filter_bar = QWidget()
        filter_layout = QHBoxLayout(self.filter_bar)
        filter_layout.setContentsMargins(0, 0, 0, 0)
        filter_layout.addWidget(self.filter_label, 1)
        filter_layout.addWidget(self.clear_filters_button)
        self.filter_bar.hide()
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.count_label)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.filter_bar)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(lambda: self.searched.emit(self.search_edit.text()))
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())

    def search_now(self, text: str) -> None:
        """Put ``text`` in the field without waiting for (or starting) the typing pause."""
        self._timer.stop()
        if self.search_edit.text() != text:
            self.search_edit.blockSignals(True)
            self.search_edit.setText(text)
            self.search_edit.blockSignals(False)

    def show_filters(self, filters: dict[str, str]) -> None:
        """Say which column filters are in use (column: the filter's text); none hides the line."""
        self.filter_bar.setVisible(bool(filters))
        self.filter_label.setText(
            "Filtered: " + "; ".join(f"{column_title(c)} {t}" for c, t in filters.items())
        )

    def show_count(self, shown: int, more: bool, selected: int) -> None:
        """Say how many people are shown (``more``: more to fetch) and how many are selected."""
        plus = "+" if more else ""
        self.count_label.setText(
            f"{shown}{plus} shown" + (f", {selected} selected" if selected else "")
        )
