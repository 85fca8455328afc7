"""The one pattern for background work: a QObject worker living in its own QThread.

A worker is given plain data (frozen dataclasses, strings, numbers) through queued
signals connected to its slots, never a widget, and answers only through its own
signals, which Qt delivers on the GUI thread. :class:`WorkerThread` owns the thread: it
moves the worker there, starts it, and on :meth:`WorkerThread.stop` asks the worker to
stop (its optional ``stop()`` slot, declared with ``@Slot()``, runs in the worker's
thread), quits the thread's event loop and waits for it, after which the worker is
deleted with the thread. Long waits inside a worker (a retry's backoff) are QTimers in
the worker's thread, never sleeps, so a stop or cancel reaches it at once.

A worker's CPU-bound Python holds the GIL. Python hands the GIL to a waiting thread only
every ``sys.getswitchinterval()`` seconds (5 ms by default), and the GUI thread waits for
it each time it comes back from Qt into Python (every paint, every item-model call), so a
render in the background could stall the window for tens of milliseconds.
:class:`WorkerThread` lowers the interval to :data:`SWITCH_INTERVAL` (0.5 ms) for the
process: measured with ``tests/bench_ui.py``, the GUI thread's longest stall while a
1 MB body renders fell by about half. The other long holder is Python's cyclic garbage
collector: parsing a 1 MB template allocates enough objects to set off full collections
that hold the GIL for 100 ms and more. A render therefore runs with the collector paused
(:func:`gc_paused`; its garbage is freed by reference counting as it goes), and the app
freezes the objects that exist once the window is up (:func:`freeze_startup_objects`),
so later full collections do not walk every Qt wrapper and module again.
"""

from __future__ import annotations

import contextlib
import gc
import sys
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
"""Seconds between GIL hand-overs while workers run (Python's default is 0.005)."""


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
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
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
