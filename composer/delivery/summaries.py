"""The deliveries list: one :class:`DeliverySummary` a delivery, chosen by a
:class:`DeliveryFilter`, read in one query.

A line of the list has what a table shows (state, attempt count, last status, error, when it
is due) and no bodies, so a list of 100,000 deliveries pages quickly; the full record is
:meth:`composer.delivery.records.Deliveries.get`. The filter is turned into SQL here: state,
request name, a piece of the person's id, and a text found in the id (``#12`` or ``12``),
request, person, error or rendered URL (``LIKE`` with its wildcards escaped). Newest first.
:class:`~composer.delivery.records.Deliveries` offers these reads as ``summaries`` and
``summaries_of``. :func:`id_chunks` cuts a list of ids for ``IN (...)``, here and there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from composer.store.database import Database
from composer.store.people import like_pattern

__all__ = [
    "IDS_PER_QUERY",
    "DeliveryFilter",
    "DeliverySummary",
    "id_chunks",
    "read_summaries",
    "summaries_of",
]


@dataclass(frozen=True, slots=True)
class DeliverySummary:
    """One line of the deliveries list (the full record is :meth:`Deliveries.get`)."""

    id: int
    """The delivery's number."""
    request_name: str
    """The request's name when it was sent."""
    person_id: str | None
    """The person it was rendered for."""
    state: str
    """Its state (``draft`` ... ``cancelled``)."""
    attempts: int
    """How many attempts were made."""
    last_status: int | None
    """The last attempt's HTTP status, if one arrived."""
    error: str | None
    """The last plain-language problem."""
    next_attempt_at: float | None
    """When the next attempt is due (Unix seconds)."""
    created_at: float
    """When the delivery was made (Unix seconds)."""


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    """Which deliveries a list shows; an empty field does not narrow it."""

    state: str = ""
    """Only deliveries in this state."""
    request: str = ""
    """Only deliveries of the request with exactly this name."""
    person: str = ""
    """Only deliveries whose person id contains this text."""
    text: str = ""
    """Only deliveries with this number (``#12``), or this text in the request name, the
    person id, the error or the rendered URL."""

    def where(self) -> tuple[str, dict[str, Any]]:
        """The SQL condition (on ``deliveries AS d``) and its parameters."""
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if self.state:
            clauses.append("d.state = :state")
            params["state"] = self.state
        if self.request:
            clauses.append("d.request_name = :request")
            params["request"] = self.request
        if self.person:
            clauses.append("d.person_id LIKE :person ESCAPE '\\'")
            params["person"] = like_pattern(self.person)
        text = self.text.strip()
        if text:
            clauses.append(
                "(CAST(d.id AS TEXT) = :exact OR d.request_name LIKE :p ESCAPE '\\'"
                " OR d.person_id LIKE :p ESCAPE '\\' OR d.error LIKE :p ESCAPE '\\'"
                " OR json_extract(d.rendered, '$.url') LIKE :p ESCAPE '\\')"
            )
            params["exact"] = text.lstrip("#")
            params["p"] = like_pattern(text)
        return (" AND ".join(clauses) or "1"), params


_SUMMARY_SQL = (
    "SELECT d.id, d.request_name, d.person_id, d.state, d.next_attempt_at, d.error,"
    " d.created_at, (SELECT count(*) FROM attempts a WHERE a.delivery_id = d.id) AS n,"
    " (SELECT a.status FROM attempts a WHERE a.delivery_id = d.id ORDER BY a.n DESC LIMIT 1)"
    " AS last_status FROM deliveries d"
)


def _summary(row: Any) -> DeliverySummary:
    return DeliverySummary(
        id=row["id"],
        request_name=row["request_name"],
        person_id=row["person_id"],
        state=row["state"],
        attempts=row["n"],
        last_status=row["last_status"],
        error=row["error"],
        next_attempt_at=row["next_attempt_at"],
        created_at=row["created_at"],
    )


def read_summaries(
    db: Database, where: DeliveryFilter | None = None, limit: int | None = None, offset: int = 0
) -> list[DeliverySummary]:
    """One line per delivery matching ``where``, newest first; ``limit``/``offset`` page."""
    condition, params = (where or DeliveryFilter()).where()
    params.update(limit=-1 if limit is None else limit, offset=offset)
    rows = db.fetchall(
        f"{_SUMMARY_SQL} WHERE {condition} ORDER BY d.id DESC LIMIT :limit OFFSET :offset",
        params,
    )
    return [_summary(row) for row in rows]


def summaries_of(db: Database, ids: Sequence[int]) -> list[DeliverySummary]:
    """The lines of the deliveries with these ids (unknown ids are left out)."""
    found: list[DeliverySummary] = []
    for marks, chunk in id_chunks(ids):
        rows = db.fetchall(f"{_SUMMARY_SQL} WHERE d.id IN ({marks})", chunk)
        found.extend(_summary(row) for row in rows)
    return found


IDS_PER_QUERY = 500
"""At most this many ids are bound in one ``IN (...)`` (well under SQLite's limit)."""


def id_chunks(ids: Sequence[int]) -> Iterator[tuple[str, list[int]]]:
    """``ids`` in pieces of at most :data:`IDS_PER_QUERY`, each with its ``?,?,…`` marks."""
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = list(ids[start : start + IDS_PER_QUERY])
        yield ",".join("?" * len(chunk)), chunk
