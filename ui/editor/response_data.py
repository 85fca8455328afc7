"""What the response viewer shows, as plain data: one attempt's answer, and words for it.

:class:`ResponseView` is one attempt as the viewer needs it, made from a stored
:class:`~composer.delivery.records.Attempt` (:meth:`ResponseView.from_attempt`, the body's
bytes as stored) or from a live :class:`~ui.ops.engine.SendUpdate`
(:meth:`ResponseView.from_update`, whose body arrives already decoded as text). Secrets
were masked by the core before either exists; nothing here can unmask them.

The helpers say the answer in words: the status with its reason phrase and its class (for
the colour), a size in bytes/KiB/MiB, a hex dump of a body that is not text. Decisions:

* A body is **text** when it decodes as UTF-8 (a BOM is dropped). One that does not, or
  that holds NUL bytes, is **binary**: the viewer says so and shows a hex dump of its first
  :data:`HEX_LIMIT` bytes, never a screen of replacement characters.
* A body is **JSON** when its text parses within :mod:`composer.json_input`'s limits (the
  Content-Type is not trusted either way: servers mislabel). JSON nested past those limits
  is shown as text, with the reason.
"""

from __future__ import annotations

import datetime as dt
import http
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from composer.http_headers import header_value

if TYPE_CHECKING:
    from composer.delivery.records import Attempt
    from ui.ops.engine import SendUpdate

__all__ = [
    "HEX_LIMIT",
    "ResponseView",
    "clock_text",
    "hex_dump",
    "size_text",
    "status_class",
    "status_text",
]

HEX_LIMIT = 64 * 1024
"""A binary body's hex dump shows at most this many bytes."""


@dataclass(frozen=True, slots=True)
class ResponseView:
    """One attempt's answer (or its failure), for the viewer."""

    attempt: int
    """The attempt's number (1 for the first)."""
    started_at: float | None
    """Unix seconds when it started (None when not known)."""
    elapsed_ms: float | None
    """How long it took (None while in flight or when cut off)."""
    status: int | None
    """The HTTP status, or None when no answer arrived."""
    headers: tuple[tuple[str, str], ...] = ()
    """The response headers, as received (secrets masked)."""
    body: bytes = b""
    """The body as kept (at most 1 MiB; secrets masked)."""
    size: int | None = None
    """Body bytes the server sent in all (None: the length of ``body``)."""
    truncated: bool = False
    """Whether ``body`` holds less than the whole body."""
    decoded: str | None = None
    """The content coding removed from the body (``gzip``…), or None."""
    problem: str | None = None
    """Why the body is not the plain body (kept still encoded…), or None."""
    error: str | None = None
    """A sentence when there was no HTTP answer."""
    error_kind: str | None = None
    """``timeout``, ``refused``… when there was no HTTP answer."""

    @classmethod
    def from_attempt(cls, a: Attempt) -> ResponseView:
        """A stored attempt."""
        return cls(
            attempt=a.n,
            started_at=a.started_at,
            elapsed_ms=a.elapsed_ms,
            status=a.status,
            headers=tuple(a.response_headers),
            body=bytes(a.response_body),
            size=a.response_size,
            truncated=a.response_truncated,
            decoded=a.response_decoded,
            problem=a.response_problem,
            error=a.error,
            error_kind=a.error_kind,
        )

    @classmethod
    def from_update(cls, u: SendUpdate, now: float | None = None) -> ResponseView:
        """A finished attempt as the engine reported it (its start is worked out from now)."""
        now = time.time() if now is None else now
        started = now - (u.elapsed_ms or 0) / 1000
        return cls(
            attempt=u.attempt,
            started_at=started,
            elapsed_ms=u.elapsed_ms,
            status=u.status,
            headers=tuple(u.headers),
            body=u.body.encode("utf-8"),
            error=u.error if u.status is None else None,
        )

    @property
    def body_size(self) -> int:
        """Bytes the server sent."""
        return len(self.body) if self.size is None else self.size

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any case; the first of a repeated one), or None.

        The same rule as the core's (:func:`composer.http_headers.header_value`), so the
        viewer names the Location the outbox recorded and the command line printed.
        """
        return header_value(self.headers, name)

    def location(self) -> str | None:
        """Where a 3xx answer points (redirects are not followed), or None."""
        if self.status is None or not 300 <= self.status < 400:
            return None
        return self.header("location") or "(no Location header)"

    def text(self) -> str | None:
        """The body as text, or None when it is binary (see the module docstring)."""
        if b"\x00" in self.body:
            return None
        try:
            return self.body.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None


def status_class(status: int | None) -> str:
    """The accent a status is shown in: ``success``, ``info``, ``waiting`` or ``failure``."""
    if status is None:
        return "failure"
    if 200 <= status < 300:
        return "success"
    if 300 <= status < 400 or status < 200:
        return "info"
    if 400 <= status < 500:
        return "waiting"
    return "failure"


def status_text(view: ResponseView) -> str:
    """``200 OK``, or what happened when there was no answer (``No answer: timeout``)."""
    if view.status is None:
        if view.elapsed_ms is None and not view.error:
            return "In flight"
        return f"No answer: {view.error_kind}" if view.error_kind else "No answer"
    try:
        phrase = http.HTTPStatus(view.status).phrase
    except ValueError:
        phrase = ""
    return f"{view.status} {phrase}".strip()


def size_text(n: int) -> str:
    """``512 B``, ``1.5 KiB``, ``2.0 MiB``."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / (1024 * 1024):.1f} MiB"


def clock_text(t: float | None) -> str:
    """A moment as local date and time to the millisecond, or "unknown"."""
    if t is None:
        return "unknown"
    return dt.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def hex_dump(data: bytes, limit: int = HEX_LIMIT) -> str:
    """Offset, sixteen bytes in hex and as ASCII, per line; at most ``limit`` bytes."""
    lines = []
    for offset in range(0, min(len(data), limit), 16):
        chunk = data[offset : offset + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        ascii_ = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hexes:<47}  {ascii_}")
    if len(data) > limit:
        lines.append(f"… {len(data) - limit:,} more bytes not shown")
    return "\n".join(lines)
