"""LiquidJS's ``strftime`` (``src/util/strftime.ts``), conversion by conversion.

``%[flags][width][E|O]conversion`` with the flags ``-`` (no padding), ``_`` (spaces),
``0`` (zeros), ``^`` (upper case), ``#`` (swap case) and ``:`` (``%:z`` writes
``+05:30``). Names are English (LiquidJS's default locale here is ``en-US``); ``%c``,
``%x`` and ``%X`` are ``en-US`` locale strings (``1/2/2020, 10:00:00 AM``); ``%Z`` is
the zone name given to ``date`` (or the process zone's, ``UTC``), else the offset;
``%s`` is the instant's seconds whatever the zone; ``%N`` has only milliseconds, padded
with zeros; ``%D``, ``%F``, ``%r``, ``%R`` and ``%T`` expand as in Ruby. An unknown
conversion is written as it is. A width larger than the output limit is refused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from composer.liquid.calendar import MONTH_NAMES
from composer.liquid.latest.jsnumber import number_to_string
from composer.liquid.latest.jsvalues import js_number
from composer.liquid.latest.liquiddate import LiquidDate
from composer.liquid.state import RenderState

__all__ = ["strftime"]

_FORMAT = re.compile("%([-_0^#:]+)?([0-9]+)?([EO])?([^\n\r\u2028\u2029])")
_MONTHS = MONTH_NAMES
_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_PAD_WIDTHS = {
    "C": 2, "d": 2, "e": 2, "g": 2, "G": 4, "H": 2, "I": 2, "j": 3, "k": 2, "l": 2,
    "L": 3, "m": 2, "M": 2, "S": 2, "U": 2, "V": 2, "W": 2, "y": 2, "Y": 4,
}  # fmt: skip
_PAD_SPACE = frozenset("aAbBceklpPDFrRT")
_COMBINATIONS = {
    "D": "%m/%d/%y",
    "F": "%Y-%m-%d",
    "r": "%I:%M:%S %p",
    "R": "%H:%M",
    "T": "%H:%M:%S",
}


def _leap(year: int) -> bool:
    return (year & 3) == 0 and (int(math.fmod(year, 100)) != 0 or (year % 400 == 0 and year != 0))


def _day_of_year(year: int, month: int, date: int) -> int:
    days = [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return sum(days[:month]) + date


def _iso_weeks(year: int) -> int:
    def p(y: int) -> int:
        return ((y + y // 4 - y // 100 + y // 400) % 7 + 7) % 7

    return 53 if p(year) == 4 or p(year - 1) == 3 else 52


def _iso_week(year: int, month: int, date: int, weekday: int) -> tuple[int, int]:
    week = (_day_of_year(year, month, date) - (weekday or 7) + 10) // 7
    if week < 1:
        year -= 1
        week = _iso_weeks(year)
    elif week > _iso_weeks(year):
        year += 1
        week = 1
    return year, week


def _week_of_year(d: LiquidDate, start: int) -> int:
    year, month, date, *_, weekday = d.fields  # type: ignore[misc]
    since = (weekday - start + 7) % 7
    return (_day_of_year(year, month, date) - 1 - since + 7) // 7


def _offset(d: LiquidDate, colon: bool) -> str:
    offset = js_number(d.offset)
    absolute = abs(offset)
    hours = math.floor(absolute / 60) if math.isfinite(absolute) else absolute / 60
    minutes = math.fmod(absolute, 60) if math.isfinite(absolute) else math.nan
    sign = "-" if offset > 0 else "+"
    return (
        sign
        + number_to_string(hours).rjust(2, "0")
        + (":" if colon else "")
        + number_to_string(minutes).rjust(2, "0")
    )


def _hour12(hour: int) -> int:
    return hour % 12 or 12


def _ordinal(date: int) -> str:
    if date in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(date % 10, "th")


def _locale_date(d: LiquidDate) -> str:
    year, month, date = d.fields[:3]  # type: ignore[index]
    return f"{month + 1}/{date}/{year}"


def _locale_time(d: LiquidDate) -> str:
    hours, minutes, seconds = d.fields[3:6]  # type: ignore[index]
    return f"{_hour12(hours)}:{minutes:02d}:{seconds:02d} {'AM' if hours < 12 else 'PM'}"


_Field = Callable[[LiquidDate, dict[str, bool], str | None], object]


def _f(index: int) -> _Field:
    return lambda d, flags, width: d.fields[index]  # type: ignore[index]


def _nanoseconds(d: LiquidDate, flags: dict[str, bool], width: str | None) -> str:
    size = int(width) if width and int(width) else 9
    RenderState.check_text(" " * min(size, 2**25))
    digits = f"{d.fields[6]:03d}"[:size]  # type: ignore[index]
    return digits.ljust(size, "0")


_CODES: dict[str, _Field] = {
    "a": lambda d, f, w: _DAYS[d.fields[7]][:3],  # type: ignore[index]
    "A": lambda d, f, w: _DAYS[d.fields[7]],  # type: ignore[index]
    "b": lambda d, f, w: _MONTHS[d.fields[1]][:3],  # type: ignore[index]
    "B": lambda d, f, w: _MONTHS[d.fields[1]],  # type: ignore[index]
    "c": lambda d, f, w: f"{_locale_date(d)}, {_locale_time(d)}",
    "C": lambda d, f, w: d.fields[0] // 100,  # type: ignore[index]
    "d": _f(2),
    "e": _f(2),
    "g": lambda d, f, w: (_iso_week(*d.fields[:3], d.fields[7])[0] % 100 + 100) % 100,  # type: ignore[index,call-arg]
    "G": lambda d, f, w: _iso_week(*d.fields[:3], d.fields[7])[0],  # type: ignore[index,call-arg]
    "H": _f(3),
    "I": lambda d, f, w: _hour12(d.fields[3]),  # type: ignore[index]
    "j": lambda d, f, w: _day_of_year(*d.fields[:3]),  # type: ignore[index]
    "k": _f(3),
    "l": lambda d, f, w: _hour12(d.fields[3]),  # type: ignore[index]
    "L": _f(6),
    "m": lambda d, f, w: d.fields[1] + 1,  # type: ignore[index]
    "M": _f(4),
    "N": _nanoseconds,
    "p": lambda d, f, w: "AM" if d.fields[3] < 12 else "PM",  # type: ignore[index]
    "P": lambda d, f, w: "am" if d.fields[3] < 12 else "pm",  # type: ignore[index]
    "q": lambda d, f, w: _ordinal(d.fields[2]),  # type: ignore[index]
    "s": lambda d, f, w: math.floor(d.time / 1000),
    "S": _f(5),
    "u": lambda d, f, w: d.fields[7] or 7,  # type: ignore[index]
    "U": lambda d, f, w: _week_of_year(d, 0),
    "V": lambda d, f, w: _iso_week(*d.fields[:3], d.fields[7])[1],  # type: ignore[index,call-arg]
    "w": _f(7),
    "W": lambda d, f, w: _week_of_year(d, 1),
    "x": lambda d, f, w: _locale_date(d),
    "X": lambda d, f, w: _locale_time(d),
    "y": lambda d, f, w: (d.fields[0] % 100 + 100) % 100,  # type: ignore[index]
    "Y": _f(0),
    "z": lambda d, f, w: _offset(d, f.get(":", False)),
    "Z": lambda d, f, w: d.zone_label() or _offset(d, f.get(":", False)),
    "t": lambda d, f, w: "\t",
    "n": lambda d, f, w: "\n",
    "%": lambda d, f, w: "%",
}
_CODES["h"] = _CODES["b"]
for _name, _pattern in _COMBINATIONS.items():
    _CODES[_name] = lambda d, f, w, pattern=_pattern: strftime(d, pattern)  # type: ignore[misc]


def _swap_case(text: str) -> str:
    return text.upper() if any("a" <= char <= "z" for char in text) else text.lower()


def _format(d: LiquidDate, match: re.Match[str]) -> str:
    flag_text, width, _, conversion = match.groups()
    convert = _CODES.get(conversion)
    if convert is None:
        return match.group()
    flags = dict.fromkeys(flag_text or "", True)
    found = convert(d, flags, width)
    text = found if type(found) is str else number_to_string(found)  # type: ignore[arg-type]
    pad = " " if conversion in _PAD_SPACE else "0"
    pad_width = (int(width) if width else 0) or _PAD_WIDTHS.get(conversion, 0)
    if flags.get("^"):
        text = text.upper()
    elif flags.get("#"):
        text = _swap_case(text)
    if flags.get("_"):
        pad = " "
    elif flags.get("0"):
        pad = "0"
    if flags.get("-"):
        pad_width = 0
    if pad_width > len(text):
        RenderState.check_text(" " * min(pad_width, 2**25))
    if pad == "0" and text.startswith("-"):
        return "-" + text[1:].rjust(pad_width - 1, pad)
    return text.rjust(pad_width, pad)


def strftime(d: LiquidDate, pattern: str) -> str:
    """``d`` written by ``pattern``."""
    return _FORMAT.sub(lambda match: _format(d, match), pattern)
