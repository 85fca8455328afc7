"""The outbox engine: sends deliveries with retries, and survives the process being killed.

The records and the moves a person makes on them are :mod:`composer.delivery.records`; writing
each attempt's outcome is :mod:`composer.delivery.record`; what goes on the wire for a
delivery (its secrets revealed, the masker for its answer) is :mod:`composer.delivery.wire`;
closing attempts cut off by a crash is :mod:`composer.delivery.recovery`. This module is the
scheduling loop: it claims what is due, sends it on a thread pool and hands each answer to
the recorder. Decisions:

* **Written before the first byte leaves.** Before an attempt starts, one transaction
  marks the delivery ``sending`` and inserts the attempt row, naming the run that sends
  it (:class:`~composer.delivery.journal.RunLock`). When it ends, its answer is recorded
  in a transaction of its own (response capped at 1 MiB, mappings applied after a 2xx)
  and the delivery moves on: ``succeeded``, ``waiting_retry`` with ``next_attempt_at``,
  or ``failed``.
* **The same bytes every attempt**, rendered again with the keychain's values
  (:func:`~composer.delivery.wire.wire_for`).
* **Crashes.** A delivery waiting for a retry simply resumes (``next_attempt_at`` is in
  the file). Before claiming, each run records journaled answers and closes attempts
  whose run is gone (:mod:`composer.delivery.recovery`); their deliveries are sent again,
  so every delivery is sent at least once.
* **A busy workspace never loses an answer.** An answer the server gave is kept in
  memory until it is written. When another program holds the workspace's write lock
  (a long import), recording is retried with backoff (from 0.05 s, doubling to 1 s,
  each try also waiting SQLite's own busy timeout) for up to ``record_patience`` seconds
  (:data:`RECORD_PATIENCE_S`); meanwhile nothing new is sent. Should the lock outlast
  that, the unrecorded answers are written to a journal beside the workspace
  (:mod:`composer.delivery.journal`) before the run ends with a :class:`UnrecordedAnswers`
  error naming their deliveries. The next recovery records them first, so those
  deliveries are never sent again blindly. This is the least bad choice: waiting without
  end would hang the program on another's lock, and leaving the attempts as they were
  would make them look cut off, so they would be sent twice. Only when the journal
  cannot be written either (the disk is full) are they left to be sent again, and the
  error says so. A workspace that refuses for another reason (read-only, full, damaged:
  :attr:`~composer.errors.StoreError.busy` is false) is not waited for: the answers are
  journaled at once and the run ends with that plain sentence, never a retry loop.
* **Mappings exactly once.** After a 2xx the updates are applied to the person in the
  transaction that moves the delivery from ``sending`` to ``succeeded``; nothing else
  applies them. A delivery cancelled during an attempt stays cancelled.
* **Secrets stay out of the file.** Every form of every secret value the attempt used,
  and of every header value that differs from its masked rendering, is masked in the
  response (:mod:`composer.delivery.masking`) before anything stores, prints or maps it.
* **Throughput.** Attempts run on a small thread pool (each worker with its own
  :class:`~composer.delivery.sender.Sender`, so connections are kept alive); the calling thread
  renders and writes, and claims at most twice as many deliveries as there are workers,
  so a crash leaves few in flight. The sender (and with it httpx and TLS) is imported by
  the first worker that sends: opening the outbox, as the window does at start-up, does
  not load it.

Progress is reported to a plain callable with :class:`~composer.delivery.records.DeliveryEvent`
values, from the thread that runs :meth:`Outbox.run`: ``attempt_started`` and
``attempt_finished`` for every attempt, ``waiting`` after each one that will be retried, and
once per delivery that ends during the run ``succeeded``, ``failed`` or ``cancelled`` (also
for one cancelled while it waited). An answer's events are reported once it is recorded.
"""

from __future__ import annotations

import builtins
import concurrent.futures as cf
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from composer.delivery import journal
from composer.delivery.attempt import DEFAULT_TIMEOUT, AttemptResult
from composer.delivery.record import Answer, Recorder, scrub_result
from composer.delivery.records import Deliveries, Delivery, DeliveryEvent, Progress
from composer.delivery.recovery import recover
from composer.delivery.retry import RetryPolicy
from composer.delivery.unrecorded import Unrecorded, UnrecordedAnswers
from composer.delivery.wire import LazySecrets, Wire, scrub, wire_for
from composer.errors import StoreError
from composer.model import Person, Request
from composer.store.database import Database

if TYPE_CHECKING:
    from composer.delivery.sender import Sender

log = logging.getLogger("composer.delivery")

__all__ = [
    "RECORD_PATIENCE_S",
    "LazySecrets",
    "Outbox",
    "UnrecordedAnswers",
    "scrub",
    "scrub_result",
]

