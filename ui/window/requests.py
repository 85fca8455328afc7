"""Opening, saving and managing requests: the window's side of the request list.

:class:`RequestActions` is a mixin of :class:`ui.window.main_window.MainWindow`, kept apart so
each file reads in one sitting. It shows a request in the composer, saves it back (only
when it changed; the sample response beside it, in a workspace setting), and turns the
request list's buttons into :class:`~ui.window.requests_controller.RequestsController` calls.
Requests as files, "Open in the Outbox" and "Use as sample response" come from
:class:`~ui.window.request_files.RequestFileActions`, which it extends.
Refusals from the store come back as one plain sentence in the status bar or a box.

The GUI thread does no SQLite here, and nothing here waits: no method spins a nested
event loop (a nested loop re-enters slots mid-way). Decisions:

* **Opening** reads through :meth:`RequestsController.load` (an op on the ordered write
  lane, request and sample response together) and shows the request in the ``loaded``
  slot. :meth:`open_request` returns at once. Each open takes a ticket; only the newest
  open's answer is shown (latest-wins), and until it comes the previous request stays
  shown (:attr:`opening` names the request on its way). Edits made meanwhile are queued
  before the new request replaces them.
* **Saving** queues :func:`ui.ops.requests.save` (the same ordered lane: a rename,
  duplicate, export or open asked for later sees the save). :meth:`save_now` queues and
  returns at once; :meth:`after_saves` calls back once every save queued so far has
  answered, with whether they all went through (a no-op on the same ordered lane marks
  the point). Ctrl+S and closing use it: closing waits for that answer with the window
  still open, and a failed save keeps it open with "Not saved: …".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from composer.errors import KnownError
from ui.ops import Op
from ui.ops import requests as request_ops
from ui.window.request_files import RequestFileActions
from ui.window.requests_controller import SAMPLE_KEY, Loaded

if TYPE_CHECKING:
    from PySide6.QtCore import QObject, QSettings, QTimer, SignalInstance

    from composer.store.database import Database
    from ui.editor.preview import PreviewJob, PreviewService
    from ui.editor.tabs import ComposerTabs
    from ui.window.request_list import RequestListPanel
    from ui.window.requests_controller import RequestsController

__all__ = ["SAMPLE_KEY", "RequestActions"]


class RequestActions(RequestFileActions):
    """Request housekeeping for the main window (a mixin; it adds no signals)."""

    db: Database
    settings: QSettings
    requests: RequestsController
    request_list: RequestListPanel
    composer: ComposerTabs
    preview: PreviewService
    current_name: str | None
    _saved_request: Any
    _saved_sample: str | None
    _autosave: QTimer
    _saves_in_flight: int
    _last_save_failed: bool = False
    saved: SignalInstance

    if TYPE_CHECKING:  # provided by MainWindow and QMainWindow

        def _problem(self, message: str, box: bool = False) -> None: ...
        def _clear_problem(self) -> None: ...
        def _request_shown(self, name: str) -> None: ...
        def _show_title(self, name: str | None) -> None: ...
        def _job(self) -> PreviewJob: ...
        def statusBar(self) -> Any: ...

    _open_ticket: int = 0
    _save_failures: int = 0
    _load_wired: bool = False
    _when_shown: dict[str, list[Callable[[], Any]]]
    opening: str | None = None
    """The request an open is reading (None: no open on its way)."""

    def open_request(self, name: str) -> None:
        """Queue the current request's edits, then show ``name`` once it is read."""
        if name == self.current_name:
            self._open_ticket += 1  # an open still on its way no longer wins
            self.opening = None
            return
        if not self._load_wired:
            self.requests.loaded.connect(self._request_loaded)
            self.requests.loadFailed.connect(self._load_failed)
            self._load_wired = True
        self._queue_save()
        self._open_ticket += 1
        self.opening = name
        self.requests.load(name, self._open_ticket)

    def show_loaded(self, name: str, loaded: Loaded) -> None:
        """Show ``name`` as already read (start-up's one read brings it), as if an open of
        it had just answered: any open still on its way no longer wins."""
        self._open_ticket += 1
        self.opening = name
        self._request_loaded(name, dataclasses.replace(loaded, ticket=self._open_ticket))

    def after_shown(self, name: str, callback: Callable[[], Any]) -> None:
        """Call ``callback`` once the request ``name`` is next shown (an open answered)."""
        self._when_shown.setdefault(name, []).append(callback)

    def _load_failed(self, name: str, ticket: int) -> None:
        """An open could not be read (the controller said why): nothing waits for it."""
        self._when_shown.pop(name, None)
        if ticket == self._open_ticket:
            self.opening = None

    def _request_loaded(self, name: str, loaded: Loaded) -> None:
        """The ``loaded`` slot: show the newest open's request (older answers are dropped)."""
        if loaded.ticket != self._open_ticket:
            return
        self.opening = None
        self._queue_save()  # edits made while it loaded
        self.current_name = name
        self._saved_request, self._saved_sample = loaded.request, loaded.sample
        self.composer.load(loaded.request, loaded.sample)
        self.composer.setEnabled(True)
        self.request_list.select(name, emit=False)
        self.settings.setValue("window/last_request", name)
        self._request_shown(name)
        for callback in self._when_shown.pop(name, []):
            callback()
        self.preview.render_now(self._job)

    def current_request(self) -> Any:
        """The request as edited (None when none is open)."""
        return self.composer.to_model()

    def save_now(self) -> bool:
        """Queue the open request's edits and return at once (an op asked for later on the
        ordered write lane sees them). False when the last save that answered failed (its
        "Not saved: …" is shown); :meth:`after_saves` says when they are stored."""
        self._queue_save()
        return not self._last_save_failed

    def after_saves(self, callback: Callable[[bool], Any]) -> None:
        """Queue the open request's edits, then call ``callback`` on the GUI thread once
        every save queued so far has answered: True when none of them failed."""
        self._queue_save()
        failures = self._save_failures

        def marked(_: None) -> None:
            callback(self._save_failures == failures)

        Op(cast("QObject", self), lambda _db: None, write=True).success(marked).run()

    def save_in_background(self) -> None:
        """The autosave: hand what changed to a write op (:func:`ui.ops.requests.save`)."""
        self._queue_save()

    def _queue_save(self) -> None:
        """Hand what changed since the last save to a write op; returns at once."""
        self._autosave.stop()
        request = self.composer.to_model()
        if self.current_name is None or request is None:
            return
        sample = self.composer.sample_response() or ""
        changed_request = request if request != self._saved_request else None
        changed_sample = sample if sample != self._saved_sample else None
        if changed_request is None and changed_sample is None:
            return
        self._saved_request, self._saved_sample = request, sample
        self._saves_in_flight += 1
        name = self.current_name
        sample_setting = None if changed_sample is None else (SAMPLE_KEY + name, changed_sample)
        request_ops.save(
            cast("QObject", self), self.db.path, name, changed_request, sample_setting
        ).success(self._background_saved).failure(
            lambda error: self._background_failed(name, error.message)
        ).run()

    def _background_saved(self, name: str) -> None:
        self._saves_in_flight -= 1
        self._last_save_failed = False
        self._saved_again()
        self.saved.emit(name)

    def _saved_again(self) -> None:
        """A save went through: a "Not saved" message no longer holds."""
        if getattr(self, "last_problem", "").startswith("Not saved"):
            self._clear_problem()

    def _background_failed(self, name: str, message: str) -> None:
        self._saves_in_flight -= 1
        self._save_failures += 1
        self._last_save_failed = True
        if name == self.current_name:
            self._saved_request, self._saved_sample = None, None  # the next save retries
        self._problem(f"Not saved: {message}")

    def new_request(self) -> None:
        """Create a blank request and open it."""
        self._guard(lambda: self.requests.new())

    def new_from_recipe(self, recipe_name: str) -> None:
        """Create a request from the shipped recipe called ``recipe_name``."""
        self._guard(lambda: self.requests.new_from_recipe(recipe_name))

    def _fill_recipes(self) -> None:
        self.request_list.set_recipes(self.requests.recipes())

    def _duplicate(self) -> None:
        if self.current_name:
            self._queue_save()  # the ordered lane stores it before the copy is made
            self._guard(lambda: self.requests.duplicate(self.current_name or ""))

    def _ask_rename(self) -> None:
        if self.current_name is None:
            return
        from PySide6.QtWidgets import QInputDialog  # loaded on first use: start-up stays lean

        name, ok = QInputDialog.getText(
            self,  # type: ignore[arg-type]
            "Rename request",
            "New name:",
            text=self.current_name,
        )
        if ok:
            self.rename_current(name)

    def rename_current(self, new_name: str) -> bool:
        """Rename the open request; a refused name is explained in a message box."""
        if self.current_name is None:
            return False
        self._queue_save()  # the ordered lane stores it before the rename
        try:
            self.requests.rename(self.current_name, new_name)  # the sample response moves too
        except KnownError as exc:
            self._problem(str(exc), box=True)
            return False
        self._clear_problem()  # a refusal of an earlier name no longer holds
        return True

    def delete_current(self) -> None:
        """Delete the open request; the status bar offers Undo."""
        request = self.composer.to_model()
        if self.current_name is None or request is None:
            return
        self._autosave.stop()
        self._guard(lambda: self.requests.delete(request))
        self.statusBar().showMessage(
            f'Deleted "{request.name}". Undo with the button, Ctrl+Shift+Z or Edit ▸ Undo delete.',
            15000,
        )

    def undo(self) -> None:
        """Undo the last deletion."""
        self.requests.undo()

    def _opened(self, name: str) -> None:
        self._queue_save()  # edits of the request shown so far are kept first
        self.current_name = None  # a renamed or restored request is read again
        self.open_request(name)

    def _closed_request(self, name: str) -> None:
        if name != self.current_name:
            return
        self.current_name = None
        self._saved_request = None
        names = self.requests.names()  # the delete's op brought them
        if names:
            self.open_request(names[0])
        else:
            self.composer.setEnabled(False)  # nothing to edit until a request is made
            self._show_title(None)

    def _guard(self, work: Callable[[], Any]) -> None:
        try:
            work()
        except KnownError as exc:
            self._problem(str(exc), box=True)
