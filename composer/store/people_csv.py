"""People's values as CSV cells and back: the rules the CSV export and import share.

**Reading a cell** (:func:`cell_value`): nothing when it is empty (the attribute is
absent); ``true``/``false`` the booleans; a number only when the number prints back as
exactly the same text and has at most 100 digits (``42`` and ``1.5`` do; ``02134``,
``+15551234567``, ``1.50``, ``1e3``, ``nan`` and a 200-digit run stay text); an object
or array when it is JSON that prints back identically (which is how nested values are
exported); anything else text. A cell that starts with ``[`` or ``{`` and is JSON but
breaks what an attribute may hold (nested more than 32 levels, an integer over 100
digits, a number beyond a double, a lone surrogate; see :mod:`composer.store.people`) is
refused, not read as text.

**No formulas, and an exact round trip: the ``'`` mark.** A spreadsheet runs a cell that
starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and TAB or CR can hide one), so
the export writes such text with a leading ``'``, as OWASP recommends against CSV
injection; a spreadsheet shows ``'=1+1`` as the text ``=1+1``. The same mark keeps any
text that the reading rules would turn into something else: the text ``42`` is written
``'42`` (``42`` alone reads back as a number), ``true`` and ``TRUE`` as ``'true`` and
``'TRUE``, ``1.50`` as ``'1.50`` (a column of numbers reads it as 1.5), the empty text as
``'``. Precisely, with *r* the text without its leading ``'`` characters:

* the export puts one more ``'`` in front of a text exactly when *r* is empty, starts
  with ``=``, ``+``, ``-``, ``@``, TAB or CR, would be read as something other than
  that same text, or would make its column a boolean or number column (below);
* the import takes one leading ``'`` off a cell exactly when the same holds for the
  cell's *r*, and then keeps the rest as text, unread.

So the import undoes what the export did and nothing else, and every text survives the
round trip, leading ``'`` included: ``'tis`` is written and read as it is, ``'42`` is
written ``''42``. In a file written by hand or by a spreadsheet, ``'42`` is the text
``42`` and a lone ``'`` the empty text, as when typed into a spreadsheet. Numbers are
written as numbers, so ``-7`` is not marked: a spreadsheet reads it as the number.

``id`` and ``email`` cells are always text and are marked only for formulas (*r* starts
with ``= + - @`` TAB or CR); a header cell (an attribute name) also when it would be read
as another name: empty, with spaces around it, or ``id``/``email`` in any case.

**One type per column.** A spreadsheet column is one kind of thing, so an attribute
column gets one type for all its cells (:func:`column_type`), chosen from its non-empty
cells:

* ``text`` when any cell is marked with ``'``, starts with ``+`` or has a leading zero
  (``02134``, ``-007``; ``0`` and ``0.5`` are numbers), or when the cells are not all of
  one of the kinds below;
* ``boolean`` when every cell is ``true`` or ``false`` in any case (``TRUE``, ``False``);
* ``number`` when every cell is a plain decimal number (``42``, ``-3``, ``1.50``) or a
  number as the export writes one (``1e+16``); not ``1e3``, ``nan``, ``.5`` or an
  integer over 100 digits;
* ``nested`` when every cell is a JSON object or array that prints back identically
  (how the export writes nested values).

A column without a non-empty cell is ``text``. :func:`preview_csv` shows the first rows
and the type chosen for each column; :func:`retype_csv` rewrites the file's attribute
cells in the form :func:`read_value` reads back as the chosen type, so the per-cell reader
above imports each column as one type and reports rows and columns as they are in the
file. A type the user chose that a cell cannot take (``abc`` as a number) is refused,
naming the row and column. The one cost is the CSV round trip of an attribute whose
values differ in type from person to person (``42`` for one, ``abc`` for another): such a
column reads back as text; JSON export and import keep every type.

**Quoting.** A cell holding a comma, a double quote, CR or LF is written in double quotes
(quotes doubled), so a bare CR cannot split a row.

**Size.** A cell may hold up to :data:`CELL_CAP` characters (16 Mi, far above the 1 MiB a
stored response can put into an attribute); a longer one is refused on import, naming its
row and column, and a person whose value would need one is refused on export.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from composer.errors import InvalidFileError
from composer.json_input import MAX_INT_DIGITS, JsonProblem, parse
from composer.store.people import ATTRIBUTE_DEPTH, RESERVED_ATTRIBUTES

__all__ = [
    "ABSENT",
    "CELL_CAP",
    "COLUMN_TYPES",
    "FORMULA_STARTS",
    "ColumnType",
    "CsvPreview",
    "cell_value",
    "column_type",
    "column_types_of",
    "csv_line",
    "header_cell",
    "preview_csv",
    "read_header",
    "read_text",
    "read_value",
    "retype_csv",
    "text_cell",
    "typed_value",
    "value_cell",
]

ABSENT: Any = object()
"""What :func:`cell_value` returns for an empty cell: the attribute is not set."""
CELL_CAP = 16 * 1024 * 1024
"""The most characters one CSV cell may hold."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""

