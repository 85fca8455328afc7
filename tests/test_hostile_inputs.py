"""Generated hostile values through every import and export: a round trip or one clear error.

Hypothesis feeds unicode (lone surrogates and control characters included), huge and
deep structures, formula-looking text, CR/LF, commas and quotes through people import
(JSON and CSV), people export → import, request files, context files and cURL import.
Each example must end in a value that round-trips, or in an
:class:`~composer.errors.InvalidFileError` (a :class:`~composer.errors.StoreError` for
what the store refuses) whose message is one printable line; any other exception fails.
Examples are derandomized (the same every run) and few enough to keep each test to a few
seconds.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from composer.curl.parse import import_curl, shell_quote
from composer.errors import InvalidFileError, KnownError, StoreError
from composer.model import Person, Request, parse_context
from composer.store.database import Database
from composer.store.people_io import parse_people, people_to_csv, people_to_json, write_people

BOUNDED = settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- hostile building blocks ------------------------------------------------------------


def mostly(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` about nine times in ten, else ``rare``."""
    return st.integers(0, 9).flatmap(lambda n: rare if n == 0 else usual)


FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'", "''", "'=x", "'42", "-7"]
LOOKALIKES = ["42", "1.5", "true", "false", "null", "", " ", "02134", "1e3", "[1]", '{"a": 1}']
SHAPES = [",", '"', "\r", "\n", "\r\n", "\x00", "\x1b", "\x7f", "\u2028", "\ufeff", "é", "😀"]
hostile_text = st.one_of(
    st.text(max_size=20),  # any code point, lone surrogates and controls included
    st.sampled_from(FORMULAS + LOOKALIKES + SHAPES),
    st.lists(st.sampled_from(FORMULAS + LOOKALIKES + SHAPES + ["a", "'"]), max_size=6).map("".join),
)
storable_text = hostile_text.filter(lambda t: not any("\ud800" <= c <= "\udfff" for c in t))
HUGE = "<an integer of 5,000 digits>"  # Python cannot even print one; dumps() writes it
huge_ints = mostly(
    st.integers(), st.sampled_from([10**99, -(10**99), 10**100, 2**63, -(2**63), HUGE])
)
floats = mostly(st.floats(allow_nan=False, allow_infinity=False), st.floats())


def deep(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for n in range(levels):
        value = [value] if n % 2 else {"k": value}
    return value


DEEP = "<arrays nested 2,000 levels deep>"  # too deep to build and print here; dumps() writes it
json_values = mostly(
    st.recursive(
        st.none() | st.booleans() | huge_ints | floats | hostile_text,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4)
        ),
        max_leaves=12,
    ),
    st.sampled_from([31, 32, 33, 64, 65]).map(deep) | st.just(DEEP),
)


def dumps(value: Any) -> str:
    """JSON text of a generated value; lone surrogates become ``\\udXXX`` escapes."""
    text = json.dumps(value, ensure_ascii=True, allow_nan=True)
    return text.replace(f'"{HUGE}"', "9" * 5000).replace(f'"{DEEP}"', "[" * 2000 + "]" * 2000)


