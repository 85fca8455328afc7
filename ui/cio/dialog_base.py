"""What every Customer.io dialog shares: a status line, a progress bar, Cancel, and its jobs.

:class:`CioDialog` is a window-modal dialog (``open()``, so the event loop keeps running)
whose work goes through one :class:`~ui.cio.tasks.CioJobs`. While a job runs the progress
bar shows it (a count when the work knows its total, busy otherwise), Cancel stops it,
and the buttons a subclass lists in :meth:`CioDialog.busy_widgets` are disabled. A
failure is one plain sentence in the status line (the core's messages name the
operation, the HTTP status and what was missing); an unexpected error is said to be a
bug, in the same line. Escape closes the dialog and cancels its job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from composer.store.database import Database
from ui.cio.tasks import CioJobs, Progress
from ui.ops import OpError
from ui.widgets.palette import accent

if TYPE_CHECKING:
    from ui.cio.actions import CioActions

__all__ = ["CioDialog", "escape"]

_STAGES = {
    "check": "Checking every person",
    "upgrade-check": "Upgrade check",
    "actions": "Pulling actions",
    "people": "Reading people",
}


def escape(text: str) -> str:
    """``text`` safe inside a rich-text label."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CioDialog(QDialog):
    """A Customer.io dialog: subclasses add their widgets above :attr:`footer`.

    Signals: none of its own (QDialog's only).
    """

    def __init__(self, cio: CioActions, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cio = cio
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.jobs = CioJobs(self, cio.db.path)
        """This dialog's background work."""
        self.message = ""
        """The status line's last text (plain)."""
        self.failed: OpError | None = None
        """The last job's failure, if the last job failed."""
        self.status = QLabel()
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.hide()
        self.cancel_button = QPushButton("C&ancel")
        self.cancel_button.setAccessibleName("Cancel the work")
        self.cancel_button.setToolTip("Stop at the next request or person")
        self.cancel_button.clicked.connect(lambda _=False: self.jobs.cancel())
        self.cancel_button.hide()
        self.footer = QHBoxLayout()
        """Progress, Cancel, then the subclass's buttons."""
        self.footer.addWidget(self.progress, 1)
        self.footer.addWidget(self.cancel_button)
        self.jobs.busyChanged.connect(self._busy)
        self.jobs.progressed.connect(self._progressed)

    # -- subclasses ------------------------------------------------------------------

    def busy_widgets(self) -> list[QWidget]:
        """The widgets disabled while a job runs."""
        return []

    def refresh_buttons(self) -> None:
        """Enable the buttons as the dialog's state allows (after each job)."""

    # -- running ---------------------------------------------------------------------

    def run(
        self,
        work: Callable[[Progress, Callable[[], bool], Database], Any],
        done: Callable[[Any], None],
        doing: str,
        after_saves: bool = False,
    ) -> bool:
        """Run ``work(progress, cancelled, db)`` in the background (``db``: the worker's own
        connection); ``done`` gets its value (failures are shown). With ``after_saves`` it
        begins once the window's open request is stored (a pull or push reads it)."""

        def answer(value: Any) -> None:
            if isinstance(value, OpError):
                self.failed = value
                text = (
                    value.message if value.known else f"Unexpected error (a bug): {value.message}"
                )
                self.say(text, error=True)
                self.refresh_buttons()
                return
            self.failed = None
            done(value)
            self.refresh_buttons()

        if self.jobs.busy:
            self.say("Still stopping the previous work; try again in a moment.", error=True)
            return False
        self.say(doing)
        if not after_saves:
            return self.jobs.run(work, answer)
        window = self.cio.window
        return self.jobs.run(work, answer, lambda start: window.after_saves(lambda _ok: start()))

    def say(self, text: str, error: bool = False) -> None:
        """Show ``text`` in the status line (in the accent colour for a failure)."""
        self.message = text
        if error:
            colour = accent("failure", self).name()
            self.status.setText(f'<span style="color:{colour}">{escape(text)}</span>')
        else:
            self.status.setText(escape(text))

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress.setRange(0, 0)
        for widget in self.busy_widgets():
            widget.setEnabled(not busy)
        if not busy:
            self.refresh_buttons()

    def _progressed(self, stage: str, done: int, total: object) -> None:
        if isinstance(total, int) and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat(f"{_STAGES.get(stage, stage)}: %v of %m")
        else:
            self.progress.setRange(0, 0)

    # -- closing ---------------------------------------------------------------------

    def reject(self) -> None:
        self.jobs.cancel()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.jobs.cancel()
        super().closeEvent(event)
