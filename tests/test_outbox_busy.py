"""A busy workspace never loses an answer: another process holds the write lock while
sends are in flight, for longer than SQLite's busy timeout.

The lock holder is a real second process with its own connection to the same file (as a
long ``people import`` is); the server is real; the outbox runs as ``outbox run`` in a
subprocess, or in this process where the test needs to look inside.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import FaultServer, Received, Reply

from composer.delivery import journal as outbox_journal
from composer.delivery.outbox import Outbox, UnrecordedAnswers
from composer.delivery.retry import RetryPolicy
from composer.model import Person, Request, ResponseMapping
from composer.store.database import BUSY_TIMEOUT_MS, Database
from composer.store.seed import open_workspace

pytestmark = pytest.mark.slow

HOLD_S = BUSY_TIMEOUT_MS / 1000 + 3  # longer than SQLite's busy timeout
LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO settings (key, value) VALUES ('import', '1')"
             " ON CONFLICT (key) DO UPDATE SET value = value + 1")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


class Locker:
    """A second process that takes the workspace's write lock and holds it for a while."""

    def __init__(self, path: Path, hold: float) -> None:
        self.path, self.hold = path, hold
        self.process: subprocess.Popen[str] | None = None
        self.locked = threading.Event()
        self._guard = threading.Lock()

    def lock_once(self) -> None:
        """Take the lock (the first call only) and return once it is held."""
        with self._guard:
            if self.process is None:
                self.process = subprocess.Popen(
                    [sys.executable, "-c", LOCKER, str(self.path), str(self.hold)],
                    stdout=subprocess.PIPE,
                    text=True,
                )
                assert self.process.stdout is not None
                assert self.process.stdout.readline().strip() == "locked"
                self.locked.set()
        self.locked.wait(10)

    def wait(self) -> None:
        if self.process is not None:
            self.process.communicate(timeout=30)
            assert self.process.returncode == 0


def _workspace(path: Path, count: int, base: str) -> list[int]:
    with Database(path) as db:
        people = [
            Person(f"p{i}", f"p{i}@example.com", {"visits": 0, "base": base}) for i in range(count)
        ]
        for person in people:
            db.people.create(person)
        request = Request(
            name="Hook",
            url="{{ customer.base }}/hook/{{ customer.id }}",
            body='{"id": "{{ customer.id }}"}',
            response_mappings=(
                ResponseMapping("visits", "{{ customer.visits | plus: 1 }}"),
                ResponseMapping("remote", "{{ response.id }}"),
            ),
        )
        return Outbox(db).create_many(request, people, RetryPolicy(base=0.05))


def _server(locker: Locker) -> FaultServer:
    """Answers each request after 0.3 s; the first request takes the lock first."""

    def reply(request: Received) -> Reply:
        locker.lock_once()
        return Reply(200, (("Content-Type", "application/json"),), _id(request), delay=0.3)

    return FaultServer([reply])


def _id(request: Received) -> bytes:
    return json.dumps({"id": "r-" + request.target.rsplit("/", 1)[-1]}).encode()


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "data" / "workspace.sqlite3"


def test_outbox_run_records_every_answer_while_another_process_holds_the_lock(
    path: Path, cli_env: dict[str, str]
) -> None:
    locker = Locker(path, HOLD_S)
    with _server(locker) as server:
        ids = _workspace(path, 20, server.url)
        command = ["outbox", "run", "--json", "--backoff-base", "0.05"]
        done = subprocess.run(
            [sys.executable, "-m", "composer", "--data-dir", str(path.parent), *command],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        locker.wait()
        again = subprocess.run(
            [sys.executable, "-m", "composer", "--data-dir", str(path.parent), "outbox", "run"],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        receipts = [r.target for r in server.requests]
    assert done.returncode == 0, done.stderr
    assert again.returncode == 0 and again.stdout.strip() == "nothing to send", again.stderr
    assert sorted(receipts) == sorted(f"/hook/p{i}" for i in range(20)), "each sent once"
    outcome = json.loads(done.stdout)
    assert [d["outcome"] for d in outcome] == ["succeeded"] * 20
    assert sorted(d["delivery_id"] for d in outcome) == ids
    with open_workspace(path.parent) as db:
        for i in range(20):
            assert db.people.get(f"p{i}").attributes["visits"] == 1, "mapped exactly once"
            assert db.people.get(f"p{i}").attributes["remote"] == f"r-p{i}"
        assert db.fetchone("PRAGMA integrity_check")[0] == "ok"
        assert db.settings.get("import") == 1, "the other process's write landed too"


def test_past_its_patience_the_run_journals_the_answers_and_nothing_is_sent_twice(
    path: Path,
) -> None:
    locker = Locker(path, HOLD_S)
    with _server(locker) as server:
        ids = _workspace(path, 6, server.url)
        with Database(path) as db:
            outbox = Outbox(db, record_patience=1.0)
            with pytest.raises(UnrecordedAnswers) as caught:
                outbox.run(ids)
            assert locker.process is not None
            gave_up_while_locked = locker.process.poll() is None  # the lock was still held
            locker.wait()
            message = str(caught.value)
            journals = list(outbox_journal.folder_for(path).glob("answers-*.json"))
            states = {d.state for d in outbox.many(list(caught.value.delivery_ids))}
            # the next run records the journaled answers first and sends nothing again
            after = Outbox(db).run()
            done = outbox.many(ids)
        receipts = len(server.requests)
    assert gave_up_while_locked
    assert "\n" not in message and "stayed busy" in message
    assert "does not send them again" in message
    assert set(caught.value.delivery_ids) <= set(ids) and caught.value.delivery_ids
    assert journals and states == {"sending"}, "left for the journal, not taken as cut off"
    assert receipts == 6, "each delivery was sent exactly once"
    assert after == []
    assert [d.state for d in done] == ["succeeded"] * 6
    assert all(len(d.attempts) == 1 and d.attempts[0].status == 200 for d in done)
    assert not list(outbox_journal.folder_for(path).glob("answers-*.json"))
    with Database(path) as db:
        for i in range(6):
            assert db.people.get(f"p{i}").attributes["visits"] == 1
