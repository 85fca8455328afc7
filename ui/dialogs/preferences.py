"""Preferences: the window's own choices (today the theme), in Edit ▸ Preferences….

The theme is ``System`` (follow the desktop's light or dark scheme, and its later
switches), ``Light`` or ``Dark``. Decisions:

* **Applied at once.** Choosing a theme switches the palette while the dialog is open
  (:func:`ui.widgets.palette.apply_theme`) and stores the choice in the window's settings
  (:func:`ui.widgets.qt_settings.save_theme`), so there is no Apply button to forget; Close
  keeps what is shown.
* **Applied at start-up** by :func:`install_preferences`, which the start-up calls once the
  window exists: it puts the saved theme in place, follows the system from then on, adds
  the menu action (Ctrl+, as in most desktop tools) and registers the ``dark-theme.png``
  picture for ``--screenshots``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.palette import THEMES, apply_theme, current_theme, install_theme
from ui.widgets.qt_settings import save_theme

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

__all__ = ["PreferencesDialog", "install_preferences"]

_LABELS = {
    "system": ("&System", "Follow the desktop's light or dark setting, and its later switches."),
    "light": ("&Light", "Always light, whatever the desktop's setting."),
    "dark": ("&Dark", "Always dark, whatever the desktop's setting."),
}


class PreferencesDialog(QDialog):
    """The theme choice, applied and saved as soon as it is made.

    Signals: the standard dialog ones.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setAccessibleName("Preferences")
        self.buttons: dict[str, QRadioButton] = {}
        self.group = QButtonGroup(self)
        box = QGroupBox("Theme")
        box.setAccessibleName("Theme")
        inner = QVBoxLayout(box)
        chosen = current_theme()
        for choice in THEMES:
            text, tip = _LABELS[choice]
            button = QRadioButton(text)
            button.setAccessibleName(f"{text.replace('&', '')} theme")
            button.setToolTip(tip)
            button.setChecked(choice == chosen)
            button.toggled.connect(lambda on, c=choice: self.choose(c) if on else None)
            self.group.addButton(button)
            self.buttons[choice] = button
            inner.addWidget(button)
        note = QLabel("The theme changes at once and is kept for the next start.")
        note.setWordWrap(True)
        inner.addWidget(note)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        close.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close preferences")
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(close)

    def choose(self, choice: str) -> None:
        """Switch to the theme ``choice`` now and remember it."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, choice)
        save_theme(choice)
        if not self.buttons[choice].isChecked():
            self.buttons[choice].setChecked(True)


def install_preferences(window: MainWindow) -> QAction:
    """Apply the saved theme, add Edit ▸ Preferences… (Ctrl+,) and the dark-theme picture."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        install_theme(app)
    action = QAction("&Preferences…", window)
    action.setShortcut(QKeySequence.StandardKey.Preferences)
    if action.shortcut().isEmpty():
        action.setShortcut(QKeySequence("Ctrl+,"))
    action.setToolTip("Choose the theme: follow the system, light or dark")
    action.setObjectName("preferencesAction")

    def open_dialog() -> None:
        dialog = PreferencesDialog(window)
        window.setProperty("preferencesDialog", dialog)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    action.triggered.connect(lambda _=False: open_dialog())
    window.menu("&Edit").addAction(action)
    window.add_screenshot("dark-theme.png", _dark_picture(window))
    return action


class _DarkPicture(QWidget):
    """What ``dark-theme.png`` grabs: the window in the dark theme; the theme chosen before
    is put back as soon as the picture is taken, so the pictures after it are as chosen."""

    def __init__(self, window: MainWindow, chosen: str) -> None:
        super().__init__(window)
        self.hide()
        self._window = window
        self._chosen = chosen

    def grab(self, *args: object) -> QPixmap:
        picture = self._window.grab()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self._chosen)
        self.deleteLater()
        return picture


def _dark_picture(window: MainWindow) -> Callable[[], QWidget]:
    """Show the window in the dark theme for its picture (see :class:`_DarkPicture`)."""

    def prepare() -> QWidget:
        chosen = current_theme()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, "dark")
        return _DarkPicture(window, chosen)

    return prepare
