"""The window tells the truth and sends nothing by surprise (through the real widgets)."""

from __future__ import annotations

from typing import Any

import ui_helpers
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLineEdit, QStyleOptionViewItem
from pytestqt.qtbot import QtBot
from servers import FaultServer, Reply
from ui_helpers import UI_MARKS, open_request

from composer.delivery.outbox import Outbox
from composer.delivery.records import Attempt, Delivery
from composer.delivery.retry import RetryPolicy
from composer.model import Request, context_for
from composer.store.database import Database
from ui.app import install_pages
from ui.ops import hub
from ui.pages.attempt_chart import AttemptTimeline
from ui.pages.outbox import LAST_RESULT, OutboxPage, last_result_text
from ui.window.main_window import LIST_WIDTH

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain


def _kinds(window: Any) -> list[str]:
    kinds: list[str] = []
    window.deliveryUpdated.connect(lambda u: kinds.append(u.kind))
    return kinds


def test_ctrl_return_sends_only_from_the_composer(qtbot: QtBot, window: Any) -> None:
    with FaultServer([Reply.json({"ok": True})]) as server:
        open_request(qtbot, window, Request("Keys", server.url + "/k", body="{}"))
        field = QLineEdit()
        window.add_page("Other", field)
        window.show_page("Other")
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert not window.send_action.isEnabled()
        window.send_current()  # the action's slot refuses too
        assert hub().wait_idle()
        assert not [d for d in Outbox(window.db).list() if d.request_name == "Keys"]
        window.show_page(window.hsplit)
        assert window.send_action.isEnabled()
        kinds = _kinds(window)
        qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: "succeeded" in kinds, timeout=10_000)
        assert len(server.requests) == 1


def test_the_send_panel_describes_the_open_request(qtbot: QtBot, window: Any) -> None:
    panel = window.send_panel
    with FaultServer([Reply.json({"from": "first"})]) as server:
        first = Request("First", server.url + "/first", body="{}")
        open_request(qtbot, window, first)
        kinds = _kinds(window)
        window.send_current()
        qtbot.waitUntil(lambda: "succeeded" in kinds, timeout=10_000)
        assert '"from": "first"' in panel.viewer.as_text()
        open_request(qtbot, window, Request("Never sent", server.url + "/never", body="{}"))
        assert panel.status.text() == "Not sent yet."
        assert panel.viewer.as_text() == ""
        window.open_request("First")
        qtbot.waitUntil(lambda: panel.status.text().startswith("Succeeded after 1 attempt"))
        assert '"from": "first"' in panel.viewer.as_text()


def test_retry_now_in_the_outbox_updates_the_send_panel(qtbot: QtBot, window: Any) -> None:
    panel = window.send_panel
    with FaultServer([Reply(503), Reply.json({"second": True})]) as server:
        request = Request("Flaky", server.url + "/flaky", body="{}")
        open_request(qtbot, window, request)
        window.deliveries.backoff_base = 600.0  # the retry would wait ten minutes
        kinds = _kinds(window)
        window.send_current()
        qtbot.waitUntil(lambda: "waiting" in kinds, timeout=10_000)
        assert "503" in panel.viewer.as_text()
        page = OutboxPage(window.db)
        qtbot.addWidget(page)
        delivery_id = panel.delivery_id
        page.refresh()
        page.select(delivery_id)
        qtbot.waitUntil(lambda: page.delivery is not None and page.delivery.id == delivery_id)
        page.act("retry_now")
        qtbot.waitUntil(lambda: '"second": true' in panel.viewer.as_text(), timeout=10_000)
        qtbot.waitUntil(lambda: panel.status.text().startswith("Succeeded after 2 attempt(s)"))


def test_a_rename_error_goes_once_the_rename_succeeds(qtbot: QtBot, window: Any) -> None:
    taken = window.requests.names()[0]
    open_request(qtbot, window, Request("Mine", "https://example.com/m", body="{}"))
    assert not window.rename_current(taken)
    assert window.last_problem and window.statusBar().currentMessage() == window.last_problem
    assert window.rename_current("Mine renamed")
    qtbot.waitUntil(lambda: window.current_name == "Mine renamed")  # stored by a write op
    assert window.last_problem == ""
    assert window.statusBar().currentMessage() == ""


