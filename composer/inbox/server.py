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

This module is the inbox itself (where it listens, what it keeps, what it answers);
:mod:`composer.inbox.messages` holds the caught request and the reply,
:mod:`composer.inbox.http` the HTTP/1.1 parser and server. Decisions:

* **Loopback only.** The host must be an address in 127.0.0.0/8 or ``::1`` (``localhost``
  means 127.0.0.1); anything else, ``0.0.0.0`` included, is refused with
  :class:`InboxError` before a socket is made. Names are not resolved.
* **Its own small HTTP/1.1 parser** (:mod:`composer.inbox.http`), one thread per
  connection. A connection that does not speak HTTP gets an error answer and is closed;
  the inbox keeps running and counts it in :attr:`Inbox.rejected`.
* **Bounded memory.** Each body keeps its first ``max_body`` bytes (``truncated`` says
  when there was more). At most ``max_requests`` requests and ``max_bytes`` bytes (heads
  and kept bodies) are kept; the oldest go first.
* **Slow clients** time out after ``read_timeout`` seconds without a byte, and a request
  must arrive whole within ``request_timeout`` seconds (30 by default) of its first byte,
  or it is answered ``408`` and its connection closed, however steadily it trickles.
* **Many clients at once**: a connection thread each, and a listen backlog as large as
  the system allows, so a burst of 100 clients is answered at once.
* **Pointing a request at it** (:func:`with_origin`) keeps the request's own path, query
  and fragment (Liquid included) and swaps only the scheme, host and port for the inbox's;
  :func:`points_at` says whether a request's URL is sent to an inbox on a given port (a
  loopback host and that port, ``localhost`` included), which is how the window knows to
  start its inbox again when such a request is opened.
* **Clean stop.** :meth:`Inbox.stop` stops accepting, closes open connections, joins
  every thread and closes every socket. The ``on_request`` hook runs on the connection's
  thread after the request is kept and before it is answered; what it raises is ignored.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import re
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterable

from composer.errors import InboxError
from composer.inbox.http import InboxServer
from composer.inbox.messages import CaughtRequest, Reply, pretty_body

__all__ = [
    "CaughtRequest",
    "Inbox",
    "InboxError",
    "Reply",
    "points_at",
    "pretty_body",
    "with_origin",
]

_ORIGIN = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
_LOOPBACK_URL = re.compile(
    r"^\s*http://(?P<host>localhost|127(?:\.\d{1,3}){3}|\[::1\]):(?P<port>\d{1,5})(?:[/?#]|\s*$)",
    re.IGNORECASE,
)


def with_origin(request_url: str, inbox_url: str) -> str:
    """``request_url`` sent to the inbox: its path, query and fragment on ``inbox_url``."""
    found = _ORIGIN.match(request_url)
    rest = request_url[found.end() :] if found else ""
    if rest and rest[0] not in "/?#":
        rest = "/" + rest
    return inbox_url.rstrip("/") + (rest or "/")


def points_at(url: str, port: int) -> bool:
    """Whether ``url`` is sent to an inbox on this computer listening on ``port``."""
    found = _LOOPBACK_URL.match(url)
    return found is not None and port > 0 and int(found.group("port")) == port


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
        request_timeout: float = 30.0,
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
        """Seconds a connection may stay silent."""
        self.request_timeout = request_timeout
        """Seconds a request may take to arrive whole, from its first byte."""
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
        self._server: InboxServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> Inbox:
        """Bind and start serving in background threads; returns self."""
        if self._server is not None:
            return self
        self._stopping.clear()
        try:
            server = InboxServer((self.host, self.port), self)
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
