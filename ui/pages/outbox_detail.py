"""One delivery in the Outbox, in detail: what was sent, every attempt and its answer.

:class:`DeliveryDetail` sits under the Outbox list. It shows the request as it was sent
(secrets were masked when it was stored) and whether it was sent anyway with a body that
is not valid ("forced"), each attempt with its status or error and timing (a redirect with
where it points), every attempt's answer in a
:class:`~ui.editor.response_viewer.ResponseViewer` (an attempt chooser above it; the last
answered attempt first), the attribute changes applied, and the attempt timeline
(:class:`ui.pages.attempt_chart.AttemptTimeline`). The viewer's "Use as sample response"
is ``sampleChosen`` (the delivery's request and the body), which the window turns into an
undoable edit of that request's sample response.

It only shows: the page reads the delivery (off the GUI thread) and hands it over with
:meth:`DeliveryDetail.set_delivery`, and an action button only says which action was chosen
(``actionChosen``); the page does it. The countdown to the next attempt is moved on by the
page's one timer (:meth:`DeliveryDetail.show_countdown`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from composer.delivery.records import Delivery
from ui.editor.response_data import ResponseView
from ui.editor.response_viewer import ResponseViewer
from ui.pages.attempt_chart import AttemptTimeline
from ui.pages.outbox_text import ACTION_TIPS, attempt_label, attempts_text, clock_text, sent_text
from ui.pages.table_models import countdown_text
from ui.widgets.palette import mono

__all__ = ["DeliveryDetail"]

_ACTIONS = (
    ("retry_now", "&Retry now"),
    ("cancel", "&Cancel"),
    ("approve", "&Approve draft"),
    ("discard", "&Discard draft"),
    ("send_again", "Send a&gain"),
    ("open_request", "&Open request"),
)
"""The action buttons, in order: key and text."""


class DeliveryDetail(QWidget):
    """The shown delivery: title, countdown, actions, timeline, problem line and tabs.

    Signals:
        actionChosen(str): an action button was pressed (the action's key).
        sampleChosen(str, str): "Use as sample response" (the request's name, the body).
    """

    actionChosen = Signal(str)
    sampleChosen = Signal(str, str)

    def __init__(self, clock: Callable[[], float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.delivery: Delivery | None = None
        """The delivery shown (None: nothing chosen)."""
        self._attempts_of: int | None = None  # the delivery whose attempts the chooser lists
        self._latest_attempt: int | None = None
        self.title = QLabel()
        self.title.setAccessibleName("Delivery")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.countdown = QLabel()
        self.countdown.setAccessibleName("Next attempt")
        buttons = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for key, text in _ACTIONS:
            button = QPushButton(text)
            button.setAccessibleName(text.replace("&", ""))
            button.setToolTip(ACTION_TIPS[key])
            button.clicked.connect(lambda _=False, k=key: self.actionChosen.emit(k))
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
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.countdown)
        column.addLayout(buttons)
        column.addWidget(self.chart)
        column.addWidget(self.problem)
        column.addWidget(self.tabs, 1)

    def _text_tab(self, name: str) -> QPlainTextEdit:
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setAccessibleName(name)
        mono(view)
        self.tabs.addTab(view, name)
        return view

    def set_delivery(self, d: Delivery | None) -> None:
        """Show ``d`` (None: ask for a choice), with the actions its state allows."""
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
                f"{d.state.replace('_', ' ')}, made {clock_text(d.created_at)}"
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
        self.show_countdown()

    def _fill_attempts(self, d: Delivery | None) -> None:
        """List the attempts to choose from: the last answered one, unless the user chose an
        earlier one of this delivery (that choice stays while the delivery is shown)."""
        kept = self.attempt_choice.currentData()
        chose_earlier = kept is not None and kept != self._latest_attempt
        same = d is not None and self._attempts_of == d.id
        self._attempts_of = d.id if d is not None else None
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

    def show_countdown(self) -> None:
        """Say when the next attempt is due (waiting or queued deliveries only)."""
        d = self.delivery
        if d is None or d.next_attempt_at is None or d.state not in ("waiting_retry", "queued"):
            self.countdown.setText("")
            return
        left = d.next_attempt_at - self.clock()
        self.countdown.setText(
            f"Next attempt {countdown_text(left)} ({clock_text(d.next_attempt_at)})"
        )
