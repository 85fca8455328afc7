"""Sending in the background: the outbox, the keychain and retries, in one worker thread.

:class:`DeliveryWorker` lives in its own QThread (:class:`ui.workers.WorkerThread`) and owns
the workspace's :class:`~composer.secrets.SecretStore` and
:class:`~composer.outbox.Outbox`. The window gives it plain data through queued signals
(:class:`SendJob`, delivery ids, a secret's name and value) and hears back through
signals carrying :class:`SendUpdate` values, which also name the thread that did the work.

Waiting for a retry never blocks the thread: when the outbox reports that a delivery is
waiting, the worker ends that :meth:`~composer.outbox.Outbox.run` (``Outbox.stop``) and
arms a QTimer in its own thread for the due time; Cancel, Retry now, new sends and
stopping are then handled at once. Closing the window stops the timers and leaves waiting
deliveries in the outbox, where the next start (:meth:`DeliveryWorker.start`) resumes them.

A request whose only errors are about its body's format (JSON that does not parse, XML that
is not well-formed) is refused like any other, with a ``refused`` update carrying the job,
so the window can offer to send it anyway; the same job with ``force`` set is then recorded
as forced and sent. No other error is ever sent.

Opening the keychain can take a second when there is none (keyring probes its backends),
so it happens here, off the GUI thread, at start-up; the window learns the secret names
and any keychain problem through ``secretsKnown``, and gets the store itself through
``storeOpened``: one :class:`~composer.secrets.SecretStore` for the whole app (it is
thread-safe), so values kept in memory without a keychain are seen everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from composer.model import Request
from composer.store import Database
from ui.workers import current_thread_id

__all__ = ["DeliveryWorker", "SendJob", "SendUpdate"]


@dataclass(frozen=True, slots=True)
class SendJob:
    """One send of the current request for the chosen person."""

    request: Request
    """The request as edited."""
    context: dict[str, Any]
    """The Liquid globals (no secrets)."""
    person_id: str | None
    """The chosen person."""
    force: bool = False
    """Send even though the body is not valid for its Content-Type (recorded as forced)."""


@dataclass(frozen=True, slots=True)
class SendUpdate:
    """A step of a delivery, for the window."""

    delivery_id: int
    """Which delivery."""
    kind: str
    """``draft``, ``attempt_started``, ``attempt_finished``, ``waiting``, ``succeeded``,
    ``failed``, ``cancelled``, ``paused`` (the window closed while it waited) or
    ``refused`` (not recorded: the body is not valid for its Content-Type; delivery 0)."""
    attempt: int = 0
    """The attempt's number (0 when none is concerned)."""
    status: int | None = None
    """The HTTP status of a finished attempt."""
    headers: tuple[tuple[str, str], ...] = ()
    """Response headers of a finished attempt."""
    body: str = ""
    """Response body of a finished attempt (as text)."""
    elapsed_ms: float | None = None
    """How long the finished attempt took."""
    error: str | None = None
    """A plain sentence when something went wrong."""
    next_attempt_at: float | None = None
    """When the next attempt is due (Unix seconds), for ``waiting``."""
    attribute_updates: dict[str, Any] | None = None
    """What was applied to the person, for ``succeeded``."""
    thread_id: int = 0
    """The thread that produced the update (never the GUI thread)."""
    job: SendJob | None = None
    """For ``refused``: the job that was refused, which may be sent anyway."""
    send_anyway: Callable[[], None] | None = None
    """For ``refused``: sends the job anyway (set on the GUI thread by the client)."""


