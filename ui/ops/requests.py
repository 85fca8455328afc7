"""Operations on stored requests (off the GUI thread, see :mod:`ui.ops`).

The autosave is :func:`save`: a write op in the one ordered write lane, so saves reach
the workspace in the order they were made, and a slow write (a 1 MB body, another program
holding the workspace's lock) waits on the worker, never on the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from composer.model import Request
from composer.store.database import Database
from ui.ops import Changed, Op, OpChanges

__all__ = ["save"]


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
        with db.transaction():
            if request is not None:
                db.requests.update(name, request)
            if sample is not None:
                db.settings.set(sample[0], sample[1])
        return Changed(name, OpChanges(requests=True))

    return Op(parent, work, path=path, write=True)
