"""The exceptions ``composer`` raises, drawn as a tree.

Two families are kept apart, as the user sees them differently:

    ComposerError                 base of everything raised on purpose
    ├── KnownError                "the world said no": shown as one plain sentence
    │   ├── InvalidFileError      a request, context, people or cURL input is malformed
    │   │                         (carries the file, and the row or position when known)
    │   ├── StoreError            the workspace cannot be opened, migrated or written
    │   │   └── NotFoundError     a named request, person or delivery does not exist
    │   ├── SecretStoreError      the keychain refused (locked, absent, denied)
    │   ├── SendError             a request could not be sent at all (not an HTTP failure)
    │   └── InboxError            the local inbox cannot listen (not loopback, port taken)
    └── BugError                  an invariant broke: worth a report, never a plain message

Anything that is not a ``ComposerError`` escaping to the command line or the window is
treated like a ``BugError``.
"""

from __future__ import annotations

import re

__all__ = [
    "BugError",
    "ComposerError",
    "InboxError",
    "InvalidFileError",
    "KnownError",
    "NotFoundError",
    "SecretStoreError",
    "SendError",
    "StoreError",
]


class ComposerError(Exception):
    """Base of every exception raised on purpose by ``composer``."""


class KnownError(ComposerError):
    """The outside world refused something; ``str(error)`` is the sentence to show."""


class InvalidFileError(KnownError):
    """A file or pasted text is malformed.

    ``source`` names the file (or "<stdin>", "<text>"); ``where`` is an optional location
    inside it such as "row 7" or "line 3, column 12". The message is always one printable
    line: a line break, another control character or a lone surrogate that came from the
    file (in a quoted name or value) is shown as its escape, ``\\n``, ``\\x00``,
    ``\\udcff``.
    """

    def __init__(self, source: str, reason: str, where: str | None = None) -> None:
        self.source = _one_line(source)
        self.reason = _one_line(reason)
        self.where = None if where is None else _one_line(where)
        location = f"{self.source}: {self.where}" if self.where else self.source
        super().__init__(f"{location}: {self.reason}")


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")


def _one_line(text: str) -> str:
    """``text`` with control characters, line separators and lone surrogates escaped."""
    if text.isprintable() and not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


class StoreError(KnownError):
    """The workspace could not be opened, migrated or written.

    ``sqlite_error`` is SQLite's result code name when SQLite refused (``SQLITE_BUSY``,
    ``SQLITE_FULL``, ``SQLITE_READONLY_DBMOVED``…), so callers branch on the cause, never
    on the message's words; :attr:`busy` says whether another connection held the lock.
    """

    def __init__(self, message: str, sqlite_error: str | None = None) -> None:
        super().__init__(message)
        self.sqlite_error = sqlite_error
        """SQLite's result code name, or None when SQLite did not raise it."""

    @property
    def busy(self) -> bool:
        """Whether another connection held the lock (SQLITE_BUSY or SQLITE_LOCKED)."""
        return (self.sqlite_error or "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


class NotFoundError(StoreError):
    """A named request, person or delivery is not in the workspace."""


class SecretStoreError(KnownError):
    """The keychain could not be used."""


class SendError(KnownError):
    """A request could not be sent at all (as opposed to an HTTP-level failure)."""


class InboxError(KnownError):
    """The local inbox cannot start: a non-loopback address, or a port that is taken."""


class BugError(ComposerError):
    """An invariant of ``composer`` itself broke."""
