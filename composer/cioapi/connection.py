"""The connection to Customer.io: the App API key in the keychain, the region in settings.

* **The key** lives in the OS keychain only (through keyring, service
  ``webhook-composer``), under a name made for this workspace — "Customer.io App API key"
  and a random id kept in the workspace's settings. That name is not a secret name
  (it has spaces), so no template can ever read the key as ``{{ secrets.… }}``, and
  ``secrets list`` does not show it. The key is never written to the workspace, an
  export, a log or anything printed.
* **The region** (``us`` or ``eu``) and an optional API address (``--api-url``, for a
  local server) are workspace settings: ``cio.region`` and ``cio.api_url``.
* :func:`login` makes a test call first (``GET /v1/workspaces``, "List workspaces") and
  stores nothing when it fails; it returns the workspaces. The reference says an App API
  key is scoped to one workspace but that this call lists "the workspaces in your
  account", without saying which one the key opens: decided here, the caller names the
  workspace when one is listed, and all of them when several are.
* Without a usable keychain nothing is stored and :class:`~composer.errors.SecretStoreError`
  says why, in the keychain's own sentence (:func:`composer.secrets.keychain_problem`).
  A caller that can hold the key for a session (the window) passes ``remember=False``
  to :func:`login`, keeps the key itself and hands it to :func:`open_client` as ``key``;
  the region and address are still the workspace's settings.
* :func:`check_key` is the test call alone ("Test connection"): nothing is stored.
  :func:`workspaces_label` names what a key opens, in one phrase.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import keyring
import keyring.errors

from composer.cioapi.client import DEFAULT_TIMEOUT, REGIONS, CioClient, Region, base_url_for
from composer.cioapi.errors import CioError, NoKeyError
from composer.cioapi.models import Workspace
from composer.delivery.retry import RetryPolicy
from composer.errors import SecretStoreError
from composer.secrets import SERVICE, keychain_problem
from composer.store.database import Database

__all__ = [
    "API_URL_SETTING",
    "KEY_ID_SETTING",
    "REGION_SETTING",
    "Connection",
    "KeyStore",
    "check_key",
    "load_connection",
    "login",
    "logout",
    "open_client",
    "workspaces_label",
]

REGION_SETTING = "cio.region"
"""Workspace setting: ``us`` or ``eu``."""
API_URL_SETTING = "cio.api_url"
"""Workspace setting: an App API address replacing the region's (absent: none)."""
KEY_ID_SETTING = "cio.key_id"
"""Workspace setting: the random id naming this workspace's key in the keychain."""
_KEY_NAME = "Customer.io App API key"


@dataclass(frozen=True, slots=True)
class Connection:
    """Where this workspace's Customer.io lives (never the key itself)."""

    region: Region
    """``us`` or ``eu``."""
    api_url: str | None
    """An address replacing the region's, or None."""

    @property
    def base_url(self) -> str:
        """The App API address calls go to."""
        return base_url_for(self.region, self.api_url)

    @property
    def label(self) -> str:
        """``US``, ``EU`` or the address, for messages."""
        return self.api_url or self.region.upper()


def load_connection(db: Database) -> Connection:
    """The workspace's region and API address (US and no address until logged in)."""
    region = db.settings.get(REGION_SETTING, "us")
    api_url = db.settings.get(API_URL_SETTING)
    return Connection(
        region="eu" if region == "eu" else "us",
        api_url=api_url if isinstance(api_url, str) and api_url else None,
    )


