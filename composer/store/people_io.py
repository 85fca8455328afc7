"""People in and out of the workspace, as a JSON list or a CSV file.

**JSON** is the shape ``people list --json`` prints::

    [{"id": "42", "email": "ana@example.com", "attributes": {"plan": "pro"},
      "events": [{"name": "signup", "data": {"source": "ad"}, "timestamp": 1700000000}]}]

``id`` is a non-empty string; ``email`` (a string), ``attributes`` (an object) and
``events`` are optional; an event has a ``name`` and optionally ``data`` (an object) and
``timestamp`` (whole Unix seconds). Unknown fields are refused, so a typo is not silently
dropped. ``NaN`` and ``Infinity`` are refused: they are not JSON.

**CSV** has a header row with an ``id`` column; ``email`` is optional and every other
column is an attribute (``id`` and ``email`` are matched ignoring case). How a cell is
read (typing, the ``'`` mark the export puts before formulas and before text that would
read as something else, the size cap) is in :mod:`composer.store.people_csv`; rows whose cells
are all empty are skipped.

**Limits.** JSON files are read within :mod:`composer.json_input`'s limits (nesting,
integer size, finite numbers, no lone surrogates), and every attribute and event's data
must be what :mod:`composer.store.people` says an attribute may hold; an event's
``timestamp`` must fall in the years 1 to 9999.

**Errors** name the file, where, and why: JSON people are counted as ``item N`` (1-based
position in the list); CSV rows as ``row N`` the way a spreadsheet numbers them, the
header being row 1, so the first person is row 2 (a row whose quoted cells span several
lines also says the line), and a refused cell adds its column (``row 2, column "plan"``);
JSON refused as JSON gives the line and column. A file that is not UTF-8 gives the line
and the 1-based byte.

**All or nothing.** The whole file is read and validated before the workspace is touched,
then every person is written in one transaction. People whose id is already stored are
updated (email and attributes replaced, i.e. an upsert); their events are replaced when
the file gives ``events`` for them and kept otherwise. The same id twice in one file is
an error.

Export lives in :mod:`composer.store.people_export` and is re-exported here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from composer import json_input
from composer.errors import InvalidFileError
from composer.model import Event, Person, json_kind
from composer.store.database import Database
from composer.store.people import RESERVED_ATTRIBUTES, Upserted, attribute_problem
from composer.store.people_csv import (
    ABSENT,
    CELL_CAP,
    cell_value,
    read_header,
    read_text,
    read_value,
    retype_csv,
)
from composer.store.people_export import export_people, people_to_csv, people_to_json

__all__ = [
    "ABSENT",
    "ImportResult",
    "PersonRecord",
    "cell_value",
    "export_people",
    "import_people",
    "parse_people",
    "people_to_csv",
    "people_to_json",
    "read_people",
    "write_people",
]

_PERSON_KEYS = ("id", "email", "attributes", "events")
_EVENT_KEYS = ("name", "data", "timestamp")
_EARLIEST = -62_135_596_800  # 0001-01-01T00:00:00Z
_LATEST = 253_402_300_799  # 9999-12-31T23:59:59Z
_FIELD_LIMIT = 2**31 - 1  # the csv module's cap; cells are checked against CELL_CAP instead


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person read from a file."""

    person: Person
    """The person."""
    events: tuple[Event, ...] | None = None
    """Their events, or None when the file says nothing about events."""


ImportResult = Upserted
"""What an import did (how many people were created and updated, how many events stored)."""


# -- reading -----------------------------------------------------------------------


def read_people(path: Path | str) -> list[PersonRecord]:
    """Read and validate a people file (``.json``, ``.csv``, or sniffed by its first byte)."""
    source = str(path)
    raw = json_input.read_file(path, source)
    suffix = Path(path).suffix.lower()
    kind = "json" if suffix == ".json" else "csv" if suffix == ".csv" else None
    return parse_people(raw, source, kind)


