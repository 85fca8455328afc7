"""The local inbox against real sockets on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import select
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from composer.delivery.content_coding import ACCEPT_ENCODING
from composer.delivery.sender import Sender, user_agent
from composer.inbox.http import InboxServer
from composer.inbox.server import CaughtRequest, Inbox, InboxError, Reply, pretty_body
from composer.model import Header, Person, Request, ResponseMapping, context_for
from composer.rendering.render import render


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with Inbox(read_timeout=2.0) as box:
        yield box


def _raw(inbox: Inbox, data: bytes, *, half_close: bool = True) -> bytes:
    """Send raw bytes on a new connection and return everything the inbox answers."""
    with socket.create_connection(("127.0.0.1", inbox.port), timeout=5) as conn:
        conn.sendall(data)
        if half_close:
            with contextlib.suppress(OSError):  # the inbox may have answered already
                conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def test_a_request_sent_by_the_engine_arrives_byte_identical(inbox: Inbox) -> None:
    request = Request(
        name="t",
        url=inbox.url + "/hooks/{{ customer.id }}?q=a%20b&x=1",
        headers=(
            Header("Content-Type", "application/json"),
            Header("X-Name", "{{ customer.name }}"),
            Header("x-lower-case", "v"),
        ),
        body='{"name": {{ customer.name | json }}, "note": "tab\\tand \'quote\'"}\n',
    )
    person = Person("42", "zoe@example.com", {"name": 'Zoë "Z" Ünal'})
    rendered = render(request, context_for(person))
    assert not rendered.has_errors
    with Sender() as sender:
        result = sender.send(rendered)
    assert result.status == 200
    [caught] = inbox.requests
    body = rendered.body.encode("utf-8")
    assert caught.method == "POST"
    assert caught.target == "/hooks/42?q=a%20b&x=1"
    assert (caught.path, caught.query) == ("/hooks/42", "q=a%20b&x=1")
    assert caught.headers == (
        ("Host", f"127.0.0.1:{inbox.port}"),
        *rendered.headers,
        ("User-Agent", user_agent()),
        ("Accept-Encoding", ACCEPT_ENCODING),
        ("Content-Length", str(len(body))),
    )
    assert caught.body == body
    assert caught.head.startswith(b"POST /hooks/42?q=a%20b&x=1 HTTP/1.1\r\nHost: ")
    assert 'X-Name: Zoë "Z" Ünal\r\n'.encode() in caught.head
    assert caught.client[0] == "127.0.0.1"
    assert caught.elapsed_ms >= 0
    assert abs(caught.received_at - time.time()) < 60


MAPPED = {"crm_id": "crm-42", "score": 7}


@pytest.mark.parametrize(
    ("queued", "outcome", "statuses", "updates"),
    [
        ([Reply(503, [("Retry-After", "0")])], "succeeded", [503, 200], MAPPED),
        ([Reply(429), Reply(500)], "succeeded", [429, 500, 200], MAPPED),
        ([Reply(503)] * 4, "failed", [503, 503, 503], {}),
        ([Reply(400)], "failed", [400], {}),
    ],
)  # fmt: skip
def test_the_configured_reply_drives_retries_and_response_mappings(
    python: str,
    cli_env: dict[str, str],
    tmp_path: Path,
    queued: list[Reply],
    outcome: str,
    statuses: list[int],
    updates: dict[str, object],
) -> None:
    answer = Reply(200, [("Content-Type", "application/json")], b'{"id": "crm-42", "score": 7}')
    with Inbox(reply=answer) as box:
        box.queue(queued)
        request = Request(
            "sync",
            box.url + "/sync",
            body='{"id": {{ customer.id | json }}}',
            response_mappings=(
                ResponseMapping("crm_id", "{{ response.id }}"),
                ResponseMapping("score", "{{ response.score }}"),
            ),
        )
        request.save(tmp_path / "request.json")
        (tmp_path / "context.json").write_text('{"customer": {"id": "c1"}}')
        done = subprocess.run(
            [python, "-m", "composer", "send", str(tmp_path / "request.json"), "--context",
             str(tmp_path / "context.json"), "--json", "--retries", "2", "--backoff-base", "0.05"],
            env=cli_env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        caught = box.requests
    result = json.loads(done.stdout)
    assert done.returncode == (0 if outcome == "succeeded" else 1), done.stderr
    assert result["outcome"] == outcome
    assert [a["status"] for a in result["attempts"]] == statuses
    assert result["attribute_updates"] == updates
    assert len(caught) == len(statuses)
    assert {c.body for c in caught} == {b'{"id": "c1"}'}  # every attempt sends the same bytes


def test_reply_is_configurable_at_runtime_and_queued_replies_come_first(inbox: Inbox) -> None:
    inbox.set_reply(Reply(201, [("Content-Type", "application/json")], b'{"id": 7}'))
    inbox.queue([Reply(503, [("Retry-After", "1")]), Reply(429)])
    with httpx.Client() as client:
        statuses = [client.post(inbox.url + "/", content=b"x").status_code for _ in range(4)]
        answer = client.get(inbox.url + "/")
    assert statuses == [503, 429, 201, 201]
    assert answer.json() == {"id": 7}
    assert answer.headers["content-type"] == "application/json"
    assert [c.number for c in inbox.requests] == [1, 2, 3, 4, 5]


def test_reply_delay_and_on_request_hook() -> None:
    seen: list[CaughtRequest] = []

    def hook(caught: CaughtRequest) -> None:
        seen.append(caught)
        raise RuntimeError("a failing hook does not stop the inbox")

    with Inbox(reply=Reply(204, delay_s=0.3), on_request=hook) as box:
        response = httpx.delete(box.url + "/thing/1")
        second = httpx.get(box.url + "/again")
    assert response.status_code == 204
    assert second.status_code == 204
    assert [c.target for c in seen] == ["/thing/1", "/again"]


def test_a_delayed_reply_is_held_back_until_its_delay_ends() -> None:
    caught = threading.Event()
    outcome: list[object] = []

    def ask(url: str) -> None:
        try:
            outcome.append(httpx.get(url + "/held", timeout=30).status_code)
        except httpx.HTTPError as exc:
            outcome.append(type(exc).__name__)

    box = Inbox(reply=Reply(204, delay_s=60), on_request=lambda _: caught.set()).start()
    client = threading.Thread(target=ask, args=(box.url,))
    client.start()
    assert caught.wait(10)  # the request is caught; its reply now waits out the delay
    box.stop()  # stopping during the delay: the held reply is never written
    client.join(30)
    assert outcome == ["RemoteProtocolError"]


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"garbage\r\n\r\n", 400),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400),  # a TLS hello
        (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nBad Name: v\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"X-A: 1\r\n" * 300 + b"\r\n", 431),
    ],
)
def test_malformed_http_is_answered_and_the_inbox_keeps_running(
    inbox: Inbox, data: bytes, status: int
) -> None:
    answer = _raw(inbox, data)
    assert answer.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"Connection: close" in answer
    assert inbox.rejected == 1
    assert httpx.get(inbox.url + "/after").status_code == 200
    assert [c.target for c in inbox.requests] == ["/after"]


def test_a_client_that_goes_away_mid_request_is_forgotten(inbox: Inbox) -> None:
    answer = _raw(inbox, b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly a bit")
    assert answer == b""
    assert inbox.requests == []
    assert httpx.get(inbox.url + "/").status_code == 200


def test_a_slow_client_times_out_and_others_are_served() -> None:
    with Inbox(read_timeout=0.3) as box:
        with socket.create_connection(("127.0.0.1", box.port), timeout=5) as slow:
            slow.sendall(b"POST /slow HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
            assert httpx.get(box.url + "/fast").status_code == 200
            answer = slow.recv(65536)
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert [c.target for c in box.requests] == ["/fast"]


def test_a_100_mb_body_streams_through_and_only_the_cap_is_kept(inbox: Inbox) -> None:
    size = 100 * 1024 * 1024
    block = bytes(range(256)) * 4096  # 1 MiB, sent 100 times
    with socket.create_connection(("127.0.0.1", inbox.port), timeout=30) as conn:
        conn.sendall(f"POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n".encode())
        for _ in range(size // len(block)):
            conn.sendall(block)
        answer = conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    [caught] = inbox.requests
    assert caught.body_size == size
    assert caught.truncated
    assert caught.body == block[: inbox.max_body]
    assert httpx.get(inbox.url + "/next").status_code == 200


def test_a_chunked_body_is_de_chunked(inbox: Inbox) -> None:
    parts = [b'{"a": ', b"1", b", ", b'"b": "\xc3\xa9"}']
    response = httpx.post(inbox.url + "/c", content=iter(parts))
    assert response.status_code == 200
    raw = _raw(
        inbox,
        b"PUT /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n",
    )
    assert raw.startswith(b"HTTP/1.1 200 ")
    first, second = inbox.requests
    assert first.chunked
    assert first.body == b"".join(parts)
    assert json.loads(first.body) == {"a": 1, "b": "é"}
    assert second.body == b"Wikipedia"
    assert second.method == "PUT"


def test_pipelined_keep_alive_requests_and_head(inbox: Inbox) -> None:
    inbox.set_reply(Reply(200, [("X-R", "1")], b"hello"))
    answer = _raw(
        inbox,
        b"POST /one HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
        b"HEAD /two HTTP/1.1\r\n\r\n"
        b"GET /three HTTP/1.0\r\n\r\n",
    )
    assert answer.count(b"HTTP/1.1 200 OK\r\n") == 3
    assert answer.count(b"hello") == 2  # not after the HEAD
    assert answer.endswith(b"Connection: close\r\n\r\nhello")
    assert [(c.method, c.target, c.version) for c in inbox.requests] == [
        ("POST", "/one", "HTTP/1.1"),
        ("HEAD", "/two", "HTTP/1.1"),
        ("GET", "/three", "HTTP/1.0"),
    ]


def test_many_clients_at_once(inbox: Inbox) -> None:
    def client(n: int) -> None:
        with httpx.Client() as session:
            for i in range(10):
                assert session.post(f"{inbox.url}/{n}/{i}", content=f"{n}-{i}").status_code == 200

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    caught = inbox.requests
    assert len(caught) == 200
    assert sorted(c.number for c in caught) == list(range(1, 201))
    assert {c.body for c in caught} == {f"{n}-{i}".encode() for n in range(20) for i in range(10)}
    assert all(c.target == "/" + c.body.decode().replace("-", "/") for c in caught)


def test_expect_100_continue_is_answered(inbox: Inbox) -> None:
    with socket.create_connection(("127.0.0.1", inbox.port), timeout=5) as conn:
        conn.sendall(b"POST / HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        interim = conn.recv(65536)
        conn.sendall(b"ok")
        final = conn.recv(65536)
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert final.startswith(b"HTTP/1.1 200 ")
    assert inbox.requests[0].body == b"ok"


@pytest.mark.parametrize(
    ("max_requests", "max_bytes", "max_body", "kept", "dropped"),
    [
        (3, 10**9, 10**6, ["/2", "/3", "/4"], 2),
        (100, 1000, 10**6, ["/3", "/4"], 3),
        (100, 10**9, 5, ["/0", "/1", "/2", "/3", "/4"], 0),
    ],
)
def test_caps_drop_the_oldest_and_truncate_bodies(
    max_requests: int, max_bytes: int, max_body: int, kept: list[str], dropped: int
) -> None:
    box = Inbox(max_requests=max_requests, max_bytes=max_bytes, max_body=max_body)
    with box, httpx.Client() as client:
        for i in range(5):
            client.post(f"{box.url}/{i}", content=b"0123456789" * 20)
    assert [c.target for c in box.requests] == kept
    assert box.dropped == dropped
    assert all(len(c.body) == min(200, max_body) for c in box.requests)
    assert all(c.truncated == (max_body < 200) and c.body_size == 200 for c in box.requests)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "10.0.0.1", "192.168.1.10", "8.8.8.8", "::", "2001:db8::1", "example.com"]
)
def test_refuses_to_bind_anything_but_loopback(host: str) -> None:
    with pytest.raises(InboxError, match="loopback"):
        Inbox(host=host)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.0.0.2"])
def test_binds_loopback_addresses(host: str) -> None:
    with Inbox(host=host) as box:
        assert box.url.startswith("http://127.0.0.")
        assert httpx.get(box.url + "/").status_code == 200


def test_binds_ipv6_loopback() -> None:
    try:
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    with Inbox(host="::1") as box:
        assert box.url.startswith("http://[::1]:")
        assert httpx.get(box.url + "/six").status_code == 200


def test_a_taken_port_is_a_plain_error(inbox: Inbox) -> None:
    with pytest.raises(InboxError, match=f"port {inbox.port}"):
        Inbox(port=inbox.port).start()


def test_stop_closes_open_connections_and_joins_threads() -> None:
    before = threading.active_count()
    box = Inbox(read_timeout=30).start()
    idle = socket.create_connection(("127.0.0.1", box.port), timeout=5)
    busy = socket.create_connection(("127.0.0.1", box.port), timeout=5)
    busy.sendall(b"POST / HTTP/1.1\r\nContent-Length: 50\r\n\r\npartial")
    assert httpx.get(box.url + "/").status_code == 200
    box.stop()
    for conn in (idle, busy):  # closed by the inbox, not left to their 30 s read timeout
        conn.settimeout(10)
        assert conn.recv(1) == b""
    assert threading.active_count() == before
    assert not box.running
    assert idle.recv(10) == b""
    idle.close()
    busy.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(box.url + "/")
    box.stop()  # a second stop does nothing


def test_to_dict_and_pretty_body(inbox: Inbox) -> None:
    with httpx.Client() as client:
        client.post(
            inbox.url + "/j?x=1",
            content=b'{"b": [1, 2]}',
            headers={"Content-Type": "application/json"},
        )
        client.post(
            inbox.url + "/f",
            content=b"a=1&b=x+y%26z",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        client.post(inbox.url + "/bin", content=b"\xff\xfe\x00")
    as_json, form, binary = inbox.requests
    shape = as_json.to_dict()
    assert list(shape) == ["method", "path", "headers", "body"]
    assert shape["path"] == "/j?x=1"
    assert ["Content-Type", "application/json"] in shape["headers"]
    assert pretty_body(as_json) == '{\n  "b": [\n    1,\n    2\n  ]\n}'
    assert pretty_body(form) == "a = 1\nb = x y&z"
    assert binary.to_dict()["body_base64"] == "//4A"
    assert "body" not in binary.to_dict()
    assert pretty_body(binary) == "(3 bytes, not UTF-8)"


def test_a_truncated_body_says_so_in_its_json_line() -> None:
    with Inbox(max_body=5) as box, httpx.Client() as client:
        client.post(box.url + "/cut", content="abcdé-and-more".encode())  # é cut in half
        client.post(box.url + "/whole", content=b"abc")
    cut, whole = box.requests
    assert cut.to_dict()["body"] == "abcd"  # the half character is left out
    assert cut.to_dict()["truncated"] is True
    assert cut.to_dict()["body_size"] == len("abcdé-and-more".encode())
    assert list(cut.to_dict()) == ["method", "path", "headers", "body", "truncated", "body_size"]
    assert list(whole.to_dict()) == ["method", "path", "headers", "body"]


def _ask(port: int, start: threading.Barrier, path: str) -> float | str:
    """One client: connect when all are ready, send a request, read the whole answer;
    the seconds it took, or what went wrong."""
    start.wait()
    began = time.monotonic()
    request = f"POST {path} HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(request.encode())
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
    except OSError as exc:
        return repr(exc)
    if not answer.startswith(b"HTTP/1.1 200 OK\r\n"):
        return repr(answer[:40])
    return time.monotonic() - began


def test_100_simultaneous_clients_are_all_answered(inbox: Inbox) -> None:
    clients = 100
    start = threading.Barrier(clients)
    waits: list[float | str] = []
    threads = [
        threading.Thread(target=lambda n=n: waits.append(_ask(inbox.port, start, f"/{n}")))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [wait for wait in waits if isinstance(wait, str)]
    assert sorted(c.target for c in inbox.requests) == sorted(f"/{n}" for n in range(clients))


def test_100_connections_wait_in_the_listen_queue_while_none_is_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kernel completes a connection only while the listen queue has room: with
    ``socketserver``'s backlog of 5, a burst beyond it is dropped and the clients retry a
    second or more later. Here nothing is accepted until all 100 have connected."""
    accepting = threading.Event()
    verify = InboxServer.verify_request

    def held(server: InboxServer, request: Any, client: Any) -> bool:
        accepting.wait(10)
        return verify(server, request, client)

    monkeypatch.setattr(InboxServer, "verify_request", held)
    with Inbox() as box:
        try:
            connections = [
                socket.create_connection(("127.0.0.1", box.port), timeout=0.5) for _ in range(100)
            ]  # each returns once the kernel has queued it: a dropped one would time out
        finally:
            accepting.set()
        answers = []
        for n, conn in enumerate(connections):
            with conn:
                conn.settimeout(5)
                conn.sendall(f"GET /{n} HTTP/1.1\r\nConnection: close\r\n\r\n".encode())
                answers.append(conn.recv(65536))
    assert all(answer.startswith(b"HTTP/1.1 200 OK\r\n") for answer in answers)
    assert len(box.requests) == 100