class DeliveryWorker(QObject):
    """Creates and sends deliveries; lives in its own thread.

    Signals:
        update(SendUpdate): a step of a delivery.
        problem(str): a send could not even start (the request does not render…).
        secretsKnown(tuple, object): the secret names, and the keychain problem or None.
        storeOpened(object): the SecretStore, once open (thread-safe; pages may share it).
        secretStored(str): a secret was kept (its name).
        lastResponse(str, str): the last real response body for a request (name, text).
        resumed(int): how many unfinished deliveries were found at start-up.
    """

    update = Signal(object)
    problem = Signal(str)
    secretsKnown = Signal(tuple, object)
    storeOpened = Signal(object)
    secretStored = Signal(str)
    lastResponse = Signal(str, str)
    resumed = Signal(int)

    def __init__(self, db: Database, backoff_base: float | None = None) -> None:
        super().__init__()
        self._db = db
        self._backoff_base = backoff_base
        self._outbox: Any = None
        self._secrets: Any = None
        self._timers: dict[int, QTimer] = {}
        self._batch: set[int] = set()
        self._batch_timer = QTimer(self)
        self._batch_timer.setSingleShot(True)
        self._batch_timer.timeout.connect(self._run_batch)

    # -- lifecycle -----------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        """Open the keychain and the outbox, and resume unfinished deliveries."""
        if self._outbox is not None:
            return
        from composer.outbox import LazySecrets, Outbox
        from composer.secrets import SecretStore

        self._secrets = SecretStore(self._db)
        self._outbox = Outbox(
            self._db, LazySecrets(self._secrets.get), backoff_base=self._backoff_base
        )
        self.storeOpened.emit(self._secrets)
        self.secretsKnown.emit(tuple(self._secrets.names()), self._secrets.problem)
        ids = self._outbox.resume_due()
        self.resumed.emit(len(ids))
        for delivery_id in ids:
            self._schedule(delivery_id, announce=True)

    @Slot()
    def stop(self) -> None:
        """Stop waiting: timers end, waiting deliveries stay in the outbox."""
        self._batch_timer.stop()
        self._batch.clear()
        for delivery_id, timer in list(self._timers.items()):
            timer.stop()
            timer.deleteLater()
            self._emit(delivery_id, "paused")
        self._timers.clear()

    def interrupt(self) -> None:
        """Called from another thread: end a run in progress after its attempt in flight."""
        if self._outbox is not None:
            self._outbox.stop()

    # -- sending -------------------------------------------------------------------

    @Slot(object)
    def send(self, job: SendJob) -> None:
        """Record a delivery for ``job`` and send it (or keep it as a draft)."""
        from composer.deliveries import RenderFailed
        from composer.errors import KnownError
        from composer.retry import RetryPolicy

        policy = (
            RetryPolicy() if self._backoff_base is None else RetryPolicy(base=self._backoff_base)
        )
        try:
            delivery_id = self._outbox.create(
                job.request, job.context, person_id=job.person_id, policy=policy, force=job.force
            )
        except RenderFailed as exc:
            self.problem.emit(str(exc))
            if exc.forceable and not job.force:
                self._emit(0, "refused", error=str(exc), job=job)
            return
        except KnownError as exc:
            self.problem.emit(str(exc))
            return
        if job.request.send_mode == "draft":
            self._emit(delivery_id, "draft")
            return
        self._run(delivery_id)

    @Slot(int)
    def cancel(self, delivery_id: int) -> None:
        """Cancel a delivery that has not finished."""
        self._act(delivery_id, "cancel")

    @Slot(int)
    def retry_now(self, delivery_id: int) -> None:
        """Send a waiting (or failed) delivery's next attempt now."""
        if self._act(delivery_id, "retry_now"):
            self._run(delivery_id)

    @Slot(int)
    def approve(self, delivery_id: int) -> None:
        """Release a draft and send it as frozen."""
        if self._act(delivery_id, "approve"):
            self._run(delivery_id)

    @Slot(int)
    def discard(self, delivery_id: int) -> None:
        """Drop a draft."""
        self._act(delivery_id, "discard")

    # -- secrets and history ---------------------------------------------------------

    @Slot(str, str)
    def store_secret(self, name: str, value: str) -> None:
        """Keep a secret (keychain, or memory for the session without one)."""
        from composer.errors import KnownError

        try:
            self._secrets.set(name, value)
        except KnownError as exc:
            self.problem.emit(str(exc))
            return
        self.secretStored.emit(name)
        self.secretsKnown.emit(tuple(self._secrets.names()), self._secrets.problem)

    @Slot()
    def announce_secrets(self) -> None:
        """Say the secret names (and the keychain's state) again, after another page's change."""
        if self._secrets is not None:
            self.secretsKnown.emit(tuple(self._secrets.names()), self._secrets.problem)

    @Slot(str)
    def find_last_response(self, request_name: str) -> None:
        """Look up the newest response body recorded for ``request_name``."""
        rows = self._outbox.list()
        for delivery in reversed(rows):
            if delivery.request_name != request_name:
                continue
            for attempt in reversed(delivery.attempts):
                if attempt.status is not None:
                    text = attempt.response_body.decode("utf-8", errors="replace")
                    self.lastResponse.emit(request_name, text)
                    return
        self.lastResponse.emit(request_name, "")

    # -- internals -----------------------------------------------------------------

    def _act(self, delivery_id: int, verb: str) -> bool:
        from composer.errors import KnownError

        timer = self._timers.pop(delivery_id, None)
        if timer is not None:
            timer.stop()
            timer.deleteLater()
        try:
            getattr(self._outbox, verb)(delivery_id)
        except KnownError as exc:
            self.problem.emit(str(exc))
            return False
        if verb in ("cancel", "discard"):
            self._emit(delivery_id, "cancelled")
        return True

    def _schedule(self, delivery_id: int, announce: bool = False) -> None:
        delivery = self._outbox.get(delivery_id)
        due = delivery.next_attempt_at
        if delivery.state not in ("queued", "waiting_retry", "sending"):
            return
        if announce and delivery.state == "waiting_retry" and due is not None:
            self._emit(delivery_id, "waiting", attempt=len(delivery.attempts), next_attempt_at=due)
        wait_ms = 0 if due is None else max(0, int((due - time.time()) * 1000))
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda d=delivery_id: self._due(d))
        self._timers[delivery_id] = timer
        timer.start(wait_ms)

    def _due(self, delivery_id: int) -> None:
        timer = self._timers.pop(delivery_id, None)
        if timer is not None:
            timer.deleteLater()
        self._batch.add(delivery_id)
        if not self._batch_timer.isActive():
            self._batch_timer.start(0)  # deliveries due together are sent in one run

    def _run_batch(self) -> None:
        ids, self._batch = sorted(self._batch), set()
        if ids:
            self._run(*ids)

    def _run(self, *ids: int) -> None:
        def progress(event: Any) -> None:
            result = event.result
            if event.kind == "attempt_finished" and result is not None:
                self._emit(
                    event.delivery_id,
                    event.kind,
                    attempt=event.attempt,
                    status=result.status,
                    headers=tuple(result.headers),
                    body=result.text(),
                    elapsed_ms=result.elapsed_ms,
                    error=result.error,
                )
                return
            if event.kind == "succeeded":
                return  # reported after the run, with the attribute updates
            if event.kind == "waiting":
                self._outbox.stop()  # end this run; a timer here waits instead
            self._emit(
                event.delivery_id,
                event.kind,
                attempt=event.attempt,
                error=event.error,
                next_attempt_at=event.next_attempt_at,
            )

        try:
            finished = self._outbox.run(list(ids), progress=progress)
        except Exception as exc:  # shown plainly; the delivery stays in the outbox
            self.problem.emit(f"Sending stopped: {exc}")
            return
        for delivery in finished:
            if delivery.state == "succeeded":
                self._emit(
                    delivery.id,
                    "succeeded",
                    attempt=len(delivery.attempts),
                    error=delivery.error,
                    attribute_updates=delivery.attribute_updates or {},
                )
            elif delivery.state in ("waiting_retry", "queued", "sending"):
                self._schedule(delivery.id)  # waiting, or left for the next run by a stop

    def _emit(self, delivery_id: int, kind: str, **fields: Any) -> None:
        self.update.emit(SendUpdate(delivery_id, kind, thread_id=current_thread_id(), **fields))
