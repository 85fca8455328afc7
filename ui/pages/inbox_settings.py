"""What the Inbox page remembers between runs: its port and its reply.

The values live in the window's settings (:mod:`ui.widgets.qt_settings`) under ``inbox/``;
the page writes them as they are edited (:func:`remember`) and reads them back when it is
made (:func:`saved_reply`). A value that is missing or not of its kind reads as the
default, so a settings file edited by hand never stops the page from opening.
:func:`remembered_port` is what the composer asks before starting the inbox for a request
sent to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.widgets.qt_settings import open_settings

__all__ = ["SavedReply", "remember", "remembered_port", "saved_reply"]

DEFAULT_HEADERS = "Content-Type: application/json"
"""The reply's headers until others are typed."""
DEFAULT_BODY = '{"ok": true}'
"""The reply's body until another is typed."""


@dataclass(frozen=True, slots=True)
class SavedReply:
    """The reply as the page's fields were last left."""

    status: int = 200
    """The HTTP status."""
    headers: str = DEFAULT_HEADERS
    """The headers, ``Name: value`` a line, as typed."""
    body: str = DEFAULT_BODY
    """The body, as typed."""
    delay: float = 0.0
    """Seconds to wait before answering."""


def remembered_port() -> int:
    """The inbox's remembered port (0 when none is)."""
    port = _int(open_settings().value("inbox/port", 0), 0)
    return port if 0 <= port <= 65535 else 0


def saved_reply() -> SavedReply:
    """The remembered reply (the defaults for what is not remembered)."""
    settings = open_settings()
    default = SavedReply()
    return SavedReply(
        status=_int(settings.value("inbox/reply_status"), default.status),
        headers=_text(settings.value("inbox/reply_headers"), default.headers),
        body=_text(settings.value("inbox/reply_body"), default.body),
        delay=_float(settings.value("inbox/reply_delay"), default.delay),
    )


def remember(port: int, reply: SavedReply) -> None:
    """Keep the port and the reply for the next start."""
    settings = open_settings()
    settings.setValue("inbox/port", port)
    settings.setValue("inbox/reply_status", reply.status)
    settings.setValue("inbox/reply_headers", reply.headers)
    settings.setValue("inbox/reply_body", reply.body)
    settings.setValue("inbox/reply_delay", reply.delay)
    settings.sync()


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _float(value: object, default: float) -> float:
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return default


def _text(value: object, default: str) -> str:
    return value if isinstance(value, str) else default
