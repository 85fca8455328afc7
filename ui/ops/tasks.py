"""What the people files' import and export still run on: one function on a QThread.

New work goes through :mod:`ui.ops` (``Op(parent, fn).success(cb).run()``, a connection
per worker thread); sending goes through the one engine, :mod:`ui.ops.engine`. This
module keeps :func:`run_task` for :mod:`ui.pages.people_files` until it moves to ops, and
re-exports the secrets helpers (:data:`SecretsSource`, :func:`secret_getter`) from
:mod:`ui.ops.engine` for the pages that import them from here.

* A worker is a QObject moved to its own QThread (:func:`start_thread`); it answers only
  through signals, which reach the GUI thread queued.
* A failed :class:`Task` reports a :class:`TaskError`, never the exception itself: an
  exception carries its traceback's frames across threads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from composer.errors import InvalidFileError, KnownError
from composer.secrets import SecretStore
from ui.ops.engine import SecretsSource, secret_getter

__all__ = [
    "SecretsSource",
    "Task",
    "TaskError",
    "resolve_store",
    "run_task",
    "secret_getter",
    "start_thread",
]


def resolve_store(source: SecretsSource) -> SecretStore | None:
    """The store a :data:`SecretsSource` gives now (None while it is not open)."""
    if source is None or isinstance(source, SecretStore):
        return source
    return source()


def start_thread(worker: QObject, name: str, entry: Callable[[], None]) -> QThread:
    """Move ``worker`` to a new thread, call ``entry`` there once it starts, return the thread.

    The worker must emit a ``finished`` signal when done; it quits the thread, after which
    both are deleted.
    """
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(entry)
    # quit() is thread-safe; a direct call also works while the GUI thread waits for it
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)  # type: ignore[attr-defined]
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread


@dataclass(frozen=True, slots=True)
class TaskError:
    """Why a :class:`Task` failed, as plain data (an exception and its frames stay behind)."""

    message: str
    """The exception's text: one plain sentence for a known error."""
    known: bool
    """Whether it was a :class:`~composer.errors.KnownError` ("the world said no")."""
    reason: str = ""
    """For an invalid file: what is wrong."""
    where: str | None = None
    """For an invalid file: where (``row 3``, ``item 2``, ``line 4, column 7``)."""

    @classmethod
    def of(cls, exc: BaseException) -> TaskError:
        """Describe ``exc``."""
        if isinstance(exc, InvalidFileError):
            return cls(str(exc), True, exc.reason, exc.where)
        return cls(str(exc) or type(exc).__name__, isinstance(exc, KnownError))


class Task(QObject):
    """Runs one function off the GUI thread.

    Signals:
        succeeded(object): the function's return value.
        failed(object): a :class:`TaskError` describing the exception it raised.
        finished(): after either.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, function: Callable[[], Any]) -> None:
        super().__init__()
        self._function = function

    @Slot()
    def run(self) -> None:
        """Call the function and report."""
        try:
            value = self._function()
        except Exception as exc:  # reported to the GUI thread, which shows it
            self.failed.emit(TaskError.of(exc))
        else:
            self.succeeded.emit(value)
        self.finished.emit()


class _Answer(QObject):
    """Lives in the GUI thread, so a worker's answer reaches ``done`` there (queued)."""

    def __init__(self, done: Callable[[Any], None]) -> None:
        super().__init__()
        self._done = done

    @Slot(object)
    def deliver(self, value: Any) -> None:
        self._done(value)


def run_task(
    function: Callable[[], Any], done: Callable[[Any], None]
) -> tuple[QThread, QObject, QObject]:
    """Call ``function`` off the GUI thread; ``done`` gets its result or exception on the GUI
    thread. Keep the returned thread, task and answer referenced until then."""
    task = Task(function)
    answer = _Answer(done)
    task.succeeded.connect(answer.deliver)
    task.failed.connect(answer.deliver)
    thread = start_thread(task, "task", task.run)
    return thread, task, answer
