"""A delivery as plain data: :class:`Delivery` with its :class:`Attempt` values, the
:class:`DeliveryEvent` steps an engine reports, and :func:`settled`, the one rule for when a
bulk send is over.

These are the values :mod:`composer.delivery.records` reads out of the workspace and the
engine (:mod:`composer.delivery.outbox`) reports; this module holds no SQL and sends nothing,
so the window and the command line can name them without loading either. The attempt result
an event carries is :mod:`composer.delivery.attempt`, plain data as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from composer.delivery.attempt import AttemptResult
from composer.delivery.retry import RetryPolicy
from composer.http_headers import header_value
from composer.model import Request

__all__ = ["Attempt", "Delivery", "DeliveryEvent", "Progress", "settled"]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try of a delivery, as stored."""

    n: int
    """1 for the first try."""
    started_at: float
    """Unix seconds when it started."""
    elapsed_ms: float | None
    """How long it took; None while in flight or when it was interrupted."""
    status: int | None
    """The HTTP status, or None when no complete answer arrived."""
    error: str | None
    """A plain sentence when there was no HTTP answer."""
    error_kind: str | None
    """``dns``, ``refused``, ``tls``, ``timeout``, ``reset``, ``invalid_response``,
    ``other``, ``render`` or ``interrupted``; None on an HTTP answer."""
    response_headers: tuple[tuple[str, str], ...]
    """Response headers as received (secrets masked)."""
    response_body: bytes
    """At most 1 MiB of the body (secrets masked)."""
    response_size: int
    """Body bytes the server sent in all."""
    response_truncated: bool
    """Whether ``response_body`` holds less than the whole (decoded) body."""
    response_decoded: str | None = None
    """The content coding removed from ``response_body`` (``gzip``, ``deflate``), or None."""
    response_problem: str | None = None
    """Why ``response_body`` is not the plain body (kept still encoded…), or None."""

    def location(self) -> str | None:
        """Where a 3xx answer redirects to (redirects are not followed), or None.

        The first Location header of a repeated one (:func:`composer.http_headers.header_value`).
        """
        if self.status is None or not 300 <= self.status < 400:
            return None
        return header_value(self.response_headers, "Location")

    def summary(self) -> dict[str, Any]:
        """The shape the command line prints: ``{"n", "status", "error", "elapsed_ms"}``."""
        return {
            "n": self.n,
            "status": self.status,
            "error": self.error,
            "elapsed_ms": self.elapsed_ms,
        }


@dataclass(frozen=True, slots=True)
class Delivery:
    """One send of a request for a person, with every attempt."""

    id: int
    """The delivery's number in the workspace."""
    request_name: str
    """The request's name when it was sent."""
    person_id: str | None
    """The person it was rendered for (None for a context without one)."""
    state: str
    """``draft``, ``queued``, ``sending``, ``waiting_retry``, ``succeeded``, ``failed`` or
    ``cancelled``."""
    request: Request
    """The request file as it was when the delivery was made."""
    context: dict[str, Any]
    """The Liquid globals it was rendered with (no secrets)."""
    rendered: dict[str, Any]
    """The masked rendering: ``{"method", "url", "headers", "body"}``."""
    rendered_at: float
    """Unix seconds that ``'now'`` means for this delivery."""
    idempotency_key: str | None
    """The Idempotency-Key sent with every attempt, when the request opts in."""
    policy: RetryPolicy
    """Its retry schedule."""
    next_attempt_at: float | None
    """When the next attempt is due (queued or waiting_retry)."""
    attribute_updates: dict[str, Any] | None
    """What was applied to the person after success, if anything."""
    error: str | None
    """The last plain-language problem, if any."""
    created_at: float
    """Unix seconds when it was made."""
    attempts: tuple[Attempt, ...] = field(default=())
    """Every attempt, first to last."""
    forced: bool = False
    """Whether it was sent anyway although its body is not valid for its Content-Type."""

    def to_dict(self) -> dict[str, Any]:
        """The shape ``deliveries list --json`` prints."""
        return {
            "delivery_id": self.id,
            "request": self.request_name,
            "person": self.person_id,
            "state": self.state,
            "attempts": [a.summary() for a in self.attempts],
            "attribute_updates": self.attribute_updates or {},
            "forced": self.forced,
        }


@dataclass(frozen=True, slots=True)
class DeliveryEvent:
    """A step of a delivery, reported to progress callbacks."""

    delivery_id: int
    """Which delivery."""
    kind: str
    """``attempt_started``, ``attempt_finished``, then ``waiting``, ``succeeded``, ``failed``
    or ``cancelled`` (cancelled while the attempt was in flight)."""
    attempt: int
    """The attempt's number (0 when none is concerned)."""
    result: AttemptResult | None = None
    """The attempt's outcome, for ``attempt_finished``."""
    next_attempt_at: float | None = None
    """When the next attempt is due, for ``waiting``."""
    error: str | None = None
    """The delivery's error, for ``failed`` (or a mapping problem on ``succeeded``)."""


Progress = Callable[[DeliveryEvent], None]

_SETTLES = {
    "succeeded": "succeeded",
    "failed": "failed",
    "cancelled": "cancelled",
    "draft": "draft",
    "waiting": "waiting_retry",
    "waiting_retry": "waiting_retry",
}


def settled(kind: str, *, wait_for_retries: bool = False) -> str | None:
    """How a delivery has settled, as far as a bulk send goes, or None while it is not over.

    ``kind`` is a :class:`DeliveryEvent` kind or a delivery's state. A bulk send (the
    window's or the command line's) is over once every delivery has settled: it
    ``succeeded``, ``failed``, was ``cancelled``, is a ``draft`` waiting for approval, or
    waits for a retry (``waiting_retry``, which the engine sends when due) — unless the
    run was asked to wait for the retries, when only a final state settles it.
    """
    outcome = _SETTLES.get(kind)
    if outcome == "waiting_retry" and wait_for_retries:
        return None
    return outcome
