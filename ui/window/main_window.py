"""The main window: a bar of pages on top, the composer page (with its request list) first.

The window assembles the parts and wires their signals; it reaches into no widget's
insides. :class:`~ui.editor.tabs.ComposerTabs` edits, :class:`~ui.editor.preview.PreviewService`
renders off the GUI thread, :class:`~ui.ops.delivery_client.DeliveryClient` sends off it,
:class:`~ui.window.requests_controller.RequestsController` does the request housekeeping,
:class:`~ui.window.requests.RequestActions` (a mixin) opens, saves and manages requests,
:class:`~ui.window.request_start.RequestListActions` (a mixin) fills the request list on
start-up and after changes and opens the first request,
:class:`~ui.window.secret_actions.SecretActions` (a mixin) follows the keychain and the
Authorization helper,
:class:`~ui.window.liquid.LiquidActions` (a mixin) handles the Liquid version: the
switch's undo, the preview's comparison with the other version, the workspace default,
and :class:`~ui.window.keyboard.KeyboardActions` (a mixin) makes the keys and the Request,
Edit and View menus. The Help menu (:mod:`ui.dialogs.help`) is always the last menu:
:meth:`MainWindow.menu` puts a new one before it.

The window logs every problem it shows (``ui.window``, :mod:`composer.logs`) and hands the
keychain's values to the log's mask once the keychain is open and after each change.
:meth:`MainWindow.reload_request` shows a request another part replaced in the workspace
(a pull from Customer.io).

Nothing is lost: edits are saved 500 ms after the last change (a write op,
:func:`ui.ops.requests.save`), when another request is opened, on Ctrl+S and on closing.
Closing never waits in a nested event loop: the first close is ignored while the save is
queued, and the window closes for real once every queued save has answered; a save that
failed keeps it open with "Not saved: …" (closing again closes, the edit given up).
Other pages plug in with :meth:`MainWindow.add_page` (and their pictures with
:meth:`MainWindow.add_screenshot`).

The window reads nothing itself; its database is only the workspace's path for the ops.
The preview's person (:class:`~ui.editor.context_bar.ContextBar`) is read by ops: the
remembered person (``preview/person``, ``preview/event``) is chosen when the start-up read
answers (the first preview may render with no person until then), and
:meth:`MainWindow.preview_for` (the People page, the checks' person rows) returns at
once, bringing the composer forward once the person is read or saying in the status bar
that there is no such person.

What the window says belongs to what it is about: the send panel shows the open request's
newest delivery (read by an op when the request is opened, and followed when it is sent or
retried from another page); a problem goes from the status bar and the panel once it no
longer holds (another request is opened, a rename or a save goes through). Ctrl+Return
sends only while the composer is the page shown: on another page the keys are that page's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from composer.rendering.diagnostics import Diagnostic
from composer.store.database import Database
from composer.wording import counted
from ui.editor.context_bar import ContextBar, variable_paths
from ui.editor.preview import PreviewJob, PreviewResult, PreviewService
from ui.editor.send_panel import SendPanel
from ui.editor.tabs import ComposerTabs
from ui.ops import deliveries as delivery_ops
from ui.ops.delivery_client import DeliveryClient, SendJob, SendUpdate
from ui.widgets.qt_settings import open_settings, restore_layout, save_layout
from ui.window import pictures as composer_pictures
from ui.window.keyboard import KeyboardActions
from ui.window.liquid import LiquidActions
from ui.window.pages import PageLike, PageStack, Screenshots
from ui.window.request_list import RequestListPanel
from ui.window.request_start import LIST_WIDTH, RequestListActions
from ui.window.requests import RequestActions
from ui.window.requests_controller import RequestsController
from ui.window.secret_actions import SecretActions

__all__ = ["APP_TITLE", "AUTOSAVE_MS", "LIST_WIDTH", "MainWindow"]

_log = logging.getLogger("ui.window")

AUTOSAVE_MS = 500
"""Edits are saved this long after the last change."""


APP_TITLE = "Webhook Composer"
"""The window's title; with a request open, "NAME — Webhook Composer"."""


