"""The one people search: the FTS5 trigram index (or the plain table) means exactly what
walking every attribute value with ``json_tree`` means, and stays in step with every write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.model import Event, Person
from composer.store import schema
from composer.store.database import Database
from composer.store.people import like_pattern
from composer.store.people_io import PersonRecord, write_people

TRICKY = {
    "a": {"note": 'say "hi"', "none": None, "flag": True},
    "b": {"ratio": 0.30000000000000004, "tiny": 1e-05, "list": ["x", 2, None]},
    "c": {"path": "C:\\temp", "nested": {"deep": "Ωmega"}, "n": 1.5},
    "d": {"line": "one\ntwo", "count": 42, "off": False},
    "e": {"city": "Zürich", "kelvin": "\u212aelvin", "pct": "50%_off"},
    "f": {"big": 10**40, "neg": -7, "empty": "", "list": [[["deep"]]]},
}
TEXTS = [
    '"hi"',
    "say",
    "nil",
    "il",
    "true",
    "false",
    "0.3",
    "1.0e-05",
    "e-05",
    "x",
    "2",
    "42",
    "C:\\temp",
    "Ωmega",
    "ωMEGA",
    "one\ntwo",
    "o\nt",
    "1.5",
    ".5",
    "deep",
    "ratio",
    "%",
    "_",
    "a",
    "zürich",
    "ZÜRICH",
    "ZüRICH",
    "k",
    "K",
    "50%_",
    "0000",
    "-7",
    "@example",
    "A@EX",
    "e\nf",
    "example.com\nt",
    "",
    "no such text",
]


def oracle(db: Database, text: str) -> list[str]:
    """The search's definition, read straight from the people table."""
    rows = db.fetchall(
        "SELECT id FROM people WHERE id LIKE :p ESCAPE '\\' OR email LIKE :p ESCAPE '\\' "
        "OR EXISTS (SELECT 1 FROM json_tree(people.attributes) AS t "
        "WHERE t.type NOT IN ('object', 'array') AND (CASE t.type WHEN 'true' THEN 'true' "
        "WHEN 'false' THEN 'false' WHEN 'null' THEN 'nil' ELSE CAST(t.atom AS TEXT) END) "
        "LIKE :p ESCAPE '\\') ORDER BY rowid",
        {"p": like_pattern(text)},
    )
    return [row[0] for row in rows]


@pytest.fixture(params=["trigram", "plain"] if schema.TRIGRAM else ["plain"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    migrations = list(schema.MIGRATIONS)
    at = migrations.index(schema.PEOPLE_SEARCH)
    migrations[at] = schema.people_search_migration(request.param == "trigram")
    with Database(tmp_path / "w.sqlite3", migrations=migrations) as database:
        assert database.people_search == ("fts5" if request.param == "trigram" else "table")
        for pid, attributes in TRICKY.items():
            database.people.create(Person(pid, f"{pid}@example.com", attributes))
        yield database


@pytest.mark.parametrize("text", TEXTS)
def test_search_means_the_json_tree_walk(db: Database, text: str) -> None:
    expected = [p.id for p in db.people.list()] if not text else oracle(db, text)
    assert [p.id for p in db.people.search(text)] == expected
    assert db.people.search_count(text) == len(expected)


def test_ascii_only_case_folding(db: Database) -> None:
    assert [p.id for p in db.people.search("ZÜRICH")] == []
    assert [p.id for p in db.people.search("zÜrich")] == []
    assert [p.id for p in db.people.search("ZüRICH")] == ["e"]
    assert [p.id for p in db.people.search("kelvin")] == []  # the index folds U+212A to k
    assert [p.id for p in db.people.search("\u212aELVIN")] == ["e"]


def test_the_index_follows_every_write(db: Database) -> None:
    db.people.update(Person("z", "z@example.org", {"city": "Porto"}), old_id="a")
    assert [p.id for p in db.people.search("porto")] == ["z"]
    assert db.people.search("say") == []
    assert [p.id for p in db.people.search("z@example.org")] == ["z"]
    db.people.upsert(Person("z", "", {"city": "Braga"}))
    assert db.people.search("porto") == [] and db.people.search_count("braga") == 1
    db.people.delete("z")
    assert db.people.search("braga") == []
    write_people(db, [PersonRecord(Person("n1", "", {"team": "Ørsted"}), (Event("e", {}, 1),))])
    assert [p.id for p in db.people.search("Ørsted")] == ["n1"]
    assert oracle(db, "ørsted") == [] and db.people.search("ørsted") == []


def test_rebuild_after_an_outside_vacuum(db: Database) -> None:
    db.people.delete("b")
    db.execute("VACUUM")  # may renumber the rowids the index is keyed by
    db.people.rebuild_search()
    for text in ("ωmega", "42", "Zürich", "nil"):
        assert [p.id for p in db.people.search(text)] == oracle(db, text)


def test_pages_keep_the_stored_order(db: Database) -> None:
    db.people.upsert_many((Person(f"q{i:03d}", "", {"tag": "common"}), None) for i in range(300))
    first = db.people.search("common", limit=100)
    second = db.people.search("common", limit=100, offset=100)
    assert [p.id for p in first + second] == [f"q{i:03d}" for i in range(200)]


def test_migration_indexes_people_already_stored(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    at = schema.MIGRATIONS.index(schema.PEOPLE_SEARCH)
    with Database(path, migrations=schema.MIGRATIONS[:at]) as old:
        old.people.create(Person("old", "", {"city": "Zürich"}))
        assert old.people_search == ""
        assert [p.id for p in old.people.search("zür")] == ["old"]  # without an index
    with Database(path) as db:
        assert db.backup_path is not None and db.backup_path.exists()
        assert [p.id for p in db.people.search("zür")] == ["old"]