def is_clear(error: KnownError) -> None:
    """One printable line."""
    text = str(error)
    assert text and "\n" not in text and "\r" not in text
    text.encode("utf-8")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One workspace for every example of a module (each example empties it first)."""
    with Database(tmp_path_factory.mktemp("hostile") / "workspace.sqlite3") as database:
        yield database


def _fresh(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute("DELETE FROM people")


def _without_nil(person: Person) -> Person:
    kept = {k: v for k, v in person.attributes.items() if v is not None}
    return Person(person.id, person.email, kept)


# -- people -----------------------------------------------------------------------------

people_items = st.lists(
    st.fixed_dictionaries(
        {"id": hostile_text.filter(bool)},
        optional={
            "email": mostly(hostile_text, huge_ints),
            "attributes": mostly(
                st.dictionaries(hostile_text, json_values, max_size=4), json_values
            ),
            "events": st.lists(
                st.fixed_dictionaries(
                    {"name": hostile_text},
                    optional={
                        "data": mostly(st.dictionaries(hostile_text, json_values), json_values),
                        "timestamp": mostly(huge_ints, floats),
                    },
                ),
                max_size=2,
            ),
        },
    ),
    max_size=4,
)


@BOUNDED
@given(items=people_items)
def test_people_json_import_then_export_round_trips_or_is_refused(
    db: Database, items: list[dict[str, Any]]
) -> None:
    _fresh(db)
    try:
        records = parse_people(dumps(items).encode("utf-8"), "people.json", "json")
        write_people(db, records)
    except (InvalidFileError, StoreError) as error:
        is_clear(error)
        assert db.people.count() == 0  # all or nothing
        return
    stored = db.people.list()
    again = parse_people(people_to_json(db).encode("utf-8"), "again.json", "json")
    assert [record.person for record in again] == stored
    try:
        text = people_to_csv(stored)
    except StoreError as error:  # a value longer than a CSV cell
        is_clear(error)
        return
    back = parse_people(text.encode("utf-8"), "again.csv", "csv")
    assert [record.person for record in back] == [_without_nil(p) for p in stored]


def _table(width: int) -> st.SearchStrategy[tuple[list[str], list[list[str]]]]:
    """A header of ``width`` names and rows of ``width`` cells (now and then one more)."""
    cells = mostly(
        st.lists(hostile_text, min_size=width, max_size=width), st.lists(hostile_text, max_size=5)
    )
    header = st.lists(
        hostile_text.filter(str.strip), min_size=width, max_size=width, unique_by=str.strip
    )
    return st.tuples(header, st.lists(cells, min_size=1, max_size=5))


@BOUNDED
@given(table=st.integers(1, 4).flatmap(_table), raw=mostly(st.just(False), st.just(True)))
def test_people_csv_import_reads_or_refuses(
    db: Database, table: tuple[list[str], list[list[str]]], raw: bool
) -> None:
    header, rows = table
    rows = [[str(n), *row] for n, row in enumerate(rows)]
    if raw:  # cells joined as they are: broken quoting, stray CR
        text = "\n".join(",".join(row) for row in [["id", *header], *rows])
    else:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([["id", *header], *rows])
        text = buffer.getvalue()
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate makes the file not UTF-8
    _fresh(db)
    try:
        write_people(db, parse_people(data, "people.csv", "csv"))
    except (InvalidFileError, StoreError) as error:
        is_clear(error)
        return
    stored = db.people.list()  # what was read is exported and read back the same
    back = parse_people(people_to_csv(stored).encode("utf-8"), "again.csv", "csv")
    assert [record.person for record in back] == stored


people_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=False,
    allow_infinity=False), storable_text,
    st.lists(storable_text | st.integers(), max_size=3),
    st.dictionaries(storable_text, storable_text | st.integers(), max_size=3),
)  # fmt: skip


@BOUNDED
@given(
    people=st.lists(
        st.builds(
            Person,
            id=storable_text.filter(bool),
            email=storable_text,
            attributes=st.dictionaries(
                storable_text.filter(lambda n: n not in ("id", "email")), people_values, max_size=5
            ),
        ),
        max_size=4,
        unique_by=lambda p: p.id,
    )
)
def test_people_csv_export_then_import_is_exact(people: list[Person]) -> None:
    """A CSV import gives each column one type, so what such an import can make comes back
    exactly; a column mixing kinds comes back as text (the test below)."""
    assume(_one_kind_per_column(people))
    text = people_to_csv(people)
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:  # no formula; "-" starts only a number, which a spreadsheet shows
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or isinstance(json.loads(cell), int | float)
    back = parse_people(text.encode("utf-8"), "export.csv", "csv")
    assert [record.person for record in back] == [_without_nil(p) for p in people]


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "nested" if isinstance(value, list | dict) else "text"


def _one_kind_per_column(people: list[Person]) -> bool:
    kinds: dict[str, set[str]] = {}
    for person in people:
        for name, value in person.attributes.items():
            if value is not None:
                kinds.setdefault(name, set()).add(_kind(value))
    return all(len(found) == 1 for found in kinds.values())


def test_people_csv_column_of_mixed_kinds_comes_back_as_text() -> None:
    people = [Person("1", "", {"v": False}), Person("2", "", {"v": 0}), Person("3", "", {})]
    back = parse_people(people_to_csv(people).encode("utf-8"), "export.csv", "csv")
    assert [record.person.attributes for record in back] == [{"v": "false"}, {"v": "0"}, {}]


# -- request and context files ---------------------------------------------------------

request_fields = st.fixed_dictionaries(
    {
        "name": mostly(hostile_text.filter(str.strip), json_values),
        "url": mostly(hostile_text, json_values),
    },
    optional={
        "method": mostly(st.sampled_from(["GET", "POST", "PATCH"]), json_values),
        "headers": mostly(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "name": mostly(hostile_text.filter(str.strip), hostile_text),
                        "value": mostly(hostile_text, json_values),
                    }
                ),
                max_size=3,
            ),
            json_values,
        ),
        "body": mostly(hostile_text, json_values),
        "response_mappings": st.lists(
            st.fixed_dictionaries(
                {"attribute": hostile_text.filter(str.strip), "value": hostile_text}
            ),
            max_size=2,
        ),
        "count_conversions": mostly(st.booleans(), json_values),
        "send_mode": mostly(st.sampled_from(["automatic", "draft"]), hostile_text),
        "liquid_version": mostly(st.sampled_from(["latest", "legacy"]), hostile_text),
        "idempotency_key": st.booleans(),
    },
)


@BOUNDED
@given(fields=request_fields)
def test_request_files_round_trip_or_are_refused(fields: dict[str, Any]) -> None:
    try:
        request = Request.from_json(dumps(fields), "request.json")
    except InvalidFileError as error:
        is_clear(error)
        return
    assert Request.from_json(request.to_json(), "again.json") == request
    request.to_json().encode("utf-8")  # storable and printable


@BOUNDED
@given(context=json_values | st.dictionaries(hostile_text, json_values, max_size=4))
def test_context_files_are_read_or_refused(context: Any) -> None:
    try:
        parsed = parse_context(dumps(context), "context.json")
    except InvalidFileError as error:
        is_clear(error)
        return
    assert parsed == json.loads(dumps(context))
    json.dumps(parsed, ensure_ascii=False).encode("utf-8")


@BOUNDED
@given(text=st.text(max_size=60) | st.sampled_from(["[" * 3000, "9" * 5000, '"\\ud800"']))
def test_any_text_as_a_file_is_read_or_refused(db: Database, text: str) -> None:
    for read in (
        lambda: Request.from_json(text, "request.json"),
        lambda: parse_context(text, "context.json"),
        lambda: parse_people(text.encode("utf-8", "surrogatepass"), "people", None),
    ):
        try:
            read()
        except InvalidFileError as error:
            is_clear(error)


# -- cURL import ------------------------------------------------------------------------

OPTIONS = ["-H", "-d", "--data-raw", "--data-urlencode", "-X", "-A", "-b", "-u", "--url",
           "-G", "-s", "-K", "-sK", "--config", "-F", "-T", "-o", "--json", "-e", "-L"]  # fmt: skip
URLS = ["https://e.com/", "http://e.com/p?q=1", "file:///etc/passwd", "gopher://h/", "e.com",
        "http://", "http://[::1", "ftp://x/", "https://e.com/{{ customer.id }}"]  # fmt: skip


def _quoted(word: str) -> str:
    """A word for the shell: plainly quoted, or bash's $'...' with its escapes."""
    if any(ord(c) < 32 or ord(c) == 127 for c in word):
        escaped = "".join(f"\\x{ord(c):02x}" if ord(c) < 128 else c for c in word)
        return "$'" + escaped.replace("'", "\\'") + "'"
    return shell_quote(word)


