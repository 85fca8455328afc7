"""The outbox when it is told to stop before it starts, and when the workspace refuses a
write for a reason waiting will not cure (read-only here: SQLite's own ``query_only``
refusal, SQLITE_READONLY, on the run's real connection), against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import FaultServer, Reply

from composer.delivery import journal as outbox_journal
from composer.delivery.outbox import Outbox, UnrecordedAnswers
from composer.delivery.records import DeliveryEvent
from composer.delivery.retry import RetryPolicy
from composer.errors import StoreError
from composer.model import Person, Request, context_for
from composer.store.database import Database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        for i in range(3):
            database.people.create(Person(f"p{i}", f"p{i}@example.com", {"visits": 1}))
        yield database


def _record(outbox: Outbox, db: Database, url: str) -> list[int]:
    request = Request(name="Hook", url=url + "/hook", body='{"id": "{{ customer.id }}"}')
    return [
        outbox.create(request, context_for(p), person_id=p.id, policy=RetryPolicy(base=0.05))
        for p in db.people.list()
    ]


def test_a_stop_asked_before_the_run_begins_is_kept(db: Database) -> None:
    with FaultServer([Reply(200)]) as server:
        outbox = Outbox(db)
        ids = _record(outbox, db, server.url)
        outbox.stop()  # e.g. Ctrl+C between recording the deliveries and sending them
        stopped = outbox.run(ids)
        sent_while_stopped = len(server.requests)
        again = outbox.run(ids)  # the stop ended that run only
    assert sent_while_stopped == 0
    assert [d.state for d in stopped] == ["queued"] * 3
    assert [d.state for d in again] == ["succeeded"] * 3
    assert len(server.requests) == 3


def test_a_read_only_workspace_before_sending_is_a_plain_message(db: Database) -> None:
    with FaultServer([Reply(200)]) as server:
        outbox = Outbox(db)
        ids = _record(outbox, db, server.url)
        db.execute("PRAGMA query_only = ON")
        with pytest.raises(StoreError) as caught:
            outbox.run(ids)
        db.execute("PRAGMA query_only = OFF")
    assert not caught.value.busy and (caught.value.sqlite_error or "").startswith("SQLITE_READONLY")
    assert str(caught.value) == (
        f"The workspace {db.path} cannot be written: the file or its folder is read-only"
        f" ({caught.value.sqlite_error})."
    )
    assert server.requests == []
    assert {d.state for d in Outbox(db).many(ids)} == {"queued"}


def test_a_workspace_that_turns_read_only_mid_run_journals_the_answers_at_once(
    db: Database,
) -> None:
    """No retry loop: the patience is an hour, so a refusal taken for "busy" would hang
    here; the answers go to the journal and the next run records them without sending."""
    refused = []

    def turn_read_only(event: DeliveryEvent) -> None:
        if event.kind == "attempt_started" and not refused:
            refused.append(event.delivery_id)
            db.execute("PRAGMA query_only = ON")

    with FaultServer([Reply(200)]) as server:
        outbox = Outbox(db, record_patience=3600)
        ids = _record(outbox, db, server.url)
        with pytest.raises(UnrecordedAnswers) as caught:
            outbox.run(ids, turn_read_only)
        db.execute("PRAGMA query_only = OFF")
        sent = len(server.requests)
        journals = list(outbox_journal.folder_for(db.path).glob("answers-*.json"))
        Outbox(db).run()  # records the journaled answers first, then sends the rest
        done = Outbox(db).many(ids)
    message = str(caught.value)
    assert "\n" not in message and "cannot be written" in message and "busy" not in message
    assert "were not recorded in it" in message and "does not send them again" in message
    assert (caught.value.sqlite_error or "").startswith("SQLITE_READONLY")
    assert journals and set(caught.value.delivery_ids) <= set(ids)
    assert [d.state for d in done] == ["succeeded"] * 3
    assert len(server.requests) == 3 and sent >= len(caught.value.delivery_ids)
    assert all(len(d.attempts) == 1 for d in done), "no delivery was sent twice"
