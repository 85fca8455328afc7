"""Item models for the people, events and deliveries views.

Decisions:

* **Lazy by pages.** :class:`DeliveriesTableModel` holds only the rows fetched so far and
  fetches :data:`PAGE` more when the view scrolls to the end (``canFetchMore``/``fetchMore``).
  Whether there is more is known from the last page being full, so no model ever counts
  100,000 rows, let alone loads them. The people table's model,
  :class:`~ui.pages.people_model.PeopleTableModel` (re-exported here), reads its pages
  through ops, off the GUI thread.
* **No SQL here.** The deliveries list is
  :meth:`composer.delivery.records.Deliveries.summaries` (one summary per delivery,
  filtered in SQL, newest first). A delivery's full record
  (attempts, response bodies) is loaded only when its detail is shown.
* **One clock for countdowns.** The deliveries model keeps the time of its last
  :meth:`DeliveriesTableModel.tick` and repaints only the countdown column when it ticks;
  the page drives it with one timer for the whole view, not one per row.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from composer.delivery.records import Deliveries, DeliveryFilter, DeliverySummary
from composer.store.database import Database
from composer.store.people import StoredEvent
from ui.pages.people_model import PAGE, PeopleTableModel
from ui.widgets.palette import state_colour

__all__ = [
    "PAGE",
    "DeliveriesTableModel",
    "DeliveryRow",
    "EventsTableModel",
    "PeopleTableModel",
    "TitledTableModel",
    "countdown_text",
]

Index = QModelIndex | QPersistentModelIndex
_RowT = TypeVar("_RowT")
_ROOT = QModelIndex()


def _compact(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TitledTableModel(QAbstractTableModel):
    """A table with a fixed row of column titles, ``HEADERS``. Signals: the standard ones."""

    HEADERS: tuple[str, ...] = ()

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class _PagedTableModel(TitledTableModel, Generic[_RowT]):
    """A table that holds the rows fetched so far and fetches a page more on demand.

    Subclasses say how to read one page (:meth:`_fetch`); there is more to fetch while the
    last page read was full. Signals: the standard ones (``modelReset`` on :meth:`refresh`).
    """

    def __init__(self, db: Database, page: int) -> None:
        super().__init__()
        self._db = db
        self._page = page
        self._rows: list[_RowT] = []
        self._more = True

    def _fetch(self, offset: int) -> list[_RowT]:
        """The page of rows starting at ``offset``."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Forget the fetched rows and fetch the first page again."""
        self.beginResetModel()
        self._rows = self._fetch(0)
        self._more = len(self._rows) == self._page
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if parent.isValid() or not self._more:
            return
        page = self._fetch(len(self._rows))
        self._more = len(page) == self._page
        if page:
            start = len(self._rows)
            self.beginInsertRows(_ROOT, start, start + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()


class EventsTableModel(TitledTableModel):
    """One person's events, oldest first. Signals: the standard model signals only."""

    HEADERS = ("Event", "When (UTC)", "Data")

    def __init__(self) -> None:
        super().__init__()
        self._events: list[StoredEvent] = []

    def set_events(self, events: Sequence[StoredEvent]) -> None:
        """Show ``events``."""
        self.beginResetModel()
        self._events = list(events)
        self.endResetModel()

    def stored_event(self, row: int) -> StoredEvent:
        """The stored event on ``row``."""
        return self._events[row]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._events)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        event = self._events[index.row()].event
        if index.column() == 0:
            return event.name
        if index.column() == 1:
            moment = dt.datetime.fromtimestamp(event.timestamp, dt.UTC)
            return moment.strftime("%Y-%m-%d %H:%M:%S")
        return _compact(dict(event.data))


# -- deliveries ------------------------------------------------------------------------


DeliveryRow = DeliverySummary
"""One line of the deliveries list (the full record is loaded for the detail only)."""


