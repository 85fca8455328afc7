"""The bulk-send shortcut: one request for many people, asked first, then sent with progress,
cancel and a summary.

Decisions:

* **Nothing leaves by surprise.** :meth:`BulkSendDialog.start` first shows what will be
  sent: the request's name, how many people, and its rendering for the first of them
  (secrets masked, as every stored copy is), with "Send to N people" and "Don't send"
  (the default button). Only :meth:`BulkSendDialog.confirm` records anything.
  :func:`ask_to_send` is the same question for any other send that is not the
  composer's own.
* **One engine.** The dialog records one delivery per person with a write op
  (:func:`ui.ops.deliveries.record_many`, one transaction, a person for whom the request
  does not render gets a ``failed`` delivery) and wakes the workspace's one delivery
  engine (:class:`ui.ops.engine.DeliveryEngine`); it sends nothing itself. It follows
  the engine's updates for its deliveries.
* **Settling.** The send is over, as far as the dialog goes, once every delivery has
  *settled* (:func:`composer.delivery.records.settled`, the rule the command line's bulk
  runs use too): succeeded, failed, cancelled, or is waiting for a retry. The engine sends
  the retries when they fall due, while the window is open, and after a restart. So the
  summary (sent, failed, waiting for retry) comes after one attempt each, never after three
  hours of backoff.
* **Cancel** moves every delivery whose first attempt has not started to ``cancelled``
  (one write op each; one that started meanwhile says how it ended); attempts already on
  the wire finish and are recorded as they ended. Closing the window *pauses* instead:
  the unsent deliveries stay ``queued``, and the next start resumes them.
* **Progress is drawn at most every** :data:`PROGRESS_MS`: ``progress`` is emitted for
  every delivery that settles, but the bar and the status line (a word-wrapped label, so
  each new text lays the dialog out again) follow the newest count on a timer. A thousand
  deliveries settling in two seconds then cost the GUI thread twenty redraws, not a
  thousand, and the summary is drawn at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.delivery.outbox import LazySecrets
from composer.delivery.records import Delivery, settled
from composer.delivery.retry import RetryPolicy
from composer.model import Request, context_for
from composer.store.database import Database
from composer.wording import counted
from ui.ops import Op, OpError
from ui.ops import deliveries as delivery_ops
from ui.ops.engine import DeliveryEngine, SecretsSource, SendUpdate, secret_getter
from ui.widgets.question import ask

__all__ = ["PROGRESS_MS", "BulkSendDialog", "ask_to_send", "first_rendering", "summary_text"]

_COUNTED_AS = {"succeeded": "sent", "waiting_retry": "waiting"}
"""The summary's word for a settled outcome (the others keep their own)."""


def _outcome(kind: str) -> str | None:
    """What the summary counts a delivery as, once an update or state settled it."""
    outcome = settled(kind)
    return None if outcome is None else _COUNTED_AS.get(outcome, outcome)


PROGRESS_MS = 100
"""The bar and status line show the newest count at most this often (milliseconds)."""
PREVIEW_LIMIT = 4000
"""Characters of the first rendering the confirmation shows."""


def first_rendering(request: Request, db: Database, person_id: str, secrets: SecretsSource) -> str:
    """The request rendered for one person, secrets masked: request line, headers, body."""
    from composer.rendering.render import render

    person = db.people.get(person_id)
    shown = render(request, context_for(person), secrets=LazySecrets(secret_getter(secrets)))
    lines = [f"{shown.method} {shown.url}"]
    lines += [f"{name}: {value}" for name, value in shown.headers]
    text = "\n".join(lines) + "\n\n" + shown.body
    if len(text) > PREVIEW_LIMIT:
        text = text[:PREVIEW_LIMIT] + f"\n… ({len(text) - PREVIEW_LIMIT:,} more characters)"
    return text


