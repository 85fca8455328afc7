"""The engine's log (``composer.delivery``) against a real server and a real workspace:
each step is there, and no secret, header value, body or mapped value ever is."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import FaultServer, Reply

from composer.delivery.outbox import Outbox
from composer.delivery.retry import RetryPolicy
from composer.model import Header, Person, Request, ResponseMapping, context_for
from composer.store.database import Database

SECRET = "s3cr3t-Value-91"
MARKER = "body-marker-5521"
REMOTE = "remote-id-7734"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        database.people.create(Person("p1", "ann@example.com", {"name": "Ann"}))
        yield database


def test_the_log_tells_each_step_and_never_a_value(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    script = [Reply(503), Reply.json({"id": REMOTE}), Reply(400, body=MARKER.encode())]
    with FaultServer(script) as server:
        outbox = Outbox(db, {"token": SECRET})
        request = Request(
            name="Hook",
            url=server.url + "/hook?key={{ secrets.token }}",
            headers=(Header("Authorization", "Bearer {{ secrets.token }}"),),
            body='{"marker": "' + MARKER + '", "t": "{{ secrets.token }}"}',
            response_mappings=(ResponseMapping("remote_id", "{{ response.id }}"),),
        )
        person = context_for(db.people.get("p1"))
        ok = outbox.create(request, person, person_id="p1", policy=RetryPolicy(base=0.05))
        with caplog.at_level(logging.INFO, logger="composer.delivery"):
            outbox.run([ok])
            once = RetryPolicy(max_retries=0)
            bad = outbox.create(request, person, person_id="p1", policy=once)
            outbox.run([bad])
    lines = [r.getMessage() for r in caplog.records if r.name == "composer.delivery"]
    text = "\n".join(lines)
    assert f"delivery {ok} attempt 1 started: 'Hook' POST " in text
    assert f"delivery {ok} attempt 1: HTTP 503 in" in text
    assert f"delivery {ok}: retry scheduled, attempt 2 due at 20" in text
    assert f"delivery {ok} attempt 2: HTTP 200 in" in text
    assert f"delivery {ok}: mappings applied to person p1: remote_id" in text
    assert f"delivery {bad} attempt 1: HTTP 400 in" in text
    assert f"delivery {bad} failed after 1 attempts: " in text
    for value in (SECRET, MARKER, REMOTE, "Bearer"):
        assert value not in text, value
