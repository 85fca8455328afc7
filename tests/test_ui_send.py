"""Sending from the window: a real loopback server, retries, drafts, threads, closing."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import ui_helpers
from PySide6.QtCore import Qt, QTimer
from servers import FaultServer, Reply
from ui_helpers import UI_MARKS, make_window, open_request

from composer.delivery.outbox import Outbox
from composer.model import Request, ResponseMapping
from composer.store.seed import open_workspace

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain


def _request(url: str, **fields: Any) -> Request:
    return Request(
        name="Loopback",
        url=url + "/hook?id={{ customer.id }}",
        body='{"email": {{ customer.email | json }}}',
        **fields,
    )


def _updates(window: Any) -> list[Any]:
    seen: list[Any] = []
    window.deliveryUpdated.connect(seen.append)
    return seen


def _kinds(updates: list[Any]) -> list[str]:
    return [u.kind for u in updates]


def test_ctrl_return_sends_and_shows_the_response(qtbot: Any, window: Any) -> None:
    with FaultServer([Reply.json({"id": "card_7", "ok": True})]) as server:
        request = _request(
            server.url, response_mappings=(ResponseMapping("card", "{{ response.id }}"),)
        )
        open_request(qtbot, window, request)
        updates = _updates(window)
        window.composer.show_body()
        qtbot.keyClick(
            window.composer.body_tab.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
        qtbot.waitUntil(lambda: "succeeded" in _kinds(updates), timeout=10000)
        assert len(server.requests) == 1
        assert server.requests[0].target == "/hook?id=1001"
        assert server.requests[0].body == b'{"email": "maya.patel@example.com"}'
    shown = window.send_panel.viewer.as_text()
    assert shown.startswith("HTTP 200")
    assert '"id": "card_7"' in shown  # pretty-printed
    assert "card" in window.send_panel.status.text()
    assert {u.thread_id for u in updates} != {threading.get_ident()}
    assert threading.get_ident() not in {u.thread_id for u in updates}
    assert window.db.people.get("1001").attributes["card"] == "card_7"


def test_a_503_then_200_shows_the_retry_then_the_success(qtbot: Any, window: Any) -> None:
    with FaultServer([Reply(503), Reply.json({"ok": True})]) as server:
        open_request(qtbot, window, _request(server.url))
        updates = _updates(window)
        waiting: list[str] = []
        window.deliveryUpdated.connect(
            lambda u: (
                waiting.append(window.send_panel.status.text()) if u.kind == "waiting" else None
            )
        )
        window.send_current()
        qtbot.waitUntil(lambda: "succeeded" in _kinds(updates), timeout=10000)
        assert len(server.requests) == 2
    kinds = _kinds(updates)
    assert kinds.index("waiting") < kinds.index("succeeded")
    assert waiting and "next attempt is at" in waiting[0]
    finished = [u for u in updates if u.kind == "attempt_finished"]
    assert [u.status for u in finished] == [503, 200]
    assert window.send_panel.status.text().startswith("Succeeded after 2 attempt(s)")


def test_the_gui_timer_keeps_ticking_while_a_send_waits(qtbot: Any, window: Any) -> None:
    with FaultServer([Reply.json({"ok": True}, status=200)]) as server:
        server.script([Reply(200, delay=0.6)])
        open_request(qtbot, window, _request(server.url))
        updates = _updates(window)
        ticks: list[int] = []
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(lambda: ticks.append(1))
        window.send_current()
        qtbot.waitUntil(lambda: "attempt_started" in _kinds(updates), timeout=10000)
        timer.start()
        qtbot.waitUntil(lambda: "succeeded" in _kinds(updates), timeout=10000)
        timer.stop()
    assert len(ticks) > 5
    started = next(u for u in updates if u.kind == "attempt_started")
    assert started.thread_id != threading.get_ident()


def test_a_draft_waits_for_approval_then_sends(qtbot: Any, window: Any) -> None:
    with FaultServer([Reply.json({"ok": True})]) as server:
        open_request(qtbot, window, _request(server.url, send_mode="draft"))
        updates = _updates(window)
        window.send_current()
        qtbot.waitUntil(lambda: "draft" in _kinds(updates), timeout=10000)
        assert window.send_panel.approve.isVisibleTo(window)
        assert window.send_panel.discard.isVisibleTo(window)
        assert server.requests == []
        qtbot.mouseClick(window.send_panel.approve, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "succeeded" in _kinds(updates), timeout=10000)
        assert len(server.requests) == 1


def test_discarding_a_draft_sends_nothing(qtbot: Any, window: Any) -> None:
    with FaultServer([Reply.json({"ok": True})]) as server:
        open_request(qtbot, window, _request(server.url, send_mode="draft"))
        updates = _updates(window)
        window.send_current()
        qtbot.waitUntil(lambda: "draft" in _kinds(updates), timeout=10000)
        qtbot.mouseClick(window.send_panel.discard, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "cancelled" in _kinds(updates), timeout=10000)
        assert server.requests == []
    assert window.db.fetchone("SELECT state FROM deliveries")["state"] == "cancelled"


def test_retry_now_and_cancel(qtbot: Any, tmp_path: Path) -> None:
    db = open_workspace(tmp_path / "slow")
    try:
        window = make_window(qtbot, db, backoff_base=60.0)
        with FaultServer([Reply(503), Reply(503), Reply(503)]) as server:
            open_request(qtbot, window, _request(server.url))
            updates = _updates(window)
            window.send_current()
            qtbot.waitUntil(lambda: "waiting" in _kinds(updates), timeout=10000)
            assert window.send_panel.retry.isVisibleTo(window)
            qtbot.mouseClick(window.send_panel.retry, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: _kinds(updates).count("waiting") == 2, timeout=10000)
            assert len(server.requests) == 2
            qtbot.mouseClick(window.send_panel.cancel, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: "cancelled" in _kinds(updates), timeout=10000)
        window.shutdown()
    finally:
        db.close()


def test_closing_while_a_retry_waits_leaves_it_in_the_outbox(qtbot: Any, tmp_path: Path) -> None:
    data = tmp_path / "close"
    db = open_workspace(data)
    try:
        window = make_window(qtbot, db, backoff_base=60.0)
        with FaultServer([Reply(503), Reply.json({"ok": True})]) as server:
            open_request(qtbot, window, _request(server.url))
            updates = _updates(window)
            window.send_current()
            qtbot.waitUntil(lambda: "waiting" in _kinds(updates), timeout=10000)
            engine = window.deliveries.engine
            assert engine is not None and engine.running
            ui_helpers.close_and_wait(qtbot, window)
            assert not engine.running  # the window was its last holder
            assert len(server.requests) == 1
    finally:
        db.close()
    with open_workspace(data) as again:
        (delivery,) = Outbox(again).list()
        assert delivery.state == "waiting_retry"
        assert delivery.next_attempt_at is not None
        assert len(delivery.attempts) == 1


def test_start_up_resumes_a_waiting_delivery(qtbot: Any, tmp_path: Path) -> None:
    data = tmp_path / "resume"
    with FaultServer([Reply.json({"ok": True})]) as server:
        with open_workspace(data) as db:
            outbox = Outbox(db)
            ids = [
                outbox.create(
                    _request(server.url), {"customer": {"id": str(n), "email": f"{n}@x.io"}}
                )
                for n in range(3)
            ]
            db.execute("UPDATE deliveries SET state = 'waiting_retry'")
        db = open_workspace(data)
        try:
            window = make_window(qtbot, db)
            outbox = Outbox(db)
            qtbot.waitUntil(
                lambda: all(outbox.get(i).state == "succeeded" for i in ids), timeout=10000
            )
            assert sorted(r.target for r in server.requests) == [f"/hook?id={n}" for n in range(3)]
            qtbot.waitUntil(lambda: "Resumed 3" in window.statusBar().currentMessage())
            window.shutdown()
        finally:
            db.close()


def test_use_last_real_response_fills_the_sample(qtbot: Any, window: Any) -> None:
    with FaultServer([Reply.json({"id": "from_the_wire"})]) as server:
        request = _request(
            server.url, response_mappings=(ResponseMapping("card", "{{ response.id }}"),)
        )
        open_request(qtbot, window, request)
        updates = _updates(window)
        window.send_current()
        qtbot.waitUntil(lambda: "succeeded" in _kinds(updates), timeout=10000)
    window.composer.show_response()
    tab = window.composer.response_tab
    qtbot.mouseClick(tab.use_last, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.sample_text() == '{"id": "from_the_wire"}')
    window.wait_for_preview()
    assert tab.preview_row(0) == ('"from_the_wire"', "")
