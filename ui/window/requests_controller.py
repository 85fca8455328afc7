"""Request housekeeping for the window: new, from a recipe, duplicate, rename, delete, undo.

:class:`RequestsController` turns the request list's buttons into
:class:`~composer.store.requests.RequestRepo` calls and keeps the undo stack; it holds no
widget. Every refusal (an empty or taken name, a store that cannot write) comes back as
:class:`~composer.errors.KnownError`, whose sentence the window shows as it is.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from composer.errors import KnownError, StoreError
from composer.model import Request
from composer.store.database import Database
from ui.window.request_list import DeleteRequestCommand

__all__ = ["RequestsController", "free_name"]

NEW_NAME = "New request"
"""The name a new request starts with."""


def free_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or "wanted 2", "wanted 3"… whichever is free first."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted} {n}" in taken:
        n += 1
    return f"{wanted} {n}"


class RequestsController(QObject):
    """Creates, renames and deletes stored requests; deleting is undoable.

    Signals:
        listChanged(): the set of names changed.
        opened(str): this request should now be shown (created, restored, renamed).
        closed(str): this request is gone (deleted); show another.
    """

    listChanged = Signal()
    opened = Signal(str)
    closed = Signal(str)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.undo_stack = QUndoStack(self)
        """Undo for deletions."""

    def names(self) -> list[str]:
        """Every request's name, in list order."""
        return self._db.requests.names()

    def get(self, name: str) -> Request:
        """The stored request."""
        return self._db.requests.get(name)

    def save(self, name: str, request: Request) -> None:
        """Store edits of ``name`` (its name unchanged)."""
        self._db.requests.update(name, request)

    def new(self, template: Request | None = None) -> str:
        """Store a new request (blank, or a copy of ``template``) under a free name."""
        base = template or Request(name=NEW_NAME, url="https://example.com/webhook", body="{}")
        name = free_name(base.name, set(self.names()))
        self._db.requests.create(dataclasses.replace(base, name=name))
        self.listChanged.emit()
        self.opened.emit(name)
        return name

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

    def new_from_recipe(self, recipe_name: str) -> str:
        """Store a new request made from the shipped recipe ``recipe_name`` and open it."""
        from composer.store.seed import load_recipes

        for recipe in load_recipes():
            if recipe.name == recipe_name:
                return self.new(recipe)
        raise StoreError(f'There is no recipe named "{recipe_name}".')

    def duplicate(self, name: str) -> str:
        """Store a copy of ``name`` ("NAME copy") and open it."""
        copy = self._db.requests.duplicate(name)
        self.listChanged.emit()
        self.opened.emit(copy.name)
        return copy.name

    def rename(self, name: str, new_name: str) -> str:
        """Rename ``name``; StoreError says why a name is refused."""
        new_name = new_name.strip()
        if not new_name:
            raise StoreError("A request needs a name; the name cannot be empty.")
        if new_name == name:
            return name
        if "\n" in new_name or len(new_name) > 200:
            raise StoreError("A request name is one line of at most 200 characters.")
        self._db.requests.rename(name, new_name)
        self.listChanged.emit()
        self.opened.emit(new_name)
        return new_name

    def delete(self, request: Request) -> None:
        """Delete the stored ``request`` (pass it as last edited); undo brings it back."""
        self.undo_stack.push(DeleteRequestCommand(request, self._delete, self._restore))

    def undo(self) -> None:
        """Undo the last deletion."""
        self.undo_stack.undo()

    def _delete(self, name: str) -> None:
        self._db.requests.delete(name)
        self.listChanged.emit()
        self.closed.emit(name)

    def _restore(self, request: Request) -> None:
        try:
            self._db.requests.create(request)
        except KnownError:
            name = free_name(request.name, set(self.names()))
            self._db.requests.create(dataclasses.replace(request, name=name))
            request = dataclasses.replace(request, name=name)
        self.listChanged.emit()
        self.opened.emit(request.name)
