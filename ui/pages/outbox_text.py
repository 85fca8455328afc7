"""How the Outbox words a delivery: its states, the "Last result" cell, the request as sent,
the attempts, and what each action button does.

Plain functions of a :class:`~composer.delivery.records.Delivery` (and one delegate that
draws the list's "Last result" column with them), so the list, the detail and the tests
word a delivery the same way.

"Last result" says a failure in words (its first sentence: "127.0.0.1:8080 refused the
connection…"), never a number cut out of an address that reads like a status.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from composer.delivery.records import Delivery

__all__ = [
    "ACTION_TIPS",
    "LAST_RESULT",
    "STATES",
    "LastResultDelegate",
    "attempt_label",
    "attempts_text",
    "clock_text",
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


ACTION_TIPS = {
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


def clock_text(t: float) -> str:
    """A moment as ``2026-01-31 14:05:09 UTC``."""
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
        out.append(f"#{a.n}  {clock_text(a.started_at)}  {outcome}  {took}{size}{cut}")
    return "\n".join(out)


def attempt_label(a: Any) -> str:
    """An attempt in the chooser: ``#2 · HTTP 200 · 41 ms`` or ``#1 · timeout``."""
    took = "in flight" if a.elapsed_ms is None else f"{a.elapsed_ms:.0f} ms"
    outcome = f"HTTP {a.status}" if a.status is not None else (a.error_kind or "no answer")
    return f"#{a.n} · {outcome} · {took}"
