"""The Liquid version beside the request: a compact switch, its undo step, its wording.

Customer.io renders a message with one of two Liquid versions and lets older accounts
switch each message between them (its "Liquid upgrade" page): **latest**, every account's
since 28 Nov 2023, behaving like LiquidJS, and **legacy**, Shopify's Ruby Liquid 2.5.3
inside a Rails app. :class:`LiquidVersionSwitch` is that per-message switch for the open
request; :class:`SwitchVersionCommand` makes a switch one step on a QUndoStack, so Ctrl+Z
switches back. :func:`rendered_with` is the sentence the preview shows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QComboBox, QWidget

from composer.liquid import DEFAULT_VERSION, VERSIONS, LiquidVersion, version_named

__all__ = ["VERSION_HELP", "LiquidVersionSwitch", "SwitchVersionCommand", "rendered_with"]

VERSION_HELP = (
    "Which Liquid version Customer.io renders this request with (its per-message switch).\n"
    "latest: every account created since 28 Nov 2023; behaves like LiquidJS.\n"
    "legacy: older accounts; Shopify's Ruby Liquid 2.5.3 inside Rails.\n"
    "The two differ in numbers, escaping, dates, blank checks and filters: the preview "
    "compares them. Switching is saved like any edit; Ctrl+Z switches back."
)
"""The switch's tooltip."""


def rendered_with(version: str, title: str) -> str:
    """ "Rendered with latest Liquid (LiquidJS)" for a version and its engine's title."""
    if title.startswith(version):
        return f"Rendered with {version} Liquid{title[len(version) :]}"
    return f"Rendered with {version} Liquid" + (f" ({title})" if title else "")


class LiquidVersionSwitch(QComboBox):
    """Shows and switches the open request's Liquid version ("Liquid: latest ▾").

    Signals:
        switched(str, str): the user chose another version (the old one, the new one);
            not emitted by :meth:`set_version`.
    """

    switched = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for version in VERSIONS:
            self.addItem(f"Liquid: {version}", version)
        self.setAccessibleName("Liquid version")
        self.setToolTip(VERSION_HELP)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._current: LiquidVersion = DEFAULT_VERSION
        self.set_version(DEFAULT_VERSION)
        self.currentIndexChanged.connect(self._chosen)

    def version(self) -> LiquidVersion:
        """The version shown."""
        return self._current

    def set_version(self, version: LiquidVersion) -> None:
        """Show ``version`` (no ``switched``)."""
        self._current = version
        blocked = self.blockSignals(True)
        try:
            self.setCurrentIndex(max(self.findData(version), 0))
        finally:
            self.blockSignals(blocked)

    def _chosen(self, index: int) -> None:
        chosen = version_named(str(self.itemData(index)))
        old, self._current = self._current, chosen
        if chosen != old:
            self.switched.emit(old, chosen)


class SwitchVersionCommand(QUndoCommand):
    """One switch of the request's Liquid version; ``apply(version)`` shows and uses it."""

    def __init__(
        self, old: LiquidVersion, new: LiquidVersion, apply: Callable[[LiquidVersion], None]
    ) -> None:
        super().__init__(f"switch to {new} Liquid")
        self._old = old
        self._new = new
        self._apply = apply

    def redo(self) -> None:
        self._apply(self._new)

    def undo(self) -> None:
        self._apply(self._old)
