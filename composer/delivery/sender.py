"""Sending one rendered request over HTTP, exactly as rendered, within a whole-response deadline.

Decisions:

* **Exact bytes.** The request is built with explicit headers and sent with
  ``Client.send``, which does not merge the client's default headers, so httpx adds no
  ``Accept`` or ``Connection``. What reaches the socket is the request line, ``Host``,
  the rendered headers in their order (names as written, values UTF-8), then
  ``User-Agent: webhook-composer/<version>`` and ``Accept-Encoding: gzip, deflate``
  (:func:`implicit_headers`; each unless the request sets its own), and
  ``Content-Length`` when there is a body (or the method is POST, PUT or PATCH), then the
  body encoded as UTF-8. Userinfo left in a URL is dropped: rendering has
  already turned it into an ``Authorization`` header. Redirects are not followed, cookies
  are not kept, and proxies from the environment are not used (``trust_env=False``), so
  what the preview showed is what the endpoint gets.
* **One deadline per attempt.** httpx's timeouts apply to each socket operation, so a
  server sending one byte every half second would never trip them. The connection pool
  here uses a network backend whose streams clamp every connect, read and write to the
  time left until the attempt's deadline; the body loop also checks the clock between
  chunks. An attempt that has not received the last byte of the response ``timeout``
  seconds after it started is a ``timeout``, whether the server trickles, stalls after
  accepting, or never accepts. (DNS lookups run inside ``getaddrinfo`` and cannot be
  interrupted; they rarely take long.)
* **Compressed answers are decoded.** A body whose ``Content-Encoding`` is gzip or
  deflate is decoded as it arrives (:mod:`composer.delivery.content_coding`); any other coding is
  kept as received and ``body_problem`` says so.
* **What an attempt got back** is :class:`~composer.delivery.attempt.AttemptResult`, in a
  module of its own so the record layer reads it without loading httpx.
* **Bounded memory.** The first :data:`~composer.delivery.attempt.BODY_LIMIT` bytes (1 MiB)
  of a response body are kept, counted after decoding, so a decompression bomb stays within
  the cap; the rest is read, counted in ``size`` (bytes on the wire) and dropped, and
  ``truncated`` is set.
* **Errors the user can act on.** Failures are sorted into
  :data:`~composer.delivery.attempt.ERROR_KINDS`, each with a plain sentence: ``dns``,
  ``refused`` (no connection could be made), ``tls``, ``timeout``, ``reset``,
  ``invalid_response`` and ``other`` (the request itself cannot be sent, such as a malformed
  URL or header).

A :class:`Sender` owns one ``httpx.Client`` and is used by one thread at a time; keep-alive
connections are reused across its sends.
"""

from __future__ import annotations

import errno
import functools
import importlib.metadata
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import httpcore
import httpx

import composer
from composer.delivery.attempt import BODY_LIMIT, DEFAULT_TIMEOUT, AttemptResult
from composer.delivery.content_coding import ACCEPT_ENCODING, BodyDecoder, coding_of
from composer.http_headers import TOKEN

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_TIMEOUT",
    "Sender",
    "WireRequest",
    "implicit_headers",
    "user_agent",
]


