"""The operations layer (ui.ops): success, failure and changed signals, a connection per
worker thread, ordered writes, and a GUI thread that keeps running while SQLite is busy."""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from pytestqt.qtbot import QtBot

from composer.errors import StoreError
from composer.model import Request, ResponseMapping
from composer.store.database import Database
from ui.ops import Changed, Op, OpChanges, OpError, hub
from ui.ops import requests as request_ops


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "workspace.sqlite3")
    database.requests.create(Request("Ping", "https://example.com/ping", body="{}"))
    yield database
    database.close()


def test_success_comes_back_on_the_gui_thread_from_a_worker_with_its_own_connection(
    qtbot: QtBot, db: Database
) -> None:
    seen: list[Any] = []

    def work(worker_db: Database) -> tuple[int, bool, list[str]]:
        return threading.get_ident(), worker_db is db, worker_db.requests.names()

    Op(None, work, path=db.path).success(
        lambda value: seen.append((value, threading.get_ident()))
    ).run()
    qtbot.waitUntil(lambda: bool(seen))
    (worker, same_connection, names), callback_thread = seen[0]
    assert worker != threading.get_ident()
    assert callback_thread == threading.get_ident()
    assert same_connection is False
    assert names == ["Ping"]


def test_failure_is_plain_data_naming_what_went_wrong(qtbot: QtBot, db: Database) -> None:
    errors: list[OpError] = []

    def refuse(_db: Database) -> None:
        raise StoreError("The workspace is busy.")

    def crash(_db: Database) -> None:
        raise ZeroDivisionError("division by zero")

    Op(None, refuse, path=db.path).failure(errors.append).run()
    Op(None, crash, path=db.path).failure(errors.append).run()
    qtbot.waitUntil(lambda: len(errors) == 2)
    by_kind = {e.kind: e for e in errors}
    assert by_kind["StoreError"].known and by_kind["StoreError"].message == "The workspace is busy."
    assert not by_kind["ZeroDivisionError"].known


def test_a_write_announces_what_changed_and_who_asked(qtbot: QtBot, db: Database) -> None:
    page = QObject()
    request = Request("Ping", "https://example.com/changed", body="{}")
    with qtbot.waitSignal(hub().changed, timeout=5000) as changed:
        request_ops.save(page, db.path, "Ping", request, ("ui.sample.Ping", "{}")).run()
    changes, initiator = changed.args
    assert changes == OpChanges(requests=True) and initiator is page
    assert db.requests.get("Ping").url == "https://example.com/changed"
    assert db.settings.get("ui.sample.Ping") == "{}"


def test_a_read_announces_nothing(qtbot: QtBot, db: Database) -> None:
    done: list[int] = []
    with qtbot.assertNotEmitted(hub().changed):
        number = Op(None, lambda d: d.requests.names(), path=db.path).run()
        qtbot.waitUntil(lambda: not hub().busy)
        done.append(number)
    assert OpChanges() == OpChanges() and not OpChanges()
    assert OpChanges(people=True) | OpChanges(deliveries=True) == OpChanges(
        people=True, deliveries=True
    )


def test_writes_run_in_the_order_they_were_asked_for(qtbot: QtBot, db: Database) -> None:
    order: list[int] = []
    for n in range(30):
        Op(
            None, lambda _db, n=n: Changed(order.append(n), OpChanges()), path=db.path, write=True
        ).run()
    qtbot.waitUntil(lambda: len(order) == 30)
    assert order == list(range(30))


def test_no_callback_once_the_parent_is_gone(qtbot: QtBot, db: Database) -> None:
    calls: list[object] = []
    gate = threading.Event()
    parent = QObject()

    def slow(worker_db: Database) -> list[str]:
        gate.wait(5)
        return worker_db.requests.names()

    with qtbot.waitSignal(hub().finished, timeout=5000):
        Op(parent, slow, path=db.path).success(calls.append).run()
        parent.deleteLater()
        qtbot.waitUntil(lambda: not _alive(parent))
        gate.set()
    assert calls == []


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def test_a_qt_object_only_an_op_holds_is_destroyed_on_the_gui_thread(qtbot: QtBot) -> None:
    """An op's function and parent may be the last holders of a Qt object (a parentless
    worker whose method is the function): it dies on the GUI thread once the op answered,
    never on the worker thread that ran it."""
    died_on: list[str] = []
    answered: list[int] = []
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the worker and the GUI thread race to let go: often
    try:
        _ops_holding_their_parents(qtbot, died_on, answered)
    finally:
        sys.setswitchinterval(switch)
    assert set(died_on) == {threading.main_thread().name}


def _ops_holding_their_parents(qtbot: QtBot, died_on: list[str], answered: list[int]) -> None:
    for n in range(1, 101):  # one at a time: the GUI thread waits, ready to answer at once
        owner = QObject()
        owner.destroyed.connect(
            lambda *_: died_on.append(threading.current_thread().name),
            Qt.ConnectionType.DirectConnection,
        )
        Op(owner, lambda _db, owner=owner: owner.objectName()).success(
            lambda _value: answered.append(1)
        ).run()
        del owner
        qtbot.waitUntil(lambda n=n: len(answered) == n and len(died_on) == n)


def test_the_gui_thread_keeps_running_while_another_connection_holds_the_write_lock(
    qtbot: QtBot, db: Database
) -> None:
    """A save waits for the lock on its worker; the event loop goes on meanwhile."""
    holder = sqlite3.connect(db.path, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another program's long write
    holder.execute("UPDATE requests SET name = name")
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(len(ticks)))
    timer.start()
    saved: list[str] = []
    request = Request("Ping", "https://example.com/after-the-lock", body="{}")
    request_ops.save(None, db.path, "Ping", request).success(saved.append).run()
    try:
        qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=5000)  # the loop runs on
        assert saved == []  # still waiting for the lock, on its worker
    finally:
        holder.execute("COMMIT")
        holder.close()
    qtbot.waitUntil(lambda: saved == ["Ping"], timeout=10_000)
    timer.stop()
    assert db.requests.get("Ping").url == "https://example.com/after-the-lock"


def test_starting_workers_leaves_the_gil_switch_interval_alone(qtbot: QtBot, db: Database) -> None:
    from ui.ops.threads import WorkerThread

    before = sys.getswitchinterval()
    worker = WorkerThread(QObject(), "test")
    done: list[object] = []
    Op(None, lambda d: d.requests.names(), path=db.path).success(done.append).run()
    qtbot.waitUntil(lambda: bool(done))
    worker.stop()
    assert sys.getswitchinterval() == before


def test_the_first_request_with_mappings_is_found_off_the_gui_thread(
    qtbot: QtBot, db: Database
) -> None:
    """The screenshots' Response tab picture opens the first request (in list order) that
    maps its response; an op finds it, so the GUI thread never reads SQLite."""
    found: list[str | None] = []
    request_ops.first_with_mappings(None, db.path).success(found.append).run()
    qtbot.waitUntil(lambda: len(found) == 1)
    for name in ("B mapped", "A mapped"):
        db.requests.create(
            Request(name, "https://example.com", response_mappings=(ResponseMapping("id", "x"),))
        )
    request_ops.first_with_mappings(None, db.path).success(found.append).run()
    qtbot.waitUntil(lambda: len(found) == 2)
    assert found == [None, "A mapped"]  # list order is by name; created second
