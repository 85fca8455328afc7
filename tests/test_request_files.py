"""Requests as files from the window: export, import, drops, and Open in the Outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from servers import FaultServer, Reply
from ui_helpers import UI_MARKS, open_request

from composer.delivery.outbox import Outbox
from composer.model import Header, Request, ResponseMapping
from ui.app import install_pages
from ui.ops import hub
from ui.window.request_files import MAX_REQUEST_FILE

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain

SECRET_REQUEST = Request(
    name="Ünïcode hook",
    url="https://api.example.com/v1/{{ customer.id }}",
    headers=(
        Header("Content-Type", "application/json"),
        Header("Authorization", "Bearer {{ secrets.api_token }}"),
    ),
    body='{"email": {{ customer.email | json }}, "note": "café"}',
    response_mappings=(ResponseMapping("remote_id", "{{ response.id }}"),),
    liquid_version="latest",
)


@pytest.fixture
def files_window(window: Any) -> Any:
    window.build_request_file_actions()
    return window


def wait_ops() -> None:
    assert hub().wait_idle()


def drop(window: Any, *paths: Path) -> None:
    """Drag files over the window and drop them (real QDragEnter and QDrop events)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    actions = Qt.DropAction.CopyAction
    where = QPoint(window.width() // 2, window.height() // 2)
    enter = QDragEnterEvent(
        where, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(where), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, event)
    assert event.isAccepted()


def menu_texts(window: Any) -> list[str]:
    return [a.text() for a in window.menu("&Request").actions()]


def test_the_request_menu_has_the_file_actions_once(files_window: Any) -> None:
    files_window.build_request_file_actions()  # a second call adds nothing
    texts = menu_texts(files_window)
    for text in ("E&xport to file…", "I&mport from file…", "Open in the &Outbox"):
        assert texts.count(text) == 1
    assert files_window.outbox_action.shortcut().toString() == "Ctrl+Shift+O"
    assert files_window.acceptDrops()


def test_export_then_import_round_trips_byte_for_byte_and_keeps_secret_names(
    qtbot: QtBot, files_window: Any, tmp_path: Path
) -> None:
    w = files_window
    open_request(qtbot, w, SECRET_REQUEST)
    first = tmp_path / "hook.json"
    with qtbot.waitSignal(hub().finished, timeout=5000):
        w.export_request_file(first)
    wait_ops()
    exported = first.read_bytes()
    assert exported == w.db.requests.get(SECRET_REQUEST.name).to_json().encode("utf-8")
    assert b"{{ secrets.api_token }}" in exported and "café".encode() in exported
    assert Request.from_file(first) == w.db.requests.get(SECRET_REQUEST.name)

    w.import_request_file(first)  # the name is taken: replace
    qtbot.waitUntil(lambda: w.import_box is not None)
    box = w.import_box
    assert SECRET_REQUEST.name in box.text()
    qtbot.mouseClick(
        next(b for b in box.buttons() if b.text() == "&Replace"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: "Imported the request" in w.statusBar().currentMessage())
    assert w.current_name == SECRET_REQUEST.name
    second = tmp_path / "again.json"
    w.export_request_file(second)
    wait_ops()
    assert second.read_bytes() == exported


def test_import_of_a_taken_name_may_keep_both(
    qtbot: QtBot, files_window: Any, tmp_path: Path
) -> None:
    w = files_window
    open_request(qtbot, w, SECRET_REQUEST)
    path = tmp_path / "copy.json"
    path.write_text(SECRET_REQUEST.to_json(), encoding="utf-8")
    w.import_request_file(path)
    qtbot.waitUntil(lambda: w.import_box is not None)
    keep = next(b for b in w.import_box.buttons() if b.text() == "&Keep both")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.current_name == f"{SECRET_REQUEST.name} 2")
    assert w.db.requests.exists(SECRET_REQUEST.name)
    kept = w.db.requests.get(f"{SECRET_REQUEST.name} 2")
    assert kept.body == SECRET_REQUEST.body and kept.headers == SECRET_REQUEST.headers
    assert f"{SECRET_REQUEST.name} 2" in w.request_list.model.names()


def test_cancel_on_a_taken_name_changes_nothing(
    qtbot: QtBot, files_window: Any, tmp_path: Path
) -> None:
    w = files_window
    open_request(qtbot, w, SECRET_REQUEST)
    changed = Request(SECRET_REQUEST.name, "https://other.example.com/", body="{}")
    path = tmp_path / "other.json"
    path.write_text(changed.to_json(), encoding="utf-8")
    w.import_request_file(path)
    qtbot.waitUntil(lambda: w.import_box is not None)
    cancel = w.import_box.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    wait_ops()
    assert w.db.requests.get(SECRET_REQUEST.name).url == SECRET_REQUEST.url


def test_dropping_a_request_file_imports_and_opens_it(
    qtbot: QtBot, files_window: Any, tmp_path: Path
) -> None:
    path = tmp_path / "dropped.json"
    Request("Dropped hook", "https://example.com/d", body="{}").save(path)
    drop(files_window, path)
    qtbot.waitUntil(lambda: files_window.current_name == "Dropped hook")
    assert files_window.db.requests.get("Dropped hook").url == "https://example.com/d"


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("people.csv", "id,email\n1,a@example.com\n", "people.csv is not a request file"),
        ("broken.json", '{"name": "x", ', "broken.json"),
        ("list.json", "[1, 2]", "list.json"),
        ("nameless.json", '{"url": "https://example.com"}', "name"),
    ],
)
def test_a_dropped_file_that_is_not_a_request_is_refused_saying_why(
    qtbot: QtBot, files_window: Any, tmp_path: Path, name: str, content: str, said: str
) -> None:
    before = files_window.db.requests.names()
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    files_window.last_problem = ""
    drop(files_window, path)
    qtbot.waitUntil(lambda: bool(files_window.last_problem))
    assert said in files_window.last_problem
    wait_ops()
    assert files_window.db.requests.names() == before


