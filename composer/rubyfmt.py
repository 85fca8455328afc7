"""Ruby's forms of Liquid values: their text, their numbers, their dates.

Customer.io renders Liquid with Shopify's Ruby implementation, so a value turned into
text (or a number, or a date) must come out the way Ruby makes it, not the way Python
does:

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
(and ``\\#$``, ``\\#@``), and ``\\uXXXX`` for controls, surrogates, unassigned code
points and U+2028/U+2029; everything else (``é``, ``☃``, a no-break space) is kept as is.

Numbers follow ``Liquid::Utils.to_number``: a Float becomes a ``BigDecimal`` (here a
:class:`~decimal.Decimal`) made from its shortest text, a string is a decimal only when it
looks like ``-12.5`` and is otherwise read as ``String#to_i`` reads it (``"1e3"`` is 1,
``"12abc"`` is 12), and anything else is 0. Arithmetic on two integers stays integral
(``/`` and ``%`` floor, as Ruby's do); with a decimal involved it is exact and the result
becomes a Float (``BigDecimal#to_f``). :func:`ruby_strftime` is ``Time#strftime`` written
out in full (:mod:`composer.rubytime`: flags ``-_0^#``, widths, ``%-d``, ``%e``, ``%L``,
``%N``, ``%s``, ``%:z``), so the output never depends on the platform's C library.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext

from liquid import Undefined

from composer.rubytime import ruby_strftime

__all__ = [
    "RUBY_SPACE",
    "arith",
    "flatten",
    "ruby_float",
    "ruby_inspect",
    "ruby_int_size",
    "ruby_json",
    "ruby_output",
    "ruby_round",
    "ruby_strftime",
    "ruby_to_s",
    "to_integer",
    "to_number",
]

RUBY_SPACE = " \t\n\v\f\r"
"""The characters Ruby's ``split(" ")`` and ``to_i`` treat as white space."""

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

# Ruby prints every character Onigmo calls printable: all but controls, surrogates,
# unassigned code points and the line/paragraph separators (Python's isprintable also
# refuses format characters and spaces such as U+00A0).
_UNPRINTABLE = frozenset({"Cc", "Cs", "Cn", "Zl", "Zp"})


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
        # Liquid's filters hand back ``BigDecimal#to_f``: a Float, so 3 comes out "3.0".
        return ruby_float(float(value))
    return str(value)


_NEEDS_ESCAPE = re.compile(r'["\\]|#[{$@]')


def _inspect_str(text: str) -> str:
    if text.isprintable() and not _NEEDS_ESCAPE.search(text):
        return f'"{text}"'  # what Python prints, Ruby prints: nothing to escape
    out = ['"']
    for i, ch in enumerate(text):
        escaped = _SIMPLE_ESCAPES.get(ch)
        if escaped is not None:
            out.append(escaped)
        elif ch == "#" and text[i + 1 : i + 2] in ("{", "$", "@"):
            out.append("\\#")
        elif ch.isprintable() or unicodedata.category(ch) not in _UNPRINTABLE:
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\u{{{code:X}}}")
    out.append('"')
    return "".join(out)


def ruby_inspect(value: object) -> str:
    """``Liquid::Utils.inspect``: the form a value takes inside a hash or an array."""
    if type(value) is str:
        return _inspect_str(value)
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
    if type(value) is str:
        return value
    if isinstance(value, list | tuple):
        return "".join(ruby_output(v) for v in flatten(value))
    return ruby_to_s(value)


def flatten(items: Iterable[object]) -> Iterable[object]:
    """``Array#flatten``: the items of nested arrays, depth first."""
    for item in items:
        if isinstance(item, list | tuple):
            yield from flatten(item)
        else:
            yield item


_json_string: Callable[[str], str] = json.encoder.encode_basestring
"""``json.dumps(text, ensure_ascii=False)`` without building an encoder for each string."""


def ruby_json(value: object) -> str:
    """``JSON.generate`` as the ``json`` filter uses it: compact, UTF-8 kept, Ruby floats.

    Raises :class:`ValueError` for NaN and infinities, which JSON cannot hold.
    """
    if value is None or isinstance(value, Undefined):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, float | Decimal):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise ValueError(f"{ruby_float(number)} is not allowed in JSON")
        return _number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        items = (f"{_json_string(ruby_to_s(k))}:{ruby_json(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(ruby_json(v) for v in value) + "]"
    if isinstance(value, range):
        return ruby_json(list(value))
    return _json_string(ruby_to_s(value))


