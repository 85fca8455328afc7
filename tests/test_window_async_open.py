"""The window never waits in a nested event loop for its requests: an open, a save, the
start-up read and a close each return at once and finish when their op answers; requests
made by the Recipes page and the cURL import are stored by write ops and listed from the
hub's change signal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ui_helpers
from PySide6.QtCore import QEventLoop
from ui_helpers import UI_MARKS, close_and_wait, open_and_wait

from composer.store.database import Database
from ui.app import install_pages
from ui.dialogs.curl import CurlImportDialog
from ui.ops import OpChanges, hub
from ui.window.main_window import MainWindow

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain

COMMAND = "curl -X POST https://api.example.com/async -d '{\"a\":1}'"


class _NestedLoops:
    """Counts the nested event loops started while it is installed."""

    def __init__(self, monkeypatch: Any) -> None:
        self.count = 0
        original = QEventLoop.processEvents

        def counted(loop: QEventLoop, *args: Any) -> Any:
            self.count += 1
            return original(loop, *args)

        monkeypatch.setattr(QEventLoop, "processEvents", counted)


def test_open_request_returns_before_the_load_op_ran(qtbot: Any, window: Any) -> None:
    shown = window.current_name
    other = next(n for n in window.requests.names() if n != shown)
    window.open_request(other)
    assert window.current_name == shown  # nothing was read yet: the op answers later
    assert window.opening == other
    qtbot.waitUntil(lambda: window.current_name == other)
    assert window.opening is None
    assert window.composer.to_model().name == other
    assert window.request_list.current() == other


def test_opening_and_saving_start_no_nested_event_loop(
    qtbot: Any, window: Any, monkeypatch: Any
) -> None:
    loops = _NestedLoops(monkeypatch)
    shown = window.current_name
    other = next(n for n in window.requests.names() if n != shown)
    window.composer.request_tab.url.set_text("https://example.com/no-nested-loop")
    window.open_request(other)
    window.save_now()
    answers: list[bool] = []
    window.after_saves(answers.append)
    assert loops.count == 0 and answers == []
    qtbot.waitUntil(lambda: answers == [True] and window.current_name == other)
    with Database(window.db.path) as again:
        assert again.requests.get(shown).url == "https://example.com/no-nested-loop"


def test_two_quick_opens_show_the_second(qtbot: Any, window: Any) -> None:
    first, second = [n for n in window.requests.names() if n != window.current_name][:2]
    answered: list[str] = []
    window.requests.loaded.connect(lambda name, _loaded: answered.append(name))
    window.open_request(first)
    window.open_request(second)
    qtbot.waitUntil(lambda: answered == [first, second])
    assert window.current_name == second
    assert window.composer.to_model().name == second
    assert window.request_list.current() == second


def test_start_up_reads_the_list_and_the_first_request_by_an_op(
    qtbot: Any, workspace: Database, monkeypatch: Any
) -> None:
    loops = _NestedLoops(monkeypatch)
    made = MainWindow(workspace, backoff_base=0.05)
    made.show_boxes = False
    qtbot.addWidget(made, before_close_func=lambda w: w.shutdown())
    assert made.restoring and made.current_name is None  # the constructor did not wait
    assert made.request_list.model.names() == []
    assert not made.composer.isEnabled()
    assert loops.count == 0
    with qtbot.waitSignal(made.restored) as restored:
        made.show()
    chosen = restored.args[0]
    assert chosen and chosen in made.requests.names()
    qtbot.waitUntil(lambda: made.current_name == chosen)
    assert made.request_list.model.names() == workspace.requests.names()
    assert made.composer.isEnabled()


def test_a_failed_save_keeps_the_window_open_until_closed_again(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    name = window.current_name
    with Database(tmp_path / "data" / "workspace.sqlite3") as other_program:
        other_program.requests.delete(name)  # the save has nowhere to go
    window.composer.request_tab.url.set_text("https://example.com/cannot-land")
    window.close()
    qtbot.waitUntil(lambda: window.last_problem.startswith("Not saved:"))
    qtbot.waitUntil(lambda: "close it again" in window.statusBar().currentMessage())
    assert window.isVisible()  # the edit is still on screen
    assert window.current_request().url == "https://example.com/cannot-land"
    close_and_wait(qtbot, window)  # the second close gives the edit up


def test_using_a_recipe_stores_it_by_a_write_op_and_the_list_shows_it(
    qtbot: Any, window: Any
) -> None:
    install_pages(window, window.db)
    page = window.show_page("Recipes")
    row = 0
    recipe = page.model.recipe(row)
    changes: list[tuple[OpChanges, object]] = []
    hub().changed.connect(lambda what, source: changes.append((what, source)))
    op = page.use(row)
    assert op is not None and op.write
    assert page.status.text().startswith("Creating")
    name = f"{recipe.request.name} copy"  # the sample workspace holds the recipe already
    qtbot.waitUntil(lambda: window.current_name == name)
    assert (OpChanges(requests=True), page) in changes
    assert page.status.text() == f'Created the request "{name}".'
    assert name in window.request_list.model.names()
    assert window.request_list.current() == name


def test_a_curl_import_stores_it_by_a_write_op_and_the_list_shows_it(
    qtbot: Any, window: Any
) -> None:
    dialog = CurlImportDialog(window.db, parent=window)
    dialog.requestCreated.connect(window.show_request)  # as the app wires it
    dialog.text.setPlainText(COMMAND)
    op = dialog.import_now()
    assert op is not None and op.write
    assert not dialog.import_button.isEnabled()  # no second import while it is stored
    assert dialog.created is None
    qtbot.waitUntil(lambda: dialog.created is not None)
    name = dialog.created
    assert dialog.result() == CurlImportDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: window.current_name == name)
    assert name in window.request_list.model.names()
    assert window.current_request().url == "https://api.example.com/async"


def test_a_curl_import_the_workspace_refuses_is_shown_in_the_dialog(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    import sqlite3

    dialog = CurlImportDialog(window.db, parent=window)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(COMMAND)
    lock = sqlite3.connect(tmp_path / "data" / "workspace.sqlite3", isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # another program holds the workspace past the timeout
    try:
        assert dialog.import_now() is not None
        qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=30_000)
    finally:
        lock.close()
    assert dialog.created is None and dialog.result() != CurlImportDialog.DialogCode.Accepted
    assert dialog.message.text() and "Importing" not in dialog.message.text()


def test_a_request_made_by_another_part_is_listed_from_the_change_signal(
    qtbot: Any, window: Any
) -> None:
    open_and_wait(qtbot, window, window.requests.names()[1])
    dialog = CurlImportDialog(window.db)  # not wired to the window: only the hub tells it
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(COMMAND)
    with qtbot.waitSignal(dialog.requestCreated) as created:
        dialog.import_now()
    qtbot.waitUntil(lambda: created.args[0] in window.request_list.model.names())
    assert window.request_list.current() == window.current_name  # the selection is kept
