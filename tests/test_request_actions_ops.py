"""The window opens and saves requests off the GUI thread: a workspace another program has
locked keeps the window responsive, and nothing typed is lost."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import QTimer
from ui_helpers import UI_MARKS, close_and_wait, save_and_wait

from composer.store.database import BUSY_TIMEOUT_MS, Database
from ui.window.requests_controller import SAMPLE_KEY

pytestmark = UI_MARKS
ui_settings, workspace, window = ui_helpers.ui_settings, ui_helpers.workspace, ui_helpers.window
no_real_keychain = ui_helpers.no_real_keychain


def _locked(path: Any) -> sqlite3.Connection:
    """Another program's connection holding the workspace's write lock."""
    lock = sqlite3.connect(path, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    return lock


def _ticking(qtbot: Any, on_tick: Callable[[int], None]) -> QTimer:
    """A 10 ms timer calling ``on_tick(count)``: it only fires while the event loop runs."""
    timer = QTimer()
    ticks = [0]

    def tick() -> None:
        ticks[0] += 1
        on_tick(ticks[0])

    timer.timeout.connect(tick)
    timer.start(10)
    return timer


def _stored_url(path: Any, name: str) -> str:
    with Database(path) as db:
        return db.requests.get(name).url


def _other_name(window: Any) -> str:
    return next(n for n in window.requests.names() if n != window.current_name)


def test_a_locked_workspace_leaves_the_window_ticking_and_the_save_lands_later(
    qtbot: Any, window: Any, workspace: Database
) -> None:
    first = window.current_name
    second = _other_name(window)
    url = "https://example.com/typed-while-locked"
    window.composer.request_tab.url.set_text(url)
    lock = _locked(workspace.path)
    seen: dict[str, Any] = {}

    def on_tick(count: int) -> None:
        if count == 5:  # the loop ran five times while the save waited on the lock
            seen["while_locked"] = _stored_url(workspace.path, first)
            seen["shown"] = window.current_name
            lock.execute("ROLLBACK")

    timer = _ticking(qtbot, on_tick)
    try:
        window.open_request(second)
        assert window.current_name == first  # returned at once; the load is queued
        qtbot.waitUntil(lambda: window.current_name == second, timeout=10_000)
    finally:
        timer.stop()
        lock.close()
    assert seen["while_locked"] != url  # nothing was written while the lock was held
    assert seen["shown"] == first  # the previous request stayed shown meanwhile
    assert window.current_name == second
    assert window.composer.to_model().name == second
    assert _stored_url(workspace.path, first) == url  # landed once the lock was released

    # Ctrl+S's save on a locked workspace: the loop ticks, and True means stored
    url2 = "https://example.com/saved-while-locked"
    window.composer.request_tab.url.set_text(url2)
    lock = _locked(workspace.path)
    ticks: list[int] = []

    def release(count: int) -> None:
        ticks.append(count)
        if count == 5:
            lock.execute("ROLLBACK")

    timer = _ticking(qtbot, release)
    try:
        assert save_and_wait(qtbot, window)
    finally:
        timer.stop()
        lock.close()
    assert len(ticks) >= 5
    assert _stored_url(workspace.path, second) == url2


def test_an_edit_made_just_before_closing_is_in_the_file(
    qtbot: Any, window: Any, workspace: Database
) -> None:
    name = window.current_name
    url = "https://example.com/typed-at-the-last-moment"
    window.composer.request_tab.url.set_text(url)
    window.close()  # before the autosave's 500 ms
    assert window.isVisible()  # the close waits for the save's answer, events flowing
    qtbot.waitUntil(lambda: not window.isVisible())
    assert _stored_url(workspace.path, name) == url


def test_two_quick_opens_show_the_second(qtbot: Any, window: Any, workspace: Database) -> None:
    names = [n for n in window.requests.names() if n != window.current_name]
    first, second = names[0], names[1]
    shown = window.current_name
    url = "https://example.com/queued-first"
    window.composer.request_tab.url.set_text(url)
    lock = _locked(workspace.path)  # the save, and the opens behind it, wait on the lock
    answered: list[str] = []
    window.requests.loaded.connect(lambda name, _loaded: answered.append(name))

    def on_tick(count: int) -> None:
        if count == 1:  # a second click while the first open waits (not inside this tick)
            QTimer.singleShot(0, lambda: window.open_request(second))
        elif count == 3:
            lock.execute("ROLLBACK")

    timer = _ticking(qtbot, on_tick)
    try:
        window.open_request(first)
        qtbot.waitUntil(lambda: answered == [first, second])
    finally:
        timer.stop()
        lock.close()
    assert window.current_name == second
    assert window.composer.to_model().name == second
    assert window.request_list.current() == second
    assert _stored_url(workspace.path, shown) == url  # the save before them landed


@pytest.mark.slow
def test_a_save_outlives_a_lock_held_past_the_busy_timeout(
    qtbot: Any, window: Any, workspace: Database
) -> None:
    name = window.current_name
    url = "https://example.com/held-long"
    window.composer.request_tab.url.set_text(url)
    lock = _locked(workspace.path)
    start = time.monotonic()

    def release(_count: int) -> None:
        if time.monotonic() - start > BUSY_TIMEOUT_MS / 1000 + 1 and lock.in_transaction:
            lock.execute("ROLLBACK")

    timer = _ticking(qtbot, release)
    try:
        close_and_wait(qtbot, window)  # the save's first attempt gives up; the next one lands
    finally:
        timer.stop()
        lock.close()
    assert _stored_url(workspace.path, name) == url


def test_renaming_takes_the_sample_response_along_in_one_write(
    qtbot: Any, window: Any, workspace: Database
) -> None:
    old = window.current_name
    sample = '{"id": "renamed-sample"}'
    window.composer.set_sample_response(sample)  # not saved yet: the rename's lane saves it
    assert window.rename_current("Renamed with its sample")
    qtbot.waitUntil(lambda: window.current_name == "Renamed with its sample")
    with Database(workspace.path) as db:
        assert db.settings.get(SAMPLE_KEY + "Renamed with its sample", "") == sample
        assert db.settings.get(SAMPLE_KEY + old, "") == ""
    assert window.composer.sample_response() == sample
