"""The bulk-send shortcut: one request for many people, with progress, cancel and a summary.

The worker runs :meth:`composer.outbox.Outbox.run` off the GUI thread and answers only
through signals; it never touches a widget. Decisions:

* **Settling.** A bulk send is over, as far as its dialog goes, once every delivery has
  *settled*: succeeded, failed, or is waiting for a retry. The run is then stopped
  (:meth:`Outbox.stop` ends it after the attempts in flight) and the waiting deliveries
  stay ``waiting_retry`` in the workspace, where :class:`ui.page_workers.OutboxRunner`
  sends their retries when they fall due. So the dialog's summary (sent, failed, waiting
  for retry) comes after one attempt each, never after three hours of backoff.
* **Cancel** stops the run; the deliveries it had not started are then moved to
  ``cancelled`` one by one, so every chosen person has a delivery that says what happened.
  Attempts already on the wire finish and are recorded as they ended. Closing the window
  *pauses* instead: the unsent deliveries stay ``queued``, and the next start resumes them.
* **Secrets** are read through :class:`composer.outbox.LazySecrets` in the worker's thread,
  once per name per run, so a thousand people do not ask the keychain a thousand times.

The retries a bulk send leaves waiting are handed to :class:`ui.page_workers.OutboxRunner`
(the summary's ``waiting_at``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.deliveries import DeliveryEvent
from composer.errors import KnownError, SendError
from composer.model import Request
from composer.outbox import LazySecrets, Outbox
from composer.retry import RetryPolicy
from composer.sender import DEFAULT_TIMEOUT
from composer.store import Database
from ui.page_workers import SETTLED, SecretsSource, secret_getter, settle, start_thread

__all__ = ["BulkSendDialog", "BulkSendWorker", "summary_text"]


class BulkSendWorker(QObject):
    """Sends one request for many people (one delivery each).

    Signals:
        created(int): how many deliveries were recorded.
        progress(int, int, int, str): done, total, delivery id, outcome
            (``sent``, ``failed``, ``waiting``) — once per delivery.
        done(object): the summary: counts ``sent``, ``failed``, ``waiting``, ``cancelled``,
            ``draft``; ``ids`` (every delivery made) and ``waiting_at`` (id → when its retry
            is due, for :meth:`OutboxRunner.adopt`).
        failed(str): the send could not start (one plain sentence).
        finished(): after ``done`` or ``failed``.
    """

    created = Signal(int)
    progress = Signal(int, int, int, str)
    done = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(
        self,
        db: Database,
        secrets: SecretsSource,
        request: Request,
        person_ids: Sequence[str],
        *,
        policy: RetryPolicy | None = None,
        workers: int = 8,
        timeout: float | None = None,
    ) -> None:
        super().__init__()
        self._outbox = Outbox(
            db,
            LazySecrets(secret_getter(secrets)),
            workers=workers,
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        )
        self._request = request
        self._person_ids = list(person_ids)
        self._policy = policy or RetryPolicy()
        self._cancelled = threading.Event()
        self._paused = threading.Event()

    def pause(self) -> None:
        """Stop sending without cancelling (the window closes); any thread. What was not
        sent stays queued in the outbox, and the next start resumes it."""
        self._paused.set()
        self._outbox.stop()

    def cancel(self) -> None:
        """Stop sending (callable from any thread); unsent deliveries become cancelled."""
        self._cancelled.set()
        self._outbox.stop()

    @Slot()
    def run(self) -> None:
        """Record the deliveries, send them until each settles, and report."""
        try:
            self.done.emit(self._send())
        except KnownError as exc:
            self.failed.emit(str(exc))
        self.finished.emit()

    def _send(self) -> dict[str, Any]:
        people = [self._outbox.db.people.get(pid) for pid in self._person_ids]
        ids = self._outbox.create_many(self._request, people, self._policy)
        self.created.emit(len(ids))
        outcome: dict[int, str] = {}
        todo: list[int] = []
        for delivery_id in ids:
            state = self._outbox.get(delivery_id).state
            if state == "failed":
                outcome[delivery_id] = "failed"
            elif state == "draft":
                outcome[delivery_id] = "draft"
            else:
                todo.append(delivery_id)
        total = len(ids)
        waiting_at: dict[int, float] = {}
        for delivery_id in outcome:
            self.progress.emit(len(outcome), total, delivery_id, outcome[delivery_id])

        def on_event(event: DeliveryEvent) -> None:
            if self._cancelled.is_set() or self._paused.is_set():
                self._outbox.stop()
            if event.kind == "waiting" and event.next_attempt_at is not None:
                waiting_at[event.delivery_id] = event.next_attempt_at
            kind = SETTLED.get(event.kind)
            if kind and event.delivery_id not in outcome:
                outcome[event.delivery_id] = kind
                self.progress.emit(len(outcome), total, event.delivery_id, kind)

        if not (self._cancelled.is_set() or self._paused.is_set()):
            settle(self._outbox, todo, on_event)
        for delivery_id in todo:
            if delivery_id in outcome:
                continue
            if self._paused.is_set() and not self._cancelled.is_set():
                outcome[delivery_id] = "queued"
                continue
            try:
                self._outbox.cancel(delivery_id)
                outcome[delivery_id] = "cancelled"
            except SendError:  # it ended meanwhile: report how
                state = self._outbox.get(delivery_id).state
                outcome[delivery_id] = SETTLED.get(state, "sent" if state == "succeeded" else state)
            self.progress.emit(len(outcome), total, delivery_id, outcome[delivery_id])
        summary: dict[str, Any] = {
            k: 0 for k in ("sent", "failed", "waiting", "cancelled", "draft")
        }
        for kind in outcome.values():
            summary[kind] = summary.get(kind, 0) + 1
        summary["ids"] = ids
        summary["waiting_at"] = {
            i: at for i, at in waiting_at.items() if outcome.get(i) == "waiting"
        }
        return summary


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
    return " · ".join(parts)


class BulkSendDialog(QDialog):
    """Progress of one bulk send, with Cancel and a summary.

    Signals:
        finished_sending(object): the summary (see :class:`BulkSendWorker`).
    """

    finished_sending = Signal(object)

    def __init__(
        self,
        db: Database,
        secrets: SecretsSource,
        request: Request,
        person_ids: Sequence[str],
        parent: QWidget | None = None,
        **options: Any,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Send “{request.name}”")
        self.setAccessibleName("Bulk send")
        self.worker = BulkSendWorker(db, secrets, request, person_ids, **options)
        self.summary: dict[str, Any] | None = None
        layout = QVBoxLayout(self)
        heading = QLabel(f"Sending “{request.name}” for {len(person_ids)} people.")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Bulk send progress")
        self.bar.setRange(0, max(1, len(person_ids)))
        self.bar.setValue(0)
        self.bar.setFormat("%v of %m")
        layout.addWidget(self.bar)
        self.status = QLabel("Recording deliveries…")
        self.status.setAccessibleName("Bulk send status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.cancel_button = QPushButton("Cancel sending")
        self.cancel_button.setAccessibleName("Cancel sending")
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close")
        self.close_button.setEnabled(False)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(buttons)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)
        self.worker.progress.connect(self._on_progress)
        self.worker.done.connect(self._on_done)
        self.worker.failed.connect(self._on_failed)
        self._thread: QThread | None = None
        self.resize(420, 160)

    def start(self) -> None:
        """Start sending in a worker thread."""
        self._thread = start_thread(self.worker, "bulk-send", self.worker.run)

    def cancel(self) -> None:
        """Stop sending; what was not sent is recorded as cancelled."""
        self.cancel_button.setEnabled(False)
        self.status.setText("Cancelling… attempts already on the wire finish first.")
        self.worker.cancel()

    def pause(self, ms: int = 10_000) -> None:
        """Stop sending because the window closes (unsent deliveries stay queued); wait."""
        if self.summary is None:
            self.worker.pause()
        self.wait(ms)

    def wait(self, ms: int = 10_000) -> None:
        """Wait for the worker thread to end (closing the window, tests)."""
        if self._thread is not None:
            with contextlib.suppress(RuntimeError):  # already deleted: it ended
                self._thread.wait(ms)

    def reject(self) -> None:
        """Escape or the window's close button: cancel if still sending, else close."""
        if self.summary is None:
            self.cancel()
            return
        super().reject()

    def _on_progress(self, done: int, total: int, delivery_id: int, outcome: str) -> None:
        self.bar.setMaximum(max(1, total))
        self.bar.setValue(done)
        self.status.setText(f"Delivery {delivery_id}: {outcome}. {done} of {total} settled.")

    def _on_done(self, summary: dict[str, Any]) -> None:
        self.summary = summary
        self.bar.setValue(self.bar.maximum())
        self.status.setText(summary_text(summary))
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setFocus()
        self.finished_sending.emit(summary)

    def _on_failed(self, message: str) -> None:
        self.summary = {"sent": 0, "failed": 0, "waiting": 0, "cancelled": 0, "ids": []}
        self.summary["waiting_at"] = {}
        self.status.setText(message)
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.finished_sending.emit(self.summary)
