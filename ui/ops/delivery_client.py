"""The window's side of sending: one object to call, one set of signals, on the GUI thread.

:class:`DeliveryClient` records and moves deliveries through write ops
(:mod:`ui.ops.deliveries`), then wakes the workspace's one engine
(:class:`ui.ops.engine.DeliveryEngine`), which alone sends, schedules retries and
resumes after a crash; it re-emits the engine's steps as :class:`SendUpdate` values. It
holds no database: every read and write runs on an op's worker thread.

Opening the keychain can take a second when there is none (keyring probes its backends),
so it happens on a worker at start-up (:meth:`start`, after the first preview); the window
learns the secret names and any keychain problem through ``secretsKnown``, and gets the
store through ``storeOpened``: one thread-safe :class:`~composer.secrets.SecretStore` for
the whole app, on a connection of its own. The engine starts once the store is open, so a
delivery resumed from an earlier session never renders without its secrets.

:meth:`stop` is final: a :meth:`start` asked for afterwards (the window's "after the first
preview" timer firing as it closes) opens nothing, so closing never waits for keyring to
probe its backends. A keychain that finishes opening after :meth:`stop` starts no engine
(none would be left to stop it): sends asked for while it opened are recorded, to go out
at the next start, and then its connection is closed.

A request whose only errors are about its body's format is refused like any other, with
a ``refused`` update whose ``send_anyway`` sends the same job again with ``force``.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from composer.delivery.retry import RetryPolicy
from composer.store.database import Database
from ui.ops import Op, OpError
from ui.ops import deliveries as delivery_ops
from ui.ops.engine import DeliveryEngine, SendJob, SendUpdate

__all__ = ["DeliveryClient", "SendJob", "SendUpdate"]


class DeliveryClient(QObject):
    """Sends through the workspace's one delivery engine.

    Signals:
        updated(SendUpdate): a step of a delivery.
        problem(str): something could not be done; a plain sentence.
        secretsKnown(tuple, object): the secret names, and the keychain problem or None.
        storeOpened(object): the app's SecretStore, once it is open.
        secretStored(str): a secret was kept (its name).
        lastResponse(str, str): a request's last real response body (name, text).
        resumed(int): unfinished deliveries found in the outbox at start-up.
    """

    updated = Signal(object)
    problem = Signal(str)
    secretsKnown = Signal(tuple, object)
    storeOpened = Signal(object)
    secretStored = Signal(str)
    lastResponse = Signal(str, str)
    resumed = Signal(int)

    def __init__(
        self, db: Database, backoff_base: float | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.path: Path = db.path
        """The workspace file."""
        self.backoff_base = backoff_base
        self.started = False
        """Whether :meth:`start` was called."""
        self.secret_store: Any = None
        """The app's :class:`~composer.secrets.SecretStore` once open (else None)."""
        self.engine: DeliveryEngine | None = None
        """The workspace's delivery engine, once the keychain is open."""
        self._store_db: Database | None = None
        self._queued: list[SendJob] = []
        self._stopped = False

    def _policy(self) -> RetryPolicy:
        return RetryPolicy() if self.backoff_base is None else RetryPolicy(base=self.backoff_base)

    # -- start and stop --------------------------------------------------------------

    def start(self) -> None:
        """Open the keychain, then start (or join) the engine (once; never after :meth:`stop`)."""
        if self.started or self._stopped:
            return
        self.started = True
        path = self.path

        def open_store(_: object) -> tuple[Any, Database, tuple[str, ...], str | None]:
            from composer.secrets import SecretStore

            db = Database(path)  # the store's own connection, for as long as the app runs
            store = SecretStore(db)
            return store, db, tuple(store.names()), store.problem

        Op(self, open_store).success(self._store_opened).failure(self._failed).run()

    def _store_opened(self, opened: tuple[Any, Database, tuple[str, ...], str | None]) -> None:
        store, db, names, problem = opened
        self._store_db = db
        self.secret_store = store
        if self._stopped:  # closed while the keychain was opening: start nothing
            self._record_late()
            return
        self.storeOpened.emit(store)
        self.secretsKnown.emit(names, problem)
        engine = DeliveryEngine.shared(
            self.path, lambda: self.secret_store, backoff_base=self.backoff_base, holder=self
        )
        engine.update.connect(self._updated)
        engine.problem.connect(self._problem)
        engine.resumed.connect(self.resumed)
        self.engine = engine
        queued, self._queued = self._queued, []
        for job in queued:
            self.send(job)

    def stop(self) -> None:
        """Let go of the engine (an attempt in flight finishes, waiting deliveries stay
        queued) and close the keychain's connection. Final: nothing starts after it."""
        self._stopped = True
        if self.engine is not None:
            engine, self.engine = self.engine, None
            engine.update.disconnect(self._updated)
            engine.release(self)
            if not engine.held:
                engine.join()  # closing: let the attempts in flight be recorded
        if self._store_db is not None:
            self._store_db.close()
            self._store_db = None

    def _record_late(self) -> None:
        """Record the sends asked for while the keychain opened (the next start sends
        them), then close the keychain's connection."""
        jobs, self._queued = self._queued, []
        left = [len(jobs)]
        store = self.secret_store

        def close(_answer: object = None) -> None:
            left[0] -= 1
            if left[0] <= 0 and self._store_db is not None:
                self._store_db.close()
                self._store_db = None

        if not jobs:
            close()
        for job in jobs:
            delivery_ops.record(None, self.path, job, lambda: store, self._policy()).success(
                close
            ).failure(close).run()

    # -- sending ---------------------------------------------------------------------

    def send(self, job: SendJob) -> None:
        """Record a delivery for ``job`` and have the engine send it."""
        self.start()
        if self.secret_store is None:  # the keychain is still opening: send once it is
            self._queued.append(job)
            return
        delivery_ops.record(
            self, self.path, job, lambda: self.secret_store, self._policy()
        ).success(lambda recorded: self._recorded(job, recorded)).failure(self._failed).run()

    def _recorded(self, job: SendJob, recorded: delivery_ops.Recorded) -> None:
        if recorded.refusal:
            self.problem.emit(recorded.refusal)
            if recorded.forceable:
                self._updated(SendUpdate(0, "refused", error=recorded.refusal, job=job))
            return
        if recorded.draft:
            self._updated(SendUpdate(recorded.delivery_id, "draft"))
            return
        self._updated(SendUpdate(recorded.delivery_id, "queued"))
        self.wake()

    def send_anyway(self, job: SendJob) -> None:
        """Send a refused job anyway: recorded as forced (only a body-format error allows it)."""
        self.send(dataclasses.replace(job, force=True))

    def wake(self) -> None:
        """Have the engine look at the outbox now."""
        if self.engine is not None:
            self.engine.wake()

    def cancel(self, delivery_id: int) -> None:
        """Cancel a delivery."""
        self._move(delivery_id, "cancel")

    def retry_now(self, delivery_id: int) -> None:
        """Send a waiting delivery's next attempt now."""
        self._move(delivery_id, "retry_now")

    def approve(self, delivery_id: int) -> None:
        """Release a draft."""
        self._move(delivery_id, "approve")

    def discard(self, delivery_id: int) -> None:
        """Drop a draft."""
        self._move(delivery_id, "discard")

    def _move(self, delivery_id: int, verb: str) -> None:
        def moved(_delivery: object) -> None:
            if verb in ("cancel", "discard"):
                self._updated(SendUpdate(delivery_id, "cancelled"))
            self.wake()

        delivery_ops.move(self, self.path, delivery_id, verb).success(moved).failure(
            self._failed
        ).run()

    # -- secrets and history -----------------------------------------------------------

    def store_secret(self, name: str, value: str) -> None:
        """Keep a secret in the keychain (or this session's memory without one)."""
        store = self.secret_store
        if store is None:
            self.problem.emit("The keychain is still being opened; try again in a moment.")
            return

        def keep(_: object) -> tuple[tuple[str, ...], str | None]:
            store.set(name, value)
            return tuple(store.names()), store.problem

        def kept(known: tuple[tuple[str, ...], str | None]) -> None:
            if self.engine is not None:
                self.engine.secrets_changed()
            self.secretStored.emit(name)
            self.secretsKnown.emit(*known)

        Op(self, keep).success(kept).failure(self._failed).run()

    def refresh_secrets(self) -> None:
        """Ask for the secret names again (answered by ``secretsKnown``)."""
        self.start()
        store = self.secret_store
        if store is None:
            return  # announced when the store opens
        if self.engine is not None:
            self.engine.secrets_changed()
        Op(self, lambda _: (tuple(store.names()), store.problem)).success(
            lambda known: self.secretsKnown.emit(*known)
        ).run()

    def find_last_response(self, request_name: str) -> None:
        """Ask for the request's last real response (answered by ``lastResponse``)."""
        delivery_ops.last_response(self, self.path, request_name).success(
            lambda text: self.lastResponse.emit(request_name, text)
        ).failure(self._failed).run()

    # -- answers -----------------------------------------------------------------------

    def _updated(self, update: SendUpdate) -> None:
        if update.kind == "refused" and update.job is not None:
            update = dataclasses.replace(
                update, send_anyway=functools.partial(self.send_anyway, update.job)
            )
        self.updated.emit(update)

    def _problem(self, message: str) -> None:
        self.problem.emit(message)

    def _failed(self, error: OpError) -> None:
        self.problem.emit(error.message)
