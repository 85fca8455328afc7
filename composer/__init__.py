"""Webhook Composer's core: requests, Customer.io-faithful rendering, linting and more.

Everything the application does is callable from here without a display; the ``ui``
package only shows these objects. The public surface is what ``__all__`` lists; modules
not re-exported here are internal.

The names are resolved on first use (:pep:`562` module ``__getattr__``): importing
``composer.cli.main`` or ``composer.errors`` does not load the Liquid engine, which the
rendering names need and which costs a tenth of a second or more to import. The
window's start-up and the commands that never render start that much sooner.

**One list.** :data:`_HOMES` names each public name's home module; ``__all__`` is derived
from it, and so is the lazy lookup. The ``TYPE_CHECKING`` block star-imports the same
modules for type checkers (which cannot read a table), and ``tests/test_public_api.py`` fails when
its modules' ``__all__`` differ from :data:`_HOMES` by a single name.

``__version__`` is the one place the version is written: the distribution's metadata
(``pyproject.toml``, ``dynamic = ["version"]``), the bundle and the User-Agent read it.

The public names live in packages whose names differ from theirs (``render`` the function
is in ``composer.rendering.render``), so importing a submodule never hides one of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers, which cannot read _HOMES: the same four modules
    from composer.errors import *  # noqa: F403
    from composer.model import *  # noqa: F403
    from composer.rendering.diagnostics import *  # noqa: F403
    from composer.rendering.render import *  # noqa: F403

__version__ = "0.1.0"

_HOMES = {
    "composer.rendering.diagnostics": ("Diagnostic", "Severity", "line_column"),
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
    "composer.rendering.render": (
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
