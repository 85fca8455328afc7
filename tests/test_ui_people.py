"""The People page and its lazy model, on real SQLite files (100,000 people for the model).

The model and the page read and write through ops, off the GUI thread: tests wait for the
answers (:func:`settled`) before they look."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from servers import FaultServer, Reply

from composer.delivery.outbox import Outbox
from composer.model import Event, Person, Request
from composer.store.database import Database
from composer.store.people_io import import_people
from ui.pages.people import PeoplePage
from ui.pages.table_models import PAGE, PeopleTableModel

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

BIG = 100_000


def person_row(i: int) -> tuple[str, str, str, float, float]:
    attributes = {
        "name": f"Person {i}",
        "plan": ("free", "pro", "team")[i % 3],
        "city": "Zürich" if i % 1000 == 0 else "Lisbon",
        "n": i,
        "vip": i % 7 == 0,
    }
    return (f"p{i:06d}", f"user{i}@example.com", json.dumps(attributes, ensure_ascii=False), 0, 0)


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A workspace with 100,000 people, inserted with executemany in one transaction."""
    db = Database(tmp_path_factory.mktemp("big") / "workspace.sqlite3")
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO people (id, email, attributes, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (person_row(i) for i in range(BIG)),
        )
    yield db
    db.close()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "workspace.sqlite3")
    with database.transaction():
        for i in range(5):
            database.people.create(Person(f"p{i}", f"p{i}@example.com", {"plan": "pro", "n": i}))
        database.people.add_event("p1", Event("signup", {"source": "ad"}, 1_700_000_000))
    yield database
    database.close()


def settled(qtbot: QtBot, thing: PeoplePage | PeopleTableModel) -> None:
    """Wait until every read and write of ``thing`` has answered."""
    qtbot.waitUntil(lambda: not thing.busy, timeout=20_000)


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> Iterator[PeoplePage]:
    widget = PeoplePage(db)
    qtbot.addWidget(widget)
    settled(qtbot, widget)
    yield widget
    widget.wait()


def test_model_grows_by_pages_with_100000_people(qtbot: QtBot, big_db: Database) -> None:
    model = PeopleTableModel(big_db)
    assert model.rowCount() == 0  # nothing is read on the GUI thread
    settled(qtbot, model)
    assert model.rowCount() == PAGE
    assert model.canFetchMore()
    for _ in range(2):
        model.fetchMore()
        model.fetchMore()  # asked twice while a page is on its way: read once
        settled(qtbot, model)
    assert model.rowCount() == 3 * PAGE
    assert model.person(3 * PAGE - 1).id == f"p{3 * PAGE - 1:06d}"
    assert model.data(model.index(5, 1)) == "user5@example.com"
    assert model.columns() == ["id", "email", "name", "plan", "city", "n", "vip"]


@pytest.mark.parametrize(
    ("text", "first", "rows", "more"),
    [
        ("Person 99999", "p099999", 1, False),
        ("zürich", "p000000", 100, False),
        ("ZÜRICH", None, 0, False),  # case folding is ASCII only, as in the store
        ("user12345@", "p012345", 1, False),
        ("pro", "p000001", PAGE, True),
        ("no such text", None, 0, False),
    ],
)
def test_search_over_100000_people_finds_the_right_rows(
    qtbot: QtBot, big_db: Database, text: str, first: str | None, rows: int, more: bool
) -> None:
    model = PeopleTableModel(big_db)
    model.set_search(text)
    settled(qtbot, model)
    assert model.rowCount() == rows
    assert model.canFetchMore() is more
    if first is not None:
        assert model.person(0).id == first
    expected = [p.id for p in big_db.people.search(text, limit=PAGE)]
    assert [model.person(r).id for r in range(model.rowCount())] == expected


def test_search_pages_through_matches(qtbot: QtBot, big_db: Database) -> None:
    model = PeopleTableModel(big_db)
    model.set_search("team")
    settled(qtbot, model)
    model.fetchMore()
    settled(qtbot, model)
    assert model.rowCount() == 2 * PAGE
    assert all(model.person(r).attributes["plan"] == "team" for r in range(model.rowCount()))