# -- numbers ---------------------------------------------------------------------------

_DECIMAL_TEXT = re.compile(r"-?[0-9]+\.[0-9]+")
_LEADING_INT = re.compile(rf"[{RUBY_SPACE}]*([+-]?[0-9]+(?:_[0-9]+)*)")
_KERNEL_INTEGER = re.compile(
    r"([+-]?)(?:0x([0-9a-f]+(?:_[0-9a-f]+)*)|0b([01]+(?:_[01]+)*)|0o?([0-7]+(?:_[0-7]+)*)"
    r"|0d([0-9]+(?:_[0-9]+)*)|([1-9][0-9]*(?:_[0-9]+)*|0))",
    re.IGNORECASE,
)
_PRECISION = 400


def to_number(value: object) -> int | Decimal:
    """``Liquid::Utils.to_number``."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # BigDecimal(Float#to_s)
    if isinstance(value, str):
        if _DECIMAL_TEXT.fullmatch(value.strip(RUBY_SPACE + "\0")):
            return Decimal(value.strip(RUBY_SPACE + "\0"))
        match = _LEADING_INT.match(value)  # String#to_i
        return int(match.group(1).replace("_", "")) if match else 0
    return 0


def to_integer(value: object) -> int:
    """``Liquid::Utils.to_integer``: ``Kernel#Integer`` of the text; ValueError if not."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _KERNEL_INTEGER.fullmatch(ruby_to_s(value).strip(RUBY_SPACE))
    if match is None:
        raise ValueError("invalid integer")
    sign, *digits = match.groups()
    for base, text in zip((16, 2, 8, 10, 10), digits, strict=True):
        if text is not None:
            number = int(text.replace("_", ""), base)
            return -number if sign == "-" else number
    raise ValueError("invalid integer")  # pragma: no cover - the pattern has no other arm


def arith(operation: str, left: object, right: object) -> int | float:
    """``apply_operation``: ``+ - * / %`` on ``to_number`` of both sides.

    Raises :class:`ZeroDivisionError` with Ruby's message, ``divided by 0``, for integers
    and for ``%``; a decimal divided by zero is an infinity, as BigDecimal makes it.
    """
    x, y = to_number(left), to_number(right)
    if operation in "/%" and y == 0:
        if operation == "%" or (isinstance(x, int) and isinstance(y, int)):
            raise ZeroDivisionError("divided by 0")
        # BigDecimal's default mode divides by zero into Infinity (or NaN for 0/0).
        if x == 0 or (isinstance(x, Decimal) and x.is_nan()):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, float(y))
    if isinstance(x, int) and isinstance(y, int):
        if operation == "+":
            return x + y
        if operation == "-":
            return x - y
        if operation == "*":
            return x * y
        return x // y if operation == "/" else x % y
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        dx, dy = Decimal(x), Decimal(y)
        if operation == "+":
            result = dx + dy
        elif operation == "-":
            result = dx - dy
        elif operation == "*":
            result = dx * dy
        elif operation == "/":
            result = dx / dy
        else:
            result = dx % dy  # Python keeps the dividend's sign; Ruby the divisor's
            if result and (result < 0) != (dy < 0):
                result += dy
    return float(result)


def _half_up(value: Decimal, digits: int) -> Decimal:
    if value.as_tuple().exponent >= -digits:  # type: ignore[operator]
        return value
    with localcontext() as ctx:
        ctx.prec = max(_PRECISION, len(value.as_tuple().digits) + 2)
        return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def ruby_round(value: object, digits: object = 0) -> int | float:
    """The ``round`` filter: BigDecimal's round-half-up, not Python's round-half-even.

    An Integer result (``digits`` of literally 0) comes back as an ``int``, as
    ``result.to_i`` makes it in Ruby. ValueError for NaN and infinities.
    """
    x = to_number(value)
    places = int(to_number(digits))
    if isinstance(x, int):
        result: int | float = x if places >= 0 else int(_half_up(Decimal(x), places))
    else:
        if not x.is_finite():
            raise ValueError(f"Computation results in '{ruby_float(float(x))}'")
        result = float(_half_up(x, places))
    is_zero = isinstance(digits, int | float) and not isinstance(digits, bool) and digits == 0
    return int(result) if is_zero else result


def ruby_int_size(value: int) -> int:
    """``Integer#size``: the bytes of the machine representation (8 for most)."""
    if -(2**62) <= value < 2**62:
        return 8
    return (abs(value).bit_length() + 63) // 64 * 8
