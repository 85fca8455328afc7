"""What the People page's edits do in the workspace, and how a delete is undone.

The page runs each edit as a write op (:class:`ui.ops.Op`, off the GUI thread) through
:class:`PeopleWrites`, which says people changed when it is written and counts the writes
not answered yet (the page is busy while there are any); the work each op does is a
function here of the op's own :class:`~composer.store.database.Database`:
:func:`save_person`, :func:`delete_people` and :func:`restore_people`. Decisions:

* **Every change can be undone** (Ctrl+Z on the page, Ctrl+Shift+Z redoes): a cell edit
  (the table model pushes its own command), and a delete, whose people and events are put
  back in one upsert (:class:`DeleteCommand`; the Undo button of :class:`UndoDeleteBar`
  too).
* **A delete keeps what it removed**: :func:`delete_people` reads each person and their
  events before deleting them all in one transaction, and that is what an undo writes back.
* **The Undo bar speaks only of the last change**: it hides as soon as the change on top
  of the undo stack is not a delete (undone, or another edit made since).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from composer.model import Person
from composer.store.database import Database
from composer.store.people import StoredEvent
from ui.ops import Changed, Op, OpChanges, OpError

__all__ = [
    "DeleteCommand",
    "Kept",
    "PeopleWrites",
    "UndoDeleteBar",
    "delete_people",
    "restore_people",
    "save_person",
]

Kept = list[tuple[Person, list[StoredEvent]]]
"""People deleted, each with their events, as they were just before."""


class PeopleWrites:
    """Runs writes that change people as ops of ``owner`` on the workspace at ``path``."""

    def __init__(
        self,
        owner: QObject,
        path: Path,
        written: Callable[[], None],
        say: Callable[[str], None],
    ) -> None:
        self._owner, self._path, self._written, self._say = owner, path, written, say
        self.pending = 0
        """How many writes have not answered yet."""

    def run(
        self,
        work: Callable[[Database], Any],
        done: Callable[[Any], None],
        failed: Callable[[OpError], None] | None = None,
    ) -> None:
        """Run ``work`` as a write op that changes people; ``done`` gets its value, then
        ``written`` is called. A refusal goes to ``failed``, or is said ("Not changed: …")."""
        self.pending += 1

        def write(db: Database) -> Changed[Any]:
            return Changed(work(db), OpChanges(people=True))

        def answered(value: Any) -> None:
            self.pending -= 1
            done(value)
            self._written()

        def refused(error: OpError) -> None:
            self.pending -= 1
            (failed or (lambda e: self._say(f"Not changed: {e.message}")))(error)

        op = Op[Any](self._owner, write, path=self._path, write=True)
        op.success(answered).failure(refused).run()


def save_person(db: Database, person: Person, old_id: str | None) -> Person:
    """Create ``person`` (``old_id`` None) or update the person stored as ``old_id``."""
    if old_id is None:
        return db.people.create(person)
    return db.people.update(person, old_id)


def delete_people(db: Database, ids: list[str]) -> Kept:
    """Delete ``ids`` in one transaction; returns them and their events as they were."""
    kept = [(db.people.get(pid), db.people.events(pid)) for pid in ids]
    with db.transaction():
        for person_id in ids:
            db.people.delete(person_id)
    return kept


def restore_people(db: Database, kept: Kept) -> None:
    """Put people deleted back, with their events, in one upsert."""
    db.people.upsert_many((person, [stored.event for stored in events]) for person, events in kept)


class Deleter(Protocol):
    """What a :class:`DeleteCommand` asks of the page: the two writes, as ops."""

    def write_delete(self, ids: list[str], first: bool = False) -> None: ...

    def write_restore(self, kept: Kept) -> None: ...


class DeleteCommand(QUndoCommand):
    """People deleted (already, when pushed); undone by putting them and their events back."""

    def __init__(self, page: Deleter, kept: Kept) -> None:
        names = kept[0][0].id if len(kept) == 1 else f"{len(kept)} people"
        super().__init__(f"delete {names}")
        self._page, self._kept, self._done = page, kept, True

    def redo(self) -> None:
        if self._done:  # the delete that was pushed has been written already
            self._done = False
            return
        self._page.write_delete([person.id for person, _ in self._kept])

    def undo(self) -> None:
        self._page.write_restore(self._kept)


class UndoDeleteBar(QWidget):
    """ "Deleted …" with an Undo button, under the table after a delete (hidden otherwise)."""

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stack = stack
        self.undo_label = QLabel()
        self.undo_label.setAccessibleName("Deleted")
        self.undo_button = QPushButton("&Undo")
        self.undo_button.setAccessibleName("Undo delete")
        self.undo_button.setToolTip("Put the deleted people back (Ctrl+Z)")
        self.undo_button.clicked.connect(lambda _=False: stack.undo())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.undo_label, 1)
        layout.addWidget(self.undo_button)
        self.hide()
        stack.indexChanged.connect(self._stack_moved)

    def deleted(self, ids: list[str]) -> None:
        """Say that ``ids`` were deleted, and offer to put them back."""
        names = ids[0] if len(ids) == 1 else f"{len(ids)} people"
        self.undo_label.setText(f"Deleted {names}.")
        self.show()

    def _stack_moved(self, _index: int = 0) -> None:
        if not shiboken6.isValid(self._stack) or not shiboken6.isValid(self):
            return  # the page is being deleted
        top = self._stack.command(self._stack.index() - 1)
        if not isinstance(top, DeleteCommand):
            self.hide()
