"""The retry policy: which outcomes are retried, and how long to wait before each retry.

Everything here is a pure function of its arguments, so the schedule is tested as a table
and compressed in tests (``--backoff-base 0.05``) without touching the clock.

Decisions:

* **Success is 2xx only.** A 3xx is final (redirects are not followed; the Location is
  shown), as is any 4xx other than 408 Request Timeout, 409 Conflict and 429 Too Many
  Requests. Every 5xx is retried.
* **Failures without an HTTP answer** are retried when they are about the connection:
  ``timeout``, ``refused``, ``reset``, ``dns`` (name servers fail transiently too) and
  ``interrupted`` (the process stopped while an attempt was in flight). ``tls`` (a
  certificate or protocol mismatch), ``invalid_response`` (the server does not speak
  HTTP) and ``other`` (the request itself cannot be sent) are final: trying again three
  hours long would only repeat them.
* **The schedule.** Ten retries whose delays double. Customer.io retries "up to 10 times
  over a period of approximately 3 hours"; the base is chosen so that the ten delays add
  up to exactly 3 hours: ``base * (2**10 - 1) = 10800 s``, so ``base = 10800 / 1023``
  ≈ 10.557 s, giving 10.6 s, 21 s, 42 s, 84 s, 2.8 min, 5.6 min, 11 min, 23 min, 45 min
  and 1.5 h. ``--backoff-base S`` replaces the base (delays ``S * 2**k``).
* **Retry-After** (delta seconds or an HTTP date) is honoured when it asks for longer
  than the scheduled delay, up to an absolute cap: :data:`RETRY_AFTER_CAP_S`, 1.5 hours
  (the default schedule's longest delay), unless a policy sets its own. The cap is in
  seconds of the clock and does not shrink with ``--backoff-base``: a server that says
  ``Retry-After: 1`` is waited at least a second however compressed the schedule is. A
  Retry-After that is shorter than the scheduled delay, malformed, or in the past changes
  nothing; one too large to be a number (thousands of digits) is taken as the cap.
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass

__all__ = [
    "DEFAULT_BASE",
    "DEFAULT_MAX_RETRIES",
    "RETRYABLE_ERRORS",
    "RETRYABLE_STATUSES",
    "RETRY_AFTER_CAP_S",
    "TOTAL_SPAN_S",
    "RetryPolicy",
    "is_retryable",
    "is_success",
    "parse_retry_after",
]

DEFAULT_MAX_RETRIES = 10
"""Retries after the first attempt (so at most 11 attempts)."""
TOTAL_SPAN_S = 3 * 60 * 60
"""What the default schedule's delays add up to: 3 hours."""
DEFAULT_BASE = TOTAL_SPAN_S / (2**DEFAULT_MAX_RETRIES - 1)
"""The first delay, ≈ 10.557 s: ten doublings of it sum to :data:`TOTAL_SPAN_S`."""
RETRY_AFTER_CAP_S = 90 * 60.0
"""The longest wait a Retry-After obtains by default: 1.5 hours, whatever the base."""
RETRYABLE_STATUSES = frozenset({408, 409, 429})
"""The 4xx statuses that are retried (every 5xx is too)."""
RETRYABLE_ERRORS = frozenset({"timeout", "refused", "reset", "dns", "interrupted"})
"""Error kinds (no HTTP answer) that are retried."""


def is_success(status: int | None) -> bool:
    """Whether an attempt succeeded: an HTTP 2xx answer."""
    return status is not None and 200 <= status < 300


def is_retryable(status: int | None, error_kind: str | None = None) -> bool:
    """Whether an attempt that did not succeed is worth another try."""
    if status is None:
        return error_kind in RETRYABLE_ERRORS
    return status in RETRYABLE_STATUSES or 500 <= status < 600


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (``now`` in Unix seconds), or None.

    Accepts delta seconds (``"120"``) or an HTTP date (``"Wed, 21 Oct 2015 07:28:00
    GMT"``); anything else, and a date in the past, gives None.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        digits = text.lstrip("0") or "0"
        return float(int(digits)) if len(digits) <= 15 else float("inf")
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # "-0000" dates come back naive; HTTP dates are UTC
        return None
    wait = moment.timestamp() - now
    return wait if wait > 0 else None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many retries a delivery gets and how long each waits."""

    max_retries: int = DEFAULT_MAX_RETRIES
    """Retries after the first attempt; 0 sends once."""
    base: float = DEFAULT_BASE
    """The first delay in seconds; retry ``k`` (1-based) waits ``base * 2**(k-1)``."""
    cap_retry_after: float | None = None
    """Longest wait a Retry-After obtains; None means :data:`RETRY_AFTER_CAP_S`."""

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must not be negative")
        if self.base < 0:
            raise ValueError("the backoff base must not be negative")

    def scheduled(self, retry_number: int) -> float:
        """The planned delay before retry ``retry_number`` (1-based), without Retry-After."""
        if retry_number < 1:
            raise ValueError("retry numbers start at 1")
        return float(self.base * 2 ** (retry_number - 1))

    def schedule(self) -> tuple[float, ...]:
        """Every planned delay, in seconds, in order."""
        return tuple(self.scheduled(k) for k in range(1, self.max_retries + 1))

    def times(self, start: float) -> tuple[float, ...]:
        """When each retry would start (Unix seconds) if every attempt ended at once."""
        out: list[float] = []
        at = start
        for wait in self.schedule():
            at += wait
            out.append(at)
        return tuple(out)

    @property
    def cap(self) -> float:
        """The longest wait a Retry-After can obtain (seconds; the base does not scale it)."""
        return RETRY_AFTER_CAP_S if self.cap_retry_after is None else self.cap_retry_after

    def delay(self, retry_number: int, retry_after: str | None, now: float) -> float:
        """Seconds to wait before retry ``retry_number``, honouring ``Retry-After``."""
        planned = self.scheduled(retry_number)
        asked = parse_retry_after(retry_after, now)
        if asked is not None and asked > planned:
            return max(planned, min(asked, self.cap))
        return planned

    def retries_left(self, attempts_made: int) -> bool:
        """Whether another retry is allowed after ``attempts_made`` attempts."""
        return attempts_made - 1 < self.max_retries
