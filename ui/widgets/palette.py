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

**The theme is a choice**: ``system`` (the default: follow the desktop's light or dark
scheme, and its later switches), ``light`` or ``dark``. :func:`apply_theme` puts the chosen
palette in place at once; the Preferences dialog (:mod:`ui.dialogs.preferences`) stores the
choice in the window's settings and :func:`install_theme` applies it at start-up. After
every switch :func:`theme_notifier`'s ``changed`` signal fires, so what draws with colours
of its own (the Liquid highlighter) picks its set again.

**Readable in both**: every accent is checked in the tests against the palette's ``Base``
and ``AlternateBase`` of both schemes with the WCAG contrast ratio (:func:`contrast_ratio`,
at least 4.5:1 for text). The backgrounds that mark a row (``error_mark``, ``warning_mark``)
have a dark entry too, so the palette's text stays readable on them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QWidget

__all__ = [
    "THEMES",
    "ThemeNotifier",
    "accent",
    "apply_theme",
    "contrast_ratio",
    "current_theme",
    "dark_palette",
    "follow_system_scheme",
    "install_theme",
    "is_dark",
    "mono",
    "palette_for",
    "state_colour",
    "theme_notifier",
]

THEMES = ("system", "light", "dark")
"""The theme choices: follow the system's scheme, or always light, or always dark."""

_ACCENTS: dict[str, tuple[str, str]] = {
    # name: (on a light palette, on a dark palette)
    "success": ("#1b7f3a", "#6fdc8c"),
    "failure": ("#b3261e", "#ff8a80"),
    "waiting": ("#8a5a00", "#ffcc66"),
    "muted": ("#5f6368", "#a8adb3"),
    "info": ("#1a5fb4", "#8ab4f8"),
    "banner": ("#fff4ce", "#4a3b00"),
    "error_mark": ("#f8d7da", "#5c1f24"),
    "warning_mark": ("#fff3cd", "#4a3b00"),
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


def contrast_ratio(foreground: QColor, background: QColor) -> float:
    """The WCAG 2 contrast ratio of two colours, from 1 (none) to 21 (black on white)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

        r, g, b = channel(colour.redF()), channel(colour.greenF()), channel(colour.blueF())
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def palette_for(
    scheme: Qt.ColorScheme, current: QPalette, light: QPalette | None
) -> QPalette | None:
    """The palette to switch to for the system's ``scheme``, or None when ``current`` fits.

    ``light`` is the style's own (light) palette, used when the system turns light again
    (it may be None for any other ``scheme``).
    """
    dark_now = current.color(QPalette.ColorRole.Window).lightnessF() < 0.5
    if scheme == Qt.ColorScheme.Dark and not dark_now:
        return dark_palette()
    if scheme == Qt.ColorScheme.Light and dark_now:
        return light
    return None


class ThemeNotifier(QObject):
    """Tells what draws with its own colours that the theme changed.

    Signals:
        changed(bool): the application's palette was switched; whether it is dark now.
    """

    changed = Signal(bool)


_notifier: ThemeNotifier | None = None
_theme = {"choice": "system", "following": False}


def theme_notifier() -> ThemeNotifier:
    """The application's one :class:`ThemeNotifier` (made on first use)."""
    global _notifier
    import shiboken6

    if _notifier is None or not shiboken6.isValid(_notifier):
        _notifier = ThemeNotifier(QApplication.instance())
    return _notifier


def current_theme() -> str:
    """The theme chosen last (``system``, ``light`` or ``dark``)."""
    return str(_theme["choice"])


def _set_palette(app: QApplication, palette: QPalette) -> None:
    app.setPalette(palette)
    theme_notifier().changed.emit(is_dark())


def apply_theme(app: QApplication, choice: str, scheme: Qt.ColorScheme | None = None) -> None:
    """Put the palette of ``choice`` in place now (``scheme``: the system's, if known)."""
    if choice not in THEMES:
        choice = "system"
    _theme["choice"] = choice
    light = app.style().standardPalette()
    if choice == "dark":
        _set_palette(app, dark_palette())
    elif choice == "light":
        _set_palette(app, light)
    else:
        system = app.styleHints().colorScheme() if scheme is None else scheme
        wanted = light if system != Qt.ColorScheme.Dark else dark_palette()
        if system == Qt.ColorScheme.Unknown and not is_dark():
            wanted = app.palette()  # the desktop's own palette, when it gave one
        _set_palette(app, wanted)


def follow_system_scheme(app: QApplication) -> None:
    """Match the application's palette to the system's light or dark scheme, now and later
    (later switches are followed while the theme chosen is ``system``)."""
    hints = app.styleHints()

    def switched(scheme: Qt.ColorScheme) -> None:
        if _theme["choice"] == "system":
            # the style's own palette is needed only on turning light: asking Python for
            # the style otherwise costs start-up about 10 ms (PySide6 builds QStyle's enums)
            light = app.style().standardPalette() if scheme == Qt.ColorScheme.Light else None
            wanted = palette_for(scheme, app.palette(), light)
            if wanted is not None:
                _set_palette(app, wanted)

    switched(hints.colorScheme())
    if not _theme["following"]:
        _theme["following"] = True
        hints.colorSchemeChanged.connect(switched)


def install_theme(app: QApplication) -> str:
    """Apply the theme saved in the window's settings and follow the system; returns it."""
    from ui.widgets.qt_settings import saved_theme

    choice = saved_theme()
    _theme["choice"] = choice
    if choice != "system":
        apply_theme(app, choice)
    follow_system_scheme(app)
    return choice


def mono(widget: QWidget) -> None:
    """Show ``widget``'s text in the system's fixed-width font (JSON, bodies, headers)."""
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
