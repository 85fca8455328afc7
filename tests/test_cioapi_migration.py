"""The Customer.io tables' migration: appended, additive, keeping data, cascading right."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from composer.cioapi import CIO_TABLES, Action, Origins, PulledPeople
from composer.model import Event, Person, Request
from composer.store import schema
from composer.store.database import Database

_AT = schema.MIGRATIONS.index(CIO_TABLES)


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {row[0] for row in rows}
    finally:
        conn.close()


def test_the_migration_is_appended_after_the_liquid_versions() -> None:
    assert _AT >= 2
    assert schema.SCHEMA_VERSION >= _AT + 1


def test_a_workspace_from_before_keeps_everything_and_gains_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite3"
    with Database(path, migrations=schema.MIGRATIONS[:_AT]) as db:
        db.requests.create(Request(name="Kept", url="https://example.com"))
        db.people.create(Person("42", "ana@example.com", {"plan": "pro"}))
        db.people.add_event("42", Event("signup", {}, 1))
        db.settings.set("theme", "dark")
    assert "cio_origins" not in _tables(path)

    with Database(path, migrations=schema.MIGRATIONS[: _AT + 1]) as db:
        assert db.version == _AT + 1
        assert db.backup_path == tmp_path / f"workspace.sqlite3.v{_AT}.bak"
        assert db.requests.names() == ["Kept"]
        assert db.people.get("42").attributes == {"plan": "pro"}
        assert db.settings.get("theme") == "dark"
        assert Origins(db).list() == [] and PulledPeople(db).count() == 0
    assert {"cio_origins", "cio_pulled_people"} <= _tables(path)
    assert "cio_origins" not in _tables(tmp_path / f"workspace.sqlite3.v{_AT}.bak")


def test_origins_follow_their_request_and_pulled_marks_their_person(tmp_path: Path) -> None:
    with Database(tmp_path / "workspace.sqlite3") as db:
        db.requests.create(Request(name="Hook", url="https://example.com"))
        action = Action.from_api({"id": 70, "type": "webhook", "url": "u", "updated": 5})
        Origins(db).record("Hook", 7, action)
        db.requests.rename("Hook", "Renamed")
        origin = Origins(db).get("Renamed")
        assert origin is not None and (origin.action_id, origin.action_updated) == (70, 5)
        db.requests.delete("Renamed")
        assert db.fetchone("SELECT count(*) FROM cio_origins")[0] == 0  # type: ignore[index]

        PulledPeople(db).store([Person("1", "a@example.com")], {"1": "id"})
        db.people.update(Person("1b", "a@example.com"), old_id="1")
        assert PulledPeople(db).ids() == ["1b"]
        db.people.delete("1b")
        assert PulledPeople(db).count() == 0
