"""Ruby's text forms of Liquid values.

Customer.io renders Liquid with Shopify's Ruby implementation, so a value turned into
text must read the way Ruby writes it, not the way Python does:

============================  ===========================  ======================
value                         Ruby (and this module)       Python's ``str``
============================  ===========================  ======================
``True``                      ``true``                     ``True``
``None`` inside a hash        ``nil``                      ``None``
``{"a": 1}``                  ``{"a"=>1}``                 ``{'a': 1}``
``["a", None]`` (inspect)     ``["a", nil]``               ``['a', None]``
``1e20``                      ``1.0e+20``                  ``1e+20``
``'say "hi"'`` (inspect)      ``"say \\"hi\\""``           ``'say "hi"'``
============================  ===========================  ======================

Hashes use the ``"key"=>value`` form without spaces that Liquid's ``Utils.inspect``
keeps on every Ruby version, which is what makes ``{{ customer | replace: "=>", ":" }}``
produce JSON.  String escapes follow ``String#inspect`` for UTF-8 strings: ``\\"``,
``\\\\``, ``\\n``, ``\\t``, ``\\r``, ``\\f``, ``\\v``, ``\\b``, ``\\a``, ``\\e``, ``\\#{``
(and ``\\#$``, ``\\#@``), and ``\\uXXXX`` for other characters that are not printable;
printable non-ASCII is kept as is.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal

from liquid import Undefined

__all__ = ["ruby_float", "ruby_inspect", "ruby_json", "ruby_output", "ruby_to_s"]

_SIMPLE_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\f": "\\f",
    "\v": "\\v",
    "\b": "\\b",
    "\a": "\\a",
    "\x1b": "\\e",
}


def ruby_float(value: float) -> str:
    """``Float#to_s``: shortest round-trip digits, ``.0`` on whole numbers, ``1.0e+20``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        sign = exponent[0] if exponent[0] in "+-" else "+"
        digits = exponent.lstrip("+-").rjust(2, "0")
        return f"{mantissa}e{sign}{digits}"
    return text


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, float):
        return ruby_float(value)
    if isinstance(value, Decimal):
        # Liquid computes with BigDecimal whenever a float is involved and hands back
        # ``BigDecimal#to_f``: a Float, so 3 comes out as "3.0".
        return ruby_float(float(value))
    return str(value)


def _inspect_str(text: str) -> str:
    out = ['"']
    for i, ch in enumerate(text):
        escaped = _SIMPLE_ESCAPES.get(ch)
        if escaped is not None:
            out.append(escaped)
        elif ch == "#" and text[i + 1 : i + 2] in ("{", "$", "@"):
            out.append("\\#")
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\u{{{code:X}}}")
    out.append('"')
    return "".join(out)


def ruby_inspect(value: object) -> str:
    """``Liquid::Utils.inspect``: the form a value takes inside a hash or an array."""
    if value is None or isinstance(value, Undefined):
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _inspect_str(value)
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{ruby_inspect(k)}=>{ruby_inspect(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(ruby_inspect(v) for v in value) + "]"
    return _inspect_str(ruby_to_s(value))


def ruby_to_s(value: object) -> str:
    """``Liquid::Utils.to_s``: the text a string filter sees for its input."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, Mapping | list | tuple):
        return ruby_inspect(value)
    if isinstance(value, range):
        return f"{value.start}..{value.stop - 1}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %z")
    return str(value)


def ruby_output(value: object) -> str:
    """What ``{{ value }}`` writes: arrays are flattened and joined with nothing."""
    if isinstance(value, list | tuple):
        return "".join(ruby_output(v) for v in _flatten(value))
    return ruby_to_s(value)


def _flatten(items: Iterable[object]) -> Iterable[object]:
    for item in items:
        if isinstance(item, list | tuple):
            yield from _flatten(item)
        else:
            yield item


def ruby_json(value: object) -> str:
    """``JSON.generate`` as the ``json`` filter uses it: compact, UTF-8 kept, Ruby floats.

    Raises :class:`ValueError` for NaN and infinities, which JSON cannot hold.
    """
    if value is None or isinstance(value, Undefined):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float | Decimal):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise ValueError(f"{ruby_float(number)} is not allowed in JSON")
        return _number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        items = (f"{json.dumps(ruby_to_s(k), ensure_ascii=False)}:{ruby_json(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(ruby_json(v) for v in value) + "]"
    return json.dumps(ruby_to_s(value), ensure_ascii=False)
