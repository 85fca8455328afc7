"""Where the window keeps its own preferences (geometry, splitter sizes, the last request,
view switches such as the preview's comparison with the other Liquid version).

These are the window's settings, not the workspace's: they live in an INI file under the
user's configuration folder (``~/.config/webhook-composer/Webhook Composer.ini`` on Linux,
which follows ``XDG_CONFIG_HOME``), written through :class:`QSettings` with fixed
organisation and application names, so nothing depends on ``QCoreApplication`` names being
set first. Tests move the folder with :func:`use_folder` before any window exists.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

__all__ = [
    "APPLICATION",
    "ORGANIZATION",
    "open_settings",
    "read_bool",
    "restore_layout",
    "save_layout",
    "use_folder",
]

ORGANIZATION = "webhook-composer"
"""The folder name under the user's configuration folder."""
APPLICATION = "Webhook Composer"
"""The INI file's name inside that folder."""


def use_folder(folder: Path | str) -> None:
    """Keep every later :func:`open_settings` under ``folder`` (tests, portable setups)."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


def open_settings() -> QSettings:
    """The window's settings file."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def read_bool(settings: QSettings, key: str, default: bool) -> bool:
    """A switch stored under ``key`` (an INI file keeps ``true``/``false`` as text)."""
    value = settings.value(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def save_layout(settings: QSettings, window: QWidget, splitters: dict[str, QSplitter]) -> None:
    """Remember the window's geometry and its splitters' sizes."""
    settings.setValue("window/geometry", window.saveGeometry())
    for key, splitter in splitters.items():
        settings.setValue(f"window/{key}", splitter.saveState())
    settings.sync()


def restore_layout(settings: QSettings, window: QWidget, splitters: dict[str, QSplitter]) -> None:
    """Put the window's geometry and splitter sizes back as :func:`save_layout` left them."""
    geometry = settings.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    for key, splitter in splitters.items():
        state = settings.value(f"window/{key}")
        if isinstance(state, QByteArray):
            splitter.restoreState(state)
