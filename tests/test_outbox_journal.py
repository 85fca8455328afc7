"""Run locks and the answer journal on real files: telling a live run from a dead one."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.delivery import journal
from composer.delivery.outbox import Outbox
from composer.model import Person, Request
from composer.store.database import Database


def test_a_held_lock_is_alive_and_a_released_one_is_gone(tmp_path: Path) -> None:
    folder = tmp_path / "w.outbox"
    with journal.RunLock(folder) as lock:
        assert lock.token is not None
        assert journal.run_alive(folder, lock.token) is True
        token = lock.token
    assert journal.run_alive(folder, token) is False
    assert journal.run_alive(folder, "never-was") is False
    assert not folder.exists(), "an empty folder is removed with the last lock"


def test_a_killed_process_leaves_its_lock_file_unlocked(tmp_path: Path) -> None:
    folder = tmp_path / "w.outbox"
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from composer.delivery import journal as j\n"
        "lock = j.RunLock(Path(sys.argv[1])).__enter__()\n"
        "print(lock.token, flush=True)\n"
        "os._exit(0)  # no cleanup, as a crash\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True
    )
    token = done.stdout.strip()
    assert (folder / f"run-{token}.lock").exists()
    assert journal.run_alive(folder, token) is False
    assert not (folder / f"run-{token}.lock").exists(), "the dead run's file is tidied"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        database.people.create(Person("p1", "", {}))
        yield database


def _sending(db: Database, owner: str | None) -> int:
    outbox = Outbox(db)
    delivery_id = outbox.create(
        Request(name="R", url="http://127.0.0.1:9/x"), {"customer": {"id": "p1"}}, person_id="p1"
    )
    with db.transaction():
        db.execute("UPDATE deliveries SET state = 'sending' WHERE id = ?", (delivery_id,))
        db.execute(
            "INSERT INTO attempts (delivery_id, n, started_at, owner) VALUES (?, 1, ?, ?)",
            (delivery_id, outbox.clock(), owner),
        )
    return delivery_id


def test_an_attempt_of_a_dead_run_is_recovered_at_once(db: Database) -> None:
    delivery_id = _sending(db, "12345-deadbeef0000")
    Outbox(db).resume_due()
    delivery = Outbox(db).get(delivery_id)
    assert delivery.state == "waiting_retry"
    assert delivery.attempts[0].error_kind == "interrupted"


def test_an_attempt_of_a_live_run_is_left_alone(db: Database) -> None:
    with journal.RunLock(journal.folder_for(db.path)) as lock:
        delivery_id = _sending(db, lock.token)
        Outbox(db).resume_due()
        assert Outbox(db).get(delivery_id).state == "sending"


def test_an_attempt_without_an_owner_waits_for_the_lease(db: Database) -> None:
    delivery_id = _sending(db, None)
    Outbox(db).resume_due()
    assert Outbox(db).get(delivery_id).state == "sending"
    Outbox(db, clock=lambda: 10**10).resume_due()
    assert Outbox(db).get(delivery_id).state == "waiting_retry"


def test_a_damaged_journal_is_skipped_without_a_traceback(db: Database) -> None:
    folder = journal.folder_for(db.path)
    folder.mkdir()
    (folder / "answers-1-x-1.json").write_text("{not json")
    (folder / "answers-1-x-2.json").write_text('{"answers": [{"delivery_id": "x"}]}')
    delivery_id = _sending(db, "gone-run")
    Outbox(db).resume_due()
    assert Outbox(db).get(delivery_id).state == "waiting_retry"
    assert not (folder / "answers-1-x-2.json").exists(), "read, so removed"
    assert (folder / "answers-1-x-1.damaged").exists(), "kept aside, not read again"
    assert not list(folder.glob("answers-*.json"))
