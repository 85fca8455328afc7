"""The GUI thread's side of the delivery worker: one object to call, one set of signals.

:class:`DeliveryClient` owns the :class:`~ui.delivery_worker.DeliveryWorker` and its
thread, turns method calls into queued signals carrying plain data, and re-emits the
worker's answers from the GUI thread (a QObject receiver, so every slot connected to it
runs on the GUI thread, whatever the caller connects). Other pages (the people page's bulk
send, the outbox page) can share it. A ``refused`` update leaves here with ``send_anyway``
set: calling it sends the same job again with ``force``.
"""

from __future__ import annotations

import dataclasses
import functools

from PySide6.QtCore import QObject, Signal

from composer.store import Database
from ui.delivery_worker import DeliveryWorker, SendJob, SendUpdate
from ui.workers import WorkerThread

__all__ = ["DeliveryClient"]


class DeliveryClient(QObject):
    """Sends through the delivery worker's thread.

    Signals:
        updated(SendUpdate): a step of a delivery.
        problem(str): something could not be done; a plain sentence.
        secretsKnown(tuple, object): the secret names, and the keychain problem or None.
        storeOpened(object): the app's SecretStore, once the worker has opened it.
        lastResponse(str, str): a request's last real response body (name, text).
        resumed(int): unfinished deliveries found in the outbox at start-up.
        _send, _cancel, _retry, _approve, _discard, _store, _find, _announce, _start: internal;
            carry plain data to the worker's thread.
    """

    updated = Signal(object)
    problem = Signal(str)
    secretsKnown = Signal(tuple, object)
    storeOpened = Signal(object)
    lastResponse = Signal(str, str)
    resumed = Signal(int)
    _send = Signal(object)
    _cancel = Signal(int)
    _retry = Signal(int)
    _approve = Signal(int)
    _discard = Signal(int)
    _store = Signal(str, str)
    _find = Signal(str)
    _announce = Signal()
    _start = Signal()

    def __init__(
        self, db: Database, backoff_base: float | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.worker = DeliveryWorker(db, backoff_base)
        """The worker (lives in :attr:`worker_thread`; only its signals are used from here)."""
        for signal, slot in (
            (self._send, self.worker.send),
            (self._cancel, self.worker.cancel),
            (self._retry, self.worker.retry_now),
            (self._approve, self.worker.approve),
            (self._discard, self.worker.discard),
            (self._store, self.worker.store_secret),
            (self._find, self.worker.find_last_response),
            (self._announce, self.worker.announce_secrets),
            (self._start, self.worker.start),
        ):
            signal.connect(slot)
        self.worker.update.connect(self._updated)
        self.worker.problem.connect(self._problem)
        self.worker.secretsKnown.connect(self._secrets)
        self.worker.storeOpened.connect(self._store_opened)
        self.worker.lastResponse.connect(self._last)
        self.worker.resumed.connect(self._resumed)
        self.worker_thread = WorkerThread(self.worker, "deliveries")
        """The worker's thread."""
        self.started = False
        """Whether :meth:`start` was called."""
        self.secret_store: object | None = None
        """The app's :class:`~composer.secrets.SecretStore` once open (else None)."""

    def start(self) -> None:
        """Open the keychain and the outbox and resume unfinished deliveries (once)."""
        if not self.started:
            self.started = True
            self._start.emit()

    def send(self, job: SendJob) -> None:
        """Record and send a delivery."""
        self.start()
        self._send.emit(job)

    def cancel(self, delivery_id: int) -> None:
        """Cancel a delivery."""
        self._cancel.emit(delivery_id)

    def retry_now(self, delivery_id: int) -> None:
        """Send a waiting delivery's next attempt now."""
        self._retry.emit(delivery_id)

    def approve(self, delivery_id: int) -> None:
        """Release a draft."""
        self._approve.emit(delivery_id)

    def discard(self, delivery_id: int) -> None:
        """Drop a draft."""
        self._discard.emit(delivery_id)

    def store_secret(self, name: str, value: str) -> None:
        """Keep a secret in the keychain (or this session's memory without one)."""
        self.start()
        self._store.emit(name, value)

    def find_last_response(self, request_name: str) -> None:
        """Ask for the request's last real response (answered by ``lastResponse``)."""
        self.start()
        self._find.emit(request_name)

    def refresh_secrets(self) -> None:
        """Ask for the secret names again (answered by ``secretsKnown``)."""
        self.start()
        self._announce.emit()

    def stop(self) -> None:
        """End the worker: an attempt in flight finishes, waiting deliveries stay queued."""
        self.worker.interrupt()
        self.worker_thread.stop()

    def send_anyway(self, job: SendJob) -> None:
        """Send a refused job anyway: recorded as forced (only a body-format error allows it)."""
        self.send(dataclasses.replace(job, force=True))

    # Re-emitted from the GUI thread (these slots belong to this QObject).
    def _updated(self, update: SendUpdate) -> None:
        if update.kind == "refused" and update.job is not None:
            update = dataclasses.replace(
                update, send_anyway=functools.partial(self.send_anyway, update.job)
            )
        self.updated.emit(update)

    def _problem(self, message: str) -> None:
        self.problem.emit(message)

    def _secrets(self, names: tuple[str, ...], problem: object) -> None:
        self.secretsKnown.emit(names, problem)

    def _store_opened(self, store: object) -> None:
        self.secret_store = store
        self.storeOpened.emit(store)

    def _last(self, name: str, text: str) -> None:
        self.lastResponse.emit(name, text)

    def _resumed(self, count: int) -> None:
        self.resumed.emit(count)
