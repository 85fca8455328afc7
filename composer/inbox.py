"""A local inbox: an HTTP catcher on the loopback interface that keeps what it receives.

Point a request's URL at :attr:`Inbox.url` and every request that arrives is kept as a
:class:`CaughtRequest` exactly as received: the request line, the headers in their order
with their names' original case, and the body's bytes. The answer it gives is a
:class:`Reply` that can be changed while it runs (:meth:`Inbox.set_reply`), or queued
one-shot (:meth:`Inbox.queue`: "503, then 200"), so retries and response mappings can be
tried end to end without the internet. ::

    with Inbox(reply=Reply(200, [("Content-Type", "application/json")], b'{"id": 7}')) as inbox:
        ...  # send to inbox.url
        inbox.wait_for(1)
        caught = inbox.requests[0]

Decisions:

* **Loopback only.** The host must be an address in 127.0.0.0/8 or ``::1`` (``localhost``
  means 127.0.0.1); anything else, ``0.0.0.0`` included, is refused with
  :class:`InboxError` before a socket is made. Names are not resolved.
* **Its own small HTTP/1.1 parser** on ``socketserver`` threads (one per connection),
  so the head is kept byte for byte and nothing is normalised. Header bytes are shown
  as UTF-8 (Latin-1 when they are not valid UTF-8). Keep-alive is honoured; bodies are
  framed by ``Content-Length`` or ``Transfer-Encoding: chunked``; ``Expect:
  100-continue`` is answered. Anything else that is not HTTP gets ``400`` (``431`` for an
  oversized head, ``408`` for a client that stalls mid-request) and the connection is
  closed; the inbox keeps running and counts it in :attr:`Inbox.rejected`.
* **Bounded memory.** Each body keeps its first ``max_body`` bytes (``truncated`` says
  when there was more); the rest is read and dropped as it streams in, so a 100 MB upload
  neither fills memory nor leaves its client stuck. At most ``max_requests`` requests and
  ``max_bytes`` bytes (heads and kept bodies) are kept; the oldest go first.
* **Slow clients** time out after ``read_timeout`` seconds without a byte.
* **Clean stop.** :meth:`Inbox.stop` stops accepting, closes open connections, joins
  every thread and closes every socket. The ``on_request`` hook runs on the connection's
  thread after the request is kept and before it is answered; what it raises is ignored.
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import itertools
import json
import re
import socket
import socketserver
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from composer.errors import InboxError

__all__ = ["CaughtRequest", "Inbox", "InboxError", "Reply", "pretty_body"]

_MAX_LINE = 16 * 1024
_MAX_HEAD = 64 * 1024
_MAX_HEADERS = 200
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(rb"HTTP/1\.[01]")
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
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    def body_text(self) -> str | None:
        """The body as text when it is valid UTF-8, else None."""
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def to_dict(self) -> dict[str, Any]:
        """``{"method", "path", "headers", "body"}`` (or ``"body_base64"`` when not UTF-8).

        ``path`` includes the query string. This is the line ``webhook-composer inbox``
        prints.
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


def loopback_address(host: str) -> str:
    """``host`` as a loopback IP address, or :class:`InboxError` when it is not one."""
    name = "127.0.0.1" if host.strip().lower() == "localhost" else host.strip().strip("[]")
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        raise InboxError(
            f"The inbox listens only on a loopback address (127.0.0.1 or ::1), not {host!r}."
        ) from None
    if not address.is_loopback:
        raise InboxError(
            f"The inbox listens only on the loopback interface (127.0.0.0/8 or ::1), so that "
            f"nothing outside this computer can reach it; {host} is not a loopback address."
        )
    return str(address)


class Inbox:
    """A loopback HTTP catcher. Start it, send to :attr:`url`, read :attr:`requests`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        reply: Reply | None = None,
        *,
        max_requests: int = 1000,
        max_bytes: int = 64 * 1024 * 1024,
        max_body: int = 1024 * 1024,
        read_timeout: float = 10.0,
        on_request: Callable[[CaughtRequest], object] | None = None,
    ) -> None:
        self.host = loopback_address(host)
        if not 0 <= port <= 65535:
            raise InboxError(
                f"The inbox's port must be from 0 (any free port) to 65535, not {port}."
            )
        self.port = port
        self.max_requests = max(1, max_requests)
        self.max_bytes = max_bytes
        self.max_body = max_body
        self.read_timeout = read_timeout
        self.on_request = on_request
        """Called with each request after it is kept and before it is answered."""
        self.rejected = 0
        """How many connections got an error answer because they did not speak HTTP."""
        self.dropped = 0
        """How many requests were let go to keep within the caps."""
        self._reply = reply or Reply()
        self._queued: deque[Reply] = deque()
        self._kept: deque[CaughtRequest] = deque()
        self._kept_bytes = 0
        self._received = 0
        self._numbers = itertools.count(1)
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> Inbox:
        """Bind and start serving in background threads; returns self."""
        if self._server is not None:
            return self
        self._stopping.clear()
        try:
            server = _Server((self.host, self.port), self)
        except OSError as exc:
            raise InboxError(
                f"The inbox cannot listen on {self.host} port {self.port} ({exc.strerror})."
            ) from None
        self._server = server
        self.port = int(server.server_address[1])
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="inbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close open connections, join the threads, close the sockets.

        Call it from any thread but the inbox's own (not from ``on_request``).
        """
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        with self._changed:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()  # joins the connection threads
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    @property
    def running(self) -> bool:
        """Whether the inbox is listening."""
        return self._server is not None

    def __enter__(self) -> Inbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL to send to (no trailing slash)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # -- replies --------------------------------------------------------------------

    @property
    def reply(self) -> Reply:
        """The answer given when no queued reply is waiting."""
        return self._reply

    def set_reply(self, reply: Reply) -> None:
        """Answer every following request with ``reply`` (after any queued ones)."""
        self._reply = reply

    def queue(self, replies: Iterable[Reply]) -> None:
        """Answer the next requests with ``replies``, one each, then with :attr:`reply`."""
        with self._changed:
            self._queued.extend(replies)

    def _next_reply(self) -> Reply:
        with self._changed:
            return self._queued.popleft() if self._queued else self._reply

    # -- what was caught ------------------------------------------------------------

    @property
    def requests(self) -> list[CaughtRequest]:
        """The kept requests, oldest first (a copy)."""
        with self._changed:
            return list(self._kept)

    def clear(self) -> None:
        """Forget every kept request."""
        with self._changed:
            self._kept.clear()
            self._kept_bytes = 0

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until ``count`` requests have been received in all; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._received >= count, timeout)

    def _keep(self, caught: CaughtRequest) -> None:
        with self._changed:
            self._kept.append(caught)
            self._kept_bytes += caught.size()
            while len(self._kept) > 1 and (
                len(self._kept) > self.max_requests or self._kept_bytes > self.max_bytes
            ):
                self._kept_bytes -= self._kept.popleft().size()
                self.dropped += 1
            self._received += 1
            self._changed.notify_all()
        if self.on_request is not None:
            with contextlib.suppress(Exception):
                self.on_request(caught)

    def _track(self, conn: socket.socket, open_: bool) -> None:
        with self._changed:
            if open_:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _reject(self) -> None:
        with self._changed:
            self.rejected += 1


class _Server(socketserver.ThreadingTCPServer):
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
    server: _Server
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
