"""The sender against a real, misbehaving server on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from servers import FaultServer, Reply

from composer.sender import BODY_LIMIT, Sender, user_agent


@dataclass(frozen=True)
class Wire:
    """A rendered request as the sender takes it."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    body: str = ""


@pytest.fixture
def sender() -> Iterator[Sender]:
    with Sender(timeout=4.0) as s:
        yield s


def test_sends_exactly_the_rendered_request(sender: Sender) -> None:
    with FaultServer([Reply.json({"ok": True})]) as server:
        result = sender.send(
            Wire(
                "POST",
                server.url + "/hook?a=1&b=%20",
                (("Content-Type", "application/json"), ("X-Name", "Zoë"), ("x-lower", "v")),
                '{"name": "Zoë"}',
            )
        )
    assert result.status == 200
    assert result.error is None
    body = '{"name": "Zoë"}'.encode()
    expected = (
        b"POST /hook?a=1&b=%20 HTTP/1.1\r\n"
        + f"Host: 127.0.0.1:{server.port}\r\n".encode()
        + b"Content-Type: application/json\r\n"
        + "X-Name: Zoë\r\n".encode()
        + b"x-lower: v\r\n"
        + f"User-Agent: {user_agent()}\r\n".encode()
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    assert server.requests[0].raw == expected


@pytest.mark.parametrize(
    ("method", "headers", "body", "content_length", "agent"),
    [
        ("GET", (), "", None, user_agent()),
        ("POST", (), "", "0", user_agent()),
        ("DELETE", (), "x", "1", user_agent()),
        ("PUT", (("user-agent", "mine/1"),), "{}", "2", "mine/1"),
    ],
)
def test_implicit_headers(
    sender: Sender,
    method: str,
    headers: tuple[tuple[str, str], ...],
    body: str,
    content_length: str | None,
    agent: str,
) -> None:
    with FaultServer() as server:
        sender.send(Wire(method, server.url + "/", headers, body))
    received = server.requests[0]
    names = [name.lower() for name, _ in received.headers]
    assert received.header("Content-Length") == content_length
    assert received.header("User-Agent") == agent
    assert names.count("user-agent") == 1
    assert not {"accept", "accept-encoding", "connection"} & set(names)


def test_userinfo_is_not_sent_in_the_url(sender: Sender) -> None:
    with FaultServer() as server:
        url = server.url.replace("http://", "http://user:pw@") + "/x"
        sender.send(Wire("GET", url, (("Authorization", "Basic dXNlcjpwdw=="),)))
    received = server.requests[0]
    assert [v for k, v in received.headers if k.lower() == "authorization"] == [
        "Basic dXNlcjpwdw=="
    ]
    assert b"pw@" not in received.raw


@pytest.mark.parametrize("status", [200, 201, 400, 404, 409, 429, 500, 503])
def test_statuses_are_reported(sender: Sender, status: int) -> None:
    with FaultServer([Reply(status, body=b"answer")]) as server:
        result = sender.send(Wire("POST", server.url))
    assert (result.status, result.body, result.size, result.truncated) == (
        status,
        b"answer",
        6,
        False,
    )
    assert result.error_kind is None


def test_redirects_are_not_followed(sender: Sender) -> None:
    with FaultServer([Reply(301, (("Location", "/elsewhere"),))]) as server:
        result = sender.send(Wire("GET", server.url + "/here", ()))
    assert result.status == 301
    assert result.header("location") == "/elsewhere"
    assert len(server.requests) == 1


def test_body_is_kept_up_to_one_mebibyte(sender: Sender) -> None:
    payload = bytes(range(256)) * (10 * 1024 * 1024 // 256)
    with FaultServer([Reply(body=payload)]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert result.status == 200
    assert result.size == len(payload) == 10 * 1024 * 1024
    assert result.truncated is True
    assert len(result.body) == BODY_LIMIT
    assert result.body == payload[:BODY_LIMIT]


def test_invalid_utf8_body_is_kept_as_bytes(sender: Sender) -> None:
    with FaultServer([Reply(body=b"ok \xff\xfe done")]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert result.body == b"ok \xff\xfe done"
    assert result.text() == "ok \ufffd\ufffd done"


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(reset=True), "reset"),
        (Reply(raw=b"SMTP ready\r\n\r\n"), "invalid_response"),
        (Reply(raw=b"", close=True), "reset"),
    ],
)
def test_broken_servers_are_classified(sender: Sender, reply: Reply, kind: str) -> None:
    with FaultServer([reply]) as server:
        result = sender.send(Wire("POST", server.url, body="{}"))
    assert result.status is None
    assert result.error_kind == kind
    assert result.error and result.error.endswith(".")


def test_tls_failure(sender: Sender) -> None:
    with FaultServer(greeting=b"HTTP/1.1 400 Not TLS\r\n\r\n") as server:
        result = sender.send(Wire("GET", server.url.replace("http://", "https://"), ()))
    assert result.error_kind == "tls"
    assert (result.error or "").startswith("The secure (TLS) connection to 127.0.0.1:")


def test_connection_refused(sender: Sender) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = sender.send(Wire("GET", f"http://127.0.0.1:{port}/", ()))
    assert result.error_kind == "refused"
    assert f"127.0.0.1:{port}" in (result.error or "")


def test_unknown_host(sender: Sender) -> None:
    result = sender.send(Wire("GET", "http://no-such-host.invalid/", ()))
    assert result.error_kind == "dns"
    assert "no-such-host.invalid" in (result.error or "")


@pytest.mark.parametrize(
    ("wire", "fragment"),
    [
        (Wire("GET", "ftp://example.com/", ()), "unsupported protocol"),
        (Wire("GET", "http://127.0.0.1:1/", (("Bad Name", "v"),)), "header"),
        (Wire("GET", "http://127.0.0.1:1/", (("Nämé", "v"),)), "header name"),
        (Wire("GET", "http://127.0.0.1:1/", (("X", "a\r\nB: c"),)), "line break"),
    ],
)
def test_unsendable_requests(sender: Sender, wire: Wire, fragment: str) -> None:
    result = sender.send(wire)
    assert result.error_kind == "other"
    assert fragment in (result.error or "")


@pytest.mark.parametrize(
    "reply",
    [
        Reply(silent=10),  # accepts, reads the request, never answers
        Reply(delay=10),
        Reply(body=b"x" * 40, trickle=0.1),  # headers at once, then a byte every 0.1 s
        Reply(body=b"x" * 40, trickle=0.1, trickle_head=True),
    ],
)
def test_whole_response_deadline(reply: Reply) -> None:
    with FaultServer([reply]) as server, Sender(timeout=0.6) as sender:
        result = sender.send(Wire("GET", server.url, ()))
    assert result.status is None
    assert result.error_kind == "timeout"
    assert 550 <= result.elapsed_ms < 1500


@pytest.mark.slow
def test_four_second_deadline_against_a_trickle(sender: Sender) -> None:
    with FaultServer([Reply(body=b"x" * 100, trickle=0.5)]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert result.error_kind == "timeout"
    assert 3900 <= result.elapsed_ms <= 5000
    assert "whole response" in (result.error or "")
    assert 0 < result.size < 100


def test_connection_is_reused_between_sends(sender: Sender) -> None:
    with FaultServer() as server:
        for _ in range(3):
            assert sender.send(Wire("GET", server.url, ())).status == 200
    assert len(server.requests) == 3


def test_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Sender(timeout=0)