RECORD_PATIENCE_S = 60.0
"""How long answers wait in memory for a busy workspace before they are journaled."""

_UNFINISHED = "('queued', 'waiting_retry', 'sending')"
_DUE = "('queued', 'waiting_retry')"


_Flight = dict[cf.Future[tuple[float, AttemptResult]], tuple[Delivery, int, Wire]]


class Outbox:
    """The engine that sends the deliveries of one workspace.

    It uses two layers it is given or makes: :attr:`records` (the delivery records,
    :class:`~composer.delivery.records.Deliveries`) and :attr:`recorder` (writing each answer,
    :class:`~composer.delivery.record.Recorder`). The records' reads and a person's moves are
    offered here too, so a caller holding the engine need not hold the records; a move
    made here wakes a :meth:`serve` at once, and a move made through another connection
    (another thread, another process) is seen when :meth:`changed` is called or the next
    due time comes.
    """

    def __init__(
        self,
        db: Database,
        secrets: Mapping[str, str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        workers: int = 8,
        clock: Callable[[], float] = time.time,
        backoff_base: float | None = None,
        record_patience: float = RECORD_PATIENCE_S,
    ) -> None:
        self.records = Deliveries(db, secrets, clock=clock)
        """The delivery records this engine sends."""
        self.recorder = Recorder(self.records, backoff_base)
        """Writes each attempt's answer into :attr:`records`."""
        self.timeout = timeout
        self.workers = max(1, workers)
        self.lease = 3 * timeout + 3
        """Seconds after which an attempt of a run that cannot be told alive is interrupted."""
        self.record_patience = record_patience
        """Seconds answers wait for a busy workspace before they are journaled."""
        self.folder = journal.folder_for(db.path)
        """Where run locks and answer journals live."""
        self._token: str | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()

    # -- the layers underneath ------------------------------------------------------

    @property
    def db(self) -> Database:
        """The workspace."""
        return self.records.db

    @property
    def secrets(self) -> Mapping[str, str]:
        """Secret values by name, revealed on the wire only."""
        return self.records.secrets

    @secrets.setter
    def secrets(self, values: Mapping[str, str]) -> None:
        self.records.secrets = values

    @property
    def backoff_base(self) -> float | None:
        """When set, replaces each delivery's own base for the retries scheduled here."""
        return self.recorder.backoff_base

    @backoff_base.setter
    def backoff_base(self, base: float | None) -> None:
        self.recorder.backoff_base = base

    def clock(self) -> float:
        """Unix seconds now (the records' clock)."""
        return self.records.clock()

    def create(self, request: Request, context: Mapping[str, Any], **options: Any) -> int:
        """Record a delivery (:meth:`Deliveries.create`); a :meth:`serve` sends it."""
        delivery_id = self.records.create(request, context, **options)
        self.changed()
        return delivery_id

    def create_many(
        self, request: Request, people: Iterable[Person], policy: RetryPolicy | None = None
    ) -> builtins.list[int]:
        """One delivery per person (:meth:`Deliveries.create_many`)."""
        ids = self.records.create_many(request, people, policy)
        self.changed()
        return ids

    def get(self, delivery_id: int) -> Delivery:
        """One delivery with its attempts (:meth:`Deliveries.get`)."""
        return self.records.get(delivery_id)

    def many(self, ids: Sequence[int]) -> builtins.list[Delivery]:
        """The deliveries with these ids, in that order (:meth:`Deliveries.many`)."""
        return self.records.many(ids)

    def list(self, limit: int | None = None, offset: int = 0) -> builtins.list[Delivery]:
        """Deliveries, oldest first (:meth:`Deliveries.list`)."""
        return self.records.list(limit, offset)

    def next_due(self) -> float | None:
        """When the earliest waiting delivery is due (:meth:`Deliveries.next_due`)."""
        return self.records.next_due()

    def approve(self, delivery_id: int) -> None:
        """Release a draft (:meth:`Deliveries.approve`)."""
        self.records.approve(delivery_id)
        self.changed()

    def discard(self, delivery_id: int) -> None:
        """Drop a draft (:meth:`Deliveries.discard`)."""
        self.records.discard(delivery_id)
        self.changed()

    def cancel(self, delivery_id: int) -> None:
        """Stop a delivery that has not finished (:meth:`Deliveries.cancel`)."""
        self.records.cancel(delivery_id)
        self.changed()

    def retry_now(self, delivery_id: int) -> None:
        """Make a waiting or failed delivery due now (:meth:`Deliveries.retry_now`)."""
        self.records.retry_now(delivery_id)
        self.changed()

    # -- the engine -----------------------------------------------------------------

    def changed(self) -> None:
        """Wake a :meth:`serve` (or a :meth:`run` waiting for a retry) to look again; any
        thread."""
        self._wake.set()

    def stop(self) -> None:
        """Ask a :meth:`run` or :meth:`serve` in another thread to end after its attempts
        in flight."""
        self._stopping.set()
        self._wake.set()

    def resume_due(self) -> builtins.list[int]:
        """Record journaled answers, recover attempts cut off by a crash; the ids of every
        unfinished delivery."""
        self._recover(None)
        return sorted(self._unfinished(None))

    def run(
        self, ids: Iterable[int] | None = None, progress: Progress | None = None
    ) -> builtins.list[Delivery]:
        """Send the given deliveries (default: every unfinished one) until none is waiting.

        Returns those deliveries as they ended (draft and finished ones are left as they
        are). A :meth:`stop` asked before the run begins ends it before it sends anything;
        the outbox may run again afterwards. Raises :class:`UnrecordedAnswers` when the
        workspace stayed busy for longer than ``record_patience``, or refused an answer
        (read-only, full, damaged), after the attempts in flight have ended.
        """
        with journal.RunLock(self.folder) as lock:
            self._token = lock.token
            try:
                handled = sorted(set(self.resume_due() if ids is None else ids))
                self._loop(set(handled), progress, lock, serve=False)
                return self.many(handled)
            finally:
                self._token = None
                self._stopping.clear()  # a stop asked before this run began ended it

    def serve(self, progress: Progress | None = None) -> None:
        """Send every unfinished delivery as it falls due, and those made or released
        meanwhile, until :meth:`stop` (which may come before this starts).

        The one scheduler a long-lived program needs: it sleeps until the next delivery is
        due or :meth:`changed` is called. Raises :class:`~composer.errors.StoreError` when
        the workspace cannot be read and nothing is in flight (call it again later).
        """
        with journal.RunLock(self.folder) as lock:
            self._token = lock.token
            try:
                self._loop(set(self.resume_due()), progress, lock, serve=True)
            finally:
                self._token = None

    def _loop(
        self,
        pending: set[int],
        progress: Progress | None,
        lock: journal.RunLock,
        *,
        serve: bool,
    ) -> None:
        settled: set[int] = set()

        def report(event: DeliveryEvent) -> None:
            if event.kind in ("succeeded", "failed", "cancelled"):
                settled.add(event.delivery_id)
            if progress is not None:
                progress(event)

        local = threading.local()
        senders: builtins.list[Sender] = []
        senders_lock = threading.Lock()

        def attempt(wire: Wire) -> tuple[float, AttemptResult]:
            sender: Sender | None = getattr(local, "sender", None)
            if sender is None:
                from composer.delivery.sender import Sender  # httpx: only once a send begins

                sender = local.sender = Sender(self.timeout)
                with senders_lock:
                    senders.append(sender)
            return self.clock(), sender.send(wire)

        in_flight: _Flight = {}
        refused: StoreError | None = None
        waiting = Unrecorded(self.recorder, self.record_patience, lock, report)
        pool = cf.ThreadPoolExecutor(self.workers, thread_name_prefix="composer-send")
        try:
            while serve or pending or in_flight or waiting:
                waiting.try_to_record()
                stopping = self._stopping.is_set() or waiting.given_up or refused is not None
                if stopping and not in_flight and not waiting:
                    break
                if self._wake.is_set() and not stopping:
                    # consumed here, before looking, and only here: a sleep that cleared it
                    # would lose a stop or a change asked for since this check
                    self._wake.clear()  # something was made, released or moved: look again
                    if serve:
                        pending |= self._unfinished(None)
                room = 2 * self.workers - len(in_flight)
                if room > 0 and not waiting and not stopping:
                    idle = pending - {d.id for d, _, _ in in_flight.values()}
                    try:
                        self._recover(idle)
                        claimed = self._claim(idle, room, report)
                    except StoreError as exc:
                        if not in_flight:
                            raise  # nothing is at stake: say what the workspace refused
                        if not exc.busy:  # read-only, full, damaged: finish what is in flight
                            refused = exc
                        claimed = []
                    for item in claimed:
                        if isinstance(item, Answer):  # it no longer renders
                            waiting.add(item)
                        else:
                            in_flight[pool.submit(attempt, item[2])] = item
                    waiting.try_to_record()
                if in_flight:
                    pause = waiting.pause() if waiting else 0.5
                    done, _ = cf.wait(in_flight, timeout=pause, return_when=cf.FIRST_COMPLETED)
                    for future in done:
                        delivery, n, wire = in_flight.pop(future)
                        started_at, result = future.result()
                        answer = self.recorder.answer(delivery, n, started_at, result, wire.masker)
                        waiting.add(answer, delivery)
                    continue
                if waiting:
                    time.sleep(waiting.pause())
                    continue
                still = self._unfinished(pending)
                for gone in self.many(sorted(pending - still - settled)):
                    if gone.state == "cancelled":  # cancelled while it waited
                        report(DeliveryEvent(gone.id, "cancelled", len(gone.attempts)))
                pending = still
                if serve:
                    settled &= pending
                    if not stopping:
                        self._sleep_until_due(None)
                        pending |= self._unfinished(None)
                elif pending:
                    self._sleep_until_due(pending)
        finally:
            pool.shutdown(wait=True)
            for sender in senders:
                sender.close()
        waiting.raise_if_journaled()
        if refused is not None:
            raise refused

    def _unfinished(self, ids: set[int] | None) -> set[int]:
        """Which of ``ids`` (None: of all) are still unfinished."""
        rows = self.db.fetchall(f"SELECT id FROM deliveries WHERE state IN {_UNFINISHED}")
        found = {int(row[0]) for row in rows}
        return found if ids is None else found & ids

    def _sleep_until_due(self, ids: set[int] | None) -> None:
        """Wait until the first of ``ids`` (None: of all unfinished) is due, at most a
        minute, or until :meth:`changed` or :meth:`stop` (a wake since the loop last looked
        returns at once)."""
        now = self.clock()
        rows = self.db.fetchall(
            "SELECT id, state, next_attempt_at FROM deliveries WHERE state IN " + _UNFINISHED
        )
        # another run's attempt in flight: look again soon (its run may end at any time)
        due = min(
            (
                now + 1.0 if row[1] == "sending" else row[2]
                for row in rows
                if ids is None or row[0] in ids
            ),
            default=None,
        )
        # nothing waits: serving sleeps until woken, a run looks again now (it may be done)
        idle = 60.0 if ids is None else 0.0
        wait = idle if due is None else max(0.0, float(due) - now)
        self._wake.wait(min(wait, 60.0))

    def _recover(self, ids: set[int] | None) -> None:
        """Record journaled answers, close attempts cut off by a crash
        (:func:`~composer.delivery.recovery.recover`)."""
        recover(
            self.db,
            self.recorder,
            self.folder,
            ids=ids,
            token=self._token,
            lease=self.lease,
            now=self.clock(),
        )

    def _claim(
        self, ids: set[int], limit: int, report: Progress
    ) -> builtins.list[tuple[Delivery, int, Wire] | Answer]:
        """Mark up to ``limit`` due deliveries ``sending``, each with its new attempt row;
        what to send, or for a delivery that no longer renders, its answer."""
        if not ids:
            return []
        now = self.clock()
        due = self._due(ids, limit, now)
        claimed: dict[int, int] = {}
        with self.db.transaction():
            for delivery_id in due:
                cursor = self.db.execute(
                    "UPDATE deliveries SET state = 'sending', next_attempt_at = NULL,"
                    f" updated_at = ? WHERE id = ? AND state IN {_DUE}",
                    (now, delivery_id),
                )
                if cursor.rowcount:
                    (row,) = self.db.fetchall(
                        "INSERT INTO attempts (delivery_id, n, started_at, owner) SELECT ?,"
                        " coalesce(max(n), 0) + 1, ?, ? FROM attempts WHERE delivery_id = ?"
                        " RETURNING n",
                        (delivery_id, now, self._token, delivery_id),
                    )
                    claimed[delivery_id] = int(row[0])
        out: builtins.list[tuple[Delivery, int, Wire] | Answer] = []
        for delivery in self.many(list(claimed)):
            n = claimed[delivery.id]
            report(DeliveryEvent(delivery.id, "attempt_started", n))
            shown = delivery.rendered or {}
            log.info(
                "delivery %d attempt %d started: %r %s %s",
                delivery.id,
                n,
                delivery.request_name,
                shown.get("method", delivery.request.method),
                shown.get("url", "(not rendered)"),  # the masked rendering
            )
            wire = wire_for(delivery, self.secrets)
            if isinstance(wire, str):
                failure = AttemptResult(None, (), b"", 0, False, 0.0, "render", wire)
                out.append(Answer(delivery.id, n, now, failure))
            else:
                out.append((delivery, n, wire))
        return out

    def _due(self, ids: set[int], limit: int, now: float) -> builtins.list[int]:
        """The first ``limit`` of ``ids`` that are due, in the order they fell due.

        Read a page at a time (a page eight times bigger each time), so a bulk send of
        100,000 deliveries does not read every due id back for each handful it claims.
        """
        page = max(64, 4 * limit)
        while True:
            rows = self.db.fetchall(
                f"SELECT id FROM deliveries WHERE state IN {_DUE} AND next_attempt_at <= ?"
                " ORDER BY next_attempt_at, id LIMIT ?",
                (now, page),
            )
            due = [row[0] for row in rows if row[0] in ids][:limit]
            if len(due) >= limit or len(rows) < page:
                return due
            page *= 8
