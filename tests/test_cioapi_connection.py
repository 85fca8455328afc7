"""The connection: the key in the keychain only, the region and address in settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
import pytest
from cio_fixtures import cio, db
from cio_server import KEY, CioServer
from store_keychain import keychain, no_keychain

from composer.cioapi import (
    KeyRefusedError,
    KeyStore,
    NoKeyError,
    load_connection,
    login,
    logout,
    open_client,
)
from composer.cioapi.connection import API_URL_SETTING, KEY_ID_SETTING, REGION_SETTING
from composer.delivery.retry import RetryPolicy
from composer.errors import SecretStoreError
from composer.secrets import SERVICE, SecretStore
from composer.store.database import Database

__all__ = ["cio", "db", "keychain", "no_keychain"]  # fixtures used by name below

FAST = RetryPolicy(max_retries=1, base=0.01)


def test_before_a_login_there_is_no_key_and_the_region_is_us(db: Database) -> None:
    assert load_connection(db).base_url == "https://api.customer.io"
    with pytest.raises(NoKeyError, match="log in first"):
        open_client(db)


@pytest.mark.usefixtures("no_keychain")
def test_without_a_keychain_login_stores_nothing(db: Database, cio: CioServer) -> None:
    with pytest.raises(SecretStoreError, match=r"No keychain was found.*not saved"):
        login(db, KEY, "eu", cio.url)
    assert cio.received == []
    assert db.settings.all() == {}


@pytest.mark.keychain
def test_login_keeps_the_key_in_the_keychain_and_nothing_else(
    db: Database, cio: CioServer, keychain: Any, tmp_path: Path
) -> None:
    with pytest.raises(KeyRefusedError):
        login(db, "wrong-key", "us", cio.url, policy=FAST)
    assert KeyStore(db).get() is None
    try:
        (workspace,) = login(db, f"  {KEY}\n", "eu", cio.url, policy=FAST)
        assert workspace.name == "Acme Production"
        assert db.settings.get(REGION_SETTING) == "eu"
        assert db.settings.get(API_URL_SETTING) == cio.url
        name = f"Customer.io App API key {db.settings.get(KEY_ID_SETTING)}"
        assert keyring.get_password(SERVICE, name) == KEY
        assert SecretStore(db).names() == []  # never a template secret
        with open_client(db, policy=FAST) as client:
            assert [c.id for c in client.campaigns()] == [7]
        for file in tmp_path.iterdir():
            if file.is_file():
                assert KEY.encode() not in file.read_bytes()
    finally:
        logout(db)
    assert KeyStore(db).get() is None
    with pytest.raises(NoKeyError):
        open_client(db)