def test_view_fetches_more_when_scrolled_to_the_end(qtbot: QtBot, big_db: Database) -> None:
    page = PeoplePage(big_db)
    qtbot.addWidget(page)
    page.resize(800, 600)
    page.show()
    qtbot.waitExposed(page)
    settled(qtbot, page)
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() > PAGE)
    page.search("Person 42424")
    settled(qtbot, page)
    assert page.model.rowCount() == 1
    page.wait()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"plan": "pro",\n  "n": }', "line 2, column 8"),
        ('{"plan": "pro",}', "line 1, column 16"),
        ("[1, 2]", "must be a JSON object"),
        ('{"plan": "pro"', "line 1, column 15"),
        ('{"id": "x"}', "id and email are set on the person itself"),
    ],
)
def test_editing_with_invalid_attributes_saves_nothing(
    qtbot: QtBot, page: PeoplePage, db: Database, text: str, where: str
) -> None:
    before = db.people.get("p2")
    dialog = page.person_dialog(before)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.attributes_edit.setPlainText(text)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert dialog.isVisible()
    assert where in dialog.error_label.text()
    assert db.people.get("p2") == before


def test_invalid_json_puts_the_cursor_at_the_error(qtbot: QtBot, page: PeoplePage) -> None:
    dialog = page.person_dialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.id_edit.setText("new")
    dialog.attributes_edit.setPlainText('{\n  "a": 1,\n  "b": ]\n}')
    dialog.accept()
    cursor = dialog.attributes_edit.textCursor()
    assert (cursor.blockNumber() + 1, cursor.positionInBlock() + 1) == (3, 8)