curl_options = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(OPTIONS), hostile_text),
        st.tuples(st.just("-H"), st.builds(lambda n, v: f"{n}: {v}", hostile_text, hostile_text)),
        st.tuples(st.sampled_from(OPTIONS), st.sampled_from(URLS)),
    ),
    max_size=4,
).map(lambda pairs: [word for pair in pairs for word in pair])
curl_words = st.builds(
    lambda url, options, where: [*options[:where], url, *options[where:]],
    mostly(st.sampled_from(URLS), hostile_text),
    curl_options,
    st.integers(0, 8),
)


@BOUNDED
@given(words=curl_words, raw=st.text(max_size=40))
def test_curl_import_gives_a_sendable_request_or_one_clear_error(
    words: list[str], raw: str
) -> None:
    for command in ("curl " + " ".join(_quoted(w) for w in words), "curl " + raw):
        try:
            imported = import_curl(command)
        except InvalidFileError as error:
            is_clear(error)
            continue
        request = imported.request
        assert request.url.lower().startswith(("http://", "https://"))
        for header in request.headers:
            assert not any((ord(c) < 32 and c != "\t") or ord(c) == 127 for c in header.value)
            assert header.name and all(33 <= ord(c) < 127 for c in header.name)
        assert Request.from_json(request.to_json(), "curl.json") == request
        for note in imported.notes:
            note.encode("utf-8")
