"""The inbox remembers its port and reply, keeps a request's path, and starts again for it."""

from __future__ import annotations

import httpx
import pytest
import ui_helpers
from command_runs import modules_loaded
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, make_window, no_real_keychain, open_request, ui_settings, workspace

from composer.inbox.server import points_at, with_origin
from composer.model import Request
from composer.store.database import Database
from ui.pages.inbox import InboxPage, remembered_port

__all__ = ["no_real_keychain", "ui_settings", "workspace"]  # fixtures used by name

pytestmark = UI_MARKS


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.example.com/v1/cards?key={{ secrets.k }}", "/v1/cards?key={{ secrets.k }}"),
        ("https://api.example.com", "/"),
        ("https://{{ customer.shop }}.example.com/hook#x", "/hook#x"),
        ("http://user:pw@host:8080/a/b", "/a/b"),
        ("", "/"),
    ],
)
def test_with_origin_keeps_the_path(url: str, expected: str) -> None:
    assert with_origin(url, "http://127.0.0.1:8089") == "http://127.0.0.1:8089" + expected


@pytest.mark.parametrize(
    ("url", "port", "expected"),
    [
        ("http://127.0.0.1:8089/x", 8089, True),
        ("http://localhost:8089", 8089, True),
        ("http://[::1]:8089/?a=1", 8089, True),
        ("http://127.0.0.1:80890/x", 8089, False),
        ("https://127.0.0.1:8089/x", 8089, False),
        ("http://example.com:8089/x", 8089, False),
        ("http://127.0.0.1:8089/x", 0, False),
    ],
)
def test_points_at(url: str, port: int, expected: bool) -> None:
    assert points_at(url, port) is expected


def test_the_port_and_reply_are_remembered(qtbot: QtBot) -> None:
    first = InboxPage()
    qtbot.addWidget(first)
    first.reply_status.setValue(202)
    first.reply_body.setPlainText('{"id": "remembered"}')
    first.reply_delay.setValue(0.5)
    assert first.port.value() == 0
    with qtbot.waitSignal(first.started):
        first.start()
    port = first.port.value()
    assert port > 0 and first.url.text().endswith(f":{port}")  # any free port, now fixed
    with httpx.Client() as client, qtbot.waitSignal(first.model.rowsInserted, timeout=10_000):
        answer = client.post(first.url.text() + "/hook", content=b"{}")
    assert answer.status_code == 202
    assert first.status.text().endswith(": 1 request caught.")
    first.stop()
    assert first.status.text() == "Stopped; 1 request listed."
    again = InboxPage()
    qtbot.addWidget(again)
    assert remembered_port() == port
    assert again.port.value() == port
    assert again.reply_status.value() == 202
    assert again.reply_body.toPlainText() == '{"id": "remembered"}'
    assert again.reply_delay.value() == 0.5


def test_use_as_request_url_keeps_the_path_and_a_restart_starts_the_inbox_again(
    qtbot: QtBot, workspace: Database
) -> None:
    from ui.app import install_pages

    window = make_window(qtbot, workspace)
    install_pages(window, workspace)
    template = "https://api.example.com/v1/people/{{ customer.id }}?source=composer"
    open_request(qtbot, window, Request(name="Hook", url=template))
    page = window.pages.page("Inbox")
    assert isinstance(page, InboxPage)
    assert page.start()
    base = page.url.text()
    page.use_button.click()
    expected = base + "/v1/people/{{ customer.id }}?source=composer"
    assert window.current_request().url == expected
    ui_helpers.close_and_wait(qtbot, window)  # the edit is saved first
    assert not page.running

    again = make_window(qtbot, workspace)  # the next start of the app
    install_pages(again, workspace)
    open_request(qtbot, again, workspace.requests.get("Hook"))
    restarted = again.pages.page("Inbox")
    assert isinstance(restarted, InboxPage)
    qtbot.waitUntil(lambda: restarted.running, timeout=5_000)
    assert restarted.url.text() == base
    assert "started again" in restarted.status.text()
    caught = restarted.model.rowsInserted
    with httpx.Client() as client, qtbot.waitSignal(caught, timeout=10_000):
        client.get(base + "/v1/people/1")


def test_a_request_elsewhere_does_not_start_it(qtbot: QtBot, workspace: Database) -> None:
    from ui.app import install_pages

    window = make_window(qtbot, workspace)
    install_pages(window, workspace)
    open_request(qtbot, window, Request(name="Away", url="https://api.example.com/x"))
    assert "Inbox" in window.pages.names()
    page = window.pages.page("Inbox")
    assert isinstance(page, InboxPage) and not page.running


def test_the_composer_loads_the_inbox_code_only_where_an_inbox_ran() -> None:
    # start-up imports the composer's tabs; the inbox (its server, its tables) waits until
    # a port is remembered, the only case in which loading a request may start it
    assert modules_loaded(["ui.editor.tabs"], ["ui.pages.inbox"]) == []
