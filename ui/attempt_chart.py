"""A small timeline of one delivery's attempts against its retry schedule, painted by hand.

Time runs left to right from the first attempt (or the delivery's creation) to the later of
the last attempt and the last retry the schedule allows. Hollow ticks above the axis are the
planned attempt times (:meth:`composer.retry.RetryPolicy.times` from the first attempt);
filled dots on the axis are the attempts made, green for a 2xx and red otherwise, with the
status or error kind under them; a dashed line marks the next attempt when one waits. The
scale is the square root of the time, so ten doublings still fit in a few hundred pixels.
Every colour comes from the palette (:mod:`ui.palette`), so dark mode needs nothing extra.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from composer.deliveries import Delivery
from composer.retry import is_success
from ui.palette import accent

__all__ = ["AttemptTimeline"]


class AttemptTimeline(QWidget):
    """The attempts of the delivery set with :meth:`set_delivery` (none: a short note)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Attempt timeline")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.delivery: Delivery | None = None

    def sizeHint(self) -> QSize:
        return QSize(420, 84)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 84)

    def set_delivery(self, delivery: Delivery | None) -> None:
        """Show ``delivery``'s attempts."""
        self.delivery = delivery
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The chart in words (for screen readers and tooltips)."""
        d = self.delivery
        if d is None or not d.attempts:
            return "No attempts yet."
        parts = [f"attempt {a.n}: {a.status or a.error_kind or 'in flight'}" for a in d.attempts]
        planned = len(d.policy.schedule())
        return f"{len(d.attempts)} of up to {planned + 1} attempts; " + ", ".join(parts) + "."

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        d = self.delivery
        if d is None or not d.attempts:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No attempts yet")
            painter.end()
            return
        start = d.attempts[0].started_at
        planned = (start, *d.policy.times(start))
        ends = [a.started_at + (a.elapsed_ms or 0) / 1000 for a in d.attempts]
        end = max([*planned, *ends, d.next_attempt_at or start])
        span = max(end - start, 1e-3)
        left, right = 16.0, float(self.width() - 16)
        axis_y = self.height() / 2

        def x_of(t: float) -> float:
            return left + (right - left) * math.sqrt(max(0.0, t - start) / span)

        muted = accent("muted", self)
        painter.setPen(QPen(muted, 1))
        painter.drawLine(QPointF(left, axis_y), QPointF(right, axis_y))
        for t in planned:
            painter.drawLine(QPointF(x_of(t), axis_y - 14), QPointF(x_of(t), axis_y - 4))
        if d.next_attempt_at is not None and d.state in ("waiting_retry", "queued"):
            pen = QPen(accent("waiting", self), 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            x = x_of(d.next_attempt_at)
            painter.drawLine(QPointF(x, 6), QPointF(x, self.height() - 6))
        font = painter.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        for attempt in d.attempts:
            x = x_of(attempt.started_at)
            ok = is_success(attempt.status)
            colour = accent("success" if ok else "failure", self)
            painter.setPen(QPen(colour, 1))
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(x, axis_y), 5, 5)
            label = (
                str(attempt.status) if attempt.status is not None else (attempt.error_kind or "…")
            )
            painter.setPen(text)
            painter.drawText(
                QRectF(x - 30, axis_y + 8, 60, 16), Qt.AlignmentFlag.AlignHCenter, label
            )
        painter.setPen(text)
        painter.drawText(
            QRectF(left, 2, right - left, 14),
            Qt.AlignmentFlag.AlignLeft,
            f"{len(d.attempts)} of up to {len(planned)} attempts",
        )
        painter.end()
