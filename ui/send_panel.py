"""The send panel: the current delivery's progress, its response, and what can be done.

It shows one delivery at a time, the one the user last sent (or approved): the attempt in
flight with its elapsed time, each attempt's status, the response (status, headers, and
the body pretty-printed when it is JSON — a view only), and for a failure waiting for a
retry the time of the next attempt with a countdown. The buttons say what the user wants
through signals; :class:`~ui.delivery_worker.DeliveryWorker` does it.
"""

from __future__ import annotations

import datetime as dt
import json
import time

from PySide6.QtCore import QTimer, Signal, SignalInstance
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.delivery_worker import SendUpdate
from ui.preview import elide

__all__ = ["SendPanel"]

PRETTY_LIMIT = 256 * 1024
"""Response bodies longer than this are shown as they came, not pretty-printed."""


def pretty_body(text: str) -> str:
    """A response body for reading: indented JSON when it is JSON, else as it is."""
    if len(text) <= PRETTY_LIMIT and text.strip()[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return elide(text)


class SendPanel(QWidget):
    """Send, follow and act on a delivery.

    Signals:
        sendRequested(): Send (Ctrl+Return).
        cancelRequested(int): Cancel the delivery.
        retryRequested(int): Retry it now.
        approveRequested(int): Approve the draft.
        discardRequested(int): Discard the draft.
    """

    sendRequested = Signal()
    cancelRequested = Signal(int)
    retryRequested = Signal(int)
    approveRequested = Signal(int)
    discardRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delivery_id: int | None = None
        """The delivery shown."""
        self.state = "idle"
        """The shown delivery's last known step."""
        self._expecting = False
        self._started = 0.0
        self._due: float | None = None
        self._attempt = 0
        self._last_error = ""

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
        self.status = QLabel("Nothing sent yet.")
        self.status.setAccessibleName("Delivery status")
        self.status.setWordWrap(True)
        self.clock = QLabel()
        self.clock.setAccessibleName("Elapsed or countdown")
        self.response = QPlainTextEdit()
        self.response.setReadOnly(True)
        self.response.setAccessibleName("Response")
        self.response.setPlaceholderText("The response appears here.")

        bar = QHBoxLayout()
        bar.addWidget(self.send)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.clock)
        for button in (self.cancel, self.retry, self.approve, self.discard):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.response, 1)

        self.send.clicked.connect(self.sendRequested)
        self.cancel.clicked.connect(lambda: self._ask(self.cancelRequested))
        self.retry.clicked.connect(lambda: self._ask(self.retryRequested))
        self.approve.clicked.connect(lambda: self._ask(self.approveRequested))
        self.discard.clicked.connect(lambda: self._ask(self.discardRequested))
        self._ticker = QTimer(self)
        self._ticker.setInterval(100)
        self._ticker.timeout.connect(self._tick)
        self._buttons()

    def expect_new(self) -> None:
        """The next new delivery reported is the one to follow (the user just sent)."""
        self._expecting = True
        self.status.setText("Rendering and recording the delivery…")

    def show_problem(self, message: str) -> None:
        """A send could not start."""
        self._expecting = False
        self.status.setText(message)

    def show_update(self, update: SendUpdate) -> None:
        """Show a step, if it is about the delivery followed (or the one expected)."""
        if self._expecting and update.delivery_id != self.delivery_id:
            self.delivery_id = update.delivery_id
            self._expecting = False
            self.response.clear()
        if update.delivery_id != self.delivery_id:
            return
        self.state = update.kind
        kind = update.kind
        if kind == "draft":
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

    def _show_attempt(self, update: SendUpdate) -> None:
        elapsed = f"{update.elapsed_ms:.0f} ms" if update.elapsed_ms is not None else ""
        if update.status is None:
            self._last_error = update.error or ""
            self.status.setText(f"Attempt {update.attempt}: {update.error} ({elapsed})")
            self.response.setPlainText(update.error or "")
            return
        self._last_error = f"The server answered {update.status}."
        self.status.setText(f"Attempt {update.attempt}: HTTP {update.status} in {elapsed}")
        head = [f"HTTP {update.status}  ({elapsed}, attempt {update.attempt})"]
        head += [f"{name}: {value}" for name, value in update.headers]
        self.response.setPlainText("\n".join(head) + "\n\n" + pretty_body(update.body))

    def _buttons(self) -> None:
        live = self.state in ("attempt_started", "attempt_finished", "waiting", "paused")
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
