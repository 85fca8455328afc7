"""Ruby's values as Liquid 2.5.3 sees them: their text, truth, equality and errors.

Ruby Liquid hands values straight to Ruby, so what a value prints as, whether it is
true, what ``==`` says and how an error is worded are Ruby's (3.1, with ActiveSupport
6.1 loaded, as the oracle in ``tests/oracles`` runs). The data arrives as JSON-shaped
Python values; this module is the one place that says how each behaves as its Ruby
twin:

========================  ===============  ==========================================
Python                    Ruby             text (``to_s``)
========================  ===============  ==========================================
``None``                  ``nil``          empty (``nil`` inside a hash or array)
``True``/``False``        ``true/false``   ``true``/``false``
``int``                   ``Integer``      digits
``float``                 ``Float``        ``Float#to_s``: ``6.0``, ``1.0e+20``, ``1.0e-05``
``str``                   ``String``       itself (``String#inspect`` inside containers)
``list``                  ``Array``        ``inspect`` (output joins it, flattened)
``Mapping``               ``Hash``         ``{"id"=>"1", "n"=>nil}`` (Ruby 3.1 ``inspect``)
:class:`RubyRange`        ``Range``        ``1..3`` (the literal ``(1..3)``)
:class:`RubySymbol`       ``Symbol``       ``blank?`` (the literals ``blank``/``empty``)
========================  ===============  ==========================================

A Ruby exception a filter or tag raises is a :class:`RubyError` carrying Ruby's class
and message (which 2.5.3 writes inline as ``Liquid error: …``) and, where known, a plain
sentence for the author.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping

__all__ = [
    "BLANK_CHARS",
    "RUBY_SPACE",
    "RubyError",
    "RubyRange",
    "RubySymbol",
    "class_name",
    "describe",
    "inspect",
    "is_blank",
    "is_empty",
    "no_conversion",
    "no_method",
    "output_text",
    "ruby_float",
    "str_to_f",
    "str_to_i",
    "to_i",
    "to_s",
    "truthy",
]

RUBY_SPACE = " \t\n\v\f\r"
"""Ruby's ``\\s`` and the white space of ``split(" ")``, ``to_i`` and ``strip``."""
BLANK_CHARS = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Onigmo's ``[[:space:]]`` (Unicode White_Space): what ActiveSupport's ``blank?`` skips."""
FIXNUM_MIN, FIXNUM_MAX = -(2**62), 2**62 - 1


class RubyError(Exception):
    """A Ruby exception raised while rendering: 2.5.3 writes it inline and carries on."""

    def __init__(self, ruby_class: str, message: str, plain: str | None = None) -> None:
        super().__init__(message)
        self.ruby_class = ruby_class
        """Ruby's class of the exception (``ArgumentError``, ``Liquid::SyntaxError`` …)."""
        self.message = message
        """Ruby's message, as 2.5.3 writes it after ``Liquid error:``."""
        self.plain = plain
        """What went wrong, for the author; None until someone who knows says it."""
        self.index: int | None = None
        """Where in the template, when finer than the tag that raised (a filter)."""
        self.name = ""
        """The filter or tag that raised, once known."""


class RubyRange:
    """A range literal ``(a..b)``: both ends are integers (``to_i`` of what was written)."""

    __slots__ = ("first", "last")

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        self.last = last

    def __len__(self) -> int:
        return max(0, self.last - self.first + 1)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RubyRange) and (self.first, self.last) == (
            other.first,
            other.last,
        )

    def __hash__(self) -> int:
        return hash((RubyRange, self.first, self.last))

    def __repr__(self) -> str:
        return f"{self.first}..{self.last}"


class RubySymbol:
    """``:blank?`` or ``:empty?``, what the literals ``blank`` and ``empty`` resolve to."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RubySymbol) and other.name == self.name

    def __hash__(self) -> int:
        return hash((RubySymbol, self.name))

    def __repr__(self) -> str:
        return ":" + self.name


def class_name(value: object) -> str:
    """Ruby's class of ``value``."""
    if value is None:
        return "NilClass"
    if value is True:
        return "TrueClass"
    if value is False:
        return "FalseClass"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list | tuple):
        return "Array"
    if isinstance(value, Mapping):
        return "Hash"
    if isinstance(value, RubyRange):
        return "Range"
    if isinstance(value, RubySymbol):
        return "Symbol"
    if isinstance(value, dt.datetime) or type(value).__name__ == "RubyTime":
        return "Time"
    return type(value).__name__


def is_special(value: object) -> bool:
    """Whether Ruby names ``value`` by its ``inspect`` in a comparison error (nil, true,
    false, small integers, floats, symbols) rather than by its class."""
    if value is None or isinstance(value, bool | float | RubySymbol):
        return True
    return isinstance(value, int) and FIXNUM_MIN <= value <= FIXNUM_MAX


def truthy(value: object) -> bool:
    """Ruby's truth: everything but ``nil`` and ``false`` (``0`` and ``""`` are true)."""
    return value is not None and value is not False


# -- text ---------------------------------------------------------------------------------


