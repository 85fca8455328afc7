"""The Outbox and history page: every delivery, filtered, with one delivery's detail.

The list is :class:`ui.pages.table_models.DeliveriesTableModel` (lazy, newest first, filtered in
SQL by state, request, person and text). One QTimer ticks once a second for the whole view:
it moves the "next attempt" countdowns and the detail's countdown on. The detail shows the
request as it was sent (secrets were masked when it was stored) and whether it was sent
anyway with a body that is not valid ("forced"), each attempt with its status or error and
timing (a redirect with where it points), every attempt's answer in a
:class:`~ui.editor.response_viewer.ResponseViewer` (an attempt chooser above it; the last
answered attempt first), the attribute changes applied, and the attempt timeline
(:class:`ui.pages.attempt_chart.AttemptTimeline`). The viewer's "Use as sample response"
is ``sampleChosen`` (the delivery's request and the body), which the window turns into an
undoable edit of that request's sample response. :meth:`OutboxPage.show_request_deliveries`
filters the list to one request ("Open in the Outbox" from the composer).

Nothing here touches the workspace from the GUI thread but the list's model: a delivery's
detail is read by an op (:func:`ui.ops.deliveries.get`), and the actions are write ops:
retry now, cancel, approve and discard are state moves (:func:`ui.ops.deliveries.move`);
"send again" records a new delivery of the same request and context, once the person has
said yes to what will be sent (:func:`ui.pages.bulk_send.ask_to_send`). What then has to be
sent is sent by the workspace's one engine (:class:`ui.ops.engine.DeliveryEngine`), which
the page wakes and whose updates refresh the rows they concern. ``acted`` says when an
action has been made (with the delivery to watch).

"Last result" says a failure in words (its first sentence: "127.0.0.1:8080 refused the
connection…"), never a number cut out of an address that reads like a status.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from composer.delivery.records import Delivery
from composer.store.database import Database
from ui.editor.response_data import ResponseView
from ui.editor.response_viewer import ResponseViewer
from ui.ops import OpChanges, OpError, hub
from ui.ops import deliveries as delivery_ops
from ui.ops.engine import DeliveryEngine, SecretsSource, SendJob, SendUpdate
from ui.pages.attempt_chart import AttemptTimeline
from ui.pages.bulk_send import ask_to_send
from ui.pages.table_models import DeliveriesTableModel, countdown_text
from ui.widgets.palette import mono

__all__ = [
    "LAST_RESULT",
    "STATES",
    "LastResultDelegate",
    "OutboxPage",
    "attempts_text",
    "last_result_text",
    "sent_text",
]

STATES = ("draft", "queued", "sending", "waiting_retry", "succeeded", "failed", "cancelled")
"""Every delivery state, in the order the state filter lists them."""


LAST_RESULT = 5
"""The list's "Last result" column."""

_SENTENCE_END = re.compile(r"\.(?:\s|$)")


def last_result_text(status: int | None, error: str | None) -> str:
    """The "Last result" cell: ``HTTP 503``, or the error's first sentence in words."""
    if status is not None:
        return f"HTTP {status}"
    if not error:
        return ""
    return _SENTENCE_END.split(error, maxsplit=1)[0]


_ACTION_TIPS = {
    "retry_now": "Send this delivery's next attempt now instead of at its scheduled time",
    "cancel": "Stop this delivery: no more attempts (one already on the wire still finishes)",
    "approve": "Send this draft: drafts wait here until someone approves them",
    "discard": "Throw this draft away without sending it",
    "send_again": "Record and send a new delivery of the same request to the same person, "
    "with the request and data as they were (asks first)",
    "open_request": "Open the request this delivery was made from in the composer",
}
"""What each delivery action does, for its button's tooltip."""


