"""Ruby's ``Time#strftime``, written out in full so the output never depends on the platform.

Part of :mod:`composer.rubyfmt` (which re-exports :func:`ruby_strftime`). Every
conversion Ruby has, with its flags (``-`` no padding, ``_`` spaces, ``0`` zeros, ``^``
upper case, ``#`` swapped case), widths (``%10A``), colons for offsets (``%:z``,
``%::z``), ``%L``/``%N`` fractions, ``%s`` seconds since the epoch, and the composite
forms (``%c``, ``%D``, ``%F``, ``%T``, ``%v``, ``%+`` …). ``%Z`` is ``UTC`` for UTC, the
zone's abbreviation for a named zone, and nothing for a fixed offset parsed from a text
(Ruby's ``Time#zone`` is nil there). A conversion Ruby does not know is written as it
stands. Only the fields a format asks for are computed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

__all__ = ["ruby_strftime"]

_STRFTIME = re.compile(r"%([-_0^#]*)([0-9]*)(:{0,2})([a-zA-Z%+])")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_COMPOSITE = {
    "c": "%a %b %e %H:%M:%S %Y",
    "D": "%m/%d/%y",
    "x": "%m/%d/%y",
    "F": "%Y-%m-%d",
    "T": "%H:%M:%S",
    "X": "%H:%M:%S",
    "R": "%H:%M",
    "r": "%I:%M:%S %p",
    "v": "%e-%^b-%4Y",
    "+": "%a %b %e %H:%M:%S %Z %Y",
}


def _zone_name(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        return ""
    if moment.tzinfo is dt.UTC:
        return "UTC"
    if isinstance(moment.tzinfo, dt.timezone):
        return ""  # a fixed offset parsed from the text: Ruby's Time#zone is nil
    return moment.tzname() or ""


def _offset(moment: dt.datetime, colons: int) -> str:
    delta = moment.utcoffset() or dt.timedelta(0)
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if colons == 2:
        return f"{sign}{hours:02d}:{minutes:02d}:{secs:02d}"
    if colons == 1:
        return f"{sign}{hours:02d}:{minutes:02d}"
    return f"{sign}{hours:02d}{minutes:02d}"


def _week_of_year(first_weekday: int) -> Callable[[dt.datetime], int]:
    """``%U`` (weeks start on Sunday, 6) and ``%W`` (on Monday, 0): week 0 before the first."""

    def week(m: dt.datetime) -> int:
        yday = m.timetuple().tm_yday - 1
        return (yday + 7 - (m.weekday() - first_weekday) % 7) // 7

    return week


# code: (value of the moment, default width, default pad)
_NUMERIC: dict[str, tuple[Callable[[dt.datetime], int], int, str]] = {
    "Y": (lambda m: m.year, 4, "0"),
    "C": (lambda m: m.year // 100, 2, "0"),
    "y": (lambda m: m.year % 100, 2, "0"),
    "m": (lambda m: m.month, 2, "0"),
    "d": (lambda m: m.day, 2, "0"),
    "e": (lambda m: m.day, 2, " "),
    "j": (lambda m: m.timetuple().tm_yday, 3, "0"),
    "H": (lambda m: m.hour, 2, "0"),
    "k": (lambda m: m.hour, 2, " "),
    "I": (lambda m: (m.hour - 1) % 12 + 1, 2, "0"),
    "l": (lambda m: (m.hour - 1) % 12 + 1, 2, " "),
    "M": (lambda m: m.minute, 2, "0"),
    "S": (lambda m: m.second, 2, "0"),
    "u": (lambda m: m.isoweekday(), 1, "0"),
    "w": (lambda m: m.isoweekday() % 7, 1, "0"),
    "G": (lambda m: m.isocalendar()[0], 4, "0"),
    "g": (lambda m: m.isocalendar()[0] % 100, 2, "0"),
    "V": (lambda m: m.isocalendar()[1], 2, "0"),
    "U": (_week_of_year(6), 2, "0"),
    "W": (_week_of_year(0), 2, "0"),
    "s": (lambda m: math.floor(m.timestamp()), 1, "0"),
}
_TEXTS: dict[str, Callable[[dt.datetime, int], str]] = {
    "A": lambda m, _: _DAYS[m.weekday()],
    "a": lambda m, _: _DAYS[m.weekday()][:3],
    "B": lambda m, _: _MONTHS[m.month - 1],
    "b": lambda m, _: _MONTHS[m.month - 1][:3],
    "h": lambda m, _: _MONTHS[m.month - 1][:3],
    "p": lambda m, _: "AM" if m.hour < 12 else "PM",
    "P": lambda m, _: "am" if m.hour < 12 else "pm",
    "Z": lambda m, _: _zone_name(m),
    "z": _offset,
    "n": lambda m, _: "\n",
    "t": lambda m, _: "\t",
    "%": lambda m, _: "%",
}


def _field(moment: dt.datetime, code: str, colons: int) -> tuple[str | int, int, str]:
    """(value, default width, default pad) of one conversion; width 0 means no padding.

    Only the asked-for field is computed. KeyError for a conversion Ruby does not have.
    """
    numeric = _NUMERIC.get(code)
    if numeric is not None:
        value_of, width, pad = numeric
        return value_of(moment), width, pad
    return _TEXTS[code](moment, colons), 0, " "


def ruby_strftime(moment: dt.datetime, fmt: str) -> str:
    """``Time#strftime`` with Ruby's conversions, flags and widths."""

    def convert(match: re.Match[str]) -> str:
        flags, width_text, colons, code = match.groups()
        if code in _COMPOSITE and not colons:
            text = ruby_strftime(moment, _COMPOSITE[code])
            value: str | int = text
            width, pad = 0, " "
        elif code in "LN" and not colons:
            places = int(width_text) if width_text else (3 if code == "L" else 9)
            nanos = f"{moment.microsecond * 1000:09d}"
            return nanos[:places].ljust(places, "0")
        elif code == "z" or not colons:
            try:
                value, width, pad = _field(moment, code, len(colons))
            except KeyError:
                return match.group(0)  # Ruby writes an unknown conversion as it stands
        else:
            return match.group(0)
        if width_text:
            width = int(width_text)
        if "-" in flags:
            width = 0
        elif "_" in flags:
            pad = " "
        elif "0" in flags:
            pad = "0"
        if isinstance(value, int):
            sign = "-" if value < 0 else ""
            digits = str(abs(value))
            if pad == "0":
                text = sign + digits.rjust(width - len(sign), "0")
            else:
                text = (sign + digits).rjust(width)
        else:
            text = value.rjust(width, "0" if pad == "0" else " ")
        if "^" in flags:
            text = text.upper()
        elif "#" in flags:
            text = text.lower() if code in "pZ" else text.upper()
        return text

    return _STRFTIME.sub(convert, fmt)
