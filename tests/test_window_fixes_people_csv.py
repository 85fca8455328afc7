"""One type per CSV column: the rule, the preview dialog, and the import it drives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from composer.errors import InvalidFileError
from composer.store.database import Database
from composer.store.people_csv import column_type, preview_csv, retype_csv, typed_value
from composer.store.people_io import parse_people
from ui.pages.people import PeoplePage
from ui.pages.people_csv_dialog import CsvPreviewDialog

pytestmark = [
    pytest.mark.qt_log_ignore(r"This plugin does not support "),
    pytest.mark.usefixtures("settings_folder"),
]

ZIPS = "id,email,zip,vip,n,price,phone,note,tags\n" + (
    '1,a@example.com,02134,true,42,1.50,+15551234567,hello,"[1, 2]"\n'
    '2,b@example.com,10558,TRUE,-3,2,5551234,42,"[""x""]"\n'
    "3,c@example.com,,False,,,,,\n"
)


@pytest.fixture
def settings_folder(tmp_path: Path) -> Path:
    from ui.widgets.qt_settings import use_folder

    use_folder(tmp_path / "qsettings")
    return tmp_path / "qsettings"


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        (["02134", "10558"], "text"),
        (["10558", "02134"], "text"),
        (["-007", "5"], "text"),
        (["0", "0.5", "12"], "number"),
        (["+15551234567"], "text"),
        (["+1", "2"], "text"),
        (["true", "TRUE", "False", ""], "boolean"),
        (["true", "yes"], "text"),
        (["42", "-3", "1.50"], "number"),
        (["42", "abc"], "text"),
        (["1e3"], "text"),
        (["1e+16", "2", "-0.25"], "number"),  # as the export writes numbers
        (["'42", "43"], "text"),
        (["[1, 2]", '{"a": 1}'], "nested"),
        (["[1, 2]", "plain"], "text"),
        (["", ""], "text"),
        ([], "text"),
    ],
)
def test_one_type_per_column(cells: list[str], kind: str) -> None:
    assert column_type(cells) == kind


@pytest.mark.parametrize(
    ("cell", "kind", "value"),
    [
        ("02134", "number", 2134),
        ("1.50", "number", 1.5),
        ("1e3", "number", 1000.0),
        ("TRUE", "boolean", True),
        (" false ", "boolean", False),
        ("42", "text", "42"),
        ("'42", "text", "42"),
        ("[1]", "nested", [1]),
    ],
)
def test_a_chosen_type_reads_the_cell(cell: str, kind: Any, value: Any) -> None:
    result = typed_value(cell, kind)
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize(
    ("cell", "kind", "reason"),
    [
        ("abc", "number", '"abc" is not a number'),
        ("yes", "boolean", '"yes" is not true or false'),
        ("nan", "number", '"nan" is not a number'),
        ("9" * 101, "number", "more than 100 digits"),
        ("42", "nested", '"42" is not a JSON object or array'),
    ],
)
def test_a_cell_the_type_cannot_take_is_refused(cell: str, kind: Any, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        typed_value(cell, kind)


def test_the_file_is_read_column_by_column() -> None:
    people = {r.person.id: r.person.attributes for r in parse_people(
        retype_csv(ZIPS).encode(), "people.csv", "csv")}  # fmt: skip
    assert people["1"] == {
        "zip": "02134", "vip": True, "n": 42, "price": 1.5, "phone": "+15551234567",
        "note": "hello", "tags": [1, 2],
    }  # fmt: skip
    assert people["2"] == {
        "zip": "10558", "vip": True, "n": -3, "price": 2, "phone": "5551234", "note": "42",
        "tags": ["x"],
    }  # fmt: skip
    assert people["3"] == {"vip": False}


def test_a_refused_cell_names_its_row_and_column() -> None:
    with pytest.raises(InvalidFileError) as caught:
        retype_csv(ZIPS, {"note": "number"}, "people.csv")
    assert caught.value.where == 'row 2, column "note"'
    assert caught.value.reason == 'the cell "hello" is not a number'


def test_unreadable_csv_is_left_for_the_import_to_name() -> None:
    broken = 'id,x\n1,"open\n'
    assert retype_csv(broken) == broken
    assert preview_csv(broken) is None


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "workspace.sqlite3")
    yield database
    database.close()


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> Iterator[PeoplePage]:
    widget = PeoplePage(db)
    qtbot.addWidget(widget)
    yield widget
    widget.wait()


def open_preview(qtbot: QtBot, page: PeoplePage, path: Path) -> CsvPreviewDialog:
    with qtbot.waitSignal(page.files.previewShown, timeout=10_000) as shown:
        page.files.preview_import(path)
    dialog = shown.args[0]
    assert isinstance(dialog, CsvPreviewDialog)
    return dialog


def test_the_preview_shows_each_columns_type_and_imports_as_chosen(
    qtbot: QtBot, page: PeoplePage, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(ZIPS, encoding="utf-8")
    dialog = open_preview(qtbot, page, path)
    assert dialog.isVisible()
    assert db.people.count() == 0  # nothing before the user says so
    assert dialog.types() == {
        "zip": "text", "vip": "boolean", "n": "number", "price": "number", "phone": "text",
        "note": "text", "tags": "nested",
    }  # fmt: skip
    assert dialog.table.item(1, 2).text() == "02134"
    assert dialog.table.item(0, 0).text() == "text (id)"
    assert "3 people" in dialog.import_button.text()
    chooser = dialog.table.cellWidget(0, 2)
    assert isinstance(chooser, QComboBox)
    chooser.setCurrentText("number")  # the user wants zips as numbers after all
    with qtbot.waitSignal(page.importFinished, timeout=10_000):
        dialog.import_button.click()
    assert db.people.get("1").attributes["zip"] == 2134
    assert db.people.get("2").attributes["vip"] is True
    assert "3 new" in page.status_label.text()


def test_a_type_a_cell_cannot_take_imports_nothing_and_names_the_cell(
    qtbot: QtBot, page: PeoplePage, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(ZIPS, encoding="utf-8")
    dialog = open_preview(qtbot, page, path)
    chooser = dialog.choosers["note"]
    chooser.setCurrentText("number")
    with qtbot.waitSignal(page.importFinished, timeout=10_000):
        dialog.import_button.click()
    assert db.people.count() == 0
    text = page.status_label.text()
    assert text.startswith("Nothing was imported. people.csv, row 2, column")
    assert '"hello" is not a number' in text


def test_cancel_imports_nothing(
    qtbot: QtBot, page: PeoplePage, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(ZIPS, encoding="utf-8")
    dialog = open_preview(qtbot, page, path)
    dialog.reject()
    assert db.people.count() == 0
    assert page.status_label.text() == "Nothing was imported."


def test_file_dialogs_remember_the_last_folder_per_kind(tmp_path: Path) -> None:
    from ui.widgets.qt_settings import last_folder, remember_folder

    assert last_folder("people") == str(Path.home())
    (tmp_path / "exports").mkdir()
    remember_folder("people", tmp_path / "exports" / "people.csv")
    assert last_folder("people") == str(tmp_path / "exports")
    assert last_folder("requests") == str(Path.home())
