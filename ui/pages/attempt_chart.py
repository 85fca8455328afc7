"""A small timeline of one delivery's attempts against its retry schedule, painted by hand.

Time runs left to right from the first attempt (or the delivery's creation) to the later of
the last attempt and the last retry the schedule allows. Hollow ticks above the axis are the
planned attempt times (:meth:`composer.delivery.retry.RetryPolicy.times` from the first attempt);
filled dots on the axis are the attempts made, green for a 2xx and red otherwise, with the
status or error kind under them; a dashed line marks the next attempt when one waits. The
scale is the square root of the time, so ten doublings still fit in a few hundred pixels.
Labels never overlap and never leave the widget (:meth:`AttemptTimeline.labels`): each is
kept inside the edges, one that would touch its neighbour goes a row lower, and one with no
room on either row is left out (every attempt is still in :meth:`~AttemptTimeline.describe`,
the chart's tooltip).
Every colour comes from the widget's palette (:meth:`AttemptTimeline.colours`): the
background is the ``Base`` role and the words its pair, ``Text`` (not ``WindowText``, whose
pair is ``Window``: a style may make the two backgrounds differ), and the marks are
:func:`ui.widgets.palette.accent` colours chosen for the palette's lightness. So the chart
follows a switch between light and dark at once, and stays readable in both (tested by
contrast ratio in both schemes).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from composer.delivery.records import Delivery
from composer.delivery.retry import is_success
from ui.widgets.palette import accent

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
        self.setToolTip(self.describe())
        self.update()

    def describe(self) -> str:
        """The chart in words (for screen readers and tooltips)."""
        d = self.delivery
        if d is None or not d.attempts:
            return "No attempts yet."
        parts = [f"attempt {a.n}: {a.status or a.error_kind or 'in flight'}" for a in d.attempts]
        planned = len(d.policy.schedule())
        return f"{len(d.attempts)} of up to {planned + 1} attempts; " + ", ".join(parts) + "."

    def colours(self) -> dict[str, QColor]:
        """The colours the chart paints with, from its palette now: ``background``,
        ``text``, ``axis``, ``success``, ``failure``, ``waiting``."""
        palette = self.palette()
        return {
            "background": palette.color(QPalette.ColorRole.Base),
            "text": palette.color(QPalette.ColorRole.Text),
            "axis": accent("muted", self),
            "success": accent("success", self),
            "failure": accent("failure", self),
            "waiting": accent("waiting", self),
        }

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        return font

    def _scale(self) -> tuple[float, float, float, float] | None:
        """(start, span, left, right) of the time axis, or None without attempts."""
        d = self.delivery
        if d is None or not d.attempts:
            return None
        start = d.attempts[0].started_at
        planned = (start, *d.policy.times(start))
        ends = [a.started_at + (a.elapsed_ms or 0) / 1000 for a in d.attempts]
        end = max([*planned, *ends, d.next_attempt_at or start])
        return start, max(end - start, 1e-3), 16.0, float(self.width() - 16)

    def _x(self, t: float) -> float:
        scale = self._scale()
        assert scale is not None
        start, span, left, right = scale
        return left + (right - left) * math.sqrt(max(0.0, t - start) / span)

    def labels(self) -> list[tuple[QRectF, str]]:
        """Where each attempt's label is drawn: inside the widget, none overlapping."""
        d = self.delivery
        if d is None or not d.attempts:
            return []
        metrics = QFontMetricsF(self._label_font())
        height = metrics.height()
        top = self.height() / 2 + 7
        rows: list[list[QRectF]] = [[], []]
        out: list[tuple[QRectF, str]] = []
        for attempt in d.attempts:
            label = (
                str(attempt.status) if attempt.status is not None else (attempt.error_kind or "…")
            )
            width = metrics.horizontalAdvance(label) + 4
            x = min(max(0.0, self._x(attempt.started_at) - width / 2), self.width() - width)
            for row, placed in enumerate(rows):
                rect = QRectF(x, top + row * height, width, height)
                if rect.bottom() > self.height():
                    continue
                if not any(rect.adjusted(-2, 0, 2, 0).intersects(other) for other in placed):
                    placed.append(rect)
                    out.append((rect, label))
                    break
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colours = self.colours()
        text = colours["text"]
        painter.fillRect(self.rect(), colours["background"])
        d = self.delivery
        if d is None or not d.attempts:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No attempts yet")
            painter.end()
            return
        start = d.attempts[0].started_at
        planned = (start, *d.policy.times(start))
        left, right = 16.0, float(self.width() - 16)
        axis_y = self.height() / 2
        x_of = self._x

        painter.setPen(QPen(colours["axis"], 1))
        painter.drawLine(QPointF(left, axis_y), QPointF(right, axis_y))
        for t in planned:
            painter.drawLine(QPointF(x_of(t), axis_y - 14), QPointF(x_of(t), axis_y - 4))
        if d.next_attempt_at is not None and d.state in ("waiting_retry", "queued"):
            pen = QPen(colours["waiting"], 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            x = x_of(d.next_attempt_at)
            painter.drawLine(QPointF(x, 6), QPointF(x, self.height() - 6))
        painter.setFont(self._label_font())
        for attempt in d.attempts:
            x = x_of(attempt.started_at)
            ok = is_success(attempt.status)
            colour = colours["success" if ok else "failure"]
            painter.setPen(QPen(colour, 1))
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(x, axis_y), 5, 5)
        painter.setPen(text)
        for rect, label in self.labels():
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter, label)
        painter.setPen(text)
        painter.drawText(
            QRectF(left, 2, right - left, 14),
            Qt.AlignmentFlag.AlignLeft,
            f"{len(d.attempts)} of up to {len(planned)} attempts",
        )
        painter.end()
