"""``JSON.stringify`` as JavaScript writes it (ECMA-262 25.5.2), for LiquidJS's ``json``.

What makes it JavaScript's: ``undefined`` is left out of an object, written ``null``
in an array, and makes the whole result ``undefined`` at the top (an output then writes
nothing); a number is written as ``String(number)`` and a non-finite one as ``null``; an
object's integer-like keys come first (:func:`~.jsvalues.js_keys`); a drop is an object
of its own properties (``nil`` is ``{}``); strings escape ``"``, ``\\``, control
characters (``\\u001f``) and lone surrogates, and nothing else (no ``\\u2028``, no
``\\/``); the indent is a number of spaces (at most 10) or the first ten characters of a
string, with ``": "`` after keys when indenting.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping

from composer.liquid.latest.jsnumber import number_to_string, to_integer_or_infinity
from composer.liquid.latest.jsstring import units
from composer.liquid.latest.jsvalues import (
    UNDEFINED,
    Drop,
    js_keys,
    nest_guard,
    own_property,
)

__all__ = ["json_stringify", "quote_json"]

_ENCODE = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring
_SURROGATE = re.compile("[\ud800-\udfff]")


def quote_json(text: str) -> str:
    """A string as ``JSON.stringify`` quotes it."""
    quoted: str = _ENCODE(text)
    if not quoted.isascii() and _SURROGATE.search(quoted):
        quoted = _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", quoted)
    return quoted


def _gap(space: object) -> str:
    kind = type(space)
    if kind is float or kind is int:
        count = to_integer_or_infinity(float(space))  # type: ignore[arg-type]
        return " " * int(max(0.0, min(10.0, count)))
    if kind is str:
        return "".join(units(space)[:10])  # type: ignore[arg-type]
    return ""


def json_stringify(value: object, space: object = UNDEFINED) -> object:
    """``JSON.stringify(value, null, space)``: the text, or UNDEFINED."""
    return _write(value, _gap(space), "", 0)


def _write(value: object, gap: str, indent: str, depth: int) -> object:
    kind = type(value)
    if kind is str:
        return quote_json(value)  # type: ignore[arg-type]
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is float or kind is int:
        number = float(value)  # type: ignore[arg-type]
        return number_to_string(value) if math.isfinite(number) else "null"  # type: ignore[arg-type]
    if value is UNDEFINED:
        return UNDEFINED
    nest_guard(depth)
    inner = indent + gap
    if kind is list or kind is tuple:
        items: list[str] = []
        for item in value:  # type: ignore[attr-defined]
            written = _write(item, gap, inner, depth + 1)
            items.append("null" if written is UNDEFINED else str(written))
        return _join(items, "[", "]", gap, indent, inner)
    if isinstance(value, Mapping):
        pairs = [(key, own_property(value, key)) for key in js_keys(value)]
    elif isinstance(value, Drop):
        pairs = [(key, item) for key, item in value.own_items() if not callable(item)]
    else:
        return UNDEFINED
    colon = ": " if gap else ":"
    members: list[str] = []
    for key, item in pairs:
        written = _write(item, gap, inner, depth + 1)
        if written is not UNDEFINED:
            members.append(f"{quote_json(str(key))}{colon}{written}")
    return _join(members, "{", "}", gap, indent, inner)


def _join(parts: list[str], left: str, right: str, gap: str, indent: str, inner: str) -> str:
    if not parts:
        return left + right
    if not gap:
        return left + ",".join(parts) + right
    return f"{left}\n{inner}" + f",\n{inner}".join(parts) + f"\n{indent}{right}"
