"""Where the data lives: the one module that answers it.

The workspace folder is, in order of preference:

1. a folder given explicitly (``--data-dir`` on the command line, a test's ``tmp_path``);
2. the ``WEBHOOK_COMPOSER_HOME`` environment variable, when set and not empty;
3. ``platformdirs.user_data_dir("webhook-composer")`` (for example
   ``~/.local/share/webhook-composer`` on Linux).

Nothing here creates a folder; :class:`composer.store.database.Database` creates the workspace's
folder when it opens the file, so merely asking where the data is never touches the disk.

The shipped data (recipes, the sample workspace) is the ``resources`` package, installed
next to ``composer`` in a wheel and in a PyInstaller bundle alike, so it is looked for as
the folder beside ``composer`` first and through the import system otherwise.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

__all__ = ["APP_NAME", "HOME_ENV", "WORKSPACE_FILE", "data_dir", "resources_dir", "workspace_path"]

APP_NAME = "webhook-composer"
"""The name platformdirs and the keychain know the application by."""
HOME_ENV = "WEBHOOK_COMPOSER_HOME"
"""Environment variable that moves the workspace folder."""
WORKSPACE_FILE = "workspace.sqlite3"
"""The workspace database's file name inside the data folder."""


def data_dir(override: Path | str | None = None) -> Path:
    """The folder that holds the workspace (not created here)."""
    if override is not None and str(override) != "":
        return Path(override).expanduser()
    env = os.environ.get(HOME_ENV, "")
    if env:
        return Path(env).expanduser()
    import platformdirs  # only when nothing else says where: it is slow to import

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def workspace_path(override: Path | str | None = None) -> Path:
    """The workspace database file inside :func:`data_dir`."""
    return data_dir(override) / WORKSPACE_FILE


def resources_dir() -> Path:
    """The folder of the shipped ``resources`` package (recipes, sample workspace)."""
    beside = Path(__file__).resolve().parent.parent / "resources"
    if beside.is_dir():
        return beside
    spec = importlib.util.find_spec("resources")
    if spec is not None:
        if spec.origin and spec.origin.endswith("__init__.py"):
            return Path(spec.origin).parent
        for location in spec.submodule_search_locations or ():
            return Path(location)
    return beside
