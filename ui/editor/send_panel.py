"""The send panel: the current delivery's progress, its response, and what can be done.

It shows one delivery at a time, of the request open in the composer: the one the user
last sent, else that request's newest delivery (:meth:`SendPanel.show_delivery`, also when
it was sent or retried from another page), else nothing. It shows the attempt in
flight with its elapsed time, each attempt's status, the last answer in a
:class:`~ui.editor.response_viewer.ResponseViewer` (status, time and size; the body as a
JSON tree or raw text with find; headers; timing, a redirect's Location included, as
redirects are not followed), and for a failure waiting for a retry the time of the next
attempt with a countdown. The buttons say what the user wants through signals;
:class:`~ui.ops.delivery_client.DeliveryClient` and the one engine do it. "Open in the
Outbox" (by the status) asks for the Outbox filtered to the request's deliveries, and the
viewer's "Use as sample response" for its body as the request's sample response; the
window does both.

A live answer arrives as the engine reported it (its body already text); a stored one
(the request's newest delivery, read when the request is opened) with its bytes, so a
binary body is shown as such.

A send refused only because its body is not valid for its Content-Type offers "Send
anyway…": after a confirmation, the same request is sent and recorded as forced (the
refusal carries the way to do it, :attr:`~ui.ops.engine.SendUpdate.send_anyway`).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.delivery.records import Delivery
from ui.editor.response_data import ResponseView
from ui.editor.response_viewer import ResponseViewer
from ui.ops.engine import SendUpdate

__all__ = ["SendPanel"]


class SendPanel(QWidget):
    """Send, follow and act on a delivery.

    Signals:
        sendRequested(): Send (Ctrl+Return).
        cancelRequested(int): Cancel the delivery.
        retryRequested(int): Retry it now.
        approveRequested(int): Approve the draft.
        discardRequested(int): Discard the draft.
        outboxRequested(str): "Open in the Outbox" for this request (its name).
        sampleRequested(str, str): "Use as sample response": the request's name, the body.
    """

    sendRequested = Signal()
    cancelRequested = Signal(int)
    retryRequested = Signal(int)
    approveRequested = Signal(int)
    discardRequested = Signal(int)
    outboxRequested = Signal(str)
    sampleRequested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delivery_id: int | None = None
        """The delivery shown."""
        self.request_name: str | None = None
        """The request whose deliveries are shown."""
        self.state = "idle"
        """The shown delivery's last known step."""
        self._expecting = False
        self._started = 0.0
        self._due: float | None = None
        self._attempt = 0
        self._last_error = ""
        self._send_anyway: Callable[[], None] | None = None
        self._refusal = ""
        self._forcing = False
        self.forced = False
        """Whether the shown delivery was sent anyway (its body is not valid)."""
        self.confirm_box: QMessageBox | None = None
        """The open "Send anyway?" confirmation, if any."""

        self.send = QPushButton("&Send (Ctrl+Return)")
        self.send.setAccessibleName("Send")
        self.send.setToolTip("Send the request for the chosen person through the outbox.")
        self.cancel = QPushButton("Cancel")
        self.cancel.setAccessibleName("Cancel delivery")
        self.retry = QPushButton("Retry now")
        self.retry.setAccessibleName("Retry now")
        self.approve = QPushButton("Approve")
        self.approve.setAccessibleName("Approve draft")
        self.discard = QPushButton("Discard")
        self.discard.setAccessibleName("Discard draft")
        self.anyway = QPushButton("Send &anyway…")
        self.anyway.setAccessibleName("Send anyway")
        self.anyway.setToolTip(
            "Send the request although its body is not valid for its Content-Type, to see how "
            "the endpoint handles it; the delivery is recorded as forced."
        )
        self.anyway.hide()
        self.status = QLabel("Nothing sent yet.")
        self.status.setAccessibleName("Delivery status")
        self.status.setWordWrap(True)
        self.clock = QLabel()
        self.clock.setAccessibleName("Elapsed or countdown")
        self.open_outbox = QPushButton("Open in the &Outbox")
        self.open_outbox.setAccessibleName("Open in the Outbox")
        self.open_outbox.setToolTip(
            "Show the Outbox page with this request's deliveries only: every attempt, "
            "retry and answer."
        )
        self.open_outbox.setEnabled(False)
        self.viewer = ResponseViewer()
        """The shown delivery's last answer."""

        bar = QHBoxLayout()
        bar.addWidget(self.send)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.clock)
        for button in (self.anyway, self.cancel, self.retry, self.approve, self.discard):
            bar.addWidget(button)
        bar.addWidget(self.open_outbox)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.viewer, 1)
        self.open_outbox.clicked.connect(self._ask_outbox)
        self.viewer.sampleRequested.connect(self._ask_sample)

        self.send.clicked.connect(self.sendRequested)
        self.cancel.clicked.connect(lambda: self._ask(self.cancelRequested))
        self.retry.clicked.connect(lambda: self._ask(self.retryRequested))
        self.approve.clicked.connect(lambda: self._ask(self.approveRequested))
        self.discard.clicked.connect(lambda: self._ask(self.discardRequested))
        self.anyway.clicked.connect(self.confirm_send_anyway)
        self._ticker = QTimer(self)
        self._ticker.setInterval(100)
        self._ticker.timeout.connect(self._tick)
        self._buttons()

    def show_request(self, name: str) -> None:
        """Another request is open: forget the delivery shown (its own comes with
        :meth:`show_delivery`, if it has one)."""
        self.request_name = name
        self.delivery_id = None
        self.state = "idle"
        self._expecting = False
        self._send_anyway, self._refusal, self.forced = None, "", False
        self.anyway.hide()
        self.status.setText("Not sent yet.")
        self.viewer.clear()
        self.open_outbox.setEnabled(True)
        self._buttons()

    def follow(self, delivery_id: int) -> None:
        """Show this delivery of the open request from now on (sent from another page),
        unless the one shown is still in flight."""
        if delivery_id == self.delivery_id or self._expecting:
            return
        if self.delivery_id is not None and self.state in ("queued", "attempt_started"):
            return
        self.delivery_id = delivery_id
        self.forced = False
        self.state = "idle"
        self.viewer.clear()

    def show_delivery(self, delivery: Delivery) -> None:
        """Show a recorded delivery as it stands (the open request's newest)."""
        if self._expecting or (self.delivery_id is not None and self.delivery_id != delivery.id):
            return
        self.delivery_id = delivery.id
        self.forced = delivery.forced
        n = len(delivery.attempts)
        answered = [a for a in delivery.attempts if a.status is not None]
        if answered:
            a = answered[-1]
            self._show_attempt(
                SendUpdate(
                    delivery.id,
                    "attempt_finished",
                    attempt=a.n,
                    status=a.status,
                    headers=a.response_headers,
                    elapsed_ms=a.elapsed_ms,
                ),
                ResponseView.from_attempt(a),
            )
        elif delivery.attempts:
            last = delivery.attempts[-1]
            self.viewer.show_view(ResponseView.from_attempt(last))
            self._last_error = last.error or ""
        state = delivery.state
        if state == "succeeded":
            update = SendUpdate(
                delivery.id,
                "succeeded",
                n,
                error=delivery.error,
                attribute_updates=delivery.attribute_updates,
            )
        elif state == "waiting_retry":
            update = SendUpdate(delivery.id, "waiting", n, next_attempt_at=delivery.next_attempt_at)
        elif state in ("failed", "cancelled", "draft", "queued"):
            update = SendUpdate(delivery.id, state, n, error=delivery.error)
        else:  # sending: its attempt is in flight
            update = SendUpdate(delivery.id, "attempt_started", n)
        self.state = "idle"
        self.show_update(update)

    def clear_problem(self, message: str) -> None:
        """A problem shown no longer holds: take it away (the delivery's state stays)."""
        if self.status.text() == message:
            self.status.setText("Not sent yet." if self.delivery_id is None else "")

    def expect_new(self) -> None:
        """The next new delivery reported is the one to follow (the user just sent)."""
        self._expecting = True
        self._forcing, self._send_anyway, self._refusal = False, None, ""
        self.anyway.hide()
        self.status.setText("Rendering and recording the delivery…")

    def show_problem(self, message: str) -> None:
        """A send could not start."""
        self._expecting = False
        if message != self._refusal:
            self._send_anyway, self._refusal = None, ""
            self.anyway.hide()
            self.status.setText(message)

    def confirm_send_anyway(self) -> None:
        """Ask before sending the refused request anyway (window-modal, not blocking)."""
        if self._send_anyway is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Send anyway?",
            f"{self._refusal}\n\nSend it anyway, to see how the endpoint handles it? The "
            "delivery is recorded as forced.",
            parent=self,
        )
        send = box.addButton("Send anyway", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._confirmed(button is send))
        self.confirm_box = box
        box.open()

    def _confirmed(self, yes: bool) -> None:
        self.confirm_box = None
        send_anyway = self._send_anyway
        if not yes or send_anyway is None:
            return
        self.expect_new()
        self._forcing = True
        send_anyway()

    def _offer(self, update: SendUpdate) -> None:
        self._expecting = False
        self._send_anyway = update.send_anyway
        self._refusal = update.error or ""
        if self._send_anyway is not None:
            self.anyway.show()
            self.status.setText(
                f"{self._refusal} It can be sent anyway, to see how the endpoint handles it."
            )

    def show_update(self, update: SendUpdate) -> None:
        """Show a step, if it is about the delivery followed (or the one expected)."""
        if update.kind == "refused":
            self._offer(update)
            return
        if self._expecting and update.kind in ("queued", "draft"):
            self.delivery_id = update.delivery_id
            self._expecting = False
            self.forced, self._forcing = self._forcing, False
            self.state = "idle"
            self.viewer.clear()
        if update.delivery_id != self.delivery_id:
            return
        previous, self.state = self.state, update.kind
        kind = update.kind
        if kind == "queued":
            if previous in ("attempt_started", "attempt_finished", "waiting", "succeeded"):
                self.state = previous  # the engine got there first
                return
            self.status.setText(f"Delivery {update.delivery_id} is queued; sending…")
        elif kind == "draft":
            self.status.setText(
                f"Draft {update.delivery_id} is frozen in the outbox: approve it to send it "
                "exactly as rendered, or discard it."
            )
        elif kind == "attempt_started":
            self._attempt = update.attempt
            self._started = time.monotonic()
            self.status.setText(f"Sending attempt {update.attempt}…")
        elif kind == "attempt_finished":
            self._show_attempt(update)
        elif kind == "waiting":
            self._due = update.next_attempt_at
            when = dt.datetime.fromtimestamp(update.next_attempt_at or time.time())
            self.status.setText(
                f"Attempt {update.attempt} failed; the next attempt is at "
                f"{when:%H:%M:%S}. {self._last_error}"
            )
        elif kind == "succeeded":
            updates = update.attribute_updates or {}
            applied = ", ".join(f"{k} = {json.dumps(v)}" for k, v in updates.items())
            text = f"Succeeded after {update.attempt} attempt(s)."
            if self.forced:
                text += " It was sent anyway, with a body that is not valid."
            if applied:
                text += f" Applied to the person: {applied}."
            if update.error:
                text += f" {update.error}"
            self.status.setText(text)
        elif kind == "failed":
            self.status.setText(f"Failed: {update.error}")
        elif kind == "cancelled":
            self.status.setText(f"Delivery {update.delivery_id} was cancelled.")
        elif kind == "paused":
            self.status.setText("Waiting in the outbox; it is resumed on the next start.")
        self._buttons()

    def _show_attempt(self, update: SendUpdate, stored: ResponseView | None = None) -> None:
        view = stored or ResponseView.from_update(update)
        self.viewer.show_view(view)
        elapsed = f"{update.elapsed_ms:.0f} ms" if update.elapsed_ms is not None else ""
        if update.status is None:
            self._last_error = update.error or ""
            self.status.setText(f"Attempt {update.attempt}: {update.error} ({elapsed})")
            return
        self._last_error = f"The server answered {update.status}."
        line = f"Attempt {update.attempt}: HTTP {update.status} in {elapsed}"
        location = view.location()
        if location is not None:
            line += f", redirects to {location} (not followed)"
        self.status.setText(line)

    def _ask_outbox(self) -> None:
        if self.request_name:
            self.outboxRequested.emit(self.request_name)

    def _ask_sample(self, text: str) -> None:
        if self.request_name:
            self.sampleRequested.emit(self.request_name, text)

    def _buttons(self) -> None:
        live = self.state in ("queued", "attempt_started", "attempt_finished", "waiting", "paused")
        self.cancel.setVisible(live or self.state == "draft")
        self.retry.setVisible(self.state in ("waiting", "failed", "paused"))
        self.approve.setVisible(self.state == "draft")
        self.discard.setVisible(self.state == "draft")
        if self.state in ("attempt_started", "waiting"):
            self._ticker.start()
        else:
            self._ticker.stop()
            self.clock.clear()

    def _tick(self) -> None:
        if self.state == "attempt_started":
            self.clock.setText(f"{time.monotonic() - self._started:.1f} s")
        elif self.state == "waiting" and self._due is not None:
            left = max(0.0, self._due - time.time())
            self.clock.setText(f"retry in {left:.1f} s")

    def _ask(self, signal: SignalInstance) -> None:
        if self.delivery_id is not None:
            signal.emit(self.delivery_id)
