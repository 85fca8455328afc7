"""JSON from outside: request, context and people files, and JSON-looking CSV cells.

:func:`parse` is :func:`json.loads` with the limits below; :func:`loads` is the same for
a whole file and turns every refusal into one :class:`~composer.errors.InvalidFileError`
naming the file, the line and the column. :func:`read_file` and :func:`decode_text` are
the one way a file from outside is read and decoded (UTF-8, a byte-order mark allowed),
each refusal an :class:`~composer.errors.InvalidFileError` naming the file and, for text
that is not UTF-8, the line and byte. What is refused, and why:

* **Nesting deeper than** :data:`MAX_DEPTH` (64) arrays and objects. Python's parser
  would stop somewhere near 1,000 levels (how near depends on the caller's stack) with a
  ``RecursionError``; nothing this application reads needs more than a few levels.
* **Integers of more than** :data:`MAX_INT_DIGITS` (100) digits. Python refuses to read
  one of more than 4,300 digits at all, and a template that does arithmetic on a long one
  can make one that cannot be printed; a 64-bit id has 20 digits.
* **Numbers too large for a double** (``1e999``) and ``NaN``/``Infinity``: not JSON
  values, and nothing can store or send them.
* **Lone UTF-16 surrogates** (``"\\ud800"`` without its other half): not a character, so
  the text can be neither stored nor printed as UTF-8. A whole pair (``"\\ud83d\\ude00"``)
  is one character and is fine.

A refusal that is not a JSON syntax error is a *limit*: :attr:`JsonProblem.limit` tells
them apart, so a CSV cell that merely looks like JSON can be read as text while one that
is JSON past the limits is refused.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

from composer.errors import InvalidFileError

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "JsonProblem",
    "decode_text",
    "line_column",
    "loads",
    "parse",
    "read_file",
    "value_problem",
]

MAX_DEPTH = 64
"""How deep arrays and objects may nest in a file (``[[1]]`` is 2 deep)."""
MAX_INT_DIGITS = 100
"""How many digits an integer may have (the sign not counted)."""

_INT_LIMIT = 10**MAX_INT_DIGITS
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|-?[0-9][0-9.eE+-]*|NaN|-?Infinity')
_CONSTANT = re.compile(r"NaN|-?Infinity")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)


class JsonProblem(ValueError):
    """Why a JSON text was refused, and where (``position``: a 0-based index, or None)."""

    def __init__(self, reason: str, position: int | None = None, *, limit: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = position
        self.limit = limit
        """True when the text is JSON but breaks a limit; False for a syntax error."""


class _Refused(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


_WHAT = {
    "int": f"an integer of more than {MAX_INT_DIGITS} digits",
    "float": "a number too large to store (beyond ±1.8e308)",
    "surrogate": "half of a UTF-16 surrogate pair without its other half (not a character)",
}


def _int(text: str) -> int:
    if len(text) - text.startswith("-") > MAX_INT_DIGITS:
        raise _Refused("int")
    return int(text)


def _float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _Refused("float")
    return number


def _constant(text: str) -> object:
    raise _Refused("constant")


_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)


def value_problem(value: object, max_depth: int = MAX_DEPTH) -> str | None:
    """What makes a decoded value break the limits (depth counted from ``value``), or None.

    Checks nesting, integer size, finite floats and lone surrogates in strings and keys;
    the answer is a phrase to follow a name, such as ``"nests more than 32 levels deep"``.
    """
    kind = _problem_kind(value, max_depth)
    if kind is None:
        return None
    if kind == "depth":
        return f"nests more than {max_depth} levels deep"
    return "holds " + _WHAT[kind]


def _problem_kind(value: object, max_depth: int) -> str | None:
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                return "surrogate"
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if abs(item) >= _INT_LIMIT:
                return "int"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "float"
        elif isinstance(item, dict):
            if level + 1 > max_depth:
                return "depth"
            stack.extend((key, level) for key in item if not key.isascii())
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            if level + 1 > max_depth:
                return "depth"
            stack.extend((child, level + 1) for child in item)
    return None


def parse(text: str, max_depth: int = MAX_DEPTH) -> object:
    """Decode JSON text within the limits; :class:`JsonProblem` says why not and where."""
    try:
        data = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonProblem(exc.msg, exc.pos, limit=False) from None
    except RecursionError:
        raise _located(text, "depth", max_depth) from None
    except _Refused as exc:
        raise _located(text, exc.kind, max_depth) from None
    if text.count("[") + text.count("{") > max_depth or _MAYBE_SURROGATE.search(text):
        kind = _problem_kind(data, max_depth)
        if kind is not None:
            raise _located(text, kind, max_depth)
    return data


def loads(text: str, source: str) -> object:
    """Decode a JSON file's text; :class:`InvalidFileError` names the file, line and column."""
    try:
        return parse(text)
    except JsonProblem as exc:
        where = None if exc.position is None else line_column(text, exc.position)
        prefix = "" if exc.limit else "invalid JSON: "
        raise InvalidFileError(source, prefix + exc.reason, where) from None


