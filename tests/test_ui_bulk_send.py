"""The bulk-send shortcut against a real loopback server: asked first, then progress, summary,
cancel, and the one engine sending the retries it left waiting."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot
from servers import FaultServer, Received, Reply

from composer.delivery.outbox import Outbox
from composer.delivery.retry import RetryPolicy
from composer.model import Person, Request
from composer.secrets import SecretStore
from composer.store.database import Database
from ui.pages.bulk_send import BulkSendDialog

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

FAST = RetryPolicy(max_retries=2, base=0.05)


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


def send(
    qtbot: QtBot, db: Database, request: Request, ids: list[str], **options: Any
) -> tuple[BulkSendDialog, list[tuple[int, int, int, str]]]:
    options.setdefault("policy", FAST)
    dialog = BulkSendDialog(db, None, request, ids, **options)
    qtbot.addWidget(dialog)
    progress: list[tuple[int, int, int, str]] = []
    dialog.progress.connect(lambda *args: progress.append(args))
    return dialog, progress


def asked(qtbot: QtBot, dialog: BulkSendDialog) -> None:
    """Open the question and wait for the first rendering to show."""
    dialog.start()
    qtbot.waitUntil(lambda: bool(dialog.rendering.toPlainText()), timeout=10_000)


def test_it_asks_first_showing_the_request_the_count_and_the_first_rendering(
    qtbot: QtBot, db: Database
) -> None:
    ids = [p.id for p in db.people.list()]
    with FaultServer([Reply(200)]) as server:
        dialog, _ = send(qtbot, db, hook(server.url), ids)
        asked(qtbot, dialog)
        assert "“Hook”" in dialog.heading.text() and "20 people" in dialog.heading.text()
        assert dialog.rendering.toPlainText().startswith(f"POST {server.url}/hook")
        assert '"id": "p00"' in dialog.rendering.toPlainText()
        assert dialog.dont_button.isDefault() and not dialog.send_button.isDefault()
        dialog.decline()
        assert server.requests == []
    assert Outbox(db).list() == []
    assert dialog.summary is not None and dialog.summary.get("declined")


def test_the_first_rendering_masks_secrets(qtbot: QtBot, db: Database) -> None:
    store = SecretStore(db, backend=fail.Keyring())  # kept in memory for the session
    store.set("token", "s3cr3t-value")
    request = Request("Secret", "https://example.com/x?key={{ secrets.token }}", body="{}")
    dialog = BulkSendDialog(db, store, request, ["p01"], policy=FAST)
    qtbot.addWidget(dialog)
    asked(qtbot, dialog)
    assert "key=••••••" in dialog.rendering.toPlainText()
    assert "s3cr3t" not in dialog.rendering.toPlainText()
    dialog.decline()


def test_twenty_people_each_recorded_with_a_progress_signal(qtbot: QtBot, db: Database) -> None:
    ids = [p.id for p in db.people.list()]
    with FaultServer([Reply(200)]) as server:
        dialog, progress = send(qtbot, db, hook(server.url), ids)
        asked(qtbot, dialog)
        with qtbot.waitSignal(dialog.finished_sending, timeout=20_000) as done:
            dialog.confirm()
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
        dialog, _ = send(qtbot, db, hook(server.url), ids, policy=slow)
        asked(qtbot, dialog)
        with qtbot.waitSignal(dialog.finished_sending, timeout=20_000) as done:
            dialog.confirm()
    summary = done.args[0]
    assert (summary["sent"], summary["failed"], summary["waiting"]) == (12, 4, 4)
    states = sorted(d.state for d in Outbox(db).list())
    assert states.count("waiting_retry") == 4
    assert set(summary["waiting_at"]) == {
        d.id for d in Outbox(db).list() if d.state == "waiting_retry"
    }
    assert "Waiting for retry 4" in dialog.status.text()


def test_cancel_midway_leaves_the_unstarted_cancelled(qtbot: QtBot, db: Database) -> None:
    ids = [p.id for p in db.people.list()]
    release = threading.Event()
    counter = itertools.count()
    first = 3

    def gated(request: Received) -> Reply:
        if next(counter) >= first:
            release.wait(10)
        return Reply(200)

    with FaultServer([gated]) as server:
        dialog, progress = send(qtbot, db, hook(server.url), ids)
        asked(qtbot, dialog)
        dialog.confirm()
        qtbot.waitUntil(lambda: len(progress) >= first, timeout=10_000)
        with qtbot.waitSignal(dialog.finished_sending, timeout=20_000) as done:
            dialog.cancel()
            qtbot.waitUntil(lambda: "cancelled" in {p[3] for p in progress}, timeout=10_000)
            release.set()
        received = len(server.requests)
    summary = done.args[0]
    deliveries = Outbox(db).list()
    states = [d.state for d in deliveries]
    assert len(deliveries) == 20
    assert set(states) <= {"succeeded", "cancelled"}
    assert states.count("succeeded") == summary["sent"] == received
    assert states.count("cancelled") == summary["cancelled"] >= 1
    assert all(not d.attempts for d in deliveries if d.state == "cancelled")
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
        dialog, progress = send(qtbot, db, hook(server.url), ids)
        asked(qtbot, dialog)
        dialog.confirm()
        qtbot.waitUntil(lambda: len(progress) >= 2, timeout=10_000)
        engine = dialog.engine
        assert engine is not None
        dialog.pause()  # the window closes: the dialog lets go of the engine, which stops
        release.set()
        assert engine.join()
        received = len(server.requests)
    states = [d.state for d in Outbox(db).list()]
    assert len(states) == 20
    assert states.count("succeeded") == received < 20
    assert states.count("queued") == 20 - received
    assert "cancelled" not in states


def test_the_engine_sends_the_retries_a_bulk_send_left_waiting(qtbot: QtBot, db: Database) -> None:
    person = db.people.list(1)[0]
    with FaultServer([Reply(503), Reply(200)]) as server:
        dialog, _ = send(qtbot, db, hook(server.url), [person.id], policy=RetryPolicy(2, 0.2))
        asked(qtbot, dialog)
        with qtbot.waitSignal(dialog.finished_sending, timeout=10_000) as done:
            dialog.confirm()
        assert done.args[0]["waiting"] == 1
        assert dialog.engine is not None
        with qtbot.waitSignal(
            dialog.engine.update, timeout=10_000, check_params_cb=lambda u: u.kind == "succeeded"
        ):
            pass
        assert len(server.requests) == 2
    (delivery,) = Outbox(db).list()
    assert delivery.state == "succeeded"
    assert [a.status for a in delivery.attempts] == [503, 200]
