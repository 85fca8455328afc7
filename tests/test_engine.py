"""The one delivery engine: Outbox.serve in the core, and the window's DeliveryEngine that every
page drives, against a real loopback server that counts what it receives."""

from __future__ import annotations

import collections
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import QObject, Qt, QTimer
from pytestqt.qtbot import QtBot
from servers import FaultServer, Received, Reply
from ui_helpers import UI_MARKS, make_window, open_request

from composer.delivery.outbox import Outbox
from composer.delivery.retry import RetryPolicy
from composer.model import Person, Request, context_for
from composer.store.database import Database
from ui.ops import hub
from ui.ops.engine import DeliveryEngine
from ui.pages.outbox import OutboxPage

pytestmark = UI_MARKS
workspace = ui_helpers.workspace
ui_settings = ui_helpers.ui_settings
no_real_keychain = ui_helpers.no_real_keychain

QUICK = RetryPolicy(max_retries=2, base=0.05)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "workspace.sqlite3")
    with database.transaction():
        for i in range(30):
            database.people.create(Person(f"p{i:02d}", f"p{i}@example.com", {"n": i}))
    yield database
    database.close()


def hook(url: str) -> Request:
    return Request("Hook", url + "/hook", body='{"id": {{ customer.id | json }}}')


def record(db: Database, request: Request, people: list[str]) -> list[int]:
    outbox = Outbox(db)
    return [
        outbox.create(request, context_for(db.people.get(p)), person_id=p, policy=QUICK)
        for p in people
    ]


def test_serve_sends_what_is_made_after_it_started_and_ends_on_stop(db: Database) -> None:
    with FaultServer([Reply(200)]) as server:
        engine = Outbox(db)
        done: list[int] = []
        ran = threading.Thread(target=engine.serve, args=(lambda e: done.append(e.delivery_id),))
        ran.start()
        try:
            later = record(db, hook(server.url), ["p01", "p02"])
            engine.changed()
            deadline = threading.Event()
            for _ in range(200):
                if {d.state for d in Outbox(db).many(later)} == {"succeeded"}:
                    break
                deadline.wait(0.05)
        finally:
            engine.stop()
            ran.join(10)
        assert not ran.is_alive()
        assert len(server.requests) == 2
    assert {d.state for d in Outbox(db).many(later)} == {"succeeded"}


def test_serve_stopped_before_it_starts_returns_at_once(db: Database) -> None:
    engine = Outbox(db)
    engine.stop()
    ran = threading.Thread(target=engine.serve)
    ran.start()
    ran.join(10)
    assert not ran.is_alive()


def test_pages_share_one_engine_per_workspace(qtbot: QtBot, db: Database) -> None:
    a, b = OutboxPage(db), OutboxPage(db)
    qtbot.addWidget(a)
    qtbot.addWidget(b)
    assert a.engine is not None and a.engine is b.engine
    engine = a.engine
    a.shutdown()
    assert engine.running  # b still holds it
    b.shutdown()
    assert engine.join()


def test_an_engine_let_go_of_while_running_is_destroyed_on_the_gui_thread(
    qtbot: QtBot, db: Database
) -> None:
    """The last holder lets go without waiting: the scheduler thread ends on its own, and
    the engine's QObject is destroyed on the GUI thread, never on the scheduler's (Qt
    forbids it, and it raced the GUI thread handing the engine a queued step)."""
    holder = QObject()
    engine = DeliveryEngine.shared(db.path, holder=holder)
    assert engine._ready.wait(10)  # the scheduler opened the workspace
    died_on: list[str] = []
    engine.destroyed.connect(
        lambda *_: died_on.append(threading.current_thread().name),
        Qt.ConnectionType.DirectConnection,
    )
    holder.deleteLater()  # the last holder goes: stop without waiting
    thread = engine._thread
    del engine
    assert thread is not None
    qtbot.waitUntil(lambda: not thread.is_alive())
    qtbot.waitUntil(lambda: bool(died_on))
    assert died_on == [threading.main_thread().name]