def ask_to_send(
    parent: QWidget, request_name: str, people: int, rendering: str, on_yes: Callable[[], None]
) -> QMessageBox:
    """Ask before a send that is not the composer's own (window-modal, not blocking); the
    box is returned (tests press its buttons)."""
    who = counted(people, "person", "people", grouped=True)
    return ask(
        parent,
        "Send?",
        f"Send “{request_name}” to {who}? Real requests will leave now.",
        f"Send to {who}",
        lambda yes: on_yes() if yes else None,
        decline="Don't send",
        details=rendering,
        informative="The rendering is under “Show Details…” (secrets masked).",
    )


def summary_text(summary: dict[str, Any]) -> str:
    """``Sent 18 · Failed 1 · Waiting for retry 1`` (cancelled and drafts when there are any)."""
    parts = [
        f"Sent {summary['sent']}",
        f"Failed {summary['failed']}",
        f"Waiting for retry {summary['waiting']}",
    ]
    if summary.get("cancelled"):
        parts.append(f"Cancelled {summary['cancelled']}")
    if summary.get("draft"):
        parts.append(f"Drafts to approve {summary['draft']}")
    if summary.get("queued"):
        parts.append(f"Left queued {summary['queued']}")
    return " · ".join(parts)


class BulkSendDialog(QDialog):
    """Confirmation, then progress of one bulk send, with Cancel and a summary.

    Signals:
        progress(int, int, int, str): settled, total, delivery id, outcome (``sent``,
            ``failed``, ``waiting``, ``cancelled``, ``draft``), once per delivery.
        finished_sending(object): the summary: counts ``sent``, ``failed``, ``waiting``,
            ``cancelled``, ``draft``; ``ids`` (every delivery made) and ``waiting_at``
            (id → when its retry is due).
        confirmed(): the user said yes; the deliveries are being recorded.
    """

    progress = Signal(int, int, int, str)
    finished_sending = Signal(object)
    confirmed = Signal()

    def __init__(
        self,
        db: Database,
        secrets: SecretsSource,
        request: Request,
        person_ids: Sequence[str],
        parent: QWidget | None = None,
        *,
        policy: RetryPolicy | None = None,
        backoff_base: float | None = None,
        **_engine_options: Any,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Send “{request.name}”")
        self.setAccessibleName("Bulk send")
        self.path = db.path
        self.secrets = secrets
        self.request = request
        self.person_ids = list(person_ids)
        self.policy = policy or RetryPolicy()
        self.backoff_base = backoff_base
        self.summary: dict[str, Any] | None = None
        self.engine: DeliveryEngine | None = None
        self._outcome: dict[int, str] = {}
        self._open: set[int] = set()
        self._ids: list[int] = []
        self._waiting_at: dict[int, float] = {}
        self._early: dict[int, str] = {}
        self._started: set[int] = set()
        self._sending = False
        self._paused = False
        self._shown_text = ""
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_MS)
        self._progress_timer.timeout.connect(self._show_progress)
        self._build()

    def _build(self) -> None:
        n = len(self.person_ids)
        who = counted(n, "person", "people", grouped=True)
        layout = QVBoxLayout(self)
        self.heading = QLabel(
            f"Send “{self.request.name}” to {who}? Real requests leave as soon as you say "
            "so. Here is what the first of them gets (secrets masked):"
        )
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Bulk send question")
        layout.addWidget(self.heading)
        self.rendering = QPlainTextEdit()
        self.rendering.setReadOnly(True)
        self.rendering.setAccessibleName("First rendering")
        self.rendering.setPlaceholderText("Rendering for the first person…")
        layout.addWidget(self.rendering, 1)
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Bulk send progress")
        self.bar.setRange(0, max(1, n))
        self.bar.setValue(0)
        self.bar.setFormat("%v of %m")
        self.bar.hide()
        layout.addWidget(self.bar)
        self.status = QLabel("")
        self.status.setAccessibleName("Bulk send status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.send_button = QPushButton(f"Send to {who}")
        self.send_button.setAccessibleName("Confirm sending")
        self.dont_button = QPushButton("Don't send")
        self.dont_button.setAccessibleName("Don't send")
        self.cancel_button = QPushButton("Cancel sending")
        self.cancel_button.setAccessibleName("Cancel sending")
        self.cancel_button.hide()
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close")
        self.close_button.hide()
        for button in (self.send_button, self.dont_button, self.cancel_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(buttons)
        self.send_button.setAutoDefault(False)
        self.dont_button.setDefault(True)  # Enter does not send
        self.send_button.clicked.connect(self.confirm)
        self.dont_button.clicked.connect(self.decline)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)
        self.resize(560, 420)

    # -- asking ----------------------------------------------------------------------

    def start(self) -> None:
        """Show what will be sent and ask (nothing is recorded until :meth:`confirm`)."""
        if not self.person_ids:
            self.rendering.setPlainText("Nobody is chosen.")
            self.send_button.setEnabled(False)
            return
        request, first, secrets = self.request, self.person_ids[0], self.secrets
        Op(self, lambda db: first_rendering(request, db, first, secrets), path=self.path).success(
            self.rendering.setPlainText
        ).failure(
            lambda error: self.rendering.setPlainText(f"It does not render: {error.message}")
        ).run()

    def decline(self) -> None:
        """Don't send: nothing was recorded."""
        self.summary = {"sent": 0, "failed": 0, "waiting": 0, "cancelled": 0, "draft": 0}
        self.summary.update(ids=[], waiting_at={}, declined=True)
        self.reject()

    def confirm(self) -> None:
        """Record one delivery per person and have the engine send them."""
        if self._sending or self.summary is not None:
            return
        self._sending = True
        self.confirmed.emit()
        self.send_button.hide()
        self.dont_button.hide()
        self.cancel_button.show()
        self.close_button.show()
        self.close_button.setEnabled(False)
        self.bar.show()
        self.heading.setText(f"Sending “{self.request.name}” for {len(self.person_ids):,} people.")
        self.status.setText("Recording deliveries…")
        self.engine = DeliveryEngine.shared(
            self.path, self.secrets, backoff_base=self.backoff_base, holder=self
        )
        self.engine.update.connect(self._on_update)
        delivery_ops.record_many(
            self, self.path, self.request, self.person_ids, self.secrets, self.policy
        ).success(self._recorded).failure(self._failed).run()

    # -- sending ---------------------------------------------------------------------

    def _recorded(self, deliveries: list[Delivery]) -> None:
        self._ids = [d.id for d in deliveries]
        for d in deliveries:
            if d.state in ("failed", "draft"):  # settled as recorded
                self._settle(d.id, d.state)
            elif d.id in self._early:
                self._settle(d.id, self._early[d.id])
            else:
                self._open.add(d.id)
        self._early.clear()
        if self._paused:
            self._finish()
            return
        if self.engine is not None:
            self.engine.wake()
        self._maybe_done()

    def _on_update(self, update: SendUpdate) -> None:
        if update.kind == "attempt_started":
            self._started.add(update.delivery_id)
        if update.kind == "waiting" and update.next_attempt_at is not None:
            self._waiting_at[update.delivery_id] = update.next_attempt_at
        kind = _outcome(update.kind)
        if kind is None:
            return
        if not self._ids:  # before the deliveries are known: keep it for _recorded
            self._early.setdefault(update.delivery_id, kind)
        elif update.delivery_id in self._open:
            self._settle(update.delivery_id, kind)
            self._maybe_done()

    def _settle(self, delivery_id: int, outcome: str) -> None:
        if delivery_id in self._outcome:
            return
        self._open.discard(delivery_id)
        self._outcome[delivery_id] = outcome
        done, total = len(self._outcome), max(len(self._ids), len(self.person_ids))
        self._shown_text = f"Delivery {delivery_id}: {outcome}. {done} of {total} settled."
        if not self._progress_timer.isActive():
            self._progress_timer.start()
        self.progress.emit(done, total, delivery_id, outcome)

    def _show_progress(self) -> None:
        """Draw the newest count (see the module docstring: at most every PROGRESS_MS)."""
        if self.summary is not None:
            return  # the summary is shown
        done, total = len(self._outcome), max(len(self._ids), len(self.person_ids))
        self.bar.setMaximum(max(1, total))
        self.bar.setValue(done)
        self.status.setText(self._shown_text)

    def _maybe_done(self) -> None:
        if self._ids and not self._open and self.summary is None:
            self._finish()

    def cancel(self) -> None:
        """Stop sending: every delivery not yet started becomes cancelled; those on the
        wire finish and count as they ended."""
        if self.summary is not None:
            return
        self.cancel_button.setEnabled(False)
        self.status.setText("Cancelling… attempts already on the wire finish first.")
        for delivery_id in sorted(self._open - self._started):
            delivery_ops.cancel_unstarted(self, self.path, delivery_id).success(
                lambda moved: self._cancelled(moved.id)
            ).failure(self._ended_meanwhile_of(delivery_id)).run()

    def _ended_meanwhile_of(self, delivery_id: int) -> Callable[[OpError], None]:
        return lambda _error: self._ended_meanwhile(delivery_id)

    def _cancelled(self, delivery_id: int) -> None:
        self._settle(delivery_id, "cancelled")
        self._maybe_done()

    def _ended_meanwhile(self, delivery_id: int) -> None:
        def how(delivery: Delivery) -> None:
            outcome = _outcome(delivery.state)
            if outcome is None:
                return  # still on the wire: the engine's update settles it
            self._settle(delivery_id, outcome)
            self._maybe_done()

        delivery_ops.get(self, self.path, delivery_id).success(how).run()

    def pause(self, ms: int = 10_000) -> None:
        """Stop following because the window closes (unsent deliveries stay queued)."""
        self._paused = True
        if self.summary is None and self._sending:
            self.wait(ms, until_recorded=True)
            if self.summary is None:
                self._finish()
        if self.engine is not None:
            self.engine.release(self)

    def wait(self, ms: int = 10_000, *, until_recorded: bool = False) -> None:
        """Process events until the send has settled (tests, closing), at most ``ms``."""
        deadline = time.monotonic() + ms / 1000
        loop = QEventLoop()
        while time.monotonic() < deadline and self._sending and self.summary is None:
            if until_recorded and self._ids:
                return
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)

    def reject(self) -> None:
        """Escape or the window's close button: don't send, or cancel while sending."""
        if self._sending and self.summary is None:
            self.cancel()
            return
        if not self._sending and self.summary is None:
            self.summary = {"sent": 0, "failed": 0, "waiting": 0, "cancelled": 0, "draft": 0}
            self.summary.update(ids=[], waiting_at={}, declined=True)
        super().reject()

    def _finish(self) -> None:
        summary: dict[str, Any] = {
            k: 0 for k in ("sent", "failed", "waiting", "cancelled", "draft")
        }
        for delivery_id in self._ids:
            kind = self._outcome.get(delivery_id, "queued")
            summary[kind] = summary.get(kind, 0) + 1
        summary["ids"] = list(self._ids)
        summary["waiting_at"] = {
            i: at for i, at in self._waiting_at.items() if self._outcome.get(i) == "waiting"
        }
        self.summary = summary
        self._progress_timer.stop()
        self.bar.setValue(self.bar.maximum())
        self.status.setText(summary_text(summary))
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setFocus()
        self.finished_sending.emit(summary)

    def _failed(self, error: OpError) -> None:
        self.summary = {"sent": 0, "failed": 0, "waiting": 0, "cancelled": 0, "draft": 0}
        self.summary.update(ids=[], waiting_at={})
        self.status.setText(error.message)
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.finished_sending.emit(self.summary)
