"""Background work for the pages: one-shot tasks, the outbox runner, and secrets lookups.

Decisions:

* **One pattern.** A worker is a QObject moved to its own QThread (:func:`start_thread`);
  it is given plain data and answers only through signals, which reach the GUI thread
  queued. :func:`run_task` runs one function that way (an import, an export) and hands its
  result to a callback on the GUI thread.
* **Threads answer with plain data.** A failed :class:`Task` reports a :class:`TaskError`,
  never the exception itself: an exception carries its traceback's frames (and the worker
  objects in them) across threads, which PySide 6.12 does not survive at exit.
* **Settling** (:func:`settle`): a run of some deliveries ends once each has succeeded,
  failed, or is waiting for a retry (:meth:`composer.outbox.Outbox.stop` ends it after the
  attempts in flight), so no thread sleeps through three hours of backoff.
* **The runner** (:class:`OutboxRunner`) owns nothing but a loop in its own thread and the
  deliveries handed to it: those a person released on the outbox page ("retry now",
  "approve", "send again": :meth:`OutboxRunner.kick`) and the retries a bulk send left
  waiting (:meth:`OutboxRunner.adopt`). It sends the due ones until each settles, learns
  each new retry's time from the ``waiting`` events, and sleeps until the next one is due
  or it is kicked. Deliveries left unfinished by an earlier session are the window's
  sender's to resume, so two engines never chase the same retry.
* **Secrets** come from a :data:`SecretsSource`: the store, or a function returning it once
  the window has opened the keychain (off the GUI thread, at start-up). Values are read
  through :class:`composer.outbox.LazySecrets`, once per name per run.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from composer.deliveries import DeliveryEvent
from composer.errors import InvalidFileError, KnownError
from composer.outbox import LazySecrets, Outbox
from composer.secrets import SecretStore
from composer.store import Database

__all__ = [
    "SETTLED",
    "OutboxRunner",
    "SecretsSource",
    "Task",
    "TaskError",
    "resolve_store",
    "run_task",
    "secret_getter",
    "settle",
    "start_thread",
]

SecretsSource = SecretStore | Callable[[], SecretStore | None] | None
"""The secret store, a function returning it once it is open (the window opens the keychain
off the GUI thread at start-up), or None for no secrets."""


def resolve_store(source: SecretsSource) -> SecretStore | None:
    """The store a :data:`SecretsSource` gives now (None while it is not open)."""
    if source is None or isinstance(source, SecretStore):
        return source
    return source()


def secret_getter(source: SecretsSource) -> Callable[[str], str | None]:
    """A value lookup by name that asks the source each time (for LazySecrets)."""

    def get(name: str) -> str | None:
        store = resolve_store(source)
        return None if store is None else store.get(name)

    return get


SETTLED = {"succeeded": "sent", "failed": "failed", "waiting": "waiting"}


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


def settle(outbox: Outbox, ids: Iterable[int], on_event: Callable[[DeliveryEvent], None]) -> None:
    """Run ``ids`` until each has succeeded, failed or is waiting for a retry."""
    open_ids = set(ids)

    def progress(event: DeliveryEvent) -> None:
        on_event(event)
        if event.kind in SETTLED:
            open_ids.discard(event.delivery_id)
            if not open_ids:
                outbox.stop()

    if open_ids:
        outbox.run(sorted(open_ids), progress)


class OutboxRunner(QObject):
    """Sends the deliveries handed to it, and their retries, while the window is open.

    Signals:
        delivery_event(object): every :class:`~composer.deliveries.DeliveryEvent`, on the
            GUI thread.
        finished(): after :meth:`shutdown`.
    """

    delivery_event = Signal(object)
    finished = Signal()

    def __init__(
        self, db: Database, secrets: SecretsSource, *, backoff_base: float | None = None
    ) -> None:
        super().__init__()
        self._secrets = secrets
        self._backoff_base = backoff_base
        self._outbox = Outbox(db, LazySecrets(secret_getter(secrets)), backoff_base=backoff_base)
        self._due: dict[int, float] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._quit = threading.Event()
        self._thread: QThread | None = None

    def start(self) -> None:
        """Start the loop in its own thread."""
        self._thread = start_thread(self, "outbox-runner", self._loop)

    def kick(self, ids: Iterable[int]) -> None:
        """Send these deliveries now (they were released or made due); any thread."""
        self.adopt({delivery_id: 0.0 for delivery_id in ids})

    def adopt(self, due: dict[int, float]) -> None:
        """Send each delivery when it is due (Unix seconds); any thread."""
        with self._lock:
            self._due.update(due)
        self._wake.set()

    def forget(self, delivery_id: int) -> None:
        """Stop looking after a delivery (it was cancelled); any thread."""
        with self._lock:
            self._due.pop(delivery_id, None)

    def waiting(self) -> dict[int, float]:
        """The deliveries it will send, with when."""
        with self._lock:
            return dict(self._due)

    def shutdown(self, ms: int = 10_000) -> None:
        """End the loop after the attempts in flight and wait for its thread."""
        self._quit.set()
        self._wake.set()
        self._outbox.stop()
        if self._thread is not None:
            with contextlib.suppress(RuntimeError):  # already deleted: it ended
                self._thread.wait(ms)
            self._thread = None

    @Slot()
    def _loop(self) -> None:
        try:
            while not self._quit.is_set():
                now = time.time()
                with self._lock:
                    ready = sorted(i for i, at in self._due.items() if at <= now)
                    for delivery_id in ready:
                        del self._due[delivery_id]
                    later = min(self._due.values(), default=now + 60.0)
                if ready:
                    # a fresh LazySecrets per run: a secret changed meanwhile is read again
                    self._outbox.secrets = LazySecrets(secret_getter(self._secrets))
                    settle(self._outbox, ready, self._report)
                    continue
                self._wake.clear()
                self._wake.wait(max(0.0, min(later - now, 60.0)))
        except KnownError as exc:  # the workspace went away: say why and stop
            self.delivery_event.emit(DeliveryEvent(0, "failed", 0, error=str(exc)))
        finally:
            self.finished.emit()

    def _report(self, event: DeliveryEvent) -> None:
        if event.kind == "waiting" and event.next_attempt_at is not None:
            with self._lock:
                self._due[event.delivery_id] = event.next_attempt_at
        self.delivery_event.emit(event)
        if self._quit.is_set():
            self._outbox.stop()
