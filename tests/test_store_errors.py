"""SQLite errors become plain sentences by their result code, each caused for real."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from composer.errors import StoreError
from composer.model import Person
from composer.store.database import Database, store_error


def test_a_full_disk_is_a_plain_store_error(tmp_path: Path) -> None:
    with Database(tmp_path / "w.sqlite3") as db:
        pages = db.fetchone("PRAGMA page_count")
        assert pages is not None
        db.execute(f"PRAGMA max_page_count = {pages[0]}")  # the file may not grow
        with pytest.raises(StoreError, match=r"the disk is full \(SQLITE_FULL\)") as full:
            db.people.create(Person("big", "", {"blob": "x" * 200_000}))
        assert full.value.sqlite_error == "SQLITE_FULL" and not full.value.busy
        assert db.people.count() == 0


def test_a_read_only_file_is_a_plain_store_error(tmp_path: Path) -> None:
    with Database(tmp_path / "w.sqlite3") as db:
        db.execute("PRAGMA query_only = ON")
        with pytest.raises(StoreError, match=r"read-only \(SQLITE_READONLY\)"):
            db.people.create(Person("a", ""))


def test_a_folder_in_place_of_the_file_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "w.sqlite3").mkdir()
    with pytest.raises(StoreError) as caught:
        Database(tmp_path / "w.sqlite3")
    assert str(caught.value).startswith(f"The workspace {tmp_path / 'w.sqlite3'} ")


def test_a_damaged_file_is_a_plain_store_error(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    with Database(path) as db:
        db.people.upsert_many((Person(f"p{i}", "", {"n": "y" * 500}), None) for i in range(200))
    raw = bytearray(path.read_bytes())
    page = int.from_bytes(raw[16:18], "big")
    for offset in range(2 * page, len(raw), page):  # every page after the schema's
        raw[offset : offset + 16] = b"\xff" * 16
    path.write_bytes(bytes(raw))
    with pytest.raises(StoreError, match=r"damaged|not a readable") as caught, Database(path) as db:
        db.people.list()
    assert "SQLITE_" in str(caught.value)


def test_codes_not_caused_by_the_world_are_not_hidden() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (x UNIQUE)")
    conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError) as caught:
        conn.execute("INSERT INTO t VALUES (1)")
    assert store_error(caught.value, "w") is None
    with pytest.raises(sqlite3.OperationalError) as syntax:
        conn.execute("SELEC 1")
    assert store_error(syntax.value, "w") is None


def test_locked_by_name_is_the_busy_sentence() -> None:
    conn = sqlite3.connect("file:shared?mode=memory&cache=shared", uri=True)
    other = sqlite3.connect("file:shared?mode=memory&cache=shared", uri=True)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError) as caught:
        other.execute("SELECT * FROM t").fetchall()
    assert caught.value.sqlite_errorname.startswith("SQLITE_LOCKED")
    plain = store_error(caught.value, "w.sqlite3")
    assert plain is not None and "is busy" in str(plain) and plain.busy
    conn.close()
    other.close()
