"""People's values as CSV cells and back: the rules the CSV export and import share.

**Reading a cell** (:func:`cell_value`): nothing when it is empty (the attribute is
absent); ``true``/``false`` the booleans; a number only when the number prints back as
exactly the same text and has at most 100 digits (``42`` and ``1.5`` do; ``02134``,
``+15551234567``, ``1.50``, ``1e3``, ``nan`` and a 200-digit run stay text); an object
or array when it is JSON that prints back identically (which is how nested values are
exported); anything else text. A cell that starts with ``[`` or ``{`` and is JSON but
breaks what an attribute may hold (nested more than 32 levels, an integer over 100
digits, a number beyond a double, a lone surrogate; see :mod:`composer.store_people`) is
refused, not read as text.

**No formulas, and an exact round trip: the ``'`` mark.** A spreadsheet runs a cell that
starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and TAB or CR can hide one), so
the export writes such text with a leading ``'``, as OWASP recommends against CSV
injection; a spreadsheet shows ``'=1+1`` as the text ``=1+1``. The same mark keeps any
text that the reading rules would turn into something else: the text ``42`` is written
``'42`` (``42`` alone reads back as a number), ``true`` as ``'true``, the empty text as
``'``. Precisely, with *r* the text without its leading ``'`` characters:

* the export puts one more ``'`` in front of a text exactly when *r* is empty, starts
  with ``=``, ``+``, ``-``, ``@``, TAB or CR, or would be read as something other than
  that same text;
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

**Quoting.** A cell holding a comma, a double quote, CR or LF is written in double quotes
(quotes doubled), so a bare CR cannot split a row.

**Size.** A cell may hold up to :data:`CELL_CAP` characters (16 Mi, far above the 1 MiB a
stored response can put into an attribute); a longer one is refused on import, naming its
row and column, and a person whose value would need one is refused on export.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from composer.json_input import MAX_INT_DIGITS, JsonProblem, parse
from composer.store_people import ATTRIBUTE_DEPTH

__all__ = [
    "ABSENT",
    "CELL_CAP",
    "FORMULA_STARTS",
    "cell_value",
    "csv_line",
    "header_cell",
    "read_header",
    "read_text",
    "read_value",
    "text_cell",
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
    if rest == "" or rest.startswith(FORMULA_STARTS):
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
