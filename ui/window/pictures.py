"""The composer's pictures for ``--screenshots``: the Body tab and the Response tab.

Each picture is the whole window with one tab forward. The Response tab is shown on a
request that has response mappings, against an example response when it has no sample,
so that every row's preview is filled in (an op finds that request; the open answers
before the picture is taken: the window's ``wait_for_preview`` waits for it);
:func:`restored` puts the request shown before (and its empty sample) back afterwards, so
taking pictures changes nothing in the workspace.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.window.main_window import MainWindow

__all__ = ["EXAMPLE_RESPONSE", "register", "restored"]

EXAMPLE_RESPONSE = (
    '{"id": "5f2b9c0e1a", "shortUrl": "https://example.com/r/5f2b9c0e1a", "sid": "SM5f2b9c",'
    ' "contacts": [{"id": "cont_81f3"}], "ticket": {"id": 4821},'
    ' "expected_delivery_date": "2026-12-03"}'
)
"""A response that fills the mappings of every shipped recipe."""


def register(window: MainWindow) -> None:
    """Register body-tab.png and response-tab.png with the window."""

    def body() -> QWidget:
        window.show_page(window.hsplit)
        window.composer.show_body()
        return window

    def example_sample() -> None:
        window.composer.show_response()
        if window.composer.sample_response() is None:
            window.composer.set_sample_response(EXAMPLE_RESPONSE)
            window.setProperty("exampleSample", True)
        window.refresh_preview()

    def response() -> QWidget:
        window.show_page(window.hsplit)
        request = window.composer.to_model()
        if request is not None and not request.response_mappings:
            mapped = _first_with_mappings(window)
            if mapped is not None:  # the example goes in once that request is shown
                window.after_shown(mapped, example_sample)
                window.open_request(mapped)
                return window
        example_sample()
        return window

    window.add_screenshot("body-tab.png", body)
    window.add_screenshot("response-tab.png", response)


def _first_with_mappings(window: MainWindow, timeout_s: float = 10.0) -> str | None:
    """The first stored request with response mappings, read by an op; events are
    processed meanwhile (pictures are taken one after another, as the window's
    ``wait_for_preview`` does between them)."""
    from PySide6.QtCore import QEventLoop

    from ui.ops import requests as request_ops

    found: list[str | None] = []
    request_ops.first_with_mappings(window, window.db.path).success(found.append).failure(
        lambda _error: found.append(None)
    ).run()
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while not found and time.monotonic() < deadline:
        loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    return found[0] if found else None


@contextlib.contextmanager
def restored(window: MainWindow) -> Iterator[None]:
    """Put the request shown before, and an example sample's absence, back afterwards."""
    shown = window.current_name
    window.setProperty("exampleSample", False)
    try:
        yield
    finally:
        if window.property("exampleSample"):
            window.composer.set_sample_response("")
        if shown is not None:
            window.open_request(shown)
