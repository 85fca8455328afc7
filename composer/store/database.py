"""The workspace database: one SQLite file, opened by a :class:`Database` that is passed in.

Decisions:

* **One connection per** :class:`Database`, shared by the threads that hold the object and
  guarded by a re-entrant lock; :meth:`Database.transaction` holds that lock from
  ``BEGIN IMMEDIATE`` to ``COMMIT``, so there is one writer at a time in the process, and
  SQLite's own lock (with ``busy_timeout``) keeps other processes in line. A nested
  ``transaction()`` becomes a ``SAVEPOINT``: it rolls back alone when it fails, and nothing
  is visible to other connections until the outermost block commits.
* **WAL journal** so that readers (the window, a second process) see the last committed
  state while a writer works, and never half a transaction. Foreign keys are on.
* **Forward-only migrations** from :data:`composer.store.schema.MIGRATIONS`, tracked in
  ``PRAGMA user_version``. Each migration runs in one ``BEGIN IMMEDIATE`` transaction with
  its version bump; the version is read again inside it, so two processes opening a new
  file at once migrate it once. Before migrating a file that already holds data, a copy
  is taken with SQLite's backup API beside it (``workspace.sqlite3.v1.bak`` for a file at
  version 1). A file newer than this code is refused, never touched.
* **SQLite errors by result code** (:func:`store_error`), never by message text: busy and
  locked, read-only, disk full, cannot open, not a database and corrupt each become one
  plain :class:`~composer.errors.StoreError` sentence naming the file; any other code is a
  bug and is raised as it is.
* The requests, people and settings live in small repository classes
  (:mod:`composer.store.requests`, :mod:`composer.store.people`), reached as
  ``db.requests``, ``db.people`` and ``db.settings``.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from composer.errors import StoreError
from composer.liquid import DEFAULT_VERSION, LiquidVersion, version_named
from composer.store import schema

if TYPE_CHECKING:
    from composer.store.people import PeopleRepo
    from composer.store.requests import RequestRepo

__all__ = ["BUSY_TIMEOUT_MS", "Database", "Settings", "split_script", "store_error"]

BUSY_TIMEOUT_MS = 5000
"""How long a connection waits for another process's write lock before giving up."""

Params = Sequence[Any] | dict[str, Any]
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


_BUSY = "is busy: another program is writing to it"
_PLAIN = {
    sqlite3.SQLITE_BUSY: _BUSY,
    sqlite3.SQLITE_LOCKED: _BUSY,
    sqlite3.SQLITE_READONLY: "cannot be written: the file or its folder is read-only",
    sqlite3.SQLITE_FULL: "cannot be written: the disk is full",
    sqlite3.SQLITE_IOERR: "cannot be read or written: the disk reported an error",
    sqlite3.SQLITE_CANTOPEN: "cannot be opened: the file or its folder cannot be reached",
    sqlite3.SQLITE_NOTADB: "cannot be opened: it is not a readable SQLite database",
    sqlite3.SQLITE_CORRUPT: "is damaged (SQLite reports a malformed database)",
}


