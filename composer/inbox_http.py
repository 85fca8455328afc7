"""The local inbox's HTTP/1.1 side: a small parser on ``socketserver`` threads.

Part of :mod:`composer.inbox`: :class:`InboxServer` accepts connections for an
:class:`~composer.inbox.Inbox`, one thread each, and hands every request it reads to the
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
* A client silent for ``read_timeout`` seconds is dropped.
"""

from __future__ import annotations

import contextlib
import re
import socket
import socketserver
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from composer.inbox_messages import CaughtRequest, Reply

if TYPE_CHECKING:
    from composer.inbox import Inbox

__all__ = ["InboxServer"]

_MAX_LINE = 16 * 1024
_MAX_HEAD = 64 * 1024
_MAX_HEADERS = 200
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(rb"HTTP/1\.[01]")


class InboxServer(socketserver.ThreadingTCPServer):
    """A threading TCP server whose connections speak to one :class:`~composer.inbox.Inbox`."""

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


class _Handler(socketserver.StreamRequestHandler):
    server: InboxServer
    rbufsize = 64 * 1024

    def setup(self) -> None:
        self.request.settimeout(self.server.inbox.read_timeout)
        super().setup()
        self.server.inbox._track(self.request, True)

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
            line: bytes = self.rfile.readline(_MAX_LINE + 1)
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
        self.wfile.write(reply.wire(close, head_only=method == "HEAD"))
        return not close

    def _read_exact(self, body: _Body, length: int) -> None:
        left = length
        while left > 0:
            try:
                chunk = self.rfile.read1(min(left, 64 * 1024))
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
