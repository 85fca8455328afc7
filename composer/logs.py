"""The log: one rotating file per user, with every secret masked before it is written.

:func:`setup_logging` is called once by the window (:func:`ui.app.run`) and by the command
line (:func:`composer.cli.main.main`). It attaches to the ``composer`` and ``ui`` loggers
(never the root logger: third-party libraries such as httpx log whole URLs, which may
carry credentials in a query string) a :class:`logging.handlers.RotatingFileHandler` of
:data:`MAX_BYTES` × (:data:`BACKUPS` + 1) files, and with ``verbose=True`` (``--verbose``
on the command line) a second handler that prints the same lines on stderr. Calling it
again replaces the handlers it made before (a test, a second window in one process).

Where the file is (:func:`log_dir`): under ``$WEBHOOK_COMPOSER_HOME/logs`` when that is
set (tests point it at ``tmp_path``), else platformdirs' user log folder for the app (for
example ``~/.local/state/webhook-composer/log`` on Linux). The folder and the file are
made when the first line is written, so a command that logs nothing (``curl`` without a
workspace) leaves nothing behind. A file that cannot be written is not fatal: it is said
once on stderr and the app goes on without it.

**Secrets never reach the file or the screen.** The core masks secrets before anything is
stored or logged; :class:`SecretMask`, a filter on every handler made here, is the last
line of defence. It rewrites each record's whole text (message, arguments, traceback and
stack) with:

* every secret value the app knows (:func:`remember_secrets`; the window passes the
  keychain's values once it is open and after each change), in every encoding an echo may
  use (:class:`composer.delivery.masking.Masker`: JSON and percent escapes, base64…);
* values that are credentials by their form, whether or not they are known: the value of
  an ``Authorization``, ``Proxy-Authorization``, ``Cookie``, ``Set-Cookie``, ``X-Api-Key``
  or ``Api-Key`` header (written ``Name: value``, ``"Name": "value"``, ``Name=value`` or as
  a pair ``('Name', 'value')``), the
  token after ``Bearer``, ``Basic`` or ``Token``, and the password of a URL's
  ``user:password@``.

A template's ``{{ secrets.NAME }}`` names a secret and does not reveal it, so it is kept:
it says which secret a request used. A record longer than :data:`MAX_RECORD` characters
is cut there (a whole response body is not a log line).

Several processes may write the same file (the window and a command in a terminal); each
line is written whole, and rotation by one of them may leave the other writing to the
renamed file until it rotates too. Nothing is lost.
"""

from __future__ import annotations

import io
import logging
import os
import re
import sys
import threading
from collections.abc import Iterable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

from composer.paths import APP_NAME, HOME_ENV

if TYPE_CHECKING:
    from composer.delivery.masking import Masker

__all__ = [
    "BACKUPS",
    "LOGGERS",
    "LOG_FILE",
    "MASK",
    "MAX_BYTES",
    "MAX_RECORD",
    "SecretMask",
    "close_logging",
    "forget_secrets",
    "log_dir",
    "log_path",
    "remember_secrets",
    "setup_logging",
]

LOG_FILE = "webhook-composer.log"
"""The log file's name inside :func:`log_dir`."""
MAX_BYTES = 1024 * 1024
"""The file is rotated when it would grow past this many bytes."""
BACKUPS = 5
"""Rotated files kept (``webhook-composer.log.1`` … ``.5``)."""
MAX_RECORD = 8 * 1024
"""A record's text is cut to this many characters."""
LOGGERS = ("composer", "ui")
"""The loggers whose records reach the file."""
MASK = "••••••"
"""What a masked value is replaced with (the same as the preview's)."""
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"
"""One line per record: when, how bad, which part of the app, which thread, what."""

_HEADER = re.compile(
    r"""(?P<head>\b(?:proxy-)?authorization|\bset-cookie|\bcookie|\bx-api-key|\bapi-key)"""
    r"""(?P<sep>["']?\s*[:=]\s*["']?|["']\s*,\s*["'])(?P<value>[^"'\r\n,}]+)""",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"\b(?P<head>Bearer|Basic|Token)(?P<sep>\s+)(?P<value>[^\s\"',;]+)")
_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]+:)(?P<value>[^\s@/]+)@")


def log_dir() -> Path:
    """The folder of the log file (not created here)."""
    home = os.environ.get(HOME_ENV, "")
    if home:
        return Path(home).expanduser() / "logs"
    import platformdirs  # slow to import: only when nothing else says where

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_path() -> Path:
    """The log file (the newest; rotated ones carry ``.1`` … beside it)."""
    return log_dir() / LOG_FILE


