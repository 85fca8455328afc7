"""Open a dialog that needs the keychain once the window's keychain is open.

The window opens its keychain off the GUI thread after its first preview
(:class:`ui.ops.delivery_client.DeliveryClient`); until then ``window.secret_store`` is
None. A menu action that needs it (Secrets…, Customer.io ▸ Pull and Push) does not wait
for it: :meth:`KeychainWait.when_open` runs the action at once when the keychain is open,
and otherwise says "Opening the keychain…" in the status bar, asks the window to open it,
and runs the action when the window's ``secretsChanged`` signal comes with the keychain
open (the signal also says other things; those are let pass). After
:data:`GIVE_UP_MS` it gives up with :data:`STILL_OPENING` (through
``window.show_problem``). One action waits at a time: asking for another while waiting
replaces it (the last one asked for is the one opened), so a second click never opens
two dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

__all__ = ["GIVE_UP_MS", "OPENING", "STILL_OPENING", "KeychainWait"]

GIVE_UP_MS = 10_000
"""How long an action waits for the keychain before it gives up."""
OPENING = "Opening the keychain…"
"""The status bar's message while an action waits."""
STILL_OPENING = "The keychain is still being opened; try again in a moment."
"""The message when the keychain did not open in time."""


class KeychainWait(QObject):
    """Runs one action once ``window``'s keychain is open (see the module docstring).

    Signals: none of its own.
    """

    def __init__(self, window: MainWindow, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.window = window
        self._then: Callable[[], Any] | None = None
        window.secretsChanged.connect(self._changed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GIVE_UP_MS)
        self._timer.timeout.connect(self._give_up)

    @property
    def give_up_ms(self) -> int:
        """How long an action waits for the keychain (:data:`GIVE_UP_MS` unless changed)."""
        return self._timer.interval()

    @give_up_ms.setter
    def give_up_ms(self, ms: int) -> None:
        self._timer.setInterval(ms)

    @property
    def waiting(self) -> bool:
        """Whether an action waits for the keychain."""
        return self._then is not None

    def when_open(self, then: Callable[[], Any]) -> Any:
        """Run ``then`` now if the keychain is open (and return what it returns), else once
        it opens (and return None now)."""
        if self.window.secret_store is not None:
            self._stop()
            return then()
        self._then = then
        if not self._timer.isActive():
            self._timer.start()
        self.window.statusBar().showMessage(OPENING, self.give_up_ms)
        self.window.deliveries.start()  # opens the keychain (once; a no-op when under way)
        return None

    def _changed(self) -> None:
        then = self._then
        if then is None or self.window.secret_store is None:
            return  # nothing waits, or the signal was about something else
        self._stop()
        then()

    def _give_up(self) -> None:
        if self._then is None:
            return
        self._stop()
        self.window.show_problem(STILL_OPENING)

    def _stop(self) -> None:
        self._then = None
        self._timer.stop()
        bar = self.window.statusBar()
        if bar.currentMessage() == OPENING:
            bar.clearMessage()
