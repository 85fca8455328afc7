"""Autosave off the GUI thread: a worker that writes edited requests to the workspace.

Writing a request is one SQLite transaction, but for a 1 MB body it costs the JSON encoding
and a megabyte of WAL, occasionally a checkpoint: up to ~100 ms, too long for the GUI
thread between two keystrokes. The window hands :class:`StoreWorker` plain data (the name,
the request, the sample response) and hears back through ``saved``/``failed``. Explicit
saves (Ctrl+S, switching requests, renaming, closing) stay synchronous and first wait for
the background saves to finish, so writes happen in the order they were asked for.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from composer.errors import KnownError
from composer.model import Request
from composer.store import Database

__all__ = ["StoreWorker"]


class StoreWorker(QObject):
    """Writes requests and their sample responses; lives in its own thread.

    Signals:
        saved(str): the request was written (its name).
        failed(str, str): it was not (name, a plain sentence).
    """

    saved = Signal(str)
    failed = Signal(str, str)

    def __init__(self, db: Database, sample_key: str) -> None:
        super().__init__()
        self._db = db
        self._sample_key = sample_key

    @Slot(str, object, object)
    def save(self, name: str, request: Request | None, sample: str | None) -> None:
        """Store ``request`` under ``name`` and/or the sample response (None: unchanged)."""
        try:
            with self._db.transaction():
                if request is not None:
                    self._db.requests.update(name, request)
                if sample is not None:
                    self._db.settings.set(self._sample_key + name, sample)
        except KnownError as exc:
            self.failed.emit(name, str(exc))
            return
        self.saved.emit(name)
