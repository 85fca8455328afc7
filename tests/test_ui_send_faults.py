"""The window against faults: "Send anyway…" on a malformed body, and a redirect's Location.

A real loopback server and the sample workspace; the window's own delivery worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from servers import FaultServer, Reply
from ui_helpers import UI_MARKS, open_request

from composer.delivery.outbox import Outbox
from composer.model import Person, Request, context_for
from composer.store.database import Database
from ui.pages.outbox import OutboxPage

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain

BAD_JSON = '{"email": {{ customer.email }}}'  # not quoted: not JSON


def _kinds(window: Any) -> list[str]:
    seen: list[str] = []
    window.deliveryUpdated.connect(lambda u: seen.append(u.kind))
    return seen


def _refused(qtbot: QtBot, window: Any, url: str, body: str = BAD_JSON) -> list[str]:
    open_request(qtbot, window, Request(name="Malformed", url=url + "/hook", body=body))
    kinds = _kinds(window)
    window.send_current()
    return kinds


def test_a_malformed_body_is_refused_and_can_be_sent_anyway(qtbot: QtBot, window: Any) -> None:
    panel = window.send_panel
    with FaultServer([Reply(400, body=b"that is not JSON")]) as server:
        kinds = _refused(qtbot, window, server.url)
        qtbot.waitUntil(lambda: "refused" in kinds and panel.anyway.isVisible(), timeout=10000)
        assert server.requests == []
        assert "not valid JSON" in panel.status.text()
        assert "sent anyway" in panel.status.text()
        panel.anyway.click()
        box = panel.confirm_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert "recorded as forced" in box.text()
        (send,) = [b for b in box.buttons() if b.text() == "Send anyway"]
        send.click()
        qtbot.waitUntil(lambda: "failed" in kinds, timeout=10000)
        (received,) = server.requests
    assert received.body == b'{"email": maya.patel@example.com}'
    assert panel.forced is True and not panel.anyway.isVisible()
    delivery = Outbox(window.db).get(panel.delivery_id)
    assert delivery.forced is True and delivery.state == "failed"


def test_cancelling_the_confirmation_sends_nothing(qtbot: QtBot, window: Any) -> None:
    panel = window.send_panel
    with FaultServer() as server:
        kinds = _refused(qtbot, window, server.url)
        qtbot.waitUntil(lambda: panel.anyway.isVisible(), timeout=10000)
        panel.anyway.click()
        box = panel.confirm_box
        assert box is not None
        box.button(QMessageBox.StandardButton.Cancel).click()
        qtbot.wait(300)
        assert server.requests == []
    assert panel.anyway.isVisible(), "the offer stays until something else is sent"
    assert "attempt_started" not in kinds
    assert Outbox(window.db).list() == []


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("{{ customer.email }}", "{}"),  # not a URL
        ("SERVER", '{"a": {% if %}}'),  # a Liquid error in the body
        ("SERVER", '{"a": {{ secrets.never_set | json }}}'),  # a missing secret
    ],
    ids=["bad URL", "Liquid error", "missing secret"],
)
def test_other_errors_offer_nothing(qtbot: QtBot, window: Any, url: str, body: str) -> None:
    panel = window.send_panel
    with FaultServer() as server:
        request = Request(name="Broken", url=url.replace("SERVER", server.url), body=body)
        open_request(qtbot, window, request)
        window.send_current()
        qtbot.waitUntil(lambda: bool(window.last_problem), timeout=10000)
        qtbot.wait(200)
        assert server.requests == []
    assert not panel.anyway.isVisible()


def test_a_redirect_shows_where_it_points(qtbot: QtBot, window: Any) -> None:
    panel = window.send_panel
    moved = Reply(302, (("Location", "https://example.com/elsewhere"),), b"")
    with FaultServer([moved]) as server:
        request = Request(name="Moved", url=server.url + "/old", body="{}")
        open_request(qtbot, window, request)
        kinds = _kinds(window)
        window.send_current()
        qtbot.waitUntil(lambda: "failed" in kinds, timeout=10000)
    shown = panel.viewer.as_text()
    assert "Redirects to: https://example.com/elsewhere" in shown.splitlines()[1]
    assert "https://example.com/elsewhere" in panel.status.text()


# -- the outbox page ---------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = Database(tmp_path / "workspace.sqlite3")
    database.people.create(Person("ana", "ana@example.com", {"name": "Ana"}))
    yield database
    database.close()


def test_the_outbox_shows_forced_and_the_location(qtbot: QtBot, db: Database) -> None:
    page = OutboxPage(db)
    qtbot.addWidget(page)
    try:
        moved = Reply(301, (("Location", "https://example.com/moved"),), b"")
        with FaultServer([moved, Reply(200)]) as server:
            outbox = Outbox(db)
            context = context_for(db.people.get("ana"))
            request = Request(name="Hook", url=server.url + "/h", body=BAD_JSON)
            forced = outbox.create(request, context, person_id="ana", force=True)
            outbox.run([forced])
            page.refresh()
            page.select(forced)
            qtbot.waitUntil(lambda: page.delivery is not None and page.delivery.id == forced)
            assert "Sent anyway (forced)" in page.title.text()
            assert "https://example.com/moved" in page.attempts_view.toPlainText()
            assert "Redirects to: https://example.com/moved" in page.viewer.as_text()
            with qtbot.waitSignal(page.acted, timeout=5000) as acted:
                assert page.act("send_again")
                assert page.confirm_box is not None
                yes = next(b for b in page.confirm_box.buttons() if b.text() == "Send to 1 person")
                qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
            again = acted.args[1]
            qtbot.waitUntil(lambda: Outbox(db).get(again).state == "succeeded", timeout=10000)
        assert Outbox(db).get(again).forced is True, "sending again keeps the tester's choice"
    finally:
        page.shutdown()
