"""V8's date parser (``src/date/dateparser-inl.h``, ``dateparser.cc``, ``dateparser.h``).

:func:`parse` is ``Date.parse`` as Node 20 runs it, ``ParseDateTimeString`` included:
first the ES5 ISO format (``2020-01-02`` is UTC, ``2020-01-02T10:00`` local time), then
V8's legacy parser for anything else (``2020/01/02``, ``Jan 2, 2020 10:00``, RFC 2822,
and ``-1`` as 1 January 2001): a number followed by ``:`` is a time, other numbers are
parts of the day, a word whose first three letters name a month is that month,
``am``/``pm``, ``UT``/``UTC``/``GMT``/``Z`` and the US zones are understood,
parenthesised text is skipped, and an unknown word after a number makes the string
invalid. A text is read up to a NUL character, as V8 reads it.
"""

from __future__ import annotations

import datetime as dt
import math

from composer.liquid.latest.jsdate import MAX_TIME, local_to_utc, make_date, make_day, make_time

__all__ = ["parse"]

_NONE = 2**31 - 1
_MAX_BEFORE_UTC = MAX_TIME + 864_000_000

_KEYWORDS = [
    ("jan", 1, 1), ("feb", 1, 2), ("mar", 1, 3), ("apr", 1, 4), ("may", 1, 5),
    ("jun", 1, 6), ("jul", 1, 7), ("aug", 1, 8), ("sep", 1, 9), ("oct", 1, 10),
    ("nov", 1, 11), ("dec", 1, 12), ("am\0", 4, 0), ("pm\0", 4, 12), ("ut\0", 2, 0),
    ("utc", 2, 0), ("z\0\0", 2, 0), ("gmt", 2, 0), ("cdt", 2, -5), ("cst", 2, -6),
    ("edt", 2, -4), ("est", 2, -5), ("mdt", 2, -6), ("mst", 2, -7), ("pdt", 2, -7),
    ("pst", 2, -8), ("t\0\0", 3, 0),
]  # fmt: skip
_INVALID, _MONTH, _ZONE, _SEPARATOR, _AM_PM = 0, 1, 2, 3, 4
_WHITE = frozenset("\t\n\v\f\r \xa0\ufeff\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                   "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")  # fmt: skip
_END, _NUMBER, _SYMBOL, _SPACE, _UNKNOWN, _BAD = "end", "num", "sym", "ws", "?", "bad"


class _Token:
    __slots__ = ("kind", "length", "value")

    def __init__(self, kind: str | int, length: int, value: int | str) -> None:
        self.kind: str | int = kind  # a keyword's type (int) or one of the names above
        self.length = length
        self.value = value

    def is_sign(self) -> bool:
        return self.kind == _SYMBOL and self.value in ("+", "-")

    def is_symbol(self, char: str) -> bool:
        return self.kind == _SYMBOL and self.value == char

    def is_number(self, length: int | None = None) -> bool:
        return self.kind == _NUMBER and (length is None or self.length == length)

    def is_z(self) -> bool:
        return self.kind == _ZONE and self.length == 1 and self.value == 0


class _Scanner:
    def __init__(self, text: str) -> None:
        end = text.find("\0")
        self.text = text if end == -1 else text[:end]
        self.at = 0
        self.next = self._scan()

    def _scan(self) -> _Token:
        text, at = self.text, self.at
        if at >= len(text):
            return _Token(_END, 0, -1)
        char = text[at]
        if "0" <= char <= "9":
            end = at
            while end < len(text) and "0" <= text[end] <= "9":
                end += 1
            self.at = end
            return _Token(_NUMBER, end - at, int(text[at : min(end, at + 9)]))
        if char in ":-+.)":
            self.at += 1
            return _Token(_SYMBOL, 1, char)
        if char >= "A" and char not in _WHITE:
            end = at
            while end < len(text) and text[end] >= "A" and text[end] not in _WHITE:
                end += 1
            self.at = end
            prefix = "".join(chr(ord(c) | 0x20) for c in text[at : min(end, at + 3)]).ljust(3, "\0")
            for word, kind, value in _KEYWORDS:
                if prefix == word and (end - at <= 3 or kind == _MONTH):
                    return _Token(kind, end - at, value)
            return _Token(_INVALID, end - at, 0)
        if char in _WHITE:
            self.at += 1
            return _Token(_SPACE, 1, -1)
        if char == "(":
            balance = 0
            while True:
                char = text[self.at] if self.at < len(text) else ""
                if char == ")":
                    balance -= 1
                elif char == "(":
                    balance += 1
                self.at += 1
                if not (balance > 0 and self.at < len(text)):
                    break
            return _Token(_UNKNOWN, 1, -1)
        self.at += 1
        return _Token(_UNKNOWN, 1, -1)

    def at_end(self) -> bool:
        return self.next.kind == _END

    def take(self) -> _Token:
        token, self.next = self.next, self._scan()
        return token

    def skip(self, char: str) -> bool:
        if self.next.is_symbol(char):
            self.next = self._scan()
            return True
        return False


def _between(x: int, low: int, high: int) -> bool:
    return low <= x <= high


class _Day:
    def __init__(self) -> None:
        self.comp: list[int] = []
        self.named_month = _NONE
        self.iso = False

    def add(self, n: int) -> bool:
        if len(self.comp) < 3:
            self.comp.append(n)
            return True
        return False

    def write(self) -> tuple[int, int, int] | None:
        # V8 fills the missing parts with 1 first, so its later "three parts" test
        # always holds: "Jan 2" is 2 January 2001, "-1" is 1 January 2001.
        if not self.comp:
            return None
        comp = self.comp + [1] * (3 - len(self.comp))
        year, month, day = 0, _NONE, _NONE
        if self.named_month == _NONE:
            if self.iso or not _between(comp[0], 1, 31):
                year, month, day = comp
            else:
                month, day, year = comp
        else:
            month = self.named_month
            if not _between(comp[0], 1, 31):
                year, day = comp[0], comp[1]
            else:
                day, year = comp[0], comp[1]
        if not self.iso:
            if _between(year, 0, 49):
                year += 2000
            elif _between(year, 50, 99):
                year += 1900
        if not (-(2**30) <= year < 2**30) or not _between(month, 1, 12) or not _between(day, 1, 31):
            return None
        return year, month - 1, day


class _Time:
    def __init__(self) -> None:
        self.comp: list[int] = []
        self.hour_offset = _NONE

    def empty(self) -> bool:
        return not self.comp

    def expecting(self, n: int) -> bool:
        index = len(self.comp)
        return (
            (index == 1 and _between(n, 0, 59))
            or (index == 2 and _between(n, 0, 59))
            or (index == 3 and _between(n, 0, 999))
        )

    def add(self, n: int) -> bool:
        if len(self.comp) < 4:
            self.comp.append(n)
            return True
        return False

    def add_final(self, n: int) -> bool:
        if not self.add(n):
            return False
        self.comp += [0] * (4 - len(self.comp))
        return True

    def write(self) -> tuple[int, int, int, int] | None:
        hour, minute, second, ms = self.comp + [0] * (4 - len(self.comp))
        if self.hour_offset != _NONE:
            if not _between(hour, 0, 12):
                return None
            hour = hour % 12 + self.hour_offset
        if not (
            _between(hour, 0, 23)
            and _between(minute, 0, 59)
            and _between(second, 0, 59)
            and _between(ms, 0, 999)
        ) and (hour != 24 or minute or second or ms):
            return None
        return hour, minute, second, ms


class _Zone:
    def __init__(self) -> None:
        self.sign = _NONE
        self.hour = _NONE
        self.minute = _NONE

    def set(self, hours: int) -> None:
        self.sign = -1 if hours < 0 else 1
        self.hour = hours * self.sign
        self.minute = 0

    def expecting(self, n: int) -> bool:
        return self.hour != _NONE and self.minute == _NONE and _between(n, 0, 59)

    def is_utc(self) -> bool:
        return self.hour == 0 and self.minute == 0

    def write(self) -> tuple[bool, int | None]:
        if self.sign == _NONE:
            return True, None
        hour = 0 if self.hour == _NONE else self.hour
        minute = 0 if self.minute == _NONE else self.minute
        total = hour * 3600 + minute * 60
        if total > 2**30 - 1:
            return False, None
        return True, -total if self.sign < 0 else total


def _milliseconds(token: _Token) -> int:
    number, length = int(token.value), token.length
    if length == 1:
        return number * 100
    if length == 2:
        return number * 10
    if length > 3:
        length = min(length, 9)
        number //= 10 ** (length - 3)
    return number


def _es5(scan: _Scanner, day: _Day, time: _Time, zone: _Zone) -> _Token:
    """``ParseES5DateTime``: the token to go on with, END when done, BAD when invalid."""
    if scan.next.is_sign():
        sign_token = scan.take()
        if not scan.next.is_number(6):
            return sign_token
        sign = 1 if sign_token.value == "+" else -1
        year = int(scan.take().value)
        if sign < 0 and year == 0:
            return sign_token
        day.add(sign * year)
    elif scan.next.is_number(4):
        day.add(int(scan.take().value))
    else:
        return scan.take()
    if scan.skip("-"):
        if not scan.next.is_number(2) or not _between(int(scan.next.value), 1, 12):
            return scan.take()
        day.add(int(scan.take().value))
        if scan.skip("-"):
            if not scan.next.is_number(2) or not _between(int(scan.next.value), 1, 31):
                return scan.take()
            day.add(int(scan.take().value))
    if scan.next.kind != _SEPARATOR:
        if scan.next.kind != _END:
            return scan.take()
    else:
        scan.take()
        if not scan.next.is_number(2) or not _between(int(scan.next.value), 0, 24):
            return _Token(_BAD, 0, -1)
        hour_is_24 = int(scan.next.value) == 24
        time.add(int(scan.take().value))
        if not scan.skip(":"):
            return _Token(_BAD, 0, -1)
        if (
            not scan.next.is_number(2)
            or not _between(int(scan.next.value), 0, 59)
            or (hour_is_24 and int(scan.next.value) > 0)
        ):
            return _Token(_BAD, 0, -1)
        time.add(int(scan.take().value))
        if scan.skip(":"):
            if (
                not scan.next.is_number(2)
                or not _between(int(scan.next.value), 0, 59)
                or (hour_is_24 and int(scan.next.value) > 0)
            ):
                return _Token(_BAD, 0, -1)
            time.add(int(scan.take().value))
            if scan.skip("."):
                if not scan.next.is_number() or (hour_is_24 and int(scan.next.value) > 0):
                    return _Token(_BAD, 0, -1)
                time.add(_milliseconds(scan.take()))
        if scan.next.is_z():
            scan.take()
            zone.set(0)
        elif scan.next.is_symbol("+") or scan.next.is_symbol("-"):
            zone.sign = 1 if scan.take().value == "+" else -1
            if scan.next.is_number(4):
                hour, minute = divmod(int(scan.take().value), 100)
                if not _between(hour, 0, 23) or not _between(minute, 0, 59):
                    return _Token(_BAD, 0, -1)
                zone.hour, zone.minute = hour, minute
            else:
                if not scan.next.is_number(2) or not _between(int(scan.next.value), 0, 23):
                    return _Token(_BAD, 0, -1)
                zone.hour = int(scan.take().value)
                if not scan.skip(":"):
                    return _Token(_BAD, 0, -1)
                if not scan.next.is_number(2) or not _between(int(scan.next.value), 0, 59):
                    return _Token(_BAD, 0, -1)
                zone.minute = int(scan.take().value)
        if not scan.at_end():
            return _Token(_BAD, 0, -1)
    if zone.hour == _NONE and time.empty():
        zone.set(0)
    day.iso = True
    return _Token(_END, 0, -1)


def _legacy(scan: _Scanner, token: _Token, day: _Day, time: _Time, zone: _Zone) -> bool:
    """The legacy parser's loop over the tokens the ES5 parser left; False: invalid."""
    has_number = bool(day.comp)
    while token.kind != _END:
        if token.kind == _NUMBER:
            has_number = True
            n = int(token.value)
            if scan.skip(":"):
                if scan.skip(":"):
                    if not time.empty():
                        return False
                    time.add(n)
                    time.add(0)
                else:
                    if not time.add(n):
                        return False
                    if scan.next.is_symbol("."):
                        scan.take()
            elif scan.skip(".") and time.expecting(n):
                time.add(n)
                if not scan.next.is_number():
                    return False
                time.add_final(_milliseconds(scan.take()))
            elif zone.expecting(n):
                zone.minute = n
            elif time.expecting(n):
                time.add_final(n)
                peek = scan.next
                if not (peek.kind in (_END, _SPACE) or peek.is_z() or peek.is_sign()):
                    return False
            else:
                if not day.add(n):
                    return False
                scan.skip("-")
        elif isinstance(token.kind, int):
            kind, value = token.kind, int(token.value)
            if kind == _AM_PM and not time.empty():
                time.hour_offset = value
            elif kind == _MONTH:
                day.named_month = value
                scan.skip("-")
            elif kind == _ZONE and has_number:
                zone.set(value)
            else:
                if has_number or scan.next.is_number():
                    return False
        elif token.is_sign() and (zone.is_utc() or not time.empty()):
            zone.sign = 1 if token.value == "+" else -1
            n = length = 0
            if scan.next.is_number():
                number = scan.take()
                n, length = int(number.value), number.length
            has_number = True
            if scan.next.is_symbol(":"):
                zone.hour, zone.minute = n, _NONE
            elif length in (1, 2):
                zone.hour, zone.minute = n, 0
            elif length in (3, 4):
                zone.hour, zone.minute = n // 100, n % 100
            else:
                return False
        elif (token.is_sign() or token.is_symbol(")")) and has_number:
            return False
        token = scan.take()
    return True


def parse(text: str, zone: dt.tzinfo) -> float:
    """``Date.parse(text)`` with ``zone`` as the local time zone: a time value or NaN."""
    scan = _Scanner(text)
    day, time, offset_zone = _Day(), _Time(), _Zone()
    token = _es5(scan, day, time, offset_zone)
    if token.kind == _BAD or not _legacy(scan, token, day, time, offset_zone):
        return math.nan
    date_part, time_part = day.write(), time.write()
    ok, offset = offset_zone.write()
    if date_part is None or time_part is None or not ok:
        return math.nan
    value = make_date(make_day(*map(float, date_part)), make_time(*map(float, time_part)))
    if offset is None:
        if not -_MAX_BEFORE_UTC <= value <= _MAX_BEFORE_UTC:
            return math.nan
        return local_to_utc(value, zone)
    value -= offset * 1000.0
    if not -MAX_TIME <= value <= MAX_TIME:
        return math.nan
    return value