class SecretMask(logging.Filter):
    """Rewrites a record's text with every secret masked (see the module docstring).

    Thread-safe: records come from every thread, values are added from the GUI thread.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._values: frozenset[str] = frozenset()
        self._masker: Masker | None = None

    def remember(self, values: Iterable[str]) -> None:
        """Mask these values too, from now on (empty ones are ignored)."""
        with self._lock:
            added = self._values | {v for v in values if v}
            if added != self._values:
                self._values = frozenset(added)
                self._masker = None

    def forget(self) -> None:
        """Mask no known value any more (the forms of credentials still are)."""
        with self._lock:
            self._values, self._masker = frozenset(), None

    def mask(self, text: str) -> str:
        """``text`` with every known value and every credential by form masked."""
        with self._lock:
            values, masker = self._values, self._masker
            if values and masker is None:
                from composer.delivery.masking import masker_for

                masker = self._masker = masker_for(sorted(values))
        if masker is not None:
            text = masker.mask(text)
        text = _HEADER.sub(_masked, text)
        text = _SCHEME.sub(_masked, text)
        return _USERINFO.sub(lambda m: f"{m['head']}{MASK}@", text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception as exc:  # a bad format string must not stop the line
            message = f"{record.msg!r} (unformattable: {exc})"
        record.msg, record.args = self.mask(_cut(message)), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(_cut(record.exc_text))
        if record.stack_info:
            record.stack_info = self.mask(_cut(record.stack_info))
        return True


def _masked(match: re.Match[str]) -> str:
    return f"{match['head']}{match['sep']}{MASK}"


def _cut(text: str) -> str:
    if len(text) <= MAX_RECORD:
        return text
    return f"{text[:MAX_RECORD]}… ({len(text) - MAX_RECORD:,} more characters)"


_MASK = SecretMask()
_MINE = "_webhook_composer_handler"


def remember_secrets(values: Iterable[str]) -> None:
    """Mask these secret values in every log line from now on."""
    _MASK.remember(values)


def forget_secrets() -> None:
    """Stop masking the values remembered so far (the forms of credentials still are): a
    process that is done with one workspace's secrets, such as each test of the suite."""
    _MASK.forget()


class _LogFile(RotatingFileHandler):
    """The rotating file, made (with its folder) only when the first line is written; a
    file that cannot be written is said once on stderr, and the lines after it dropped."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        self.problem: str | None = None
        """Why the file cannot be written, once that happened."""
        self._regular = True

    def _open(self) -> io.TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        stream = super()._open()
        self._regular = Path(self.baseFilename).is_file()  # never rotate a pipe or a device
        return stream

    def emit(self, record: logging.LogRecord) -> None:
        if self.problem is None:
            super().emit(record)

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        """Whether this line would take the file past :data:`MAX_BYTES`.

        The standard check stats the path twice per line to rotate regular files only;
        here that is decided once, when the file is opened (a runner writes thousands of
        lines a second). The end of the file is still looked up per line, since another
        process may be writing it too.
        """
        if self.stream is None:
            self.stream = self._open()
        if not self._regular:
            return False
        text = f"{self.format(record)}\n"
        return self.stream.seek(0, os.SEEK_END) + len(text.encode("utf-8")) >= self.maxBytes

    def handleError(self, record: logging.LogRecord) -> None:
        failure = sys.exc_info()[1]
        if not isinstance(failure, OSError):
            super().handleError(record)
            return
        self.problem = (
            f"the log file {self.baseFilename} cannot be written "
            f"({failure.strerror or failure}); the app goes on without it"
        )
        print(f"webhook-composer: {self.problem}", file=sys.stderr)


def setup_logging(*, verbose: bool = False, level: int = logging.INFO) -> Path:
    """Send the app's records to the log file (and stderr with ``verbose``); returns the
    file's path. Nothing is made on disk until the first line is written."""
    close_logging()
    path = log_path()
    handlers: list[logging.Handler] = [_LogFile(path)]
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(_MASK)
        setattr(handler, _MINE, True)
        for name in LOGGERS:
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            if logger.level == logging.NOTSET or logger.level > level:
                logger.setLevel(level)
    return path


def close_logging() -> None:
    """Take the handlers :func:`setup_logging` made off the loggers and close them."""
    closed: set[int] = set()
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if getattr(handler, _MINE, False):
                logger.removeHandler(handler)
                if id(handler) not in closed:
                    closed.add(id(handler))
                    handler.close()
