"""What can go wrong talking to Customer.io's App API, drawn as a tree.

Every one of these is "the world said no" (a :class:`~composer.errors.KnownError`): its
``str()`` is one plain sentence naming what was being done, fit to show as it is.

    KnownError
    └── CioError                  base of everything the App API client raises
        ├── NoKeyError            no App API key is stored for this workspace (log in first)
        ├── KeyRefusedError       401: Customer.io refused the key
        ├── ForbiddenError        403: the key may not do this (its scope)
        ├── CioNotFoundError      404: no such campaign, action, person or segment
        ├── CioRefusedError       any other 4xx: Customer.io refused the request
        ├── CioUnavailableError   retries used up (429, 5xx, timeouts, connection errors)
        ├── CioResponseError      an answer that is not the documented shape
        ├── CioCancelledError     the caller's ``cancelled()`` hook said stop
        └── PushRefusedError      a push rule refused (conflict, failing check, secrets)

No message ever holds the App API key: messages name the operation and the HTTP
status, never a request header.
"""

from __future__ import annotations

from composer.errors import KnownError

__all__ = [
    "CioCancelledError",
    "CioError",
    "CioNotFoundError",
    "CioRefusedError",
    "CioResponseError",
    "CioUnavailableError",
    "ForbiddenError",
    "KeyRefusedError",
    "NoKeyError",
    "PushRefusedError",
]


class CioError(KnownError):
    """Something Customer.io's App API (or its key) did not allow."""


class NoKeyError(CioError):
    """No App API key is stored for this workspace."""


class KeyRefusedError(CioError):
    """Customer.io answered 401: the App API key is wrong or was revoked."""


class ForbiddenError(CioError):
    """Customer.io answered 403: the key's scope does not allow the operation."""


class CioNotFoundError(CioError):
    """Customer.io answered 404: the campaign, action, person or segment does not exist."""


class CioRefusedError(CioError):
    """Customer.io answered another 4xx; ``status`` and ``detail`` say which and why."""

    def __init__(self, message: str, status: int, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        """The HTTP status."""
        self.detail = detail
        """Customer.io's own explanation (its ``errors[].detail``), if it gave one."""


class CioUnavailableError(CioError):
    """Every attempt failed with a retried outcome (429, 5xx, timeout, connection)."""


class CioResponseError(CioError):
    """Customer.io answered 2xx with a body that is not the documented JSON shape."""


class CioCancelledError(CioError):
    """The work was cancelled by the caller."""


class PushRefusedError(CioError):
    """A push rule refused; ``reason`` is ``conflict``, ``check``, ``secrets``, ``cancelled``
    or ``changed`` (the action changed between the plan and the push)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
        """Which rule refused."""
