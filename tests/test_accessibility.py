"""Every control has a name a screen reader can say, and Tab reaches every control of a page.

For each page of the real window (every page :func:`ui.app.install_pages` adds), the test
walks Qt's focus chain from the page (``nextInFocusChain``, the Tab order) and collects the
controls Tab can reach: visible, enabled, taking focus by Tab. Each must have a name: an
accessible name, a button's text, or a label whose buddy it is. Then real Tab presses,
from the first control, must visit all of them and come back round to it. A text editor
keeps Tab for indenting; Esc then Tab leaves it (as in CodeMirror), and the walk presses
exactly that.
"""

from __future__ import annotations

from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)
from ui_helpers import UI_MARKS, make_window

from composer.store.database import Database
from ui.app import install_pages

pytestmark = UI_MARKS
ui_settings, workspace = ui_helpers.ui_settings, ui_helpers.workspace
no_real_keychain = ui_helpers.no_real_keychain

PAGES = ["Composer", "People", "Outbox", "Recipes", "Inbox"]


@pytest.fixture
def full_window(qtbot: Any, workspace: Database) -> Any:
    win = make_window(qtbot, workspace)
    install_pages(win, workspace)
    return win


def _tabbable(widget: QWidget, page: QWidget, window: QWidget) -> bool:
    return (
        (widget is page or page.isAncestorOf(widget))
        and widget.isVisibleTo(window)
        and widget.isEnabled()
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        and widget.focusProxy() is None
    )


def page_controls(page: QWidget, window: QWidget) -> list[QWidget]:
    """The page's controls in Tab order (the focus chain from the page)."""
    found: list[QWidget] = []
    widget = page.nextInFocusChain()
    for _ in range(10_000):
        if widget is page:
            break
        if _tabbable(widget, page, window) and widget not in found:
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def _labelled(widget: QWidget, window: QWidget) -> bool:
    return any(label.buddy() is widget for label in window.findChildren(QLabel))


def name_of(widget: QWidget, window: QWidget) -> str:
    """What a screen reader says for ``widget`` ('' when nothing)."""
    if widget.accessibleName().strip():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return widget.text()
    if isinstance(widget, QTabBar):  # Qt names each tab by its text
        texts = [widget.tabText(i).replace("&", "").strip() for i in range(widget.count())]
        return ", ".join(texts) if texts and all(texts) else ""
    if _labelled(widget, window):
        return "(labelled)"
    return ""


def _describe(widget: QWidget) -> str:
    chain, parent = [], widget.parentWidget()
    while parent is not None and len(chain) < 3:
        chain.append(parent.accessibleName() or parent.objectName() or type(parent).__name__)
        parent = parent.parentWidget()
    return f"{type(widget).__name__} {widget.objectName()!r} in {' < '.join(chain)}"


def _takes_tab(widget: QWidget) -> bool:
    return (
        isinstance(widget, (QPlainTextEdit, QTextEdit))
        and not widget.tabChangesFocus()
        and not widget.isReadOnly()
    )


@pytest.mark.parametrize("name", PAGES)
def test_every_tabbable_control_of_a_page_has_a_name(
    qtbot: Any, full_window: Any, name: str
) -> None:
    page = full_window.show_page(name)
    qtbot.waitUntil(page.isVisible)
    controls = page_controls(page, full_window)
    assert len(controls) >= 3, [_describe(w) for w in controls]
    unnamed = [_describe(w) for w in controls if not name_of(w, full_window)]
    assert unnamed == []


