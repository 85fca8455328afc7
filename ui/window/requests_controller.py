"""Request housekeeping for the window: new, from a recipe, duplicate, rename, delete, undo.

:class:`RequestsController` turns the request list's buttons into
:class:`~composer.store.requests.RequestRepo` calls and keeps the undo stack; it holds no
widget. Decisions:

* **Writes are ops.** New, from a recipe, duplicate, rename, delete and undo run as write
  ops (:mod:`ui.ops`, the one ordered write lane, so an autosave asked for first is
  written first); the GUI thread never waits on SQLite for them. Their effect is
  announced once stored: ``listChanged``, then ``opened`` or ``closed``. The method
  returns at once, with the name the request will have.
* **Refusals.** What is told at once (an empty, multi-line or
  over-long name; a name the list already holds) raises
  :class:`~composer.errors.StoreError` at once, so the window explains it before anything
  moves. What only the workspace can say (busy, read-only, a name another program took
  meanwhile) comes back as ``refused(str)``, one plain sentence; a parent that offers
  ``show_problem(str)`` (the main window) shows it.
* **Reads.** The GUI thread runs no SQL: :meth:`names` is the list as last read by an op
  (every write here returns the names after it; :meth:`read_names` reads them again, and
  any write another part of the window announces on the hub's ``changed`` signal, as the
  Recipes page and the cURL import do, is followed by such a read). :meth:`load` reads a
  request and its sample response in one op on the write lane, so it sees every save and
  rename asked for before it (a request left and opened again shows its last edits);
  ``loaded`` carries a :class:`Loaded` with the caller's ticket, so a caller can keep
  only its newest open, and ``loadFailed`` the ticket of an open that could not be read.
  Names and loads run on the ordered write lane: a name read after a write sees it.
* **Saving** is never done here: the window's saves are write ops
  (:func:`ui.ops.requests.save`) in the same ordered lane.
* **Renaming** moves the request's sample response (the ``SAMPLE_KEY`` setting) in the
  same transaction as the name.

Signals:
    listChanged(): the set of names changed.
    opened(str): this request should now be shown (created, restored, renamed).
    closed(str): this request is gone (deleted); show another.
    refused(str): a write the workspace refused, as one plain sentence.
    loaded(str, object): :meth:`load` read this request (a :class:`Loaded`).
    loadFailed(str, int): :meth:`load` could not read this request (the ticket given).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from composer.errors import StoreError
from composer.model import Request
from composer.store.database import Database
from composer.store.requests import copy_name, free_name
from ui.ops import Changed, Op, OpChanges, OpError, hub
from ui.ops import requests as request_ops
from ui.window.request_list import DeleteRequestCommand

__all__ = ["SAMPLE_KEY", "Loaded", "RequestsController"]

NEW_NAME = "New request"
"""The name a new request starts with."""

SAMPLE_KEY = "ui.sample_response."
"""Workspace setting prefix of each request's sample response."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """What :meth:`RequestsController.load` read."""

    request: Request
    """The stored request."""
    sample: str
    """Its sample response ("" when it has none)."""
    ticket: int
    """The number the caller gave :meth:`RequestsController.load`."""