class KeyStore:
    """This workspace's App API key in the OS keychain."""

    def __init__(self, db: Database, backend: Any = None) -> None:
        self._db = db
        self._backend = keyring.get_keyring() if backend is None else backend

    @property
    def problem(self) -> str | None:
        """Why no keychain can hold the key (a plain sentence), or None."""
        return keychain_problem(self._backend)

    def _name(self, create: bool = False) -> str | None:
        key_id = self._db.settings.get(KEY_ID_SETTING)
        if not isinstance(key_id, str) or not key_id:
            if not create:
                return None
            key_id = uuid.uuid4().hex
            self._db.settings.set(KEY_ID_SETTING, key_id)
        return f"{_KEY_NAME} {key_id}"

    def get(self) -> str | None:
        """The key, or None when none is stored (or no keychain answers)."""
        name = self._name()
        if name is None or self.problem is not None:
            return None
        try:
            value = self._backend.get_password(SERVICE, name)
        except Exception:  # a keychain that stopped answering holds nothing for us
            return None
        return None if value is None else str(value)

    def set(self, key: str) -> None:
        """Keep ``key`` in the keychain; :class:`SecretStoreError` when there is none."""
        problem = self.problem
        if problem is not None:
            raise SecretStoreError(f"{problem} The App API key was not saved.")
        name = self._name(create=True)
        assert name is not None
        try:
            self._backend.set_password(SERVICE, name, key)
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise SecretStoreError(
                f"The keychain refused the App API key ({first}); it was not saved."
            ) from None

    def delete(self) -> None:
        """Forget the key (nothing happens when none is stored)."""
        name = self._name()
        if name is None or self.problem is not None:
            return
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self._backend.delete_password(SERVICE, name)


def check_key(
    key: str,
    region: Region = "us",
    api_url: str | None = None,
    *,
    policy: RetryPolicy | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cancelled: Callable[[], bool] | None = None,
) -> list[Workspace]:
    """Make the test call with ``key`` (nothing is stored); returns the workspaces."""
    if region not in REGIONS:
        raise CioError(f'"{region}" is not a Customer.io region; use "us" or "eu".')
    with CioClient(
        key,
        base_url=base_url_for(region, api_url),
        policy=policy,
        timeout=timeout,
        cancelled=cancelled,
    ) as client:
        return client.workspaces()


def workspaces_label(workspaces: list[Workspace]) -> str:
    """``the workspace "Acme"``, or the account's workspaces when several are listed."""
    names = [w.name for w in workspaces if w.name]
    if len(names) == 1:
        return f'the workspace "{names[0]}"'
    if names:
        return "an account with the workspaces " + ", ".join(f'"{n}"' for n in names)
    return "an account that lists no workspaces"


def login(
    db: Database,
    key: str,
    region: Region = "us",
    api_url: str | None = None,
    *,
    policy: RetryPolicy | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    backend: Any = None,
    cancelled: Callable[[], bool] | None = None,
    remember: bool = True,
) -> list[Workspace]:
    """Test ``key`` against the App API, then keep it and the region; returns the workspaces.

    Nothing is stored when the keychain is unusable or the test call fails. With
    ``remember=False`` the key is not kept (nor is a keychain needed): only the region
    and address are, and the caller holds the key for its session.
    """
    if region not in REGIONS:
        raise CioError(f'"{region}" is not a Customer.io region; use "us" or "eu".')
    keys = KeyStore(db, backend)
    problem = keys.problem
    if remember and problem is not None:
        raise SecretStoreError(f"{problem} The App API key was not saved.")
    workspaces = check_key(
        key, region, api_url, policy=policy, timeout=timeout, cancelled=cancelled
    )
    if remember:
        keys.set(key.strip())
    with db.transaction():
        db.settings.set(REGION_SETTING, region)
        if api_url:
            db.settings.set(API_URL_SETTING, base_url_for(region, api_url))
        else:
            db.settings.delete(API_URL_SETTING)
    return workspaces


def logout(db: Database, backend: Any = None) -> None:
    """Forget the key (the region and address stay)."""
    KeyStore(db, backend).delete()


def open_client(
    db: Database,
    *,
    policy: RetryPolicy | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cancelled: Callable[[], bool] | None = None,
    backend: Any = None,
    key: str | None = None,
) -> CioClient:
    """A client for this workspace's Customer.io; :class:`NoKeyError` before a login.

    ``key`` (one held for the session) is used instead of the keychain's.
    """
    if key is not None:
        return CioClient(
            key,
            base_url=load_connection(db).base_url,
            policy=policy,
            timeout=timeout,
            cancelled=cancelled,
        )
    keys = KeyStore(db, backend)
    if db.settings.get(KEY_ID_SETTING) is not None and keys.problem is not None:
        raise NoKeyError(f"{keys.problem} So the Customer.io App API key cannot be read.")
    key = keys.get()
    if key is None:
        raise NoKeyError("No Customer.io App API key is stored for this workspace; log in first.")
    return CioClient(
        key,
        base_url=load_connection(db).base_url,
        policy=policy,
        timeout=timeout,
        cancelled=cancelled,
    )
