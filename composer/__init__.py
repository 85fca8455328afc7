"""Webhook Composer's core: requests, Customer.io-faithful rendering, linting and more.

Everything the application does is callable from here without a display; the ``ui``
package only shows these objects. The public surface is what ``__all__`` lists; modules
not re-exported here are internal.
"""

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
    load_context,
    parse_context,
)
from composer.render import MASK, RenderedRequest, render, render_body, render_field

__version__ = "0.1.0"

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
    "__version__",
    "context_for",
    "line_column",
    "load_context",
    "parse_context",
    "render",
    "render_body",
    "render_field",
]
