"""What the local inbox catches and what it answers: :class:`CaughtRequest` and :class:`Reply`.

Part of :mod:`composer.inbox.server` (which re-exports these). A caught request keeps the
request line, the header lines in order with their names' original case, and the body's
bytes exactly as received, plus how it was framed and how long it took; ``to_dict`` is
the JSON line ``webhook-composer inbox`` prints (the body as text when it is UTF-8, else
base64 under ``"body_base64"``; a body cut at the inbox's cap says so with
``"truncated": true`` and its full size in ``"body_size"``). :func:`pretty_body` is the
reading view: indented JSON, form fields one per line, else the text. A reply writes its
own bytes, adding ``Content-Length`` unless its headers give one.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from composer.http_headers import header_value

__all__ = ["CaughtRequest", "Reply", "pretty_body"]

_REASONS = {100: "Continue", 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
            400: "Bad Request", 404: "Not Found", 408: "Request Timeout", 409: "Conflict",
            429: "Too Many Requests", 431: "Request Header Fields Too Large",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Reply:
    """What the inbox answers to each request."""

    status: int = 200
    """The HTTP status code (100-999; 1xx is not allowed here)."""
    headers: Sequence[tuple[str, str]] = ()
    """Response headers in order; ``Content-Length`` is added unless given."""
    body: bytes = b""
    """The response body."""
    delay_s: float = 0.0
    """Seconds to wait before answering (to try timeouts)."""

    def wire(self, close: bool, head_only: bool = False) -> bytes:
        """The answer's bytes."""
        lines = [f"HTTP/1.1 {self.status} {_REASONS.get(self.status, 'Status')}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if not any(name.lower() == "content-length" for name, _ in self.headers):
            lines.append(f"Content-Length: {len(self.body)}")
        if close:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
        return head if head_only else head + self.body


@dataclass(frozen=True, slots=True)
class CaughtRequest:
    """One request as the inbox received it."""

    number: int
    """1 for the first request the inbox received, then 2, 3, ... (dropped ones included)."""
    method: str
    """The method, as sent."""
    target: str
    """The request target as sent: the path with its query string."""
    version: str
    """``HTTP/1.1`` or ``HTTP/1.0``."""
    headers: tuple[tuple[str, str], ...]
    """Header lines in the order received, names in their original case."""
    body: bytes
    """The body's bytes (its first ``max_body`` bytes when ``truncated``)."""
    body_size: int
    """How many body bytes the client sent in all (after de-chunking)."""
    truncated: bool
    """Whether ``body`` holds less than the client sent."""
    chunked: bool
    """Whether the body came with ``Transfer-Encoding: chunked``."""
    head: bytes
    """The request line and header lines, byte for byte, up to the blank line."""
    received_at: float
    """Unix time when the request line arrived."""
    elapsed_ms: float
    """Milliseconds from the request line to the body's last byte."""
    client: tuple[str, int]
    """The client's address and port."""

    @property
    def path(self) -> str:
        """The target without its query string."""
        return self.target.partition("?")[0]

    @property
    def query(self) -> str:
        """The query string without its ``?`` ("" when there is none)."""
        return self.target.partition("?")[2]

    def header(self, name: str) -> str | None:
        """The first value of a header (name case-insensitive)."""
        return header_value(self.headers, name)

    def body_text(self) -> str | None:
        """The body as text when it is valid UTF-8, else None.

        A truncated body may end inside a character; that partial character is left out.
        """
        try:
            if self.truncated:
                return codecs.getincrementaldecoder("utf-8")().decode(self.body, final=False)
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def to_dict(self) -> dict[str, Any]:
        """``{"method", "path", "headers", "body"}`` (or ``"body_base64"`` when not UTF-8).

        ``path`` includes the query string. When the body was cut at the inbox's cap,
        ``"truncated": true`` and ``"body_size"`` (the bytes the client sent) follow
        ``body``. This is the line ``webhook-composer inbox`` prints.
        """
        data: dict[str, Any] = {
            "method": self.method,
            "path": self.target,
            "headers": [[name, value] for name, value in self.headers],
        }
        text = self.body_text()
        if text is None:
            data["body_base64"] = base64.b64encode(self.body).decode("ascii")
        else:
            data["body"] = text
        if self.truncated:
            data["truncated"] = True
            data["body_size"] = self.body_size
        return data

    def size(self) -> int:
        """Bytes this request holds in memory (head and kept body)."""
        return len(self.head) + len(self.body)


def pretty_body(caught: CaughtRequest) -> str:
    """The body for reading: indented JSON, form fields one per line, else the text."""
    text = caught.body_text()
    if text is None:
        return f"({caught.body_size} bytes, not UTF-8)"
    media = (caught.header("Content-Type") or "").split(";")[0].strip().lower()
    if media.endswith("json") or text.lstrip().startswith(("{", "[")):
        with contextlib.suppress(ValueError):
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    if media.endswith("x-www-form-urlencoded"):
        pairs = parse_qsl(text, keep_blank_values=True)
        return "\n".join(f"{key} = {value}" for key, value in pairs)
    return text
