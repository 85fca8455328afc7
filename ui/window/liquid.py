"""The window's Liquid-version side: the switch's undo, the comparison view, the default.

:class:`LiquidActions` is a mixin of :class:`ui.window.main_window.MainWindow`, kept apart so
each file reads in one sitting. It

* treats a switch of the request's Liquid version as an edit (autosaved) that is
  rendered again at once, whatever the body's size, and gives the switch an undo action
  (Edit ▸ Undo switch…, and Ctrl+Z on the composer page while no text field has the
  focus: a text field's Ctrl+Z undoes its own typing);
* keeps the preview's "Compare with …" and "Side by side" switches in the window's
  settings (:mod:`ui.widgets.qt_settings`; comparing is on until someone turns it off), except
  while ``--screenshots`` takes its pictures (one of them, ``liquid-versions.png``,
  shows both renderings side by side);
* edits the workspace's default Liquid version for new requests (Edit ▸ Workspace
  settings…), stored in the workspace: the version is read by an op before the
  (window-modal) dialog opens and written by a write op (:mod:`ui.ops.settings`); the
  status bar says so once it is stored, and a refusal is shown as a problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from composer.liquid import LiquidVersion
from ui.ops import OpError
from ui.ops import settings as settings_ops
from ui.widgets.qt_settings import read_bool

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QMenu, QSplitter, QWidget

    from composer.store.database import Database
    from ui.editor.tabs import ComposerTabs

__all__ = ["COMPARE_KEY", "SIDE_BY_SIDE_KEY", "LiquidActions"]

COMPARE_KEY = "preview/compare"
"""Window setting: whether the preview compares with the other Liquid version."""
SIDE_BY_SIDE_KEY = "preview/side_by_side"
"""Window setting: whether the other version's body is shown beside this one's."""


class LiquidActions:
    """Liquid-version housekeeping for the main window (a mixin; it adds no signals)."""

    db: Database
    settings: QSettings
    composer: ComposerTabs
    remember_layout: bool
    hsplit: QSplitter
    _autosave: QTimer

    if TYPE_CHECKING:  # provided by MainWindow and QMainWindow

        def menu(self, title: str) -> QMenu: ...
        def show_page(self, page: str | QWidget) -> QWidget: ...
        def add_screenshot(self, filename: str, prepare: Callable[[], QWidget]) -> None: ...
        def refresh_preview(self) -> None: ...
        def show_problem(self, message: str) -> None: ...
        def statusBar(self) -> Any: ...

    def _build_liquid_actions(self) -> None:
        """Edit ▸ Undo switch (Ctrl+Z) and Edit ▸ Workspace settings…"""
        undo = self.composer.undo_stack.createUndoAction(self, "Undo")  # type: ignore[arg-type]
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        # the composer page only: Ctrl+Z on another page must not switch a hidden request
        undo.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.setToolTip("Switch the Liquid version back (text fields undo their own typing)")
        self.hsplit.addAction(undo)
        self.switch_undo_action = undo
        """Undoes the last switch of the Liquid version."""
        workspace = QAction("&Workspace settings…", self)  # type: ignore[call-overload]
        workspace.setToolTip("The Liquid version new requests get in this workspace")
        workspace.triggered.connect(lambda _=False: self.edit_workspace())
        self.workspace_action = workspace
        """Opens the workspace settings."""
        edit = self.menu("&Edit")
        edit.addAction(undo)
        edit.addAction(workspace)
        self.composer.versionChanged.connect(self._version_changed)
        self.composer.compareToggled.connect(self._compare_toggled)
        self.composer.sideBySideToggled.connect(self._side_by_side_toggled)

    def _restore_liquid_view(self) -> None:
        """Put the comparison switches back as the user left them."""
        self.composer.set_compare(
            read_bool(self.settings, COMPARE_KEY, True),
            read_bool(self.settings, SIDE_BY_SIDE_KEY, False),
        )

    def _version_changed(self, _version: str) -> None:
        self._autosave.start()
        self.refresh_preview()

    def _compare_toggled(self, on: bool) -> None:
        if self.remember_layout:  # not while taking pictures
            self.settings.setValue(COMPARE_KEY, on)
        self.refresh_preview()

    def _side_by_side_toggled(self, on: bool) -> None:
        if self.remember_layout:  # not while taking pictures
            self.settings.setValue(SIDE_BY_SIDE_KEY, on)

    def _register_liquid_picture(self) -> None:
        """liquid-versions.png: the open request's two renderings side by side."""

        def prepare() -> QWidget:
            self.show_page(self.hsplit)
            self.composer.show_body()
            self.composer.set_compare(True, True)
            self.refresh_preview()
            return self  # type: ignore[return-value]

        self.add_screenshot("liquid-versions.png", prepare)

    def edit_workspace(self) -> None:
        """Ask for the workspace's default Liquid version (read first, by an op) and keep
        it; returns at once, the dialog opens when the read answers."""
        from ui.dialogs.workspace import WorkspaceDialog

        def ask(current: LiquidVersion) -> None:
            dialog = WorkspaceDialog(current, self)  # type: ignore[arg-type]
            dialog.setObjectName("workspaceDialog")
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.accepted.connect(lambda: self.set_default_liquid_version(dialog.chosen()))
            dialog.open()  # window-modal, and the event loop keeps running

        settings_ops.liquid_version(cast(QObject, self), self.db.path).success(ask).failure(
            lambda error: self.show_problem(
                f"The workspace settings could not be read: {error.message}"
            )
        ).run()

    def set_default_liquid_version(self, version: LiquidVersion) -> None:
        """Make ``version`` the workspace's default for new requests (a write op; the
        status bar says so once it is stored, "Not saved: …" when it is refused)."""

        def stored(kept: LiquidVersion) -> None:
            self.statusBar().showMessage(
                f"New requests in this workspace now use {kept} Liquid.", 8000
            )

        def refused(error: OpError) -> None:
            self.show_problem(f"Not saved: {error.message}")

        settings_ops.set_liquid_version(cast(QObject, self), self.db.path, version).success(
            stored
        ).failure(refused).run()
