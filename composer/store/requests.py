"""Stored requests: create, read, rename, duplicate, delete, list, import and export.

A request is stored as its request file's JSON (:meth:`composer.model.Request.to_json`)
in the ``requests`` table, with the name repeated in an indexed, unique column. Names are
unique, compared exactly as written; a clash is a :class:`~composer.errors.StoreError`
that says which name is taken. Lists are ordered by name, ignoring case, so that
"alpha" and "Beta" sort as a person expects.

Import reads and validates the whole file before touching the workspace; an invalid file
is an :class:`~composer.errors.InvalidFileError` and nothing is written. Importing a
request whose name is already taken is refused unless ``replace=True``, because the stored
one may hold edits the file lacks.
"""

from __future__ import annotations

import builtins
import dataclasses
import sqlite3
import time
from pathlib import Path

from composer.errors import BugError, NotFoundError, StoreError
from composer.model import Request
from composer.store.database import Database

__all__ = ["RequestRepo", "copy_name", "free_name"]


def free_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or "wanted 2", "wanted 3"… whichever is free first."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted} {n}" in taken:
        n += 1
    return f"{wanted} {n}"


def copy_name(name: str, taken: set[str]) -> str:
    """The first free name of "NAME copy", "NAME copy 2", "NAME copy 3", ..."""
    return free_name(f"{name} copy", taken)


class RequestRepo:
    """The requests of one workspace."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- reading --------------------------------------------------------------------

    def get(self, name: str) -> Request:
        """The request called ``name``; :class:`NotFoundError` when there is none."""
        row = self._db.fetchone("SELECT data FROM requests WHERE name = ?", (name,))
        if row is None:
            raise NotFoundError(f'There is no request named "{name}" in the workspace.')
        return _decode(row["data"], name)

    def exists(self, name: str) -> bool:
        """Whether a request called ``name`` is stored."""
        return self._db.fetchone("SELECT 1 FROM requests WHERE name = ?", (name,)) is not None

    def names(self) -> builtins.list[str]:
        """Every request's name, in list order."""
        rows = self._db.fetchall("SELECT name FROM requests ORDER BY name COLLATE NOCASE, name")
        return [row["name"] for row in rows]

    def list(self) -> builtins.list[Request]:
        """Every request, ordered by name."""
        rows = self._db.fetchall(
            "SELECT name, data FROM requests ORDER BY name COLLATE NOCASE, name"
        )
        return [_decode(row["data"], row["name"]) for row in rows]

    def count(self) -> int:
        """How many requests are stored."""
        row = self._db.fetchone("SELECT count(*) FROM requests")
        return int(row[0]) if row else 0

    # -- writing --------------------------------------------------------------------

    def _versioned(self, request: Request) -> Request:
        """``request`` with a Liquid version: the workspace's default when it names none."""
        if request.liquid_version is not None:
            return request
        return dataclasses.replace(request, liquid_version=self._db.settings.liquid_version())

    def create(self, request: Request) -> Request:
        """Store a new request; its name must be free.

        A request without a Liquid version gets the workspace's default (as do the other
        ways in: :meth:`update`, :meth:`save`, :meth:`import_file`).
        """
        _check_name(request.name)
        request = self._versioned(request)
        now = time.time()
        with self._db.transaction():
            try:
                self._db.execute(
                    "INSERT INTO requests (name, data, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    (request.name, request.to_json(), now, now),
                )
            except sqlite3.IntegrityError:
                raise _taken(request.name) from None
        return request

    def update(self, name: str, request: Request) -> Request:
        """Replace the request called ``name`` (``request`` may carry a new, free name)."""
        _check_name(request.name)
        request = self._versioned(request)
        with self._db.transaction():
            try:
                cursor = self._db.execute(
                    "UPDATE requests SET name = ?, data = ?, updated_at = ? WHERE name = ?",
                    (request.name, request.to_json(), time.time(), name),
                )
            except sqlite3.IntegrityError:
                raise _taken(request.name) from None
            if cursor.rowcount == 0:
                raise NotFoundError(f'There is no request named "{name}" in the workspace.')
        return request

    def save(self, request: Request) -> Request:
        """Store ``request`` under its name, replacing a stored one of that name."""
        with self._db.transaction():
            if self.exists(request.name):
                return self.update(request.name, request)
            return self.create(request)

    def rename(self, name: str, new_name: str) -> Request:
        """Give the request called ``name`` a new, free name."""
        with self._db.transaction():
            request = dataclasses.replace(self.get(name), name=new_name)
            return self.update(name, request)

    def duplicate(self, name: str) -> Request:
        """Store a copy of ``name`` as "NAME copy" (or "NAME copy 2", ...) and return it."""
        with self._db.transaction():
            request = self.get(name)
            copy = dataclasses.replace(request, name=copy_name(name, set(self.names())))
            return self.create(copy)

    def delete(self, name: str) -> None:
        """Remove the request called ``name``."""
        with self._db.transaction():
            cursor = self._db.execute("DELETE FROM requests WHERE name = ?", (name,))
            if cursor.rowcount == 0:
                raise NotFoundError(f'There is no request named "{name}" in the workspace.')

    # -- files ----------------------------------------------------------------------

    def import_file(self, path: Path | str, *, replace: bool = False) -> Request:
        """Read, validate and store a request file; refuse a taken name unless ``replace``."""
        request = Request.from_file(path)
        with self._db.transaction():
            if self.exists(request.name):
                if not replace:
                    raise StoreError(
                        f'A request named "{request.name}" is already in the workspace; '
                        "rename or delete it first, or import with replace."
                    )
                return self.update(request.name, request)
            return self.create(request)

    def export_file(self, name: str, path: Path | str) -> Path:
        """Write the request called ``name`` as a request file at ``path``."""
        target = Path(path)
        try:
            self.get(name).save(target)
        except OSError as exc:
            raise StoreError(f"{target} cannot be written ({exc.strerror}).") from None
        return target


def _check_name(name: str) -> None:
    if not name.strip():
        raise StoreError("A request needs a name.")


def _taken(name: str) -> StoreError:
    return StoreError(f'A request named "{name}" already exists; choose another name.')


def _decode(data: str, name: str) -> Request:
    try:
        return Request.from_json(data, f'stored request "{name}"')
    except Exception as exc:
        raise BugError(f'The stored request "{name}" is not a valid request file: {exc}') from exc
