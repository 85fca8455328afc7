"""Named secrets: names in the workspace, values in the operating system's keychain.

Templates use a secret as ``{{ secrets.NAME }}``. The workspace's ``secret_names`` table
lists the names (so the window can show them and a missing one can be named); the values
are stored through keyring under the service ``webhook-composer``, the secret's name being
keyring's "username". No value is ever written to the workspace, an export or a log.

A keychain is usable when keyring's chosen backend is a real one. These are refused, each
with one plain sentence in :attr:`SecretStore.problem`:

* keyring's ``fail`` backend (nothing found), its ``null`` backend, or a chainer with no
  viable backend behind it (its writes would vanish silently);
* a backend from ``keyrings.alt`` (their file backends keep values in a plain file);
* any error from the backend when it is first asked for a value (a locked or absent
  Secret Service, D-Bus not running, access denied).

Without a usable keychain :class:`SecretStore` keeps values in this process's memory for
the session only; a keychain that fails later in the session switches it to the same
fallback. Names are still recorded in the workspace, so the name is known next time and a
render then reports the missing value instead of sending an empty one.

:func:`secrets_used` lists the secrets a request's templates read (for a dialog that asks
for the missing ones first), and :func:`missing_secret_name` reads the secret's name back
out of the preview's "the secret 'NAME' is not set" diagnostic.

The keychain is first asked when a value, or whether one can be kept, is wanted; listing
names never touches it. That first question may raise the desktop's unlock prompt and
wait for the person, so a window asks it off the GUI thread.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

from composer.errors import SecretStoreError
from composer.model import Request
from composer.paths import APP_NAME
from composer.store.database import Database

__all__ = [
    "NAME_PATTERN",
    "SERVICE",
    "SecretNameError",
    "SecretStore",
    "check_name",
    "keychain_problem",
    "missing_secret_name",
    "secrets_used",
]

SERVICE = APP_NAME
"""The keychain service name every secret is stored under."""
NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
"""A secret's name: a Liquid identifier, so that ``{{ secrets.NAME }}`` works."""
_USE = re.compile(r"""\bsecrets(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*["']([^"'\]]+)["']\s*\])""")
_MISSING = re.compile(r"the secret '([^']+)' is not set")


def secrets_used(request: Request) -> list[str]:
    """The secret names ``request``'s templates read, in order of first use."""
    texts = [request.url, *(h.value for h in request.headers), request.body]
    texts += [m.value for m in request.response_mappings]
    seen: dict[str, None] = {}
    for text in texts:
        for match in _USE.finditer(text):
            seen.setdefault(match.group(1) or match.group(2), None)
    return list(seen)


def missing_secret_name(message: str) -> str | None:
    """The secret a "the secret 'NAME' is not set" diagnostic names, else None."""
    found = _MISSING.search(message)
    return found.group(1) if found else None


_PROBE = "webhook-composer keychain probe"
_FALLBACK = "secrets are kept in memory for this session only and are not saved."


class SecretNameError(SecretStoreError):
    """A secret's name is not a Liquid identifier."""


def check_name(name: str) -> str:
    """Return ``name`` if it can follow ``secrets.`` in a template; else SecretNameError."""
    if not NAME_PATTERN.fullmatch(name):
        raise SecretNameError(
            f'"{name}" cannot name a secret: use letters, digits, "_" and "-", starting with '
            'a letter or "_" (for example "trello_key"), so that {{ secrets.NAME }} works.'
        )
    return name


