"""People as a table: pages sorted and filtered by any column, and the attribute names.

A column is ``id``, ``email`` or the name of a top-level attribute. :func:`table_page`
reads one page of people narrowed by the store's one search
(:meth:`composer.store.people.PeopleRepo.search`) and by per-column filters, in the order
asked for; :func:`attribute_names` lists the union of the attribute names. Decisions:

* **Sorting** puts numbers in numeric order, text without regard to ASCII case
  (``COLLATE NOCASE``), and people who lack the value (or hold ``null``) **last** in both
  directions, as a spreadsheet does. SQLite orders a column of mixed kinds numbers (and
  booleans, as 0 and 1) before text; people of equal value keep the order they were stored
  in (the ``rowid``), so paging is stable.
* **A filter** is the text typed for one column: ``>10``, ``<10``, ``>=10``, ``<=10``
  compare numbers (people without a number there are left out); ``=text`` keeps exact
  matches (ASCII case ignored; ``=`` alone keeps the people who lack the value); any other
  text keeps values that contain it, as the search does (``true``/``false`` as words, a
  nested value as its JSON text).
* **Names of attributes** are listed in the order they first appear (the first person who
  has each, then their place in that person's object), capped at :data:`MAX_COLUMNS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from composer.model import Person
from composer.store.database import Database
from composer.store.people import like_pattern

__all__ = ["MAX_COLUMNS", "TableQuery", "attribute_names", "parse_filter", "table_page"]

MAX_COLUMNS = 500
"""At most this many attribute names are listed."""

_COMPARE = re.compile(r"^\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$")


@dataclass(frozen=True, slots=True)
class TableQuery:
    """Which people a table page shows, and in what order."""

    search: str = ""
    """The store's one search ("" for everyone)."""
    sort: str | None = None
    """The column to sort by (``id``, ``email`` or an attribute name); None: stored order."""
    descending: bool = False
    """Whether the sort is from the largest down (people without the value stay last)."""
    filters: tuple[tuple[str, str], ...] = field(default=())
    """(column, text) pairs, every one of which a person must match."""


def parse_filter(text: str) -> tuple[str, Any]:
    """The kind of a filter's text and its operand: ``('>', 10.0)``, ``('=', 'pro')``,
    ``('missing', None)`` or ``('contains', 'pro')``."""
    compare = _COMPARE.match(text)
    if compare is not None:
        return compare.group(1), float(compare.group(2))
    stripped = text.strip()
    if stripped == "=":
        return "missing", None
    if stripped.startswith("="):
        return "=", stripped[1:].strip()
    return "contains", stripped


def _value(column: str, params: dict[str, Any], n: int) -> tuple[str, str]:
    """The SQL of a column's value and of its JSON type (None when missing)."""
    if column == "id":
        return "people.id", "'text'"
    if column == "email":
        return "people.email", "'text'"
    key = f"k{n}"
    params[key] = column
    member = f"(SELECT {{}} FROM json_each(people.attributes) WHERE key = :{key})"
    if '"' not in column and "\\" not in column:
        params[key] = f'$."{column}"'
        return (
            f"json_extract(people.attributes, :{key})",
            f"json_type(people.attributes, :{key})",
        )
    return member.format("value"), member.format("type")


def _text(value: str, kind: str) -> str:
    return (
        f"CASE {kind} WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
        f"ELSE CAST({value} AS TEXT) END"
    )


def _condition(column: str, text: str, params: dict[str, Any], n: int) -> str | None:
    value, kind = _value(column, params, n)
    how, operand = parse_filter(text)
    arg = f"f{n}"
    if how == "missing":
        return f"({kind} IS NULL OR {kind} = 'null' OR {value} = '')"
    if how in (">", "<", ">=", "<="):
        params[arg] = operand
        return f"({kind} IN ('integer', 'real') AND {value} {how} :{arg})"
    if not operand:
        return None
    if how == "=":
        params[arg] = operand
        return f"({_text(value, kind)} = :{arg} COLLATE NOCASE)"
    params[arg] = like_pattern(operand)
    return f"({_text(value, kind)} LIKE :{arg} ESCAPE '\\')"


def table_page(db: Database, query: TableQuery, limit: int, offset: int = 0) -> list[Person]:
    """One page of the people ``query`` asks for (see the module docstring)."""
    if query.sort is None and not any(text.strip() for _c, text in query.filters):
        return db.people.search(query.search, limit, offset)
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    where = ["1"]
    if query.search:
        source, matches, found = db.people.search_condition(query.search)  # the one search
        params.update(found)
        where.append(f"people.rowid IN (SELECT people.rowid {source} WHERE {matches})")
    for n, (column, text) in enumerate(query.filters):
        condition = _condition(column, text, params, 100 + n)
        if condition is not None:
            where.append(condition)
    order = "people.rowid"
    if query.sort is not None:
        value, kind = _value(query.sort, params, 0)
        direction = "DESC" if query.descending else "ASC"
        order = (
            f"({kind} IS NULL OR {kind} = 'null'), {value} COLLATE NOCASE {direction}, people.rowid"
        )
    rows = db.fetchall(
        "SELECT people.id, people.email, people.attributes FROM people "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT :limit OFFSET :offset",
        params,
    )
    return [_person(row) for row in rows]


def attribute_names(db: Database, limit: int = MAX_COLUMNS) -> list[str]:
    """The names of the people's top-level attributes, in the order they first appear."""
    rows = db.fetchall(
        "SELECT j.key FROM people, json_each(people.attributes) AS j "
        "GROUP BY j.key ORDER BY min(people.rowid), min(j.id), j.key LIMIT ?",
        (limit,),
    )
    return [str(row[0]) for row in rows]


def _person(row: Any) -> Person:
    import json

    return Person(row[0], row[1], json.loads(row[2]))