def test_valid_edit_and_add_are_saved(qtbot: QtBot, page: PeoplePage, db: Database) -> None:
    dialog = page.person_dialog(db.people.get("p2"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.email_edit.setText("new@example.com")
    dialog.attributes_edit.setPlainText('{"plan": "team", "tags": ["a"]}')
    with qtbot.waitSignal(page.peopleChanged):
        dialog.accept()
        assert not dialog.save_button.isEnabled()  # saving: no second save meanwhile
    assert not dialog.isVisible()
    assert db.people.get("p2") == Person("p2", "new@example.com", {"plan": "team", "tags": ["a"]})
    row = page.model.row_of("p2")
    assert page.model.data(page.model.index(row, 1)) == "new@example.com"
    add = page.person_dialog(None)
    qtbot.addWidget(add)
    add.show()
    add.id_edit.setText("p9")
    add.attributes_edit.setPlainText("")
    add.accept()
    settled(qtbot, page)
    assert db.people.get("p9").attributes == {}
    assert page.selected_ids() == ["p9"]
    taken = page.person_dialog(None)
    qtbot.addWidget(taken)
    taken.show()
    taken.id_edit.setText("p9")
    taken.accept()
    settled(qtbot, page)
    assert taken.isVisible() and "already" in taken.error_label.text()


def test_delete_key_deletes_and_undo_restores_events(
    qtbot: QtBot, page: PeoplePage, db: Database
) -> None:
    page.show()
    page.select_ids(["p1", "p3"])
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    settled(qtbot, page)
    assert not db.people.exists("p1")
    assert db.people.count() == 3
    assert page.model.rowCount() == 3
    assert page.undo_bar.isVisible()
    assert page.undo_label.text() == "Deleted 2 people."
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert db.people.count() == 5
    assert [e.event.name for e in db.people.events("p1")] == ["signup"]
    assert page.selected_ids() == ["p1", "p3"]


def test_selecting_one_person_shows_their_events_and_use_for_preview(
    qtbot: QtBot, page: PeoplePage
) -> None:
    with qtbot.waitSignal(page.events.eventsShown):
        page.select_ids(["p1"])
    assert page.events_model.rowCount() == 1
    assert page.events_model.data(page.events_model.index(0, 0)) == "signup"
    assert page.events_model.data(page.events_model.index(0, 1)) == "2023-11-14 22:13:20"
    with qtbot.waitSignal(page.personChosen) as chosen:
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert chosen.args == ["p1"]


@pytest.mark.parametrize(
    ("name", "content", "where", "marked"),
    [
        (
            "people.csv",
            "id,email,plan\nq1,a@example.com,pro\n,b@example.com,free\nq3,c@example.com,pro\n",
            "row 3: the id cell is empty",
            "▶     3 │ ,b@example.com,free",
        ),
        (
            "people.csv",
            "id,email\nq1,a@example.com\nq2,b@example.com,extra\n",
            "row 3: too many cells",
            "▶     3 │ q2,b@example.com,extra",
        ),
        (
            "people.json",
            '[{"id": "q1"}, {"id": "q2", "attributes": [1]}]',
            'item 2: "attributes" must be an object',
            "▶ item 2: {",
        ),
        (
            "people.json",
            '[{"id": "q1"},\n {"id": }]',
            "line 2, column 9: invalid JSON",
            '▶     2 │  {"id": }]',
        ),
        (
            "people.json",
            '[{"id": "q1"},\n {"id": "q2", "attributes": {"a": ' + "[" * 3000 + "]" * 3000 + "}}]",
            "line 2, column 96: arrays and objects nest more than 64 levels deep",
            '▶     2 │  {"id": "q2"',
        ),
        (
            "people.csv",
            "id,tree\nq1,[]\nq2," + "[" * 40 + "]" * 40 + "\n",
            'row 3, column "tree": the cell is JSON that arrays and objects nest more than 32',
            "▶     3 │ q2,[[[",
        ),
    ],
)
def test_import_errors_show_the_refused_row(
    qtbot: QtBot,
    page: PeoplePage,
    db: Database,
    tmp_path: Path,
    name: str,
    content: str,
    where: str,
    marked: str,
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with qtbot.waitSignal(page.importFinished, timeout=10_000) as done:
        page.import_from(path)
    assert page.status_label.text().startswith(f"Nothing was imported. {name}, ")
    assert where in page.status_label.text()
    assert page.error_view.isVisibleTo(page)
    assert done.args[0].where is not None
    assert marked in page.error_view.toPlainText()
    assert db.people.count() == 5
    assert not page.progress.isVisibleTo(page)


def test_import_and_export_round_trip(
    qtbot: QtBot, page: PeoplePage, db: Database, tmp_path: Path
) -> None:
    source = tmp_path / "many.csv"
    lines = ["id,email,plan"] + [f"m{i},m{i}@example.com,pro" for i in range(3000)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with qtbot.waitSignal(page.importFinished, timeout=20_000) as done:
        page.import_from(source)
        assert page.progress.isVisibleTo(page)
    assert done.args[0].created == 3000
    assert "3000 new" in page.status_label.text()
    assert db.people.count() == 3005
    settled(qtbot, page)
    assert page.model.rowCount() == PAGE  # read again after the import
    target = tmp_path / "out.json"
    with qtbot.waitSignal(page.exportFinished, timeout=20_000):
        page.export_to(target)
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert len(exported) == 3005
    assert exported[1]["events"][0]["name"] == "signup"


def test_window_csv_export_neutralises_formulas_and_imports_back(
    qtbot: QtBot, page: PeoplePage, db: Database, tmp_path: Path
) -> None:
    db.people.create(Person("f1", "=cmd@example.com", {"note": "=HYPERLINK(1)", "zip": "02134"}))
    target = tmp_path / "out.csv"
    with qtbot.waitSignal(page.exportFinished, timeout=20_000):
        page.export_to(target)
    text = target.read_text(encoding="utf-8")
    assert "f1,'=cmd@example.com," in text and "'=HYPERLINK(1)" in text
    with Database(tmp_path / "other.sqlite3") as other:
        import_people(other, target)
        assert other.people.get("f1") == db.people.get("f1")


def test_send_current_request_for_selected_people(qtbot: QtBot, db: Database) -> None:
    with FaultServer([Reply(200)]) as server:
        request = Request("Ping", server.url + "/ping", body='{"id": {{ customer.id | json }}}')
        page = PeoplePage(db, None, lambda: request)
        qtbot.addWidget(page)
        settled(qtbot, page)
        page.select_ids(["p0", "p2", "p4"])
        dialog = page.send_selected()
        assert dialog is not None
        assert server.requests == []  # it asks first
        qtbot.waitUntil(
            lambda: "Ping" in dialog.heading.text() and "3 people" in dialog.heading.text()
        )
        with qtbot.waitSignal(page.bulkSent, timeout=10_000) as sent:
            qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
        assert len(server.requests) == 3
    assert sent.args[0]["sent"] == 3
    assert sorted(d.person_id or "" for d in Outbox(db).list()) == ["p0", "p2", "p4"]


def test_add_and_delete_an_event(qtbot: QtBot, page: PeoplePage, db: Database) -> None:
    with qtbot.waitSignal(page.events.eventsShown):
        page.select_ids(["p3"])
    dialog = page.event_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("purchase")
    dialog.data_edit.setPlainText('{"total": }')
    dialog.accept()
    assert "line 1, column 11" in dialog.error_label.text()
    assert db.people.events("p3") == []
    dialog.data_edit.setPlainText('{"total": 12.5}')
    with qtbot.waitSignal(page.events.eventsShown):
        dialog.accept()
    assert not dialog.isVisible()
    (stored,) = db.people.events("p3")
    assert (stored.event.name, dict(stored.event.data)) == ("purchase", {"total": 12.5})
    assert page.events_model.rowCount() == 1
    page.events_table.selectRow(0)
    with qtbot.waitSignal(page.events.eventsShown):
        page.delete_event()
    assert db.people.events("p3") == []
    assert page.events_model.rowCount() == 0
