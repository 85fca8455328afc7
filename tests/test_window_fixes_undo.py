"""Every change to the header and mapping tables can be undone with Ctrl+Z; Add opens Name."""

from __future__ import annotations

from typing import Any

import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot
from ui_helpers import UI_MARKS, open_request

from composer.model import Header, Request, ResponseMapping
from ui.editor.tabs import HEADERS, RESPONSE

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain

REQUEST = Request(
    name="Undoable",
    url="https://api.example.com/x",
    headers=(Header("Content-Type", "application/json"), Header("X-Trace", "{{ customer.id }}")),
    response_mappings=(ResponseMapping("card", "{{ response.id }}"),),
)


def button(tab: Any, text: str) -> QPushButton:
    return next(b for b in tab.findChildren(QPushButton) if b.text() == text)


def ctrl_z(qtbot: QtBot, widget: Any) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_removing_a_header_is_undone_with_ctrl_z(qtbot: QtBot, window: Any) -> None:
    open_request(qtbot, window, REQUEST)
    tabs = window.composer
    tabs.setCurrentIndex(HEADERS)
    table = tabs.headers_tab.table
    table.setCurrentIndex(table.model().index(1, 0))
    table.setFocus()
    button(tabs.headers_tab, "&Remove").click()
    assert [h.name for h in tabs.to_model().headers] == ["Content-Type"]
    assert window.switch_undo_action.text() == "Undo remove header 2"
    table.setFocus()
    ctrl_z(qtbot, table)
    assert tabs.to_model().headers == REQUEST.headers
    assert table.currentIndex().row() == 1  # the restored row is shown
    assert ui_helpers.save_and_wait(qtbot, window)
    assert window.db.requests.get("Undoable").headers == REQUEST.headers


def test_adding_a_mapping_opens_its_name_and_every_step_is_undone(
    qtbot: QtBot, window: Any
) -> None:
    open_request(qtbot, window, REQUEST)
    tabs = window.composer
    tabs.setCurrentIndex(RESPONSE)
    response = tabs.response_tab
    qtbot.mouseClick(button(response, "&Add mapping"), Qt.MouseButton.LeftButton)
    table = response.table
    assert table.state() == QAbstractItemView.State.EditingState
    assert table.currentIndex().column() == 0  # the Name cell, ready for typing
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "plan")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)  # queued
    assert [m.attribute for m in tabs.to_model().response_mappings] == ["card", "plan"]
    table.setFocus()
    ctrl_z(qtbot, table)  # the name typed
    assert [m.attribute for m in tabs.to_model().response_mappings] == ["card"]
    assert response.model.rowCount() == 2
    ctrl_z(qtbot, table)  # the row added
    assert response.model.rowCount() == 1
    window.switch_undo_action.trigger()  # nothing left of the tables: no change
    assert tabs.to_model().response_mappings == REQUEST.response_mappings
    tabs.undo_stack.redo()
    tabs.undo_stack.redo()
    assert [m.attribute for m in tabs.to_model().response_mappings] == ["card", "plan"]


def test_adding_a_header_opens_its_name_cell(qtbot: QtBot, window: Any) -> None:
    open_request(qtbot, window, REQUEST)
    tabs = window.composer
    tabs.setCurrentIndex(HEADERS)
    headers = tabs.headers_tab
    qtbot.mouseClick(button(headers, "&Add header"), Qt.MouseButton.LeftButton)
    window.wait_for_preview()
    table = headers.table
    assert table.state() == QAbstractItemView.State.EditingState
    assert (table.currentIndex().row(), table.currentIndex().column()) == (2, 0)


def test_loading_another_request_forgets_the_steps(qtbot: QtBot, window: Any) -> None:
    open_request(qtbot, window, REQUEST)
    tabs = window.composer
    tabs.headers_tab.model.remove(0)
    assert tabs.undo_stack.canUndo()
    open_request(qtbot, window, Request(name="Other", url="https://api.example.com/y"))
    assert not tabs.undo_stack.canUndo()