def store_error(exc: sqlite3.Error, path: Path | str) -> StoreError | None:
    """The plain sentence for what the world refused, chosen by SQLite's result code
    (``sqlite_errorcode``; extended codes are read by their primary code), or None when
    the code is not one the world causes."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    reason = _PLAIN.get(code & 0xFF)
    if reason is None:
        return None
    name = str(exc.sqlite_errorname)
    return StoreError(f"The workspace {path} {reason} ({name}).", name)


def split_script(script: str) -> list[str]:
    """Split an SQL script into complete statements (SQLite's own tokenizer decides)."""
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _COMMENT.sub("", buffer).strip(" \t\r\n;"):
                statements.append(buffer.strip())
            buffer = ""
    return statements


class Database:
    """An open workspace file.

    Use it as a context manager or call :meth:`close`. ``created`` tells whether the file
    was new (absent or empty) when it was opened, which is when the sample workspace is
    seeded (:mod:`composer.store.seed`).
    """

    def __init__(self, path: Path | str, migrations: Sequence[str] | None = None) -> None:
        self.path = Path(path)
        """The workspace file."""
        self._migrations = tuple(schema.MIGRATIONS if migrations is None else migrations)
        self._lock = threading.RLock()
        self._depth = 0
        self._people_search: str | None = None
        self.backup_path: Path | None = None
        """The copy taken before this open migrated the file, if it did."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"The workspace folder {self.path.parent} cannot be created ({exc.strerror})."
            ) from None
        existed = self.path.exists() and self.path.stat().st_size > 0
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=0
            )
        except sqlite3.Error as exc:
            plain = store_error(exc, self.path)
            raise plain or StoreError(
                f"The workspace {self.path} cannot be opened ({exc})."
            ) from None
        try:
            self._conn.row_factory = sqlite3.Row
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self.created = not existed or self._is_blank()
            """Whether the file was new (absent or empty) when it was opened."""
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            plain = store_error(exc, self.path)
            if plain is not None:
                raise plain from None
            raise StoreError(
                f"The workspace {self.path} cannot be opened: it is not a readable "
                f"SQLite database ({exc})."
            ) from None
        except BaseException:
            self._conn.close()
            raise

    # -- lifecycle ------------------------------------------------------------------

    def close(self) -> None:
        """Close the file (a checkpoint folds the WAL back into it)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queries --------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one transaction: all of it is committed, or none of it."""
        with self._lock:
            depth = self._depth
            if depth == 0:
                self._execute("BEGIN IMMEDIATE")
            else:
                self._execute(f"SAVEPOINT sp{depth}")
            self._depth += 1
            try:
                yield self._conn
            except BaseException:
                self._depth -= 1
                if self._conn.in_transaction:  # SQLite may have rolled back already
                    if depth == 0:
                        self._conn.execute("ROLLBACK")
                    else:
                        self._conn.execute(f"ROLLBACK TO sp{depth}")
                        self._conn.execute(f"RELEASE sp{depth}")
                error = sys.exc_info()[1]
                if isinstance(error, sqlite3.Error):
                    plain = store_error(error, self.path)
                    if plain is not None:
                        raise plain from None
                raise
            self._depth -= 1
            if depth == 0:
                self._execute("COMMIT")
            else:
                self._execute(f"RELEASE sp{depth}")

    @property
    def in_transaction(self) -> bool:
        """Whether the calling code is inside :meth:`transaction`."""
        return self._depth > 0

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """Run one statement (under the lock) and return its cursor."""
        with self._lock:
            return self._execute(sql, params)

    def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a query and return every row."""
        with self._lock:
            return list(self._execute(sql, params).fetchall())

    def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run a query and return its first row, if any."""
        with self._lock:
            row: sqlite3.Row | None = self._execute(sql, params).fetchone()
            return row

    def _execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.Error as exc:
            plain = store_error(exc, self.path)
            if plain is None:
                raise
            raise plain from None

    # -- repositories ---------------------------------------------------------------

    @property
    def requests(self) -> RequestRepo:
        """The stored requests."""
        from composer.store.requests import RequestRepo  # imported here: they import this module

        return RequestRepo(self)

    @property
    def people(self) -> PeopleRepo:
        """The stored people and their events."""
        from composer.store.people import PeopleRepo  # imported here: they import this module

        return PeopleRepo(self)

    @property
    def people_search(self) -> str:
        """How the people search texts are kept: ``fts5`` (a trigram index), ``table`` (a
        plain table), or "" (a file opened with fewer migrations has none)."""
        if self._people_search is None:
            row = self.fetchone(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'people_search'"
            )
            sql = "" if row is None else str(row[0]).lower()
            self._people_search = "fts5" if "fts5" in sql else "table" if sql else ""
        return self._people_search

    @property
    def settings(self) -> Settings:
        """Workspace settings (JSON values by key)."""
        return Settings(self)

    # -- schema ---------------------------------------------------------------------

    @property
    def version(self) -> int:
        """The file's ``PRAGMA user_version``."""
        row = self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    def _is_blank(self) -> bool:
        row = self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return int(row[0]) == 0 and self.version == 0

    def _migrate(self) -> None:
        known = len(self._migrations)
        current = self.version
        if current > known:
            raise StoreError(
                f"The workspace {self.path} was written by a newer Webhook Composer "
                f"(schema version {current}; this one knows up to {known}), so it is left "
                "untouched; please update Webhook Composer."
            )
        if current == known:
            return
        if not self.created:
            self.backup_path = self.backup(current)
        while True:
            try:
                with self.transaction():
                    current = self.version
                    if current >= known:
                        return
                    for statement in split_script(self._migrations[current]):
                        self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version = {current + 1}")
            except sqlite3.Error as exc:
                kept = f"; a copy from before is at {self.backup_path}" if self.backup_path else ""
                raise StoreError(
                    f"The workspace {self.path} could not be updated to schema version "
                    f"{current + 1} ({exc}), so it was left at version {current}{kept}."
                ) from exc

    def backup(self, version: int | None = None) -> Path:
        """Copy the whole file beside itself (``NAME.vN.bak``) with SQLite's backup API."""
        version = self.version if version is None else version
        target = self.path.with_name(f"{self.path.name}.v{version}.bak")
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                with self._lock:
                    self._conn.backup(copy)
            finally:
                copy.close()
            partial.replace(target)
        except (OSError, sqlite3.Error) as exc:
            partial.unlink(missing_ok=True)
            raise StoreError(
                f"The workspace {self.path} was not migrated, because a copy of it could not "
                f"be written first ({exc})."
            ) from None
        return target


class Settings:
    """Workspace settings: JSON values by key, in the ``settings`` table."""

    LIQUID_VERSION = "liquid_version"
    """The key of the workspace's default Liquid version (absent: latest)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def liquid_version(self) -> LiquidVersion:
        """The Liquid version new requests and request files without one get."""
        value = self.get(self.LIQUID_VERSION, DEFAULT_VERSION)
        try:
            return version_named(value)
        except ValueError:
            return DEFAULT_VERSION

    def set_liquid_version(self, version: LiquidVersion) -> None:
        """Make ``version`` the workspace's default Liquid version."""
        self.set(self.LIQUID_VERSION, version_named(version))

    def get(self, key: str, default: Any = None) -> Any:
        """The value stored under ``key``, or ``default``."""
        row = self._db.fetchone("SELECT value FROM settings WHERE key = ?", (key,))
        return default if row is None else json.loads(row["value"])

    def set(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable value under ``key``."""
        text = json.dumps(value, ensure_ascii=False)
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, text),
            )

    def delete(self, key: str) -> None:
        """Forget ``key`` (nothing happens when it is not set)."""
        with self._db.transaction():
            self._db.execute("DELETE FROM settings WHERE key = ?", (key,))

    def all(self) -> dict[str, Any]:
        """Every setting."""
        rows = self._db.fetchall("SELECT key, value FROM settings ORDER BY key")
        return {row["key"]: json.loads(row["value"]) for row in rows}
