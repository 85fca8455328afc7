"""The window's keys and its Request, Edit and View menus.

:class:`KeyboardActions` is a mixin of :class:`ui.window.main_window.MainWindow`, kept apart
so each file reads in one sitting. Every key is a QAction, so Help ▸ Keyboard shortcuts
(:mod:`ui.dialogs.help`) lists it without a hand-written table:

* everywhere in the window: Ctrl+N new request, Ctrl+S save (once the save has answered
  the status bar says ``Saved "<name>".``, or why not; the key returns at once), Ctrl+K
  the request search (Ctrl+F belongs to the body editor's find bar), Ctrl+Shift+Z undo a
  deletion, Ctrl+Q quit (through :meth:`~PySide6.QtWidgets.QWidget.close`, so the open
  request is saved and the threads stop as on any close), Ctrl+1 … Ctrl+9 and Alt+1 …
  Alt+9 the pages (:mod:`ui.window.pages`);
* on the composer page only (another page keeps the keys for its own fields):
  Ctrl+Return sends, Ctrl+Tab / Ctrl+PgDown and Ctrl+Shift+Tab / Ctrl+PgUp step through
  the composer's tabs, wrapping round (also from inside an editor, whose Tab indents).

Quit stays the last item of the Request menu whatever other parts add to it; the View
menu lists the tab keys and every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenuBar, QSplitter, QStatusBar

    from ui.editor.tabs import ComposerTabs
    from ui.window.pages import PageStack
    from ui.window.request_list import RequestListPanel
    from ui.window.requests_controller import RequestsController

__all__ = ["KeyboardActions"]


class KeyboardActions:
    """The window's shortcuts and first menus (a mixin; it adds no signals)."""

    composer: ComposerTabs
    pages: PageStack
    hsplit: QSplitter
    request_list: RequestListPanel
    requests: RequestsController
    current_name: str | None

    if TYPE_CHECKING:  # provided by MainWindow and QMainWindow

        def menu(self, title: str) -> QMenu: ...
        def menuBar(self) -> QMenuBar: ...
        def statusBar(self) -> QStatusBar: ...
        def close(self) -> bool: ...
        def new_request(self) -> None: ...
        def save_now(self) -> bool: ...
        def after_saves(self, callback: Callable[[bool], Any]) -> None: ...
        def send_current(self) -> None: ...
        def undo(self) -> None: ...

    @property
    def _window(self) -> QWidget:
        return cast("QWidget", self)

    def _build_actions(self) -> None:
        def action(text: str, keys: Any, slot: Callable[[], Any], tip: str = "") -> QAction:
            act = QAction(text, self._window)
            act.setShortcut(QKeySequence(keys))
            act.triggered.connect(lambda _=False: slot())
            if tip:
                act.setToolTip(tip)
                act.setStatusTip(tip)
            self._window.addAction(act)
            return act

        self.new_action = action(
            "&New request", QKeySequence.StandardKey.New, self.new_request, "A blank request"
        )
        self.find_action = action(
            "&Find request",
            "Ctrl+K",
            self.request_list.focus_search,
            "Filter the request list by name (Ctrl+F finds inside the body editor)",
        )
        self.save_action = action(
            "&Save",
            QKeySequence.StandardKey.Save,
            self.save_with_feedback,
            "Write the open request to the workspace now (edits are also saved as you type)",
        )
        self.send_action = action(
            "S&end", "Ctrl+Return", self.send_current, "Send the open request for the chosen person"
        )
        self.send_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        # Ctrl+Return belongs to the composer: another page's fields keep the keys
        self.pages.pageShown.connect(lambda name: self.send_action.setEnabled(name == "Composer"))
        # Ctrl+Q everywhere (Windows has no standard Quit key); through close(): nothing lost
        self.quit_action = action("&Quit", "Ctrl+Q", self.close, "Save and close the window")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.next_tab_action = self._composer_action(
            "Next composer tab", ["Ctrl+Tab", "Ctrl+PgDown"], lambda: self._step_tab(1)
        )
        self.previous_tab_action = self._composer_action(
            "Previous composer tab",
            ["Ctrl+Shift+Tab", "Ctrl+Shift+Backtab", "Ctrl+PgUp"],
            lambda: self._step_tab(-1),
        )
        self.undo_action = self.requests.undo_stack.createUndoAction(self._window, "Undo delete")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self._window.addAction(self.undo_action)
        menu = self.menuBar().addMenu("&Request")
        for act in (self.new_action, self.save_action, self.send_action, self.find_action):
            menu.addAction(act)
        self._quit_separator = menu.addSeparator()
        menu.addAction(self.quit_action)
        menu.aboutToShow.connect(lambda: self._quit_last(menu))
        self.menuBar().addMenu("&Edit").addAction(self.undo_action)
        view = self.menu("&View")
        view.addAction(self.next_tab_action)
        view.addAction(self.previous_tab_action)
        view.addSeparator()
        for act in self.pages.actions_in_order():
            view.addAction(act)
        self.pages.pageAdded.connect(lambda act: view.addAction(act))
        self.undo_button = QPushButton("Undo")
        self.undo_button.setAccessibleName("Undo delete")
        self.undo_button.clicked.connect(self.undo)
        self.undo_button.hide()
        self.statusBar().addPermanentWidget(self.undo_button)
        self.statusBar().messageChanged.connect(
            lambda text: self.undo_button.setVisible(
                bool(text) and text.startswith("Deleted ") and self.requests.undo_stack.canUndo()
            )
        )

    def _composer_action(self, text: str, keys: list[str], slot: Callable[[], Any]) -> QAction:
        """A shortcut of the composer page only (another page keeps the keys)."""
        act = QAction(text, self._window)
        act.setShortcuts([QKeySequence(k) for k in keys])
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.triggered.connect(lambda _=False: slot())
        self.hsplit.addAction(act)
        return act

    def _quit_last(self, menu: QMenu) -> None:
        """Keep Quit at the end of the Request menu, below what other parts added."""
        if menu.actions()[-1] is not self.quit_action:
            for act in (self._quit_separator, self.quit_action):
                menu.removeAction(act)
                menu.addAction(act)

    def _step_tab(self, step: int) -> None:
        """Bring the composer's next (``1``) or previous (``-1``) tab forward, wrapping."""
        count = self.composer.count()
        if count:
            self.composer.setCurrentIndex((self.composer.currentIndex() + step) % count)

    def save_with_feedback(self) -> bool:
        """Save now (Ctrl+S); once stored the status bar says so, and a failed save has
        said why. False when no request is open."""
        if self.current_name is None:
            self.statusBar().showMessage("No request is open: nothing to save.", 5000)
            return False
        name = self.current_name

        def answered(stored: bool) -> None:
            if stored:
                self.statusBar().showMessage(f'Saved "{name}".', 5000)

        self.after_saves(answered)
        return True
