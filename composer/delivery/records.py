"""Deliveries: the outbox's records in the workspace, and the moves a person makes on them.

A delivery is one send of a request for a person. It goes ``draft`` → ``queued`` →
``sending`` → (``waiting_retry`` → ``sending``)* → ``succeeded`` | ``failed``, or to
``cancelled``; :mod:`composer.delivery.outbox` runs the sending part. Decisions:

* **Frozen when made.** :meth:`Deliveries.create` stores the request file, the context
  (never the secrets), the masked rendering and ``rendered_at``, the instant ``'now'``
  means for every later rendering of it, so every attempt, and a draft approved days
  later, sends the same bytes. An opted-in ``Idempotency-Key`` (a UUID) is made here,
  once per delivery, and shown in the stored rendering.
* **A request that does not render** is refused (:class:`RenderFailed`) for one person;
  for many people at once (:meth:`Deliveries.create_many`) it is recorded as a ``failed``
  delivery, so every person chosen has a row that says what happened.
* **Sending anyway.** A tester may want to see how an endpoint handles a malformed body,
  so ``create(..., force=True)`` records a delivery whose only errors are about the
  rendered body's format (:func:`body_format_error`: not valid JSON, not well-formed
  XML), and marks it ``forced``. An error that means the request cannot be built — a
  Liquid error, a bad URL, a control character in a header, a missing secret — is never
  overridden.
* **Listing** (:meth:`Deliveries.summaries`) reads one ``DeliverySummary`` per delivery
  (its attempt count and last status, no bodies), filtered in SQL by a ``DeliveryFilter``
  (:mod:`composer.delivery.summaries`). The full record is read only for the deliveries
  asked for (:meth:`Deliveries.get`, :meth:`Deliveries.many`).
* **A layer below the engine.** This module records and reads; it never sends. It imports
  nothing from :mod:`composer.delivery.outbox` or :mod:`composer.delivery.sender`, so
  reading the outbox's records loads no HTTP client.

The values it reads are plain data in :mod:`composer.delivery.delivery_data` (``Delivery``,
``Attempt``, ``DeliveryEvent``, ``settled``); they, and the list's types, are importable from
here as well, which is where the rest of the program names them.
* **Moves** (approve, discard, cancel, retry now) check the state in the same transaction
  that changes it, and say plainly when a delivery is past that move.
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from composer.delivery.delivery_data import Attempt, Delivery, DeliveryEvent, Progress, settled
from composer.delivery.retry import RetryPolicy
from composer.delivery.summaries import (
    DeliveryFilter,
    DeliverySummary,
    id_chunks,
    read_summaries,
    summaries_of,
)
from composer.errors import NotFoundError, SendError
from composer.model import Person, Request, context_for
from composer.rendering.diagnostics import Diagnostic
from composer.rendering.render import render
from composer.store.database import Database

__all__ = [
    "Attempt",
    "Deliveries",
    "Delivery",
    "DeliveryEvent",
    "DeliveryFilter",
    "DeliverySummary",
    "Progress",
    "RenderFailed",
    "body_format_error",
    "forceable",
    "settled",
    "with_idempotency_key",
]

_BODY_FORMAT = (
    "the rendered body is not valid JSON",
    "the rendered body is not well-formed XML",
)


def body_format_error(diagnostic: Diagnostic) -> bool:
    """Whether an error is only about the rendered body's format (JSON or XML)."""
    return (
        diagnostic.severity == "error"
        and diagnostic.where == "body"
        and diagnostic.message.startswith(_BODY_FORMAT)
    )


def forceable(diagnostics: Iterable[Diagnostic]) -> bool:
    """Whether a rendering has errors and every one may be overridden by sending anyway."""
    errors = [d for d in diagnostics if d.severity == "error"]
    return bool(errors) and all(body_format_error(d) for d in errors)


class RenderFailed(SendError):
    """The request does not render for this person; ``diagnostics`` says why."""

    def __init__(self, message: str, diagnostics: Sequence[Any]) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)
        self.forceable = forceable(self.diagnostics)
        """Whether every error is about the body's format, so it may be sent anyway."""


def with_idempotency_key(
    headers: Iterable[Sequence[str]], key: str | None
) -> tuple[tuple[str, str], ...]:
    pairs = tuple((str(n), str(v)) for n, v in headers)
    if key is None or any(n.lower() == "idempotency-key" for n, _ in pairs):
        return pairs
    return (*pairs, ("Idempotency-Key", key))


@functools.lru_cache(maxsize=64)
def _snapshot_of(request: Request) -> str:
    """The request file's text (cached: a bulk send stores the same request many times)."""
    return request.to_json()


@functools.lru_cache(maxsize=64)
def _request_from(snapshot: str) -> Request:
    """A stored request file read back (cached: requests are immutable)."""
    return Request.from_json(snapshot, "<delivery>")


