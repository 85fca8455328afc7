"""The live preview: typing, diagnostics and their jumps, threads, and a 1 MB body."""

from __future__ import annotations

import sys
import threading
from typing import Any

import ui_helpers
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from ui_helpers import UI_MARKS, open_request

from composer.model import Header, Request
from ui.ops.threads import SWITCH_INTERVAL

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain


def _last_preview(window: Any) -> Any:
    results: list[Any] = []
    window.previewShown.connect(results.append)
    return results


def test_typing_into_the_body_updates_the_preview(qtbot: Any, window: Any) -> None:
    request = Request(name="Typing", url="https://example.com/hook", body='{"name": ')
    open_request(qtbot, window, request)
    editor = window.composer.body_tab.editor
    window.composer.show_body()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.setFocus()
    with qtbot.waitSignal(
        window.previewShown,
        check_params_cb=lambda r: r.rendered.body.endswith('Maya Patel"}'),
        timeout=5000,
    ):
        qtbot.keyClicks(editor, '"{{ customer.name }}"}')
    assert window.composer.body_tab.body_view.toPlainText() == '{"name": "Maya Patel"}'
    assert window.composer.body_tab.summary.text() == "No problems found."


def test_rendering_runs_off_the_gui_thread(qtbot: Any, window: Any) -> None:
    with qtbot.waitSignal(window.previewShown, timeout=5000) as blocker:
        window.refresh_preview()
    assert blocker.args[0].thread_id != threading.get_ident()


def test_a_diagnostic_click_moves_the_body_cursor_to_its_line_and_column(
    qtbot: Any, window: Any
) -> None:
    body = '{\n  "a": 1,\n  "b": {{ customer.name | nosuchfilter }}\n}'
    open_request(qtbot, window, Request(name="Broken", url="https://example.com/x", body=body))
    model = window.composer.body_tab.diagnostics
    qtbot.waitUntil(lambda: any(d.where == "body" for d in model.diagnostics()))
    row, item = next((i, d) for i, d in enumerate(model.diagnostics()) if d.where == "body")
    assert item.severity == "error" and item.line == 3
    window.composer.setCurrentIndex(0)
    view = window.composer.body_tab.diagnostics_view
    window.composer.show_body()
    from PySide6.QtCore import Qt

    rect = view.visualRect(model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.composer.currentWidget() is window.composer.body_tab
    assert window.composer.body_tab.editor.cursor_line_column() == (item.line, item.column)
    assert window.composer.body_tab.editor.marked_lines.get(3) == "error"


def test_a_url_diagnostic_jumps_to_the_url_line(qtbot: Any, window: Any) -> None:
    request = Request(name="Bad URL", url="ftp://example.com/{{ customer.id }}", body="{}")
    open_request(qtbot, window, request)
    model = window.composer.body_tab.diagnostics
    qtbot.waitUntil(lambda: any(d.where == "url" for d in model.diagnostics()))
    row = next(i for i, d in enumerate(model.diagnostics()) if d.where == "url")
    window.composer.body_tab.activate_row(row)
    assert window.composer.currentWidget() is window.composer.request_tab
    qtbot.waitUntil(window.composer.request_tab.url.hasFocus)
    assert window.composer.request_tab.url.cursor_line_column()[0] == 1


def test_a_header_diagnostic_selects_its_row(qtbot: Any, window: Any) -> None:
    request = Request(
        name="Bad header",
        url="https://example.com/",
        headers=(Header("Content-Type", "application/json"), Header("Bad Name", "x")),
        body="{}",
    )
    open_request(qtbot, window, request)
    model = window.composer.body_tab.diagnostics
    qtbot.waitUntil(lambda: any(d.where == "headers[1]" for d in model.diagnostics()))
    row = next(i for i, d in enumerate(model.diagnostics()) if d.where == "headers[1]")
    window.composer.body_tab.activate_row(row)
    assert window.composer.currentWidget() is window.composer.headers_tab
    assert window.composer.headers_tab.table.currentIndex().row() == 1


def test_pretty_json_is_a_view_only(qtbot: Any, window: Any) -> None:
    open_request(
        qtbot, window, Request(name="Pretty", url="https://example.com/", body='{"a":[1,2]}')
    )
    with qtbot.waitSignal(window.previewShown, timeout=5000) as blocker:
        window.composer.body_tab.pretty.setChecked(True)
    result = blocker.args[0]
    assert result.rendered.body == '{"a":[1,2]}'
    assert window.composer.body_tab.body_view.toPlainText() == '{\n  "a": [\n    1,\n    2\n  ]\n}'


def test_the_gui_timer_keeps_ticking_while_a_1_mb_body_renders(qtbot: Any, window: Any) -> None:
    before_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)  # as the app sets it at start-up (ui.app.run)
    try:
        _ticks_while_a_1_mb_body_renders(qtbot, window)
    finally:
        sys.setswitchinterval(before_interval)


def _ticks_while_a_1_mb_body_renders(qtbot: Any, window: Any) -> None:
    plain = '  {"n": "a fixed value that takes some room", "i": 0, "ok": true},\n' * 9
    line = plain + '  {"n": {{ customer.name | json }}, "e": "{{ customer.email }}"},\n'
    body = "[\n" + line * (1_050_000 // len(line)) + '  {"end": true}\n]'
    assert len(body) > 1_000_000
    window.db.requests.save(Request(name="Big", url="https://example.com/", body=body))
    window.request_list.set_names(window.requests.names())
    results = _last_preview(window)
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    window.open_request("Big")
    before = len(ticks)
    qtbot.waitUntil(lambda: bool(results) and results[-1].rendered.body.endswith("}\n]"))
    timer.stop()
    assert results[-1].thread_id != threading.get_ident()
    assert len(ticks) - before > 5
    assert not window.composer.body_tab.editor.highlighting
    assert "more characters not shown" in window.composer.body_tab.body_view.toPlainText()


def test_completion_offers_the_chosen_persons_attributes(qtbot: Any, window: Any) -> None:
    editor = window.composer.body_tab.editor
    words = editor.completions()
    assert "customer.email" in words and "customer.company" in words
    assert any(w.startswith("event.") for w in words)
    open_request(qtbot, window, Request(name="Complete", url="https://example.com/", body=""))
    window.composer.show_body()
    editor.setFocus()
    qtbot.keyClicks(editor, "{{ customer.em")
    assert editor.show_completions()