class WireRequest(Protocol):
    """What the sender needs of a rendered request (secrets already revealed)."""

    @property
    def method(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def headers(self) -> Sequence[tuple[str, str]]: ...
    @property
    def body(self) -> str: ...


def implicit_headers(names: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The headers the sender appends after a request's own (``names``), in order."""
    have = {name.lower() for name in names}
    found: list[tuple[str, str]] = []
    if "user-agent" not in have:
        found.append(("User-Agent", user_agent()))
    if "accept-encoding" not in have:
        found.append(("Accept-Encoding", ACCEPT_ENCODING))
    return tuple(found)


@functools.cache
def user_agent() -> str:
    """``webhook-composer/<version>``: the User-Agent sent unless a request sets one."""
    version = getattr(composer, "__version__", None)
    if not isinstance(version, str):
        try:
            version = importlib.metadata.version("webhook-composer")
        except importlib.metadata.PackageNotFoundError:
            version = "0+unknown"
    return f"webhook-composer/{version}"


# -- the deadline-keeping network backend ----------------------------------------------


class _Deadline(threading.local):
    """The ``time.monotonic()`` instant the current attempt must end by (per thread)."""

    at: float | None = None

    def left(self, wanted: float | None, error: type[Exception]) -> float | None:
        """``wanted`` clamped to the time left; raises ``error`` once none is left."""
        if self.at is None:
            return wanted
        left = self.at - time.monotonic()
        if left <= 0:
            raise error("the attempt's deadline passed")
        return left if wanted is None else min(wanted, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = self._deadline.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, wait), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def __init__(self, deadline: _Deadline) -> None:
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        wait = self._deadline.left(timeout, httpcore.ConnectTimeout)
        inner = super().connect_tcp(host, port, wait, local_address, socket_options)
        return _DeadlineStream(inner, self._deadline)


_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | None = None


def _shared_ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every sender (building one costs milliseconds)."""
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            _ssl_context = httpx.create_ssl_context(trust_env=False)
        return _ssl_context


class _Transport(httpx.HTTPTransport):
    """httpx's transport with a connection pool on the deadline-keeping backend.

    httpx offers no parameter for httpcore's ``network_backend``, so the pool it builds is
    replaced by an equal one that has it (``_pool`` is what ``handle_request`` uses). The
    deadline tests (a trickling and a silent server) fail if that ever stops holding.
    """

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__(verify=_shared_ssl_context(), trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_shared_ssl_context(),
            max_connections=10,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=_DeadlineBackend(deadline),
        )


# -- the sender --------------------------------------------------------------------------


class Sender:
    """Sends rendered requests with one ``httpx.Client``; use from one thread at a time."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, body_limit: int = BODY_LIMIT) -> None:
        if timeout <= 0:
            raise ValueError("the timeout must be positive")
        self.timeout = timeout
        self.body_limit = body_limit
        self._deadline = _Deadline()
        self._client = httpx.Client(
            transport=_Transport(self._deadline),
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
        )

    def close(self) -> None:
        """Close the client and its connections."""
        self._client.close()

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def build(self, request: WireRequest) -> httpx.Request:
        """The ``httpx.Request`` that :meth:`send` sends (raises on an unsendable request)."""
        url = httpx.URL(request.url)
        if url.userinfo:
            url = url.copy_with(username=None, password=None)
        headers: list[tuple[bytes, bytes]] = []
        for name, value in request.headers:
            if not TOKEN.fullmatch(name):
                raise ValueError(f"{name!r} is not a valid header name")
            if any(c in value for c in "\r\n\0"):
                raise ValueError(f"the value of the {name} header holds a line break")
            headers.append((name.encode("ascii"), value.encode("utf-8")))
        for name, value in implicit_headers([name for name, _ in request.headers]):
            headers.append((name.encode("ascii"), value.encode("ascii")))
        return httpx.Request(
            request.method, url, headers=headers, content=request.body.encode("utf-8")
        )

    def send(self, request: WireRequest) -> AttemptResult:
        """Send once; never raises for network or HTTP trouble (see the result's error)."""
        started = time.monotonic()
        self._deadline.at = started + self.timeout
        try:
            return self._send(request, started)
        finally:
            self._deadline.at = None

    def _send(self, request: WireRequest, started: float) -> AttemptResult:
        def elapsed() -> float:
            return round((time.monotonic() - started) * 1000, 3)

        host = "the server"
        try:
            built = self.build(request)
            host = built.url.host or host
        except (httpx.InvalidURL, UnicodeError, ValueError, TypeError) as exc:
            return _failure(elapsed(), "other", f"The request cannot be sent: {_plain(exc)}.")
        headers: tuple[tuple[str, str], ...] = ()
        body = BodyDecoder(None, self.body_limit)
        size = 0
        try:
            response = self._client.send(built, stream=True, follow_redirects=False)
            try:
                headers = tuple((_text(k), _text(v)) for k, v in response.headers.raw)
                body = BodyDecoder(coding_of(response.headers.get("content-encoding")), body.limit)
                for chunk in response.iter_raw():
                    size += len(chunk)
                    body.feed(chunk)
                    if self._deadline.at is not None and time.monotonic() > self._deadline.at:
                        raise httpx.ReadTimeout("the attempt's deadline passed", request=built)
                body.finish()
            finally:
                response.close()
        except _SEND_ERRORS as exc:
            kind, sentence = _classify(exc, host, built.url.port, self.timeout, bool(headers))
            return AttemptResult(
                None, headers, body.body, size, body.truncated, elapsed(), kind, sentence
            )
        problem = body.problem
        if body.ended_early:
            problem = (
                f"The {body.coding} stream ended before its end; the body holds what was decoded."
            )
        return AttemptResult(
            response.status_code,
            headers,
            body.body,
            size,
            body.truncated,
            elapsed(),
            decoded=body.decoded,
            body_problem=problem,
        )


"""A valid header name (RFC 9110 token)."""

_SEND_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError)
"""What a send can raise because of the network, the server or the request's content."""


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _failure(elapsed_ms: float, kind: str, sentence: str) -> AttemptResult:
    return AttemptResult(None, (), b"", 0, False, elapsed_ms, kind, sentence)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _classify(
    exc: Exception, host: str, port: int | None, timeout: float, answered: bool
) -> tuple[str, str]:
    """Sort a failure into one of the attempt's ``ERROR_KINDS`` with a sentence for the user."""
    where = f"{host}:{port}" if port else host
    causes = list(_chain(exc))
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return "timeout", f"Could not connect to {where} within {timeout:g} s."
    if isinstance(exc, httpx.TimeoutException):
        if answered:
            return "timeout", (
                f"The server began answering but had not sent the whole response "
                f"{timeout:g} s after the attempt started."
            )
        return "timeout", f"The server did not answer within {timeout:g} s."
    if any(isinstance(c, socket.gaierror) for c in causes):
        return "dns", f"The name {host} could not be found (DNS lookup failed)."
    tls = next((c for c in causes if isinstance(c, ssl.SSLError)), None)
    if tls is not None:
        reason = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or tls
        return "tls", f"The secure (TLS) connection to {where} failed: {reason}."
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "refused", f"{where} refused the connection (nothing is listening there)."
    if any(isinstance(c, ConnectionResetError | BrokenPipeError) for c in causes):
        return "reset", "The server reset the connection before the response was complete."
    if isinstance(exc, httpx.ConnectError):
        os_error = next((c for c in causes if isinstance(c, OSError) and c.errno), None)
        why = errno.errorcode.get(os_error.errno, "") if os_error and os_error.errno else ""
        reason = (os_error.strerror if os_error else None) or why or str(exc)
        return "refused", f"Could not connect to {where}: {reason}."
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending" in str(exc) or "peer closed" in str(exc).lower():
            return "reset", "The server closed the connection without a complete answer."
        return "invalid_response", f"The server's answer is not valid HTTP ({exc})."
    if isinstance(exc, httpx.DecodingError):
        return "invalid_response", f"The server's answer could not be decoded ({exc})."
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.CloseError):
        return "reset", "The connection broke before the response was complete."
    if isinstance(exc, httpx.LocalProtocolError | httpx.UnsupportedProtocol):
        return "other", f"The request cannot be sent: {_plain(exc)}."
    return "other", f"Sending failed: {_plain(exc)}."


def _plain(exc: BaseException) -> str:
    return str(exc).strip().rstrip(".") or type(exc).__name__