class Deliveries:
    """The deliveries of one workspace: making, reading and moving them."""

    def __init__(
        self,
        db: Database,
        secrets: Mapping[str, str] | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.secrets: Mapping[str, str] = secrets if secrets is not None else {}
        """Secret values by name: revealed on the wire only; here they name missing ones."""
        self.clock = clock

    def changed(self) -> None:
        """Called after a person's move; the engine wakes up to look again."""

    # -- making deliveries ----------------------------------------------------------

    def create(
        self,
        request: Request,
        context: Mapping[str, Any],
        *,
        person_id: str | None = None,
        event_id: int | None = None,
        policy: RetryPolicy | None = None,
        force: bool = False,
    ) -> int:
        """Record a delivery (a frozen draft for a ``draft`` request); raises RenderFailed.

        With ``force`` a rendering whose only errors are about the body's format is
        recorded anyway, marked ``forced``; any other error is still refused.
        """
        with self.db.transaction():
            return self._insert(
                request, context, person_id, event_id, policy or RetryPolicy(), force
            )

    def create_many(
        self, request: Request, people: Iterable[Person], policy: RetryPolicy | None = None
    ) -> builtins.list[int]:
        """One delivery per person, in one transaction; one that does not render is failed."""
        ids: builtins.list[int] = []
        with self.db.transaction():
            for person in people:
                context = context_for(person)
                try:
                    ids.append(
                        self._insert(request, context, person.id, None, policy or RetryPolicy())
                    )
                except RenderFailed as exc:
                    ids.append(self._insert_failed(request, context, person.id, str(exc)))
        return ids

    def _insert(
        self,
        request: Request,
        context: Mapping[str, Any],
        person_id: str | None,
        event_id: int | None,
        policy: RetryPolicy,
        force: bool = False,
    ) -> int:
        now = self.clock()
        moment = dt.datetime.fromtimestamp(now, dt.UTC)
        context = {k: v for k, v in context.items() if k != "secrets"}
        masked = render(request, context, secrets=self.secrets, now=moment)
        forced = force and forceable(masked.diagnostics)
        if masked.has_errors and not forced:
            errors = [d for d in masked.diagnostics if d.severity == "error"]
            refused = RenderFailed(f"The request does not render: {errors[0]}", masked.diagnostics)
            if force:
                raise RenderFailed(
                    f"{refused} (this cannot be sent anyway: only a body that is not valid "
                    "for its Content-Type can be)",
                    masked.diagnostics,
                )
            raise refused
        key = str(uuid.uuid4()) if request.idempotency_key else None
        rendered = {
            "method": masked.method,
            "url": masked.url,
            "headers": [list(pair) for pair in with_idempotency_key(masked.headers, key)],
            "body": masked.body,
        }
        state = "draft" if request.send_mode == "draft" else "queued"
        cursor = self.db.execute(
            "INSERT INTO deliveries (request_name, person_id, event_id, state, request_snapshot,"
            " context_snapshot, rendered, rendered_at, idempotency_key, max_retries, backoff_base,"
            " next_attempt_at, created_at, updated_at, forced)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                request.name,
                person_id,
                event_id,
                state,
                _snapshot_of(request),
                json.dumps(context, ensure_ascii=False, default=str),
                json.dumps(rendered, ensure_ascii=False),
                now,
                key,
                policy.max_retries,
                policy.base,
                None if state == "draft" else now,
                now,
                now,
                int(forced),
            ),
        )
        return int(cursor.lastrowid or 0)

    def _insert_failed(
        self, request: Request, context: Mapping[str, Any], person_id: str, error: str
    ) -> int:
        now = self.clock()
        cursor = self.db.execute(
            "INSERT INTO deliveries (request_name, person_id, state, request_snapshot,"
            " context_snapshot, rendered, rendered_at, max_retries, backoff_base, error,"
            " created_at, updated_at) VALUES (?, ?, 'failed', ?, ?, '{}', ?, 0, 0, ?, ?, ?)",
            (
                request.name,
                person_id,
                _snapshot_of(request),
                json.dumps(context, default=str),
                now,
                error,
                now,
                now,
            ),
        )
        return int(cursor.lastrowid or 0)

    # -- reading --------------------------------------------------------------------

    def get(self, delivery_id: int) -> Delivery:
        """One delivery with its attempts; NotFoundError when there is none."""
        found = self._load("WHERE id = ?", (delivery_id,))
        if not found:
            raise NotFoundError(f"There is no delivery {delivery_id} in the workspace.")
        return found[0]

    def many(self, ids: Sequence[int]) -> builtins.list[Delivery]:
        """The deliveries with these ids, in that order (unknown ids are left out)."""
        found: dict[int, Delivery] = {}
        for marks, chunk in id_chunks(ids):
            found.update((d.id, d) for d in self._load(f"WHERE id IN ({marks})", chunk))
        return [found[i] for i in ids if i in found]

    def list(self, limit: int | None = None, offset: int = 0) -> builtins.list[Delivery]:
        """Deliveries, oldest first."""
        return self._load("ORDER BY id LIMIT ? OFFSET ?", (-1 if limit is None else limit, offset))

    def _load(self, where: str, params: Sequence[Any]) -> builtins.list[Delivery]:
        rows = self.db.fetchall(f"SELECT * FROM deliveries {where}", params)
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        attempts: dict[int, list[Attempt]] = {i: [] for i in ids}
        marks = ",".join("?" * len(ids))
        for a in self.db.fetchall(
            f"SELECT * FROM attempts WHERE delivery_id IN ({marks}) ORDER BY delivery_id, n", ids
        ):
            attempts[a["delivery_id"]].append(
                Attempt(
                    a["n"],
                    a["started_at"],
                    a["elapsed_ms"],
                    a["status"],
                    a["error"],
                    a["error_kind"],
                    tuple((str(k), str(v)) for k, v in json.loads(a["response_headers"] or "[]")),
                    bytes(a["response_body"] or b""),
                    a["response_size"] or 0,
                    bool(a["response_truncated"]),
                    a["response_decoded"],
                    a["response_problem"],
                )
            )
        return [
            Delivery(
                id=r["id"],
                request_name=r["request_name"],
                person_id=r["person_id"],
                state=r["state"],
                request=_request_from(r["request_snapshot"]),
                context=json.loads(r["context_snapshot"]),
                rendered=json.loads(r["rendered"]),
                rendered_at=r["rendered_at"],
                idempotency_key=r["idempotency_key"],
                policy=RetryPolicy(max_retries=r["max_retries"], base=r["backoff_base"]),
                next_attempt_at=r["next_attempt_at"],
                attribute_updates=json.loads(r["attribute_updates"])
                if r["attribute_updates"]
                else None,
                error=r["error"],
                created_at=r["created_at"],
                attempts=tuple(attempts[r["id"]]),
                forced=bool(r["forced"]),
            )
            for r in rows
        ]

    def summaries(
        self, where: DeliveryFilter | None = None, limit: int | None = None, offset: int = 0
    ) -> builtins.list[DeliverySummary]:
        """One line per delivery matching ``where``, newest first (:func:`read_summaries`)."""
        return read_summaries(self.db, where, limit, offset)

    def summaries_of(self, ids: Sequence[int]) -> builtins.list[DeliverySummary]:
        """The lines of the deliveries with these ids (:func:`summaries.summaries_of`)."""
        return summaries_of(self.db, ids)

    def request_names(self) -> builtins.list[str]:
        """Every request name that has deliveries, for a request filter (case-blind order)."""
        rows = self.db.fetchall(
            "SELECT DISTINCT request_name FROM deliveries ORDER BY request_name COLLATE NOCASE"
        )
        return [row[0] for row in rows]

    # -- what people do with deliveries ---------------------------------------------

    def _move(self, delivery_id: int, allowed: Sequence[str], state: str, verb: str) -> None:
        now = self.clock()
        with self.db.transaction():
            current = self.get(delivery_id).state
            if current not in allowed:
                raise SendError(
                    f"Delivery {delivery_id} is {current.replace('_', ' ')}; it cannot be {verb}."
                )
            due = now if state == "queued" else None
            self.db.execute(
                "UPDATE deliveries SET state = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?",
                (state, due, now, delivery_id),
            )
        self.changed()

    def approve(self, delivery_id: int) -> None:
        """Release a draft: it is sent, exactly as frozen, by the next :meth:`run`."""
        self._move(delivery_id, ("draft",), "queued", "approved")

    def discard(self, delivery_id: int) -> None:
        """Drop a draft without sending anything."""
        self._move(delivery_id, ("draft",), "cancelled", "discarded")

    def cancel(self, delivery_id: int) -> None:
        """Stop a delivery that has not finished (an attempt in flight is not applied)."""
        self._move(
            delivery_id, ("draft", "queued", "sending", "waiting_retry"), "cancelled", "cancelled"
        )

    def retry_now(self, delivery_id: int) -> None:
        """Make a waiting (or failed) delivery due now; a failed one gets one more attempt."""
        self._move(delivery_id, ("waiting_retry", "failed", "queued"), "queued", "retried")

    def next_due(self) -> float | None:
        """When the earliest waiting delivery is due (Unix seconds), or None."""
        row = self.db.fetchone(
            "SELECT min(next_attempt_at) FROM deliveries WHERE state IN ('queued', 'waiting_retry')"
        )
        return None if row is None or row[0] is None else float(row[0])
