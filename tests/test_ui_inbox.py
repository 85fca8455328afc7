"""The Inbox page: a real loopback catcher, real requests sent to it with httpx."""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
import pytest
import ui_helpers
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, no_real_keychain, open_request, ui_settings, window, workspace

from composer.model import Request
from ui.pages.inbox import InboxPage, parse_header_lines

__all__ = ["no_real_keychain", "ui_settings", "window", "workspace"]  # fixtures used by name

pytestmark = UI_MARKS


@pytest.fixture
def page(qtbot: QtBot) -> Any:
    inbox_page = InboxPage()
    qtbot.addWidget(inbox_page)
    yield inbox_page
    inbox_page.shutdown()


def test_a_request_sent_to_the_inbox_is_listed_with_its_body(qtbot: QtBot, page: Any) -> None:
    page.reply_status.setValue(201)
    page.reply_headers.setPlainText("Content-Type: application/json\nX-Inbox: yes")
    page.reply_body.setPlainText('{"id": 7}')
    with qtbot.waitSignal(page.started):
        page.start_button.click()
    url = page.url.text()
    assert url.startswith("http://127.0.0.1:")
    body = '{"name":"Zoë \\"Z\\"","n":1}'
    with qtbot.waitSignal(page.model.rowsInserted, timeout=10_000), httpx.Client() as client:
        response = client.post(
            url + "/hooks/a?x=1",
            content=body.encode(),
            headers={"Content-Type": "application/json", "X-Case": "Kept"},
        )
    assert (response.status_code, response.json(), response.headers["x-inbox"]) == (
        201,
        {"id": 7},
        "yes",
    )
    assert page.model.rowCount() == 1
    row = [page.model.index(0, c).data() for c in range(4)]
    assert row[1:] == ["POST", "/hooks/a?x=1", f"{len(body.encode())} B"]
    raw = page.raw.toPlainText()
    assert raw.startswith("POST /hooks/a?x=1 HTTP/1.1\n")
    assert "X-Case: Kept" in raw
    assert raw.endswith("\n\n" + body)
    assert json.loads(page.pretty.toPlainText()) == json.loads(body)
    assert "\n  " in page.pretty.toPlainText()
    with qtbot.waitSignal(page.stopped):
        page.start_button.click()
    with pytest.raises(httpx.ConnectError), httpx.Client() as client:
        client.get(url)


def test_a_form_body_is_shown_one_field_a_line(qtbot: QtBot, page: Any) -> None:
    assert page.start()
    with qtbot.waitSignal(page.model.rowsInserted, timeout=10_000), httpx.Client() as client:
        client.post(page.url.text() + "/f", data={"a": "1", "b": "x y"})
    assert page.pretty.toPlainText() == "a = 1\nb = x y"


def test_a_taken_port_is_refused_plainly(qtbot: QtBot, page: Any) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        page.port.setValue(taken.getsockname()[1])
        assert page.start() is False
    assert "cannot listen" in page.status.text()
    assert not page.running and not page.use_button.isEnabled()


@pytest.mark.parametrize(
    ("text", "pairs", "bad"),
    [
        ("A: 1\n\nB:2", [("A", "1"), ("B", "2")], []),
        ("nocolon\nC: x:y", [("C", "x:y")], [1]),
        (": v", [], [1]),
    ],
)
def test_reply_header_lines(text: str, pairs: list[tuple[str, str]], bad: list[int]) -> None:
    assert parse_header_lines(text) == (pairs, bad)


def test_the_window_page_sets_the_request_url_and_stops_on_close(qtbot: QtBot, window: Any) -> None:
    from ui.app import install_pages

    install_pages(window, window.db)
    open_request(qtbot, window, Request(name="hook", url="https://example.com/x"))
    inbox = window.show_page("Inbox")
    assert isinstance(inbox, InboxPage)
    assert inbox.start()
    url = inbox.url.text()
    inbox.use_button.click()
    assert window.current_request().url == url + "/x"  # the request keeps its path
    ui_helpers.close_and_wait(qtbot, window)
    assert not inbox.running
    with pytest.raises(httpx.ConnectError), httpx.Client() as client:
        client.get(url)
