"""Stored people and their events.

A person is a row of ``people`` (``id``, ``email``, ``attributes`` as a JSON object);
their events are rows of ``events`` that go when the person goes (``ON DELETE CASCADE``).
Lists keep the order people were first stored in (the ``rowid``), so an imported file
lists in its own order and the sample people in theirs; ``limit``/``offset`` page it.

**One search.** :meth:`PeopleRepo.search` matches, case-insensitively for ASCII, a piece of
text anywhere in the id, the email or any attribute *value*, nested ones included, as SQLite's
``json_tree`` reads it (so a quote or a non-ASCII letter is matched as written, not as its
JSON escape; ``true``/``false`` as words, a null as ``nil``, a number as SQLite prints it).
``%`` and ``_`` in the text are matched literally. It reads the ``people_search`` table
(:mod:`composer.store.schema`): one text per person, a line per field, kept in step by triggers.

* Text of **three characters or more** is looked up in the FTS5 trigram index (a phrase of
  the text's trigrams), which narrows 100,000 people to the candidates in a few
  milliseconds; each candidate is then checked exactly (``LIKE`` on its text), because the
  index folds case for every alphabet while the search folds ASCII only.
* **Shorter text** (one or two characters) cannot be looked up by trigrams; it is matched
  with ``LIKE`` over the texts, in order, which stops as soon as a page is full.
* Text holding a **line break** could span two fields of a person's text, so it is checked
  against each value itself (``json_tree``), after the same narrowing.
* Where SQLite has no trigram tokenizer (before 3.34), the texts live in a plain table and
  every search is the ``LIKE`` scan.

Matches are listed in the order people were first stored (the ``rowid``). The index is
keyed by that rowid: SQLite keeps rowids unless the file is ``VACUUM``-ed, which the
application never does (after an outside ``VACUUM``, rebuild it with
:meth:`PeopleRepo.rebuild_search`).

**One upsert.** :meth:`PeopleRepo.upsert_many` is the only code that writes people by id
(one ``executemany`` per kind of change, in one transaction); :meth:`PeopleRepo.upsert` and
:func:`composer.store.people_io.write_people` call it.

Attribute names ``id`` and ``email`` are refused: those live in their own columns and
:func:`composer.model.context_for` would hide an attribute of the same name.

**What an attribute may hold** (and an event's data, checked the same way): any JSON
value whose arrays and objects nest at most :data:`ATTRIBUTE_DEPTH` (32) levels (an
attribute that is a list of objects is 2 levels), whose integers have at most 100 digits
and whose other numbers are finite doubles, and whose strings and keys are whole Unicode
characters (no lone UTF-16 surrogate). These are the limits of
:mod:`composer.json_input`, tighter on depth: templates walk attributes, SQLite's JSON
functions (search) stop at 1,000 levels, and Python's JSON at fewer. People imports
enforce them and name the item or row and the attribute that breaks them;
:func:`attribute_problem` answers the same question for any other writer.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from composer.errors import NotFoundError, StoreError
from composer.json_input import value_problem
from composer.model import Event, Person
from composer.store.database import Database

__all__ = [
    "ATTRIBUTE_DEPTH",
    "RESERVED_ATTRIBUTES",
    "PeopleRepo",
    "StoredEvent",
    "Upserted",
    "attribute_problem",
    "check_person",
    "like_pattern",
]

RESERVED_ATTRIBUTES = frozenset({"id", "email"})
"""Attribute names that are the person's own columns."""
ATTRIBUTE_DEPTH = 32
"""How many levels arrays and objects may nest in one attribute's value."""

_VALUE_TEXT = (
    "CASE t.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
    "WHEN 'null' THEN 'nil' ELSE CAST(t.atom AS TEXT) END"
)
_EXACT = (
    "(people.id LIKE :p ESCAPE '\\' OR people.email LIKE :p ESCAPE '\\' OR EXISTS ("
    "SELECT 1 FROM json_tree(people.attributes) AS t "
    f"WHERE t.type NOT IN ('object', 'array') AND {_VALUE_TEXT} LIKE :p ESCAPE '\\'))"
)
_TEXT = "s.doc LIKE :p ESCAPE '\\'"
_FROM = "FROM people_search AS s JOIN people ON people.rowid = s.rowid"
_TRIGRAMS = 3
"""The shortest text the trigram index can look up."""


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as stored: the event and where it lives."""

    id: int
    """The event's row id, used to delete it."""
    person_id: str
    """The person it belongs to."""
    event: Event
    """The event itself."""


@dataclass(frozen=True, slots=True)
class Upserted:
    """What :meth:`PeopleRepo.upsert_many` did."""

    created: int
    """People that were new to the workspace."""
    updated: int
    """People whose id was already stored and who were replaced."""
    events: int
    """Events stored."""


def like_pattern(text: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) matching ``text`` anywhere, literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def attribute_problem(value: object) -> str | None:
    """Why a value cannot be an attribute (a phrase such as "nests more than 32 levels
    deep"), or None when it can; see the module's docstring."""
    return value_problem(value, ATTRIBUTE_DEPTH)


