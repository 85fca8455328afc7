"""People as a table: columns per attribute, sort and filter in the store, edits in place
with their type kept and undone, the column chooser remembered, files dropped on the page,
and the Outbox's Made column. Real SQLite files, real widgets offscreen."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ui_helpers
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QHelpEvent, QStandardItemModel
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip
from pytestqt.qtbot import QtBot

from composer.model import Person, Request
from composer.store.database import Database
from composer.store.people_table import TableQuery, attribute_names, parse_filter, table_page
from ui.pages.people import PeoplePage
from ui.pages.people_cells import MISSING, encode_rows
from ui.pages.people_columns import HIDDEN_KEY, ORDER_KEY
from ui.pages.people_model import PeopleTableModel
from ui.pages.people_views import CellDelegate, KeyTable
from ui.pages.table_models import DeliveriesTableModel
from ui.widgets.item_blocks import Codec, load_block, variant
from ui.widgets.palette import accent, apply_theme, current_theme
from ui.widgets.qt_settings import read_list

pytestmark = ui_helpers.UI_MARKS
ui_settings = ui_helpers.ui_settings
no_real_keychain = ui_helpers.no_real_keychain

PEOPLE = [
    Person("a", "a@example.com", {"plan": "pro", "n": 10, "vip": True, "tags": ["x"]}),
    Person("b", "B@example.com", {"plan": "Free", "n": 2.5, "vip": False}),
    Person("c", "c@example.com", {"plan": "team", "n": -3}),
    Person("d", "d@example.com", {"plan": "alpha", "city": "Zürich"}),
    Person("e", "e@example.com", {"plan": None, "n": 100}),
]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "workspace.sqlite3")
    with database.transaction():
        for person in PEOPLE:
            database.people.create(person)
    yield database
    database.close()


def settled(qtbot: QtBot, thing: Any) -> None:
    qtbot.waitUntil(lambda: not thing.busy, timeout=20_000)


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> Iterator[PeoplePage]:
    widget = PeoplePage(db)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    settled(qtbot, widget)
    yield widget
    widget.wait()


def ids(model: PeopleTableModel) -> list[str]:
    return [model.person(r).id for r in range(model.rowCount())]


# -- the store's query -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (TableQuery(), ["a", "b", "c", "d", "e"]),
        (TableQuery(sort="n"), ["c", "b", "a", "e", "d"]),  # numbers as numbers, missing last
        (TableQuery(sort="n", descending=True), ["e", "a", "b", "c", "d"]),  # missing still last
        (TableQuery(sort="plan"), ["d", "b", "a", "c", "e"]),  # case-insensitive, null last
        (TableQuery(sort="email", descending=True), ["e", "d", "c", "b", "a"]),
        (TableQuery(filters=(("plan", "FR"),)), ["b"]),
        (TableQuery(filters=(("n", ">2"),)), ["a", "b", "e"]),
        (TableQuery(filters=(("n", "<=2.5"),)), ["b", "c"]),
        (TableQuery(filters=(("plan", "=pro"),)), ["a"]),
        (TableQuery(filters=(("n", "="),)), ["d"]),
        (TableQuery(filters=(("vip", "true"),)), ["a"]),
        (TableQuery(filters=(("tags", '"x"'),)), ["a"]),
        (TableQuery(filters=(("city", "zür"),)), ["d"]),
        (TableQuery(filters=(("plan", "100%"),)), []),
        (TableQuery(search="example", sort="n", filters=(("n", ">0"),)), ["b", "a", "e"]),
        (TableQuery(search="team", sort="n"), ["c"]),
    ],
)
def test_table_page_sorts_and_filters_in_the_store(
    db: Database, query: TableQuery, expected: list[str]
) -> None:
    assert [p.id for p in table_page(db, query, 50)] == expected


def test_table_page_pages_and_names_come_in_first_order(db: Database) -> None:
    assert [p.id for p in table_page(db, TableQuery(sort="n"), 2, 2)] == ["a", "e"]
    assert attribute_names(db) == ["plan", "n", "vip", "tags", "city"]
    db.people.create(Person("q", "", {'we"ird': 3, "back\\slash": 1}))
    assert next(p.id for p in table_page(db, TableQuery(sort='we"ird'), 50)) == "q"
    rows = table_page(db, TableQuery(filters=(("back\\slash", ">0"),)), 50)
    assert [p.id for p in rows] == ["q"]


@pytest.mark.parametrize(
    ("text", "parsed"),
    [(">10", (">", 10.0)), ("<= -2.5", ("<=", -2.5)), ("=", ("missing", None))],
)
def test_filter_syntax(text: str, parsed: tuple[str, Any]) -> None:
    assert parse_filter(text) == parsed


# -- the model and the page --------------------------------------------------------------


def test_columns_are_the_union_of_attributes(qtbot: QtBot, page: PeoplePage) -> None:
    model = page.model
    assert model.columns() == ["id", "email", "plan", "n", "vip", "tags", "city"]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers[:3] == ["ID", "Email", "plan"]
    row, n, vip, tags = model.row_of("a"), model.column_of("n"), model.column_of("vip"), 5
    assert model.data(model.index(row, n)) == "10"
    checked = model.data(model.index(row, vip), Qt.ItemDataRole.CheckStateRole)
    assert Qt.CheckState(checked) == Qt.CheckState.Checked  # Qt's items hold it as a number
    assert model.data(model.index(row, tags)) == '["x"]'
    assert not model.flags(model.index(row, tags)) & Qt.ItemFlag.ItemIsEditable
    assert model.data(model.index(model.row_of("d"), n)) is None  # missing: empty
    assert model.value(model.row_of("d"), n) is MISSING


def test_clicking_a_header_sorts_in_the_store(qtbot: QtBot, page: PeoplePage) -> None:
    header = page.table.horizontalHeader()
    n = page.model.column_of("n")
    header.setSortIndicator(n, Qt.SortOrder.AscendingOrder)
    settled(qtbot, page)
    assert ids(page.model) == ["c", "b", "a", "e", "d"]
    header.setSortIndicator(n, Qt.SortOrder.DescendingOrder)
    settled(qtbot, page)
    assert ids(page.model) == ["e", "a", "b", "c", "d"]
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    settled(qtbot, page)
    assert ids(page.model) == ["a", "b", "c", "d", "e"]


def test_header_menu_filters_and_the_search_still_applies(qtbot: QtBot, page: PeoplePage) -> None:
    menu = page.columns.menu(page.model.column_of("n"))
    edit = menu.property("filterEdit")
    assert isinstance(edit, QLineEdit) and edit.accessibleName() == "Filter n"
    edit.setText(">2")
    edit.returnPressed.emit()
    settled(qtbot, page)
    assert ids(page.model) == ["a", "b", "e"]
    assert page.filter_bar.isVisibleTo(page) and "n >2" in page.filter_label.text()
    assert "⧩" in page.model.headerData(page.model.column_of("n"), Qt.Orientation.Horizontal)
    page.search("B@")
    settled(qtbot, page)
    assert ids(page.model) == ["b"]
    qtbot.mouseClick(page.clear_filters_button, Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert ids(page.model) == ["b"] and not page.filter_bar.isVisibleTo(page)


def test_column_chooser_hides_and_orders_and_remembers(
    qtbot: QtBot, page: PeoplePage, db: Database
) -> None:
    menu = page.columns.menu(0)
    columns = next(a.menu() for a in menu.actions() if a.text() == "Columns")
    checks = {a.text(): a for a in columns.actions()}
    assert not checks["ID"].isEnabled()  # the ID always stays
    checks["tags"].setChecked(False)
    page.columns.move("n", 0)
    assert page.columns.shown() == ["n", "id", "email", "plan", "vip", "city"]
    assert read_list(HIDDEN_KEY) == ["tags"]
    assert read_list(ORDER_KEY)[:2] == ["n", "id"]
    again = PeoplePage(db)
    qtbot.addWidget(again)
    settled(qtbot, again)
    assert again.columns.shown() == ["n", "id", "email", "plan", "vip", "city"]
    assert again.table.horizontalHeader().sectionsMovable()


def test_edit_in_place_keeps_the_type_and_undo_takes_it_back(
    qtbot: QtBot, page: PeoplePage, db: Database
) -> None:
    page.show()
    qtbot.waitExposed(page)
    model = page.model
    a, n = model.row_of("a"), model.column_of("n")
    with qtbot.waitSignal(model.refused) as refused:
        assert not model.setData(model.index(a, n), "ten")
    assert "number" in refused.args[0]
    assert model.setData(model.index(a, n), "42")
    settled(qtbot, page)
    assert db.people.get("a").attributes["n"] == 42
    assert model.setData(model.index(a, model.column_of("plan")), "team")
    assert model.setData(
        model.index(a, model.column_of("vip")),
        Qt.CheckState.Unchecked,
        Qt.ItemDataRole.CheckStateRole,
    )
    d = model.row_of("d")
    assert model.setData(model.index(d, n), "7.5")  # an empty cell of a number column
    settled(qtbot, page)
    stored = db.people.get("a").attributes
    assert (stored["n"], stored["plan"], stored["vip"]) == (42, "team", False)
    assert db.people.get("d").attributes["n"] == 7.5
    page.table.setFocus()
    for _ in range(4):
        qtbot.keySequence(page.table, "Ctrl+Z")
        settled(qtbot, page)
    assert db.people.get("a") == PEOPLE[0]
    assert db.people.get("d") == PEOPLE[3]  # the value added is gone again
    assert model.value(model.row_of("a"), n) == 10
    qtbot.keySequence(page.table, "Ctrl+Shift+Z")
    settled(qtbot, page)
    assert db.people.get("a").attributes["n"] == 42


def test_typing_into_a_cell_through_the_editor(
    qtbot: QtBot, page: PeoplePage, db: Database
) -> None:
    page.show()
    qtbot.waitExposed(page)
    model = page.model
    index = model.index(model.row_of("c"), model.column_of("plan"))
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    (editor,) = page.table.viewport().findChildren(QLineEdit)
    editor.setText("enterprise")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn
    qtbot.waitUntil(lambda: model.value(index.row(), index.column()) == "enterprise")
    settled(qtbot, page)
    assert db.people.get("c").attributes["plan"] == "enterprise"


def test_nested_value_opens_the_json_editor(qtbot: QtBot, page: PeoplePage) -> None:
    model = page.model
    index = model.index(model.row_of("a"), model.column_of("tags"))
    with qtbot.waitSignal(page.dialogShown) as shown:
        page._double_clicked(index)
    dialog = shown.args[0]
    qtbot.addWidget(dialog)
    assert '"tags"' in dialog.attributes_edit.toPlainText()
    dialog.reject()


def test_a_change_elsewhere_is_read_again(qtbot: QtBot, page: PeoplePage, db: Database) -> None:
    from ui.ops import Changed, Op, OpChanges

    def other(database: Database) -> Changed[None]:
        database.people.create(Person("z", "", {"brand_new": 1}))
        return Changed(None, OpChanges(people=True))

    Op(None, other, path=db.path, write=True).run()
    qtbot.waitUntil(lambda: page.model.row_of("z") >= 0, timeout=10_000)
    assert "brand_new" in page.model.columns()


def test_the_gui_thread_reads_nothing_with_100000_people(qtbot: QtBot, tmp_path: Path) -> None:
    big = Database(tmp_path / "big.sqlite3")
    with big.transaction() as conn:
        conn.executemany(
            "INSERT INTO people (id, email, attributes, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                (f"p{i:06d}", "", json.dumps({"n": i % 977, "plan": "x"}), 0, 0)
                for i in range(100_000)
            ),
        )
    model = PeopleTableModel(big)
    assert model.rowCount() == 0
    settled(qtbot, model)
    model.sort(model.column_of("n"), Qt.SortOrder.DescendingOrder)
    settled(qtbot, model)
    assert model.rowCount() == 256 and model.canFetchMore()
    assert model.person(0).attributes["n"] == 976
    big.close()


def test_attributes_named_id_or_email_do_not_take_their_columns(qapp: QApplication) -> None:
    # the store refuses such a person; the table's cells stay one row a person regardless
    rows = [Person("g", "g@example.com", {"id": "other", "email": None, "n": 1})]
    model = QStandardItemModel(0, 3)
    block = encode_rows(rows, ["id", "email", "n"], Codec.qt(), variant(accent("muted")))
    assert load_block(model, block, 0)
    assert model.rowCount() == 1
    assert [model.data(model.index(0, c)) for c in range(3)] == ["g", "g@example.com", "1"]


PAINTING = {
    "data",
    "multiData",
    "itemData",
    "flags",
    "index",
    "parent",
    "sibling",
    "rowCount",
    "columnCount",
    "hasChildren",
    "headerData",
}


def test_the_table_is_painted_without_entering_python() -> None:
    # what a repaint asks the model, the delegate and the view for stays in C++: a Python
    # override of any of it would make every visible cell wait for the GIL during a send
    for cls, asked in (
        (PeopleTableModel, PAINTING),
        (CellDelegate, {"paint", "sizeHint", "initStyleOption"}),
        (KeyTable, {"paintEvent", "viewportEvent", "event", "drawRow"}),
    ):
        ours = [c for c in cls.__mro__ if c.__module__.startswith("ui.")]
        assert ours and not {name for c in ours for name in vars(c)} & asked, cls


def test_cells_tell_and_start_editing_from_the_person(qtbot: QtBot, page: PeoplePage) -> None:
    page.show()
    qtbot.waitExposed(page)
    model, table = page.model, page.table
    null = model.index(model.row_of("e"), model.column_of("plan"))
    assert model.data(null) == "null"
    assert model.data(null, Qt.ItemDataRole.ForegroundRole) == accent("muted")
    table.setCurrentIndex(null)
    table.edit(null)
    (editor,) = table.viewport().findChildren(QLineEdit)
    assert editor.text() == ""  # not the word it shows
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    tags = model.index(model.row_of("a"), model.column_of("tags"))
    missing = model.index(model.row_of("d"), model.column_of("n"))
    for index, text in (
        (tags, '["x"]\n\nDouble-click to edit as JSON.'),
        (missing, "No value. Type one to add it."),
    ):
        table.scrollTo(index)
        spot = table.visualRect(index).center()
        hover = QHelpEvent(QEvent.Type.ToolTip, spot, table.viewport().mapToGlobal(spot))
        QApplication.sendEvent(table.viewport(), hover)
        qtbot.waitUntil(lambda text=text: QToolTip.text() == text)
    QToolTip.hideText()


def test_a_null_takes_the_colour_of_a_new_theme(
    qtbot: QtBot, page: PeoplePage, qapp: QApplication
) -> None:
    model = page.model
    null = model.index(model.row_of("e"), model.column_of("plan"))
    before, theme = model.data(null, Qt.ItemDataRole.ForegroundRole), current_theme()
    apply_theme(qapp, "dark")
    try:
        shown = model.data(null, Qt.ItemDataRole.ForegroundRole)
        assert shown == accent("muted") and shown != before
    finally:
        apply_theme(qapp, theme)


def test_an_edit_redraws_only_its_cell_and_keeps_the_selection(
    qtbot: QtBot, page: PeoplePage, db: Database
) -> None:
    model, table = page.model, page.table
    table.selectAll()
    layouts: list[object] = []
    model.layoutChanged.connect(lambda *a: layouts.append(a))
    d, n, tags = model.row_of("d"), model.column_of("n"), model.column_of("tags")
    assert model.item(d, n) is None  # a missing value has no item
    assert model.setData(model.index(d, n), "7")  # a value where there was none
    settled(qtbot, page)
    assert model.data(model.index(d, n)) == "7" and db.people.get("d").attributes["n"] == 7
    a = model.row_of("a")
    assert model.setData(model.index(a, n), "x") is False  # refused: a number column
    model.replace(a, replace_person(model.person(a), tags="now text", vip=None))
    assert model.data(model.index(a, tags)) == "now text"
    assert model.flags(model.index(a, tags)) & Qt.ItemFlag.ItemIsEditable
    vip = model.index(a, model.column_of("vip"))
    assert model.data(vip) == "null" and model.data(vip, Qt.ItemDataRole.CheckStateRole) is None
    model.replace(a, replace_person(model.person(a), tags=MISSING))
    assert model.data(model.index(a, tags)) is None
    assert layouts == []
    assert len(table.selectionModel().selectedRows()) == model.rowCount()


def replace_person(person: Person, **changes: Any) -> Person:
    attributes = {**person.attributes, **changes}
    kept = {k: v for k, v in attributes.items() if v is not MISSING}
    return Person(person.id, person.email, kept)


def test_a_page_read_while_the_theme_changed_takes_the_new_colour(
    qtbot: QtBot, page: PeoplePage, qapp: QApplication
) -> None:
    model, theme = page.model, current_theme()
    model.refresh()  # read with the light theme's colour for a null
    apply_theme(qapp, "dark")
    try:
        settled(qtbot, page)
        null = model.index(model.row_of("e"), model.column_of("plan"))
        assert model.data(null, Qt.ItemDataRole.ForegroundRole) == accent("muted")
    finally:
        apply_theme(qapp, theme)


def test_rows_read_while_a_column_was_added_are_drawn_in_their_columns(
    qtbot: QtBot, db: Database
) -> None:
    model = PeopleTableModel(db, page=5)
    settled(qtbot, model)
    assert model.rowCount() == 5 and model.canFetchMore()
    db.people.create(Person("f", "", {"late": "yes"}))  # a name the model has not seen
    model.fetchMore()
    a = model.row_of("a")
    model.replace(a, Person("a", "a@example.com", {**PEOPLE[0].attributes, "zzz": 1}))
    settled(qtbot, model)  # the page was encoded for columns without "zzz"
    assert model.columns()[-2:] == ["zzz", "late"]
    f = model.row_of("f")
    assert model.data(model.index(f, model.column_of("late"))) == "yes"
    assert model.data(model.index(f, model.column_of("zzz"))) is None
    assert model.data(model.index(a, model.column_of("zzz"))) == "1"


# -- drag and drop -----------------------------------------------------------------------


def drop(page: PeoplePage, path: Path) -> bool:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dragEnterEvent(enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dropEvent(event)
    return event.isAccepted()


def test_dropping_json_imports_and_csv_previews(
    qtbot: QtBot, page: PeoplePage, db: Database, tmp_path: Path
) -> None:
    people = tmp_path / "more.json"
    people.write_text(json.dumps([{"id": "j1", "attributes": {"score": 3}}]), encoding="utf-8")
    with qtbot.waitSignal(page.importFinished, timeout=10_000):
        assert drop(page, people)
    assert db.people.get("j1").attributes == {"score": 3}
    settled(qtbot, page)
    assert "score" in page.model.columns()
    table = tmp_path / "more.csv"
    table.write_text("id,email,age\nk1,k@example.com,41\n", encoding="utf-8")
    with qtbot.waitSignal(page.files.previewShown, timeout=10_000) as shown:
        assert drop(page, table)
    dialog = shown.args[0]
    with qtbot.waitSignal(page.importFinished, timeout=10_000):
        dialog.accept()
    assert db.people.get("k1").attributes == {"age": 41}


def test_dropping_another_file_is_refused_by_name(
    qtbot: QtBot, page: PeoplePage, db: Database, tmp_path: Path
) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG")
    drop(page, picture)
    assert "photo.png" in page.status_label.text()
    assert ".csv or .json" in page.status_label.text()
    assert db.people.count() == len(PEOPLE)
    drop(page, tmp_path)  # a folder: refused with a sentence
    assert "is a folder" in page.status_label.text()
    assert db.people.count() == len(PEOPLE)


# -- the Outbox's Made column ---------------------------------------------------------------


def test_outbox_lists_when_each_delivery_was_made(db: Database) -> None:
    from composer.delivery.outbox import Outbox

    Outbox(db).create_many(Request("Ping", "http://127.0.0.1:9/"), [PEOPLE[0]])
    model = DeliveriesTableModel(db)
    assert model.HEADERS[-1] == "Made" and model.HEADERS[:7][-1] == "Next attempt"
    shown = model.data(model.index(0, len(model.HEADERS) - 1))
    made = dt.datetime.strptime(shown, "%Y-%m-%d %H:%M:%S")
    assert abs(made.timestamp() - model.delivery(0).created_at) < 1
