"""Colours that follow the system's light or dark palette.

Nothing in the pages names a colour outright: text, backgrounds and lines come from the
application's :class:`QPalette` roles, so a dark system palette gives dark pages with light
text. The few accents (a delivery's state, the attempt chart's success and failure marks,
the banner for a missing keychain) are picked from a small table with one entry for light
palettes and one for dark ones, chosen by the lightness of the palette's ``Window`` colour,
so they stay readable on either.

:func:`dark_palette` builds a complete dark palette; tests set it on the application to
check that every page renders readable text on a dark background. Most desktops hand Qt a
palette that already matches their light or dark setting; where the platform only reports
the colour scheme (Qt's ``styleHints().colorScheme()``) and leaves a light palette,
:func:`follow_system_scheme` puts the dark palette in place, and follows later switches.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QWidget

__all__ = [
    "accent",
    "dark_palette",
    "follow_system_scheme",
    "is_dark",
    "mono",
    "palette_for",
    "state_colour",
]

_ACCENTS: dict[str, tuple[str, str]] = {
    # name: (on a light palette, on a dark palette)
    "success": ("#1b7f3a", "#6fdc8c"),
    "failure": ("#b3261e", "#ff8a80"),
    "waiting": ("#8a5a00", "#ffcc66"),
    "muted": ("#5f6368", "#a8adb3"),
    "info": ("#1a5fb4", "#8ab4f8"),
    "banner": ("#fff4ce", "#4a3b00"),
}

_STATE_ACCENT = {
    "succeeded": "success",
    "failed": "failure",
    "waiting_retry": "waiting",
    "sending": "info",
    "queued": "info",
    "draft": "muted",
    "cancelled": "muted",
}


def _palette(widget: QWidget | None = None) -> QPalette:
    if widget is not None:
        return widget.palette()
    return QApplication.palette()


def is_dark(widget: QWidget | None = None) -> bool:
    """Whether the palette in use is a dark one (its window colour is dark)."""
    return _palette(widget).color(QPalette.ColorRole.Window).lightnessF() < 0.5


def accent(name: str, widget: QWidget | None = None) -> QColor:
    """An accent colour readable on the current palette (``success``, ``failure``, ...)."""
    light, dark = _ACCENTS[name]
    return QColor(dark if is_dark(widget) else light)


def state_colour(state: str, widget: QWidget | None = None) -> QColor:
    """The colour a delivery state is shown in."""
    return accent(_STATE_ACCENT.get(state, "muted"), widget)


def dark_palette() -> QPalette:
    """A complete dark palette (what a dark desktop theme gives the application)."""
    p = QPalette()
    roles = QPalette.ColorRole
    window, base, text = QColor("#202124"), QColor("#17181a"), QColor("#e8eaed")
    p.setColor(roles.Window, window)
    p.setColor(roles.WindowText, text)
    p.setColor(roles.Base, base)
    p.setColor(roles.AlternateBase, QColor("#26282b"))
    p.setColor(roles.ToolTipBase, window)
    p.setColor(roles.ToolTipText, text)
    p.setColor(roles.PlaceholderText, QColor("#9aa0a6"))
    p.setColor(roles.Text, text)
    p.setColor(roles.Button, QColor("#2d2f31"))
    p.setColor(roles.ButtonText, text)
    p.setColor(roles.BrightText, QColor("#ffffff"))
    p.setColor(roles.Highlight, QColor("#8ab4f8"))
    p.setColor(roles.HighlightedText, QColor("#202124"))
    p.setColor(roles.Link, QColor("#8ab4f8"))
    p.setColor(roles.Mid, QColor("#3c4043"))
    p.setColor(roles.Dark, QColor("#111213"))
    p.setColor(roles.Light, QColor("#5f6368"))
    p.setColor(roles.Midlight, QColor("#4a4d50"))
    p.setColor(roles.Shadow, QColor("#000000"))
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#80868b"))
    return p


def palette_for(scheme: Qt.ColorScheme, current: QPalette, light: QPalette) -> QPalette | None:
    """The palette to switch to for the system's ``scheme``, or None when ``current`` fits.

    ``light`` is the style's own (light) palette, used when the system turns light again.
    """
    dark_now = current.color(QPalette.ColorRole.Window).lightnessF() < 0.5
    if scheme == Qt.ColorScheme.Dark and not dark_now:
        return dark_palette()
    if scheme == Qt.ColorScheme.Light and dark_now:
        return light
    return None


def follow_system_scheme(app: QApplication) -> None:
    """Match the application's palette to the system's light or dark scheme, now and later."""
    hints = app.styleHints()

    def apply() -> None:
        style = app.style()
        wanted = palette_for(hints.colorScheme(), app.palette(), style.standardPalette())
        if wanted is not None:
            app.setPalette(wanted)

    apply()
    hints.colorSchemeChanged.connect(lambda _scheme: apply())


def mono(widget: QWidget) -> None:
    """Show ``widget``'s text in the system's fixed-width font (JSON, bodies, headers)."""
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