@pytest.mark.parametrize("name", PAGES)
def test_tab_goes_round_every_control_of_a_page(qtbot: Any, full_window: Any, name: str) -> None:
    page = full_window.show_page(name)
    qtbot.waitUntil(page.isVisible)
    controls = page_controls(page, full_window)
    first = controls[0]
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(first.hasFocus)
    visited: list[QWidget] = [first]
    for _ in range(len(controls) * 3 + 20):
        focused = QApplication.focusWidget()
        assert focused is not None
        if _takes_tab(focused):
            qtbot.keyClick(focused, Qt.Key.Key_Escape)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        for _link in range(20):  # Tab walks a label's links before it leaves the label
            if not (now is focused and isinstance(now, QLabel)):
                break
            qtbot.keyClick(focused, Qt.Key.Key_Tab)
            now = QApplication.focusWidget()
        assert now is not focused, f"Tab is stuck in {_describe(focused)}"
        if now is first:
            break
        if now in controls and now not in visited:
            visited.append(now)
    else:
        pytest.fail(f"Tab never came back to {_describe(first)}")
    missing = [_describe(w) for w in controls if w not in visited]
    assert missing == []


@pytest.mark.parametrize("tab", range(4))
def test_every_composer_tab_names_its_controls(qtbot: Any, full_window: Any, tab: int) -> None:
    full_window.show_page("Composer")
    full_window.composer.setCurrentIndex(tab)
    page = full_window.composer.currentWidget()
    qtbot.waitUntil(page.isVisible)
    controls = page_controls(page, full_window)
    assert len(controls) >= 2
    unnamed = [_describe(w) for w in controls if not name_of(w, full_window)]
    assert unnamed == []


def _dialogs(window: Any) -> dict[str, Any]:
    from ui.dialogs.copy_cio import CopyCioDialog
    from ui.dialogs.curl import CurlExportDialog, CurlImportDialog
    from ui.dialogs.help import AboutDialog, ShortcutsDialog
    from ui.dialogs.workspace import WorkspaceDialog
    from ui.editor.auth_dialog import AuthDialog
    from ui.pages.check import CheckDialog
    from ui.pages.upgrade import UpgradeCheckDialog

    request = window.current_request()
    names = lambda: window.secret_names  # noqa: E731
    return {
        "curl import": lambda: CurlImportDialog(window.db, parent=window),
        "curl export": lambda: CurlExportDialog(request, {}, None, parent=window),
        "copy for Customer.io": lambda: CopyCioDialog(request, parent=window),
        "workspace": lambda: WorkspaceDialog("latest", window),
        "auth": lambda: AuthDialog(window),
        "shortcuts": lambda: ShortcutsDialog(window),
        "about": lambda: AboutDialog(window.db.path, window),
        "check": lambda: CheckDialog(window.db, window.current_request, names, window),
        "upgrade": lambda: UpgradeCheckDialog(window.db, window.current_request, names, window),
    }


@pytest.mark.parametrize(
    "which",
    [
        "curl import",
        "curl export",
        "copy for Customer.io",
        "workspace",
        "auth",
        "shortcuts",
        "about",
        "check",
        "upgrade",
    ],
)
def test_every_dialog_names_its_controls(qtbot: Any, full_window: Any, which: str) -> None:
    dialog = _dialogs(full_window)[which]()
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    try:
        controls = page_controls(dialog, dialog)
        assert len(controls) >= 2
        unnamed = [_describe(w) for w in controls if not name_of(w, dialog)]
        assert unnamed == []
    finally:
        stop = getattr(dialog, "stop_and_wait", None) or getattr(
            getattr(dialog, "page", None), "stop_and_wait", None
        )
        if callable(stop):
            stop()
        dialog.close()


@pytest.mark.parametrize(
    "name",
    [
        "Count toward conversions",
        "Idempotency key",
        "Send mode",
        "Pretty JSON",
        "New from recipe",
        "Content-Type preset",
        "Preview person",
        "Compare with the other Liquid version",
    ],
)
def test_options_a_newcomer_cannot_guess_explain_themselves(full_window: Any, name: str) -> None:
    found = [w for w in full_window.findChildren(QWidget) if w.accessibleName() == name]
    assert found, name
    assert all(len(w.toolTip()) > 20 for w in found), [w.toolTip() for w in found]
