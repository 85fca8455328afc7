"""Recording what each attempt got back, one transaction per answer, whatever else happens.

:class:`Recorder` is a layer the engine (:class:`composer.delivery.outbox.Outbox`) uses on top of
the records (:class:`composer.delivery.records.Deliveries`, which it is given, not derived
from). Decisions:

* **An answer is made ready once, in memory.** As soon as an attempt ends,
  :meth:`Recorder.answer` masks every form of the secrets it used in the response
  (:mod:`composer.delivery.masking`) and, after a 2xx, evaluates the response mappings
  (:mod:`composer.delivery.mapping`, which never raises: a hostile body becomes a plain error on
  the delivery). The resulting :class:`Answer` is what gets recorded, or journaled.
* **An answer is recorded whole.** :meth:`Recorder.record` writes the attempt's outcome
  and moves its delivery on (``succeeded`` with its updates applied to the person,
  ``waiting_retry`` with its next time, or ``failed``) in one transaction. A run records
  the answers that ended together in one transaction (:meth:`Recorder.record_all`, up to
  :data:`composer.delivery.unrecorded.BATCH`; a thousand commits a second would cost more
  than the sends): all are written or none, and the ones not written stay in memory, then
  in the journal, so a workspace that refuses one never loses another. Recording is
  idempotent: an attempt already recorded is left alone, so a journal read twice records
  nothing twice.
* **Honest late answers.** If an attempt was meanwhile closed as interrupted (only a
  run without a lock file can be mistaken for a crashed one), the real answer replaces
  the guess on the attempt, and the delivery, which has moved on, is left as it is.
* **A busy workspace.** The answers it will not take yet wait in memory, then in the
  journal beside the workspace (:mod:`composer.delivery.unrecorded` says how);
  :meth:`Recorder.replay` records journaled answers before anything is taken for
  interrupted.
* **The engine's log** (``logging.getLogger("composer.delivery")``, :func:`log_answer`,
  and the outbox for starts and recovery) says each attempt's outcome (status or error
  sentence, elapsed), the retries scheduled and when, final failures, and the names of
  the attributes a mapping set; it is written after the answer commits, and it never
  holds a secret's value, a header value, a body or a mapped value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from composer.delivery import journal
from composer.delivery.attempt import AttemptResult
from composer.delivery.mapping import MappingOutcome, apply_updates, evaluate
from composer.delivery.masking import Masker, masker_for
from composer.delivery.records import Deliveries, Delivery, DeliveryEvent
from composer.delivery.retry import is_retryable, is_success
from composer.errors import NotFoundError
from composer.liquid import DEFAULT_VERSION
from composer.store.database import Database

log = logging.getLogger("composer.delivery")
"""The engine's log: each attempt, its outcome, retries, failures, mappings, recovery (never a
secret, a header value or a body)."""

__all__ = [
    "Answer",
    "Recorder",
    "last_response_body",
    "latest_delivery_id",
    "plain_error",
    "scrub_result",
]


def scrub_result(result: AttemptResult, masker: Masker | Sequence[str]) -> AttemptResult:
    """``result`` with every form of the sensitive texts masked in headers, body and error."""
    if not isinstance(masker, Masker):
        masker = masker_for(masker)
    if not masker:
        return result
    return dataclasses.replace(
        result,
        headers=tuple((k, masker.mask(v)) for k, v in result.headers),
        body=masker.mask_bytes(result.body),
        error=None if result.error is None else masker.mask(result.error),
    )


def latest_delivery_id(db: Database, request_name: str) -> int | None:
    """The newest delivery of a request, or None when it was never sent."""
    row = db.fetchone("SELECT max(id) FROM deliveries WHERE request_name = ?", (request_name,))
    return None if row is None or row[0] is None else int(row[0])


def last_response_body(db: Database, request_name: str) -> bytes | None:
    """The newest real response body recorded for a request (None: no answer yet)."""
    row = db.fetchone(
        "SELECT a.response_body FROM attempts a JOIN deliveries d ON d.id = a.delivery_id"
        " WHERE d.request_name = ? AND a.status IS NOT NULL"
        " ORDER BY a.delivery_id DESC, a.n DESC LIMIT 1",
        (request_name,),
    )
    return None if row is None else bytes(row[0] or b"")


def plain_error(result: AttemptResult) -> str:
    """The sentence recorded on the delivery for an attempt that did not succeed."""
    if result.error:
        return result.error
    if result.status is not None and 300 <= result.status < 400:
        location = result.header("Location")
        where = f"a redirect to {location}" if location else "a redirect without a Location"
        return f"The server answered {result.status}: {where}, which is not followed."
    return f"The server answered {result.status}."


@dataclass(frozen=True, slots=True)
class Answer:
    """One ended attempt, ready to record: secrets masked, mappings evaluated."""

    delivery_id: int
    """The delivery."""
    n: int
    """The attempt's number."""
    started_at: float
    """Unix seconds when it started."""
    result: AttemptResult
    """What came back, secrets masked."""
    mapped: MappingOutcome | None = None
    """The response mappings' outcome after a 2xx; None otherwise."""

    def to_entry(self) -> dict[str, Any]:
        """The answer as a journal entry (plain JSON)."""
        r = self.result
        return {
            "delivery_id": self.delivery_id,
            "n": self.n,
            "started_at": self.started_at,
            "status": r.status,
            "headers": [list(pair) for pair in r.headers],
            "body": journal.encode_body(r.body),
            "size": r.size,
            "truncated": r.truncated,
            "elapsed_ms": r.elapsed_ms,
            "error_kind": r.error_kind,
            "error": r.error,
            "decoded": r.decoded,
            "body_problem": r.body_problem,
            "updates": None if self.mapped is None else self.mapped.updates,
            "mapping_error": None if self.mapped is None else self.mapped.error,
        }

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Answer:
        """An answer read back from a journal (KeyError, TypeError, ValueError if damaged)."""
        result = AttemptResult(
            entry["status"],
            tuple((str(k), str(v)) for k, v in entry["headers"]),
            journal.decode_body(entry["body"]),
            int(entry["size"]),
            bool(entry["truncated"]),
            float(entry["elapsed_ms"]),
            entry["error_kind"],
            entry["error"],
            entry["decoded"],
            entry["body_problem"],
        )
        mapped = None
        if entry["updates"] is not None or entry["mapping_error"] is not None:
            mapped = MappingOutcome(dict(entry["updates"] or {}), entry["mapping_error"])
        return cls(
            int(entry["delivery_id"]), int(entry["n"]), float(entry["started_at"]), result, mapped
        )