class LastResultDelegate(QStyledItemDelegate):
    """Draws the list's "Last result" cell as :func:`last_result_text` words."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Any) -> None:
        super().initStyleOption(option, index)
        model = index.model()
        row = model.delivery(index.row()) if hasattr(model, "delivery") else None
        if row is not None:
            option.text = last_result_text(row.last_status, row.error)


def _clock_text(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def sent_text(delivery: Delivery) -> str:
    """The request as sent: request line, headers, blank line, body (secrets masked)."""
    r = delivery.rendered
    if not r:
        return f"Not rendered: {delivery.error or 'the request did not render'}"
    lines = [f"{r.get('method', '')} {r.get('url', '')}"]
    lines += [f"{name}: {value}" for name, value in r.get("headers", [])]
    return "\n".join(lines) + "\n\n" + str(r.get("body", ""))


def attempts_text(delivery: Delivery) -> str:
    """One line per attempt: number, start, outcome, duration, size."""
    if not delivery.attempts:
        return "No attempts yet."
    out = []
    for a in delivery.attempts:
        took = "in flight" if a.elapsed_ms is None else f"{a.elapsed_ms:.0f} ms"
        outcome = f"HTTP {a.status}" if a.status is not None else f"{a.error_kind}: {a.error}"
        location = a.location()
        if location is not None:
            outcome += f" → {location} (not followed)"
        size = f", {a.response_size} bytes" if a.status is not None else ""
        cut = " (kept the first 1 MiB)" if a.response_truncated else ""
        out.append(f"#{a.n}  {_clock_text(a.started_at)}  {outcome}  {took}{size}{cut}")
    return "\n".join(out)


def attempt_label(a: Any) -> str:
    """An attempt in the chooser: ``#2 · HTTP 200 · 41 ms`` or ``#1 · timeout``."""
    took = "in flight" if a.elapsed_ms is None else f"{a.elapsed_ms:.0f} ms"
    outcome = f"HTTP {a.status}" if a.status is not None else (a.error_kind or "no answer")
    return f"#{a.n} · {outcome} · {took}"


