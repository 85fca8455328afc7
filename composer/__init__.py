"""Webhook Composer's core: requests, Customer.io-faithful rendering, linting and more.

Everything the application does is callable from here without a display; the ``ui``
package only shows these objects. The public surface is what ``__all__`` lists; modules
not re-exported here are internal.

The names are resolved on first use (:pep:`562` module ``__getattr__``): importing
``composer.cli`` or ``composer.errors`` does not load the Liquid engine, which the
rendering names need and which costs a tenth of a second or more to import. The
window's start-up and the commands that never render start that much sooner.

``composer.render`` names both a submodule and the function: as when the names were
imported eagerly, the package attribute stays the function even after the submodule is
imported (the import system would otherwise set it to the module).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from composer.diagnostics import Diagnostic, Severity, line_column
    from composer.errors import (
        BugError,
        ComposerError,
        InboxError,
        InvalidFileError,
        KnownError,
        NotFoundError,
        SecretStoreError,
        SendError,
        StoreError,
    )
    from composer.model import (
        DEFAULT_HEADERS,
        METHODS,
        SEND_MODES,
        Event,
        Header,
        Person,
        Request,
        ResponseMapping,
        context_for,
        json_kind,
        load_context,
        parse_context,
    )
    from composer.render import (
        MASK,
        RenderedRequest,
        VersionComparison,
        render,
        render_body,
        render_both,
        render_field,
    )

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

__all__ = [
    "DEFAULT_HEADERS",
    "MASK",
    "METHODS",
    "SEND_MODES",
    "BugError",
    "ComposerError",
    "Diagnostic",
    "Event",
    "Header",
    "InboxError",
    "InvalidFileError",
    "KnownError",
    "NotFoundError",
    "Person",
    "RenderedRequest",
    "Request",
    "ResponseMapping",
    "SecretStoreError",
    "SendError",
    "Severity",
    "StoreError",
    "VersionComparison",
    "__version__",
    "context_for",
    "json_kind",
    "line_column",
    "load_context",
    "parse_context",
    "render",
    "render_body",
    "render_both",
    "render_field",
]


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
