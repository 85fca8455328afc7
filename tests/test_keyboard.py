"""The keyboard: pages, composer tabs, quit, save, request search, and the body editor's keys
(find and replace, auto-indent, Liquid comments), all pressed on the real widgets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from ui_helpers import UI_MARKS, make_window

from composer.store.database import Database
from ui.app import install_pages
from ui.editor.editing import COMMENT_CLOSE, COMMENT_OPEN, indent_after, toggled_comment

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
DIGITS = [getattr(Qt.Key, f"Key_{n}") for n in range(1, 10)]


@pytest.fixture
def full_window(qtbot: Any, workspace: Database) -> Any:
    """The window with every page, as the app builds it."""
    win = make_window(qtbot, workspace)
    install_pages(win, workspace)
    return win


def _focus(qtbot: Any, widget: Any) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_ctrl_and_alt_digits_show_the_pages_in_order(qtbot: Any, full_window: Any) -> None:
    names = full_window.pages.names()
    assert names[:5] == ["Composer", "People", "Outbox", "Recipes", "Inbox"]
    _focus(qtbot, full_window.composer.body_tab.editor)
    for number, name in reversed(list(enumerate(names, start=1))):
        qtbot.keyClick(QApplication.focusWidget(), DIGITS[number - 1], CTRL)
        assert full_window.pages.current() is full_window.pages.page(name), name
    for number, name in enumerate(names, start=1):
        qtbot.keyClick(QApplication.focusWidget() or full_window, DIGITS[number - 1], ALT)
        assert full_window.pages.current() is full_window.pages.page(name), name
    tips = [act.toolTip() for act in full_window.pages.actions_in_order()]
    assert tips[1] == "Show the People page (Ctrl+2)"
    view = [a.text() for a in full_window.menu("&View").actions()]
    assert set(names) <= set(view)


@pytest.mark.parametrize(
    ("key", "modifiers", "step"),
    [
        (Qt.Key.Key_Tab, CTRL, 1),
        (Qt.Key.Key_PageDown, CTRL, 1),
        (Qt.Key.Key_Backtab, CTRL | SHIFT, -1),
        (Qt.Key.Key_Tab, CTRL | SHIFT, -1),
        (Qt.Key.Key_PageUp, CTRL, -1),
    ],
)
def test_composer_tabs_step_with_the_keys_from_inside_an_editor(
    qtbot: Any, window: Any, key: Qt.Key, modifiers: Qt.KeyboardModifier, step: int
) -> None:
    tabs = window.composer
    tabs.show_body()
    editor = tabs.body_tab.editor
    _focus(qtbot, editor)
    text = editor.text()
    seen = []
    for _ in range(tabs.count()):
        qtbot.keyClick(QApplication.focusWidget(), key, modifiers)
        seen.append(tabs.currentIndex())
    start = 2  # the Body tab
    assert seen == [(start + step * i) % tabs.count() for i in range(1, tabs.count() + 1)]
    assert editor.text() == text  # no tab character typed


def test_ctrl_q_closes_through_the_save(qtbot: Any, window: Any, tmp_path: Path) -> None:
    name = window.current_name
    window.composer.show_body()
    editor = window.composer.body_tab.editor
    _focus(qtbot, editor)
    editor.selectAll()
    qtbot.keyClicks(editor, '{"quit": true}')
    qtbot.keyClick(editor, Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible())
    with Database(tmp_path / "data" / "workspace.sqlite3") as again:
        assert again.requests.get(name).body == '{"quit": true}'
    assert window.quit_action in window.menu("&Request").actions()


def test_ctrl_s_says_saved_or_why_not(qtbot: Any, window: Any, tmp_path: Path) -> None:
    name = window.current_name
    window.composer.request_tab.url.set_text("https://example.com/saved")
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == f'Saved "{name}".')
    with Database(tmp_path / "data" / "workspace.sqlite3") as again:
        assert again.requests.get(name).url == "https://example.com/saved"
        again.requests.delete(name)  # gone from under the window (another process)
    window.composer.request_tab.url.set_text("https://example.com/lost")
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Not saved:"))
    assert name in window.statusBar().currentMessage()


def test_ctrl_k_searches_requests_and_ctrl_f_is_the_editors(qtbot: Any, window: Any) -> None:
    search = window.request_list.search
    assert "Ctrl+K" in search.placeholderText()
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    assert search.hasFocus()
    qtbot.keyClicks(search, "trello")
    assert window.request_list.proxy.rowCount() == 1
    qtbot.keyClick(search, Qt.Key.Key_F, CTRL)  # not the editor's: its bar stays shut
    assert not window.composer.body_tab.find_bar.isVisibleTo(window)


def _body(qtbot: Any, window: Any, text: str) -> Any:
    window.composer.show_body()
    editor = window.composer.body_tab.editor
    editor.set_text(text)
    _focus(qtbot, editor)
    return editor


def _at(editor: Any, position: int) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(position)
    editor.setTextCursor(cursor)


def test_ctrl_f_finds_next_previous_with_case_and_esc_closes(qtbot: Any, window: Any) -> None:
    editor = _body(qtbot, window, "Alpha beta\nalpha BETA\nALPHA")
    bar = window.composer.body_tab.find_bar
    _at(editor, 0)
    qtbot.keyClick(editor, Qt.Key.Key_F, CTRL)
    assert bar.isVisibleTo(window) and bar.find_field.hasFocus()
    assert not bar.replacing
    qtbot.keyClicks(bar.find_field, "alpha")
    assert editor.textCursor().selectionStart() == 0
    assert bar.status.text() == "3 matches"
    qtbot.keyClick(bar.find_field, Qt.Key.Key_Return)
    assert editor.textCursor().selectionStart() == 11
    qtbot.keyClick(bar.find_field, Qt.Key.Key_Return)
    assert editor.textCursor().selectedText() == "ALPHA"
    qtbot.keyClick(bar.find_field, Qt.Key.Key_Return)  # wraps to the first
    assert editor.textCursor().selectionStart() == 0
    assert "wrapped" in bar.status.text()
    qtbot.keyClick(bar.find_field, Qt.Key.Key_Return, SHIFT)  # back over the start
    assert editor.textCursor().selectedText() == "ALPHA"
    bar.match_case.setChecked(True)
    assert bar.status.text().startswith("1 match")
    assert editor.textCursor().selectedText() == "alpha"
    qtbot.keyClick(bar.find_field, Qt.Key.Key_Escape)
    assert not bar.isVisibleTo(window) and editor.hasFocus()
    assert editor.textCursor().selectedText() == "alpha"


def test_the_selection_seeds_the_search_and_no_match_is_said(qtbot: Any, window: Any) -> None:
    editor = _body(qtbot, window, '{"name": "{{ customer.name }}"}')
    bar = window.composer.body_tab.find_bar
    cursor = editor.textCursor()
    cursor.setPosition(13)
    cursor.setPosition(21, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_F, CTRL)
    assert bar.find_field.text() == "customer"
    bar.find_field.setText("nowhere")
    assert bar.status.text() == "No match"


def test_ctrl_h_replaces_one_then_all_as_one_undo_step(qtbot: Any, window: Any) -> None:
    original = '{"a": "x", "b": "x", "c": "X"}'
    editor = _body(qtbot, window, original)
    bar = window.composer.body_tab.find_bar
    _at(editor, 0)
    qtbot.keyClick(editor, Qt.Key.Key_H, CTRL)
    assert bar.replacing and bar.find_field.hasFocus()
    qtbot.keyClicks(bar.find_field, '"x"')
    _focus(qtbot, bar.replace_field)
    qtbot.keyClicks(bar.replace_field, '"why"')
    qtbot.keyClick(bar.replace_field, Qt.Key.Key_Return)
    assert editor.text() == '{"a": "why", "b": "x", "c": "X"}'
    with qtbot.waitSignal(window.saved, timeout=5000):  # an edit like any other: autosaved
        qtbot.mouseClick(bar.replace_all_button, Qt.MouseButton.LeftButton)
    assert editor.text() == '{"a": "why", "b": "why", "c": "why"}'
    assert bar.status.text() == "Replaced 2."
    _focus(qtbot, editor)
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.text() == '{"a": "why", "b": "x", "c": "X"}'


def test_enter_keeps_the_indentation_and_indents_after_an_opener(qtbot: Any, window: Any) -> None:
    editor = _body(qtbot, window, "")
    qtbot.keyClicks(editor, "{")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, '"items": [')
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "{% for i in customer.items %}")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "{{ i }}")
    qtbot.keyClick(editor, Qt.Key.Key_Enter)  # the keypad's Enter too
    qtbot.keyClicks(editor, "x")
    assert editor.text() == (
        '{\n  "items": [\n    {% for i in customer.items %}\n      {{ i }}\n      x'
    )
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)  # the line break and its indentation together
    assert editor.text().endswith("{{ i }}")


def test_ctrl_slash_comments_the_selected_lines_and_back(qtbot: Any, window: Any) -> None:
    original = '{\n  "a": 1,\n  "b": {{ customer.b }}\n}'
    editor = _body(qtbot, window, original)
    cursor = editor.textCursor()
    cursor.setPosition(4)  # inside line 2
    cursor.setPosition(20, QTextCursor.MoveMode.KeepAnchor)  # inside line 3
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Slash, CTRL)
    assert editor.text() == (
        '{\n  {% comment %}"a": 1,\n  "b": {{ customer.b }}{% endcomment %}\n}'
    )
    assert editor.blockCount() == 4  # lines keep their numbers
    qtbot.keyClick(editor, Qt.Key.Key_Slash, CTRL)
    assert editor.text() == original
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert COMMENT_OPEN in editor.text()
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)  # each toggle is one step
    assert editor.text() == original


def test_the_commented_body_renders_without_those_lines(qtbot: Any, window: Any) -> None:
    editor = _body(qtbot, window, '{"a": 1,\n"secretless": 2}')
    _at(editor, 0)
    qtbot.keyClick(editor, Qt.Key.Key_Slash, CTRL)  # no selection: the cursor's line
    window.wait_for_preview()
    qtbot.waitUntil(
        lambda: window.composer.body_tab.body_view.toPlainText() == '\n"secretless": 2}'
    )


@pytest.mark.parametrize(
    ("line", "indent"),
    [
        ("{", "  "),
        ('  "a": [', "    "),
        ("  {% if customer.vip %}", "    "),
        ("{%- unless x -%}", "  "),
        ("\t{% for p in c %}", "\t\t"),
        ("  {% else %}", "    "),
        ("{% when 'a' %}", "  "),
        ("{% if a %}yes{% endif %}", ""),
        ("    {{ customer.email }}", "    "),
        ('  "a": "{{"', "  "),
        ("  }", "  "),
    ],
)
def test_indent_after(line: str, indent: str) -> None:
    assert indent_after(line) == indent


@pytest.mark.parametrize(
    "lines",
    [["one line"], ["  a,", "  b"], ["", "x"], ["{% raw %}%}{% endraw %}"]],
)
def test_toggled_comment_round_trips(lines: list[str]) -> None:
    wrapped = toggled_comment(lines)
    assert len(wrapped) == len(lines)
    assert wrapped[-1].endswith(COMMENT_CLOSE)
    assert COMMENT_OPEN in wrapped[0]
    assert toggled_comment(wrapped) == lines


def test_tab_indents_and_esc_then_tab_leaves_the_editor(qtbot: Any, window: Any) -> None:
    editor = _body(qtbot, window, "")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.text() == "\t" and editor.hasFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.keyClicks(editor, "a")  # another key in between: the Esc is forgotten
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.text() == "\ta\t" and editor.hasFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert not editor.hasFocus() and editor.text() == "\ta\t"
    assert window.isAncestorOf(QApplication.focusWidget())


def test_enter_over_a_selection_replaces_it_in_one_step(qtbot: Any, window: Any) -> None:
    editor = _body(qtbot, window, '{\n  "a": 1, "b": 2\n}')
    cursor = editor.textCursor()
    cursor.setPosition(11)  # after `"a": 1,`
    cursor.setPosition(12, QTextCursor.MoveMode.KeepAnchor)  # the space
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.text() == '{\n  "a": 1,\n  "b": 2\n}'
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.text() == '{\n  "a": 1, "b": 2\n}'