def test_a_huge_file_is_refused_before_it_is_read(
    qtbot: QtBot, files_window: Any, tmp_path: Path
) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as out:
        out.truncate(MAX_REQUEST_FILE + 1)  # sparse: nothing is written, nothing read
    files_window.last_problem = ""
    files_window.import_request_file(path)
    qtbot.waitUntil(lambda: bool(files_window.last_problem))
    assert "huge.json" in files_window.last_problem
    assert "a request file is at most 8 MiB" in files_window.last_problem


def test_a_text_drag_is_left_to_the_widgets(files_window: Any) -> None:
    mime = QMimeData()
    mime.setText("just text")
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(files_window, enter)
    assert not enter.isAccepted()


def test_open_in_the_outbox_filters_to_the_request(qtbot: QtBot, files_window: Any) -> None:
    w = files_window
    install_pages(w, w.db)
    with FaultServer([Reply.json({"ok": True})]) as server:
        mine = Request("Mine", server.url + "/m", body="{}")
        other = Request("Other", server.url + "/o", body="{}")
        w.db.requests.save(other)
        outbox = Outbox(w.db)
        outbox.create(other, {}, person_id=None)
        open_request(qtbot, w, mine)
        kinds: list[str] = []
        w.deliveryUpdated.connect(lambda u: kinds.append(u.kind))
        w.send_current()
        qtbot.waitUntil(lambda: "succeeded" in kinds, timeout=10_000)
    mine_id = w.send_panel.delivery_id
    panel_button = w.send_panel.open_outbox
    assert panel_button.isEnabled() and panel_button.accessibleName() == "Open in the Outbox"
    qtbot.mouseClick(panel_button, Qt.MouseButton.LeftButton)
    page = w.pages.current()
    assert page is w.pages.page("Outbox")
    assert page.request_filter.currentData() == "Mine"
    assert [page.model.delivery(r).request_name for r in range(page.model.rowCount())] == ["Mine"]
    qtbot.waitUntil(lambda: page.delivery is not None and page.delivery.id == mine_id)
    w.show_page(w.hsplit)
    ui_helpers.open_and_wait(qtbot, w, "Other")
    w.outbox_action.trigger()
    assert page.request_filter.currentData() == "Other"
    assert [page.model.delivery(r).request_name for r in range(page.model.rowCount())] == ["Other"]


def test_open_in_the_outbox_for_a_request_never_sent_shows_an_empty_list(
    qtbot: QtBot, files_window: Any
) -> None:
    w = files_window
    install_pages(w, w.db)
    open_request(qtbot, w, Request("Never sent", "https://example.com/n", body="{}"))
    assert w.open_in_outbox()
    page = w.pages.page("Outbox")
    assert page.request_filter.currentText() == "Never sent"
    assert page.model.rowCount() == 0
