"""Operations on stored requests (off the GUI thread, see :mod:`ui.ops`).

The autosave is :func:`save`: a write op in the one ordered write lane, so saves reach
the workspace in the order they were made, and a slow write (a 1 MB body, another program
holding the workspace's lock) waits on the worker, never on the GUI thread. A save that
finds the workspace locked past SQLite's busy timeout tries again until
:data:`SAVE_PATIENCE_S` has passed, so an edit outlives another program's long write
(closing the window waits for it).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject

from composer.errors import StoreError
from composer.model import Request
from composer.store.database import Database
from ui.ops import Changed, Op, OpChanges

__all__ = ["SAVE_PATIENCE_S", "save"]

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
