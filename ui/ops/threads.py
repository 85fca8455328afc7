"""Threads that are not ops: the preview's render thread, and the garbage collector's pauses.

Work on the workspace runs through :mod:`ui.ops`; sending through the one engine
(:mod:`ui.ops.engine`). The live preview keeps a thread of its own
(:class:`WorkerThread`, used by :class:`ui.editor.preview.PreviewService`) because it is
latest-wins: a queued signal carries each render job to one worker that renders one at a
time, and the service drops stale results by generation; an op pool would render stale
jobs side by side and race newer ones for the GIL.

A worker is given plain data through queued signals connected to its slots, never a
widget, and answers only through its own signals. :class:`WorkerThread` moves it to its
thread, starts it, and on :meth:`WorkerThread.stop` asks the worker to stop (its optional
``stop()`` slot), quits the thread's event loop and waits for it; one dropped without
``stop()`` quits its thread when it is collected, so a failed start-up cannot abort the
process.

Creating a worker leaves Python's GIL switch interval alone. The application sets it once,
at start-up, for the whole process (:data:`SWITCH_INTERVAL`, see :mod:`ui.app`): the GUI
thread waits for the GIL each time it comes back from Qt into Python, and a 5 ms interval
let a background render stall it for tens of milliseconds.

The other long holder of the GIL is Python's cyclic garbage collector: parsing a 1 MB
template allocates enough objects to set off full collections that hold it for 100 ms and
more. A render therefore runs with the collector paused (:func:`gc_paused`; its garbage is
freed by reference counting as it goes), and the app freezes the objects that exist once
the window is up (:func:`freeze_startup_objects`), so later full collections do not walk
every Qt wrapper and module again.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread

__all__ = [
    "SWITCH_INTERVAL",
    "WorkerThread",
    "current_thread_id",
    "freeze_startup_objects",
    "gc_paused",
]

SWITCH_INTERVAL = 0.0005
"""Seconds between GIL hand-overs the application sets at start-up (Python's default is
0.005); see :mod:`ui.app`."""


def current_thread_id() -> int:
    """The calling thread's identity, reported in worker results so tests can check it."""
    return threading.get_ident()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block without automatic cyclic garbage collection (re-enabled after)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_startup_objects() -> None:
    """Move every object alive now out of the collector's reach (start-up is over)."""
    gc.collect()
    gc.freeze()


class WorkerThread:
    """A QThread running one worker QObject until :meth:`stop`."""

    def __init__(self, worker: QObject, name: str) -> None:
        self.worker = worker
        """The worker; it lives in :attr:`thread` from now on."""
        self.thread = QThread()
        """The thread the worker's slots run in."""
        self.thread.setObjectName(name)
        worker.moveToThread(self.thread)
        self.thread.finished.connect(worker.deleteLater)
        self.thread.start()
        self._stopped = False

    def stop(self, timeout_ms: int = 10_000) -> None:
        """Stop the worker (its ``stop`` slot, if any), end the thread and wait for it."""
        if self._stopped:
            return
        self._stopped = True
        if hasattr(self.worker, "stop"):
            QMetaObject.invokeMethod(
                self.worker, "stop", Qt.ConnectionType.BlockingQueuedConnection
            )
        self.thread.quit()
        self.thread.wait(timeout_ms)

    @property
    def running(self) -> bool:
        """Whether the thread still runs."""
        return not self._stopped and self.thread.isRunning()

    def __del__(self) -> None:
        # dropped without stop() (an owner whose construction failed halfway): end the
        # thread's event loop, so that Qt does not abort the process for a running QThread
        if not getattr(self, "_stopped", True):
            with contextlib.suppress(RuntimeError):  # the QThread is already gone
                self.thread.quit()
                self.thread.wait(10_000)
