"""Operations on deliveries: record, move, read (each off the GUI thread, see :mod:`ui.ops`).

Recording a delivery and moving one (cancel, retry now, approve, discard) are writes that
announce ``OpChanges(deliveries=True)``; the caller then wakes the one engine
(:class:`ui.ops.engine.DeliveryEngine`), which does the sending. A request that does not
render is not an op failure but an answer (:class:`Recorded` with ``refusal``), so the
composer can offer "Send anyway" when only the body's format is at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject

from composer.delivery.outbox import LazySecrets
from composer.delivery.record import last_response_body, latest_delivery_id
from composer.delivery.records import Deliveries, Delivery, RenderFailed
from composer.delivery.retry import RetryPolicy
from composer.errors import SendError
from composer.model import Request
from composer.store.database import Database
from ui.ops import Changed, Op, OpChanges
from ui.ops.engine import SecretsSource, SendJob, secret_getter

__all__ = [
    "MOVES",
    "Recorded",
    "cancel_unstarted",
    "get",
    "last_delivery",
    "last_response",
    "many",
    "move",
    "record",
    "record_many",
]

MOVES = ("cancel", "retry_now", "approve", "discard")
"""The moves a person makes on a delivery."""

CHANGED = OpChanges(deliveries=True)


@dataclass(frozen=True, slots=True)
class Recorded:
    """The answer to :func:`record`."""

    delivery_id: int
    """The new delivery (0 when it was refused)."""
    draft: bool = False
    """Whether it was kept as a draft (nothing is sent until it is approved)."""
    refusal: str = ""
    """Why it was not recorded (the request does not render), or empty."""
    forceable: bool = False
    """Whether the refusal is only about the body's format (it may be sent anyway)."""


def _records(db: Database, secrets: SecretsSource) -> Deliveries:
    return Deliveries(db, LazySecrets(secret_getter(secrets)))


def record(
    parent: QObject | None,
    path: Path,
    job: SendJob,
    secrets: SecretsSource,
    policy: RetryPolicy | None = None,
) -> Op[Recorded]:
    """Record a delivery for ``job`` (a frozen draft for a draft request)."""

    def work(db: Database) -> Changed[Recorded] | Recorded:
        try:
            delivery_id = _records(db, secrets).create(
                job.request,
                job.context,
                person_id=job.person_id,
                policy=policy or RetryPolicy(),
                force=job.force,
            )
        except RenderFailed as exc:
            return Recorded(0, refusal=str(exc), forceable=exc.forceable and not job.force)
        draft = job.request.send_mode == "draft"
        return Changed(Recorded(delivery_id, draft), CHANGED)

    return Op(parent, work, path=path, write=True)


def record_many(
    parent: QObject | None,
    path: Path,
    request: Request,
    person_ids: Sequence[str],
    secrets: SecretsSource,
    policy: RetryPolicy | None = None,
) -> Op[list[Delivery]]:
    """One delivery per person, in one transaction (one that does not render is failed)."""

    def work(db: Database) -> Changed[list[Delivery]]:
        records = _records(db, secrets)
        people = [db.people.get(pid) for pid in person_ids]
        ids = records.create_many(request, people, policy)
        return Changed(records.many(ids), CHANGED)

    return Op(parent, work, path=path, write=True)


def move(parent: QObject | None, path: Path, delivery_id: int, verb: str) -> Op[Delivery]:
    """Make one of :data:`MOVES` on a delivery; the delivery as it is now."""
    if verb not in MOVES:
        raise ValueError(f"not a move: {verb}")

    def work(db: Database) -> Changed[Delivery]:
        records = Deliveries(db)
        getattr(records, verb)(delivery_id)
        return Changed(records.get(delivery_id), CHANGED)

    return Op(parent, work, path=path, write=True)


def cancel_unstarted(parent: QObject | None, path: Path, delivery_id: int) -> Op[Delivery]:
    """Cancel a delivery only if no attempt of it has started (checked in the transaction
    that cancels it, so the engine cannot claim it in between); fails with a
    :class:`~composer.errors.SendError` once one has, and the delivery ends as it ends."""

    def work(db: Database) -> Changed[Delivery]:
        records = Deliveries(db)
        with db.transaction():
            delivery = records.get(delivery_id)
            if delivery.attempts or delivery.state not in ("queued", "draft"):
                raise SendError(f"Delivery {delivery_id} has started; it ends as it ends.")
            records.cancel(delivery_id)
        return Changed(records.get(delivery_id), CHANGED)

    return Op(parent, work, path=path, write=True)


def get(parent: QObject | None, path: Path, delivery_id: int) -> Op[Delivery]:
    """One delivery with its attempts."""
    return Op(parent, lambda db: Deliveries(db).get(delivery_id), path=path)


def many(parent: QObject | None, path: Path, ids: Sequence[int]) -> Op[list[Delivery]]:
    """These deliveries, in that order."""
    wanted = list(ids)
    return Op(parent, lambda db: Deliveries(db).many(wanted), path=path)


def last_delivery(parent: QObject | None, path: Path, request_name: str) -> Op[Delivery | None]:
    """The newest delivery of a request (None when it was never sent)."""

    def work(db: Database) -> Delivery | None:
        newest = latest_delivery_id(db, request_name)
        return None if newest is None else Deliveries(db).get(newest)

    return Op(parent, work, path=path)


def last_response(parent: QObject | None, path: Path, request_name: str) -> Op[str]:
    """The newest real response body recorded for a request ("" when there is none)."""

    def work(db: Database) -> str:
        body = last_response_body(db, request_name)
        return "" if body is None else body.decode("utf-8", errors="replace")

    return Op(parent, work, path=path)
