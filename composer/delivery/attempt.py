"""What one attempt got back: an HTTP answer, or the reason there is none.

:class:`AttemptResult` is plain data shared by the sender (which makes it), the recorder
and the record layer (which store it) and the command line (which prints it). It lives
apart from :mod:`composer.delivery.sender` so that reading the outbox's records never
loads the HTTP client. See docs/ARCHITECTURE.md ("Delivery").
"""

from __future__ import annotations

from dataclasses import dataclass

from composer.http_headers import header_value

__all__ = ["BODY_LIMIT", "DEFAULT_TIMEOUT", "ERROR_KINDS", "AttemptResult"]

BODY_LIMIT = 1024 * 1024
"""Response body bytes kept per attempt (1 MiB)."""
DEFAULT_TIMEOUT = 4.0
"""Seconds an attempt has from its start to the last byte of the response."""
ERROR_KINDS: tuple[str, ...] = (
    "dns",
    "refused",
    "tls",
    "timeout",
    "reset",
    "invalid_response",
    "other",
)
"""The kinds of failure an attempt without an HTTP answer is sorted into."""


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What one attempt got back: an HTTP answer, or the reason there is none."""

    status: int | None
    """The HTTP status of a complete answer; None when no complete answer arrived."""
    headers: tuple[tuple[str, str], ...]
    """Response headers in the order received (also kept for an incomplete answer)."""
    body: bytes
    """The first :data:`BODY_LIMIT` bytes of the response body (decoded when ``decoded``)."""
    size: int
    """How many body bytes the server sent in all (on the wire, before decoding)."""
    truncated: bool
    """Whether ``body`` holds less than the whole (decoded) body."""
    elapsed_ms: float
    """Milliseconds from the attempt's start to its last byte or its failure."""
    error_kind: str | None = None
    """One of :data:`ERROR_KINDS` when there is no complete answer, else None."""
    error: str | None = None
    """A plain sentence saying what went wrong, or None."""
    decoded: str | None = None
    """The content coding removed from ``body`` (``gzip``, ``deflate``), or None."""
    body_problem: str | None = None
    """Why ``body`` is not the plain body the server meant (still encoded, or its
    compressed stream ended early), or None."""

    def header(self, name: str) -> str | None:
        """The value of a response header (any case; the first of a repeated one).

        See :func:`composer.http_headers.header_value`.
        """
        return header_value(self.headers, name)

    def text(self) -> str:
        """The kept body as text (UTF-8; invalid bytes shown as U+FFFD)."""
        return self.body.decode("utf-8", errors="replace")
