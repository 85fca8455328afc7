"""Forward-only migrations through PRAGMA user_version, with a copy taken first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from composer.errors import StoreError
from composer.model import Event, Person, Request
from composer.store import schema
from composer.store.database import Database

_V2 = """
ALTER TABLE people ADD COLUMN nickname TEXT NOT NULL DEFAULT '';
CREATE TABLE tags (name TEXT PRIMARY KEY);  -- a new table; with a comment
"""


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {row[0] for row in rows}
    finally:
        conn.close()


def _version_1_file_with_data(path: Path) -> None:
    with Database(path, migrations=schema.MIGRATIONS[:1]) as db:
        assert db.version == 1
        db.requests.create(Request(name="Kept", url="https://example.com"))
        db.people.create(Person("42", "ana@example.com", {"plan": "pro", "zip": "02134"}))
        db.people.add_event("42", Event("signup", {"source": "ad"}, 1_700_000_000))
        db.settings.set("theme", "dark")


@pytest.mark.parametrize("start", ["absent", "zero bytes"])
def test_new_file_migrates_to_current_without_a_copy(tmp_path: Path, start: str) -> None:
    path = tmp_path / "workspace.sqlite3"
    if start == "zero bytes":
        path.write_bytes(b"")
    with Database(path) as db:
        assert db.version == schema.SCHEMA_VERSION
        assert db.created
        assert db.backup_path is None
    assert {"requests", "people", "events", "deliveries", "attempts", "settings"} <= _tables(path)
    assert not list(tmp_path.glob("*.bak"))


def test_version_1_file_migrates_to_v2_keeping_data_and_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "workspace.sqlite3"
    _version_1_file_with_data(path)
    migrations = (*schema.MIGRATIONS, _V2) if len(schema.MIGRATIONS) == 1 else schema.MIGRATIONS
    monkeypatch.setattr(schema, "MIGRATIONS", migrations)

    with Database(path) as db:
        assert db.version == len(migrations)
        assert not db.created
        assert db.backup_path == tmp_path / "workspace.sqlite3.v1.bak"
        assert db.requests.names() == ["Kept"]
        assert db.people.get("42") == Person(
            "42", "ana@example.com", {"plan": "pro", "zip": "02134"}
        )
        assert [e.event.data for e in db.people.events("42")] == [{"source": "ad"}]
        assert db.settings.get("theme") == "dark"
        if migrations[1] is _V2:
            row = db.fetchone("SELECT nickname FROM people WHERE id = '42'")
            assert row is not None and row[0] == ""

    backup = tmp_path / "workspace.sqlite3.v1.bak"
    assert _user_version(backup) == 1
    with Database(backup, migrations=schema.MIGRATIONS[:1]) as copy:
        assert copy.people.get("42").email == "ana@example.com"
        assert copy.requests.names() == ["Kept"]


def test_current_file_is_not_copied_again(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite3"
    Database(path).close()
    with Database(path) as db:
        assert db.backup_path is None
    assert not list(tmp_path.glob("*.bak"))


def test_failing_migration_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "workspace.sqlite3"
    _version_1_file_with_data(path)
    broken = "ALTER TABLE people ADD COLUMN half TEXT; CREATE TABLE people (oops);"
    monkeypatch.setattr(schema, "MIGRATIONS", (schema.MIGRATIONS[0], broken))
    with pytest.raises(StoreError, match="left at version 1; a copy from before is at"):
        Database(path)
    assert _user_version(path) == 1
    conn = sqlite3.connect(path)
    try:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(people)")]
    finally:
        conn.close()
    assert "half" not in columns
    with Database(path, migrations=schema.MIGRATIONS[:1]) as db:
        assert db.people.get("42").attributes["zip"] == "02134"


def test_newer_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite3"
    Database(path).close()
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
        conn.commit()
    finally:
        conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Database(path)
    message = str(caught.value)
    assert "newer Webhook Composer" in message and "\n" not in message
    assert path.read_bytes() == before


def test_migrations_are_append_only_scripts() -> None:
    assert len(schema.MIGRATIONS) == schema.SCHEMA_VERSION
    assert all(isinstance(script, str) and script.strip() for script in schema.MIGRATIONS)


def test_version_1_requests_keep_rendering_as_legacy(tmp_path: Path) -> None:
    """Requests stored before there were two Liquid versions become legacy, and so does
    the workspace's default; a new workspace's default is latest."""
    path = tmp_path / "workspace.sqlite3"
    _version_1_file_with_data(path)
    conn = sqlite3.connect(path)  # as written before requests had a Liquid version
    with conn:
        conn.execute("UPDATE requests SET data = json_remove(data, '$.liquid_version')")
        conn.execute("DELETE FROM settings WHERE key = 'liquid_version'")
    conn.close()
    with Database(path) as db:
        assert db.requests.get("Kept").liquid_version == "legacy"
        assert db.settings.liquid_version() == "legacy"
        assert db.requests.create(Request(name="New", url="https://x")).liquid_version == "legacy"
    with Database(tmp_path / "fresh.sqlite3") as db:
        assert db.settings.liquid_version() == "latest"
        assert db.requests.create(Request(name="New", url="https://x")).liquid_version == "latest"
        kept = db.requests.create(Request(name="Old", url="https://x", liquid_version="legacy"))
        assert kept.liquid_version == "legacy"
        db.settings.set_liquid_version("legacy")
        assert db.requests.get("Old").liquid_version == "legacy"
        assert db.requests.create(Request(name="Later", url="https://x")).liquid_version == "legacy"
