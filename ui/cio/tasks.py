"""Background work for the Customer.io dialogs: one call at a time, with progress and Cancel.

A :class:`CioJobs` belongs to one dialog. :meth:`CioJobs.run` hands a function to an
:class:`ui.ops.Op` (the one way the window runs work off the GUI thread); the function
gets a ``progress(stage, done, total)`` hook and a ``cancelled()`` hook that the App API
client and the core's loops ask, so Cancel stops a pull between requests and a push's
checks between people. The answer comes back on the GUI thread: the function's value, or
an :class:`~ui.ops.OpError` (plain data, never the exception). Decisions:

* **No thread of its own.** The op's worker belongs to the ops' pool, so no QThread is
  made, deleted or waited on here; a closing dialog cancels its job and waits (bounded)
  for the function to return, so no call to Customer.io outlives the window.
* **A connection of its own.** A job's function gets the worker thread's own connection to
  the workspace (``work(progress, cancelled, db)``), never the GUI thread's.
* **Progress crosses threads as a signal.** The hook emits :attr:`CioJobs.progressed`
  from the worker; Qt queues it to the dialog on the GUI thread.
* **Secrets stay in the closure.** The App API key never travels in a signal: the
  function closes over what it needs.

Signals of :class:`CioJobs`:
    busyChanged(bool): a job started (True) or ended (False).
    progressed(str, int, object): the running job's stage, how much is done, the total.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.ops import Op

__all__ = ["CioJobs", "Progress"]

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``; ``total`` None when unknown."""
Work = Callable[[Progress, Callable[[], bool], Any], Any]
"""``work(progress, cancelled, db)``: ``db`` is the worker thread's own connection to the
workspace (None for jobs made without one)."""


class _Job:
    """One call: its Cancel flag and the flag its worker sets once the function returned."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.ended = threading.Event()


class CioJobs(QObject):
    """One dialog's background calls, one at a time (see the module docstring).

    Signals:
        busyChanged(bool): a job started (True) or ended (False).
        progressed(str, int, object): the running job's progress.
    """

    busyChanged = Signal(bool)
    progressed = Signal(str, int, object)

    def __init__(self, parent: QObject | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.path = path
        """The workspace file each job's worker opens for itself (None: none)."""
        self._job: _Job | None = None
        self._started: list[_Job] = []  # until their functions return

    @property
    def busy(self) -> bool:
        """Whether a job is running."""
        return self._job is not None

    def run(
        self,
        work: Work,
        done: Callable[[Any], None],
        after: Callable[[Callable[[], None]], None] | None = None,
    ) -> bool:
        """Run ``work`` in the background; ``done`` gets its value or an :class:`OpError`.

        ``after``, when given, is handed the start and calls it when the job may begin
        (the window's ``after_saves``: the open request's edits are stored first); the job
        counts as running from now. False (and nothing runs) when another job is still
        running.
        """
        if self._job is not None:
            return False
        job = _Job()
        self._job = job
        self._started = [j for j in self._started if not j.ended.is_set()] + [job]
        progressed = self.progressed

        def call(db: Any) -> Any:
            try:
                return work(
                    lambda stage, count, total: progressed.emit(stage, count, total),
                    job.stop.is_set,
                    db,
                )
            finally:
                job.ended.set()

        def answer(value: Any) -> None:
            if self._job is job:
                self._job = None
                self.busyChanged.emit(False)
            done(value)

        def start() -> None:
            Op(self, call, path=self.path).success(answer).failure(answer).run()

        self.busyChanged.emit(True)
        if after is None:
            start()
        else:
            after(start)
        return True

    def cancel(self) -> None:
        """Ask the running job to stop at its next check."""
        if self._job is not None:
            self._job.stop.set()

    def wait(self, ms: int = 30_000) -> bool:
        """Cancel the running job and wait until every function started here returned
        (closing); True if they did within ``ms``."""
        self.cancel()
        for job in self._started:
            job.stop.set()
            if not job.ended.wait(ms / 1000):
                return False
        self._started.clear()
        return True