@pytest.mark.parametrize(
    ("first", "trickle"),
    [
        (b"POST /slow HTTP/1.1\r\nContent-Length: 100\r\n\r\n", b"x"),  # the body
        (b"GET /", b"a"),  # the request line itself, never ending
        (b"GET / HTTP/1.1\r\n", b"X-A: 1\r\n"),  # header after header
    ],
)
def test_a_trickling_client_gets_408_at_the_whole_request_deadline(
    first: bytes, trickle: bytes
) -> None:
    with Inbox(read_timeout=0.6, request_timeout=1.0) as box:
        with socket.create_connection(("127.0.0.1", box.port), timeout=5) as slow:
            started = time.monotonic()
            slow.sendall(first)
            answer = b""
            while time.monotonic() - started < 4:  # a byte every 0.2 s, well within 0.6 s
                time.sleep(0.2)
                try:
                    slow.sendall(trickle)
                except OSError:
                    break  # the inbox closed the connection
                if select.select([slow], [], [], 0)[0]:
                    answer = slow.recv(65536)
                    break
            assert httpx.get(box.url + "/fast").status_code == 200
        assert answer.startswith(b"HTTP/1.1 408 "), answer
        assert b"did not arrive whole within 1 s" in answer
        assert [c.target for c in box.requests] == ["/fast"]
        assert box.rejected == 1