_LONGEST_FLOAT = 32  # repr() of a float is at most 24 characters
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def cell_value(text: str) -> Any:
    """A cell's value by the reading rules in the module docstring (no ``'`` handling).

    Raises :class:`ValueError` for JSON that breaks what an attribute may hold.
    """
    if text == "":
        return ABSENT
    if text in ("true", "false"):
        return text == "true"
    if len(text) - text.startswith("-") <= MAX_INT_DIGITS:
        try:
            number = int(text)
        except ValueError:
            pass
        else:
            return number if str(number) == text else text
    if len(text) <= _LONGEST_FLOAT:
        try:
            real = float(text)
        except ValueError:
            pass
        else:
            return real if math.isfinite(real) and repr(real) == text else text
    if text[0] in "[{":
        try:
            nested = parse(text, ATTRIBUTE_DEPTH)
        except JsonProblem as exc:
            if exc.limit:
                raise ValueError(f"is JSON that {exc.reason}") from None
            return text
        if _json_text(nested) == text:
            return nested
    return text


_json_text = json.JSONEncoder(ensure_ascii=False).encode


# -- the ' mark --------------------------------------------------------------------


def _formula(rest: str) -> bool:
    return rest.startswith(FORMULA_STARTS)


def _misread_value(rest: str) -> bool:
    """Whether text written as is would read back as something else: a formula, or what a
    column's typing (:func:`column_type`) takes for a boolean, a number or JSON."""
    if rest == "" or rest.startswith(FORMULA_STARTS):
        return True
    if rest.lower() in _BOOLEANS or (_number(rest) and not _LEADING_ZERO.match(rest)):
        return True
    try:
        return not isinstance(cell_value(rest), str)  # text reads back as itself
    except ValueError:
        return True


def _misread_header(rest: str) -> bool:
    return (
        rest == ""
        or rest.startswith(FORMULA_STARTS)
        or rest != rest.strip()
        or rest.lower() in ("id", "email")
    )


def _write(text: str, needs: Callable[[str], bool]) -> str:
    return "'" + text if needs(text.lstrip("'")) else text


def _marked(cell: str, needs: Callable[[str], bool]) -> bool:
    return cell.startswith("'") and needs(cell.lstrip("'"))


def value_cell(value: Any) -> str:
    """An attribute value as cell text (nil as the empty cell: CSV cannot tell it apart)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _write(value, _misread_value)
    return _json_text(value)


def text_cell(text: str) -> str:
    """An ``id`` or ``email`` as cell text."""
    return _write(text, _formula)


def header_cell(name: str) -> str:
    """An attribute name as a header cell."""
    return _write(name, _misread_header)


def read_value(cell: str) -> Any:
    """An attribute cell's value: a marked text, or :func:`cell_value`."""
    return cell[1:] if _marked(cell, _misread_value) else cell_value(cell)