def countdown_text(seconds: float) -> str:
    """``in 42 s``, ``in 3 min 05 s``, ``in 1 h 30 min``; ``due now`` when past."""
    if seconds <= 0.5:
        return "due now"
    s = round(seconds)
    if s < 60:
        return f"in {s} s"
    if s < 3600:
        return f"in {s // 60} min {s % 60:02d} s"
    return f"in {s // 3600} h {s % 3600 // 60:02d} min"


class DeliveriesTableModel(_PagedTableModel[DeliveryRow]):
    """Deliveries, newest first, filtered by state, request, person and text.

    Signals: the standard model signals only; :meth:`tick` emits ``dataChanged`` for the
    countdown column of the rows that wait.
    """

    HEADERS = (
        "#",
        "Request",
        "Person",
        "State",
        "Attempts",
        "Last result",
        "Next attempt",
        "Made",
    )
    COUNTDOWN = 6
    MADE = 7
    """The column of the time the delivery was made (local time, to the second)."""

    def __init__(
        self, db: Database, page: int = PAGE, clock: Callable[[], float] | None = None
    ) -> None:
        super().__init__(db, page)
        self._clock: Callable[[], float] = clock or time.time
        self.now = self._clock()
        """The instant countdowns are shown against (set by :meth:`tick`)."""
        self.filters: dict[str, str] = {}
        self._deliveries = Deliveries(db)
        self.refresh()

    def set_filters(
        self, state: str = "", request: str = "", person: str = "", text: str = ""
    ) -> None:
        """Show only deliveries matching every non-empty filter."""
        self.filters = {"state": state, "request": request, "person": person, "text": text}
        self.refresh()

    def request_names(self) -> list[str]:
        """Every request name that has deliveries (for the request filter)."""
        return self._deliveries.request_names()

    def _fetch(self, offset: int) -> list[DeliveryRow]:
        where = DeliveryFilter(**self.filters)
        return self._deliveries.summaries(where, self._page, offset)

    def refresh(self) -> None:
        """Read the first page again (after a filter change or new deliveries)."""
        self.now = self._clock()
        super().refresh()

    def refresh_ids(self, ids: Sequence[int]) -> None:
        """Read the given deliveries again where they are shown (state changes)."""
        wanted = {i for i in ids}
        rows = [r for r, item in enumerate(self._rows) if item.id in wanted]
        if not rows:
            return
        fresh = {item.id: item for item in self._deliveries.summaries_of(sorted(wanted))}
        for r in rows:
            item = fresh.get(self._rows[r].id)
            if item is not None:
                self._rows[r] = item
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(self.HEADERS) - 1))

    def tick(self, now: float | None = None) -> None:
        """Move the countdowns on to ``now`` (default: the clock)."""
        self.now = self._clock() if now is None else now
        waiting = [r for r, item in enumerate(self._rows) if item.next_attempt_at is not None]
        if waiting:
            self.dataChanged.emit(
                self.index(waiting[0], self.COUNTDOWN),
                self.index(waiting[-1], self.COUNTDOWN),
                [Qt.ItemDataRole.DisplayRole],
            )

    def delivery(self, row: int) -> DeliveryRow:
        """The delivery shown on ``row``."""
        return self._rows[row]

    def row_of(self, delivery_id: int) -> int:
        """The row showing ``delivery_id``, or -1."""
        for row, item in enumerate(self._rows):
            if item.id == delivery_id:
                return row
        return -1

    # -- Qt ----------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return state_colour(item.state)
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return item.error
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return str(item.id)
        if column == 1:
            return item.request_name
        if column == 2:
            return item.person_id or ""
        if column == 3:
            return item.state.replace("_", " ")
        if column == 4:
            return str(item.attempts)
        if column == 5:
            if item.last_status is not None:
                return str(item.last_status)
            return (item.error or "").split(".")[0] if item.error else ""
        if column == self.MADE:
            return dt.datetime.fromtimestamp(item.created_at).strftime("%Y-%m-%d %H:%M:%S")
        if item.next_attempt_at is None:
            return ""
        if item.state == "queued":
            return "queued"
        return countdown_text(item.next_attempt_at - self.now)
