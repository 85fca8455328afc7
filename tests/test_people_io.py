"""People import and export: typing of CSV cells, all-or-nothing imports, exact errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.errors import InvalidFileError, StoreError
from composer.model import Event, Person
from composer.store.database import Database
from composer.store.people import attribute_problem
from composer.store.people_csv import CELL_CAP
from composer.store.people_io import (
    ABSENT,
    PersonRecord,
    cell_value,
    export_people,
    import_people,
    parse_people,
    people_to_csv,
    read_people,
    write_people,
)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        database.people.create(Person("existing", "old@example.com", {"keep": "me"}))
        database.people.add_event("existing", Event("signup", {}, 1))
        yield database


def _snapshot(db: Database) -> list[Any]:
    return [
        (p.to_dict(), [(e.event.name, dict(e.event.data)) for e in db.people.events(p.id)])
        for p in db.people.list()
    ]


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("", ABSENT),
        ("true", True),
        ("false", False),
        ("TRUE", "TRUE"),
        ("True", "True"),
        ("42", 42),
        ("-7", -7),
        ("0", 0),
        ("02134", "02134"),
        ("+15551234567", "+15551234567"),
        ("1_000", "1_000"),
        (" 42", " 42"),
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("1.50", "1.50"),
        ("1.", "1."),
        (".5", ".5"),
        ("1e3", "1e3"),
        ("nan", "nan"),
        ("inf", "inf"),
        ("null", "null"),
        ("hello", "hello"),
        ("Zoë", "Zoë"),
        ('{"a": 1}', {"a": 1}),
        ('["x", 2]', ["x", 2]),
        ('{"a":1}', '{"a":1}'),
        ("[not json", "[not json"),
        ("9" * 100, int("9" * 100)),
        ("9" * 101, "9" * 101),
    ],
)
def test_csv_cell_typing(cell: str, value: Any) -> None:
    result = cell_value(cell)
    if value is ABSENT:
        assert result is ABSENT
    else:
        assert result == value
        assert type(result) is type(value)


def test_good_csv_imports_typed_attributes(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "\ufeffid,Email,zip,phone,price,n,vip,note,empty\n"
        '1,a@example.com,02134,+15551234567,1.50,42,true,"said ""hi"", left",\n'
        '2,,,,1.5,-3,false,"two\nlines",\n'
        ",,,,,,,,\n"
        "\n",
        encoding="utf-8",
    )
    result = import_people(db, path)
    assert (result.created, result.updated) == (2, 0)
    assert db.people.get("1") == Person(
        "1",
        "a@example.com",
        {
            "zip": "02134",
            "phone": "+15551234567",
            "price": 1.5,  # the whole column is numbers
            "n": 42,
            "vip": True,
            "note": 'said "hi", left',
        },
    )
    assert db.people.get("2").attributes == {
        "price": 1.5,
        "n": -3,
        "vip": False,
        "note": "two\nlines",
    }


def test_good_json_imports_people_and_events(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "people.json"
    people = [
        {"id": "a", "email": "a@example.com", "attributes": {"nested": {"x": [1, None]}}},
        {"id": "b", "events": [{"name": "buy", "data": {"sku": "1"}, "timestamp": 5}]},
        {"id": "existing", "email": "new@example.com", "attributes": {"plan": "pro"}},
    ]
    path.write_text(json.dumps(people), encoding="utf-8")
    result = import_people(db, path)
    assert (result.created, result.updated, result.events) == (2, 1, 1)
    assert db.people.get("a").attributes == {"nested": {"x": [1, None]}}
    assert [e.event for e in db.people.events("b")] == [Event("buy", {"sku": "1"}, 5)]
    # an id already stored is updated (upsert); its events stay when the file gives none
    assert db.people.get("existing") == Person("existing", "new@example.com", {"plan": "pro"})
    assert [e.event.name for e in db.people.events("existing")] == ["signup"]


def test_json_events_replace_stored_events(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "people.json"
    path.write_text(json.dumps([{"id": "existing", "events": []}]), encoding="utf-8")
    import_people(db, path)
    assert db.people.events("existing") == []


BAD_FILES = [
    # (file name, content, where, reason fragment)
    ("empty.json", b"", None, "is empty (0 bytes)"),
    ("empty.csv", b"", None, "is empty (0 bytes)"),
    ("blank.json", b"  \n", None, "only blank space"),
    ("latin1.csv", b"id,name\n1,Zo\xeb\n", "line 2, byte 13", "is not UTF-8"),
    ("bad.json", b'[{"id": "1"},\n {"id": }]', "line 2, column 9", "invalid JSON: Expecting value"),
    (
        "nan.json",
        b'[{"id": "1", "attributes": {"x": NaN}}]',
        "line 1, column 34",
        "NaN is not a JSON value",
    ),
    ("object.json", b'{"id": "1"}', None, "expected a JSON list of people"),
    (
        "number-id.json",
        b'[{"id": "1"}, {"id": 2}]',
        "item 2",
        '"id" must be a string, got a number',
    ),
    ("no-id.json", b'[{"email": "a@b.c"}]', "item 1", 'missing "id"'),
    ("empty-id.json", b'[{"id": ""}]', "item 1", '"id" must not be empty'),
    ("email.json", b'[{"id": "1", "email": 5}]', "item 1", '"email" must be a string'),
    ("attrs.json", b'[{"id": "1", "attributes": [1]}]', "item 1", '"attributes" must be an object'),
    ("typo.json", b'[{"id": "1", "atributes": {}}]', "item 1", 'unknown field "atributes"'),
    ("reserved.json", b'[{"id": "1", "attributes": {"email": "x"}}]', "item 1", "reserved"),
    ("item.json", b'["1"]', "item 1", "expected an object with an id, got a string"),
    ("events.json", b'[{"id": "1", "events": {}}]', "item 1", '"events" must be an array'),
    (
        "ev-name.json",
        b'[{"id": "1", "events": [{"data": {}}]}]',
        "item 1",
        'events[0] needs a "name"',
    ),
    (
        "ev-time.json",
        b'[{"id": "1", "events": [{"name": "a", "timestamp": "noon"}]}]',
        "item 1",
        "events[0].timestamp must be whole Unix seconds, got a string",
    ),
    (
        "dup.json",
        b'[{"id": "1"}, {"id": "2"}, {"id": "1"}]',
        "item 3",
        '"1" appears again (first at item 1)',
    ),
    ("dup.csv", b"id\n1\n2\n1\n", "row 4", '"1" appears again (first at row 2)'),
    (
        "many.csv",
        b"id,email\n1,a@b.c\n2,b@c.d,extra\n",
        "row 3",
        "too many cells: 3 where the header row has 2",
    ),
    (
        "few.csv",
        b"id,email,plan\n1,a@b.c\n",
        "row 2",
        "too few cells: 2 where the header row has 3",
    ),
    (
        "no-id.csv",
        b"email,plan\na@b.c,pro\n",
        "row 1",
        'needs an "id" column (it has "email", "plan")',
    ),
    ("dup-col.csv", b"id,plan,plan\n1,a,b\n", "row 1", 'column "plan" appears twice'),
    ("no-name.csv", b"id,,plan\n1,a,b\n", "row 1", "column 2 of the header row has no name"),
    ("empty-id.csv", b"id,plan\n1,a\n,b\n", "row 3", "the id cell is empty"),
    ("quoted.csv", b'id,note\n1,"two\nlines"\n2,x,y\n', "row 3 (line 4)", "too many cells"),
    ("quote.csv", b'id,note\n1,"open"x\n', "row 2", "malformed CSV"),
]


@pytest.mark.parametrize(
    ("name", "content", "where", "reason"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_bad_file_names_row_and_reason_and_writes_nothing(
    db: Database, tmp_path: Path, name: str, content: bytes, where: str | None, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = _snapshot(db)
    with pytest.raises(InvalidFileError) as caught:
        import_people(db, path)
    error = caught.value
    assert error.source == str(path)
    assert error.where == where
    assert reason in error.reason
    assert str(error).startswith(str(path))
    assert "\n" not in str(error)
    assert _snapshot(db) == before


def test_missing_file(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidFileError, match="no such file"):
        import_people(db, tmp_path / "nope.csv")


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    as_json = tmp_path / "people.txt"
    as_json.write_text('[{"id": "1"}]', encoding="utf-8")
    as_csv = tmp_path / "people.dat"
    as_csv.write_text("id,plan\n1,pro\n", encoding="utf-8")
    assert read_people(as_json) == [PersonRecord(Person("1", "", {}))]
    assert read_people(as_csv) == [PersonRecord(Person("1", "", {"plan": "pro"}))]


def test_crash_in_the_middle_of_an_import_leaves_nothing(db: Database) -> None:
    before = _snapshot(db)

    def records() -> Iterator[PersonRecord]:
        yield PersonRecord(Person("a", ""))
        yield PersonRecord(Person("existing", "changed@example.com"), events=())
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        write_people(db, records())
    assert _snapshot(db) == before


def test_export_json_round_trips(db: Database, tmp_path: Path) -> None:
    db.people.create(Person("n", "n@example.com", {"nil": None, "deep": {"a": [1, "é"]}}))
    out = export_people(db, tmp_path / "out.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data[0] == {
        "id": "existing",
        "email": "old@example.com",
        "attributes": {"keep": "me"},
        "events": [{"name": "signup", "data": {}, "timestamp": 1}],
    }
    with Database(tmp_path / "other.sqlite3") as other:
        import_people(other, out)
        assert _snapshot(other) == _snapshot(db)


def test_export_csv_columns_and_round_trip(db: Database, tmp_path: Path) -> None:
    db.people.create(
        Person(
            "n", "n@example.com", {"zip": "02134", "deep": {"a": [1, "é"]}, "ok": True, "x": 1.5}
        )
    )
    out = export_people(db, tmp_path / "out.csv")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,email,deep,keep,ok,x,zip"
    assert lines[2] == 'n,n@example.com,"{""a"": [1, ""é""]}",,true,1.5,02134'
    with Database(tmp_path / "other.sqlite3") as other:
        import_people(other, out)
        assert [p.to_dict() for p in other.people.list()] == [p.to_dict() for p in db.people.list()]


def test_csv_export_writes_nil_as_an_empty_cell() -> None:
    text = people_to_csv([Person("1", "", {"gone": None, "n": 0})])
    assert text == "id,email,gone,n\n1,,,0\n"


# -- CSV export without formulas, and an exact round trip ----------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil","x")', '"\'=HYPERLINK(""http://evil"",""x"")"'),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", '"\'\r=1"'),
        ("a\rb", '"a\rb"'),
        ("a\nb", '"a\nb"'),
        ("'", "''"),
        ("'tis", "'tis"),
        ("'=1", "''=1"),
        ("''42", "'''42"),
        ("", "'"),
        ("42", "'42"),
        ("1.5", "'1.5"),
        ("true", "'true"),
        ('{"a": 1}', '"\'{""a"": 1}"'),
        ("02134", "02134"),
        ("plain", "plain"),
        ("x,y", '"x,y"'),
        (-7, "-7"),
        (-0.5, "-0.5"),
        (True, "true"),
        ({"a": ["-x"]}, '"{""a"": [""-x""]}"'),
    ],
)
def test_csv_export_neutralises_formulas_and_reads_back_the_same(value: Any, cell: str) -> None:
    person = Person("1", "", {"v": value})
    text = people_to_csv([person])
    assert text == f"id,email,v\n1,,{cell}\n"
    [record] = parse_people(text.encode("utf-8"), "<export>", "csv")
    assert record.person == person
    assert type(record.person.attributes["v"]) is type(value)


def test_csv_round_trip_of_formula_ids_emails_and_attribute_names(
    db: Database, tmp_path: Path
) -> None:
    people = [
        Person("=1+1", "@evil.example", {"ID": "upper", " padded ": 1, "=name": "-"}),
        Person("-3", "+x@example.com", {"Email": None, "'quoted": "'", "": "empty name"}),
        Person("'plain", "'", {"ID": "'tis"}),
    ]
    for person in people:
        db.people.create(person)
    out = export_people(db, tmp_path / "out.csv")
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,email,',' padded ,'quoted,'=name,'Email,'ID,keep"
    with Database(tmp_path / "other.sqlite3") as other:
        import_people(other, out)
        back = {p.id: p for p in other.people.list()}
    for person in [*db.people.list()]:
        expected = {k: v for k, v in person.attributes.items() if v is not None}
        assert back[person.id] == Person(person.id, person.email, expected)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("'42", "42"),
        ("'=1+1", "=1+1"),
        ("'tis", "'tis"),
        ("'", ""),
        ("''", "'"),
        ("'true", "true"),
        ("9" * 101, "9" * 101),
        ("9" * 5000, "9" * 5000),
    ],
)
def test_a_leading_quote_in_a_hand_written_file(cell: str, value: Any) -> None:
    [record] = parse_people(f"id,v\n1,{cell}\n".encode(), "<file>", "csv")
    assert record.person.attributes == {"v": value}


def test_cells_over_128_kib_are_read_up_to_the_cap(db: Database, tmp_path: Path) -> None:
    big = "x" * (200 * 1024)
    db.people.create(Person("big", "", {"note": big, "formula": "=" + big}))
    out = export_people(db, tmp_path / "out.csv")
    with Database(tmp_path / "other.sqlite3") as other:
        import_people(other, out)
        assert other.people.get("big").attributes == {"note": big, "formula": "=" + big}


def test_a_cell_over_the_cap_names_its_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("id,note\n1,x\n2," + "y" * (CELL_CAP + 1) + "\n", encoding="utf-8")
    with pytest.raises(InvalidFileError) as caught:
        read_people(path)
    assert caught.value.where == 'row 3, column "note"'
    assert f"more than a cell may hold ({CELL_CAP:,})" in caught.value.reason


def test_csv_export_refuses_a_value_too_long_for_a_cell(db: Database, tmp_path: Path) -> None:
    db.people.create(Person("long", "", {"note": "z" * (CELL_CAP + 1)}))
    with pytest.raises(StoreError, match='Person "long": the CSV cell for "note"'):
        export_people(db, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
    export_people(db, tmp_path / "out.json")  # JSON has no cap


# -- what an attribute may hold ---------------------------------------------------------


DEEP_CELL = "[" * 33 + "]" * 33
LIMIT_FILES = [
    (
        "deep-cell.csv",
        f"id,plan,tree\n1,a,[]\n2,b,{DEEP_CELL}\n",
        'row 3, column "tree"',
        "the cell is JSON that arrays and objects nest more than 32 levels deep here",
    ),
    (
        "hostile-cell.csv",
        "id,tree\n1,[" + "[" * 5000 + "]" * 5000 + "]\n",
        'row 2, column "tree"',
        "more than 32 levels deep",
    ),
    (
        "long-int-cell.csv",
        "id,n\n1,[" + "1" * 150 + "]\n",
        'row 2, column "n"',
        "an integer of more than 100 digits",
    ),
    (
        "infinite-cell.csv",
        "id,n\n1,[1e999]\n",
        'row 2, column "n"',
        "a number too large to store",
    ),
    (
        "surrogate-cell.csv",
        'id,s\n1,"[""\\ud800""]"\n',
        'row 2, column "s"',
        "surrogate",
    ),
    (
        "deep-attribute.json",
        json.dumps([{"id": "1"}, {"id": "2", "attributes": {"tree": json.loads(DEEP_CELL)}}]),
        "item 2",
        'attribute "tree" nests more than 32 levels deep',
    ),
    (
        "deep-event.json",
        json.dumps(
            [{"id": "1", "events": [{"name": "e", "data": {"d": [[[[[[]]]]]] * 1}}]}]
        ).replace("[[[[[[]]]]]]", DEEP_CELL),
        "item 1",
        'events[0].data "d" nests more than 32 levels deep',
    ),
    (
        "timestamp.json",
        '[{"id": "1", "events": [{"name": "e", "timestamp": ' + "9" * 30 + "}]}]",
        "item 1",
        "events[0].timestamp 999999999999999999999999999999 is not a time in the years 1 to 9999",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "where", "reason"), LIMIT_FILES, ids=[case[0] for case in LIMIT_FILES]
)
def test_attribute_limits_name_the_place(
    db: Database, tmp_path: Path, name: str, content: str, where: str, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = _snapshot(db)
    with pytest.raises(InvalidFileError) as caught:
        import_people(db, path)
    assert caught.value.where == where
    assert reason in caught.value.reason
    assert "\n" not in str(caught.value)
    assert _snapshot(db) == before


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([[[]]], None),
        (json.loads(DEEP_CELL), "nests more than 32 levels deep"),
        ({"n": 10**100}, "holds an integer of more than 100 digits"),
        ({"s": "\udc80"}, "holds half of a UTF-16 surrogate pair"),
    ],
)
def test_attribute_problem(value: Any, problem: str | None) -> None:
    found = attribute_problem(value)
    assert found == problem if problem is None else (found or "").startswith(problem)
