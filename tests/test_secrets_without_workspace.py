"""A secret store with no workspace (``send`` of a request file): values from the keychain
by name, names only those set in the session."""

from __future__ import annotations

import secrets as random
from typing import Any

import pytest
from store_keychain import keychain, no_keychain

from composer.secrets import SecretStore

__all__ = ["keychain", "no_keychain"]  # fixtures used by name below


@pytest.mark.usefixtures("no_keychain")
def test_without_a_keychain_values_live_for_the_session() -> None:
    store = SecretStore(None)
    assert store.names() == [] and store.get("token") is None
    assert not store.available and store.problem
    store.set("token", "s3cret")
    assert store.names() == ["token"] and store.get("token") == "s3cret"
    assert store.all_values() == {"token": "s3cret"}
    store.delete("token")
    assert store.names() == [] and store.get("token") is None


def test_with_a_keychain_a_value_set_elsewhere_is_read_by_name(keychain: Any) -> None:
    name = f"nows_{random.token_hex(6)}"
    keychain.set_password("webhook-composer", name, "from-the-keychain")
    try:
        store = SecretStore(None, keychain)
        assert store.available
        assert store.names() == []  # a keychain cannot list them
        assert store.get(name) == "from-the-keychain"
    finally:
        keychain.delete_password("webhook-composer", name)
