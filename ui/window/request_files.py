"""Requests as files, the Outbox for a request, and a response as a request's sample.

:class:`RequestFileActions` is a mixin of the main window (through
:class:`~ui.window.requests.RequestActions`); :meth:`~RequestFileActions.build_request_file_actions`
adds to the Request menu:

* **Export to file…**: the open request (saved first) as a ``.json`` request file, the bytes
  ``requests export`` and the store write (:meth:`composer.store.requests.RequestRepo.export_file`).
  Secrets stay names (``{{ secrets.x }}``): a request never holds a value.
* **Import from file…**: a request file read and validated as ``requests import`` does
  (:meth:`composer.model.Request.from_file`); a name already taken asks whether to replace
  the stored request or keep both (the import then takes the first free "NAME 2"). A file
  over :data:`MAX_REQUEST_FILE` bytes is refused before it is read. Dragging one or more
  files onto the window imports them the same way (a page that takes drops of its own, such
  as People, keeps them); a file that is not a request file is refused with the reason,
  naming the file, line and field.
* **Open in the Outbox** (Ctrl+Shift+O, also a button by the send panel's status): the
  Outbox page filtered to the open request's deliveries.

"Use as sample response" (the send panel's viewer and the Outbox's) makes an attempt's
body the sample response of the request it belongs to, opening that request first, as one
undoable edit of the Response tab's sample (:meth:`ui.editor.response_tab.ResponseTab.use_sample`).

Reading, validating and writing files run as ops, off the GUI thread.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from composer.errors import InvalidFileError
from composer.model import Request
from composer.store.database import Database
from composer.store.requests import free_name
from ui.ops import Changed, Op, OpChanges, OpError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu, QSplitter

    from ui.editor.send_panel import SendPanel
    from ui.editor.tabs import ComposerTabs
    from ui.window.pages import PageStack
    from ui.window.requests_controller import RequestsController

__all__ = ["MAX_REQUEST_FILE", "RequestFileActions", "local_files"]

MAX_REQUEST_FILE = 8 * 1024 * 1024
"""A request file larger than this is refused before it is read."""


def local_files(urls: list[QUrl]) -> list[Path]:
    """The local files among dropped ``urls`` (folders and remote addresses left out)."""
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile()]


def _read_request(path: Path) -> Request:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # from_file says what is wrong with it
    if size > MAX_REQUEST_FILE:
        raise InvalidFileError(
            str(path),
            f"is {size / (1024 * 1024):.1f} MiB; a request file is at most "
            f"{MAX_REQUEST_FILE // (1024 * 1024)} MiB",
        )
    return Request.from_file(path)


class RequestFileActions:
    """Export, import and drop request files; the Outbox for a request; sample responses."""

    db: Database
    requests: RequestsController
    composer: ComposerTabs
    send_panel: SendPanel
    pages: PageStack
    hsplit: QSplitter
    vsplit: QSplitter
    current_name: str | None
    show_boxes: bool

    if TYPE_CHECKING:  # provided by MainWindow, RequestActions and QMainWindow

        def menu(self, title: str) -> QMenu: ...
        def show_page(self, page: str | QWidget) -> QWidget: ...
        def show_request(self, name: str) -> None: ...
        def save_now(self) -> bool: ...
        def after_shown(self, name: str, callback: Any) -> None: ...
        def _problem(self, message: str, box: bool = False) -> None: ...
        def statusBar(self) -> Any: ...
        def add_screenshot(self, filename: str, prepare: Any) -> None: ...
        def setAcceptDrops(self, on: bool) -> None: ...
        def isVisible(self) -> bool: ...

    def build_request_file_actions(self) -> None:
        """Add Export, Import and Open in the Outbox to the Request menu, take file drops,
        and wire the send panel's and the Outbox's requests (once; later calls do nothing)."""
        if getattr(self, "export_action", None) is not None:
            return
        window = cast(QWidget, self)
        menu = self.menu("&Request")
        menu.addSeparator()

        def add(text: str, tip: str, slot: Any, keys: str = "") -> QAction:
            action = QAction(text, window)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _=False: slot())
            menu.addAction(action)
            window.addAction(action)
            return action

        self.export_action = add(
            "E&xport to file…",
            "Save the open request as a .json request file (secrets stay names)",
            self.export_request_file,
        )
        self.import_action = add(
            "I&mport from file…",
            "Add a request from a .json request file (you may also drop it on the window)",
            self.import_request_file,
        )
        self.outbox_action = add(
            "Open in the &Outbox",
            "Show the Outbox with the open request's deliveries only",
            self.open_in_outbox,
            "Ctrl+Shift+O",
        )
        self.import_box: QMessageBox | None = None
        """The open "replace or keep both?" question, if any."""
        self._adopted: set[int] = set()
        self.setAcceptDrops(True)
        self.send_panel.outboxRequested.connect(self.open_in_outbox)
        self.send_panel.sampleRequested.connect(self.use_as_sample)
        self.pages.pageShown.connect(self._adopt_outbox)
        self.add_screenshot("response-viewer.png", self._response_picture)

    # -- export --------------------------------------------------------------------

    def export_request_file(self, path: Path | str | None = None) -> Op[Path] | None:
        """Write the open request to ``path`` (asked for when None); the op, or None."""
        name = self.current_name
        if name is None:
            self._problem("Open a request first, then export it.")
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                cast(QWidget, self),
                "Export request",
                str(Path.home() / f"{_file_stem(name)}.json"),
                "Request files (*.json);;All files (*)",
            )
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        self.save_now()  # queued first: the export, on the same ordered lane, sees it
        op: Op[Path] = Op(
            cast(QObject, self),
            lambda db: db.requests.export_file(name, target),
            path=self.db.path,
            write=True,
        )
        op.success(lambda written: self._say(f'Exported "{name}" to {written}.'))
        op.failure(lambda error: self._problem(error.message, box=True)).run()
        return op

    # -- import --------------------------------------------------------------------

    def import_request_file(self, path: Path | str | None = None) -> Op[Any] | None:
        """Read a request file (asked for when None) and store it; a taken name asks first."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                cast(QWidget, self),
                "Import request",
                str(Path.home()),
                "Request files (*.json);;All files (*)",
            )
            if not chosen:
                return None
            path = chosen
        source = Path(path)
        self.save_now()  # queued first: the edits shown so far are kept

        def read(db: Database | None) -> tuple[Request, bool]:
            assert db is not None
            request = _read_request(source)
            return request, db.requests.exists(request.name)

        op: Op[tuple[Request, bool]] = Op(cast(QObject, self), read, path=self.db.path)
        op.success(lambda found: self._imported(source, *found))
        op.failure(lambda error: self._import_failed(source, error)).run()
        return op

    def _import_failed(self, source: Path, error: OpError) -> None:
        message = error.message
        if str(source) not in message:
            message = f"{source} could not be imported: {message}"
        self._problem(message, box=True)

    def _imported(self, source: Path, request: Request, taken: bool) -> None:
        if not taken:
            self._store_import(source, request, replace=False)
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Import request",
            f'A request named "{request.name}" is already in the workspace. Replace it with '
            f"the one in {source.name}, or keep both (the import gets a new name)?",
            parent=cast(QWidget, self),
        )
        replace = box.addButton("&Replace", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep both", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.setAccessibleName("Import request: name taken")

        def answered(button: object) -> None:
            self.import_box = None
            if button is replace:
                self._store_import(source, request, replace=True)
            elif button is keep:
                self._store_import(source, request, replace=False, keep_both=True)

        box.buttonClicked.connect(answered)
        self.import_box = box
        box.open()

    def _store_import(
        self, source: Path, request: Request, *, replace: bool, keep_both: bool = False
    ) -> None:
        def store(db: Database | None) -> Changed[str]:
            assert db is not None
            with db.transaction():
                item = request
                if keep_both:
                    item = _renamed(request, free_name(request.name, set(db.requests.names())))
                if replace:
                    stored = db.requests.update(item.name, item)
                else:
                    stored = db.requests.create(item)
            return Changed(stored.name, OpChanges(requests=True))

        def done(name: str) -> None:
            if replace and name == self.current_name:
                self.current_name = None  # read again: the stored request is the import
            self.show_request(name)
            self._say(f'Imported the request "{name}" from {source}.')

        op: Op[str] = Op(cast(QObject, self), store, path=self.db.path, write=True)
        op.success(done).failure(lambda error: self._problem(error.message, box=True)).run()

    # -- drops ---------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Files dragged over the window may be dropped (request files are imported)."""
        if local_files(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        """Keep accepting files while they move over the window."""
        if local_files(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Import each dropped file as a request file (anything else is refused, saying why)."""
        files = local_files(event.mimeData().urls())
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        for path in files:
            if path.is_dir():
                self._problem(f"{path} is a folder; drop a request file (.json) instead.")
            elif path.suffix.lower() != ".json":
                self._problem(
                    f"{path.name} is not a request file: a request file is JSON (.json), "
                    "as Request ▸ Export to file… writes it."
                )
            else:
                self.import_request_file(path)

    # -- the outbox and the sample response ----------------------------------------

    def open_in_outbox(self, name: str | None = None) -> bool:
        """Show the Outbox filtered to ``name``'s deliveries (the open request by default)."""
        name = name or self.current_name
        if not name:
            self._problem("Open a request first.")
            return False
        try:
            page = self.show_page("Outbox")
        except KeyError:
            self._problem("There is no Outbox page in this window.")
            return False
        show = getattr(page, "show_request_deliveries", None)
        if callable(show):
            show(name)
        return True

    def use_as_sample(self, name: str, text: str) -> bool:
        """Make ``text`` the sample response of request ``name`` as one undoable edit, at
        once or, when another request is open, once ``name`` is shown (it is opened);
        False when the request is gone."""
        if name != self.current_name:
            if name not in self.requests.names():  # as last read by an op
                self._problem(
                    f'The request "{name}" is no longer in the workspace (renamed or deleted), '
                    "so the response has no sample to go to."
                )
                return False
            self.after_shown(name, lambda: self._use_sample(name, text))
            self.show_request(name)
            return True
        self._use_sample(name, text)
        return True

    def _use_sample(self, name: str, text: str) -> None:
        self.show_page(self.hsplit)
        self.composer.show_response()
        self.composer.response_tab.use_sample(
            text, "Sample response: an attempt's answer (Ctrl+Z in the sample takes it back)."
        )
        self._say(f'The response is now the sample response of "{name}". Undo with Ctrl+Z there.')

    def _adopt_outbox(self, page_name: str) -> None:
        """The Outbox page, once built, sends its "Use as sample response" here."""
        if page_name != "Outbox":
            return
        page = self.pages.page(page_name)
        chosen = getattr(page, "sampleChosen", None)
        if chosen is not None and id(page) not in self._adopted:
            self._adopted.add(id(page))
            chosen.connect(self.use_as_sample)

    def _response_picture(self) -> QWidget:
        """For ``--screenshots``: the composer with the send panel's viewer given room,
        showing the open request's last answer, or an example answer when it has none
        (the example is gone once the pictures are taken: the request is opened again)."""
        from ui.editor.response_data import ResponseView
        from ui.window.pictures import EXAMPLE_RESPONSE

        self.show_page(self.hsplit)
        total = sum(self.vsplit.sizes()) or 780
        self.vsplit.setSizes([total // 2, total - total // 2])
        viewer = self.send_panel.viewer
        if viewer.view is None:
            body = EXAMPLE_RESPONSE.encode()
            viewer.show_view(
                ResponseView(
                    1,
                    1_764_921_600.0,
                    87.0,
                    201,
                    (("Content-Type", "application/json"), ("X-Request-Id", "req_5f2b9c")),
                    body,
                )
            )
            self.send_panel.status.setText("Attempt 1: HTTP 201 in 87 ms (an example answer)")
        return cast(QWidget, self)

    def _say(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)


def _renamed(request: Request, name: str) -> Request:
    return dataclasses.replace(request, name=name)


def _file_stem(name: str) -> str:
    """A file name made of a request's name (characters a file system refuses replaced)."""
    stem = "".join("-" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in name).strip(". ")
    return stem[:120] or "request"