def test_two_pages_driving_the_engine_at_once_never_send_a_delivery_twice(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    """Two outbox pages press Retry now on every delivery while the engine sends them and a
    second engine (another program's ``outbox run``, its own connection) runs too: every
    delivery reaches the server exactly once."""
    received: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()
    slow = threading.Event()

    def count(request: Received) -> Reply:
        with lock:
            received[json.loads(request.body)["id"]] += 1
        slow.wait(0.02)  # keep attempts in flight while the pages press buttons
        return Reply(200)

    people = [p.id for p in db.people.list()]
    with FaultServer([count]) as server:
        ids = record(db, hook(server.url), people)
        page_a, page_b = OutboxPage(db), OutboxPage(db)
        qtbot.addWidget(page_a)
        qtbot.addWidget(page_b)
        other = Outbox(Database(db.path))
        outside = threading.Thread(target=other.run, args=(ids,))
        outside.start()
        for delivery_id in ids:  # both pages release every delivery at once
            for page in (page_a, page_b):
                qtbot.waitUntil(lambda: hub().busy == 0, timeout=20_000)  # last press answered
                page.refresh()
                page.problem.clear()  # the last press's refusal ("… is sending")
                page.select(delivery_id)
                qtbot.waitUntil(
                    lambda p=page, i=delivery_id: (
                        (p.delivery is not None and p.delivery.id == i) or bool(p.problem.text())
                    ),
                    timeout=20_000,
                )
                assert page.problem.text() == ""
                page.act("retry_now")  # refused once it is sending or sent: never twice
        qtbot.waitUntil(
            lambda: {d.state for d in Outbox(db).many(ids)} == {"succeeded"}, timeout=20_000
        )
        outside.join(60)
        assert not outside.is_alive()
        other.db.close()
    assert sorted(received) == sorted(people)
    assert set(received.values()) == {1}, received
    assert all(len(d.attempts) == 1 for d in Outbox(db).many(ids))


def test_a_send_waits_for_a_busy_workspace_off_the_gui_thread(
    qtbot: QtBot, workspace: Database
) -> None:
    """Another program holds the workspace's write lock while the user presses Send: the
    event loop keeps running (a timer keeps firing), and the delivery goes once it is free."""
    window = make_window(qtbot, workspace)
    with FaultServer([Reply.json({"ok": True})]) as server:
        request = Request("Busy", server.url + "/busy", body="{}")
        open_request(qtbot, window, request)
        window.deliveries.start()
        qtbot.waitUntil(lambda: window.deliveries.engine is not None, timeout=10_000)
        holder = sqlite3.connect(workspace.path, isolation_level=None, timeout=0)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE settings SET key = key")
        ticks: list[int] = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start()
        kinds: list[str] = []
        window.deliveryUpdated.connect(lambda u: kinds.append(u.kind))
        try:
            window.send_current()
            qtbot.waitUntil(lambda: len(ticks) >= 30, timeout=5000)
            assert server.requests == []
        finally:
            holder.execute("COMMIT")
            holder.close()
        qtbot.waitUntil(lambda: "succeeded" in kinds, timeout=10_000)
        timer.stop()
        assert len(server.requests) == 1


def test_the_engine_waits_for_the_keychain_before_resuming(qtbot: QtBot, db: Database) -> None:
    """A delivery resumed at start-up is not rendered before the secret store is open."""
    with FaultServer([Reply(200)]) as server:
        (delivery_id,) = record(db, hook(server.url), ["p01"])
        store: list[Any] = []
        engine = DeliveryEngine(db.path, lambda: store[0] if store else None)
        engine.start()
        try:
            qtbot.wait(200)  # a real wait: the engine must do nothing meanwhile
            assert server.requests == []
            from keyring.backends import fail

            from composer.secrets import SecretStore

            store.append(SecretStore(db, backend=fail.Keyring()))
            qtbot.waitUntil(lambda: Outbox(db).get(delivery_id).state == "succeeded")
        finally:
            engine.stop()
        assert len(server.requests) == 1


def test_the_outbox_page_reads_again_when_another_page_records(qtbot: QtBot, db: Database) -> None:
    """Drafts made by a bulk send (nothing is sent, so no engine update) reach the shown
    Outbox through the ops' one changed signal."""
    from ui.pages.bulk_send import BulkSendDialog

    page = OutboxPage(db)
    qtbot.addWidget(page)
    page.show()
    assert page.model.rowCount() == 0
    draft = Request("Draft", "https://example.com/d", body="{}", send_mode="draft")
    dialog = BulkSendDialog(db, None, draft, ["p01", "p02"], policy=QUICK)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: bool(dialog.rendering.toPlainText()))
    with qtbot.waitSignal(dialog.finished_sending, timeout=10_000) as done:
        dialog.confirm()
    assert done.args[0]["draft"] == 2
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)


def test_a_refusing_workspace_is_said_once_and_retried_when_woken(
    qtbot: QtBot, db: Database
) -> None:
    """A workspace that refuses every write (read-only: SQLite's own ``query_only`` on the
    engine's connection) pauses sending with one message, however often it is tried
    again; a wake tries again at once instead of after the pause."""
    engine = DeliveryEngine(db.path, None)
    problems: list[str] = []
    engine.problem.connect(problems.append)
    engine.start()
    try:
        assert engine._ready.wait(10)  # the scheduler opened the workspace
        outbox = engine._outbox
        assert outbox is not None
        outbox.db.execute("PRAGMA query_only = ON")
        record(db, hook("http://127.0.0.1:9"), ["p01"])
        engine.wake()
        qtbot.waitUntil(lambda: len(problems) == 1)
        assert problems[0].startswith("Sending paused: ")
        passes: list[int] = []
        original = outbox.serve

        def counted(*args: Any, **kwargs: Any) -> None:
            passes.append(1)
            original(*args, **kwargs)

        outbox.serve = counted  # type: ignore[method-assign]
        for woken in range(1, 4):
            engine.wake()
            qtbot.waitUntil(lambda n=woken: len(passes) >= n, timeout=5000)  # type: ignore[misc]
        assert problems == problems[:1], problems
    finally:
        engine.stop()