def _backend_problem(backend: Any) -> str | None:
    """Why keyring's ``backend`` is not a usable keychain (None when it looks usable)."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring):
        return f"No keychain was found on this system, so {_FALLBACK}"
    if isinstance(backend, null.Keyring):
        return f"The keychain is switched off (keyring's null backend), so {_FALLBACK}"
    if isinstance(backend, chainer.ChainerBackend):
        inner = list(backend.backends)
        if not inner:
            return f"No keychain was found on this system, so {_FALLBACK}"
        for each in inner:
            problem = _backend_problem(each)
            if problem:
                return problem
    if type(backend).__module__.startswith("keyrings.alt"):
        return (
            f"The only keychain found ({type(backend).__name__}) may keep values in a plain "
            f"file, so it is not used and {_FALLBACK}"
        )
    return None


def _default_backend() -> Any:
    """keyring's chosen backend. keyring is imported here, on first use, not with this
    module: it costs about 13 MiB and 40 ms, which a window that never touches a secret
    (or a command that sends no secret) need not pay at start-up."""
    import keyring

    return keyring.get_keyring()


def _password_delete_error() -> type[Exception]:
    import keyring.errors

    return keyring.errors.PasswordDeleteError


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.rstrip(".")


def keychain_problem(backend: Any = None) -> str | None:
    """One plain sentence saying why no keychain is usable, or None when one is."""
    backend = _default_backend() if backend is None else backend
    problem = _backend_problem(backend)
    if problem:
        return problem
    try:
        backend.get_password(SERVICE, _PROBE)
    except Exception as exc:  # any backend failure means "not usable", said plainly
        return f"The keychain cannot be used ({_describe(exc)}), so {_FALLBACK}"
    return None


class SecretStore:
    """The workspace's secrets. ``available`` is False when values live only in memory.

    ``db`` None is a store for work without a workspace (``send`` of a request file): values
    come from the keychain by name as usual, and the names are only those set in this
    session (none to start with), since a keychain cannot be asked for a list of them.
    """

    def __init__(self, db: Database | None, backend: Any = None) -> None:
        self._db = db
        self._session_names: set[str] = set()
        self._backend = _default_backend() if backend is None else backend
        self._memory: dict[str, str] = {}
        self._lock = threading.RLock()
        self._problem: str | None = None
        self._probed = False

    @property
    def problem(self) -> str | None:
        """Why values are held in memory only (a plain sentence), or None.

        The keychain is first asked when this (or a value) is first needed, not when the
        store is made: an unlock prompt then comes when a secret is actually wanted.
        """
        with self._lock:
            if not self._probed:
                self._problem = keychain_problem(self._backend)
                self._probed = True
            return self._problem

    @property
    def available(self) -> bool:
        """Whether values are kept in the OS keychain."""
        return self.problem is None

    def _give_up(self, exc: BaseException) -> None:
        self._problem = f"The keychain stopped working ({_describe(exc)}), so {_FALLBACK}"
        self._probed = True

    # -- names ----------------------------------------------------------------------

    def names(self) -> list[str]:
        """The secret names the workspace uses, sorted."""
        if self._db is None:
            with self._lock:
                return sorted(self._session_names)
        rows = self._db.fetchall("SELECT name FROM secret_names ORDER BY name")
        return [row["name"] for row in rows]

    # -- values ---------------------------------------------------------------------

    def get(self, name: str) -> str | None:
        """The secret's value, or None when it has none (here or in the keychain)."""
        with self._lock:
            if name in self._memory or not self.available:
                return self._memory.get(name)
            try:
                value = self._backend.get_password(SERVICE, name)
            except Exception as exc:
                self._give_up(exc)
                return None
            return None if value is None else str(value)

    def set(self, name: str, value: str) -> None:
        """Keep ``value`` under ``name`` (in the keychain, or in memory without one)."""
        check_name(name)
        if value == "":
            raise SecretStoreError(f'The secret "{name}" needs a value; it was empty.')
        with self._lock:
            if self.available:
                try:
                    self._backend.set_password(SERVICE, name, value)
                except Exception as exc:
                    self._give_up(exc)
                else:
                    self._memory.pop(name, None)
            if not self.available:
                self._memory[name] = value
            if self._db is None:
                self._session_names.add(name)
                return
        with self._db.transaction():
            self._db.execute("INSERT OR IGNORE INTO secret_names (name) VALUES (?)", (name,))

    def delete(self, name: str) -> None:
        """Forget the secret: its value everywhere and its name in the workspace."""
        with self._lock:
            self._memory.pop(name, None)
            if self.available:
                try:
                    self._backend.delete_password(SERVICE, name)
                except _password_delete_error():
                    pass  # the keychain held no value for it
                except Exception as exc:
                    self._give_up(exc)
            if self._db is None:
                self._session_names.discard(name)
                return
        with self._db.transaction():
            self._db.execute("DELETE FROM secret_names WHERE name = ?", (name,))

    def values_for(self, names: Iterable[str]) -> dict[str, str]:
        """The values of ``names`` that are set (a missing one is simply left out)."""
        values: dict[str, str] = {}
        for name in names:
            value = self.get(name)
            if value is not None:
                values[name] = value
        return values

    def all_values(self) -> dict[str, str]:
        """Every set value of the workspace's secrets, for rendering what goes on the wire."""
        return self.values_for(self.names())