def parse_people(raw: bytes, source: str, kind: str | None = None) -> list[PersonRecord]:
    """Validate a people file's bytes; ``kind`` is "json", "csv" or None to sniff."""
    if not raw:
        raise InvalidFileError(
            source, "is empty (0 bytes); expected a JSON list of people or a CSV with a header row"
        )
    text = json_input.decode_text(raw, source)
    if not text.strip():
        raise InvalidFileError(
            source, "holds only blank space; expected a JSON list of people or a CSV header row"
        )
    if kind is None:
        kind = "json" if text.lstrip()[0] in "[{" else "csv"
    if kind == "json":
        return _parse_json(text, source)
    return _parse_csv(retype_csv(text, None, source), source)


def _parse_json(text: str, source: str) -> list[PersonRecord]:
    data = json_input.loads(text, source)
    if not isinstance(data, list):
        raise InvalidFileError(
            source, f'expected a JSON list of people like [{{"id": "1"}}], got {json_kind(data)}'
        )
    records: list[PersonRecord] = []
    first_seen: dict[str, int] = {}
    for n, item in enumerate(cast(list[object], data), start=1):
        where = f"item {n}"
        record = _json_record(item, source, where)
        person_id = record.person.id
        if person_id in first_seen:
            raise InvalidFileError(
                source,
                f'id "{person_id}" appears again (first at item {first_seen[person_id]})',
                where,
            )
        first_seen[person_id] = n
        records.append(record)
    return records


def _json_record(item: object, source: str, where: str) -> PersonRecord:
    def fail(reason: str) -> InvalidFileError:
        return InvalidFileError(source, reason, where)

    if not isinstance(item, dict):
        raise fail(f"expected an object with an id, got {json_kind(item)}")
    obj = cast(dict[str, object], item)
    unknown = [key for key in obj if key not in _PERSON_KEYS]
    if unknown:
        raise fail(f'unknown field "{unknown[0]}" (expected {", ".join(_PERSON_KEYS)})')
    if "id" not in obj:
        raise fail('missing "id"')
    person_id = obj["id"]
    if not isinstance(person_id, str):
        raise fail(f'"id" must be a string, got {json_kind(person_id)}')
    if not person_id:
        raise fail('"id" must not be empty')
    email = obj.get("email", "")
    if not isinstance(email, str):
        raise fail(f'"email" must be a string, got {json_kind(email)}')
    attributes = obj.get("attributes", {})
    if not isinstance(attributes, dict):
        raise fail(f'"attributes" must be an object, got {json_kind(attributes)}')
    reserved = sorted(RESERVED_ATTRIBUTES.intersection(attributes))
    if reserved:
        raise fail(
            f'attribute "{reserved[0]}" is reserved; give it as the top-level "{reserved[0]}"'
        )
    _check_values(cast(dict[str, Any], attributes), "attribute", fail)
    events: tuple[Event, ...] | None = None
    if "events" in obj:
        raw_events = obj["events"]
        if not isinstance(raw_events, list):
            raise fail(f'"events" must be an array, got {json_kind(raw_events)}')
        events = tuple(
            _json_event(event, fail, i) for i, event in enumerate(cast(list[object], raw_events))
        )
    person = Person(id=person_id, email=email, attributes=cast(dict[str, Any], attributes))
    return PersonRecord(person, events)


def _json_event(item: object, fail: Any, i: int) -> Event:
    at = f"events[{i}]"
    if not isinstance(item, dict):
        raise fail(f"{at} must be an object, got {json_kind(item)}")
    obj = cast(dict[str, object], item)
    unknown = [key for key in obj if key not in _EVENT_KEYS]
    if unknown:
        raise fail(f'{at} has an unknown field "{unknown[0]}" (expected {", ".join(_EVENT_KEYS)})')
    name = obj.get("name")
    if not isinstance(name, str) or not name:
        raise fail(f'{at} needs a "name" string, got {json_kind(name)}')
    data = obj.get("data", {})
    if not isinstance(data, dict):
        raise fail(f"{at}.data must be an object, got {json_kind(data)}")
    _check_values(cast(dict[str, Any], data), f"{at}.data", fail)
    timestamp = obj.get("timestamp", 0)
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise fail(f"{at}.timestamp must be whole Unix seconds, got {json_kind(timestamp)}")
    if not _EARLIEST <= timestamp <= _LATEST:
        raise fail(f"{at}.timestamp {timestamp} is not a time in the years 1 to 9999")
    return Event(name=name, data=cast(dict[str, Any], data), timestamp=timestamp)