class MainWindow(
    RequestActions, RequestListActions, SecretActions, LiquidActions, KeyboardActions, QMainWindow
):
    """Webhook Composer's window.

    Signals:
        previewShown(PreviewResult): a preview was drawn.
        saved(str): a request was written to the workspace (its name).
        deliveryUpdated(SendUpdate): a delivery step was shown.
        secretsChanged(): the secret names or the keychain's state changed (and after the
            keychain is first opened, when :attr:`secret_store` is set).
        restored(str): the start-up read answered; the request being opened ("" for none).
        closeAsked(): the window was asked to close (before its saves answer); long work
            started from its menus stops (an event filter on the window would run Python
            for every event it gets).
    """

    previewShown = Signal(object)
    saved = Signal(str)
    deliveryUpdated = Signal(object)
    secretsChanged = Signal()
    restored = Signal(str)
    closeAsked = Signal()

    def __init__(self, db: Database, *, backoff_base: float | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.db = db
        self.settings = open_settings()
        self.requests = RequestsController(db, self)
        self.current_name: str | None = None
        self.secret_names: tuple[str, ...] | None = None
        self.keychain_problem: str | None = None
        self.secret_store: Any = None
        """The app's SecretStore once the delivery worker has opened it (pages share it)."""
        self.last_update: SendUpdate | None = None
        self._saved_request: Any = None
        self._saved_sample = ""
        self._when_shown: dict[str, list[Callable[[], Any]]] = {}
        self._context: dict[str, Any] = {}
        self._shown_generation = 0
        self._closed = False
        self._closing = False
        self._close_refused = False
        self.last_problem = ""
        self.show_boxes = True
        self.remember_layout = True
        """Whether closing saves the geometry, splitters and tab (off while taking pictures)."""
        self.screenshots = Screenshots()

        self.request_list = RequestListPanel()
        self.context_bar = ContextBar(db.path)
        self.composer = ComposerTabs()
        self.send_panel = SendPanel()
        self.preview = PreviewService(self)
        self._build_layout()
        self._build_actions()
        self._build_liquid_actions()
        self.build_request_file_actions()
        from ui.dialogs.help import install_help_menu

        self.help_menu = install_help_menu(self, db.path)
        """Help: keyboard shortcuts (F1), the log folder, About; always the last menu."""

        self.deliveries = DeliveryClient(db, backoff_base, self)
        self.deliveries.updated.connect(self._delivery_update)
        self.deliveries.problem.connect(self._problem)
        self.deliveries.secretsKnown.connect(self._secrets_known)
        self.deliveries.storeOpened.connect(self._store_opened)
        self.deliveries.lastResponse.connect(self._last_response)
        self.deliveries.resumed.connect(self._resumed)

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_in_background)
        self._saves_in_flight = 0
        self._wire()
        composer_pictures.register(self)
        self._register_liquid_picture()
        self._restore()

    # -- building ------------------------------------------------------------------

    def _build_layout(self) -> None:
        composer_area = QWidget()
        column = QVBoxLayout(composer_area)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self.context_bar)
        self.vsplit = QSplitter()
        self.vsplit.setObjectName("composerSendSplitter")
        self.vsplit.setOrientation(self.vsplit.orientation().Vertical)
        self.vsplit.addWidget(self.composer)
        self.vsplit.addWidget(self.send_panel)
        self.vsplit.setStretchFactor(0, 4)
        self.vsplit.setStretchFactor(1, 1)
        self.vsplit.setSizes([520, 260])
        column.addWidget(self.vsplit)
        self.hsplit = QSplitter()
        self.hsplit.setObjectName("listComposerSplitter")
        self.hsplit.setAccessibleName("Composer page")
        self.hsplit.addWidget(self.request_list)
        self.hsplit.addWidget(composer_area)
        self.hsplit.setStretchFactor(1, 1)
        self.hsplit.setSizes([LIST_WIDTH[0], 1000])
        self.pages = PageStack()
        self.setCentralWidget(self.pages)
        self.add_page("Composer", self.hsplit)
        self.resize(1280, 800)

    def _wire(self) -> None:
        self.request_list.currentChanged.connect(self.open_request)
        self.request_list.newRequested.connect(self.new_request)
        self.request_list.duplicateRequested.connect(self._duplicate)
        self.request_list.renameRequested.connect(self._ask_rename)
        self.request_list.deleteRequested.connect(self.delete_current)
        self.request_list.recipesWanted.connect(self._fill_recipes)
        self.request_list.recipeRequested.connect(self.new_from_recipe)
        self.requests.listChanged.connect(self._list_changed)
        self.requests.opened.connect(self._opened)
        self.requests.closed.connect(self._closed_request)
        self.context_bar.changed.connect(self._context_changed)
        self.composer.edited.connect(self._edited)
        self.composer.sampleEdited.connect(self._edited)
        self.composer.prettyToggled.connect(lambda _on: self.refresh_preview())
        self.composer.authRequested.connect(self._auth)
        self.composer.lastResponseRequested.connect(self._ask_last_response)
        self.composer.secret_source = lambda: self.secret_store
        self.composer.secretsChanged.connect(self.refresh_secrets)
        self.preview.ready.connect(self._show_preview)
        self.preview.failed.connect(self._problem)
        self.send_panel.sendRequested.connect(self.send_current)
        self.send_panel.cancelRequested.connect(self.deliveries.cancel)
        self.send_panel.retryRequested.connect(self.deliveries.retry_now)
        self.send_panel.approveRequested.connect(self.deliveries.approve)
        self.send_panel.discardRequested.connect(self.deliveries.discard)

    # -- pages ---------------------------------------------------------------------

    def add_page(self, name: str, page: PageLike) -> QAction:
        """Add a page (or a function building it when first shown) to the page bar."""
        return self.pages.add_page(name, page)

    def show_page(self, page: str | QWidget) -> QWidget:
        """Bring a page (by name or widget) forward; returns it."""
        return self.pages.show_page(page)

    def preview_for(self, person_id: str) -> None:
        """Preview for this person (a people page's "Use for preview", a check's person
        row). Returns at once: once the person is read the composer comes forward; a
        person not in the workspace is said in the status bar."""

        def done(found: bool) -> None:
            if found:
                self.show_page(self.hsplit)
                return
            message = f'There is no person with id "{person_id}" in the workspace.'
            _log.warning("%s", message)
            self.statusBar().showMessage(message, 8000)

        self.context_bar.choose(person_id, done=done)

    def show_place(self, diagnostic: Diagnostic) -> None:
        """Bring the composer forward with the editor at a diagnostic's place."""
        self.show_page(self.hsplit)
        self.composer.jump_to(diagnostic)

    def menu(self, title: str) -> QMenu:
        """The menu-bar menu called ``title`` (made when missing, before Help), for other
        pages' actions."""
        for action in self.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and menu.title() == title:
                return menu
        help_menu = getattr(self, "help_menu", None)
        if help_menu is None:
            return self.menuBar().addMenu(title)
        made = QMenu(title, self)
        self.menuBar().insertMenu(help_menu.menuAction(), made)
        return made

    def show_problem(self, message: str) -> None:
        """Say something went wrong, in the status bar and the send panel."""
        self._problem(message)

    def wait_for_secret_store(self, timeout_s: float = 10.0) -> Any:
        """Process events until the keychain is open; the store, or None after the timeout."""
        import time

        self.deliveries.start()
        deadline = time.monotonic() + timeout_s
        loop = QEventLoop()
        while self.secret_store is None and time.monotonic() < deadline:
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        return self.secret_store

    def refresh_secrets(self) -> None:
        """Read the secret names again (after the secrets dialog changed them)."""
        self.deliveries.refresh_secrets()

    def reload_people(self) -> None:
        """Read the people again after another page changed them (the choice is kept)."""
        self.context_bar.reload()

    def add_screenshot(self, filename: str, prepare: Callable[[], QWidget]) -> None:
        """Register a picture for ``--screenshots``: ``prepare`` shows it, returns what to grab."""
        self.screenshots.add(filename, prepare)

    def save_screenshots(self, folder: Path) -> list[Path]:
        """Render every registered picture into ``folder`` at 1280×800."""
        self.remember_layout = False  # the pictures' size is not the user's
        self.resize(1280, 800)
        with composer_pictures.restored(self):
            return self.screenshots.save(folder, self.wait_for_preview)

    def wait_for_preview(self, timeout_s: float = 5.0) -> None:
        """Process events until the request on its way is shown and its newest preview
        drawn (or ``timeout_s`` passes): for ``--screenshots`` and tests, never a slot."""
        import time

        deadline = time.monotonic() + timeout_s
        loop = QEventLoop()  # an instance's processEvents (PySide 6.12.0's static one leaks)
        while time.monotonic() < deadline and (
            self.restoring
            or self.context_bar.busy
            or self.opening is not None
            or self.preview.pending
            or self._shown_generation < self.preview.generation
        ):
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)

    # -- requests ------------------------------------------------------------------

    def _splitters(self) -> dict[str, QSplitter]:
        return {"hsplit": self.hsplit, "vsplit": self.vsplit}

    def _restore(self) -> None:
        restore_layout(self.settings, self, self._splitters())
        self._restore_liquid_view()
        person = self.settings.value("preview/person")
        event = self.settings.value("preview/event")
        # an op: the remembered person (else the first) is chosen when it answers
        self.context_bar.start(
            person if isinstance(person, str) and person else None,
            event if isinstance(event, str) and event else None,
        )
        self._context = self.context_bar.context()
        self._update_completions()
        tab = self.settings.value("window/tab")
        if isinstance(tab, str) and tab.isdigit():
            self.composer.setCurrentIndex(int(tab))
        self._restore_requests()  # an op: the list fills and the request opens when it answers

    # -- preview -------------------------------------------------------------------

    def _context_changed(self) -> None:
        self._context = self.context_bar.context()
        person = self.context_bar.person()
        event = self.context_bar.chosen_event()
        self.settings.setValue("preview/person", person.id if person else "")
        self.settings.setValue("preview/event", event.name if event else "")
        self._update_completions()
        self.refresh_preview()

    def _update_completions(self) -> None:
        self.composer.set_completions(variable_paths(self._context, self.secret_names or ()))

    def _edited(self) -> None:
        self._autosave.start()
        self.preview.schedule(self._job, self.composer.body_size())

    def refresh_preview(self) -> None:
        """Render the preview again now (the context or the view changed)."""
        if self.current_name is not None:
            self.preview.render_now(self._job)

    def _job(self) -> PreviewJob:
        request = self.composer.to_model()
        assert request is not None
        return PreviewJob(
            request=request,
            context=self._context,
            secret_names=self.secret_names,
            sample_response=self.composer.sample_response(),
            pretty=self.composer.pretty,
            compare=self.composer.compare,
        )

    def _show_preview(self, result: PreviewResult) -> None:
        self.composer.show_preview(result)
        self._shown_generation = result.generation
        self.previewShown.emit(result)
        if not self.deliveries.started:  # after the first preview: start-up stays lean
            QTimer.singleShot(0, self.deliveries.start)

    # -- sending -------------------------------------------------------------------

    def send_current(self) -> None:
        """Send the open request for the chosen person (Ctrl+Return, on the composer only)."""
        request = self.composer.to_model()
        if request is None or self.pages.current() is not self.hsplit:
            return
        self.save_now()
        person = self.context_bar.person()
        self.send_panel.expect_new()
        self.deliveries.send(SendJob(request, dict(self._context), person.id if person else None))

    def _delivery_update(self, update: SendUpdate) -> None:
        self.last_update = update
        if update.request_name and update.request_name == self.current_name:
            self.send_panel.follow(update.delivery_id)  # sent from another page too
        self.send_panel.show_update(update)
        if update.kind == "succeeded" and update.attribute_updates:
            self.context_bar.reload()
        self.deliveryUpdated.emit(update)

    def _request_shown(self, name: str) -> None:
        """The title names the request now open; the send panel describes it: its last
        delivery, or nothing."""
        self._show_title(name)
        self._clear_problem()
        self.send_panel.show_request(name)
        delivery_ops.last_delivery(self, self.db.path, name).success(
            lambda delivery: self._show_last_delivery(name, delivery)
        ).run()

    def _show_title(self, name: str | None) -> None:
        """The title names the open request (``None``: none is open)."""
        self.setWindowTitle(APP_TITLE if name is None else f"{name} — {APP_TITLE}")

    def _show_last_delivery(self, name: str, delivery: Any) -> None:
        if name == self.current_name and delivery is not None:
            self.send_panel.show_delivery(delivery)

    def _resumed(self, count: int) -> None:
        if count:
            what = counted(count, "unfinished delivery", "unfinished deliveries")
            self.statusBar().showMessage(f"Resumed {what} from the outbox.", 8000)

    def _clear_problem(self) -> None:
        """The last problem no longer holds: take it off the status bar and send panel."""
        if self.last_problem:
            if self.statusBar().currentMessage() == self.last_problem:
                self.statusBar().clearMessage()
            self.send_panel.clear_problem(self.last_problem)
            self.last_problem = ""

    def _problem(self, message: str, box: bool = False) -> None:
        _log.warning("%s", message)
        self.last_problem = message
        self.send_panel.show_problem(message)
        self.statusBar().showMessage(message, 15000)
        if box and self.show_boxes and self.isVisible():
            from PySide6.QtWidgets import QMessageBox

            dialog = QMessageBox(QMessageBox.Icon.Warning, "Webhook Composer", message, parent=self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()  # window-modal, and the event loop keeps running

    # -- closing -------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Close once the open request's edits are stored (see the module docstring)."""
        self.closeAsked.emit()
        if self._closed:
            super().closeEvent(event)
            return
        event.ignore()  # the save answers first; then the window closes for real
        if not self._closing:
            self._closing = True
            self.statusBar().showMessage("Saving the open request before closing…")
            self.after_saves(self._saved_for_close)

    def _saved_for_close(self, stored: bool) -> None:
        self._closing = False
        if not stored and not self._close_refused:
            self._close_refused = True  # a second close gives the edit up
            self.statusBar().showMessage(
                f"{self.last_problem} The window stays open so the edit is not lost; "
                "close it again to close without it.",
                30000,
            )
            return
        self.shutdown()
        self.close()

    def shutdown(self) -> None:
        """Queue the last save, remember the layout, stop the threads (waiting deliveries
        stay queued). Returns at once; the hub answers the save (the app waits for it)."""
        if self._closed:
            return
        self._closed = True
        self.pages.shutdown()
        self.save_now()
        if self.remember_layout:
            save_layout(self.settings, self, self._splitters())
            self.settings.setValue("window/tab", str(self.composer.currentIndex()))
        self.preview.close()
        self.deliveries.stop()