class Recorder:
    """The writing of each attempt's outcome into the records it is given."""

    def __init__(self, records: Deliveries, backoff_base: float | None = None) -> None:
        self.records = records
        """The delivery records answers are written into."""
        self.backoff_base = backoff_base
        """When set, replaces each delivery's own base for the retries scheduled here."""

    @property
    def db(self) -> Database:
        """The workspace the records live in."""
        return self.records.db

    def clock(self) -> float:
        """The records' clock (Unix seconds)."""
        return self.records.clock()

    def answer(
        self, delivery: Delivery, n: int, started_at: float, result: AttemptResult, masker: Masker
    ) -> Answer:
        """Make an ended attempt ready to record (never raises for what the server sent)."""
        result = scrub_result(result, masker)
        mapped = None
        if is_success(result.status):
            mapped = evaluate(
                delivery.request.response_mappings,
                result.body,
                delivery.context,
                truncated=result.truncated,
                body_problem=result.body_problem,
                masker=masker,
                version=delivery.request.liquid_version or DEFAULT_VERSION,
            )
        return Answer(delivery.id, n, started_at, result, mapped)

    def record(self, answer: Answer, delivery: Delivery | None = None) -> list[DeliveryEvent]:
        """Write one answer in a transaction of its own; what to report (StoreError if busy,
        NotFoundError when the delivery is gone)."""
        delivery = delivery or self.records.get(answer.delivery_id)
        with self.db.transaction():
            events = self._record(answer, delivery)
        log_answer(delivery, answer, events)
        return events

    def record_all(
        self, answers: Sequence[tuple[Answer, Delivery | None]]
    ) -> list[list[DeliveryEvent]]:
        """Write answers in one transaction, all of them or (StoreError) none; what to report
        for each (nothing for a delivery that is gone). ``Delivery`` is the delivery as it
        was claimed, or None to read it."""
        done: list[tuple[Answer, Delivery | None, list[DeliveryEvent]]] = []
        with self.db.transaction():
            for answer, delivery in answers:
                try:
                    delivery = delivery or self.records.get(answer.delivery_id)
                except NotFoundError:
                    done.append((answer, None, []))  # nothing to record it on
                    continue
                done.append((answer, delivery, self._record(answer, delivery)))
        for answer, delivery, events in done:
            if delivery is not None:
                log_answer(delivery, answer, events)
        return [events for _, _, events in done]

    def _record(self, answer: Answer, delivery: Delivery) -> list[DeliveryEvent]:
        """Write one answer, in the caller's transaction."""
        row = self.db.fetchone(
            "SELECT elapsed_ms, error_kind FROM attempts WHERE delivery_id = ? AND n = ?",
            (answer.delivery_id, answer.n),
        )
        if row is None:
            return []
        if row["elapsed_ms"] is not None:
            return []  # recorded already (a journal read twice)
        self._write_attempt(answer)
        if row["error_kind"] == "interrupted":
            return []  # taken for cut off meanwhile: the delivery has moved on
        return self._move_on(delivery, answer)

    def _write_attempt(self, answer: Answer) -> None:
        r = answer.result
        self.db.execute(
            "UPDATE attempts SET started_at = ?, elapsed_ms = ?, status = ?, error = ?,"
            " error_kind = ?, response_headers = ?, response_body = ?, response_size = ?,"
            " response_truncated = ?, response_decoded = ?, response_problem = ?"
            " WHERE delivery_id = ? AND n = ?",
            (
                answer.started_at,
                r.elapsed_ms,
                r.status,
                r.error,
                r.error_kind,
                _json(r.headers),
                r.body,
                r.size,
                int(r.truncated),
                r.decoded,
                r.body_problem,
                answer.delivery_id,
                answer.n,
            ),
        )

    def _move_on(self, delivery: Delivery, answer: Answer) -> list[DeliveryEvent]:
        now = self.clock()
        result, n = answer.result, answer.n
        event = DeliveryEvent(delivery.id, "attempt_finished", n, result)
        if is_success(result.status):
            mapped = answer.mapped or MappingOutcome()
            return [event, self._succeed(delivery, n, mapped.updates, mapped.error, now)]
        error = plain_error(result)
        due: float | None = None
        final = DeliveryEvent(delivery.id, "failed", n, error=error)
        policy = delivery.policy
        if is_retryable(result.status, result.error_kind) and policy.retries_left(n):
            if self.backoff_base is not None:
                policy = dataclasses.replace(policy, base=self.backoff_base)
            due = now + policy.delay(n, result.header("Retry-After"), now)
            final = DeliveryEvent(delivery.id, "waiting", n, next_attempt_at=due)
        state = "failed" if due is None else "waiting_retry"
        cursor = self.db.execute(
            "UPDATE deliveries SET state = ?, next_attempt_at = ?, error = ?, updated_at = ?"
            " WHERE id = ? AND state = 'sending'",
            (state, due, error, now, delivery.id),
        )
        if not cursor.rowcount:
            final = DeliveryEvent(delivery.id, "cancelled", n)
        return [event, final]

    def _succeed(
        self, delivery: Delivery, n: int, updates: dict[str, Any], error: str | None, now: float
    ) -> DeliveryEvent:
        """Mark a delivery succeeded and apply its updates, in the caller's transaction."""
        applies = bool(updates) and delivery.person_id is not None
        cursor = self.db.execute(
            "UPDATE deliveries SET state = 'succeeded', next_attempt_at = NULL, error = ?,"
            " attribute_updates = ?, updated_at = ? WHERE id = ? AND state = 'sending'",
            (error, _json(updates) if applies else None, now, delivery.id),
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

    # -- the journal ------------------------------------------------------------------

    def replay(self) -> list[Path]:
        """Record the answers journaled by runs that met a busy workspace.

        Call inside the transaction that then closes interrupted attempts, and remove the
        journals it returns (:func:`composer.delivery.journal.forget`) once that commits. A
        damaged entry is skipped.
        """
        read: list[Path] = []
        for path, entries in journal.journals(journal.folder_for(self.db.path)):
            for entry in entries:
                try:
                    answer = Answer.from_entry(entry)
                    delivery = self.records.get(answer.delivery_id)
                except (KeyError, TypeError, ValueError, NotFoundError):
                    continue
                self.record(answer, delivery)
            read.append(path)
        return read


def log_answer(delivery: Delivery, answer: Answer, events: Sequence[DeliveryEvent]) -> None:
    """Log a recorded answer: its outcome, and what became of the delivery (names only)."""
    r, d = answer.result, delivery.id
    got = f"HTTP {r.status}" if r.status is not None else f"{r.error_kind}: {r.error}"
    log.info("delivery %d attempt %d: %s in %.0f ms", d, answer.n, got, r.elapsed_ms)
    for event in events:
        if event.kind == "waiting" and event.next_attempt_at is not None:
            when = dt.datetime.fromtimestamp(event.next_attempt_at, dt.UTC)
            at = when.isoformat(timespec="seconds")
            log.info("delivery %d: retry scheduled, attempt %d due at %s", d, event.attempt + 1, at)
        elif event.kind == "failed":
            log.warning("delivery %d failed after %d attempts: %s", d, event.attempt, event.error)
        elif event.kind == "cancelled":
            log.info("delivery %d: cancelled while attempt %d was in flight", d, event.attempt)
        elif event.kind == "succeeded":
            updates = answer.mapped.updates if answer.mapped is not None else {}
            if updates and delivery.person_id is not None and event.error is None:
                names = ", ".join(sorted(updates))
                log.info(
                    "delivery %d: mappings applied to person %s: %s", d, delivery.person_id, names
                )
            elif event.error is not None:
                log.warning("delivery %d succeeded; mappings not applied: %s", d, event.error)
            else:
                log.info("delivery %d succeeded", d)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
