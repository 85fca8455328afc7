"""The Outbox and history page: every delivery, filtered, with one delivery's detail.

The list is :class:`ui.pages.table_models.DeliveriesTableModel` (lazy, newest first, filtered in
SQL by state, request, person and text). One QTimer ticks once a second for the whole view:
it moves the "next attempt" countdowns and the detail's countdown on. The detail under the
list is :class:`ui.pages.outbox_detail.DeliveryDetail` (what was sent, every attempt and its
answer, the timeline; its "Use as sample response" is this page's ``sampleChosen``), and
how a delivery is worded (states, "Last result", the request as sent) is
:mod:`ui.pages.outbox_text`, whose public names this module re-exports.
:meth:`OutboxPage.show_request_deliveries` filters the list to one request ("Open in the
Outbox" from the composer).

Nothing here touches the workspace from the GUI thread but the list's model: a delivery's
detail is read by an op (:func:`ui.ops.deliveries.get`), and the actions are write ops:
retry now, cancel, approve and discard are state moves (:func:`ui.ops.deliveries.move`);
"send again" records a new delivery of the same request and context, once the person has
said yes to what will be sent (:func:`ui.pages.bulk_send.ask_to_send`). What then has to be
sent is sent by the workspace's one engine (:class:`ui.ops.engine.DeliveryEngine`), which
the page wakes and whose updates refresh the rows they concern. ``acted`` says when an
action has been made (with the delivery to watch).
"""

from __future__ import annotations

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
    QLineEdit,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from composer.delivery.records import Delivery
from composer.store.database import Database
from ui.ops import OpChanges, OpError, hub
from ui.ops import deliveries as delivery_ops
from ui.ops.engine import DeliveryEngine, SecretsSource, SendJob, SendUpdate
from ui.pages.bulk_send import ask_to_send
from ui.pages.outbox_detail import DeliveryDetail
from ui.pages.outbox_text import (
    LAST_RESULT,
    STATES,
    LastResultDelegate,
    attempts_text,
    last_result_text,
    sent_text,
)
from ui.pages.table_models import DeliveriesTableModel

__all__ = [
    "LAST_RESULT",
    "STATES",
    "LastResultDelegate",
    "OutboxPage",
    "attempts_text",
    "last_result_text",
    "sent_text",
]


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

        self.detail = DeliveryDetail(self.clock)
        self.detail.actionChosen.connect(self.act)
        self.detail.sampleChosen.connect(self.sampleChosen)
        # the detail's parts, by the names the window and the tests know them by
        self.title = self.detail.title
        self.countdown = self.detail.countdown
        self.action_buttons = self.detail.action_buttons
        self.chart = self.detail.chart
        self.problem = self.detail.problem
        self.tabs = self.detail.tabs
        self.sent_view = self.detail.sent_view
        self.attempts_view = self.detail.attempts_view
        self.attempt_choice = self.detail.attempt_choice
        self.viewer = self.detail.viewer
        self.response_tab = self.detail.response_tab
        self.updates_view = self.detail.updates_view
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

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
        self.detail.show_countdown()

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
        self.detail.set_delivery(d)
        if d is not None:
            self.deliveryShown.emit(d.id)

    @property
    def delivery(self) -> Delivery | None:
        """The delivery the detail shows (None: nothing chosen)."""
        return self.detail.delivery

    def show_attempt(self, n: int) -> None:
        """Show attempt ``n`` of the shown delivery in the viewer."""
        self.detail.show_attempt(n)

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