def test_resumed_deliveries_are_counted_in_words(qtbot: QtBot, window: Any) -> None:
    window._resumed(1)
    assert window.statusBar().currentMessage() == "Resumed 1 unfinished delivery from the outbox."
    window._resumed(3)
    assert window.statusBar().currentMessage() == "Resumed 3 unfinished deliveries from the outbox."


def test_the_request_list_starts_wide_enough_to_read_the_names(qtbot: QtBot, window: Any) -> None:
    names = window.requests.names() + [name for name, _ in window.requests.recipes()]
    metrics = window.request_list.fontMetrics()
    widest = max(metrics.horizontalAdvance(name) for name in names)
    assert window.hsplit.sizes()[0] >= min(LIST_WIDTH[1], widest + 24)
    assert window.hsplit.sizes()[0] > 230  # the old start, which cut recipe names off


def test_check_every_person_runs_at_once_beside_the_preview(qtbot: QtBot, window: Any) -> None:
    install_pages(window, window.db)
    window.resize(1280, 800)
    window.show_page(window.hsplit)
    window.composer.setCurrentWidget(window.composer.body_tab)
    action = next(a for a in window.menu("&Request").actions() if a.text().startswith("Check"))
    action.trigger()
    dialog = next(w for w in window.findChildren(object) if type(w).__name__ == "CheckDialog")
    qtbot.waitUntil(lambda: dialog.page.report is not None, timeout=20_000)  # one click
    preview = window.composer.body_tab.split.widget(1)
    shown = QRect(preview.mapToGlobal(preview.rect().topLeft()), preview.size())
    assert dialog.isVisible()
    assert not dialog.frameGeometry().intersects(shown)
    dialog.close()


def test_last_result_says_a_refused_connection_in_words(qtbot: QtBot, workspace: Database) -> None:
    person = workspace.people.list(1)[0]
    outbox = Outbox(workspace)
    request = Request("Nobody", "http://127.0.0.1:9/none", body="{}")
    delivery_id = outbox.create(
        request, context_for(person), person_id=person.id, policy=RetryPolicy(0, 0.05)
    )
    outbox.run([delivery_id])
    page = OutboxPage(workspace)
    qtbot.addWidget(page)
    page.refresh()
    row = page.model.row_of(delivery_id)
    index = page.model.index(row, LAST_RESULT)
    option = QStyleOptionViewItem()
    page.table.itemDelegateForColumn(LAST_RESULT).initStyleOption(option, index)
    assert option.text.startswith("127.0.0.1:9 ")
    assert "refused" in option.text
    assert last_result_text(503, None) == "HTTP 503"
    assert last_result_text(None, "Could not resolve example.invalid. Check the URL.") == (
        "Could not resolve example.invalid"
    )


def _delivery(times: list[float]) -> Delivery:
    attempts = tuple(
        Attempt(n + 1, t, 10.0, 503 if n % 2 else None, None, "timeout", (), b"", 0, False)
        for n, t in enumerate(times)
    )
    return Delivery(
        id=1,
        request_name="R",
        person_id="p",
        state="failed",
        request=Request("R", "https://example.com"),
        context={},
        rendered={},
        rendered_at=0.0,
        idempotency_key=None,
        policy=RetryPolicy(max_retries=10, base=10.56),
        next_attempt_at=None,
        attribute_updates=None,
        error=None,
        created_at=0.0,
        attempts=attempts,
    )


def test_the_timeline_labels_neither_overlap_nor_leave_the_widget(qtbot: QtBot) -> None:
    chart = AttemptTimeline()
    qtbot.addWidget(chart)
    chart.resize(420, 84)
    chart.set_delivery(_delivery([1000.0, 1000.5, 1001.0, 1011.0, 1031.0, 1072.0]))
    placed = chart.labels()
    assert placed and placed[0][0].left() >= 0  # the first is not cut off
    for i, (rect, _label) in enumerate(placed):
        assert chart.rect().toRectF().contains(rect)
        assert not any(rect.intersects(other) for other, _ in placed[i + 1 :])
    assert "attempt 1: timeout" in chart.toolTip()