def read_text(cell: str) -> str:
    """An ``id`` or ``email`` cell's text."""
    return cell[1:] if _marked(cell, _formula) else cell


def read_header(cell: str) -> tuple[str, bool]:
    """A header cell's name, and whether it was marked (a marked name is taken literally)."""
    if _marked(cell, _misread_header):
        return cell[1:], True
    return cell.strip(), False


def csv_line(cells: Iterable[str]) -> str:
    """One CSV row, quoting what needs it, ending in ``\\n``."""
    return (
        ",".join(
            '"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell
            for cell in cells
        )
        + "\n"
    )


# -- one type per column -----------------------------------------------------------

ColumnType = Literal["text", "number", "boolean", "nested"]
COLUMN_TYPES: tuple[ColumnType, ...] = ("text", "number", "boolean", "nested")
"""The types an attribute column can have, in the order a chooser offers them."""

_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ANY_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"-?0[0-9]")
_BOOLEANS = ("true", "false")


def _unmarked(cell: str) -> str:
    return cell[1:] if _marked(cell, _misread_value) else cell


def _plain_number(text: str) -> bool:
    if not _PLAIN_NUMBER.fullmatch(text):
        return False
    whole = text.lstrip("-").split(".")[0]
    return len(whole) <= MAX_INT_DIGITS and math.isfinite(float(text))


def _number(text: str) -> bool:
    """A plain decimal, or a number as the export writes one (``1e+16``, ``-0.25``)."""
    if _plain_number(text):
        return True
    try:
        value = cell_value(text)
    except ValueError:
        return False
    return isinstance(value, int | float) and not isinstance(value, bool)


def _nested(text: str) -> bool:
    if not text.startswith(("[", "{")):
        return False
    try:
        return not isinstance(cell_value(text), str)
    except ValueError:
        return True  # JSON over the limits: typed as nested, so reading it says why


def column_type(cells: Iterable[str]) -> ColumnType:
    """The type of an attribute column holding these cells (see the module docstring)."""
    seen = [cell for cell in cells if cell != ""]
    if not seen or any(_marked(cell, _misread_value) for cell in seen):
        return "text"
    if all(_nested(cell) for cell in seen):
        return "nested"
    if any(cell.startswith("+") or _LEADING_ZERO.match(cell) for cell in seen):
        return "text"
    if all(cell.lower() in _BOOLEANS for cell in seen):
        return "boolean"
    if all(_number(cell) for cell in seen):
        return "number"
    return "text"


def _short(text: str) -> str:
    return json.dumps(text if len(text) <= 40 else text[:40] + "…", ensure_ascii=False)


def typed_value(cell: str, kind: ColumnType) -> Any:
    """A non-empty attribute cell read as ``kind``; :class:`ValueError` says why it cannot be.

    A ``'`` mark is taken off first; ``number`` takes any decimal or exponent form
    (``02134`` is 2134 once the user chose it), a whole number staying an integer.
    """
    text = _unmarked(cell)
    if kind == "text":
        return text
    if kind == "boolean":
        if text.strip().lower() not in _BOOLEANS:
            raise ValueError(f"{_short(text)} is not true or false")
        return text.strip().lower() == "true"
    if kind == "number":
        number = text.strip()
        if not _ANY_NUMBER.fullmatch(number):
            raise ValueError(f"{_short(text)} is not a number")
        digits = number.lstrip("+-")
        if digits.isdigit():
            if len(digits.lstrip("0")) > MAX_INT_DIGITS:
                raise ValueError(f"has more than {MAX_INT_DIGITS} digits")
            return int(number)
        real = float(number)
        if not math.isfinite(real):
            raise ValueError(f"{_short(text)} is beyond what a number may hold")
        return real
    try:
        nested = parse(text, ATTRIBUTE_DEPTH)
    except JsonProblem as exc:
        if exc.limit:
            raise ValueError(f"is JSON that {exc.reason}") from None
        raise ValueError(f"{_short(text)} is not a JSON object or array") from None
    if not isinstance(nested, (list, dict)):
        raise ValueError(f"{_short(text)} is not a JSON object or array")
    return nested


