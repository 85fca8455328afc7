"""Webhook Composer's core: requests, Customer.io-faithful rendering, linting and more.

Everything the application does is callable from here without a display; the ``ui``
package only shows these objects. The public surface is what ``__all__`` lists; modules
not re-exported here are internal.

The names are resolved on first use (:pep:`562` module ``__getattr__``): importing
``composer.cli`` or ``composer.errors`` does not load the Liquid engine, which the
rendering names need and which costs a tenth of a second or more to import. The
window's start-up and the commands that never render start that much sooner.

**One list.** :data:`_HOMES` names each public name's home module; ``__all__`` is derived
from it, and so is the lazy lookup. The ``TYPE_CHECKING`` block star-imports the same
modules for type checkers (which cannot read a table), and ``tests/test_public_api.py`` fails when
its modules' ``__all__`` differ from :data:`_HOMES` by a single name.

``__version__`` is the one place the version is written: the distribution's metadata
(``pyproject.toml``, ``dynamic = ["version"]``), the bundle and the User-Agent read it.

``composer.render`` names both a submodule and the function: as when the names were
imported eagerly, the package attribute stays the function even after the submodule is
imported (the import system would otherwise set it to the module).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers, which cannot read _HOMES: the same four modules
    from composer.diagnostics import *  # noqa: F403
    from composer.errors import *  # noqa: F403
    from composer.model import *  # noqa: F403
    from composer.render import *  # noqa: F403

__version__ = "0.1.0"

_HOMES = {
    "composer.diagnostics": ("Diagnostic", "Severity", "line_column"),
    "composer.errors": (
        "BugError",
        "ComposerError",
        "InboxError",
        "InvalidFileError",
        "KnownError",
        "NotFoundError",
        "SecretStoreError",
        "SendError",
        "StoreError",
    ),
    "composer.model": (
        "DEFAULT_HEADERS",
        "METHODS",
        "SEND_MODES",
        "Event",
        "Header",
        "Person",
        "Request",
        "ResponseMapping",
        "context_for",
        "json_kind",
        "load_context",
        "parse_context",
    ),
    "composer.render": (
        "MASK",
        "RenderedRequest",
        "VersionComparison",
        "render",
        "render_body",
        "render_both",
        "render_field",
    ),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted([*_MODULE_OF, "__version__"])


def __getattr__(name: str) -> Any:
    """Import a public name's home module on first use and keep the name here."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'composer' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(ModuleType):
    """The package module: a submodule never hides a public name of the same spelling."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and name in _MODULE_OF:
            return  # the import system announcing composer.render: the function stays
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
