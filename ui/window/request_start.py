"""The request list on start-up and after changes: which request opens first, how wide the
list starts, and showing a request another part names or replaced.

:class:`RequestListActions` is a mixin of :class:`ui.window.main_window.MainWindow`, kept
apart so each file reads in one sitting. Decisions:

* **Start-up reads off the GUI thread.** One op (on the ordered write lane, so it sees
  any write asked for before) reads the request names, the shipped recipes' names (for
  the list's width) and which request to open: the one open when the window last closed,
  or on a first start a JSON request that previews without any secret set, and that
  request with its sample response. Its answer fills the list and shows that request
  at once (no second read: a cold start waits for one op, not two); :attr:`restoring` is
  True until then, the composer is disabled until a request is shown, and ``restored``
  says which request is being opened ("" for an empty workspace).
* **The list follows the controller.** ``listChanged`` puts the controller's names (read
  by the op that changed them, or again after another part's write) in the list and keeps
  the open request selected.
* **A request another part names** (:meth:`show_request`: the cURL import, a recipe, an
  import, a pull) is opened after the names are read again, both on the ordered lane, so
  it is listed by the time it is shown. :meth:`reload_request` shows the stored text of
  the open request again: the load is queued behind every save asked for before, and
  edits not yet saved are dropped (the stored text wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from composer.model import Request
from ui.ops import Op, OpError
from ui.window.requests_controller import SAMPLE_KEY, Loaded

if TYPE_CHECKING:
    from PySide6.QtCore import QObject, QSettings, QTimer, SignalInstance
    from PySide6.QtWidgets import QSplitter, QWidget

    from composer.store.database import Database
    from ui.editor.tabs import ComposerTabs
    from ui.window.request_list import RequestListPanel
    from ui.window.requests_controller import RequestsController

__all__ = ["LIST_WIDTH", "RequestListActions", "Start", "first_choice"]

LIST_WIDTH = (260, 420)
"""The request list starts wide enough to read its names (and the recipes'), within these
pixels, unless the user's own splitter sizes were saved."""


@dataclass(frozen=True, slots=True)
class Start:
    """What the start-up op read."""

    names: list[str]
    """Every stored request's name, in list order."""
    recipe_names: list[str]
    """The shipped recipes' names (the list's width counts them too)."""
    choice: str | None
    """The request to open (None: the workspace has none)."""
    loaded: Loaded | None = None
    """That request and its sample response, as read (ticket 0)."""


def first_choice(requests: list[Request]) -> str:
    """On a first start: a JSON request that previews without any secret set."""
    free = [r for r in requests if "secrets." not in r.to_json()]
    json_free = [r for r in free if "json" in r.content_type().lower()]
    return (json_free or free or requests)[0].name


def _read_start(db: Database, last: str | None, recipes: Any) -> Start:
    names = db.requests.names()
    if last is not None and last in names:
        choice: str | None = last
    elif names:
        choice = first_choice([db.requests.get(name) for name in names])
    else:
        choice = None
    loaded = None
    if choice is not None:
        sample = db.settings.get(SAMPLE_KEY + choice, "") or ""
        loaded = Loaded(db.requests.get(choice), sample, 0)
    return Start(names, [name for name, _ in recipes()], choice, loaded)


class RequestListActions:
    """Start-up and the request list's updates for the main window (a mixin)."""

    db: Database
    settings: QSettings
    requests: RequestsController
    request_list: RequestListPanel
    composer: ComposerTabs
    hsplit: QSplitter
    current_name: str | None
    _autosave: QTimer
    restored: SignalInstance

    if TYPE_CHECKING:  # provided by MainWindow, RequestActions and QMainWindow

        def open_request(self, name: str) -> None: ...
        def show_loaded(self, name: str, loaded: Loaded) -> None: ...
        def show_page(self, page: str | QWidget) -> QWidget: ...
        def _problem(self, message: str, box: bool = False) -> None: ...

    restoring: bool = False
    """Whether the start-up read has not answered yet."""

    def _restore_requests(self) -> None:
        """Read the names and the request to open off the GUI thread (see the docstring)."""
        last = self.settings.value("window/last_request")
        last = last if isinstance(last, str) else None
        fit = self.settings.value("window/hsplit") is None
        recipes = self.requests.recipes
        self.restoring = True
        self.composer.setEnabled(False)  # until a request is shown
        Op(
            cast("QObject", self),
            lambda db: _read_start(db, last, recipes),
            path=self.db.path,
            write=True,
        ).success(lambda start: self._restored(start, fit)).failure(self._restore_failed).run()

    def _restored(self, start: Start, fit: bool) -> None:
        self.restoring = False
        self.requests.set_names(start.names)
        if fit:
            self._fit_request_list(start.names + start.recipe_names)
        if start.choice is not None and start.loaded is not None:
            self.show_loaded(start.choice, start.loaded)
        self.restored.emit(start.choice or "")

    def _restore_failed(self, error: OpError) -> None:
        self.restoring = False
        self._problem(f"The request list could not be read: {error.message}")
        self.restored.emit("")

    def _fit_request_list(self, names: list[str]) -> None:
        """Start the request list wide enough to read ``names`` (recipes' included)."""
        metrics = self.request_list.fontMetrics()
        widest = max((metrics.horizontalAdvance(name) for name in names), default=0)
        width = min(LIST_WIDTH[1], max(LIST_WIDTH[0], widest + 48))  # margins, scroll bar
        total = sum(self.hsplit.sizes()) or 1280
        self.hsplit.setSizes([width, max(1, total - width)])

    def _list_changed(self) -> None:
        """The controller's names changed: list them, the open request still selected."""
        self.request_list.set_names(self.requests.names())
        if self.current_name is not None:
            self.request_list.select(self.current_name, emit=False)

    def show_request(self, name: str) -> None:
        """Open a request another page made or names (the names are read again first)."""
        self.requests.read_names()
        self.show_page(self.hsplit)
        self.open_request(name)

    def reload_request(self, name: str) -> None:
        """Show the stored ``name`` again if it is the request open (another part of the
        app replaced it in the workspace, as a pull from Customer.io does): the stored text
        wins over edits not yet saved. Returns at once; the text comes with the load."""
        if name != self.current_name:
            return
        self._autosave.stop()
        self.current_name = None  # read again, and nothing of the old text is saved over it
        self.open_request(name)
