"""The workspace database on real SQLite files: transactions, requests, people, settings."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.errors import NotFoundError, StoreError
from composer.model import Event, Header, Person, Request
from composer.paths import resources_dir
from composer.store.database import Database, split_script
from composer.store.requests import copy_name
from composer.store.schema import SCHEMA_VERSION
from composer.store.seed import load_recipes, open_workspace


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "ws" / "workspace.sqlite3") as database:
        yield database


def _request(name: str, url: str = "https://example.com/hook") -> Request:
    return Request(name=name, url=url, body='{"id": "{{ customer.id }}"}', liquid_version="latest")


# -- the database --------------------------------------------------------------------


def test_open_creates_folder_and_sets_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "workspace.sqlite3"
    with Database(path) as database:
        assert path.exists()
        assert database.created
        assert database.version == SCHEMA_VERSION
        assert database.fetchone("PRAGMA journal_mode")[0] == "wal"  # type: ignore[index]
        assert database.fetchone("PRAGMA foreign_keys")[0] == 1  # type: ignore[index]
        assert database.fetchone("PRAGMA busy_timeout")[0] >= 1000  # type: ignore[index]
    with Database(path) as again:
        assert not again.created
        assert again.backup_path is None


def test_not_a_database_is_a_plain_store_error(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite3"
    path.write_text("this is not SQLite, just text that is long enough " * 20)
    with pytest.raises(StoreError, match="not a readable SQLite database"):
        Database(path)


def test_transaction_commits_or_rolls_back(db: Database) -> None:
    with db.transaction():
        db.people.create(Person("1", "a@example.com"))
    with pytest.raises(RuntimeError), db.transaction():
        db.people.create(Person("2", "b@example.com"))
        raise RuntimeError("crash")
    assert [p.id for p in db.people.list()] == ["1"]


def test_nested_transaction_rolls_back_alone(db: Database) -> None:
    with db.transaction():
        db.people.create(Person("outer", ""))
        with pytest.raises(StoreError), db.transaction():
            db.people.create(Person("inner", ""))
            db.people.create(Person("outer", ""))  # id taken: the inner block fails
    assert [p.id for p in db.people.list()] == ["outer"]


def test_concurrent_reader_sees_whole_transactions_only(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite3"
    writer = Database(path)
    reader = Database(path)
    seen: list[int] = []
    half_written = threading.Event()
    looked = threading.Event()

    def read() -> None:
        half_written.wait(10)
        seen.append(reader.people.count())
        looked.set()

    thread = threading.Thread(target=read)
    thread.start()
    try:
        with writer.transaction():
            for i in range(50):
                writer.people.create(Person(f"p{i}", ""))
            half_written.set()
            assert looked.wait(10)
            for i in range(50, 100):
                writer.people.create(Person(f"p{i}", ""))
        thread.join(10)
        seen.append(reader.people.count())
    finally:
        writer.close()
        reader.close()
    assert seen == [0, 100]


def test_second_writer_waits_for_the_first(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite3"
    first = Database(path)
    second = Database(path)
    done: list[str] = []
    holding = threading.Event()
    release = threading.Event()

    def write_first() -> None:
        with first.transaction():
            first.people.create(Person("a", ""))
            holding.set()
            release.wait(10)
        done.append("first")

    thread = threading.Thread(target=write_first)
    thread.start()
    try:
        holding.wait(10)
        timer = threading.Timer(0.2, release.set)
        timer.start()
        second.people.create(Person("b", ""))  # blocks on SQLite's lock, then succeeds
        done.append("second")
        thread.join(10)
        timer.join()
        assert done == ["first", "second"]
        assert [p.id for p in second.people.list()] == ["a", "b"]
    finally:
        first.close()
        second.close()


def test_busy_workspace_is_a_plain_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("composer.store.database.BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "workspace.sqlite3"
    with Database(path) as first, Database(path) as second:
        with first.transaction():
            first.people.create(Person("a", ""))
            with pytest.raises(StoreError, match="is busy: another program is writing"):
                second.people.create(Person("b", ""))
        assert [p.id for p in second.people.list()] == ["a"]
        second.execute("PRAGMA query_only = ON")  # the file refuses writes from here on
        with pytest.raises(StoreError, match="cannot be written"), second.transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('k', '1')")
        second.execute("PRAGMA query_only = OFF")
        assert second.settings.all() == {}


@pytest.mark.parametrize(
    ("script", "count"),
    [
        ("CREATE TABLE a (x); CREATE TABLE b (y);", 2),
        ("CREATE TABLE a (x TEXT DEFAULT ';'); -- a comment; with a semicolon\n", 1),
        ("CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2; END;", 1),
        ("  ;\n", 0),
    ],
)
def test_split_script(script: str, count: int) -> None:
    assert len(split_script(script)) == count


# -- requests ------------------------------------------------------------------------


def test_request_create_get_list_ordered_by_name(db: Database) -> None:
    for name in ("beta", "Alpha", "gamma"):
        db.requests.create(_request(name))
    assert db.requests.names() == ["Alpha", "beta", "gamma"]
    assert db.requests.get("beta") == _request("beta")
    assert [r.name for r in db.requests.list()] == ["Alpha", "beta", "gamma"]
    assert db.requests.count() == 3


def test_request_names_are_unique(db: Database) -> None:
    db.requests.create(_request("one"))
    db.requests.create(_request("two"))
    with pytest.raises(StoreError, match='"one" already exists'):
        db.requests.create(_request("one"))
    with pytest.raises(StoreError, match='"two" already exists'):
        db.requests.rename("one", "two")
    with pytest.raises(NotFoundError, match='no request named "three"'):
        db.requests.get("three")
    assert db.requests.names() == ["one", "two"]


def test_request_update_rename_save_delete(db: Database) -> None:
    db.requests.create(_request("one"))
    changed = Request(
        name="one",
        url="https://x.test",
        method="PUT",
        headers=(Header("A", "b"),),
        liquid_version="legacy",
    )
    db.requests.update("one", changed)
    assert db.requests.get("one") == changed
    renamed = db.requests.rename("one", "uno")
    assert renamed.name == "uno" and db.requests.get("uno").method == "PUT"
    db.requests.save(_request("uno", "https://saved.test"))
    db.requests.save(_request("dos"))
    assert db.requests.get("uno").url == "https://saved.test"
    db.requests.delete("uno")
    assert db.requests.names() == ["dos"]
    with pytest.raises(NotFoundError):
        db.requests.delete("uno")


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        (set(), "X copy"),
        ({"X copy"}, "X copy 2"),
        ({"X copy", "X copy 2"}, "X copy 3"),
        ({"X copy 2"}, "X copy"),
    ],
)
def test_copy_name(taken: set[str], expected: str) -> None:
    assert copy_name("X", taken) == expected


def test_duplicate(db: Database) -> None:
    db.requests.create(_request("X"))
    assert db.requests.duplicate("X").name == "X copy"
    assert db.requests.duplicate("X").name == "X copy 2"
    assert db.requests.get("X copy 2").url == _request("X").url


def test_request_import_and_export_files(db: Database, tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    _request("Imported").save(source)
    assert db.requests.import_file(source).name == "Imported"
    with pytest.raises(StoreError, match="already in the workspace"):
        db.requests.import_file(source)
    Request(name="Imported", url="https://replaced.test", liquid_version="legacy").save(source)
    assert db.requests.import_file(source, replace=True).url == "https://replaced.test"
    out = db.requests.export_file("Imported", tmp_path / "out.json")
    assert out.read_bytes() == source.read_bytes()


def test_a_request_file_without_a_liquid_version_gets_the_workspace_default(
    db: Database, tmp_path: Path
) -> None:
    source = tmp_path / "in.json"
    Request(name="Plain", url="https://x.test").save(source)
    assert db.requests.import_file(source).liquid_version == "latest"
    db.settings.set_liquid_version("legacy")
    Request(name="Older", url="https://x.test").save(source)
    assert db.requests.import_file(source).liquid_version == "legacy"
    exported = db.requests.export_file("Older", tmp_path / "out.json").read_text("utf-8")
    assert '"liquid_version": "legacy"' in exported


# -- people --------------------------------------------------------------------------


def test_people_crud_and_paging(db: Database) -> None:
    for i in range(5):
        db.people.create(Person(f"id{i}", f"p{i}@example.com", {"n": i}))
    assert db.people.count() == 5
    assert [p.id for p in db.people.list(limit=2, offset=1)] == ["id1", "id2"]
    db.people.update(Person("id1", "new@example.com", {"n": 10}))
    assert db.people.get("id1") == Person("id1", "new@example.com", {"n": 10})
    db.people.delete("id0")
    with pytest.raises(NotFoundError, match='no person with id "id0"'):
        db.people.get("id0")
    with pytest.raises(StoreError, match="already exists"):
        db.people.create(Person("id2", ""))
    with pytest.raises(StoreError, match="attribute named"):
        db.people.create(Person("x", "", {"email": "no"}))


def test_person_id_change_carries_events(db: Database) -> None:
    db.people.create(Person("old", ""))
    db.people.add_event("old", Event("signup", {"a": 1}, 100))
    db.people.update(Person("new", ""), old_id="old")
    assert [e.event.name for e in db.people.events("new")] == ["signup"]


def test_events_add_list_delete_and_cascade(db: Database) -> None:
    db.people.create(Person("p", ""))
    later = db.people.add_event("p", Event("b", {"x": "é"}, 200))
    db.people.add_event("p", Event("a", {}, 100))
    assert [(e.event.name, e.event.timestamp) for e in db.people.events("p")] == [
        ("a", 100),
        ("b", 200),
    ]
    assert db.people.get_event(later).event.data == {"x": "é"}
    db.people.delete_event(later)
    assert len(db.people.events("p")) == 1
    with pytest.raises(NotFoundError):
        db.people.add_event("nobody", Event("a"))
    db.people.delete("p")
    assert db.fetchone("SELECT count(*) FROM events")[0] == 0  # type: ignore[index]


def test_events_by_person_matches_events_one_by_one(db: Database) -> None:
    for person_id in ("p", "q", "10", "none"):
        db.people.create(Person(person_id, ""))
    db.people.add_event("p", Event("b", {"x": "é"}, 200))
    db.people.add_event("p", Event("a", {}, 100))
    db.people.add_event("p", Event("tie", {"n": 2}, 200))
    db.people.add_event("q", Event("c", {"k": [1, None]}, 5))
    db.people.add_event("10", Event("d", {}, 1))
    wanted = ["q", "p", "none", "missing", "10", "p"]
    found = db.people.events_by_person(wanted)
    assert list(found) == ["q", "p", "none", "missing", "10"]
    for person_id in found:
        assert found[person_id] == [e.event for e in db.people.events(person_id)]
    assert [e.name for e in found["p"]] == ["a", "b", "tie"]
    assert db.people.events_by_person([]) == {}


@pytest.fixture
def searchable(db: Database) -> Database:
    people = [
        Person("100", "ana@example.com", {"name": 'Zoë "Zee" O\'Brien', "plan": "pro"}),
        Person("200", "bo@example.org", {"company": {"name": "Acme 50%_off"}, "tags": ["vip"]}),
        Person("300", "cy@example.net", {"active": True, "score": 4.5, "gone": None}),
    ]
    for person in people:
        db.people.create(person)
    return db


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("100", ["100"]),
        ("example.org", ["200"]),
        ("EXAMPLE", ["100", "200", "300"]),
        ("zoë", ["100"]),
        ('"Zee"', ["100"]),
        ("O'Brien", ["100"]),
        ("acme", ["200"]),
        ("50%", ["200"]),
        ("%", ["200"]),
        ("_", ["200"]),
        ("vip", ["200"]),
        ("true", ["300"]),
        ("4.5", ["300"]),
        ("name", []),
        ("nothing-like-this", []),
    ],
)
def test_search(searchable: Database, text: str, ids: list[str]) -> None:
    assert [p.id for p in searchable.people.search(text)] == ids
    assert searchable.people.search_count(text) == len(ids)


# -- settings ------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, "text", None, True, [1, "a"], {"nested": {"x": 1.5}}])
def test_settings_round_trip(db: Database, value: object) -> None:
    db.settings.set("key", value)
    assert db.settings.get("key", "default") == value
    db.settings.delete("key")
    assert db.settings.get("key", "default") == "default"


def test_settings_are_json_text(db: Database) -> None:
    db.settings.set("a", {"b": "ü"})
    row = db.fetchone("SELECT value FROM settings WHERE key = 'a'")
    assert row is not None and json.loads(row[0]) == {"b": "ü"}
    assert db.settings.all() == {"a": {"b": "ü"}}


# -- seeding -------------------------------------------------------------------------


def _resources(tmp_path: Path, recipes: dict[str, str], people: str | None) -> Path:
    folder = tmp_path / "resources"
    (folder / "recipes").mkdir(parents=True)
    (folder / "sample").mkdir()
    for name, text in recipes.items():
        (folder / "recipes" / name).write_text(text, encoding="utf-8")
    if people is not None:
        (folder / "sample" / "people.json").write_text(people, encoding="utf-8")
    return folder


def test_first_start_seeds_once(tmp_path: Path) -> None:
    recipe = _request("Seeded").to_json()
    people = json.dumps(
        [{"id": "1", "email": "a@b.c", "attributes": {}, "events": [{"name": "e", "data": {}}]}]
    )
    resources = _resources(tmp_path, {"a.json": recipe, "index.json": "{}"}, people)
    with open_workspace(tmp_path / "data", resources) as db:
        assert db.requests.names() == ["Seeded"]
        assert [p.id for p in db.people.list()] == ["1"]
        assert [e.event.name for e in db.people.events("1")] == ["e"]
        db.requests.delete("Seeded")
    with open_workspace(tmp_path / "data", resources) as db:
        assert db.requests.names() == []  # not seeded again


def test_invalid_recipe_is_a_bug_and_leaves_no_file(tmp_path: Path) -> None:
    from composer.errors import BugError

    resources = _resources(tmp_path, {"bad.json": '{"name": "x"}'}, None)
    with pytest.raises(BugError, match=r"bad\.json"):
        open_workspace(tmp_path / "data", resources)
    assert not (tmp_path / "data" / "workspace.sqlite3").exists()


def test_shipped_sample_workspace_seeds(tmp_path: Path) -> None:
    shipped = resources_dir() / "sample" / "people.json"
    with open_workspace(tmp_path / "data") as db:
        assert db.settings.get("sample_seeded") is True
        assert db.requests.count() == len(load_recipes())
        assert db.requests.count() >= 1
        if shipped.exists():
            people = json.loads(shipped.read_text(encoding="utf-8"))
            assert [p.id for p in db.people.list()] == [p["id"] for p in people]
            for item in people:
                stored = db.people.get(item["id"])
                assert dict(stored.attributes) == item.get("attributes", {})
                events = [e.event.name for e in db.people.events(item["id"])]
                assert sorted(events) == sorted(e["name"] for e in item.get("events", []))


def test_sqlite_connections_are_closed(tmp_path: Path) -> None:
    # filterwarnings=error turns an unclosed connection's ResourceWarning into a failure;
    # a failed open must therefore close what it opened.
    path = tmp_path / "workspace.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer Webhook Composer"):
        Database(path)
