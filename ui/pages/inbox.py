"""The Inbox page: a local catcher for requests, with a configurable reply.

:class:`composer.inbox.server.Inbox` does the listening (loopback only, bounded memory, its own
threads); this page starts and stops it, edits its reply, and lists what it caught.
Decisions:

* **No worker of its own.** Binding and stopping the inbox take milliseconds (stopping
  joins its threads, which poll every 0.1 s), so Start and Stop run on the GUI thread.
  What arrives is announced from the inbox's connection thread through an
  :class:`~ui.pages.inbox_models.InboxBridge`, so no widget is touched off the GUI thread.
* **A model, not item widgets.** The caught requests are a
  :class:`~ui.pages.inbox_models.CaughtModel` (:mod:`ui.pages.inbox_models` holds the page's
  models, re-exported here).
* **Exactly as received.** The detail shows :func:`~ui.pages.inbox_models.raw_view`; a
  second view shows :func:`composer.inbox.server.pretty_body` (indented JSON, one form
  field a line).
* **The reply** (status, headers as ``Name: value`` lines, body, delay) is applied as it
  is edited; a header line without a colon is named under the fields and left out.
* "Use as request URL" emits ``urlChosen`` with the open request's own URL sent to the
  inbox (:func:`composer.inbox.server.with_origin`: its path and query kept, only the scheme,
  host and port changed); the window puts it in the open request.
  :meth:`InboxPage.shutdown` (called as the window closes) stops the inbox.
* **Remembered.** The port and the reply (status, headers, body, delay) are kept in the
  window's settings as they are edited, and read back when the page is made
  (:mod:`ui.pages.inbox_settings`). "Any free port" becomes the port the inbox got, once
  it has listened, so a request pointed at the inbox still reaches it after a restart.
  Opening a request whose URL is sent to the remembered port starts the inbox again
  (:meth:`InboxPage.follow`, called by the composer through :func:`follow_request`).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from composer.errors import KnownError
from composer.inbox.server import CaughtRequest, Inbox, Reply, points_at, pretty_body, with_origin
from composer.wording import counted
from ui.pages.inbox_models import (
    CaughtModel,
    InboxBridge,
    header_lines_note,
    parse_header_lines,
    raw_view,
)
from ui.pages.inbox_settings import SavedReply, remember, remembered_port, saved_reply
from ui.widgets.palette import mono

__all__ = [
    "CaughtModel",
    "InboxBridge",
    "InboxPage",
    "follow_request",
    "parse_header_lines",
    "raw_view",
    "remembered_port",
]


def follow_request(window: QWidget | None, url: str) -> bool:
    """Start the window's inbox when ``url`` is sent to its remembered port; True if it runs.

    The Inbox page is made (not shown) when it has to start.
    """
    if window is None or not points_at(url, remembered_port()):
        return False
    pages = getattr(window, "pages", None)
    if pages is None or "Inbox" not in pages.names():
        return False
    page = pages.page("Inbox")
    return isinstance(page, InboxPage) and page.follow(url)


class InboxPage(QWidget):
    """Start/stop the local inbox, set its reply, read what it caught.

    Signals:
        urlChosen(str): "Use as request URL" was pressed (the inbox's URL).
        started(str): the inbox listens (its URL).
        stopped(): the inbox stopped.
    """

    urlChosen = Signal(str)
    started = Signal(str)
    stopped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inbox: Inbox | None = None
        """The running inbox, if any."""
        self.bridge = InboxBridge(self)
        self.model = CaughtModel()
        self.bridge.caught.connect(self._caught)

        saved = saved_reply()
        self.port = QSpinBox()
        self.port.setAccessibleName("Port")
        self.port.setRange(0, 65535)
        self.port.setValue(remembered_port())
        self.port.setSpecialValueText("any free port")
        self.port.setToolTip("0 picks any free port")
        self.start_button = QPushButton("&Start")
        self.start_button.setAccessibleName("Start inbox")
        self.start_button.clicked.connect(lambda _=False: self.toggle())
        self.url = QLineEdit()
        self.url.setAccessibleName("Inbox URL")
        self.url.setReadOnly(True)
        self.url.setPlaceholderText("Start the inbox to get its URL")
        self.use_button = QPushButton("&Use as request URL")
        self.use_button.setAccessibleName("Use as request URL")
        self.use_button.setEnabled(False)
        self.use_button.setToolTip("Send the open request here: put this URL in its URL field")
        self.use_button.clicked.connect(lambda _=False: self.use_as_request_url())
        self.clear_button = QPushButton("C&lear")
        self.clear_button.setAccessibleName("Clear caught requests")
        self.clear_button.clicked.connect(lambda _=False: self.clear())
        self.status = QLabel("Catches requests on this computer only (127.0.0.1).")
        self.status.setAccessibleName("Inbox status")
        self.status.setWordWrap(True)

        self.reply_status = QSpinBox()
        self.reply_status.setAccessibleName("Reply status")
        self.reply_status.setRange(100, 599)
        self.reply_status.setToolTip(
            "The HTTP status the inbox answers with (try 500 or 429 to watch the retries)"
        )
        self.reply_status.setValue(saved.status)
        self.reply_headers = QPlainTextEdit(saved.headers)
        self.reply_headers.setAccessibleName("Reply headers")
        self.reply_headers.setPlaceholderText("Name: value, one a line")
        self.reply_headers.setToolTip("The headers the inbox answers with, one Name: value a line")
        self.reply_headers.setTabChangesFocus(True)  # a header never holds a tab
        mono(self.reply_headers)
        self.reply_body = QPlainTextEdit(saved.body)
        self.reply_body.setAccessibleName("Reply body")
        self.reply_body.setToolTip("The body the inbox answers every request with")
        self.reply_body.setTabChangesFocus(True)  # Tab moves on: the keyboard never gets stuck
        mono(self.reply_body)
        self.reply_delay = QDoubleSpinBox()
        self.reply_delay.setAccessibleName("Reply delay")
        self.reply_delay.setRange(0.0, 120.0)
        self.reply_delay.setDecimals(1)
        self.reply_delay.setSuffix(" s")
        self.reply_delay.setToolTip(
            "Wait this long before answering (over 4 s, Customer.io's timeout, to test one)"
        )
        self.reply_delay.setValue(saved.delay)
        self.reply_note = QLabel()
        self.reply_note.setAccessibleName("Reply problem")
        self.reply_note.setWordWrap(True)
        for signal in (
            self.reply_status.valueChanged,
            self.reply_headers.textChanged,
            self.reply_body.textChanged,
            self.reply_delay.valueChanged,
        ):
            signal.connect(self._apply_reply)
        self.port.valueChanged.connect(lambda _v: self._remember())

        self.table = QTableView()
        self.table.setAccessibleName("Caught requests")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show(cur))
        self.raw = QPlainTextEdit()
        self.raw.setAccessibleName("Request as received")
        self.raw.setReadOnly(True)
        mono(self.raw)
        self.pretty = QPlainTextEdit()
        self.pretty.setAccessibleName("Body, pretty")
        self.pretty.setReadOnly(True)
        mono(self.pretty)
        self.detail = QTabWidget()
        self.detail.setAccessibleName("Caught request")
        self.detail.tabBar().setAccessibleName("Caught request views")
        self.detail.addTab(self.raw, "&Raw")
        self.detail.addTab(self.pretty, "&Pretty body")
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        port_label = QLabel("&Port")
        port_label.setBuddy(self.port)
        top.addWidget(port_label)
        top.addWidget(self.port)
        top.addWidget(self.start_button)
        top.addWidget(self.url, 1)
        top.addWidget(self.use_button)
        top.addWidget(self.clear_button)
        reply = QWidget()
        form = QFormLayout(reply)
        form.addRow("Reply &status", self.reply_status)
        form.addRow("Reply &headers", self.reply_headers)
        form.addRow("Reply &body", self.reply_body)
        form.addRow("&Delay", self.reply_delay)
        form.addRow("", self.reply_note)
        caught = QSplitter(Qt.Orientation.Vertical)
        caught.addWidget(self.table)
        caught.addWidget(self.detail)
        split = QSplitter()
        split.addWidget(caught)
        split.addWidget(reply)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

    # -- running ----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the inbox listens."""
        return self.inbox is not None

    def reply(self) -> Reply:
        """The reply the fields describe (bad header lines are left out: the note says which)."""
        headers, _bad = parse_header_lines(self.reply_headers.toPlainText())
        return Reply(
            status=self.reply_status.value(),
            headers=tuple(headers),
            body=self.reply_body.toPlainText().encode("utf-8"),
            delay_s=self.reply_delay.value(),
        )

    def toggle(self) -> None:
        """Start the inbox, or stop it when it runs."""
        if self.running:
            self.stop()
        else:
            self.start()

    def start(self) -> bool:
        """Listen on 127.0.0.1 at the chosen port; False (and why, shown) when it cannot."""
        if self.inbox is not None:
            return True
        try:
            inbox = Inbox(
                port=self.port.value(), reply=self.reply(), on_request=self.bridge.forward
            ).start()
        except KnownError as exc:
            self.status.setText(str(exc))
            return False
        self.inbox = inbox
        self.model.limit = inbox.max_requests
        self.port.setValue(inbox.port)  # "any free port" becomes the one it got
        self._remember()
        self.url.setText(inbox.url)
        self.use_button.setEnabled(True)
        self.port.setEnabled(False)
        self.start_button.setText("&Stop")
        self.start_button.setAccessibleName("Stop inbox")
        self.status.setText(f"Listening on {inbox.url} (this computer only).")
        self.started.emit(inbox.url)
        return True

    def stop(self) -> None:
        """Stop listening (what was caught stays listed)."""
        inbox, self.inbox = self.inbox, None
        if inbox is None:
            return
        inbox.stop()
        self.use_button.setEnabled(False)
        self.port.setEnabled(True)
        self.start_button.setText("&Start")
        self.start_button.setAccessibleName("Start inbox")
        listed = counted(self.model.rowCount(), "request")
        self.status.setText(f"Stopped; {listed} listed.")
        self.stopped.emit()

    def follow(self, url: str) -> bool:
        """Start listening when ``url`` is sent to this inbox's port; True if it runs."""
        if self.running:
            return True
        if not points_at(url, self.port.value()):
            return False
        if not self.start():
            return False
        self.status.setText(
            f"Listening on {self.inbox.url if self.inbox else ''}: started again, as the open "
            "request sends here."
        )
        return True

    def request_url(self) -> str:
        """The open request's URL sent to this inbox (the inbox's own URL without one)."""
        base = self.url.text()
        current = getattr(self.window(), "current_request", None)
        request = current() if callable(current) else None
        url = getattr(request, "url", "")
        return with_origin(url, base) if isinstance(url, str) and url.strip() else base

    def use_as_request_url(self) -> str:
        """Emit ``urlChosen`` with :meth:`request_url`; returns it."""
        url = self.request_url()
        self.urlChosen.emit(url)
        return url

    def _remember(self) -> None:
        reply = SavedReply(
            status=self.reply_status.value(),
            headers=self.reply_headers.toPlainText(),
            body=self.reply_body.toPlainText(),
            delay=self.reply_delay.value(),
        )
        remember(self.port.value(), reply)

    def clear(self) -> None:
        """Forget the caught requests (here and in the inbox)."""
        if self.inbox is not None:
            self.inbox.clear()
        self.model.clear()
        self.raw.clear()
        self.pretty.clear()

    def shutdown(self) -> None:
        """Stop the inbox (the window is closing)."""
        self.stop()

    # -- showing ----------------------------------------------------------------------

    def _apply_reply(self) -> None:
        self.reply_note.setText(header_lines_note(self.reply_headers.toPlainText()))
        if self.inbox is not None:
            self.inbox.set_reply(self.reply())
        self._remember()

    def _caught(self, request: CaughtRequest) -> None:
        self.model.append(request)
        last = self.model.index(self.model.rowCount() - 1, 0)
        if not self.table.currentIndex().isValid() or self.model.rowCount() == 1:
            self.table.setCurrentIndex(last)
        caught = counted(self.model.rowCount(), "request")
        self.status.setText(
            f"Listening on {self.url.text()}: {caught} caught."
            if self.inbox is not None
            else self.status.text()
        )

    def _show(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        request = self.model.caught(index.row())
        self.raw.setPlainText(raw_view(request))
        self.pretty.setPlainText(pretty_body(request))

    def sizeHint(self) -> QSize:
        return QSize(1000, 640)