class RequestsController(QObject):
    """Creates, renames and deletes stored requests; deleting is undoable.

    Signals:
        listChanged(): the set of names changed.
        opened(str): this request should now be shown (created, restored, renamed).
        closed(str): this request is gone (deleted); show another.
        refused(str): a write the workspace refused, as one plain sentence.
        loaded(str, object): :meth:`load` read this request (a :class:`Loaded`).
        loadFailed(str, int): :meth:`load` could not read this request (the ticket given).
    """

    listChanged = Signal()
    opened = Signal(str)
    closed = Signal(str)
    refused = Signal(str)
    loaded = Signal(str, object)
    loadFailed = Signal(str, int)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = db.path
        """The workspace file the ops open on their threads."""
        self._names: list[str] = []
        hub().changed.connect(self._changed_elsewhere)
        self.undo_stack = QUndoStack(self)
        """Undo for deletions."""
        show = getattr(parent, "show_problem", None)
        if callable(show):
            self.refused.connect(show)

    # -- reading ---------------------------------------------------------------------

    def names(self) -> list[str]:
        """Every request's name, in list order, as last read (no SQL on the caller's thread)."""
        return list(self._names)

    def read_names(self) -> int:
        """Read the names again off the GUI thread, after the writes asked for before;
        ``listChanged`` follows. Returns the op's number."""
        return request_ops.names(self, self.path).success(self.set_names).run()

    def set_names(self, names: list[str]) -> None:
        """Take ``names`` as the stored names (read by an op) and say so (``listChanged``)."""
        self._names = list(names)
        self.listChanged.emit()

    def _changed_elsewhere(self, changes: OpChanges, source: object) -> None:
        """Another part wrote requests (a recipe used, a cURL import, a pull): read the names."""
        if not changes.requests or source is self or source is self.parent():
            return  # this controller's writes bring their names; the window's saves keep them
        self.read_names()

    def load(self, name: str, ticket: int = 0) -> int:
        """Read ``name`` and its sample response off the GUI thread, after the writes asked
        for before; ``loaded`` carries them (``refused`` says why not). Returns the op's
        number (``hub().finished`` carries it when it has answered)."""

        def read(db: Database) -> Loaded:
            request = db.requests.get(name)
            return Loaded(request, db.settings.get(SAMPLE_KEY + name, "") or "", ticket)

        def failed(error: OpError) -> None:
            self.loadFailed.emit(name, ticket)
            self._refused(error)

        return (
            Op(self, read, path=self.path, write=True)
            .success(lambda loaded: self.loaded.emit(name, loaded))
            .failure(failed)
            .run()
        )

    def recipes(self) -> list[tuple[str, str]]:
        """The shipped recipes as (name, one-line description), in file order."""
        import json

        from composer.paths import resources_dir
        from composer.store.seed import RECIPE_INDEX

        folder = resources_dir() / "recipes"
        try:
            index = json.loads((folder / RECIPE_INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            index = {}
        out = []
        for path in sorted(folder.glob("*.json")):
            if path.name != RECIPE_INDEX:
                about = index.get(path.name, {}).get("description", "")
                out.append((Request.from_file(path).name, str(about)))
        return out

    # -- writing ---------------------------------------------------------------------

    def new(self, template: Request | None = None) -> str:
        """Store a new request (blank, or a copy of ``template``) under a free name, then
        open it; returns that name."""
        base = template or Request(name=NEW_NAME, url="https://example.com/webhook", body="{}")

        def create(db: Database) -> Request:
            with db.transaction():  # the free name is decided where it is taken
                name = free_name(base.name, set(db.requests.names()))
                return db.requests.create(dataclasses.replace(base, name=name))

        self._write(create, self._stored)
        return free_name(base.name, set(self._names))

    def new_from_recipe(self, recipe_name: str) -> str:
        """Store a new request made from the shipped recipe ``recipe_name`` and open it."""
        from composer.store.seed import load_recipes

        for recipe in load_recipes():
            if recipe.name == recipe_name:
                return self.new(recipe)
        raise StoreError(f'There is no recipe named "{recipe_name}".')

    def duplicate(self, name: str) -> str:
        """Store a copy of ``name`` ("NAME copy") and open it; returns the copy's name."""
        self._write(lambda db: db.requests.duplicate(name), self._stored)
        return copy_name(name, set(self.names()))

    def rename(self, name: str, new_name: str) -> str:
        """Rename ``name``, then open it; StoreError says at once why a name is refused."""
        new_name = new_name.strip()
        if not new_name:
            raise StoreError("A request needs a name; the name cannot be empty.")
        if new_name == name:
            return name
        if "\n" in new_name or len(new_name) > 200:
            raise StoreError("A request name is one line of at most 200 characters.")
        if new_name in set(self.names()):
            raise StoreError(f'A request named "{new_name}" already exists; choose another name.')

        def rename(db: Database) -> Request:
            with db.transaction():  # the sample response moves with the name
                renamed = db.requests.rename(name, new_name)
                sample = db.settings.get(SAMPLE_KEY + name, "")
                if sample:
                    db.settings.set(SAMPLE_KEY + new_name, sample)
                    db.settings.delete(SAMPLE_KEY + name)
                return renamed

        self._write(rename, self._stored)
        return new_name

    def delete(self, request: Request) -> None:
        """Delete the stored ``request`` (pass it as last edited); undo brings it back."""
        self.undo_stack.push(DeleteRequestCommand(request, self._delete, self._restore))

    def undo(self) -> None:
        """Undo the last deletion."""
        self.undo_stack.undo()

    def _delete(self, name: str) -> None:
        def deleted(_: None) -> None:
            self.listChanged.emit()
            self.closed.emit(name)

        self._write(lambda db: db.requests.delete(name), deleted)

    def _restore(self, request: Request) -> None:
        def restore(db: Database) -> Request:
            with db.transaction():  # a name taken meanwhile: the next free one
                name = free_name(request.name, set(db.requests.names()))
                return db.requests.create(dataclasses.replace(request, name=name))

        self._write(restore, self._stored)

    # -- what the ops answer -------------------------------------------------------------

    def _write(self, work: Callable[[Database], Any], done: Callable[[Any], None]) -> None:
        """Run ``work`` as a write op; ``done`` gets its value once the names are taken."""

        def op(db: Database) -> Changed[tuple[Any, list[str]]]:
            value = work(db)
            return Changed((value, db.requests.names()), OpChanges(requests=True))

        def answered(result: tuple[Any, list[str]]) -> None:
            self._names = list(result[1])
            done(result[0])

        Op[Any](self, op, path=self.path, write=True).success(answered).failure(self._refused).run()

    def _stored(self, request: Request) -> None:
        self.listChanged.emit()
        self.opened.emit(request.name)

    def _refused(self, error: OpError) -> None:
        self.read_names()  # the list shows what the workspace holds
        self.refused.emit(error.message)
