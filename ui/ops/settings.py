"""Operations on the workspace's settings (off the GUI thread, see :mod:`ui.ops`).

The workspace's default Liquid version (Edit ▸ Workspace settings…) is read by
:func:`liquid_version` and kept by :func:`set_liquid_version`. Both run on the ordered
write lane: the read sees every change asked for before it (a dialog opened again right
after a change shows it), and the write announces ``OpChanges(settings=True)``. A
workspace another program holds locked makes the worker wait, never the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from composer.liquid import LiquidVersion
from composer.store.database import Database
from ui.ops import Changed, Op, OpChanges

__all__ = ["liquid_version", "set_liquid_version"]


def liquid_version(parent: QObject | None, path: Path) -> Op[LiquidVersion]:
    """The Liquid version new requests get in the workspace (after the writes asked for
    before)."""
    return Op(parent, lambda db: db.settings.liquid_version(), path=path, write=True)


def set_liquid_version(
    parent: QObject | None, path: Path, version: LiquidVersion
) -> Op[LiquidVersion]:
    """Make ``version`` the workspace's default for new requests; the value is ``version``."""

    def work(db: Database) -> Changed[LiquidVersion]:
        db.settings.set_liquid_version(version)
        return Changed(version, OpChanges(settings=True))

    return Op(parent, work, path=path, write=True)
