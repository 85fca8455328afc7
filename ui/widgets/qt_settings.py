"""Where the window keeps its own preferences (geometry, splitter sizes, the last request,
view switches such as the preview's comparison with the other Liquid version).

These are the window's settings, not the workspace's: they live in an INI file under the
user's configuration folder (``~/.config/webhook-composer/Webhook Composer.ini`` on Linux,
which follows ``XDG_CONFIG_HOME``), written through :class:`QSettings` with fixed
organisation and application names, so nothing depends on ``QCoreApplication`` names being
set first. Tests move the folder with :func:`use_folder` before any window exists.

File dialogs open where the user last chose a file of the same kind (people files,
request files, cURL…: :func:`last_folder` / :func:`remember_folder`), and in the home
folder the first time, never in whatever folder the application was started from.

The theme (``appearance/theme``: ``system``, ``light`` or ``dark``) is read with
:func:`saved_theme`; anything else stored there reads as ``system``. A list (the People
table's columns) is stored with :func:`save_list` and read back with :func:`read_list`,
which gives ``None`` when nothing usable was stored.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

__all__ = [
    "APPLICATION",
    "ORGANIZATION",
    "last_folder",
    "open_settings",
    "read_bool",
    "read_list",
    "remember_folder",
    "restore_layout",
    "save_layout",
    "save_list",
    "save_theme",
    "saved_theme",
    "use_folder",
]

_THEME_KEY = "appearance/theme"
_THEMES = ("system", "light", "dark")

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


def last_folder(kind: str) -> str:
    """The folder a file dialog for ``kind`` opens in: the last one used, else home."""
    value = open_settings().value(f"folders/{kind}")
    if isinstance(value, str) and value and Path(value).is_dir():
        return value
    return str(Path.home())


def remember_folder(kind: str, chosen: Path | str) -> None:
    """Remember the folder of a file chosen in a dialog for ``kind``."""
    path = Path(chosen)
    folder = path if path.is_dir() else path.parent
    settings = open_settings()
    settings.setValue(f"folders/{kind}", str(folder))
    settings.sync()


def saved_theme() -> str:
    """The theme chosen in Preferences (``system`` until one is chosen)."""
    value = open_settings().value(_THEME_KEY)
    return value if isinstance(value, str) and value in _THEMES else "system"


def save_theme(choice: str) -> None:
    """Remember the theme ``choice`` (``system``, ``light`` or ``dark``)."""
    if choice not in _THEMES:
        raise ValueError(f"unknown theme {choice!r}")
    settings = open_settings()
    settings.setValue(_THEME_KEY, choice)
    settings.sync()


def save_list(key: str, values: list[str]) -> None:
    """Remember a list of strings under ``key`` (kept as JSON text, whatever its length)."""
    import json

    settings = open_settings()
    settings.setValue(key, json.dumps(list(values)))
    settings.sync()


def read_list(key: str) -> list[str] | None:
    """The list :func:`save_list` stored under ``key``, or None when there is none."""
    import json

    value = open_settings().value(key)
    if not isinstance(value, str):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        return None
    return items