def ruby_float(value: float) -> str:
    """``Float#to_s``: shortest digits; fixed notation for 1e-4 ≤ |x| < 1e16, else ``1.0e+16``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    text = repr(abs(value))
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    if whole == "0":  # 0.000ddd: the point sits before the leading zeros
        digits = fraction.lstrip("0")
        point = len(digits) - len(fraction)
    else:
        digits = whole + fraction
        point = len(whole)
    point += int(exponent) if exponent else 0  # value = 0.digits × 10**point
    digits = digits.rstrip("0") or "0"
    if -4 < point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if 0 < point < 16:
        head = digits[:point].ljust(point, "0")
        return f"{sign}{head}.{digits[point:] or '0'}"
    exp = point - 1
    return f"{sign}{digits[0]}.{digits[1:] or '0'}e{'+' if exp >= 0 else '-'}{abs(exp):02d}"


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
# Onigmo prints all but controls, surrogates, unassigned code points and U+2028/U+2029.
_UNPRINTABLE = frozenset({"Cc", "Cs", "Cn", "Zl", "Zp"})
_NEEDS_ESCAPE = re.compile(r'["\\]|#[{$@]')


def inspect_str(text: str) -> str:
    """``String#inspect`` of a UTF-8 string."""
    if text.isprintable() and not _NEEDS_ESCAPE.search(text):
        return f'"{text}"'
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


def inspect(value: object) -> str:
    """``inspect``: how a value reads inside a hash or an array (and in error messages)."""
    if isinstance(value, str):
        return inspect_str(value)
    if value is None:
        return "nil"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{inspect(k)}=>{inspect(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(inspect(v) for v in value) + "]"
    if isinstance(value, RubySymbol):
        return ":" + value.name
    return to_s(value)


def time_text(moment: dt.datetime) -> str:
    """``Time#to_s``: ``2024-01-15 10:00:00 +0000`` (``UTC`` for a UTC time)."""
    zone = "UTC" if moment.tzinfo is dt.UTC else moment.strftime("%z")
    return moment.strftime("%Y-%m-%d %H:%M:%S ") + zone


def to_s(value: object) -> str:
    """``to_s``: the text a filter works on (``append``, ``downcase`` …)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return ruby_float(value)
    if isinstance(value, Mapping | list | tuple):
        return inspect(value)
    if isinstance(value, RubyRange):
        return f"{value.first}..{value.last}"
    if isinstance(value, RubySymbol):
        return value.name
    if isinstance(value, dt.datetime):
        return time_text(value)
    return str(value)


def output_text(value: object) -> str:
    """What rendering writes for a value: ``Array#join``, so arrays flatten and nil is empty."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "".join([output_text(item) for item in value])
    return to_s(value)


def describe(value: object) -> str:
    """A value as an author would recognise it in a message (``'abc'``, ``5``, ``nil``)."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    text = inspect(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- errors -----------------------------------------------------------------------------


def receiver(value: object) -> str:
    """How ``NoMethodError`` names its receiver: ``nil:NilClass``, ``"a":String``."""
    return f"{inspect(value)}:{class_name(value)}"


def no_method(method: str, value: object, plain: str | None = None) -> RubyError:
    """``NoMethodError: undefined method `method' for …``."""
    return RubyError("NoMethodError", f"undefined method `{method}' for {receiver(value)}", plain)


def conversion_name(value: object) -> str:
    """How Ruby names a value it cannot convert implicitly: nil, true, false, or its class."""
    if value is None:
        return "nil"
    if value is True or value is False:
        return "true" if value else "false"
    return class_name(value)


def no_conversion(value: object, target: str, plain: str | None = None) -> RubyError:
    """``TypeError: no implicit conversion of X into Target``."""
    return RubyError(
        "TypeError", f"no implicit conversion of {conversion_name(value)} into {target}", plain
    )


# -- numbers ----------------------------------------------------------------------------

_TO_I = re.compile(r"[ \t\n\v\f\r]*([+-]?[0-9]+(?:_[0-9]+)*)")
_TO_F = re.compile(
    r"[ \t\n\v\f\r]*([+-]?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?(?:[eE][+-]?[0-9]+)?"
    r"|[+-]?\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
)


def str_to_i(text: str) -> int:
    """``String#to_i``: the leading integer (``"12abc"`` is 12, ``"abc"`` 0)."""
    match = _TO_I.match(text)
    return int(match.group(1).replace("_", "")) if match else 0


def str_to_f(text: str) -> float:
    """``String#to_f``: the leading decimal number (``"1.5e3x"`` is 1500.0)."""
    match = _TO_F.match(text)
    if not match:
        return 0.0
    try:
        return float(match.group(1).replace("_", ""))
    except OverflowError:  # pragma: no cover - float() returns inf rather than raising
        return math.inf


def to_i(value: object, plain: str | None = None) -> int:
    """``to_i``: Integer, Float (truncated), String, nil (0); ``NoMethodError`` otherwise."""
    if isinstance(value, bool):
        raise no_method("to_i", value, plain)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise RubyError("FloatDomainError", ruby_float(value), plain)
        return int(value)
    if isinstance(value, str):
        return str_to_i(value)
    if value is None:
        return 0
    raise no_method("to_i", value, plain)


# -- ActiveSupport ----------------------------------------------------------------------


def is_empty(value: object) -> bool | None:
    """``empty?``: for strings, arrays, hashes and symbols; None where Ruby has no ``empty?``."""
    if isinstance(value, str | list | tuple | Mapping):
        return len(value) == 0
    if isinstance(value, RubySymbol):
        return not value.name
    return None


def is_blank(value: object) -> bool:
    """ActiveSupport's ``blank?``: nil, false, white space only, empty arrays and hashes."""
    if isinstance(value, str):
        return all(ch in BLANK_CHARS for ch in value)
    empty = is_empty(value)
    if empty is not None:
        return empty
    return value is None or value is False
