"""People out of the workspace: JSON (the import shape, with events) or CSV.

JSON is lossless: ``people import`` reads it back to the same people and events; it is
what ``people list --json`` prints, each person with an ``events`` list added (or
without, ``events=False``, exactly that output). CSV is the spreadsheet view: the columns
are ``id``, ``email`` and the sorted union of attribute names, each cell written by
:mod:`composer.store.people_csv` (formulas neutralised with a leading ``'``, text that would
read back as something else marked the same way, CR and LF quoted), so that the import
reads back the same people. One loss is by design: a nil attribute becomes an empty
cell, which reads back as no attribute, because CSV cannot tell nil from absent.
A value longer than a CSV cell may hold refuses the CSV export (JSON has no such cap).
Files are written beside the target and moved into place, so a failed export never
leaves half a file under the chosen name.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from composer.errors import StoreError
from composer.model import Person
from composer.store.database import Database
from composer.store.people_csv import CELL_CAP, csv_line, header_cell, text_cell, value_cell

__all__ = ["export_people", "people_to_csv", "people_to_json"]

_BATCH = 500  # people whose events are read in one query


def people_to_json(db: Database, *, events: bool = True) -> str:
    """Every person as the JSON import takes it (with ``events`` when asked)."""
    repo = db.people
    people = repo.list()
    out: list[dict[str, Any]] = [person.to_dict() for person in people]
    if events:
        for start in range(0, len(people), _BATCH):
            batch = out[start : start + _BATCH]
            found = repo.events_by_person(item["id"] for item in batch)
            for item in batch:
                item["events"] = [
                    {"name": e.name, "data": dict(e.data), "timestamp": e.timestamp}
                    for e in found[item["id"]]
                ]
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def people_to_csv(people: Sequence[Person]) -> str:
    """People as CSV: id, email, then the sorted union of attribute names."""
    names = sorted({name for person in people for name in person.attributes})
    lines = [csv_line(["id", "email", *(header_cell(name) for name in names)])]
    for person in people:
        row = [text_cell(person.id), text_cell(person.email)]
        row.extend(value_cell(person.attributes.get(name)) for name in names)
        for name, cell in zip(("id", "email", *names), row, strict=True):
            if len(cell) > CELL_CAP:
                raise StoreError(
                    f'Person "{person.id[:80]}": the CSV cell for "{name[:80]}" would hold '
                    f"{len(cell):,} characters, more than a cell may ({CELL_CAP:,}); "
                    "export as JSON instead."
                )
        lines.append(csv_line(row))
    return "".join(lines)


def export_people(db: Database, path: Path | str, *, events: bool = True) -> Path:
    """Write every person to ``path``: CSV when it ends in ``.csv``, else JSON (with
    events unless ``events`` is false)."""
    target = Path(path)
    if target.suffix.lower() == ".csv":
        text = people_to_csv(db.people.list())
    else:
        text = people_to_json(db, events=events)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8", newline="")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"{target} cannot be written ({exc.strerror}).") from None
    return target
