"""The GUI thread never runs SQL: the real window on a real workspace file, every SQLite
connection the app opens traced.

Each connection (the test's own, and every one opened through ``sqlite3.connect`` while
the test runs: the ops' workers, the delivery engine, the keychain's store) gets a trace
callback that records the thread running each statement. The callback observes; every
statement still runs against the real file. The test then drives what used to read on the
GUI thread: start-up with a remembered person, scrolling the person chooser, choosing a
person with events, choosing one not read yet, the People page's Preview, reading people
again after an import, the workspace settings' version change, and the Connect dialog.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from composer.model import Event, Person
from composer.store.database import Database
from composer.wording import counted
from ui.editor.context_bar import PAGE

pytestmark = [*ui_helpers.UI_MARKS, pytest.mark.usefixtures("no_real_keychain")]
ui_settings, workspace = ui_helpers.ui_settings, ui_helpers.workspace
no_real_keychain = ui_helpers.no_real_keychain

MANY = 1000
"""People added to the sample workspace: several pages of the chooser."""


class SqlTrace:
    """Statements run on the main thread while :attr:`recording` is on."""

    def __init__(self) -> None:
        self.recording = False
        self.on_main: list[str] = []
        self.elsewhere = 0

    def watch(self, conn: sqlite3.Connection) -> None:
        """Trace every statement ``conn`` runs."""
        conn.set_trace_callback(self._statement)

    def _statement(self, sql: str) -> None:
        if not self.recording:
            return
        if threading.current_thread() is threading.main_thread():
            self.on_main.append(sql)
        else:
            self.elsewhere += 1


@pytest.fixture
def trace(monkeypatch: pytest.MonkeyPatch) -> Iterator[SqlTrace]:
    """Every connection opened from now on is traced (the real ``sqlite3.connect`` opens it)."""
    traced = SqlTrace()
    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)
        traced.watch(conn)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    yield traced
    traced.recording = False


def _person(i: int) -> Person:
    return Person(f"p{i:04d}", f"p{i}@example.com", {"name": f"Person {i}"})


@pytest.fixture
def many(workspace: Database) -> Database:
    """The sample workspace with :data:`MANY` more people, a few with events."""
    with workspace.transaction():
        for i in range(MANY):
            workspace.people.create(_person(i))
        for i in (10, 600, 990):
            workspace.people.add_event(f"p{i:04d}", Event(f"ordered {i}", {"n": i}, 1_700_000_000))
            workspace.people.add_event(f"p{i:04d}", Event("signed up", {}, 1_600_000_000))
    return workspace


def test_the_window_runs_no_sql_on_the_gui_thread(
    qtbot: QtBot, many: Database, trace: SqlTrace, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QAbstractButton

    from ui.app import install_pages
    from ui.cio.actions import CioActions, install_cio_menu
    from ui.dialogs.workspace import WorkspaceDialog
    from ui.widgets.qt_settings import open_settings

    trace.watch(many._conn)  # the test's own connection, which the window is handed
    settings = open_settings()
    settings.setValue("preview/person", "p0600")  # beyond the first page
    settings.setValue("preview/event", "ordered 600")
    settings.sync()
    total = many.people.count()

    trace.recording = True
    window = ui_helpers.make_window(qtbot, many)
    bar = window.context_bar
    # start-up: the remembered person and event, pinned at the top as not read yet
    assert bar.person().id == "p0600" and bar.chosen_event().name == "ordered 600"
    assert bar.person_combo.currentIndex() == 0 and bar.people.pinned.id == "p0600"
    assert bar.count_label.text() == counted(total, "person", "people", grouped=True)

    # scrolling the chooser reads the next page, once
    rows = bar.people.rowCount()
    bar.person_combo.showPopup()
    bar.person_combo.view().scrollToBottom()
    bar.people.fetchMore(QModelIndex())  # what the view asks for at the end of its list
    qtbot.waitUntil(lambda: bar.people.rowCount() > rows and not bar.people.asking)
    assert bar.people.rowCount() <= rows + 2 * PAGE
    bar.person_combo.hidePopup()

    # choosing a person with events in the combo
    row = bar.people.row_of("p0010")
    assert row > 0
    with qtbot.waitSignal(window.previewShown, timeout=10_000):
        bar.person_combo.setCurrentIndex(row)
    qtbot.waitUntil(lambda: bar.person().id == "p0010")
    assert bar.chosen_event().name == "signed up"  # their first event
    assert bar.event_combo.count() == 3

    # choosing a person not read yet (a check's person row): pinned, events read
    assert bar.people.row_of("p0990") < 0
    window.preview_for("p0990")
    qtbot.waitUntil(lambda: bar.person() is not None and bar.person().id == "p0990")
    assert bar.people.pinned.id == "p0990" and bar.person_combo.currentIndex() == 0
    assert bar.context()["customer"]["name"] == "Person 990"

    # the People page's Preview button
    install_pages(window, many)
    page = window.show_page("People")
    qtbot.waitUntil(lambda: not page.busy and page.model.rowCount() > 0)
    with qtbot.waitSignal(page.events.eventsShown, timeout=10_000):
        page.select_ids(["2002"])
    with qtbot.waitSignal(page.personChosen):
        page.preview_button.click()
    qtbot.waitUntil(lambda: bar.person().id == "2002")
    assert window.pages.current() is window.hsplit

    # reading the people again after an import keeps the choice
    people_file = tmp_path / "more.json"
    people_file.write_text(json.dumps([{"id": "imported", "email": "i@example.com"}]))
    page = window.show_page("People")
    with qtbot.waitSignal(page.importFinished, timeout=10_000):
        page.import_from(people_file)
    qtbot.waitUntil(
        lambda: (
            bar.count_label.text() == counted(total + 1, "person", "people", grouped=True)
            and not bar.busy
        )
    )
    assert bar.person().id == "2002"

    # the workspace settings' version change
    window.workspace_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(WorkspaceDialog, "workspaceDialog") is not None)
    dialog = window.findChild(WorkspaceDialog, "workspaceDialog")
    dialog.version.setCurrentIndex(dialog.version.findData("legacy"))
    dialog.accept()
    qtbot.waitUntil(lambda: "legacy" in window.statusBar().currentMessage())

    # the Connect dialog
    install_cio_menu(window)
    actions = window.findChild(CioActions)
    connect = next(a for a in window.menu("&Customer.io").actions() if a.text() == "&Connect…")
    connect.trigger()
    qtbot.waitUntil(lambda: "connect" in actions.dialogs)
    connect_dialog = actions.dialogs["connect"]
    qtbot.waitUntil(lambda: not connect_dialog.jobs.busy and connect_dialog.stored is not None)
    assert "Not connected" in connect_dialog.state.text()
    assert not connect_dialog.forget_button.isEnabled()
    assert isinstance(connect_dialog.forget_button, QAbstractButton)
    connect_dialog.close()
    actions.stop()
    window.wait_for_preview()

    trace.recording = False
    assert trace.elsewhere > 0  # the trace saw the work, on the workers
    assert trace.on_main == []


def test_the_newest_choice_wins_and_an_unknown_person_is_said(qtbot: QtBot, many: Database) -> None:
    from ui.editor.context_bar import ContextBar

    bar = ContextBar(many.path)
    qtbot.addWidget(bar)
    assert bar.person() is None and bar.count_label.text() == "Reading people…"
    with qtbot.waitSignal(bar.changed):
        bar.start()  # no remembered person: the first
    first = bar.person()
    assert first is not None and bar.person_combo.currentIndex() == 0
    answers: list[tuple[str, bool]] = []
    bar.choose("p0010", done=lambda found: answers.append(("p0010", found)))
    bar.choose("p0990", "ordered 990", done=lambda found: answers.append(("p0990", found)))
    qtbot.waitUntil(lambda: not bar.busy)
    assert answers == [("p0990", True)]  # the older choice's answer was dropped
    assert bar.person().id == "p0990" and bar.chosen_event().name == "ordered 990"
    bar.choose("nobody", done=lambda found: answers.append(("nobody", found)))
    qtbot.waitUntil(lambda: not bar.busy)
    assert answers[-1] == ("nobody", False)
    assert bar.person().id == "p0990"  # the choice stays
    assert bar.people.person(bar.person_combo.currentIndex()).id == "p0990"
