"""The local inbox's HTTP/1.1 side: a small parser on ``socketserver`` threads.

Part of :mod:`composer.inbox.server`: :class:`InboxServer` accepts connections for an
:class:`~composer.inbox.server.Inbox`, one thread each, and hands every request it reads to the
inbox to keep, then writes the inbox's reply. Its own parser, so that the head is kept
byte for byte and nothing is normalised:

* Header bytes are shown as UTF-8 (Latin-1 when they are not valid UTF-8).
* Keep-alive is honoured; bodies are framed by ``Content-Length`` or
  ``Transfer-Encoding: chunked``; ``Expect: 100-continue`` is answered.
* Anything that is not HTTP gets ``400`` (``431`` for an oversized head, ``408`` for a
  client that stalls mid-request) and the connection is closed gently (the client's
  remaining input is drained so that the answer is not lost to a reset); the inbox
  keeps running and counts it.
* A body keeps its first ``max_body`` bytes; the rest is read and dropped as it streams
  in, so a 100 MB upload neither fills memory nor leaves its client stuck.
* **Deadlines.** A client silent for ``read_timeout`` seconds is dropped (mid-request it
  gets a ``408``). A request must arrive whole, from its first byte to the body's last,
  within ``request_timeout`` seconds (30 by default), however steadily it trickles, or
  it gets a ``408`` and the connection is closed: a client sending a byte every few
  seconds cannot hold a connection (and its thread) for ever. Reads go through
  :class:`_Reader`, which gives each ``recv`` only the time left.
* **Many clients at once.** The listen backlog is the system's maximum
  (``socket.SOMAXCONN``) rather than ``socketserver``'s 5, so a burst of connections waits
  in the kernel's queue to be accepted instead of being dropped and retried by the
  client a second or more later.
"""

from __future__ import annotations

import contextlib
import re
import socket
import socketserver
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from composer.inbox.messages import CaughtRequest, Reply

if TYPE_CHECKING:
    from composer.inbox.server import Inbox

__all__ = ["InboxServer"]

_MAX_LINE = 16 * 1024
_MAX_HEAD = 64 * 1024
_MAX_HEADERS = 200
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(rb"HTTP/1\.[01]")


class InboxServer(socketserver.ThreadingTCPServer):
    """A threading TCP server whose connections each speak to one
    :class:`~composer.inbox.server.Inbox`."""

    request_queue_size = socket.SOMAXCONN
    allow_reuse_address = True
    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], inbox: Inbox) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.inbox = inbox
        super().__init__(address, _Handler)


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class _Body:
    limit: int
    kept: bytearray = field(default_factory=bytearray)
    size: int = 0

    def add(self, chunk: bytes) -> None:
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += chunk[:room]
        self.size += len(chunk)


class _Reader:
    """Buffered reads from a socket, each ``recv`` bounded by the idle timeout and by the
    current request's deadline (set when its first byte arrives)."""

    def __init__(self, sock: socket.socket, idle: float, whole: float) -> None:
        self.sock = sock
        self.idle = idle
        self.whole = whole
        self.buffer = bytearray()
        self.deadline: float | None = None

    def next_request(self) -> None:
        """Start the clock of a new request (at once when its bytes are already here)."""
        self.deadline = time.monotonic() + self.whole if self.buffer else None

    def _fill(self) -> bool:
        """Receive more bytes; False at the end of input. A 408 :class:`_BadRequest` when
        the deadline passes, ``TimeoutError`` after ``idle`` seconds of silence."""
        timeout = self.idle
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise self._late()
            timeout = min(timeout, left)
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(64 * 1024)
        except TimeoutError:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise self._late() from None
            raise
        if self.deadline is None:
            self.deadline = time.monotonic() + self.whole
        self.buffer += chunk
        return bool(chunk)

    def readline(self, limit: int) -> bytes:
        """One line with its ``\\n``; at most ``limit`` bytes; what is left at the end."""
        start = 0
        while True:
            end = self.buffer.find(b"\n", start, limit)
            if end >= 0:
                return self._take(end + 1)
            if len(self.buffer) >= limit:
                return self._take(limit)
            start = len(self.buffer)
            if not self._fill():
                return self._take(len(self.buffer))

    def read1(self, size: int) -> bytes:
        """Up to ``size`` bytes, waiting only when none are buffered (b"" at the end)."""
        if not self.buffer and not self._fill():
            return b""
        return self._take(min(size, len(self.buffer)))

    def _late(self) -> _BadRequest:
        return _BadRequest(408, f"the request did not arrive whole within {self.whole:g} s")

    def _take(self, size: int) -> bytes:
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


