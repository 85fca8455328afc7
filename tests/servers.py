"""A threaded HTTP/1.1 server on 127.0.0.1 that misbehaves on request.

An ordinary HTTP server answers well-formed requests; the sender also has to be tested
against servers that trickle, stall, reset or lie. :class:`FaultServer` speaks raw sockets, so it
can do all of that, and it records every request exactly as the bytes arrived.

    with FaultServer([Reply(503), Reply(503), Reply.json({"id": 7})]) as server:
        ...  # send to server.url
        assert len(server.requests) == 3

The script is consumed in order; once it is exhausted the last reply repeats. A reply
may also be a callable taking the :class:`Received` request and returning a
:class:`Reply`. Connections are kept alive unless a reply closes them.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["FaultServer", "Received", "Reply"]

REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    301: "Moved Permanently",
    400: "Bad Request",
    404: "Not Found",
    408: "Request Timeout",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Reply:
    """What the server does with one request."""

    status: int = 200
    """The status code to answer with."""
    headers: tuple[tuple[str, str], ...] = ()
    """Extra response headers (Content-Length is added unless ``raw`` is given)."""
    body: bytes = b""
    """The response body."""
    delay: float = 0.0
    """Seconds to stay silent before answering."""
    trickle: float | None = None
    """Send the body one byte at a time, this many seconds apart (after the head)."""
    trickle_head: bool = False
    """With ``trickle``: trickle the status line and headers too."""
    reset: bool = False
    """Reset the connection (RST) instead of answering."""
    silent: float | None = None
    """Accept the request, then say nothing for this many seconds and close."""
    raw: bytes | None = None
    """Bytes to send verbatim instead of a well-formed answer."""
    close: bool = False
    """Close the connection after answering."""

    @classmethod
    def json(cls, value: object, status: int = 200) -> Reply:
        """A JSON answer."""
        return cls(status, (("Content-Type", "application/json"),), json.dumps(value).encode())

    def wire(self) -> bytes:
        """The answer's bytes."""
        if self.raw is not None:
            return self.raw
        reason = REASONS.get(self.status, "Status")
        lines = [f"HTTP/1.1 {self.status} {reason}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        lines.append(f"Content-Length: {len(self.body)}")
        if self.close:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


@dataclass(frozen=True)
class Received:
    """One request as it reached the server."""

    raw: bytes
    """Every byte of the request: request line, headers and body."""
    method: str
    """The request method."""
    target: str
    """The request target (path and query)."""
    headers: tuple[tuple[str, str], ...]
    """Header lines in the order sent, names as sent."""
    body: bytes
    """The body (by Content-Length)."""
    at: float = field(default_factory=time.monotonic)
    """``time.monotonic()`` when the request was complete."""

    def header(self, name: str) -> str | None:
        """The first value of a header (name case-insensitive)."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


ReplyLike = Reply | Callable[[Received], Reply]


class FaultServer:
    """An HTTP/1.1 server on 127.0.0.1 that follows a script of replies."""

    def __init__(self, script: Iterable[ReplyLike] = (Reply(),), greeting: bytes = b"") -> None:
        self._script: list[ReplyLike] = list(script) or [Reply()]
        self.greeting = greeting
        """Bytes sent as soon as a connection is accepted, before any request is read."""
        self._lock = threading.Lock()
        self._next = 0
        self._stop = threading.Event()
        self.requests: list[Received] = []
        """Every request received, in order of arrival."""
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port: int = self._listener.getsockname()[1]
        self._connections: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="fault-server", daemon=True)

    @property
    def url(self) -> str:
        """The server's base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def script(self, replies: Iterable[ReplyLike]) -> None:
        """Replace the script; the next request gets its first reply."""
        with self._lock:
            self._script = list(replies) or [Reply()]
            self._next = 0

    def __enter__(self) -> FaultServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop accepting, drop open connections and wait for the threads."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._acceptor.is_alive():
            self._acceptor.join(5)
        for thread in self._threads:
            thread.join(5)

    # -- internals -----------------------------------------------------------------

    def _reply_for(self, request: Received) -> Reply:
        with self._lock:
            self.requests.append(request)
            item = self._script[min(self._next, len(self._script) - 1)]
            self._next += 1
        return item(request) if callable(item) else item

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        try:
            if self.greeting:
                conn.sendall(self.greeting)
            while not self._stop.is_set():
                request, buffer = _read_request(conn, buffer)
                if request is None:
                    return
                reply = self._reply_for(request)
                if not self._answer(conn, reply):
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()

    def _answer(self, conn: socket.socket, reply: Reply) -> bool:
        """Act out one reply; False when the connection must end."""
        if reply.delay and self._stop.wait(reply.delay):
            return False
        if reply.reset:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if reply.silent is not None:
            self._stop.wait(reply.silent)
            return False
        data = reply.wire()
        if reply.trickle is None:
            conn.sendall(data)
        else:
            start = 0 if reply.trickle_head else len(data) - len(reply.body)
            conn.sendall(data[:start])
            for i in range(start, len(data)):
                conn.sendall(data[i : i + 1])
                if self._stop.wait(reply.trickle):
                    return False
        return not reply.close and reply.raw is None


def _read_request(conn: socket.socket, buffer: bytes) -> tuple[Received | None, bytes]:
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = tuple(
        (name, value.strip()) for name, _, value in (line.partition(":") for line in lines[1:])
    )
    length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        rest += chunk
    body, remainder = rest[:length], rest[length:]
    raw = head + b"\r\n\r\n" + body
    return Received(raw, method, target, headers, body), remainder
