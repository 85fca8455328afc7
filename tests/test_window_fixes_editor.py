"""The body editor under a 1 MB paste, completion's keys and width.

A paste of a large pretty-printed JSON once recursed through the highlighter's detaching
(each cleared block was a text change), leaked hundreds of tracebacks and left the gutter
covering the text; these tests paste through the real clipboard into the real window.
"""

from __future__ import annotations

import json
from typing import Any

import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from ui_helpers import UI_MARKS

from ui.editor.code_editor import HIGHLIGHT_LIMIT, CodeEditor

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain


def megabyte_of_json() -> str:
    lines = [f"{{{{ customer.email }}}} line {i:06} of the pasted body" for i in range(31_000)]
    return json.dumps({"lines": lines}, indent=2)


def test_pasting_a_megabyte_over_the_body_leaks_nothing_and_keeps_the_gutter_aside(
    qtbot: Any, window: Any
) -> None:
    text = megabyte_of_json()
    assert len(text) > 1_000_000 and text.count("\n") > 30_000
    window.composer.show_body()
    editor = window.composer.body_tab.editor
    assert editor.highlighting
    QGuiApplication.clipboard().setText(text)
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert editor.text() == text  # whole at once, while the slices arrive
    assert editor.text_length() == len(text)
    qtbot.waitUntil(lambda: not editor.loading, timeout=10_000)
    assert editor.toPlainText() == text
    assert not editor.isReadOnly()
    assert not editor.highlighting
    assert "Highlighting is off" in editor.toolTip()
    gutter = editor.gutter_width()
    assert editor.viewportMargins().left() == gutter
    assert editor.viewport().geometry().left() >= gutter  # the numbers do not cover text
    qtbot.waitUntil(lambda: window.composer.to_model().body == text, timeout=10_000)
    assert ui_helpers.save_and_wait(qtbot, window)
    assert window.db.requests.get(window.current_name).body == text
    # one undo step takes the whole paste back
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() != text and len(editor.toPlainText()) < HIGHLIGHT_LIMIT
    window.wait_for_preview()


def test_a_large_paste_into_the_middle_arrives_whole_and_undoes_in_one_step(qtbot: Any) -> None:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.set_text("head\ntail")
    cursor = editor.textCursor()
    cursor.setPosition(5)
    editor.setTextCursor(cursor)
    text = megabyte_of_json()
    changes: list[int] = []
    editor.textChanged.connect(lambda: changes.append(1))
    QGuiApplication.clipboard().setText(text)
    editor.paste()
    assert editor.loading and editor.isReadOnly()
    assert editor.text() == "head\n" + text + "tail"
    qtbot.waitUntil(lambda: not editor.loading, timeout=10_000)
    assert editor.toPlainText() == "head\n" + text + "tail"
    assert changes == [1]  # one edit, announced once the paste is in
    assert editor.textCursor().position() == 5 + len(text)
    editor.undo()
    assert editor.toPlainText() == "head\ntail"


def test_typing_past_the_limit_turns_highlighting_off_once(qtbot: Any) -> None:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.set_text("{}\n" * (HIGHLIGHT_LIMIT // 3 - 1))
    qtbot.waitUntil(lambda: not editor.loading)
    changes: list[int] = []
    editor.textChanged.connect(lambda: changes.append(1))
    assert editor.highlighting
    editor.insertPlainText("x" * 10)
    assert not editor.highlighting
    assert changes == [1]  # clearing the colours is not an edit


LONG_NAME = "customer.favourite_colour_of_the_month_for_the_newsletter"


def completing_editor(qtbot: Any, words: list[str]) -> CodeEditor:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.resize(500, 300)
    editor.show()
    qtbot.waitExposed(editor)
    editor.set_completions(words)
    editor.setFocus()
    return editor


def test_enter_takes_the_only_suggestion(qtbot: Any) -> None:
    editor = completing_editor(qtbot, ["customer.email", LONG_NAME])
    qtbot.keyClicks(editor, "{{ customer.fav")
    popup = editor._popup
    qtbot.waitUntil(popup.isVisible)
    assert not popup.currentIndex().isValid()  # nothing highlighted yet
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert editor.toPlainText() == "{{ " + LONG_NAME
    assert not popup.isVisible()


def test_enter_with_several_suggestions_is_a_new_line_not_lost(qtbot: Any) -> None:
    editor = completing_editor(qtbot, ["customer.email", "customer.id"])
    qtbot.keyClicks(editor, "{{ customer.")
    popup = editor._popup
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert editor.toPlainText() == "{{ customer.\n"
    assert not popup.isVisible()


def test_a_highlighted_suggestion_is_taken_by_enter(qtbot: Any) -> None:
    editor = completing_editor(qtbot, ["customer.email", "customer.id"])
    qtbot.keyClicks(editor, "{{ customer.")
    popup = editor._popup
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    assert popup.currentIndex().isValid()
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert editor.toPlainText() == "{{ customer.email"


def test_the_popup_is_wide_enough_for_the_longest_name(qtbot: Any) -> None:
    editor = completing_editor(qtbot, ["customer.email", LONG_NAME])
    qtbot.keyClicks(editor, "{{ customer.")
    popup = editor._popup
    qtbot.waitUntil(popup.isVisible)
    needed = popup.fontMetrics().horizontalAdvance(LONG_NAME)
    assert popup.viewport().width() >= needed + 12  # the item margins fit too