class _Handler(socketserver.StreamRequestHandler):
    server: InboxServer
    reader: _Reader

    def setup(self) -> None:
        inbox = self.server.inbox
        self.request.settimeout(inbox.read_timeout)
        super().setup()
        self.reader = _Reader(self.request, inbox.read_timeout, inbox.request_timeout)
        inbox._track(self.request, True)

    def finish(self) -> None:
        self.server.inbox._track(self.request, False)
        with contextlib.suppress(OSError):
            super().finish()

    def handle(self) -> None:
        inbox = self.server.inbox
        while not inbox._stopping.is_set():
            try:
                if not self._one(inbox):
                    return
            except _BadRequest as exc:
                inbox._reject()
                body = (str(exc) + "\n").encode("utf-8")
                reply = Reply(exc.status, [("Content-Type", "text/plain; charset=utf-8")], body)
                with contextlib.suppress(OSError):
                    self.request.settimeout(inbox.read_timeout)
                    self.wfile.write(reply.wire(close=True))
                    self._drain()
                return
            except (OSError, ValueError):
                return  # the client went away, or the inbox is stopping

    def _drain(self) -> None:
        """Close gently: stop sending, then discard what the client still sends for a while.

        Closing a socket with unread input makes the kernel reset the connection, which
        can destroy the error answer before the client reads it.
        """
        self.request.shutdown(socket.SHUT_WR)
        self.request.settimeout(0.5)
        deadline = time.monotonic() + 2.0
        left = 4 * 1024 * 1024
        while left > 0 and time.monotonic() < deadline:
            chunk = self.request.recv(64 * 1024)
            if not chunk:
                return
            left -= len(chunk)

    def _readline(self, started: bool) -> bytes:
        try:
            line = self.reader.readline(_MAX_LINE + 1)
        except TimeoutError:
            if started:
                raise _BadRequest(408, "the request was not completed in time") from None
            raise
        if len(line) > _MAX_LINE:
            raise _BadRequest(431, "a line of the request is too long")
        if started and not line:
            raise ConnectionResetError("the client closed the connection mid-request")
        return line

    def _one(self, inbox: Inbox) -> bool:
        """Read, keep and answer one request; False when the connection should end."""
        self.reader.next_request()
        line = self._readline(False)
        while line in (b"\r\n", b"\n"):
            line = self._readline(False)
        if not line:
            return False
        received_at, started = time.time(), time.monotonic()
        head = bytearray(line)
        parts = line.rstrip(b"\r\n").split(b" ")
        if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or not _VERSION.fullmatch(parts[2]):
            raise _BadRequest(400, "the request line is not HTTP/1.x")
        method, target, version = (p.decode("latin-1") for p in parts)
        headers: list[tuple[str, str]] = []
        while True:
            line = self._readline(True)
            head += line
            if len(head) > _MAX_HEAD or len(headers) > _MAX_HEADERS:
                raise _BadRequest(431, "the request's headers are too large")
            if line in (b"\r\n", b"\n"):
                break
            name, colon, value = line.partition(b":")
            if not colon or not _TOKEN.fullmatch(name):
                raise _BadRequest(400, "a header line is malformed")
            headers.append((_text(name), _text(value.strip(b" \t\r\n"))))
        lowered = [(k.lower(), v) for k, v in headers]
        encoding = [v.strip().lower() for k, v in lowered if k == "transfer-encoding"]
        lengths = {v.strip() for k, v in lowered if k == "content-length"}
        chunked = bool(encoding)
        if chunked and encoding[-1].split(",")[-1].strip() != "chunked":
            raise _BadRequest(400, "the only transfer coding understood is chunked")
        length = 0
        if not chunked and lengths:
            if len(lengths) > 1 or not next(iter(lengths)).isdigit():
                raise _BadRequest(400, "the Content-Length header is not valid")
            length = int(next(iter(lengths)))
        expect = any(k == "expect" and v.lower() == "100-continue" for k, v in lowered)
        if expect and (chunked or length) and version == "HTTP/1.1":
            self.request.settimeout(inbox.read_timeout)
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = _Body(inbox.max_body)
        if chunked:
            self._read_chunked(body)
        else:
            self._read_exact(body, length)
        connection = {v.strip().lower() for k, v in lowered if k == "connection"}
        close = version == "HTTP/1.0" or "close" in connection
        caught = CaughtRequest(
            number=next(inbox._numbers),
            method=method,
            target=target,
            version=version,
            headers=tuple(headers),
            body=bytes(body.kept),
            body_size=body.size,
            truncated=body.size > len(body.kept),
            chunked=chunked,
            head=bytes(head),
            received_at=received_at,
            elapsed_ms=round((time.monotonic() - started) * 1000, 3),
            client=(str(self.client_address[0]), int(self.client_address[1])),
        )
        inbox._keep(caught)
        reply = inbox._next_reply()
        if reply.delay_s > 0 and inbox._stopping.wait(reply.delay_s):
            return False
        self.request.settimeout(inbox.read_timeout)
        self.wfile.write(reply.wire(close, head_only=method == "HEAD"))
        return not close

    def _read_exact(self, body: _Body, length: int) -> None:
        left = length
        while left > 0:
            try:
                chunk = self.reader.read1(min(left, 64 * 1024))
            except TimeoutError:
                raise _BadRequest(408, "the request body was not completed in time") from None
            if not chunk:
                raise ConnectionResetError("the client closed the connection mid-body")
            body.add(chunk)
            left -= len(chunk)

    def _read_chunked(self, body: _Body) -> None:
        while True:
            size_text = self._readline(True).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _BadRequest(400, "a chunk size is not valid") from None
            if size_text.startswith((b"-", b"+", b"0x", b"0X")) or size < 0:
                raise _BadRequest(400, "a chunk size is not valid")
            if size == 0:
                trailers = 0
                while self._readline(True) not in (b"\r\n", b"\n"):
                    trailers += 1
                    if trailers > _MAX_HEADERS:
                        raise _BadRequest(431, "too many trailer lines")
                return
            self._read_exact(body, size)
            if self._readline(True) not in (b"\r\n", b"\n"):
                raise _BadRequest(400, "a chunk does not end with CRLF")


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
