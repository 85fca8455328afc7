"""The preview-context bar: which person and event the preview renders against.

:class:`PeopleComboModel` is lazy: it knows the count and reads people a page at a time
as the combo's list scrolls (``canFetchMore``/``fetchMore``), so a workspace of 100,000
people opens as fast as one of ten. It reads through two plain callables (a page and a
count) so it is tested without a database. :func:`variable_paths` lists the names the
editors offer for completion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from composer.model import Event, Person, context_for

__all__ = ["PAGE", "ContextBar", "PeopleComboModel", "variable_paths"]

PAGE = 200
"""People read per page."""
Index = QModelIndex | QPersistentModelIndex


def _paths(prefix: str, value: Any, depth: int) -> Iterator[str]:
    yield prefix
    if isinstance(value, Mapping) and depth > 0:
        for key, inner in value.items():
            if isinstance(key, str) and key.replace("_", "a").replace("-", "a").isalnum():
                yield from _paths(f"{prefix}.{key}", inner, depth - 1)


def variable_paths(context: Mapping[str, Any], secret_names: Sequence[str]) -> list[str]:
    """Completion words: ``customer.x``, ``event.y``, ``event_name``, ``secrets.NAME``…"""
    words: list[str] = []
    for key, value in context.items():
        words.extend(_paths(key, value, 3))
    words.extend(f"secrets.{name}" for name in secret_names)
    return words


class PeopleComboModel(QAbstractListModel):
    """People by id and email, read a page at a time."""

    def __init__(self, fetch: Callable[[int, int], list[Person]], count: Callable[[], int]) -> None:
        super().__init__()
        self._fetch = fetch
        self._count = count
        self._people: list[Person] = []
        self._total = count()
        if self._total:
            self.fetchMore(QModelIndex())

    def reload(self) -> None:
        """Forget what was read and start again from the first page."""
        self.beginResetModel()
        self._people = []
        self._total = self._count()
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    @property
    def total(self) -> int:
        """How many people the workspace holds."""
        return self._total

    def person(self, row: int) -> Person | None:
        """The person on ``row`` (None for a row not read yet)."""
        return self._people[row] if 0 <= row < len(self._people) else None

    def row_of(self, person_id: str, read_up_to: int = 5000) -> int:
        """The row of ``person_id``, reading further pages up to ``read_up_to`` rows."""
        while True:
            for row, person in enumerate(self._people):
                if person.id == person_id:
                    return row
            if len(self._people) >= read_up_to or not self.canFetchMore(QModelIndex()):
                return -1
            self.fetchMore(QModelIndex())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and len(self._people) < self._total

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid():
            return
        page = self._fetch(PAGE, len(self._people))
        if not page:
            self._total = len(self._people)
            return
        start = len(self._people)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._people.extend(page)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        person = self.person(index.row()) if index.isValid() else None
        if person is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            name = person.attributes.get("name") or person.email
            return f"{person.id} — {name}" if name else person.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return person.email
        return None


class ContextBar(QWidget):
    """Person and event combos.

    Signals:
        changed(): the chosen person or event changed.
    """

    changed = Signal()

    def __init__(
        self,
        people: PeopleComboModel,
        events_of: Callable[[str], list[Event]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._events_of = events_of
        self._events: list[Event] = []
        self.people = people
        self.person_combo = QComboBox()
        self.person_combo.setModel(people)
        self.person_combo.setAccessibleName("Preview person")
        self.person_combo.setToolTip(
            "The person the preview renders for: their attributes are {{ customer.… }}"
        )
        self.person_combo.setMinimumContentsLength(16)
        self.event_combo = QComboBox()
        self.event_combo.setAccessibleName("Preview event")
        self.event_combo.setToolTip(
            "The event that triggered the campaign, if any: its data is {{ event.… }}"
        )
        self.event_combo.setMinimumContentsLength(10)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Preview for"))
        layout.addWidget(self.person_combo, 2)
        layout.addWidget(QLabel("event"))
        layout.addWidget(self.event_combo, 1)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("People count")
        layout.addWidget(self.count_label)
        self.person_combo.currentIndexChanged.connect(self._person_changed)
        self.event_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self._person_changed(self.person_combo.currentIndex())

    def person(self) -> Person | None:
        """The chosen person."""
        return self.people.person(self.person_combo.currentIndex())

    def chosen_event(self) -> Event | None:
        """The chosen event (None for "no event")."""
        row = self.event_combo.currentIndex() - 1
        return self._events[row] if 0 <= row < len(self._events) else None

    def context(self) -> dict[str, Any]:
        """The Liquid globals for the chosen person and event."""
        return context_for(self.person(), self.chosen_event())

    def choose(self, person_id: str, event_name: str | None = None) -> bool:
        """Choose a person (and an event of theirs by name); False when not found."""
        row = self.people.row_of(person_id)
        if row < 0:
            return False
        self.person_combo.setCurrentIndex(row)
        if event_name is not None:
            for i, event in enumerate(self._events):
                if event.name == event_name:
                    self.event_combo.setCurrentIndex(i + 1)
        return True

    def reload(self) -> None:
        """Read the people again (after an import, say), keeping the choice if possible."""
        person = self.person()
        self.people.reload()
        if person is not None:
            self.choose(person.id)

    def _person_changed(self, _row: int) -> None:
        person = self.person()
        self._events = self._events_of(person.id) if person is not None else []
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        self.event_combo.addItem("(no event)")
        for event in self._events:
            self.event_combo.addItem(event.name)
        self.event_combo.setCurrentIndex(1 if self._events else 0)
        self.event_combo.blockSignals(False)
        self.count_label.setText(f"{self.people.total:,} people")
        self.changed.emit()
