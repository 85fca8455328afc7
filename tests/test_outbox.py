"""The outbox against a real SQLite file and a real, scripted server on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import FaultServer, Received, Reply
from store_keychain import no_keychain

from composer.delivery.attempt import BODY_LIMIT
from composer.delivery.outbox import LazySecrets, Outbox
from composer.delivery.records import DeliveryEvent, RenderFailed
from composer.delivery.retry import RetryPolicy
from composer.errors import SendError
from composer.model import Header, Person, Request, ResponseMapping, context_for
from composer.secrets import SecretStore
from composer.store.database import Database

__all__ = ["no_keychain"]  # a fixture used by name below

FAST = RetryPolicy(base=0.05)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        database.people.create(Person("p1", "ann@example.com", {"name": "Ann", "visits": 1}))
        yield database


def hook(server: FaultServer, **changes: object) -> Request:
    fields: dict[str, object] = {
        "name": "Hook",
        "url": server.url + "/hook",
        "body": '{"name": "{{ customer.name }}"}',
        "response_mappings": (
            ResponseMapping("remote_id", "{{ response.id }}"),
            ResponseMapping("visits", "{{ customer.visits | plus: 1 }}"),
        ),
    }
    fields.update(changes)
    return Request(**fields)  # type: ignore[arg-type]


def deliver(outbox: Outbox, db: Database, request: Request, policy: RetryPolicy = FAST) -> int:
    person = db.people.get("p1")
    return outbox.create(request, context_for(person), person_id="p1", policy=policy)


def test_success_after_retries_records_every_attempt(db: Database) -> None:
    script = [Reply(503), Reply(503), Reply.json({"id": "r-9"})]
    events: list[DeliveryEvent] = []
    with FaultServer(script) as server:
        outbox = Outbox(db)
        delivery_id = deliver(outbox, db, hook(server))
        assert outbox.get(delivery_id).state == "queued"
        (done,) = outbox.run([delivery_id], events.append)
    assert done.state == "succeeded"
    assert [a.status for a in done.attempts] == [503, 503, 200]
    assert [a.n for a in done.attempts] == [1, 2, 3]
    gaps = [b.at - a.at for a, b in zip(server.requests, server.requests[1:], strict=False)]
    assert 0.05 <= gaps[0] < 1.0
    assert 0.10 <= gaps[1] < 1.0
    assert done.attribute_updates == {"remote_id": "r-9", "visits": 2}
    assert db.people.get("p1").attributes == {"name": "Ann", "visits": 2, "remote_id": "r-9"}
    kinds = [e.kind for e in events]
    assert kinds.count("attempt_started") == 3
    assert kinds.count("waiting") == 2
    assert kinds[-1] == "succeeded"
    assert all(r.raw == server.requests[0].raw for r in server.requests)


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_final_statuses_are_not_retried_and_change_nothing(db: Database, status: int) -> None:
    with FaultServer([Reply(status, body=b'{"id": "nope"}')]) as server:
        outbox = Outbox(db)
        (done,) = outbox.run([deliver(outbox, db, hook(server))])
    assert len(server.requests) == 1
    assert done.state == "failed"
    assert done.error == f"The server answered {status}."
    assert done.attribute_updates is None
    assert db.people.get("p1").attributes == {"name": "Ann", "visits": 1}


@pytest.mark.parametrize(
    ("location", "said"),
    [
        ("https://example.com/moved", "a redirect to https://example.com/moved"),
        (None, "a redirect without a Location"),
    ],
)
def test_a_redirect_is_final_and_names_its_location(
    db: Database, location: str | None, said: str
) -> None:
    headers = (("Location", location),) if location else ()
    with FaultServer([Reply(301, headers, b'{"id": "nope"}')]) as server:
        outbox = Outbox(db)
        (done,) = outbox.run([deliver(outbox, db, hook(server))])
    assert len(server.requests) == 1
    assert done.state == "failed"
    assert done.error == f"The server answered 301: {said}, which is not followed."
    assert done.attempts[0].location() == location
    assert done.attribute_updates is None
    assert db.people.get("p1").attributes == {"name": "Ann", "visits": 1}


def test_final_failure_after_all_retries_changes_nothing(db: Database) -> None:
    with FaultServer([Reply(500)]) as server:
        outbox = Outbox(db)
        delivery_id = deliver(outbox, db, hook(server), RetryPolicy(max_retries=2, base=0.01))
        (done,) = outbox.run([delivery_id])
    assert len(server.requests) == 3
    assert done.state == "failed"
    assert db.people.get("p1").attributes == {"name": "Ann", "visits": 1}


def test_mapping_is_applied_exactly_once(db: Database) -> None:
    with FaultServer([Reply.json({"id": 1})]) as server:
        outbox = Outbox(db)
        delivery_id = deliver(outbox, db, hook(server))
        outbox.run([delivery_id])
        outbox.run([delivery_id])
        outbox.run()
        with pytest.raises(SendError, match="succeeded; it cannot be retried"):
            outbox.retry_now(delivery_id)
    assert len(server.requests) == 1
    assert db.people.get("p1").attributes["visits"] == 2


def test_a_mapping_that_fails_records_the_error_and_changes_nothing(db: Database) -> None:
    mappings = (
        ResponseMapping("a", "{{ response.id }}"),
        ResponseMapping("b", "{{ 1 | date: '%Y', 'No/Zone' }}"),
    )
    with FaultServer([Reply.json({"id": 1})]) as server:
        outbox = Outbox(db)
        (done,) = outbox.run([deliver(outbox, db, hook(server, response_mappings=mappings))])
    assert done.state == "succeeded"
    assert done.error is not None and "response_mappings[1]" in done.error
    assert not done.attribute_updates
    assert db.people.get("p1").attributes == {"name": "Ann", "visits": 1}


def test_a_person_deleted_meanwhile_gets_no_updates(db: Database) -> None:
    with FaultServer([Reply.json({"id": 1})]) as server:
        outbox = Outbox(db)
        delivery_id = deliver(outbox, db, hook(server))
        db.people.delete("p1")
        (done,) = outbox.run([delivery_id])
    assert done.state == "succeeded"
    assert done.attribute_updates == {}
    assert done.error is not None and "no longer in the workspace" in done.error


def test_retry_after_is_honoured(db: Database) -> None:
    script = [Reply(429, (("Retry-After", "1"),)), Reply.json({"id": 2})]
    with FaultServer(script) as server:
        outbox = Outbox(db)
        (done,) = outbox.run([deliver(outbox, db, hook(server))])
    assert done.state == "succeeded"
    gap = server.requests[1].at - server.requests[0].at
    assert 1.0 <= gap < 2.5


def test_response_is_stored_capped_at_one_mebibyte(db: Database) -> None:
    payload = b"0123456789abcdef" * (10 * 1024 * 1024 // 16)
    with FaultServer([Reply(body=payload)]) as server:
        outbox = Outbox(db)
        (done,) = outbox.run([deliver(outbox, db, hook(server, response_mappings=()))])
    (attempt,) = done.attempts
    assert attempt.response_size == len(payload)
    assert attempt.response_truncated is True
    assert attempt.response_body == payload[:BODY_LIMIT]


def test_idempotency_key_is_stable_across_attempts(db: Database) -> None:
    with FaultServer([Reply(503), Reply(200), Reply(200)]) as server:
        outbox = Outbox(db)
        first = deliver(outbox, db, hook(server, idempotency_key=True))
        second = deliver(outbox, db, hook(server, idempotency_key=True))
        outbox.run([first])
        outbox.run([second])
    keys = [r.header("Idempotency-Key") for r in server.requests]
    assert keys[0] and keys[0] == keys[1] != keys[2]
    assert keys[0] == outbox.get(first).idempotency_key
    assert ["Idempotency-Key", keys[0]] in outbox.get(first).rendered["headers"]


def test_drafts_are_frozen_until_approved(db: Database) -> None:
    with FaultServer([Reply.json({"id": 5})]) as server:
        outbox = Outbox(db)
        request = hook(server, send_mode="draft")
        kept = deliver(outbox, db, request)
        dropped = deliver(outbox, db, request)
        assert outbox.get(kept).state == "draft"
        outbox.run()
        assert server.requests == []
        db.people.update(Person("p1", "ann@example.com", {"name": "Changed", "visits": 1}))
        outbox.discard(dropped)
        outbox.approve(kept)
        with pytest.raises(SendError, match="cannot be approved"):
            outbox.approve(kept)
        outbox.run()
    assert len(server.requests) == 1
    assert server.requests[0].body == b'{"name": "Ann"}'
    assert outbox.get(kept).state == "succeeded"
    assert outbox.get(dropped).state == "cancelled"
    assert outbox.get(dropped).attempts == ()


def test_cancel_stops_a_waiting_delivery(db: Database) -> None:
    with FaultServer([Reply(503)]) as server:
        outbox = Outbox(db)
        delivery_id = deliver(outbox, db, hook(server), RetryPolicy(base=60))
        events: list[DeliveryEvent] = []

        def cancel_when_waiting(event: DeliveryEvent) -> None:
            events.append(event)
            if event.kind == "waiting":
                outbox.cancel(event.delivery_id)

        (done,) = outbox.run([delivery_id], cancel_when_waiting)
        returned_at = time.time()
    waiting = next(e for e in events if e.kind == "waiting")
    assert waiting.next_attempt_at is not None
    assert returned_at < waiting.next_attempt_at  # the run ended before the retry fell due
    assert done.state == "cancelled"
    assert [e.kind for e in events][-2:] == ["waiting", "cancelled"]
    assert len(server.requests) == 1


def test_cancel_during_an_attempt_wins_over_its_success(db: Database) -> None:
    events: list[DeliveryEvent] = []
    with FaultServer([Reply(200, body=b'{"id": 1}', delay=0.3)]) as server:
        outbox = Outbox(db)
        delivery_id = deliver(outbox, db, hook(server))

        def cancel_when_started(event: DeliveryEvent) -> None:
            events.append(event)
            if event.kind == "attempt_started":
                outbox.cancel(event.delivery_id)

        (done,) = outbox.run([delivery_id], cancel_when_started)
    assert len(server.requests) == 1
    assert done.state == "cancelled"
    assert done.attempts[0].status == 200
    assert [e.kind for e in events] == ["attempt_started", "attempt_finished", "cancelled"]
    assert db.people.get("p1").attributes == {"name": "Ann", "visits": 1}


def test_a_delivery_caught_sending_by_a_crash_is_sent_again(db: Database) -> None:
    with FaultServer([Reply.json({"id": 3})]) as server:
        outbox = Outbox(db)
        delivery_id = deliver(outbox, db, hook(server), RetryPolicy(max_retries=0))
        long_ago = time.time() - 3600
        with db.transaction():  # what a process killed mid-attempt leaves behind
            db.execute("UPDATE deliveries SET state = 'sending' WHERE id = ?", (delivery_id,))
            db.execute(
                "INSERT INTO attempts (delivery_id, n, started_at) VALUES (?, 1, ?)",
                (delivery_id, long_ago),
            )
        assert outbox.resume_due() == [delivery_id]
        (done,) = outbox.run()
    assert len(server.requests) == 1
    assert done.state == "succeeded"
    assert [(a.n, a.error_kind) for a in done.attempts] == [(1, "interrupted"), (2, None)]
    assert db.people.get("p1").attributes["remote_id"] == 3


def test_a_request_that_does_not_render_is_refused(db: Database) -> None:
    outbox = Outbox(db, {})
    request = Request("Bad", "http://127.0.0.1:9/x?k={{ secrets.absent }}")
    with pytest.raises(RenderFailed) as caught:
        outbox.create(request, {})
    assert any("absent" in d.message for d in caught.value.diagnostics)
    assert outbox.list() == []


def test_many_people_are_each_recorded(db: Database) -> None:
    people = [Person(f"p{i}", f"p{i}@example.com", {"name": f"N{i}"}) for i in range(2, 42)]
    with db.transaction():
        for person in people:
            db.people.create(person)
    with FaultServer([Reply.json({"id": "ok"})]) as server:
        outbox = Outbox(db, workers=4)
        ids = outbox.create_many(hook(server), people, FAST)
        done = outbox.run(ids)
    assert len(server.requests) == len(people)
    assert [d.state for d in done] == ["succeeded"] * len(people)
    assert sorted(r.body for r in server.requests) == sorted(
        f'{{"name": "N{i}"}}'.encode() for i in range(2, 42)
    )


def test_a_person_the_request_does_not_render_for_is_recorded_as_failed(db: Database) -> None:
    with FaultServer([Reply.json({"id": "ok"})]) as server:
        people = [
            Person("good", "g@example.com", {"base": server.url}),
            Person("bad", "b@example.com", {"base": "ftp://example.com"}),
        ]
        outbox = Outbox(db)
        ids = outbox.create_many(hook(server, url="{{ customer.base }}/hook"), people, FAST)
        done = outbox.run(ids)
    assert [(d.person_id, d.state) for d in done] == [("good", "succeeded"), ("bad", "failed")]
    assert done[1].attempts == ()
    assert done[1].error is not None and "http://" in done[1].error
    assert len(server.requests) == 1


def _echo(request: Received) -> Reply:
    return Reply(200, (("X-Echo", request.header("Authorization") or ""),), request.raw)


@pytest.mark.usefixtures("no_keychain")
def test_secret_values_never_reach_the_workspace_file(db: Database, tmp_path: Path) -> None:
    store = SecretStore(db)
    secret = "tok-7f3a9c-only-on-the-wire"
    store.set("api_token", secret)
    headers = (
        Header("Content-Type", "application/json"),
        Header("Authorization", "Bearer {{ secrets.api_token }}"),
    )
    with FaultServer([Reply(503), _echo]) as server:
        outbox = Outbox(db, LazySecrets(store.get))
        url = server.url.replace("http://", "http://bot:{{ secrets.api_token }}@") + "/h?k="
        echo = (ResponseMapping("echo", "{{ response }}"),)
        request = hook(
            server, url=url + "{{ secrets.api_token }}", headers=headers, response_mappings=echo
        )
        (done,) = outbox.run([deliver(outbox, db, request)])
    assert done.state == "succeeded"
    assert all(secret.encode() in r.raw for r in server.requests)
    assert server.requests[0].raw == server.requests[1].raw
    stored = done.attempts[-1]
    assert "Authorization: ••••••".encode() in stored.response_body
    assert "/h?k=•••••• HTTP/1.1".encode() in stored.response_body
    assert dict(stored.response_headers)["X-Echo"] == "••••••"
    assert "echo" not in db.people.get("p1").attributes  # it would have stored a secret
    assert done.error is not None and "would store a secret" in done.error
    assert secret not in json.dumps([d.to_dict() for d in outbox.list()])
    for path in tmp_path.rglob("workspace.sqlite3*"):
        assert path.is_dir() or secret.encode() not in path.read_bytes(), path.name


def test_every_attempt_sends_the_bytes_rendered_at_creation(db: Database) -> None:
    body = '{"at": "{{ \'now\' | date: \'%s.%N\' }}", "token": "{{ secrets.t }}"}'
    with FaultServer([Reply(503), Reply(503), Reply(200)]) as server:
        outbox = Outbox(db, {"t": "v"})
        delivery_id = deliver(outbox, db, hook(server, body=body, response_mappings=()))
        time.sleep(0.02)
        outbox.run([delivery_id])
    rendered_at = outbox.get(delivery_id).rendered_at
    assert len({r.raw for r in server.requests}) == 1
    sent = json.loads(server.requests[0].body)
    # LiquidJS's %N has millisecond precision (a JavaScript Date holds milliseconds).
    assert float(sent["at"]) == pytest.approx(rendered_at, abs=1e-3)
    assert sent["token"] == "v"


def test_a_run_sends_its_own_deliveries_behind_many_other_due_ones(db: Database) -> None:
    """Due deliveries are read a page at a time: a run's own ones, made after hundreds of
    others that are due earlier, are still found and sent, and the others are left alone."""
    people = [Person(f"p{i}", f"p{i}@example.com", {"name": f"N{i}"}) for i in range(2, 5)]
    with db.transaction():
        for person in people:
            db.people.create(person)
    with FaultServer([Reply.json({"id": "ok"})]) as server:
        outbox = Outbox(db, workers=1)
        earlier = outbox.create_many(hook(server), [db.people.get("p1")] * 300, FAST)
        mine = outbox.create_many(hook(server), people, FAST)
        done = outbox.run(mine)
    assert [d.state for d in done] == ["succeeded"] * 3
    assert len(server.requests) == 3
    assert {d.state for d in outbox.many(earlier)} == {"queued"}
