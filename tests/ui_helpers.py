"""Fixtures for the window's tests: a workspace in tmp_path, window settings in tmp_path.

Bind the fixtures a test module uses (``window = ui_helpers.window``) and mark the module
with :data:`UI_MARKS`, which keeps secrets out of the real keychain and ignores the
offscreen platform's harmless "This plugin does not support …" warnings (size hints,
raise, grabs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.model import Request
from composer.store.database import Database
from composer.store.seed import open_workspace

UI_MARKS = [
    pytest.mark.qt_log_ignore(r"This plugin does not support "),
    pytest.mark.usefixtures("ui_settings", "no_real_keychain"),
]
"""Marks every window test module carries (``pytestmark = UI_MARKS``)."""


@pytest.fixture
def ui_settings(tmp_path: Path) -> Path:
    """Keep the window's QSettings under tmp_path, never in the user's folder."""
    from ui.widgets.qt_settings import use_folder

    folder = tmp_path / "qsettings"
    use_folder(folder)
    return folder


@pytest.fixture
def no_real_keychain() -> Iterator[None]:
    """Keep the window's secrets in memory: no test writes to the user's keychain."""
    import keyring
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Database]:
    """The sample workspace in ``tmp_path / "data"``, opened (and closed after the test)."""
    db = open_workspace(tmp_path / "data")
    try:
        yield db
    finally:
        db.close()


def make_window(qtbot: Any, db: Database, backoff_base: float | None = 0.05) -> Any:
    """A shown window on ``db`` whose first preview has been drawn."""
    from ui.window.main_window import MainWindow

    window = MainWindow(db, backoff_base=backoff_base)
    window.show_boxes = False
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.show()
    qtbot.waitUntil(lambda: window.preview.generation > 0 and not window.preview.pending)
    window.wait_for_preview()
    return window


@pytest.fixture
def window(qtbot: Any, workspace: Database) -> Any:
    """The main window on the sample workspace (compressed retry backoff)."""
    return make_window(qtbot, workspace)


def open_and_wait(qtbot: Any, window: Any, name: str) -> None:
    """Open ``name`` (the window returns at once) and wait until it is shown."""
    window.open_request(name)
    qtbot.waitUntil(lambda: window.current_name == name and window.opening is None)


def save_and_wait(qtbot: Any, window: Any) -> bool:
    """Queue the open request's edits and wait for every queued save's answer; True when
    they are stored."""
    answers: list[bool] = []
    window.after_saves(answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=30_000)
    return answers[0]


def close_and_wait(qtbot: Any, window: Any, timeout: int = 30_000) -> None:
    """Close the window and wait until it has (its last save answered first)."""
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=timeout)


def open_request(qtbot: Any, window: Any, request: Request) -> None:
    """Store ``request`` (replacing one of that name) and open it, preview drawn."""
    window.db.requests.save(request)
    window.requests.read_names()  # listed before the open answers (the same ordered lane)
    window.current_name = None
    open_and_wait(qtbot, window, request.name)
    window.wait_for_preview()
