"""The preview-context bar: which person and event the preview renders against.

Nothing here reads the workspace on the GUI thread; every read is an op of
:mod:`ui.ops.people` on a worker's own connection. Decisions:

* **Lazy.** :class:`PeopleComboModel` knows the count and holds the people read so far;
  the combo's list asks for the next page as it scrolls (``canFetchMore``/``fetchMore``),
  one page in flight at a time, and the rows are inserted when it answers. A workspace of
  100,000 people opens as fast as one of ten.
* **Start-up in one answer.** :meth:`ContextBar.start` reads the count, the first page and
  the person to preview for (the remembered one, else the first) with their events. Until
  it answers the combo says "Reading people…" and the preview renders with no person.
* **A choice is read, newest wins.** Picking a person in the combo, or
  :meth:`ContextBar.choose` from another page, reads that person and their events by an
  op; ``changed`` is emitted when it answers, and an answer to an older choice is dropped.
  :attr:`ContextBar.busy` says a start or a choice has not answered yet.
* **A person not read yet is pinned at the top.** Choosing someone beyond the pages read
  does not read every page up to them: the person is shown as the list's first row
  (and left out of the pages that arrive later, so they are listed once) until the
  people are read again.
* **Reading again keeps the choice.** :meth:`ContextBar.reload` (after an import or a
  response mapping) runs the start-up read again for the chosen person and event.

:func:`variable_paths` lists the names the editors offer for completion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from composer.model import Event, Person, context_for
from composer.wording import counted
from ui.ops import OpError
from ui.ops import people as people_ops

__all__ = ["PAGE", "ContextBar", "PeopleComboModel", "variable_paths"]

PAGE = 200
"""People read per page."""
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


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
    """People by id and name: a pinned person first (if any), then the pages read.

    Signals:
        readFailed(str): a page could not be read (the sentence).
    """

    readFailed = Signal(str)

    def __init__(self, path: Path, page: int = PAGE, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        """The workspace file the ops read."""
        self._page = page
        self._people: list[Person] = []
        self._pinned: Person | None = None
        self._read = 0  # people read from the store, in order (the next page's offset)
        self._total = 0
        self._asking = False
        self._generation = 0

    def set_start(self, total: int, first: list[Person]) -> None:
        """Show the start-up read's count and first page (forgetting what was read)."""
        self._generation += 1  # a page still on its way belongs to the old list
        self.beginResetModel()
        self._people = list(first)
        self._pinned = None
        self._read = len(first)
        self._total = total if len(first) >= self._page else len(first)
        self._asking = False
        self.endResetModel()

    @property
    def total(self) -> int:
        """How many people the workspace holds (as last counted)."""
        return self._total

    @property
    def asking(self) -> bool:
        """Whether a page is on its way."""
        return self._asking

    @property
    def pinned(self) -> Person | None:
        """The person shown first because they were chosen before their page was read."""
        return self._pinned

    def person(self, row: int) -> Person | None:
        """The person on ``row`` (None for no such row)."""
        return self._people[row] if 0 <= row < len(self._people) else None

    def row_of(self, person_id: str) -> int:
        """The row of ``person_id`` among the rows read (-1: not read yet)."""
        for row, person in enumerate(self._people):
            if person.id == person_id:
                return row
        return -1

    def pin(self, person: Person) -> int:
        """Show ``person`` as the first row (replacing the person pinned before); their row."""
        if self._pinned is not None:
            self.beginRemoveRows(_ROOT, 0, 0)
            del self._people[0]
            self._pinned = None
            self.endRemoveRows()
        self.beginInsertRows(_ROOT, 0, 0)
        self._people.insert(0, person)
        self._pinned = person
        self.endInsertRows()
        return 0

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._people)

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and self._read < self._total

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if parent.isValid() or self._asking or not self.canFetchMore():
            return
        self._asking = True
        generation, offset = self._generation, self._read
        people_ops.page(self, self.path, self._page, offset).success(
            lambda rows: self._more(generation, rows)
        ).failure(lambda error: self._failed(generation, error)).run()

    def _more(self, generation: int, rows: list[Person]) -> None:
        if generation != self._generation:
            return
        self._asking = False
        if not rows:
            self._total = self._read  # fewer people than counted: the list ends here
            return
        self._read += len(rows)
        if len(rows) < self._page:
            self._total = self._read
        pinned = self._pinned.id if self._pinned is not None else None
        rows = [person for person in rows if person.id != pinned]
        if rows:
            start = len(self._people)
            self.beginInsertRows(_ROOT, start, start + len(rows) - 1)
            self._people.extend(rows)
            self.endInsertRows()

    def _failed(self, generation: int, error: OpError) -> None:
        if generation == self._generation:
            self._asking = False
            self._total = self._read  # no endless asking; reading again starts afresh
            self.readFailed.emit(f"People could not be read: {error.message}")

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
    """Person and event combos (see the module docstring).

    Signals:
        changed(): the chosen person or event changed (once their events are read).
    """

    changed = Signal()

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        """The workspace file the ops read."""
        self._person: Person | None = None
        self._events: list[Event] = []
        self._loads = 0  # start-up reads asked for (the newest fills the list)
        self._choices = 0  # choices asked for (the newest wins)
        self._waiting = False
        self.people = PeopleComboModel(path, parent=self)
        self.people.readFailed.connect(self._say_failure)
        self.person_combo = QComboBox()
        self.person_combo.setModel(self.people)
        self.person_combo.setPlaceholderText("Reading people…")
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
        self.event_combo.addItem("(no event)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Preview for"))
        layout.addWidget(self.person_combo, 2)
        layout.addWidget(QLabel("event"))
        layout.addWidget(self.event_combo, 1)
        self.count_label = QLabel("Reading people…")
        self.count_label.setAccessibleName("People count")
        self.count_label.setToolTip("How many people the workspace holds")
        layout.addWidget(self.count_label)
        self.person_combo.currentIndexChanged.connect(self._picked)
        self.event_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    @property
    def busy(self) -> bool:
        """Whether a start-up read or a choice has not answered yet."""
        return self._waiting

    def person(self) -> Person | None:
        """The chosen person (None until the first read answers, or with no people)."""
        return self._person

    def chosen_event(self) -> Event | None:
        """The chosen event (None for "no event")."""
        row = self.event_combo.currentIndex() - 1
        return self._events[row] if 0 <= row < len(self._events) else None

    def context(self) -> dict[str, Any]:
        """The Liquid globals for the chosen person and event."""
        return context_for(self._person, self.chosen_event())

    def start(self, person_id: str | None = None, event_name: str | None = None) -> None:
        """Read the count, the first page and ``person_id`` (else the first person) with
        their events; choose them (and ``event_name``) when it answers."""
        self._loads += 1
        self._choices += 1
        load, choice = self._loads, self._choices
        self._waiting = True
        people_ops.start(self, self.path, PAGE, person_id).success(
            lambda start: self._started(load, choice, start, event_name)
        ).failure(lambda error: self._start_failed(load, choice, error)).run()

    def reload(self) -> None:
        """Read the people again (after an import, say), keeping the choice if possible."""
        event = self.chosen_event()
        self.start(self._person.id if self._person else None, event.name if event else None)

    def choose(
        self,
        person_id: str,
        event_name: str | None = None,
        done: Callable[[bool], Any] | None = None,
    ) -> None:
        """Choose a person (and an event of theirs by name) once they are read; ``done``
        gets whether they were found (not called when a newer choice came first)."""
        self._choices += 1
        choice = self._choices
        self._waiting = True
        people_ops.choice(self, self.path, person_id).success(
            lambda chosen: self._chosen(choice, chosen, event_name, done)
        ).failure(lambda error: self._choice_failed(choice, error)).run()

    # -- answers ---------------------------------------------------------------------

    def _started(
        self, load: int, choice: int, start: people_ops.Start, event_name: str | None
    ) -> None:
        if load == self._loads:
            self.person_combo.blockSignals(True)
            self.people.set_start(start.total, start.page)
            self.person_combo.blockSignals(False)
            self.person_combo.setPlaceholderText("No people in this workspace")
            self.count_label.setText(counted(start.total, "person", "people", grouped=True))
            self.count_label.setToolTip("How many people the workspace holds")
        if choice != self._choices:
            self._show_chosen()  # a newer choice answers for itself
            return
        self._waiting = False
        chosen = start.chosen
        self._commit(chosen.person, chosen.events, event_name)

    def _start_failed(self, load: int, choice: int, error: OpError) -> None:
        if load == self._loads:
            self.person_combo.setPlaceholderText("People could not be read")
            self._say_failure(f"People could not be read: {error.message}")
        if choice == self._choices:
            self._waiting = False

    def _chosen(
        self,
        choice: int,
        chosen: people_ops.Choice,
        event_name: str | None,
        done: Callable[[bool], Any] | None,
    ) -> None:
        if choice != self._choices:
            return
        self._waiting = False
        if chosen.person is None:
            self._show_chosen()  # the combo goes back to the person still chosen
        else:
            self._commit(chosen.person, chosen.events, event_name)
        if done is not None:
            done(chosen.person is not None)

    def _choice_failed(self, choice: int, error: OpError) -> None:
        if choice == self._choices:
            self._waiting = False
            self._show_chosen()
            self._say_failure(f"The person could not be read: {error.message}")

    def _say_failure(self, message: str) -> None:
        self.count_label.setText("People could not be read")
        self.count_label.setToolTip(message)

    # -- showing ---------------------------------------------------------------------

    def _picked(self, row: int) -> None:
        """The user picked a row: read that person's events (the choice follows)."""
        person = self.people.person(row)
        if person is not None and (self._person is None or person.id != self._person.id):
            self.choose(person.id)

    def _show_chosen(self) -> None:
        """Put the combo on the chosen person (pinned first when not read yet)."""
        self.person_combo.blockSignals(True)  # rows moving under the combo are no choice
        row = -1
        if self._person is not None:
            row = self.people.row_of(self._person.id)
            if row < 0:
                row = self.people.pin(self._person)
        self.person_combo.setCurrentIndex(row)
        self.person_combo.blockSignals(False)

    def _commit(self, person: Person | None, events: list[Event], event_name: str | None) -> None:
        self._person, self._events = person, events
        self._show_chosen()
        wanted = 1 if events else 0
        if event_name is not None:
            named = [i for i, event in enumerate(events) if event.name == event_name]
            wanted = named[-1] + 1 if named else wanted
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        self.event_combo.addItem("(no event)")
        for event in events:
            self.event_combo.addItem(event.name)
        self.event_combo.setCurrentIndex(wanted)
        self.event_combo.blockSignals(False)
        self.changed.emit()
