"""The bulk-send shortcut against a real loopback server: progress, summary, cancel."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal, Slot
from pytestqt.qtbot import QtBot
from servers import FaultServer, Received, Reply

from composer.model import Person, Request
from composer.outbox import Outbox
from composer.retry import RetryPolicy
from composer.store import Database
from ui.bulk_send import BulkSendDialog
from ui.page_workers import OutboxRunner

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

FAST = RetryPolicy(max_retries=2, base=0.05)


class Relay(QObject):
    """Brings a worker thread's signal to the GUI thread (a queued connection)."""

    got = Signal(object)

    @Slot(object)
    def forward(self, value: object) -> None:
        self.got.emit(value)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "workspace.sqlite3")
    with database.transaction():
        for i in range(20):
            database.people.create(Person(f"p{i:02d}", f"p{i}@example.com", {"n": i}))
    yield database
    database.close()


def hook(url: str) -> Request:
    return Request(
        name="Hook",
        url=url + "/hook",
        body='{"id": {{ customer.id | json }}, "n": {{ customer.n }}}',
    )


def send(qtbot: QtBot, db: Database, request: Request, ids: list[str], **options: object):
    dialog = BulkSendDialog(db, None, request, ids, policy=FAST, **options)
    qtbot.addWidget(dialog)
    progress: list[tuple[int, int, int, str]] = []
    dialog.worker.progress.connect(lambda *args: progress.append(args))
    return dialog, progress


def test_twenty_people_each_recorded_with_a_progress_signal(qtbot: QtBot, db: Database) -> None:
    ids = [p.id for p in db.people.list()]
    with FaultServer([Reply(200)]) as server:
        dialog, progress = send(qtbot, db, hook(server.url), ids, workers=4)
        with qtbot.waitSignal(dialog.finished_sending, timeout=20_000) as done:
            dialog.start()
        dialog.wait()
        bodies = sorted(json.loads(r.body)["id"] for r in server.requests)
    summary = done.args[0]
    assert (summary["sent"], summary["failed"], summary["waiting"]) == (20, 0, 0)
    assert len(progress) == 20
    assert len({p[2] for p in progress}) == 20
    assert [p[0] for p in progress] == list(range(1, 21))
    assert bodies == ids
    deliveries = Outbox(db).list()
    assert len(deliveries) == 20
    assert {d.state for d in deliveries} == {"succeeded"}
    assert sorted(d.person_id or "" for d in deliveries) == ids
    assert "Sent 20" in dialog.status.text()
    assert dialog.close_button.isEnabled()


def by_number(request: Received) -> Reply:
    n = json.loads(request.body)["n"]
    if n % 5 == 1:
        return Reply(503)
    if n % 5 == 2:
        return Reply(400)
    return Reply(200)


def test_summary_counts_sent_failed_and_waiting(qtbot: QtBot, db: Database) -> None:
    ids = [p.id for p in db.people.list()]
    slow = RetryPolicy(max_retries=2, base=30.0)
    with FaultServer([by_number]) as server:
        dialog = BulkSendDialog(db, None, hook(server.url), ids, policy=slow, workers=4)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.finished_sending, timeout=20_000) as done:
            dialog.start()
        dialog.wait()
    summary = done.args[0]
    assert (summary["sent"], summary["failed"], summary["waiting"]) == (12, 4, 4)
    states = sorted(d.state for d in Outbox(db).list())
    assert states.count("waiting_retry") == 4
    assert set(summary["waiting_at"]) == {
        d.id for d in Outbox(db).list() if d.state == "waiting_retry"
    }
    assert "Waiting for retry 4" in dialog.status.text()


def test_cancel_midway_leaves_the_rest_unsent_and_cancelled(qtbot: QtBot, db: Database) -> None:
    ids = [p.id for p in db.people.list()]
    release = threading.Event()
    counter = itertools.count()
    first = 3
    workers = 2

    def gated(request: Received) -> Reply:
        if next(counter) >= first:
            release.wait(10)
        return Reply(200)

    with FaultServer([gated]) as server:
        dialog, progress = send(qtbot, db, hook(server.url), ids, workers=workers)
        dialog.start()
        qtbot.waitUntil(lambda: len(progress) >= first, timeout=10_000)
        with qtbot.waitSignal(dialog.finished_sending, timeout=20_000) as done:
            dialog.cancel()
            release.set()
        dialog.wait()
        received = len(server.requests)
    summary = done.args[0]
    deliveries = Outbox(db).list()
    states = [d.state for d in deliveries]
    assert len(deliveries) == 20
    assert set(states) <= {"succeeded", "cancelled"}
    assert states.count("succeeded") == summary["sent"] == received
    assert states.count("cancelled") == summary["cancelled"]
    assert summary["cancelled"] >= 20 - first - 2 * workers
    cancelled = [d for d in deliveries if d.state == "cancelled"]
    assert all(not d.attempts for d in cancelled)
    assert len(progress) == 20


def test_closing_midway_leaves_the_rest_queued_not_cancelled(qtbot: QtBot, db: Database) -> None:
    ids = [p.id for p in db.people.list()]
    release = threading.Event()
    counter = itertools.count()

    def gated(request: Received) -> Reply:
        if next(counter) >= 2:
            release.wait(10)
        return Reply(200)

    with FaultServer([gated]) as server:
        dialog, progress = send(qtbot, db, hook(server.url), ids, workers=1)
        dialog.start()
        qtbot.waitUntil(lambda: len(progress) >= 2, timeout=10_000)
        dialog.worker.pause()
        release.set()
        dialog.wait()
        received = len(server.requests)
    states = [d.state for d in Outbox(db).list()]
    assert len(states) == 20
    assert states.count("succeeded") == received
    assert states.count("queued") == 20 - received
    assert "cancelled" not in states


def test_runner_sends_the_retries_a_bulk_send_left_waiting(qtbot: QtBot, db: Database) -> None:
    person = db.people.list(1)[0]
    with FaultServer([Reply(503), Reply(200)]) as server:
        dialog = BulkSendDialog(db, None, hook(server.url), [person.id], policy=RetryPolicy(2, 0.2))
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.finished_sending, timeout=10_000) as done:
            dialog.start()
        dialog.wait()
        assert done.args[0]["waiting"] == 1
        runner = OutboxRunner(db, None)
        relay = Relay()
        runner.delivery_event.connect(relay.forward)
        runner.start()
        try:
            with qtbot.waitSignal(
                relay.got,
                timeout=10_000,
                check_params_cb=lambda event: event.kind == "succeeded",
            ):
                runner.adopt(done.args[0]["waiting_at"])
        finally:
            runner.shutdown()
        assert len(server.requests) == 2
    (delivery,) = Outbox(db).list()
    assert delivery.state == "succeeded"
    assert [a.status for a in delivery.attempts] == [503, 200]
