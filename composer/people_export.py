"""People out of the workspace: JSON (the import shape, with events) or CSV.

JSON is lossless: ``people import`` reads it back to the same people and events. CSV is
the spreadsheet view: the columns are ``id``, ``email`` and the sorted union of attribute
names; ``true``/``false`` for booleans, numbers as JSON writes them, nested values as JSON
text (which :func:`composer.people_io.cell_value` reads back as the same object), and a
nil attribute as an empty cell, because CSV has no way to say nil apart from absent.
Files are written beside the target and moved into place, so a failed export never leaves
half a file under the chosen name.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from composer.errors import StoreError
from composer.model import Person
from composer.store import Database

__all__ = ["export_people", "people_to_csv", "people_to_json"]


def people_to_json(db: Database, *, events: bool = True) -> str:
    """Every person as the JSON import takes it (with ``events`` when asked)."""
    repo = db.people
    out: list[dict[str, Any]] = []
    for person in repo.list():
        item = person.to_dict()
        if events:
            item["events"] = [
                {"name": e.event.name, "data": dict(e.event.data), "timestamp": e.event.timestamp}
                for e in repo.events(person.id)
            ]
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def people_to_csv(people: Sequence[Person]) -> str:
    """People as CSV: id, email, then the sorted union of attribute names."""
    names = sorted({name for person in people for name in person.attributes})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "email", *names])
    for person in people:
        row = [person.id, person.email]
        row.extend(_cell_text(person.attributes.get(name)) for name in names)
        writer.writerow(row)
    return buffer.getvalue()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def export_people(db: Database, path: Path | str) -> Path:
    """Write every person to ``path``: CSV when it ends in ``.csv``, else JSON with events."""
    target = Path(path)
    if target.suffix.lower() == ".csv":
        text = people_to_csv(db.people.list())
    else:
        text = people_to_json(db)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8", newline="")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"{target} cannot be written ({exc.strerror}).") from None
    return target
