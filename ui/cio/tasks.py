"""Background work for the Customer.io dialogs: one call at a time, with progress and Cancel.

A :class:`CioJobs` belongs to one dialog. :meth:`CioJobs.run` hands a function to a
:class:`CioJob` worker in its own thread (:func:`ui.ops.tasks.start_thread`, the
pages' pattern); the function gets a ``progress(stage, done, total)`` hook and a
``cancelled()`` hook that the App API client and the core's loops ask, so Cancel stops a
pull between requests and a push's checks between people. The answer comes back on the
GUI thread: the function's value, or a :class:`~ui.ops.tasks.TaskError` (plain data,
never the exception). A dialog closing cancels its job and waits for the thread, so no
worker outlives the window. The App API key never travels in a signal: the function
closes over what it needs.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ui.ops.tasks import TaskError, start_thread

__all__ = ["CioJob", "CioJobs", "Progress"]

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``; ``total`` None when unknown."""
Work = Callable[[Progress, Callable[[], bool]], Any]


class CioJob(QObject):
    """Runs one function off the GUI thread.

    Signals:
        progressed(str, int, object): a stage, how much is done, the total (or None).
        succeeded(object): the function's value.
        failed(object): a :class:`~ui.ops.tasks.TaskError`.
        finished(): after either.
    """

    progressed = Signal(str, int, object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, work: Work) -> None:
        super().__init__()
        self._work = work
        self.stop_event = threading.Event()
        """Set by Cancel; the function's ``cancelled()`` reads it."""

    @Slot()
    def run(self) -> None:
        """Call the function and report."""
        try:
            value = self._work(
                lambda stage, done, total: self.progressed.emit(stage, done, total),
                self.stop_event.is_set,
            )
        except Exception as exc:  # a plain message for the dialog, never a leaked traceback
            self.failed.emit(TaskError.of(exc))
        else:
            self.succeeded.emit(value)
        self.finished.emit()


class CioJobs(QObject):
    """One dialog's background calls, one at a time.

    Signals:
        busyChanged(bool): a job started (True) or ended (False).
        progressed(str, int, object): the running job's progress.
    """

    busyChanged = Signal(bool)
    progressed = Signal(str, int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: CioJob | None = None
        self._thread: QThread | None = None
        self._threads: list[tuple[QThread, CioJob]] = []  # referenced until they end
        self._done: Callable[[Any], None] | None = None

    @property
    def busy(self) -> bool:
        """Whether a job is running."""
        return self._job is not None

    def run(self, work: Work, done: Callable[[Any], None]) -> bool:
        """Run ``work`` in the background; ``done`` gets its value or a TaskError.

        False (and nothing runs) when another job is still running.
        """
        if self._job is not None:
            return False
        job = CioJob(work)
        job.progressed.connect(self.progressed)
        job.succeeded.connect(self._answer)
        job.failed.connect(self._answer)
        self._job, self._done = job, done
        self._prune()
        self._thread = start_thread(job, "customer.io", job.run)
        self._threads.append((self._thread, job))
        self.busyChanged.emit(True)
        return True

    def cancel(self) -> None:
        """Ask the running job to stop at its next check."""
        if self._job is not None:
            self._job.stop_event.set()

    def wait(self, ms: int = 30_000) -> None:
        """Cancel the running job and wait for every thread to end (closing, tests)."""
        self.cancel()
        for thread, _job in self._threads:
            with contextlib.suppress(RuntimeError):  # already deleted: it ended
                thread.wait(ms)
        self._threads.clear()

    def _prune(self) -> None:
        running = []
        for thread, job in self._threads:
            with contextlib.suppress(RuntimeError):  # deleted: it ended
                if not thread.isFinished():
                    running.append((thread, job))
        self._threads = running

    @Slot(object)
    def _answer(self, value: Any) -> None:
        done = self._done
        self._job = self._thread = self._done = None  # the thread stays in _threads
        self.busyChanged.emit(False)
        if done is not None:
            done(value)
