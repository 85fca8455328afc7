"""The response viewer through real widgets: alone, under Send and in the Outbox."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from pytestqt.qtbot import QtBot
from servers import FaultServer, Reply
from ui_helpers import UI_MARKS, open_request

from composer.model import Request
from ui.app import install_pages
from ui.editor.response_data import ResponseView, hex_dump, size_text, status_class
from ui.editor.response_raw import LINE_CHARS, display_text
from ui.editor.response_tree import MAX_CHILDREN
from ui.editor.response_viewer import PARSE_HERE, ResponseViewer
from ui.widgets.palette import accent

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain

JSON = (("Content-Type", "application/json"),)


@pytest.fixture
def viewer(qtbot: QtBot) -> ResponseViewer:
    widget = ResponseViewer()
    qtbot.addWidget(widget)
    widget.resize(800, 500)
    widget.show()
    return widget


def answer(body: bytes, status: int = 200, headers: Any = JSON, **more: Any) -> ResponseView:
    return ResponseView(2, 1_700_000_000.0, 41.6, status, headers, body, **more)


def rows(model: Any, parent: Any = None) -> list[tuple[str, str]]:
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    return [
        (model.index(r, 0, parent).data(), model.index(r, 1, parent).data())
        for r in range(model.rowCount(parent))
    ]


# -- the viewer alone --------------------------------------------------------------------


def test_a_json_answer_shows_status_time_size_tree_headers_and_timing(
    viewer: ResponseViewer,
) -> None:
    body = json.dumps({"id": "abc", "contacts": [{"id": 1}, {"id": 2}], "ok": True}).encode()
    viewer.show_view(answer(body, headers=(*JSON, ("X-Trace", "t-1"))))
    assert viewer.status_label.text() == "200 OK"
    assert viewer.time_label.text() == "42 ms"
    assert viewer.size_label.text() == size_text(len(body)) == f"{len(body)} B"
    shown = viewer.status_label.palette().color(QPalette.ColorRole.WindowText)
    assert shown == accent("success", viewer)
    assert viewer.mode() == "pretty" and viewer.body_stack.currentWidget() is viewer.tree
    model = viewer.tree_model
    assert rows(model) == [("id", '"abc"'), ("contacts", "[2 items]"), ("ok", "true")]
    contacts = model.index(1, 0)
    assert rows(model, contacts) == [("[0]", "{1 key}"), ("[1]", "{1 key}")]
    assert rows(model, model.index(1, 0, contacts)) == [("id", "2")]
    assert model.path_of(model.index(0, 0, model.index(1, 0, contacts))) == (
        "response.contacts[1].id"
    )
    table = viewer.headers_table
    assert [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(2)] == [
        ("Content-Type", "application/json"),
        ("X-Trace", "t-1"),
    ]
    assert viewer.timing["attempt"].text() == "2"
    assert viewer.timing["duration"].text() == "41.6 ms"
    assert viewer.timing["started"].text().endswith(".000")
    assert viewer.timing["error"].text() == "none"
    assert not viewer.note.isVisible()


@pytest.mark.parametrize(
    ("status", "kind"),
    [(200, "success"), (302, "info"), (404, "waiting"), (503, "failure"), (None, "failure")],
)
def test_each_status_class_has_its_colour(status: int | None, kind: str) -> None:
    assert status_class(status) == kind


def test_a_redirect_says_where_it_points(viewer: ResponseViewer) -> None:
    viewer.show_view(answer(b"", 302, (("Location", "https://example.com/new"),)))
    assert viewer.status_label.text() == "302 Found"
    assert viewer.note.text().startswith("Redirects to https://example.com/new")
    assert viewer.timing["location"].text() == "https://example.com/new"
    assert viewer.status_label.palette().color(QPalette.ColorRole.WindowText) == accent("info")


def test_no_answer_shows_the_error_in_red(viewer: ResponseViewer) -> None:
    failed = ResponseView(
        1, time.time(), 4000.0, None, error="The server did not answer.", error_kind="timeout"
    )
    viewer.show_view(failed)
    assert viewer.status_label.text() == "No answer: timeout"
    assert viewer.size_label.isHidden()
    assert viewer.timing["error"].text() == "The server did not answer."
    assert viewer.raw_text() == "The server did not answer."
    assert not viewer.use_sample.isEnabled()


def test_text_that_is_not_json_has_raw_only(viewer: ResponseViewer, qtbot: QtBot) -> None:
    viewer.show_view(answer(b"plain words\nsecond line", headers=()))
    assert not viewer.is_json and not viewer.pretty.isEnabled()
    assert viewer.mode() == "raw"
    qtbot.waitUntil(lambda: viewer.raw_loaded)
    assert viewer.raw.toPlainText() == "plain words\nsecond line"
    assert viewer.raw.isReadOnly()


def test_a_binary_body_says_so_and_shows_a_hex_dump(viewer: ResponseViewer) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    viewer.show_view(answer(png, headers=(("Content-Type", "image/png"),)))
    assert "binary or not UTF-8" in viewer.note.text() and "image/png" in viewer.note.text()
    assert viewer.raw_text() == hex_dump(png)
    assert viewer.raw_text().startswith("00000000  89 50 4e 47 0d 0a 1a 0a")
    assert viewer.body_text is None and not viewer.use_sample.isEnabled()


def test_json_nested_too_deeply_is_shown_raw_and_says_why(viewer: ResponseViewer) -> None:
    deep = ("[" * 200 + "]" * 200).encode()
    viewer.show_view(answer(deep))
    assert not viewer.is_json and viewer.mode() == "raw"
    assert "no tree view" in viewer.note.text() and "64" in viewer.note.text()


def test_a_container_too_big_shows_its_first_members_and_how_many_more(
    viewer: ResponseViewer,
) -> None:
    viewer.show_view(answer(json.dumps(list(range(MAX_CHILDREN + 7))).encode()))
    model = viewer.tree_model
    assert model.rowCount() == MAX_CHILDREN + 1
    last = model.index(MAX_CHILDREN, 1).data()
    assert last == "7 more not shown (the Raw view has them all)"


def test_a_large_json_body_is_read_off_the_gui_thread(viewer: ResponseViewer, qtbot: QtBot) -> None:
    items = [{"id": i, "name": f"n{i}", "tags": ["a", "b"]} for i in range(25_000)]
    body = json.dumps(items).encode()
    assert len(body) > PARSE_HERE
    with qtbot.waitSignal(viewer.treeReady, timeout=20_000):
        viewer.show_view(answer(body))
        assert not viewer.tree_ready and "Reading the JSON" in viewer.note.text()
    assert viewer.is_json and viewer.mode() == "pretty"
    assert viewer.tree_model.rowCount() == MAX_CHILDREN + 1
    assert "Reading the JSON" not in viewer.note.text()
    assert f"longer than {LINE_CHARS:,} characters" in viewer.note.text()


def test_a_newer_answer_wins_over_a_large_one_still_being_read(
    viewer: ResponseViewer, qtbot: QtBot
) -> None:
    big = json.dumps([{"n": i} for i in range(20_000)]).encode()
    viewer.show_view(answer(big))
    viewer.show_view(answer(b'{"small": 1}'))
    with qtbot.assertNotEmitted(viewer.treeReady, wait=300):
        pass
    assert rows(viewer.tree_model) == [("small", "1")]


def test_long_lines_are_broken_for_display_only() -> None:
    text = "x" * (LINE_CHARS * 2 + 5)
    shown, broken = display_text(text)
    assert broken and shown.split("\n") == ["x" * LINE_CHARS] * 2 + ["xxxxx"]
    assert display_text("short\nlines") == ("short\nlines", False)


def test_ctrl_f_finds_counts_and_moves_through_matches(
    viewer: ResponseViewer, qtbot: QtBot
) -> None:
    body = json.dumps({"a": "needle", "b": ["x", "NEEDLE", "y"], "c": "needle"}).encode()
    viewer.show_view(answer(body))
    viewer.tree.setFocus()
    qtbot.waitUntil(viewer.tree.hasFocus)
    qtbot.keyClick(viewer.tree, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert viewer.find_bar.isVisible() and viewer.find_field.hasFocus()
    assert viewer.mode() == "raw"  # find searches the body's text
    qtbot.keyClicks(viewer.find_field, "needle")
    assert viewer.match_count() == 3
    assert viewer.find_count.text() == "1 of 3"
    qtbot.keyClick(viewer.find_field, Qt.Key.Key_Return)
    assert viewer.find_count.text() == "2 of 3"
    assert viewer.raw.textCursor().selectedText() == "NEEDLE"
    qtbot.keyClick(viewer.find_field, Qt.Key.Key_F3)
    assert viewer.find_count.text() == "3 of 3"
    qtbot.keyClick(viewer.find_field, Qt.Key.Key_F3)  # wraps around
    assert viewer.find_count.text() == "1 of 3"
    qtbot.keyClick(viewer.find_field, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert viewer.find_count.text() == "3 of 3"
    qtbot.keyClicks(viewer.find_field, "zzz")
    assert viewer.find_count.text() == "No matches"
    qtbot.keyClick(viewer.find_field, Qt.Key.Key_Escape)
    assert not viewer.find_bar.isVisible()


# -- under Send, and Use as sample response ---------------------------------------------------


def test_send_shows_the_answer_and_use_as_sample_is_undoable(qtbot: QtBot, window: Any) -> None:
    panel = window.send_panel
    body = {"id": "card_7", "items": [1, 2, 3]}
    with FaultServer([Reply.json(body)]) as server:
        open_request(qtbot, window, Request("Viewer", server.url + "/v", body="{}"))
        window.composer.set_sample_response('{"before": true}')
        kinds: list[str] = []
        window.deliveryUpdated.connect(lambda u: kinds.append(u.kind))
        window.send_current()
        qtbot.waitUntil(lambda: "succeeded" in kinds, timeout=10_000)
    viewer = panel.viewer
    assert viewer.status_label.text() == "200 OK"
    assert viewer.time_label.text().endswith(" ms")
    assert viewer.size_label.text() == f"{len(json.dumps(body))} B"
    assert rows(viewer.tree_model)[:2] == [("id", '"card_7"'), ("items", "[3 items]")]
    assert viewer.timing["attempt"].text() == "1"
    assert viewer.find_text("card") == 1

    window.build_request_file_actions()
    qtbot.mouseClick(viewer.use_sample, Qt.MouseButton.LeftButton)
    sample = window.composer.response_tab.sample
    qtbot.waitUntil(lambda: window.composer.sample_response() == json.dumps(body))
    assert window.composer.currentWidget() is window.composer.response_tab
    sample.setFocus()
    qtbot.waitUntil(sample.hasFocus)
    qtbot.keyClick(sample, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.composer.sample_response() == '{"before": true}'


def test_the_outbox_shows_every_attempt_and_gives_one_as_sample(qtbot: QtBot, window: Any) -> None:
    install_pages(window, window.db)
    window.build_request_file_actions()
    with FaultServer([Reply(503, body=b"busy"), Reply.json({"second": True})]) as server:
        open_request(qtbot, window, Request("Twice", server.url + "/t", body="{}"))
        kinds: list[str] = []
        window.deliveryUpdated.connect(lambda u: kinds.append(u.kind))
        window.send_current()
        qtbot.waitUntil(lambda: "succeeded" in kinds, timeout=15_000)
    delivery_id = window.send_panel.delivery_id
    other = window.requests.names()[0]
    ui_helpers.open_and_wait(qtbot, window, other)  # another request is open meanwhile
    assert window.current_name != "Twice"
    page = window.show_page("Outbox")
    page.select(delivery_id)
    qtbot.waitUntil(lambda: page.delivery is not None and page.delivery.id == delivery_id)
    qtbot.waitUntil(lambda: page.attempt_choice.count() == 2)
    assert page.viewer.status_label.text() == "200 OK"  # the last answer first
    page.show_attempt(1)
    assert page.viewer.status_label.text() == "503 Service Unavailable"
    assert page.viewer.raw_text() == "busy"
    assert page.viewer.view is not None and page.viewer.view.attempt == 1
    qtbot.mouseClick(page.viewer.use_sample, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_name == "Twice")  # the request it belongs to
    qtbot.waitUntil(lambda: window.composer.sample_response() == "busy")


def test_the_screenshots_include_the_response_viewer(qtbot: QtBot, window: Any) -> None:
    window.build_request_file_actions()
    assert window.screenshots.names().count("response-viewer.png") == 1
    shown = window._response_picture()
    viewer = window.send_panel.viewer
    assert shown is window and viewer.isVisible()
    assert viewer.status_label.text() == "201 Created" and viewer.is_json
    assert viewer.height() > 200  # the panel was given room
    assert not shown.grab().isNull()


def test_find_in_a_large_body_never_waits_for_it_to_be_filled(
    viewer: ResponseViewer, qtbot: QtBot
) -> None:
    lines = [f"line {i} {'tail' if i == 29_999 else ''}" for i in range(30_000)]
    viewer.show_view(answer("\n".join(lines).encode(), headers=()))
    assert viewer.find_text("tail") == 1
    assert not viewer.raw_loaded  # the search did not fill it all at once
    assert viewer.find_count.text() == "1 match (still loading)"
    qtbot.waitUntil(lambda: viewer.find_count.text() == "1 of 1", timeout=20_000)
    assert viewer.raw_loaded
    assert viewer.raw.textCursor().selectedText() == "tail"
