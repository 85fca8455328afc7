"""The Outbox page against a real loopback server and a real SQLite file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from servers import FaultServer, Reply

from composer.delivery.outbox import Outbox
from composer.delivery.retry import RetryPolicy
from composer.model import Person, Request, ResponseMapping, context_for
from composer.store.database import Database
from ui.pages.outbox import OutboxPage
from ui.pages.table_models import DeliveriesTableModel, countdown_text

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

QUICK = RetryPolicy(max_retries=3, base=1.0)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "workspace.sqlite3")
    database.people.create(Person("ana", "ana@example.com", {"plan": "pro"}))
    database.people.create(Person("bo", "bo@example.com", {"plan": "free"}))
    yield database
    database.close()


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> Iterator[OutboxPage]:
    widget = OutboxPage(db)
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


def request(url: str, **changes: object) -> Request:
    return Request(
        name=str(changes.pop("name", "Sync")),
        url=url + "/sync",
        body='{"id": {{ customer.id | json }}}',
        response_mappings=(ResponseMapping("synced_id", "{{ response.id }}"),),
        **changes,  # type: ignore[arg-type]
    )


def record(db: Database, req: Request, person: str, policy: RetryPolicy = QUICK) -> int:
    return Outbox(db).create(
        req, context_for(db.people.get(person)), person_id=person, policy=policy
    )


def state_shown(page: OutboxPage, delivery_id: int) -> str:
    row = page.model.row_of(delivery_id)
    return str(page.model.data(page.model.index(row, 3)))


def show(qtbot: QtBot, page: OutboxPage, delivery_id: int) -> None:
    """Select a delivery and wait for its detail (read off the GUI thread)."""
    page.select(delivery_id)
    qtbot.waitUntil(lambda: page.delivery is not None and page.delivery.id == delivery_id)


def act(qtbot: QtBot, page: OutboxPage, action: str) -> int:
    """Do an action and wait until it is made; the delivery to watch."""
    with qtbot.waitSignal(page.acted, timeout=5000) as acted:
        assert page.act(action)
        if action == "send_again":
            box = page.confirm_box
            assert box is not None and "Send “" in box.text() and "1 person" in box.text()
            yes = next(b for b in box.buttons() if b.text().startswith("Send to"))
            qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    assert acted.args[0] == action
    return int(acted.args[1])


def test_a_retry_becoming_a_success_shows_in_the_view(
    qtbot: QtBot, page: OutboxPage, db: Database
) -> None:
    with FaultServer([Reply(503), Reply.json({"id": 77})]) as server:
        # a 3 s retry: time for the detail (read off the GUI thread) to show the wait
        policy = RetryPolicy(max_retries=3, base=3.0)
        delivery_id = record(db, request(server.url), "ana", policy)
        page.refresh()
        show(qtbot, page, delivery_id)
        assert page.engine is not None
        page.engine.wake()
        qtbot.waitUntil(lambda: state_shown(page, delivery_id) == "waiting retry", timeout=5000)
        row = page.model.row_of(delivery_id)
        assert page.model.data(page.model.index(row, 5)) == "503"
        qtbot.waitUntil(lambda: page.countdown.text().startswith("Next attempt "), timeout=2500)
        qtbot.waitUntil(lambda: state_shown(page, delivery_id) == "succeeded", timeout=10_000)
    row = page.model.row_of(delivery_id)
    assert page.model.data(page.model.index(row, 4)) == "2"
    assert page.model.data(page.model.index(row, 5)) == "200"
    qtbot.waitUntil(lambda: page.delivery is not None and page.delivery.state == "succeeded")
    attempts = page.attempts_view.toPlainText().splitlines()
    assert "HTTP 503" in attempts[0] and "HTTP 200" in attempts[1]
    assert '"synced_id": 77' in page.updates_view.toPlainText()
    assert page.viewer.as_text().startswith("HTTP 200 OK  (")
    assert page.viewer.view is not None and page.viewer.view.attempt == 2
    assert [page.attempt_choice.itemText(i)[:13] for i in range(2)] == [
        "#1 · HTTP 503",
        "#2 · HTTP 200",
    ]
    assert page.sent_view.toPlainText().startswith(f"POST {server.url}/sync\n")
    assert page.chart.describe() == "2 of up to 4 attempts; attempt 1: 503, attempt 2: 200."
    assert not page.action_buttons["retry_now"].isEnabled()
    assert page.countdown.text() == ""


def test_draft_approve_sends_and_discard_cancels(
    qtbot: QtBot, page: OutboxPage, db: Database
) -> None:
    with FaultServer([Reply.json({"id": 1})]) as server:
        draft = request(server.url, send_mode="draft")
        first, second = record(db, draft, "ana"), record(db, draft, "bo")
        page.refresh()
        show(qtbot, page, first)
        assert page.action_buttons["approve"].isEnabled()
        assert "No attempts yet" in page.attempts_view.toPlainText()
        qtbot.mouseClick(page.action_buttons["approve"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: state_shown(page, first) == "succeeded", timeout=5000)
        show(qtbot, page, second)
        qtbot.mouseClick(page.action_buttons["discard"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: state_shown(page, second) == "cancelled")
        assert len(server.requests) == 1


def test_cancel_a_waiting_retry_and_send_again(
    qtbot: QtBot, page: OutboxPage, db: Database
) -> None:
    slow = RetryPolicy(max_retries=3, base=60.0)
    with FaultServer([Reply(500), Reply.json({"id": 2})]) as server:
        delivery_id = record(db, request(server.url), "bo", slow)
        page.refresh()
        show(qtbot, page, delivery_id)
        assert page.engine is not None
        page.engine.wake()
        qtbot.waitUntil(lambda: state_shown(page, delivery_id) == "waiting retry", timeout=5000)
        qtbot.waitUntil(  # a minute's wait, however long the machine took to show it
            lambda: (
                re.search(r"Next attempt in (1 min|[1-5]?[0-9] s) ", page.countdown.text())
                is not None
            )
        )
        assert act(qtbot, page, "cancel") == delivery_id
        assert state_shown(page, delivery_id) == "cancelled"
        again = act(qtbot, page, "send_again")
        assert again != delivery_id
        qtbot.waitUntil(lambda: state_shown(page, again) == "succeeded", timeout=5000)
        assert len(server.requests) == 2
    show(qtbot, page, again)
    qtbot.waitUntil(lambda: page.delivery is not None and page.delivery.state == "succeeded")
    assert page.act("retry_now")
    qtbot.waitUntil(lambda: "succeeded; it cannot be retried" in page.problem.text())


def test_send_again_asks_first_and_dont_send_sends_nothing(
    qtbot: QtBot, page: OutboxPage, db: Database
) -> None:
    delivery_id = record(db, request("http://127.0.0.1:9"), "ana")
    page.refresh()
    show(qtbot, page, delivery_id)
    assert page.act("send_again")
    box = page.confirm_box
    assert box is not None
    assert "“Sync”" in box.text() and "1 person" in box.text()
    assert box.detailedText().startswith("POST http://127.0.0.1:9/sync")
    assert box.defaultButton().text() == "Don't send"
    with qtbot.assertNotEmitted(page.acted, wait=100):
        qtbot.mouseClick(box.defaultButton(), Qt.MouseButton.LeftButton)
    assert len(Outbox(db).list()) == 1


def test_filters_by_state_request_person_and_text(
    qtbot: QtBot, page: OutboxPage, db: Database
) -> None:
    a = record(db, request("http://127.0.0.1:9", name="Alpha"), "ana")
    b = record(db, request("http://127.0.0.1:9", name="Beta", send_mode="draft"), "bo")
    c = record(db, request("http://127.0.0.1:9", name="Beta"), "ana")
    page.refresh()
    shown = lambda: [page.model.delivery(r).id for r in range(page.model.rowCount())]  # noqa: E731
    assert shown() == [c, b, a]
    page.state_filter.setCurrentIndex(page.state_filter.findData("draft"))
    assert shown() == [b]
    page.state_filter.setCurrentIndex(0)
    page.request_filter.setCurrentIndex(page.request_filter.findData("Beta"))
    assert shown() == [c, b]
    page.person_filter.setText("ana")
    assert shown() == [c]
    page.request_filter.setCurrentIndex(0)
    page.person_filter.clear()
    page.text_filter.setText("alph")
    assert shown() == [a]
    page.text_filter.setText(f"#{b}")
    assert shown() == [b]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-3, "due now"),
        (0.2, "due now"),
        (9.6, "in 10 s"),
        (65, "in 1 min 05 s"),
        (5400, "in 1 h 30 min"),
    ],
)
def test_countdown_text(seconds: float, text: str) -> None:
    assert countdown_text(seconds) == text


def test_one_tick_moves_every_countdown(qtbot: QtBot, db: Database) -> None:
    now = [1_000_000.0]
    model = DeliveriesTableModel(db, clock=lambda: now[0])
    with db.transaction():
        for person in ("ana", "bo"):
            delivery_id = record(db, request("http://127.0.0.1:9"), person)
            db.execute(
                "UPDATE deliveries SET state = 'waiting_retry', next_attempt_at = ? WHERE id = ?",
                (now[0] + 120, delivery_id),
            )
    model.refresh()
    assert model.data(model.index(0, 6)) == "in 2 min 00 s"
    with qtbot.waitSignal(model.dataChanged) as changed:
        now[0] += 61
        model.tick()
    top, bottom = changed.args[0], changed.args[1]
    assert (top.row(), bottom.row(), top.column(), bottom.column()) == (0, 1, 6, 6)
    assert [model.data(model.index(r, 6)) for r in (0, 1)] == ["in 59 s", "in 59 s"]
