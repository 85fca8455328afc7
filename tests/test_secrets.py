"""Secrets: values in the real keychain only, names in the workspace, a plain fallback.

Tests marked ``keychain`` need a usable keychain (the real Secret Service in CI); the
``keychain`` fixture skips them on a machine without one and fails them when ``CI`` is set.
"""

from __future__ import annotations

import json
import os
import secrets as random
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import chainer, fail, null
from store_keychain import keychain, no_keychain

from composer.errors import SecretStoreError
from composer.model import Header, Person, Request, ResponseMapping
from composer.rendering.render import MASK, render
from composer.secrets import SERVICE, SecretNameError, SecretStore, check_name, keychain_problem
from composer.store.database import Database
from composer.store.people_io import export_people

__all__ = ["keychain", "no_keychain"]  # fixtures used by name below

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        yield database


def _unique(prefix: str) -> str:
    return f"{prefix}_{random.token_hex(6)}"


@pytest.mark.parametrize("name", ["trello_key", "_x", "A", "api-key", "k9", "Zendesk_Token-2"])
def test_liquid_identifiers_are_valid_names(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize(
    "name", ["", "9lives", "-x", "has space", "dot.ted", "naïve", "a/b", "x\n"]
)
def test_other_names_are_refused_plainly(name: str) -> None:
    with pytest.raises(SecretNameError) as caught:
        check_name(name)
    message = str(caught.value)
    assert "cannot name a secret" in message and "{{ secrets.NAME }}" in message


@pytest.mark.parametrize(
    ("backend", "fragment"),
    [
        (fail.Keyring(), "No keychain was found"),
        (null.Keyring(), "switched off"),
    ],
)
def test_unusable_backends_are_named_in_one_sentence(backend: Any, fragment: str) -> None:
    problem = keychain_problem(backend)
    assert problem is not None
    assert fragment in problem
    assert problem.endswith("for this session only and are not saved.")
    assert "\n" not in problem


def test_chainer_without_backends_is_unusable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    problem = keychain_problem(chainer.ChainerBackend())
    assert problem is not None and "No keychain was found" in problem


# -- fallback: no usable keychain ----------------------------------------------------


@pytest.mark.usefixtures("no_keychain")
def test_fallback_works_for_the_session_and_writes_no_value(db: Database, tmp_path: Path) -> None:
    value = _unique("fallback-value")
    store = SecretStore(db)
    assert not store.available
    assert store.problem is not None and "No keychain was found" in store.problem
    store.set("api_key", value)
    assert store.get("api_key") == value
    assert store.values_for(["api_key", "missing"]) == {"api_key": value}
    assert store.names() == ["api_key"]

    later = SecretStore(db)  # a new session: the name is known, the value is gone
    assert later.names() == ["api_key"]
    assert later.get("api_key") is None

    store.delete("api_key")
    assert store.get("api_key") is None and store.names() == []
    for file in tmp_path.iterdir():
        assert value.encode() not in file.read_bytes(), file


@pytest.mark.usefixtures("no_keychain")
def test_empty_value_and_bad_name_are_refused(db: Database) -> None:
    store = SecretStore(db)
    with pytest.raises(SecretStoreError, match="needs a value"):
        store.set("ok", "")
    with pytest.raises(SecretNameError):
        store.set("not ok", "v")
    assert store.names() == []


def test_keychain_failing_mid_session_falls_back(db: Database) -> None:
    class Flaky:
        """Answers reads, refuses writes: a keychain that locked itself mid-session."""

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.KeyringLocked("the collection is locked")

        def delete_password(self, service: str, username: str) -> None:
            raise keyring.errors.PasswordDeleteError("none")

    store = SecretStore(db, backend=Flaky())
    assert store.available
    store.set("token", "v1")
    assert not store.available
    assert store.problem == (
        "The keychain stopped working (the collection is locked), so secrets are kept in "
        "memory for this session only and are not saved."
    )
    assert store.get("token") == "v1"


# -- the real keychain ---------------------------------------------------------------


@pytest.mark.keychain
@pytest.mark.usefixtures("keychain")
def test_values_live_in_the_keychain(db: Database) -> None:
    name = _unique("zz_test")
    value = _unique("value")
    store = SecretStore(db)
    assert store.available and store.problem is None
    try:
        store.set(name, value)
        assert keyring.get_password(SERVICE, name) == value
        assert SecretStore(db).get(name) == value  # a later session reads it back
        assert store.names() == [name]
        store.set(name, value + "2")
        assert store.get(name) == value + "2"
    finally:
        store.delete(name)
    assert keyring.get_password(SERVICE, name) is None
    assert store.names() == []
    store.delete(name)  # deleting again is harmless


@pytest.mark.keychain
@pytest.mark.usefixtures("keychain")
def test_secret_value_never_reaches_the_disk(db: Database, tmp_path: Path) -> None:
    name = _unique("zz_token")
    value = _unique("Sup3r-s3cret")
    store = SecretStore(db)
    request = Request(
        name="Uses a secret",
        url=f"https://api.example.com/items?key={{{{ secrets.{name} }}}}",
        headers=(
            Header("Content-Type", "application/json"),
            Header("Authorization", f"Bearer {{{{ secrets.{name} }}}}"),
        ),
        body=f'{{"id": {{{{ customer.id | json }}}}, "key": "{{{{ secrets.{name} }}}}"}}',
        response_mappings=(ResponseMapping("token_seen", f"{{{{ secrets.{name} }}}}"),),
    )
    try:
        store.set(name, value)
        db.people.create(Person("1", "a@example.com", {"plan": "pro"}))
        context = {"customer": {"id": "1", "email": "a@example.com"}}
        shown = render(request, context, secrets=store.all_values())
        wire = render(request, context, secrets=store.all_values(), reveal=True)
        assert value in wire.body and value in wire.url  # the value is real and reachable
        assert MASK in shown.body and MASK in shown.url
        assert ("Authorization", f"Bearer {MASK}") in shown.headers
        shown_json = json.dumps(shown.to_dict(), ensure_ascii=False)
        assert value not in shown_json

        db.requests.create(request)
        db.settings.set("last_preview", shown.to_dict())
        exports = [
            db.requests.export_file(request.name, tmp_path / "request-export.json"),
            export_people(db, tmp_path / "people-export.json"),
            export_people(db, tmp_path / "people-export.csv"),
            db.backup(),
        ]
        files = [db.path, db.path.with_name(db.path.name + "-wal"), *exports]
        assert files[1].exists()  # the WAL is checked while it still holds the writes
        for file in files:
            assert value.encode() not in file.read_bytes(), file
    finally:
        store.delete(name)
    db.close()
    for file in tmp_path.iterdir():
        assert value.encode() not in file.read_bytes(), file


@pytest.mark.keychain
def test_locked_secret_service_is_one_plain_sentence(tmp_path: Path) -> None:
    """A Secret Service whose keyring is locked (no prompt can be shown) is not usable."""
    tools = [shutil.which("dbus-run-session"), shutil.which("gnome-keyring-daemon")]
    if not all(tools):
        message = "needs dbus-run-session and gnome-keyring-daemon"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    outer = ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL")
    env = {k: v for k, v in os.environ.items() if k not in outer}
    env.update(HOME=str(tmp_path), XDG_RUNTIME_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.pop("SSH_AUTH_SOCK", None)
    script = (
        'eval "$(gnome-keyring-daemon --start --components=secrets </dev/null)"; '
        "export GNOME_KEYRING_CONTROL; "
        f'"{sys.executable}" -c "from composer.secrets import keychain_problem; '
        'print(keychain_problem())"'
    )
    # Its own process group, so that a hang is ended whole (bus, daemon and all).
    process = subprocess.Popen(
        ["dbus-run-session", "--", "sh", "-c", script],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("asking a locked Secret Service for a value hung")
    assert process.returncode == 0, stderr
    sentence = stdout.strip().splitlines()[-1]
    assert sentence.startswith("The keychain cannot be used (")
    assert sentence.endswith(
        "so secrets are kept in memory for this session only and are not saved."
    )


def test_listing_names_does_not_ask_the_keychain(db: Database) -> None:
    asked: list[str] = []

    class Watching:
        def get_password(self, service: str, username: str) -> str | None:
            asked.append(username)
            return None

    store = SecretStore(db, backend=Watching())
    assert store.names() == []
    assert asked == []
    assert store.available
    assert len(asked) == 1  # the one probe, when availability is first wanted