def check_person(person: Person) -> None:
    """Refuse a person the store cannot hold faithfully (StoreError, a plain sentence)."""
    if not person.id:
        raise StoreError("A person needs an id.")
    reserved = sorted(RESERVED_ATTRIBUTES.intersection(person.attributes))
    if reserved:
        raise StoreError(
            f'Person "{person.id}" has an attribute named "{reserved[0]}"; '
            "id and email are set on the person itself, not as attributes."
        )


def _row_to_person(row: sqlite3.Row) -> Person:
    return Person(id=row["id"], email=row["email"], attributes=json.loads(row["attributes"]))


def _json(value: Mapping[str, Any]) -> str:
    try:
        return json.dumps(dict(value), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"An attribute or event value cannot be stored as JSON ({exc}).") from None


class PeopleRepo:
    """The people of one workspace, and their events."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- people ---------------------------------------------------------------------

    def get(self, person_id: str) -> Person:
        """The person with this id; :class:`NotFoundError` when there is none."""
        row = self._db.fetchone(
            "SELECT id, email, attributes FROM people WHERE id = ?", (person_id,)
        )
        if row is None:
            raise NotFoundError(f'There is no person with id "{person_id}" in the workspace.')
        return _row_to_person(row)

    def exists(self, person_id: str) -> bool:
        """Whether a person with this id is stored."""
        return self._db.fetchone("SELECT 1 FROM people WHERE id = ?", (person_id,)) is not None

    def list(self, limit: int | None = None, offset: int = 0) -> builtins.list[Person]:
        """People in the order they were first stored; ``limit``/``offset`` page the list."""
        rows = self._db.fetchall(
            "SELECT id, email, attributes FROM people ORDER BY rowid LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [_row_to_person(row) for row in rows]

    def count(self) -> int:
        """How many people are stored."""
        row = self._db.fetchone("SELECT count(*) FROM people")
        return int(row[0]) if row else 0

    def search(self, text: str, limit: int | None = None, offset: int = 0) -> builtins.list[Person]:
        """People whose id, email or any attribute value contains ``text`` (all, for "")."""
        if not text:
            return self.list(limit, offset)
        source, where, params = self.search_condition(text)
        params.update(limit=-1 if limit is None else limit, offset=offset)
        order = "s.rowid" if source == _FROM else "people.rowid"
        rows = self._db.fetchall(
            f"SELECT people.id, people.email, people.attributes {source} WHERE {where} "
            f"ORDER BY {order} LIMIT :limit OFFSET :offset",
            params,
        )
        return [_row_to_person(row) for row in rows]

    def search_count(self, text: str) -> int:
        """How many people :meth:`search` finds."""
        if not text:
            return self.count()
        source, where, params = self.search_condition(text)
        row = self._db.fetchone(f"SELECT count(*) {source} WHERE {where}", params)
        return int(row[0]) if row else 0

    def search_condition(self, text: str) -> tuple[str, str, dict[str, Any]]:
        """The FROM clause, the condition and the parameters of a search for ``text``: the
        one people search, which other queries (the People table's sort and filters) wrap."""
        params: dict[str, Any] = {"p": like_pattern(text)}
        kind = self._db.people_search
        if not kind:
            return "FROM people", _EXACT, params
        exact = _EXACT if "\n" in text else _TEXT
        if len(text) >= _TRIGRAMS and kind == "fts5":
            params["phrase"] = '"' + text.replace('"', '""') + '"'
            return _FROM, f"people_search MATCH :phrase AND {exact}", params
        return _FROM, exact, params

    def rebuild_search(self) -> None:
        """Write every person's search text again (after an outside ``VACUUM``)."""
        from composer.store.schema import search_text_sql  # the schema owns the text's shape

        with self._db.transaction():
            self._db.execute("DELETE FROM people_search")
            self._db.execute(
                f"INSERT INTO people_search (rowid, doc) SELECT rowid, "
                f"{search_text_sql('people')} FROM people"
            )

    def create(self, person: Person) -> Person:
        """Store a new person; the id must be free."""
        check_person(person)
        now = time.time()
        with self._db.transaction():
            try:
                self._db.execute(
                    "INSERT INTO people (id, email, attributes, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (person.id, person.email, _json(person.attributes), now, now),
                )
            except sqlite3.IntegrityError:
                raise StoreError(f'A person with id "{person.id}" already exists.') from None
        return person

    def update(self, person: Person, old_id: str | None = None) -> Person:
        """Replace the stored person ``old_id`` (default ``person.id``); events follow the id."""
        check_person(person)
        old = person.id if old_id is None else old_id
        with self._db.transaction():
            try:
                cursor = self._db.execute(
                    "UPDATE people SET id = ?, email = ?, attributes = ?, updated_at = ? "
                    "WHERE id = ?",
                    (person.id, person.email, _json(person.attributes), time.time(), old),
                )
            except sqlite3.IntegrityError:
                raise StoreError(f'A person with id "{person.id}" already exists.') from None
            if cursor.rowcount == 0:
                raise NotFoundError(f'There is no person with id "{old}" in the workspace.')
        return person

    def upsert(self, person: Person) -> bool:
        """Store ``person``, replacing one with the same id; True when it was new."""
        return self.upsert_many([(person, None)]).created == 1

    def upsert_many(self, people: Iterable[tuple[Person, Sequence[Event] | None]]) -> Upserted:
        """Store people by id in one transaction: new ids are added, stored ones replaced.

        Each person comes with their events: None keeps the stored events, a sequence
        (empty included) replaces them. Every person is checked before anything is written.
        """
        pairs = builtins.list(people)
        for person, _ in pairs:
            check_person(person)
        now = time.time()
        with self._db.transaction() as conn:
            ids = json.dumps([person.id for person, _ in pairs])
            stored = {
                row[0]
                for row in conn.execute(
                    "SELECT id FROM people WHERE id IN (SELECT value FROM json_each(?))", (ids,)
                )
            }
            created = sum(1 for person, _ in pairs if person.id not in stored)
            conn.executemany(
                "INSERT INTO people (id, email, attributes, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "email = excluded.email, attributes = excluded.attributes, "
                "updated_at = excluded.updated_at",
                ((p.id, p.email, _json(p.attributes), now, now) for p, _ in pairs),
            )
            with_events = [(p, events) for p, events in pairs if events is not None]
            conn.executemany(
                "DELETE FROM events WHERE person_id = ?", ((p.id,) for p, _ in with_events)
            )
            conn.executemany(
                "INSERT INTO events (person_id, name, data, timestamp) VALUES (?, ?, ?, ?)",
                (
                    (p.id, event.name, _json(event.data), int(event.timestamp))
                    for p, events in with_events
                    for event in events or ()
                ),
            )
        written = sum(len(events or ()) for _, events in with_events)
        return Upserted(created=created, updated=len(pairs) - created, events=written)

    def delete(self, person_id: str) -> None:
        """Remove a person and their events."""
        with self._db.transaction():
            cursor = self._db.execute("DELETE FROM people WHERE id = ?", (person_id,))
            if cursor.rowcount == 0:
                raise NotFoundError(f'There is no person with id "{person_id}" in the workspace.')

    # -- events ---------------------------------------------------------------------

    def add_event(self, person_id: str, event: Event) -> int:
        """Store an event for a person; returns its id."""
        with self._db.transaction():
            if not self.exists(person_id):
                raise NotFoundError(f'There is no person with id "{person_id}" in the workspace.')
            cursor = self._db.execute(
                "INSERT INTO events (person_id, name, data, timestamp) VALUES (?, ?, ?, ?)",
                (person_id, event.name, _json(event.data), int(event.timestamp)),
            )
            return int(cursor.lastrowid or 0)

    def replace_events(self, person_id: str, events: Iterable[Event]) -> None:
        """Make ``events`` the person's only events."""
        with self._db.transaction():
            self._db.execute("DELETE FROM events WHERE person_id = ?", (person_id,))
            for event in events:
                self.add_event(person_id, event)

    def events(self, person_id: str) -> builtins.list[StoredEvent]:
        """A person's events, oldest first (ties in the order they were stored)."""
        rows = self._db.fetchall(
            "SELECT id, person_id, name, data, timestamp FROM events WHERE person_id = ? "
            "ORDER BY timestamp, id",
            (person_id,),
        )
        return [
            StoredEvent(
                id=row["id"],
                person_id=row["person_id"],
                event=Event(
                    name=row["name"], data=json.loads(row["data"]), timestamp=row["timestamp"]
                ),
            )
            for row in rows
        ]

    def events_by_person(self, person_ids: Iterable[str]) -> dict[str, builtins.list[Event]]:
        """The events of many people in one query: each id given to its events, oldest first.

        For work over many people (the per-person check reads a few hundred at a time);
        a person without events (or not stored) maps to an empty list.
        """
        ids = builtins.list(dict.fromkeys(person_ids))
        found: dict[str, builtins.list[Event]] = {person_id: [] for person_id in ids}
        if not ids:
            return found
        rows = self._db.fetchall(
            "SELECT person_id, name, data, timestamp FROM events "
            "WHERE person_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY person_id, timestamp, id",
            (json.dumps(ids),),
        )
        loads = json.loads
        for person_id, name, data, timestamp in rows:
            found[person_id].append(Event(name=name, data=loads(data), timestamp=timestamp))
        return found

    def get_event(self, event_id: int) -> StoredEvent:
        """One stored event by id."""
        row = self._db.fetchone(
            "SELECT id, person_id, name, data, timestamp FROM events WHERE id = ?", (event_id,)
        )
        if row is None:
            raise NotFoundError(f"There is no event {event_id} in the workspace.")
        event = Event(name=row["name"], data=json.loads(row["data"]), timestamp=row["timestamp"])
        return StoredEvent(id=row["id"], person_id=row["person_id"], event=event)

    def delete_event(self, event_id: int) -> None:
        """Remove one event."""
        with self._db.transaction():
            cursor = self._db.execute("DELETE FROM events WHERE id = ?", (event_id,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"There is no event {event_id} in the workspace.")
