"""The Request tab: method, URL (a highlighted Liquid line), send mode and options."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from composer.model import METHODS, Request
from ui.editor.code_editor import CodeEditor

__all__ = ["RequestTab"]

_MODES = (("automatic", "Send automatically"), ("draft", "Draft: hold until approved"))


class RequestTab(QWidget):
    """Edits the request line and its options.

    Signals:
        edited(): the user changed something.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.method = QComboBox()
        self.method.addItems(list(METHODS))
        self.method.setAccessibleName("Method")
        self.method.setToolTip("The HTTP method; a GET or HEAD request sends no body")
        self.url = CodeEditor(single_line=True)
        self.url.setAccessibleName("URL")
        self.url.setPlaceholderText("https://example.com/hook?email={{ customer.email }}")
        self.send_mode = QComboBox()
        for value, label in _MODES:
            self.send_mode.addItem(label, value)
        self.send_mode.setAccessibleName("Send mode")
        self.send_mode.setToolTip(
            "Send automatically, or as a draft: the rendered request waits in the Outbox "
            "until you approve it there (or in the send panel), as Customer.io's drafts do"
        )
        self.send_mode.setItemData(
            1, "Held in the Outbox until approved", Qt.ItemDataRole.ToolTipRole
        )
        self.count_conversions = QCheckBox("Count toward conversions")
        self.count_conversions.setAccessibleName("Count toward conversions")
        self.count_conversions.setToolTip(
            "Customer.io's option to count a person who gets this webhook toward the "
            "campaign's conversion goal. Kept in the request and copied to Customer.io; "
            "it changes nothing that is sent"
        )
        self.idempotency = QCheckBox("Send an Idempotency-Key header (the same on every retry)")
        self.idempotency.setAccessibleName("Idempotency key")
        self.idempotency.setToolTip(
            "Add an Idempotency-Key header whose value stays the same on every retry of a "
            "delivery, so an endpoint that supports it (Stripe, many APIs) acts only once "
            "even when an answer was lost and the request is sent again"
        )
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.addRow("&Method", self.method)
        form.addRow("&URL", self.url)
        hint = QLabel(
            "The URL is a Liquid template. Keep credentials out of it: "
            "use {{ secrets.NAME }} or the Headers tab's auth helper."
        )
        hint.setWordWrap(True)
        hint.setAccessibleName("URL hint")
        form.addRow("", hint)
        form.addRow("Send &mode", self.send_mode)
        form.addRow("", self.count_conversions)
        form.addRow("", self.idempotency)
        self.method.currentIndexChanged.connect(self.edited)
        self.url.textChanged.connect(self.edited)
        self.send_mode.currentIndexChanged.connect(self.edited)
        self.count_conversions.toggled.connect(self.edited)
        self.idempotency.toggled.connect(self.edited)

    def load(self, request: Request) -> None:
        """Show ``request``'s request line and options."""
        self.method.setCurrentIndex(max(self.method.findText(request.method), 0))
        self.url.set_text(request.url)
        self.send_mode.setCurrentIndex(max(self.send_mode.findData(request.send_mode), 0))
        self.count_conversions.setChecked(request.count_conversions)
        self.idempotency.setChecked(request.idempotency_key)

    def to_model(self, base: Request) -> Request:
        """``base`` with this tab's fields as edited."""
        return dataclasses.replace(
            base,
            method=self.method.currentText(),
            url=self.url.text(),
            send_mode=self.send_mode.currentData(),
            count_conversions=self.count_conversions.isChecked(),
            idempotency_key=self.idempotency.isChecked(),
        )