def _check_values(values: dict[str, Any], what: str, fail: Any) -> None:
    """Refuse the first value that is not what an attribute may hold."""
    for name, value in values.items():
        problem = attribute_problem(value)
        if problem is not None:
            raise fail(f'{what} "{name}" {problem}')


def _parse_csv(text: str, source: str) -> list[PersonRecord]:
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row_number = 0
    header: list[tuple[str, str, str]] = []
    records: list[PersonRecord] = []
    first_seen: dict[str, int] = {}

    def where() -> str:
        line = reader.line_num
        return f"row {row_number}" if line == row_number else f"row {row_number} (line {line})"

    try:
        for cells in reader:
            row_number += 1
            if row_number == 1:
                header = _csv_header(cells, source)
                continue
            if not any(cells):
                continue  # a blank row, or one of empty cells
            if len(cells) != len(header):
                more_or_fewer = "too many" if len(cells) > len(header) else "too few"
                raise InvalidFileError(
                    source,
                    f"{more_or_fewer} cells: {len(cells)} where the header row has {len(header)}",
                    where(),
                )
            person_id, email, attributes = "", "", {}
            for (kind, name, column), cell in zip(header, cells, strict=True):
                if len(cell) > CELL_CAP:
                    raise InvalidFileError(
                        source,
                        f"the cell holds {len(cell):,} characters, more than a cell may hold "
                        f"({CELL_CAP:,})",
                        f"{where()}, column {column}",
                    )
                if kind == "id":
                    person_id = read_text(cell)
                elif kind == "email":
                    email = read_text(cell)
                else:
                    try:
                        value = read_value(cell)
                    except ValueError as exc:
                        raise InvalidFileError(
                            source, f"the cell {exc}", f"{where()}, column {column}"
                        ) from None
                    if value is not ABSENT:
                        attributes[name] = value
            if not person_id:
                raise InvalidFileError(source, "the id cell is empty", where())
            if person_id in first_seen:
                raise InvalidFileError(
                    source,
                    f'id "{person_id}" appears again (first at row {first_seen[person_id]})',
                    where(),
                )
            first_seen[person_id] = row_number
            records.append(PersonRecord(Person(person_id, email, attributes)))
    except csv.Error as exc:
        raise InvalidFileError(source, f"malformed CSV: {exc}", f"row {row_number + 1}") from None
    return records


def _csv_header(cells: Sequence[str], source: str) -> list[tuple[str, str, str]]:
    """Each column as (kind, name, label): kind "id", "email" or "attribute"; the label
    names the column in errors."""
    header: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells, start=1):
        if len(cell) > CELL_CAP:
            raise InvalidFileError(source, f"column {i} of the header row is too long", "row 1")
        name, literal = read_header(cell)
        kind = "attribute"
        if not literal and name.lower() in RESERVED_ATTRIBUTES:
            name = kind = name.lower()
        elif literal and name in RESERVED_ATTRIBUTES:
            raise InvalidFileError(
                source,
                f'column {i}: "{name}" is the person\'s own column, not an attribute',
                "row 1",
            )
        if not name and not literal:
            raise InvalidFileError(source, f"column {i} of the header row has no name", "row 1")
        if name in seen:
            raise InvalidFileError(source, f'column "{name}" appears twice in the header', "row 1")
        seen.add(name)
        header.append((kind, name, f'"{name}"' if name else str(i)))
    if not any(kind == "id" for kind, _, _ in header):
        found = ", ".join(f'"{name}"' for _, name, _ in header)
        raise InvalidFileError(
            source, f'the header row needs an "id" column (it has {found})', "row 1"
        )
    return header


# -- writing -----------------------------------------------------------------------


def write_people(db: Database, records: Iterable[PersonRecord]) -> ImportResult:
    """Store validated people in one transaction (upsert by id; see
    :meth:`composer.store.people.PeopleRepo.upsert_many`)."""
    done = db.people.upsert_many((record.person, record.events) for record in records)
    return ImportResult(created=done.created, updated=done.updated, events=done.events)


def import_people(db: Database, path: Path | str) -> ImportResult:
    """Validate a whole people file, then store all of it or, on any error, nothing."""
    return write_people(db, read_people(path))
