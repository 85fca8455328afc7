"""Keychain fixtures for the secrets tests (import the fixtures into a test module).

``keychain`` yields keyring's backend when a real keychain is usable. When none is, it
skips the test on a developer's machine and fails it when ``CI`` is set, because CI runs
the suite inside ``dbus-run-session`` with an unlocked gnome-keyring-daemon and a skip
there would hide a broken set-up. ``no_keychain`` installs keyring's ``fail`` backend for
one test and restores the previous backend afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from composer.secrets import keychain_problem


@pytest.fixture
def keychain() -> Iterator[Any]:
    """keyring's backend, known to work (skip locally, fail in CI, when none does)."""
    backend = keyring.get_keyring()
    problem = keychain_problem(backend)
    if problem:
        message = f"needs a usable keychain: {problem}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    yield backend


@pytest.fixture
def no_keychain() -> Iterator[Any]:
    """keyring's ``fail`` backend for the duration of one test."""
    previous = keyring.get_keyring()
    backend = fail.Keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
