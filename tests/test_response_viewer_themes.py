"""The retry timeline and the viewer's status stay readable in light and dark palettes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from composer.delivery.records import Attempt, Delivery
from composer.delivery.retry import RetryPolicy
from composer.model import Request
from ui.editor.response_data import ResponseView
from ui.editor.response_viewer import ResponseViewer
from ui.pages.attempt_chart import AttemptTimeline
from ui.widgets.palette import dark_palette

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")


def luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def palettes() -> list[tuple[str, QPalette]]:
    style = QApplication.style()
    return [("light", style.standardPalette()), ("dark", dark_palette())]


def delivery(statuses: list[int | None]) -> Delivery:
    attempts = tuple(
        Attempt(
            n=i + 1,
            started_at=1000.0 + 2**i,
            elapsed_ms=30.0,
            status=status,
            error=None if status else "The server did not answer.",
            error_kind=None if status else "timeout",
            response_headers=(),
            response_body=b"",
            response_size=0,
            response_truncated=False,
        )
        for i, status in enumerate(statuses)
    )
    return Delivery(
        id=1,
        request_name="Hook",
        person_id=None,
        state="waiting_retry",
        request=Request("Hook", "https://example.com/"),
        context={},
        rendered={},
        rendered_at=999.0,
        idempotency_key=None,
        policy=RetryPolicy(max_retries=3, base=1.0),
        next_attempt_at=1010.0,
        forced=False,
        attribute_updates=None,
        error=None,
        created_at=999.0,
        attempts=attempts,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_timeline_paints_with_palette_colours_readable_on_its_background(
    qtbot: QtBot, scheme: str
) -> None:
    palette = dict(palettes())[scheme]
    chart = AttemptTimeline()
    qtbot.addWidget(chart)
    chart.setPalette(palette)
    chart.resize(420, 84)
    chart.set_delivery(delivery([503, None, 200]))
    colours = chart.colours()
    background = colours["background"]
    assert background == palette.color(QPalette.ColorRole.Base)
    assert contrast(colours["text"], background) >= 4.5
    for mark in ("axis", "success", "failure", "waiting"):
        assert contrast(colours[mark], background) >= 3.0, mark  # graphics: WCAG 1.4.11
    image = chart.grab().toImage()
    assert image.pixelColor(2, image.height() - 2) == background
    first_dot = image.pixelColor(16, 42)  # the first attempt, a 503, on the axis
    assert first_dot == colours["failure"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_viewers_status_colours_read_on_their_chip_in_both_schemes(
    qtbot: QtBot, scheme: str
) -> None:
    palette = dict(palettes())[scheme]
    viewer = ResponseViewer()
    qtbot.addWidget(viewer)
    viewer.setPalette(palette)
    for status in (200, 302, 404, 503, None):
        viewer.show_view(ResponseView(1, 0.0, 5.0, status, error="x" if status is None else None))
        label = viewer.status_label
        assert label.autoFillBackground()
        chip = label.palette().color(QPalette.ColorRole.Window)
        assert chip == palette.color(QPalette.ColorRole.Base)
        shown = label.palette().color(QPalette.ColorRole.WindowText)
        assert contrast(shown, chip) >= 4.5, (scheme, status)