class OutboxPage(QWidget):
    """Deliveries and their history.

    Signals:
        requestOpened(str): "Open request" on a delivery (the request's name).
        personChosen(str): "Use person for preview" on a delivery (the person's id).
        deliveryShown(int): the detail now shows this delivery.
        deliveriesChanged(): a delivery's state changed (an action or the engine).
        acted(str, int): an action was made (its key, the delivery to watch).
        sampleChosen(str, str): "Use as sample response" (the request's name, the body).
    """

    requestOpened = Signal(str)
    personChosen = Signal(str)
    deliveryShown = Signal(int)
    deliveriesChanged = Signal()
    acted = Signal(str, int)
    sampleChosen = Signal(str, str)

    def __init__(
        self,
        db: Database,
        secrets: SecretsSource = None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.time,
        backoff_base: float | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.path = db.path
        self.secrets = secrets
        self.engine: DeliveryEngine | None = DeliveryEngine.shared(
            db.path, secrets, backoff_base=backoff_base, holder=self
        )
        """The workspace's one delivery engine (None once the page has shut down)."""
        self.engine.update.connect(self._on_update)
        hub().changed.connect(self._changed)
        self._listening = True
        self._shown_op = 0
        self._wanted: int | None = None
        self.confirm_box: QMessageBox | None = None
        """The open "Send again?" question, if any."""
        self.clock = clock
        self.model = DeliveriesTableModel(db, clock=clock)
        self.delivery: Delivery | None = None
        self.delivery_shown_attempts: int | None = None
        self._latest_attempt: int | None = None
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.reload_filters()
        self.show_delivery(None)

    # -- building ------------------------------------------------------------------

    def _build(self) -> None:
        self.state_filter = QComboBox()
        self.state_filter.setAccessibleName("Filter by state")
        self.state_filter.addItem("Every state", "")
        for state in STATES:
            self.state_filter.addItem(state.replace("_", " "), state)
        self.request_filter = QComboBox()
        self.request_filter.setAccessibleName("Filter by request")
        self.person_filter = QLineEdit()
        self.person_filter.setAccessibleName("Filter by person")
        self.person_filter.setPlaceholderText("Person id")
        self.text_filter = QLineEdit()
        self.text_filter.setAccessibleName("Search deliveries")
        self.text_filter.setPlaceholderText("Search: number, request, person, URL, error")
        self.text_filter.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        for widget in (self.state_filter, self.request_filter, self.person_filter):
            filters.addWidget(widget)
        filters.addWidget(self.text_filter, 1)
        for combo in (self.state_filter, self.request_filter):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        for edit in (self.person_filter, self.text_filter):
            edit.textChanged.connect(lambda _t: self.apply_filters())

        self.table = QTableView()
        self.table.setAccessibleName("Deliveries")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setItemDelegateForColumn(LAST_RESULT, LastResultDelegate(self.table))
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._row(cur.row()))

        self.title = QLabel()
        self.title.setAccessibleName("Delivery")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.countdown = QLabel()
        self.countdown.setAccessibleName("Next attempt")
        buttons = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for key, text in (
            ("retry_now", "&Retry now"),
            ("cancel", "&Cancel"),
            ("approve", "&Approve draft"),
            ("discard", "&Discard draft"),
            ("send_again", "Send a&gain"),
            ("open_request", "&Open request"),
        ):
            button = QPushButton(text)
            button.setAccessibleName(text.replace("&", ""))
            button.setToolTip(_ACTION_TIPS[key])
            button.clicked.connect(lambda _=False, k=key: self.act(k))
            buttons.addWidget(button)
            self.action_buttons[key] = button
        buttons.addStretch(1)
        self.chart = AttemptTimeline()
        self.problem = QLabel()
        self.problem.setAccessibleName("Outbox problem")
        self.problem.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Delivery detail")
        self.sent_view = self._text_tab("Request as sent")
        self.attempts_view = self._text_tab("Attempts")
        self.attempt_choice = QComboBox()
        self.attempt_choice.setAccessibleName("Attempt shown")
        self.attempt_choice.setToolTip("Which attempt's answer the viewer shows.")
        self.attempt_choice.currentIndexChanged.connect(self._attempt_chosen)
        self.viewer = ResponseViewer()
        """The chosen attempt's answer."""
        self.viewer.sampleRequested.connect(self._sample)
        self.response_tab = response = QWidget()
        response_column = QVBoxLayout(response)
        response_column.setContentsMargins(0, 0, 0, 0)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Attempt:"))
        chooser.addWidget(self.attempt_choice)
        chooser.addStretch(1)
        response_column.addLayout(chooser)
        response_column.addWidget(self.viewer, 1)
        self.tabs.addTab(response, "Response")
        self.updates_view = self._text_tab("Attribute changes")
        detail = QWidget()
        column = QVBoxLayout(detail)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.countdown)
        column.addLayout(buttons)
        column.addWidget(self.chart)
        column.addWidget(self.problem)
        column.addWidget(self.tabs, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

    def _text_tab(self, name: str) -> QPlainTextEdit:
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setAccessibleName(name)
        mono(view)
        self.tabs.addTab(view, name)
        return view

    # -- list ----------------------------------------------------------------------

    def reload_filters(self) -> None:
        """Fill the request filter with the requests that have deliveries."""
        current = self.request_filter.currentData() or ""
        self.request_filter.blockSignals(True)
        self.request_filter.clear()
        self.request_filter.addItem("Every request", "")
        for name in self.model.request_names():
            self.request_filter.addItem(name, name)
        index = self.request_filter.findData(current)
        self.request_filter.setCurrentIndex(max(0, index))
        self.request_filter.blockSignals(False)

    def apply_filters(self) -> None:
        """Show the deliveries matching the filters (the detail stays if still listed)."""
        shown = self._wanted
        self.model.set_filters(
            state=self.state_filter.currentData() or "",
            request=self.request_filter.currentData() or "",
            person=self.person_filter.text().strip(),
            text=self.text_filter.text().strip(),
        )
        if shown is not None and self.model.row_of(shown) >= 0:
            self.select(shown)

    def refresh(self) -> None:
        """Read the list (and the shown delivery) again."""
        shown = self._wanted
        self.reload_filters()
        self.model.refresh()
        if shown is not None:
            self.select(shown)

    def select(self, delivery_id: int) -> None:
        """Select a delivery in the list (when listed) and show it."""
        row = self.model.row_of(delivery_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.show_delivery(delivery_id)

    def _row(self, row: int) -> None:
        if row >= 0 and self._wanted != self.model.delivery(row).id:
            self.show_delivery(self.model.delivery(row).id)

    def tick(self) -> None:
        """Move every countdown on (the page's one timer calls this every second)."""
        self.model.tick()
        self._show_countdown()

    # -- detail --------------------------------------------------------------------

    def show_delivery(self, delivery_id: int | None) -> None:
        """Show one delivery's detail (None: nothing chosen); it is read off the GUI thread
        and shown when it arrives (``deliveryShown``)."""
        self._wanted = delivery_id
        if delivery_id is None:
            self._shown_op += 1  # an answer still on its way no longer counts
            self._show(None)
            return
        self._shown_op += 1
        number = self._shown_op

        def arrived(delivery: Delivery | None) -> None:
            if number == self._shown_op:  # a later choice wins
                self._show(delivery)

        def failed(error: OpError) -> None:
            arrived(None)
            self.problem.setText(error.message)

        delivery_ops.get(self, self.path, delivery_id).success(arrived).failure(failed).run()

    def _show(self, d: Delivery | None) -> None:
        self.delivery = d
        if d is None:
            self.title.setText("Choose a delivery to see what was sent and what came back.")
            for view in (self.sent_view, self.attempts_view, self.updates_view):
                view.clear()
            self._fill_attempts(None)
        else:
            person = f" for {d.person_id}" if d.person_id else ""
            forced = (
                "<br>Sent anyway (forced): its body is not valid for its Content-Type."
                if d.forced
                else ""
            )
            self.title.setText(
                f"<b>#{d.id} {html.escape(d.request_name)}</b>{html.escape(person)} — "
                f"{d.state.replace('_', ' ')}, made {_clock_text(d.created_at)}"
                + forced
                + (f"<br>{html.escape(d.error)}" if d.error else "")
            )
            self.sent_view.setPlainText(sent_text(d))
            self.attempts_view.setPlainText(attempts_text(d))
            self._fill_attempts(d)
            self.updates_view.setPlainText(
                json.dumps(d.attribute_updates, indent=2, ensure_ascii=False)
                if d.attribute_updates
                else "No attribute changes."
            )
        self.chart.set_delivery(d)
        state = d.state if d else ""
        enabled = {
            "retry_now": state in ("waiting_retry", "failed", "queued"),
            "cancel": state in ("draft", "queued", "sending", "waiting_retry"),
            "approve": state == "draft",
            "discard": state == "draft",
            "send_again": d is not None and bool(d.rendered),
            "open_request": d is not None,
        }
        for key, button in self.action_buttons.items():
            button.setEnabled(enabled[key])
        self._show_countdown()
        if d is not None:
            self.deliveryShown.emit(d.id)

    def _fill_attempts(self, d: Delivery | None) -> None:
        """List the attempts to choose from: the last answered one, unless the user chose an
        earlier one of this delivery (that choice stays while the delivery is shown)."""
        kept = self.attempt_choice.currentData()
        chose_earlier = kept is not None and kept != self._latest_attempt
        same = d is not None and self.delivery_shown_attempts == d.id
        self.delivery_shown_attempts = d.id if d is not None else None
        self.attempt_choice.blockSignals(True)
        self.attempt_choice.clear()
        attempts = d.attempts if d is not None else ()
        for a in attempts:
            self.attempt_choice.addItem(attempt_label(a), a.n)
        answered = [a.n for a in attempts if a.status is not None]
        every = answered or [a.n for a in attempts]
        latest = every[-1] if every else None
        wanted = kept if same and chose_earlier else latest
        self._latest_attempt = latest
        self.attempt_choice.setCurrentIndex(self.attempt_choice.findData(wanted))
        self.attempt_choice.setEnabled(bool(attempts))
        self.attempt_choice.blockSignals(False)
        self._attempt_chosen()

    def _attempt_chosen(self, _index: int = -1) -> None:
        d, n = self.delivery, self.attempt_choice.currentData()
        attempt = next((a for a in d.attempts if a.n == n), None) if d is not None else None
        if attempt is None:
            self.viewer.clear("No response yet." if d is not None else "")
            return
        if self.viewer.view is not None and self.viewer.view == ResponseView.from_attempt(attempt):
            return  # the same answer read again: the viewer keeps its place
        self.viewer.show_view(ResponseView.from_attempt(attempt))

    def show_attempt(self, n: int) -> None:
        """Show attempt ``n`` of the shown delivery in the viewer."""
        self.tabs.setCurrentWidget(self.response_tab)
        self.attempt_choice.setCurrentIndex(self.attempt_choice.findData(n))

    def _sample(self, text: str) -> None:
        if self.delivery is not None:
            self.sampleChosen.emit(self.delivery.request_name, text)

    def show_request_deliveries(self, name: str) -> None:
        """Filter the list to the deliveries of the request called ``name`` (every state,
        no other filter); a request without deliveries shows an empty list."""
        self.reload_filters()
        if self.request_filter.findData(name) < 0:
            self.request_filter.addItem(name, name)
        for edit in (self.person_filter, self.text_filter):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self.state_filter.blockSignals(True)
        self.state_filter.setCurrentIndex(0)
        self.state_filter.blockSignals(False)
        self.request_filter.setCurrentIndex(self.request_filter.findData(name))
        self.apply_filters()
        if self.model.rowCount() and (self._wanted is None or self.model.row_of(self._wanted) < 0):
            self.select(self.model.delivery(0).id)

    def _show_countdown(self) -> None:
        d = self.delivery
        if d is None or d.next_attempt_at is None or d.state not in ("waiting_retry", "queued"):
            self.countdown.setText("")
            return
        left = d.next_attempt_at - self.clock()
        self.countdown.setText(
            f"Next attempt {countdown_text(left)} ({_clock_text(d.next_attempt_at)})"
        )

    # -- actions -------------------------------------------------------------------

    def act(self, action: str) -> bool:
        """Do an action on the shown delivery (off the GUI thread); False when there is
        nothing to do. ``acted`` follows once it is made; a refusal is shown on the page."""
        d = self.delivery
        if d is None:
            return False
        self.problem.clear()
        if action == "open_request":
            self.requestOpened.emit(d.request_name)
            return True
        if action == "send_again":  # a send from outside the composer: ask first
            self.confirm_box = ask_to_send(
                self, d.request_name, 1, sent_text(d), lambda: self._send_again(d)
            )
            return True
        op = delivery_ops.move(self, self.path, d.id, action)
        op.success(lambda moved: self._acted(action, moved.id))
        op.failure(lambda error: self.problem.setText(error.message)).run()
        return True

    def _send_again(self, d: Delivery) -> None:
        self.confirm_box = None
        job = SendJob(d.request, d.context, d.person_id, force=d.forced)
        op = delivery_ops.record(self, self.path, job, self.secrets, d.policy)
        op.success(lambda done: self._acted("send_again", done.delivery_id, done.refusal))
        op.failure(lambda error: self.problem.setText(error.message)).run()

    def _acted(self, action: str, target: int, refusal: str = "") -> None:
        if refusal:
            self.problem.setText(refusal)
            return
        if self.engine is not None and action in ("retry_now", "approve", "send_again"):
            self.engine.wake()
        self.refresh()
        self.select(target)
        self.deliveriesChanged.emit()
        self.acted.emit(action, target)

    def adopt(self, summary: dict[str, Any]) -> None:
        """Show the deliveries a bulk send made (the engine sends their retries)."""
        self.refresh()

    def _changed(self, changes: OpChanges, initiator: object) -> None:
        """Another page recorded or moved deliveries: read the list again (this page's own
        changes are shown by the action that made them)."""
        if changes.deliveries and initiator is not self and self.isVisible():
            self.refresh()

    def _on_update(self, update: SendUpdate) -> None:
        if update.kind == "attempt_finished":
            return  # the state moves with the update that follows
        self.problem.clear()  # the engine is sending again: an earlier refusal is past
        self.model.refresh_ids([update.delivery_id])
        newest = self.model.delivery(0).id if self.model.rowCount() else 0
        if update.delivery_id > newest:  # a delivery made since the list was read
            self.model.refresh()
        if self._wanted == update.delivery_id:  # the one shown, or on its way
            self.show_delivery(update.delivery_id)
        self.deliveriesChanged.emit()

    def showEvent(self, event: QShowEvent) -> None:
        """Coming forward reads the list again (other pages may have sent meanwhile)."""
        self.refresh()
        super().showEvent(event)

    def prepare_screenshot(self) -> QWidget:
        """Show the newest delivery's detail (for ``--screenshots``); returns the page."""
        self.refresh()
        if self.model.rowCount() and self.delivery is None:
            self.select(self.model.delivery(0).id)
        return self

    def shutdown(self) -> None:
        """Stop the timer and let go of the engine (the last holder stops it)."""
        self.timer.stop()
        if self._listening:
            self._listening = False
            hub().changed.disconnect(self._changed)
        if self.engine is not None:
            self.engine.update.disconnect(self._on_update)
            self.engine.release(self)
            self.engine = None

    def closeEvent(self, event: QCloseEvent) -> None:
        """A page shown on its own (tests, a window of its own) lets go when it closes."""
        self.shutdown()
        super().closeEvent(event)
