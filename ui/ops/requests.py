"""Operations on stored requests (off the GUI thread, see :mod:`ui.ops`).

The autosave is :func:`save`: a write op in the one ordered write lane, so saves reach
the workspace in the order they were made, and a slow write (a 1 MB body, another program
holding the workspace's lock) waits on the worker, never on the GUI thread. A save that
finds the workspace locked past SQLite's busy timeout tries again until
:data:`SAVE_PATIENCE_S` has passed, so an edit outlives another program's long write
(closing the window waits for it).

Creating a request from outside the request list (the Recipes page's "Use this recipe",
the cURL import) is :func:`create`: a write op in the same lane that takes the request's
own name, or "NAME copy" (then "NAME copy 2", …) when that is taken, decided inside the
write's transaction so two quick creations never pick the same name. It announces
``OpChanges(requests=True)``, so the window's request list reads the names again from the
hub's ``changed`` signal. :func:`names` reads every name on the same ordered lane, so it
sees every write asked for before it.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from PySide6.QtCore import QObject

from composer.errors import StoreError
from composer.model import Request
from composer.store.database import Database
from composer.store.requests import copy_name
from ui.ops import Changed, Op, OpChanges

__all__ = ["SAVE_PATIENCE_S", "create", "first_with_mappings", "names", "save"]

SAVE_PATIENCE_S = 20.0
"""How long a save keeps trying a workspace another connection holds locked."""


def save(
    parent: QObject | None,
    path: Path,
    name: str,
    request: Request | None,
    sample: tuple[str, str] | None = None,
) -> Op[str]:
    """Store ``request`` under ``name`` and/or a sample response (``(setting key, text)``);
    None leaves either as it is. The value is the name."""

    def work(db: Database) -> Changed[str]:
        deadline = time.monotonic() + SAVE_PATIENCE_S
        while True:
            try:
                with db.transaction():
                    if request is not None:
                        db.requests.update(name, request)
                    if sample is not None:
                        db.settings.set(sample[0], sample[1])
                return Changed(name, OpChanges(requests=True))
            except StoreError as exc:
                if not exc.busy or time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)  # on the worker: SQLite's busy timeout did the long wait

    return Op(parent, work, path=path, write=True)


def create(parent: QObject | None, path: Path, request: Request) -> Op[str]:
    """Store ``request`` as a new request, under its name or the first free "NAME copy";
    the value is the name it was stored under."""

    def work(db: Database) -> Changed[str]:
        with db.transaction():
            taken = set(db.requests.names())
            name = request.name if request.name not in taken else copy_name(request.name, taken)
            stored = db.requests.create(dataclasses.replace(request, name=name))
        return Changed(stored.name, OpChanges(requests=True))

    return Op(parent, work, path=path, write=True)


def names(parent: QObject | None, path: Path) -> Op[list[str]]:
    """Every stored request's name, in list order (after the writes asked for before)."""
    return Op(parent, lambda db: db.requests.names(), path=path, write=True)


def first_with_mappings(parent: QObject | None, path: Path) -> Op[str | None]:
    """The name of the first stored request, in list order, that maps its response onto
    the person (None when none does); after the writes asked for before."""

    def work(db: Database) -> str | None:
        for request in db.requests.list():
            if request.response_mappings:
                return request.name
        return None

    return Op(parent, work, path=path, write=True)
