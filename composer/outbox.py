"""The outbox engine: sends deliveries with retries, and survives the process being killed.

The records and the moves a person makes on them are :mod:`composer.deliveries`; this
module sends. Decisions:

* **Written before the first byte leaves.** Before an attempt starts, one transaction
  marks the delivery ``sending`` and inserts the attempt row; when it ends, the attempt's
  outcome (response capped at 1 MiB) is written and the delivery moves on: ``succeeded``,
  ``waiting_retry`` with ``next_attempt_at``, or ``failed``.
* **The same bytes every attempt.** An attempt re-renders the stored request from its
  snapshot with the keychain's values and ``now = rendered_at``. A request whose
  templates never mention ``secrets`` is sent from the stored rendering as is: it is the
  same text, and rendering a thousand requests twice would be wasted.
* **Crashes.** A delivery waiting for a retry simply resumes (``next_attempt_at`` is in
  the file). One found ``sending`` whose in-flight attempt is older than the lease (three
  timeouts and three seconds: an attempt may wait for a worker first) was cut off by a
  crash: that attempt is closed as ``interrupted`` and the delivery is retried, even if
  its retries were used up, so every delivery is sent at least once.
* **Mappings exactly once.** After a 2xx the updates are computed, then applied to the
  person in the transaction that moves the delivery from ``sending`` to ``succeeded``;
  nothing else applies them. A delivery cancelled during an attempt stays cancelled.
* **Secrets stay out of the file.** Response headers and bodies are stored with every
  secret value the attempt used, and every header value that differs from its masked
  rendering, replaced by ``••••••``: an endpoint that echoes the request would otherwise
  write the secret into the workspace.
* **Throughput.** Attempts run on a small thread pool (each worker with its own
  :class:`~composer.sender.Sender`, so connections are kept alive); the calling thread
  renders and writes, and claims at most twice as many deliveries as there are workers,
  so a crash leaves few in flight.

Progress is reported to a plain callable with :class:`~composer.deliveries.DeliveryEvent`
values, from the thread that runs :meth:`Outbox.run`: ``attempt_started`` and
``attempt_finished`` for every attempt, ``waiting`` after each one that will be retried, and
once per delivery that ends during the run ``succeeded``, ``failed`` or ``cancelled`` (also
for one cancelled while it waited). The events of one round are reported after its commit.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from composer.deliveries import (
    Deliveries,
    Delivery,
    DeliveryEvent,
    Progress,
    with_idempotency_key,
)
from composer.errors import NotFoundError
from composer.mapping import apply_updates, evaluate
from composer.model import Request
from composer.render import MASK, render
from composer.retry import is_retryable, is_success
from composer.sender import DEFAULT_TIMEOUT, AttemptResult, Sender
from composer.store import Database

__all__ = ["LazySecrets", "Outbox", "scrub", "scrub_result"]

_UNFINISHED = "('queued', 'waiting_retry', 'sending')"
_DUE = "('queued', 'waiting_retry')"
_INTERRUPTED = "The program stopped while this attempt was in flight, so it is sent again."


class LazySecrets(Mapping[str, str]):
    """Secret values fetched by name on first use; remembers which ones were used."""

    def __init__(self, lookup: Callable[[str], str | None]) -> None:
        self._lookup = lookup
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> str:
        with self._lock:
            if name not in self._values:
                value = self._lookup(name)
                if value is None:
                    raise KeyError(name)
                self._values[name] = value
            return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._values))

    def __len__(self) -> int:
        return len(self._values)


def scrub(data: bytes, sensitive: Iterable[str]) -> bytes:
    """``data`` with every sensitive text (as UTF-8) replaced by the mask."""
    for text in sensitive:
        if text and text != MASK:
            data = data.replace(text.encode("utf-8"), MASK.encode("utf-8"))
    return data


def scrub_result(result: AttemptResult, sensitive: Sequence[str]) -> AttemptResult:
    """``result`` with sensitive texts masked in its headers, body and error."""
    if not sensitive:
        return result

    def text(value: str) -> str:
        return scrub(value.encode("utf-8"), sensitive).decode("utf-8", errors="replace")

    return dataclasses.replace(
        result,
        headers=tuple((k, text(v)) for k, v in result.headers),
        body=scrub(result.body, sensitive),
        error=None if result.error is None else text(result.error),
    )


@dataclass(frozen=True, slots=True)
class _Wire:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str
    sensitive: tuple[str, ...] = ()


def _mentions_secrets(request: Request) -> bool:
    parts = [request.url, request.body, *(h.value for h in request.headers)]
    return any("secrets" in part for part in parts)


class Outbox(Deliveries):
    """The deliveries of one workspace, and the engine that sends them."""

    def __init__(
        self,
        db: Database,
        secrets: Mapping[str, str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        workers: int = 8,
        clock: Callable[[], float] = time.time,
        backoff_base: float | None = None,
    ) -> None:
        super().__init__(db, secrets, clock=clock)
        self.backoff_base = backoff_base
        """When set, replaces each delivery's own base for the retries this outbox schedules."""
        self.timeout = timeout
        self.workers = max(1, workers)
        self.lease = 3 * timeout + 3
        """Seconds after which an attempt still marked in flight is taken as interrupted."""
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def changed(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Ask a :meth:`run` in another thread to end after its attempts in flight."""
        self._stopping.set()
        self._wake.set()

    # -- the engine -----------------------------------------------------------------

    def resume_due(self) -> list[int]:
        """Recover attempts cut off by a crash; the ids of every unfinished delivery."""
        self._recover(None)
        rows = self.db.fetchall(
            f"SELECT id FROM deliveries WHERE state IN {_UNFINISHED} ORDER BY id"
        )
        return [row["id"] for row in rows]

    def run(
        self, ids: Iterable[int] | None = None, progress: Progress | None = None
    ) -> list[Delivery]:
        """Send the given deliveries (default: every unfinished one) until none is waiting.

        Returns those deliveries as they ended (draft and finished ones are left as they are).
        """
        handled = sorted(set(self.resume_due() if ids is None else ids))
        pending = set(handled)
        settled: set[int] = set()

        def report(event: DeliveryEvent) -> None:
            if event.kind in ("succeeded", "failed", "cancelled"):
                settled.add(event.delivery_id)
            if progress is not None:
                progress(event)

        local = threading.local()
        senders: list[Sender] = []
        lock = threading.Lock()

        def attempt(wire: _Wire) -> tuple[float, AttemptResult]:
            sender: Sender | None = getattr(local, "sender", None)
            if sender is None:
                sender = local.sender = Sender(self.timeout)
                with lock:
                    senders.append(sender)
            return self.clock(), sender.send(wire)

        in_flight: dict[cf.Future[tuple[float, AttemptResult]], tuple[Delivery, int, _Wire]] = {}
        self._stopping.clear()
        pool = cf.ThreadPoolExecutor(self.workers, thread_name_prefix="composer-send")
        try:
            while pending or in_flight:
                if self._stopping.is_set() and not in_flight:
                    break
                room = 2 * self.workers - len(in_flight)
                if room > 0 and not self._stopping.is_set():
                    idle = pending - {d.id for d, _, _ in in_flight.values()}
                    self._recover(idle)
                    for delivery, n, wire in self._claim(idle, room, report):
                        in_flight[pool.submit(attempt, wire)] = (delivery, n, wire)
                if in_flight:
                    done, _ = cf.wait(in_flight, timeout=0.5, return_when=cf.FIRST_COMPLETED)
                    events: list[DeliveryEvent] = []
                    with self.db.transaction():  # one commit for every attempt that ended
                        for future in done:
                            delivery, n, wire = in_flight.pop(future)
                            started_at, result = future.result()
                            events += self._finish(delivery, n, started_at, result, wire)
                    for event in events:
                        report(event)
                    continue
                still = self._unfinished(pending)
                for gone in self.many(sorted(pending - still - settled)):
                    if gone.state == "cancelled":  # cancelled while it waited
                        report(DeliveryEvent(gone.id, "cancelled", len(gone.attempts)))
                pending = still
                if pending:
                    self._sleep_until_due(pending)
        finally:
            pool.shutdown(wait=True)
            for sender in senders:
                sender.close()
        return self.many(handled)

    def _unfinished(self, ids: set[int]) -> set[int]:
        rows = self.db.fetchall(f"SELECT id FROM deliveries WHERE state IN {_UNFINISHED}")
        return {row[0] for row in rows} & ids

    def _sleep_until_due(self, ids: set[int]) -> None:
        self._wake.clear()
        rows = self.db.fetchall(
            "SELECT d.id, coalesce(d.next_attempt_at, (SELECT max(a.started_at) FROM attempts a"
            f" WHERE a.delivery_id = d.id) + ?) FROM deliveries d WHERE d.state IN {_UNFINISHED}",
            (self.lease,),
        )
        due = min((row[1] for row in rows if row[0] in ids and row[1] is not None), default=None)
        wait = 0.0 if due is None else max(0.0, float(due) - self.clock())
        self._wake.wait(min(wait, 60.0))

    def _recover(self, ids: set[int] | None) -> None:
        """Close attempts cut off by a crash and make their deliveries due again."""
        now = self.clock()
        rows = self.db.fetchall(
            "SELECT d.id FROM deliveries d WHERE d.state = 'sending' AND NOT EXISTS ("
            "SELECT 1 FROM attempts a WHERE a.delivery_id = d.id AND a.elapsed_ms IS NULL"
            " AND a.error IS NULL AND a.started_at > ?)",
            (now - self.lease,),
        )
        stale = [row[0] for row in rows if ids is None or row[0] in ids]
        for delivery_id in stale:
            with self.db.transaction():
                self.db.execute(
                    "UPDATE attempts SET error = ?, error_kind = 'interrupted'"
                    " WHERE delivery_id = ? AND elapsed_ms IS NULL AND error IS NULL",
                    (_INTERRUPTED, delivery_id),
                )
                self.db.execute(
                    "UPDATE deliveries SET state = 'waiting_retry', next_attempt_at = ?,"
                    " error = ?, updated_at = ? WHERE id = ? AND state = 'sending'",
                    (now, _INTERRUPTED, now, delivery_id),
                )

    def _claim(
        self, ids: set[int], limit: int, report: Progress
    ) -> list[tuple[Delivery, int, _Wire]]:
        """Mark up to ``limit`` due deliveries ``sending``, each with its new attempt row."""
        if not ids:
            return []
        now = self.clock()
        rows = self.db.fetchall(
            f"SELECT id FROM deliveries WHERE state IN {_DUE} AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, id",
            (now,),
        )
        due = [row[0] for row in rows if row[0] in ids][:limit]
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
                        "INSERT INTO attempts (delivery_id, n, started_at) SELECT ?,"
                        " coalesce(max(n), 0) + 1, ? FROM attempts WHERE delivery_id = ?"
                        " RETURNING n",
                        (delivery_id, now, delivery_id),
                    )
                    claimed[delivery_id] = int(row[0])
        out: list[tuple[Delivery, int, _Wire]] = []
        for delivery in self.many(list(claimed)):
            n = claimed[delivery.id]
            report(DeliveryEvent(delivery.id, "attempt_started", n))
            wire = self._wire(delivery)
            if isinstance(wire, str):
                failure = AttemptResult(None, (), b"", 0, False, 0.0, "render", wire)
                for event in self._finish(delivery, n, now, failure, _Wire("", "", (), "")):
                    report(event)
            else:
                out.append((delivery, n, wire))
        return out

    def _wire(self, delivery: Delivery) -> _Wire | str:
        """What goes on the wire for a delivery, or why it cannot be rendered."""
        stored = delivery.rendered
        if stored and not _mentions_secrets(delivery.request):
            headers = tuple((str(n), str(v)) for n, v in stored["headers"])
            return _Wire(stored["method"], stored["url"], headers, stored["body"])
        used = LazySecrets(lambda name: self.secrets.get(name))
        moment = dt.datetime.fromtimestamp(delivery.rendered_at, dt.UTC)
        wire = render(delivery.request, delivery.context, secrets=used, reveal=True, now=moment)
        if wire.has_errors:
            first = next(d for d in wire.diagnostics if d.severity == "error")
            return f"The request no longer renders: {first}."
        headers = with_idempotency_key(wire.headers, delivery.idempotency_key)
        masked = {(n, v) for n, v in stored["headers"]}
        sensitive = {used[name] for name in used} | {v for n, v in headers if (n, v) not in masked}
        return _Wire(
            wire.method,
            wire.url,
            headers,
            wire.body,
            tuple(sorted(sensitive, key=len, reverse=True)),
        )

    def _finish(
        self,
        delivery: Delivery,
        n: int,
        started_at: float,
        result: AttemptResult,
        wire: _Wire,
    ) -> tuple[DeliveryEvent, DeliveryEvent]:
        """Record an attempt's end and decide what happens to the delivery; what to report."""
        now = self.clock()
        result = scrub_result(result, wire.sensitive)  # also what mappings and progress see
        delivery_id = delivery.id
        outcome = None
        if is_success(result.status):
            outcome = evaluate(delivery.request.response_mappings, result.body, delivery.context)
        event = DeliveryEvent(delivery_id, "attempt_finished", n, result)
        with self.db.transaction():
            self.db.execute(
                "UPDATE attempts SET started_at = ?, elapsed_ms = ?, status = ?, error = ?,"
                " error_kind = ?, response_headers = ?, response_body = ?, response_size = ?,"
                " response_truncated = ? WHERE delivery_id = ? AND n = ?",
                (
                    started_at,
                    result.elapsed_ms,
                    result.status,
                    result.error,
                    result.error_kind,
                    json.dumps(result.headers, ensure_ascii=False),
                    result.body,
                    result.size,
                    int(result.truncated),
                    delivery_id,
                    n,
                ),
            )
            if outcome is not None:
                final = self._succeed(delivery, n, outcome.updates, outcome.error, now)
            else:
                error = _plain_error(result)
                due: float | None = None
                final = DeliveryEvent(delivery_id, "failed", n, error=error)
                if is_retryable(result.status, result.error_kind) and delivery.policy.retries_left(
                    n
                ):
                    policy = delivery.policy
                    if self.backoff_base is not None:
                        policy = dataclasses.replace(policy, base=self.backoff_base)
                    due = now + policy.delay(n, result.header("Retry-After"), now)
                    final = DeliveryEvent(delivery_id, "waiting", n, next_attempt_at=due)
                state = "failed" if due is None else "waiting_retry"
                if not self._leave_sending(delivery_id, state, due, error, now):
                    final = DeliveryEvent(delivery_id, "cancelled", n)
        return event, final

    def _leave_sending(
        self, delivery_id: int, state: str, due: float | None, error: str | None, now: float
    ) -> bool:
        """Move a delivery on from ``sending``; False if it was cancelled meanwhile."""
        cursor = self.db.execute(
            "UPDATE deliveries SET state = ?, next_attempt_at = ?, error = ?, updated_at = ?"
            " WHERE id = ? AND state = 'sending'",
            (state, due, error, now, delivery_id),
        )
        return cursor.rowcount > 0

    def _succeed(
        self, delivery: Delivery, n: int, updates: dict[str, Any], error: str | None, now: float
    ) -> DeliveryEvent:
        """Mark a delivery succeeded and apply its updates, in the caller's transaction."""
        applies = bool(updates) and delivery.person_id is not None
        cursor = self.db.execute(
            "UPDATE deliveries SET state = 'succeeded', next_attempt_at = NULL, error = ?,"
            " attribute_updates = ?, updated_at = ? WHERE id = ? AND state = 'sending'",
            (error, json.dumps(updates, ensure_ascii=False) if applies else None, now, delivery.id),
        )
        if not cursor.rowcount:
            return DeliveryEvent(delivery.id, "cancelled", n)
        if applies and delivery.person_id is not None:
            try:
                apply_updates(self.db, delivery.person_id, updates)
            except NotFoundError as exc:
                error = str(exc)
                self.db.execute(
                    "UPDATE deliveries SET attribute_updates = '{}', error = ? WHERE id = ?",
                    (error, delivery.id),
                )
        return DeliveryEvent(delivery.id, "succeeded", n, error=error)


def _plain_error(result: AttemptResult) -> str:
    """The sentence recorded on the delivery for an attempt that did not succeed."""
    return result.error or f"The server answered {result.status}."
