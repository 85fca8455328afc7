"""Hostile 2xx answers against the outbox, a real SQLite file and a real server.

One endpoint of five answers 200 with something nobody should have to read (JSON nested
thousands deep, huge numbers, invalid UTF-8, 100 MB, a decompression bomb); the others
answer normally. Every answer is recorded, the hostile one with a plain mapping error
and no attribute change, and a second run sends nothing again.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import FaultServer, Received, Reply

from composer.delivery.outbox import Outbox
from composer.delivery.retry import RetryPolicy
from composer.model import Person, Request, ResponseMapping
from composer.store.database import Database

PEOPLE = [Person(f"p{i}", f"p{i}@example.com", {"visits": i}) for i in range(1, 6)]
HOSTILE = "/hook/p3"
MAPPINGS = (
    ResponseMapping("remote_id", "{{ response.id }}"),
    ResponseMapping("visits", "{{ customer.visits | plus: 10 }}"),
)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        for person in PEOPLE:
            database.people.create(person)
        yield database


def _json(body: bytes) -> Reply:
    return Reply(200, (("Content-Type", "application/json"),), body)


DEEP_ARRAYS = b"[" * 5000 + b"]" * 5000
DEEP_OBJECTS = b'{"id": ' * 1200 + b"1" + b"}" * 1200
HUGE_INTEGER = b'{"id": ' + b"9" * 100_000 + b"}"
HOSTILE_REPLIES: dict[str, tuple[Reply, Any]] = {
    # name: (reply, the remote_id stored, or the start of the mapping error)
    "JSON nested 5,000 deep": (_json(DEEP_ARRAYS), "The response is JSON nested more than 64"),
    "objects nested 1,200 deep": (_json(DEEP_OBJECTS), "The response is JSON nested more than"),
    "an integer of 100,000 digits": (_json(HUGE_INTEGER), "9" * 100_000),
    "a float beyond a double": (_json(b'{"id": 1e999}'), "1e999"),
    "NaN": (_json(b'{"id": NaN}'), "NaN"),
    "invalid UTF-8": (_json(b'{"id": "a\xff\xfeb"}'), "a\ufffd\ufffdb"),
    "a lone surrogate": (_json(b'{"id": "x\\ud800y"}'), "x\ufffdy"),
    "100 MB of JSON": (
        _json(b'{"id": "' + b"x" * (100 * 1024 * 1024) + b'"}'),
        "The response body is larger than 1 MiB",
    ),
    "a gzip bomb": (
        Reply(200, (("Content-Encoding", "gzip"),), gzip.compress(bytes(1024 * 1024)) * 512),
        "The response body is larger than 1 MiB",
    ),
    "a corrupt gzip body": (
        Reply(200, (("Content-Encoding", "gzip"),), b'{"id": "not gzip"}'),
        "The body says it is gzip-encoded but does not decode",
    ),
    "a br body": (
        Reply(200, (("Content-Encoding", "br"),), b"\x1b\x03\x00\xf8\x25\x00"),
        "The body is br-encoded, which is not decoded here",
    ),
}


def _server_script(hostile: Reply) -> Any:
    def reply(request: Received) -> Reply:
        if request.target == HOSTILE:
            return hostile
        return Reply.json({"id": "r-" + request.target.rsplit("/", 1)[-1]})

    return [reply]


@pytest.mark.parametrize("name", list(HOSTILE_REPLIES))
def test_a_hostile_answer_is_recorded_and_changes_nothing_else(db: Database, name: str) -> None:
    hostile, expected = HOSTILE_REPLIES[name]
    request = Request(
        name="Hook",
        url="{{ base }}/hook/{{ customer.id }}",
        body='{"id": "{{ customer.id }}"}',
        response_mappings=MAPPINGS,
    )
    with FaultServer(_server_script(hostile)) as server:
        outbox = Outbox(db)
        ids = [
            outbox.create(
                request,
                {"customer": {"id": p.id, **p.attributes}, "base": server.url},
                person_id=p.id,
                policy=RetryPolicy(base=0.05),
            )
            for p in PEOPLE
        ]
        done = outbox.run(ids)
        again = Outbox(db).run()
        receipts = len(server.requests)
    assert receipts == 5
    assert again == []
    assert [d.state for d in done] == ["succeeded"] * 5
    for delivery, person in zip(done, PEOPLE, strict=True):
        (attempt,) = delivery.attempts
        assert attempt.status == 200
        stored = db.people.get(person.id).attributes
        if person.id != "p3":
            assert stored == {
                "visits": person.attributes["visits"] + 10,
                "remote_id": f"r-{person.id}",
            }
            assert delivery.error is None
            continue
        assert attempt.response_size == len(hostile.body)
        if isinstance(expected, str) and expected.startswith("The "):
            assert stored == person.attributes, "a refused mapping changes nothing"
            assert delivery.error is not None and delivery.error.startswith(expected)
            assert delivery.error.endswith("No attribute was changed.")
            assert "\n" not in delivery.error and "Traceback" not in delivery.error
        else:
            assert stored["remote_id"] == expected
            assert delivery.error is None


def test_a_stored_hostile_body_is_capped_and_honest(db: Database) -> None:
    bomb = Reply(200, (("Content-Encoding", "gzip"),), gzip.compress(b"{" * (8 * 1024 * 1024)))
    request = Request(name="Hook", url="{{ base }}/hook/p3", response_mappings=MAPPINGS)
    with FaultServer([bomb]) as server:
        outbox = Outbox(db)
        context = {"customer": {"id": "p3"}, "base": server.url}
        (done,) = outbox.run([outbox.create(request, context, person_id="p3")])
    (attempt,) = done.attempts
    assert len(attempt.response_body) == 1024 * 1024
    assert attempt.response_body == b"{" * (1024 * 1024)
    assert attempt.response_truncated is True
    assert attempt.response_decoded == "gzip"
    assert attempt.response_problem is None
    assert dict(attempt.response_headers)["Content-Encoding"] == "gzip"


def test_gzip_answers_are_mapped_from_their_decoded_json(db: Database) -> None:
    body = gzip.compress(json.dumps({"id": "from-gzip"}).encode())
    reply = Reply(200, (("Content-Type", "application/json"), ("Content-Encoding", "gzip")), body)
    request = Request(name="Hook", url="{{ base }}/hook/p1", response_mappings=MAPPINGS)
    with FaultServer([reply]) as server:
        outbox = Outbox(db)
        context = {"customer": {"id": "p1", "visits": 1}, "base": server.url}
        (done,) = outbox.run([outbox.create(request, context, person_id="p1")])
    assert done.state == "succeeded"
    assert db.people.get("p1").attributes == {"visits": 11, "remote_id": "from-gzip"}
    assert done.attempts[0].response_body == b'{"id": "from-gzip"}'
    assert server.requests[0].header("Accept-Encoding") == "gzip, deflate"
