"""Large texts go into the editor in slices, and nothing reads half of one meanwhile."""

from __future__ import annotations

from typing import Any

import ui_helpers
from ui_helpers import UI_MARKS, open_request

from composer.model import Request
from ui.editor.code_editor import LOAD_SLICE, CodeEditor

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain


def big_text(lines: int) -> str:
    return "".join(f'{{"line": {i}, "name": "{{{{ customer.name }}}}"}}\n' for i in range(lines))


def test_a_large_text_arrives_in_slices_and_reads_whole_at_once(qtbot: Any) -> None:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    changes: list[int] = []
    text = big_text(20_000)
    assert len(text) > 4 * LOAD_SLICE
    editor.set_text(text)
    editor.textChanged.connect(lambda: changes.append(1))
    assert editor.loading
    assert editor.isReadOnly()
    assert len(editor.toPlainText()) < len(text)  # only the first slice so far
    assert editor.text() == text
    assert editor.text_length() == len(text)
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        pass
    assert not editor.loading
    assert editor.toPlainText() == text
    assert editor.text() == editor.toPlainText()
    assert not editor.isReadOnly()
    assert not editor.document().isUndoAvailable()
    assert changes == []  # the slices after the first are not edits


def test_setting_a_new_text_while_loading_drops_the_rest(qtbot: Any) -> None:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.set_text(big_text(20_000))
    editor.set_text("short")
    assert not editor.loading
    assert editor.text() == "short"
    with qtbot.assertNotEmitted(editor.loaded, wait=100):
        pass
    assert editor.toPlainText() == "short"


def test_a_small_text_is_set_at_once(qtbot: Any) -> None:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.set_text("x" * LOAD_SLICE)
    assert not editor.loading
    assert editor.toPlainText() == "x" * LOAD_SLICE


def test_opening_a_large_request_previews_and_saves_the_whole_body(qtbot: Any, window: Any) -> None:
    plain = "".join(f'{{"line": {i}, "text": "a fixed value"}},\n' for i in range(20_000))
    body = '[{"name": "{{ customer.name }}"},\n' + plain + "1]"
    open_request(qtbot, window, Request(name="Large", url="https://example.com/", body=body))
    editor = window.composer.body_tab.editor
    assert window.composer.to_model().body == body
    qtbot.waitUntil(lambda: window.preview.generation == window._shown_generation, timeout=30_000)
    shown = int(window.composer.body_tab.size_label.text().split()[0].replace(",", ""))
    assert shown >= len(body) - len("{{ customer.name }}")  # the whole body rendered
    qtbot.waitUntil(lambda: not editor.loading, timeout=10_000)
    assert editor.toPlainText() == body
    assert ui_helpers.save_and_wait(qtbot, window)
    assert window.db.requests.get("Large").body == body
