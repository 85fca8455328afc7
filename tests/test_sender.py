"""The sender against a real, misbehaving server on 127.0.0.1."""

from __future__ import annotations

import gzip
import socket
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from servers import FaultServer, Reply

from composer.delivery.attempt import BODY_LIMIT
from composer.delivery.sender import ACCEPT_ENCODING, Sender, user_agent


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
        + b"Accept-Encoding: gzip, deflate\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    assert server.requests[0].raw == expected


@pytest.mark.parametrize(
    ("method", "headers", "body", "content_length", "agent", "encodings"),
    [
        ("GET", (), "", None, user_agent(), ACCEPT_ENCODING),
        ("POST", (), "", "0", user_agent(), ACCEPT_ENCODING),
        ("DELETE", (), "x", "1", user_agent(), ACCEPT_ENCODING),
        ("PUT", (("user-agent", "mine/1"),), "{}", "2", "mine/1", ACCEPT_ENCODING),
        ("POST", (("accept-encoding", "identity"),), "{}", "2", user_agent(), "identity"),
    ],
)
def test_implicit_headers(
    sender: Sender,
    method: str,
    headers: tuple[tuple[str, str], ...],
    body: str,
    content_length: str | None,
    agent: str,
    encodings: str,
) -> None:
    with FaultServer() as server:
        sender.send(Wire(method, server.url + "/", headers, body))
    received = server.requests[0]
    names = [name.lower() for name, _ in received.headers]
    assert received.header("Content-Length") == content_length
    assert received.header("User-Agent") == agent
    assert received.header("Accept-Encoding") == encodings
    assert names.count("user-agent") == 1
    assert names.count("accept-encoding") == 1
    assert not {"accept", "connection"} & set(names)


def test_only_the_standard_library_codings_are_accepted() -> None:
    assert ACCEPT_ENCODING == "gzip, deflate"


PLAIN = b'{"id": "r-1", "text": "' + b"abc" * 5000 + b'"}'


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("coding", "encoded"),
    [
        ("gzip", gzip.compress(PLAIN)),
        ("x-gzip", gzip.compress(PLAIN)),
        ("deflate", zlib.compress(PLAIN)),
        ("deflate", _raw_deflate(PLAIN)),  # as some servers send it, without the wrapper
        ("GZIP", gzip.compress(PLAIN)),
    ],
)
def test_compressed_answers_are_decoded(sender: Sender, coding: str, encoded: bytes) -> None:
    reply = Reply(200, (("Content-Encoding", coding),), encoded)
    with FaultServer([reply]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert result.body == PLAIN
    assert result.decoded in ("gzip", "deflate")
    assert result.size == len(encoded) < len(PLAIN)
    assert (result.truncated, result.body_problem) == (False, None)


def one_member_bomb(mebibytes: int) -> bytes:
    """One gzip member that expands to ``mebibytes`` MiB of zeros (about 1 KB per MiB)."""
    packer = zlib.compressobj(9, wbits=16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(mebibytes)) + packer.flush()


@pytest.mark.parametrize(
    "bomb",
    [
        one_member_bomb(64),  # 64 MiB
        gzip.compress(bytes(1024 * 1024)) * 2048,  # 2 GiB as 2,048 gzip members, about 2 MB
    ],
    ids=["one member", "many members"],
)
def test_a_decompression_bomb_stays_capped_and_is_marked_truncated(
    sender: Sender, bomb: bytes
) -> None:
    with FaultServer([Reply(200, (("Content-Encoding", "gzip"),), bomb)]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert result.status == 200
    assert len(result.body) == BODY_LIMIT
    assert result.body == bytes(BODY_LIMIT)
    assert result.truncated is True
    assert result.size == len(bomb)
    assert result.error is None  # read to its end, well within the deadline


@pytest.mark.parametrize("size", [BODY_LIMIT, BODY_LIMIT + 1])
def test_the_cap_is_on_decoded_bytes(sender: Sender, size: int) -> None:
    encoded = gzip.compress(b"z" * size)
    with FaultServer([Reply(200, (("Content-Encoding", "gzip"),), encoded)]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert len(result.body) == BODY_LIMIT
    assert result.truncated is (size > BODY_LIMIT)


@pytest.mark.parametrize(
    ("coding", "body", "fragment"),
    [
        ("br", b"\x1b\x03\x00\xf8\x25\x00", "br-encoded, which is not decoded here"),
        ("gzip", b"this is not gzip", "does not decode"),
        ("gzip, gzip", gzip.compress(gzip.compress(b"x")), "gzip, gzip-encoded"),
        ("zstd", b"(\xb5/\xfd", "zstd-encoded"),
    ],
)
def test_bodies_that_are_not_decoded_are_kept_as_received(
    sender: Sender, coding: str, body: bytes, fragment: str
) -> None:
    with FaultServer([Reply(200, (("Content-Encoding", coding),), body)]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert result.status == 200
    assert result.body == body
    assert result.decoded is None
    assert fragment in (result.body_problem or "")


def test_a_gzip_stream_that_ends_early_keeps_what_was_decoded(sender: Sender) -> None:
    whole = gzip.compress(b"0123456789" * 20_000)
    cut = whole[: len(whole) // 2]
    with FaultServer([Reply(200, (("Content-Encoding", "gzip"),), cut)]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert result.decoded == "gzip"
    assert result.body and (b"0123456789" * 20_000).startswith(result.body)
    assert "ended before its end" in (result.body_problem or "")


def test_gzip_members_are_all_decoded_and_trailing_bytes_ignored(sender: Sender) -> None:
    body = gzip.compress(b"first ") + gzip.compress(b"second") + b"\0\0 trailing"
    with FaultServer([Reply(200, (("Content-Encoding", "gzip"),), body)]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert (result.body, result.decoded, result.body_problem) == (b"first second", "gzip", None)


def test_identity_is_no_coding(sender: Sender) -> None:
    with FaultServer([Reply(200, (("Content-Encoding", "identity"),), b"plain")]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert (result.body, result.decoded, result.body_problem) == (b"plain", None, None)


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
    assert result.error_kind == "timeout"  # a 10 s server or a 4 s trickle, cut at 0.6 s
    assert "0.6 s" in (result.error or "")
    assert result.size < 40  # the whole body never arrived


@pytest.mark.slow
def test_four_second_deadline_against_a_trickle(sender: Sender) -> None:
    with FaultServer([Reply(body=b"x" * 100, trickle=0.5)]) as server:
        result = sender.send(Wire("GET", server.url, ()))
    assert result.error_kind == "timeout"
    assert "whole response 4 s after the attempt started" in (result.error or "")
    assert 0 < result.size < 100


def test_connection_is_reused_between_sends(sender: Sender) -> None:
    with FaultServer() as server:
        for _ in range(3):
            assert sender.send(Wire("GET", server.url, ())).status == 200
    assert len(server.requests) == 3


def test_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Sender(timeout=0)
