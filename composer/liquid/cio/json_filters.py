"""Customer.io's JSON filters: ``json``/``to_json``, ``from_json``, ``json_array_uniq``.

From Customer.io's "Liquid syntax list" (docs.customer.io/messaging/liquid/tag-list,
"Utility" and "Array Filters") and the "Liquid upgrade" page:

* ``json``, ``to_json[: indent]``: ``{{ customer.purchases | to_json }}``; ``{{ arr | json:
  4 }}`` indents by four spaces. Latest's ``json`` is LiquidJS's (``JSON.stringify(value,
  null, indent)``) and ``to_json`` is the same filter under Customer.io's name. Legacy
  (Liquid 2.5.3 has neither) writes JSON as its Rails app does, with ActiveSupport's
  encoder: ``<``, ``>``, ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` and U+2028/U+2029
  are escaped, floats keep Ruby's text (``1.0``, ``1.0e+20``), a time is written as
  ``2017-01-01T07:00:00.000-05:00``; NaN and infinities are ``null``. With an indent,
  both versions lay the JSON out as ``JSON.stringify`` does (``"key": value``, one item a
  line, ``[]`` and ``{}`` when empty); the indent is a number of spaces (at most 10) or
  a text (its first 10 characters), as in JavaScript.
* ``from_json``: ``{% assign v = '{"number":123}' | from_json %}{{ v.number }}`` → ``123``.
  The docs: only for JSON held in a string ("profile, event, and object JSON is already
  parsed"), so a hash or a list is refused with that hint; nothing stays nothing. Text
  longer than :data:`FROM_JSON_LIMIT` characters or nested deeper than
  :data:`~composer.liquid.state.NESTING_LIMIT` is refused, as is JSON with ``NaN``.
  Latest reads numbers as JavaScript does (integers beyond 2**53 lose digits).
* ``json_array_uniq[: key]`` (latest only; the upgrade page lists it as new): the items of
  a list without repeats, the first of each kept; with a key, items are compared by that
  key's value (items without it count as having the same, empty value), else as whole
  values. Values are compared by content (``{"a": 1}`` equals ``{"a": 1}``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from composer.liquid.cio.api import Call
from composer.liquid.cio.values import arg_count, as_items, describe, property_of
from composer.liquid.errors import RenderLimitError
from composer.liquid.state import NESTING_LIMIT, OUTPUT_LIMIT

__all__ = [
    "FROM_JSON_LIMIT",
    "LATEST_JSON_FILTERS",
    "LEGACY_JSON_FILTERS",
    "js_number",
    "js_stringify",
    "rails_json",
]

FROM_JSON_LIMIT = 1024 * 1024
"""Most characters of text ``from_json`` reads (a mebibyte: far beyond any attribute)."""

_SAFE_INT = 2**53
_JS_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_JS_NEEDS = re.compile(r'["\\\x00-\x1f\ud800-\udfff]')
_RAILS_NEEDS = re.compile(r'["\\\x00-\x1f<>&\u2028\u2029]')
_RAILS_ESCAPES = {**_JS_ESCAPES, "<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                  "\u2028": "\\u2028", "\u2029": "\\u2029"}  # fmt: skip
_INDEX_KEY = re.compile(r"0|[1-9][0-9]{0,9}")


def js_number(number: int | float | Decimal) -> str:
    """JavaScript's ``Number#toString`` of a number (``1e+21``, ``1e-7``, ``0.1``)."""
    if isinstance(number, int) and abs(number) < _SAFE_INT:
        return str(number)
    value = float(number)
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or 0)  # value = 0.digits × 10**point
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{sign}{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return f"{sign}0.{'0' * -n}{digits}"
    exp = n - 1
    body = digits[0] + (f".{digits[1:]}" if k > 1 else "")
    return f"{sign}{body}e{'+' if exp >= 0 else '-'}{abs(exp)}"


def _quote(text: str, needs: re.Pattern[str], escapes: dict[str, str]) -> str:
    if not needs.search(text):
        return f'"{text}"'

    def one(match: re.Match[str]) -> str:
        char = match.group(0)
        return escapes.get(char) or f"\\u{ord(char):04x}"

    return '"' + needs.sub(one, text) + '"'


def _js_key_order(value: Mapping[Any, Any]) -> list[tuple[str, object]]:
    items = [(str(key), item) for key, item in value.items()]
    index = sorted(
        (int(k), k, v) for k, v in items if _INDEX_KEY.fullmatch(k) and int(k) < 2**32 - 1
    )
    if not index:
        return items
    named = [(k, v) for k, v in items if not (_INDEX_KEY.fullmatch(k) and int(k) < 2**32 - 1)]
    return [(k, v) for _, k, v in index] + named


def _iso_time(moment: dt.datetime, rails: bool) -> str:
    """A time as ActiveSupport's ``as_json`` (its own offset, ``Z`` in UTC) or JavaScript's
    ``toJSON`` (always UTC) writes it, to the millisecond."""
    offset = moment.utcoffset()
    if not rails or moment.tzinfo is dt.UTC or offset is None:
        moment = moment.astimezone(dt.UTC) if offset is not None else moment
        suffix = "Z"
    else:
        minutes = int(offset.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        suffix = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}{suffix}"


class _Writer:
    """One JSON text being written, in Rails' or JavaScript's flavour, with an indent."""

    def __init__(self, call: Call, rails: bool, indent: str) -> None:
        self.call, self.rails, self.indent = call, rails, indent
        self.parts: list[str] = []
        self.size = 0

    def put(self, text: str) -> None:
        self.size += len(text)
        if self.size > OUTPUT_LIMIT:
            raise RenderLimitError(
                f"the filter '{self.call.name}' would write more than {OUTPUT_LIMIT:,} characters"
            )
        self.parts.append(text)

    def value(self, value: object, depth: int) -> None:
        if depth > NESTING_LIMIT:
            raise RenderLimitError(
                f"the filter '{self.call.name}' got values nested more than {NESTING_LIMIT} deep"
            )
        if value is None or self.call.is_nil(value):
            self.put("null")
        elif value is True or value is False:
            self.put("true" if value else "false")
        elif isinstance(value, str):
            needs, escapes = (
                (_RAILS_NEEDS, _RAILS_ESCAPES) if self.rails else (_JS_NEEDS, _JS_ESCAPES)
            )
            self.put(_quote(value, needs, escapes))
        elif isinstance(value, Decimal) and self.rails:
            self.put(f'"{value:f}"' if value.is_finite() else "null")
        elif isinstance(value, int | float | Decimal):
            self.put(self.number(value))
        elif isinstance(value, dt.datetime):
            self.put(f'"{_iso_time(value, self.rails)}"')
        elif isinstance(value, Mapping):
            items = list(value.items()) if self.rails else _js_key_order(value)
            self.container("{", "}", items, depth)
        elif isinstance(value, list | tuple):
            self.container("[", "]", list(enumerate(value)), depth)
        else:
            self.put(_quote(self.call.to_text(value), _JS_NEEDS, _JS_ESCAPES))

    def number(self, value: int | float | Decimal) -> str:
        if isinstance(value, int):
            return str(value) if self.rails else js_number(value)
        if not math.isfinite(value):
            return "null"
        if self.rails:
            return self.call.to_text(float(value))
        return js_number(value)

    def container(
        self, open_: str, close: str, items: list[tuple[Any, object]], depth: int
    ) -> None:
        self.call.state.step()
        if not items:
            self.put(open_ + close)
            return
        self.put(open_)
        inner = "\n" + self.indent * (depth + 1) if self.indent else ""
        for at, (key, item) in enumerate(items):
            if at:
                self.put(",")
            self.put(inner)
            if open_ == "{":
                self.value(str(key), depth + 1)
                self.put(": " if self.indent else ":")
            self.value(item, depth + 1)
        self.put("\n" + self.indent * depth if self.indent else "")
        self.put(close)


def _indent(call: Call, args: tuple[object, ...]) -> str:
    arg_count(call, args, 0, 1, "at most one argument, the indent")
    if not args or call.is_nil(args[0]):
        return ""
    given = args[0]
    if isinstance(given, str) and not given.strip().lstrip("-").isdigit():
        return given[:10]
    if isinstance(given, bool) or not isinstance(given, int | float | str | Decimal):
        raise ValueError(
            f"the filter '{call.name}' got {describe(given)} for its indent; "
            "it takes a number of spaces"
        )
    count = call.to_number(given)
    return " " * max(0, min(10, int(count))) if math.isfinite(count) else ""


def rails_json(call: Call, value: object, *args: object) -> str:
    """Legacy's ``json``/``to_json``: ActiveSupport's encoding, optionally indented."""
    writer = _Writer(call, True, _indent(call, args))
    writer.value(value, 0)
    return call.state.check_text("".join(writer.parts))


def js_stringify(call: Call, value: object, *args: object) -> str | None:
    """Latest's ``to_json``: LiquidJS's ``json``, ``JSON.stringify(value, null, indent)``."""
    indent = _indent(call, args)
    if value is not None and call.is_nil(value):
        return None  # JSON.stringify(undefined) is undefined: nothing is written
    writer = _Writer(call, False, indent)
    writer.value(value, 0)
    return call.state.check_text("".join(writer.parts))


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _depth_ok(value: object) -> bool:
    """Whether no list or hash in ``value`` sits inside NESTING_LIMIT others or more."""
    stack: list[tuple[object, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > NESTING_LIMIT:
            return False
        children = item.values() if isinstance(item, dict) else item
        assert isinstance(children, Iterable)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return True


def _js_numbers(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) >= _SAFE_INT:
        return float(value)
    if isinstance(value, dict):
        return {key: _js_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_js_numbers(item) for item in value]
    return value


def from_json(call: Call, value: object, *args: object) -> object:
    """``from_json``: the value a JSON text holds."""
    arg_count(call, args, 0, 0, "no arguments")
    if call.is_nil(value):
        return None
    if isinstance(value, Mapping | list | tuple):
        raise ValueError(
            f"the filter '{call.name}' got {describe(value)}, which is already parsed; "
            "it reads JSON held in text"
        )
    text = call.to_text(value)
    if len(text) > FROM_JSON_LIMIT:
        raise ValueError(
            f"the filter '{call.name}' got {len(text):,} characters; "
            f"it reads at most {FROM_JSON_LIMIT:,}"
        )
    try:
        parsed = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        parsed, deep = None, True
    except ValueError as error:
        raise ValueError(f"the filter '{call.name}' got text that is not JSON: {error}") from None
    else:
        deep = not _depth_ok(parsed)
    if deep:
        raise ValueError(f"the filter '{call.name}' got JSON nested more than {NESTING_LIMIT} deep")
    return _js_numbers(parsed) if call.version == "latest" else parsed


def _content_key(value: object, depth: int = 0) -> object:
    if depth > NESTING_LIMIT:
        raise RenderLimitError(f"values nested more than {NESTING_LIMIT} deep")
    if isinstance(value, Mapping):
        return ("h", tuple(sorted((str(k), _content_key(v, depth + 1)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("a", tuple(_content_key(v, depth + 1) for v in value))
    if isinstance(value, bool) or value is None:
        return ("c", value)
    if isinstance(value, int | float | Decimal):
        return (
            "n",
            float(value) if not (isinstance(value, float) and math.isnan(value)) else "nan",
        )
    return ("s", str(value))


def json_array_uniq(call: Call, value: object, *args: object) -> list[object]:
    """``json_array_uniq[: key]``: the list without repeats (by the key's value, if given)."""
    arg_count(call, args, 0, 1, "at most one argument, the key to compare by")
    items = as_items(call, value)
    seen: set[object] = set()
    kept: list[object] = []
    for item in items:
        call.state.step()
        key = _content_key(property_of(item, args[0]) if args else item)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


LEGACY_JSON_FILTERS: dict[str, Callable[..., Any]] = {
    "json": rails_json,
    "to_json": rails_json,
    "from_json": from_json,
}
"""The JSON filters Customer.io adds to legacy."""

LATEST_JSON_FILTERS: dict[str, Callable[..., Any]] = {
    "to_json": js_stringify,
    "from_json": from_json,
    "json_array_uniq": json_array_uniq,
}
"""The JSON filters Customer.io adds to latest (``json`` is LiquidJS's own)."""