@dataclass(frozen=True)
class CsvPreview:
    """What a CSV people file holds, for choosing its column types before importing.

    ``names`` are the header's column names, ``types`` each column's chosen type (None
    for ``id`` and ``email``, which are always text), ``rows`` the first rows' cells as
    in the file, ``total`` how many rows with a cell follow the header.
    """

    names: list[str]
    types: list[ColumnType | None]
    rows: list[list[str]]
    total: int


@dataclass
class _Table:
    header: list[str]
    names: list[str]
    attribute: list[bool]
    rows: list[tuple[int, int, list[str]]]  # (row number, line, cells)


def _read_table(text: str) -> _Table | None:
    """The CSV's header and rows, or None when it is not readable CSV (the import says why)."""
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header:
            return None
        names, attribute = [], []
        for cell in header:
            name, literal = read_header(cell)
            names.append(name)
            attribute.append(literal or name.lower() not in RESERVED_ATTRIBUTES)
        rows = []
        for number, cells in enumerate(reader, start=2):
            rows.append((number, reader.line_num, cells))
    except csv.Error:
        return None
    return _Table(header, names, attribute, rows)


def _column_types(
    table: _Table, chosen: Mapping[str, ColumnType] | None
) -> list[ColumnType | None]:
    width = len(table.header)
    usable = [cells for _n, _l, cells in table.rows if len(cells) == width]
    types: list[ColumnType | None] = []
    for i, name in enumerate(table.names):
        if not table.attribute[i]:
            types.append(None)
        elif chosen and name in chosen:
            types.append(chosen[name])
        else:
            types.append(column_type(cells[i] for cells in usable if len(cells[i]) <= CELL_CAP))
    return types


def preview_csv(text: str, rows: int = 20) -> CsvPreview | None:
    """The header, each column's type and the first ``rows`` rows; None if unreadable."""
    table = _read_table(text)
    if table is None:
        return None
    filled = [cells for _n, _l, cells in table.rows if any(cells)]
    return CsvPreview(
        list(table.names),
        _column_types(table, None),
        [list(cells) for cells in filled[:rows]],
        len(filled),
    )


def retype_csv(
    text: str, chosen: Mapping[str, ColumnType] | None = None, source: str = "<text>"
) -> str:
    """The CSV with each attribute cell written as its column's type reads it back.

    Columns named in ``chosen`` take that type, the others :func:`column_type`'s. Rows
    the import will refuse (a wrong number of cells, a cell over the cap) and text that is
    not readable CSV are left as they are, for the import to name. Raises
    :class:`~composer.errors.InvalidFileError` for a cell its column's type cannot take.
    """
    table = _read_table(text)
    if table is None:
        return text
    types = _column_types(table, chosen)
    out = [csv_line(table.header)]
    for number, line, cells in table.rows:
        if len(cells) == len(types):
            cells = [
                _retyped(cell, kind, source, number, line, table.names[i])
                for i, (cell, kind) in enumerate(zip(cells, types, strict=True))
            ]
        out.append(csv_line(cells))
    return "".join(out)


def _retyped(
    cell: str, kind: ColumnType | None, source: str, number: int, line: int, name: str
) -> str:
    if kind is None or cell == "" or len(cell) > CELL_CAP:
        return cell
    try:
        return value_cell(typed_value(cell, kind))
    except ValueError as exc:
        row = f"row {number}" if line == number else f"row {number} (line {line})"
        raise InvalidFileError(source, f"the cell {exc}", f'{row}, column "{name}"') from None


def column_types_of(preview: CsvPreview) -> dict[str, ColumnType]:
    """The attribute columns' types of a preview, by name (what :func:`retype_csv` takes)."""
    return {
        name: kind
        for name, kind in zip(preview.names, preview.types, strict=True)
        if kind is not None
    }
