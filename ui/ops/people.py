"""Reads of people for the composer's person chooser (off the GUI thread, see :mod:`ui.ops`).

The chooser (:mod:`ui.editor.context_bar`) never reads the workspace itself: its count and
first page, each further page as its list scrolls, and the chosen person with their events
come from these read ops, each on a worker's own connection. Decisions:

* **One op to start.** :func:`start` reads the count, the first page and the person to
  choose (the one asked for by id, else the first person) with their events, so the window
  learns everything about its first person in one answer, and the same op reads it all
  again after an import (:meth:`ui.editor.context_bar.ContextBar.reload`).
* **A choice is read by id.** :func:`choice` reads one person and their events; a person who
  is not in the workspace is ``None`` (not a failure), so the chooser can say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject

from composer.errors import NotFoundError
from composer.model import Event, Person
from composer.store.database import Database
from ui.ops import Op

__all__ = ["Choice", "Start", "choice", "page", "start"]


@dataclass(frozen=True, slots=True)
class Choice:
    """A person asked for by id, and their events (oldest first)."""

    person: Person | None
    """None when no person has that id."""
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Start:
    """What the chooser needs to show its first page and its first person."""

    total: int
    """How many people the workspace holds."""
    page: list[Person]
    """The first page, in the order people were first stored."""
    chosen: Choice
    """The person asked for, else the first person (None in an empty workspace)."""


def _choice(db: Database, person_id: str) -> Choice:
    try:
        person = db.people.get(person_id)
    except NotFoundError:
        return Choice(None)
    return _with_events(db, person)


def _with_events(db: Database, person: Person) -> Choice:
    return Choice(person, [stored.event for stored in db.people.events(person.id)])


def _start(db: Database, size: int, wanted: str | None) -> Start:
    # no write transaction (a read must not wait for the write lock); the chooser treats a
    # short page as the end, so a count that changed meanwhile does no harm
    total = db.people.count()
    first = db.people.list(size, 0)
    chosen = _choice(db, wanted) if wanted else Choice(None)
    if chosen.person is None and first:
        chosen = _with_events(db, first[0])  # already read: only their events
    return Start(total, first, chosen)


def start(parent: QObject | None, path: Path, size: int, wanted: str | None) -> Op[Start]:
    """The count, the first ``size`` people and the person ``wanted`` (by id) or the first."""
    return Op(parent, lambda db: _start(db, size, wanted), path=path)


def page(parent: QObject | None, path: Path, size: int, offset: int) -> Op[list[Person]]:
    """``size`` people from ``offset``, in the order they were first stored."""
    return Op(parent, lambda db: db.people.list(size, offset), path=path)


def choice(parent: QObject | None, path: Path, person_id: str) -> Op[Choice]:
    """The person with ``person_id`` and their events (``Choice(None)`` when there is none)."""
    return Op(parent, lambda db: _choice(db, person_id), path=path)