def line_column(text: str, position: int) -> str:
    """``"line L, column C"`` (both 1-based, columns in characters) of an index in ``text``."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"line {line}, column {column}"


def _located(text: str, kind: str, max_depth: int) -> JsonProblem:
    position = next(_offenders(text, kind, max_depth), None)
    if kind == "depth":
        reason = f"arrays and objects nest more than {max_depth} levels deep here"
    elif kind == "constant":
        found = None if position is None else _CONSTANT.match(text, position)
        reason = f"{found.group() if found else 'NaN or Infinity'} is not a JSON value"
    elif kind == "int":
        reason = f"{_WHAT[kind]}; numbers may have at most {MAX_INT_DIGITS}"
    elif kind == "surrogate":
        half = "" if position is None else text[position : position + 6]
        if half and half[0] != "\\":
            half = f"\\u{ord(half[0]):04x}"
        reason = f"{half or 'a string'} is {_WHAT[kind]}; give the whole pair or remove it"
    else:
        reason = _WHAT[kind]
    return JsonProblem(reason, position, limit=kind != "constant")


def _offenders(text: str, kind: str, max_depth: int) -> Iterator[int]:
    """Positions of tokens showing the problem ``kind``, in the order of the text."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first in "[{":
            depth += 1
            if kind == "depth" and depth > max_depth:
                yield match.start()
        elif first in "]}":
            depth -= 1
        elif first == '"':
            if kind == "surrogate":
                offset = _lone_surrogate(token)
                if offset is not None:
                    yield match.start() + offset
        elif kind == "constant" and token.lstrip("-")[0] in "NI":
            yield match.start()
        elif kind == "int" and not any(c in token for c in ".eE"):
            if len(token.lstrip("-")) > MAX_INT_DIGITS:
                yield match.start()
        elif kind == "float" and any(c in token for c in ".eE"):
            try:
                finite = math.isfinite(float(token))
            except ValueError:
                continue
            if not finite:
                yield match.start()


def _lone_surrogate(token: str) -> int | None:
    """Offset in a JSON string token of a lone surrogate (escaped or literal), or None."""
    literal = _SURROGATE.search(token)
    if literal is not None:
        return literal.start()
    pending: int | None = None  # offset of a high surrogate waiting for its low half
    end_of_pending = -1
    for match in _ESCAPE.finditer(token):
        code = int(match.group(1), 16) if match.group(1) else None
        follows = match.start() == end_of_pending
        if pending is not None and not (follows and code is not None and 0xDC00 <= code <= 0xDFFF):
            return pending
        if pending is not None:
            pending = None
            continue
        if code is not None and 0xD800 <= code <= 0xDBFF:
            pending, end_of_pending = match.start(), match.end()
        elif code is not None and 0xDC00 <= code <= 0xDFFF:
            return match.start()
    return pending


def read_file(path: Path | str, source: str | None = None) -> bytes:
    """A file's bytes; :class:`InvalidFileError` naming ``source`` (the path) when it is
    missing, a folder or unreadable."""
    source = str(path) if source is None else source
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InvalidFileError(source, "no such file") from None
    except IsADirectoryError:
        raise InvalidFileError(source, "is a folder, not a file") from None
    except OSError as exc:
        raise InvalidFileError(source, f"cannot be read ({exc.strerror})") from None


def decode_text(raw: bytes, source: str) -> str:
    """A file's bytes as UTF-8 text (a leading byte-order mark dropped); text that is not
    UTF-8 is refused with the line and byte where it stops being so."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InvalidFileError(
            source, "is not UTF-8 text; save it as UTF-8", f"line {line}, byte {exc.start + 1}"
        ) from None
