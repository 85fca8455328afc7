"""Ruby's ``Time`` as the ``date`` filter makes and prints it (``time.c``, ``strftime.c``).

A :class:`RubyTime` is an instant (seconds and nanoseconds since the epoch) seen at an
offset from UTC, with the zone name ``%Z`` prints: the render's zone plays Ruby's local
time zone (``TZ``); a time parsed with a numeric offset Ruby's zone cannot represent
has no name (``%Z`` is empty); a UTC time is ``UTC``. Years are unbounded, as Ruby's
are (``Time.at(99999999999999)`` is in the year 3170843), so the calendar is computed
here rather than by :mod:`datetime`.

:func:`strftime` is Ruby 3.1's ``strftime.c`` step for step: flags ``-_0^#``, widths,
``%:z``/``%::z``/``%:::z``, ``%E``/``%O`` modifiers, ``%L``/``%N`` digits, composite
conversions, an unknown conversion written as it stands, and a format that ends inside a
conversion (``"%"``, ``"%5"``) raising ``ArgumentError: invalid format``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from composer.liquid.calendar import MONTH_NAMES, days_from_civil, is_leap
from composer.liquid.calendar import civil_from_days as civil

__all__ = ["RubyTime", "at_offset", "local_time", "strftime", "utc_time"]

_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS = MONTH_NAMES
_COMPOSITE = {
    "c": "%a %b %e %H:%M:%S %Y",
    "x": "%m/%d/%y",
    "D": "%m/%d/%y",
    "X": "%H:%M:%S",
    "T": "%H:%M:%S",
    "F": "%Y-%m-%d",
    "R": "%H:%M",
    "r": "%I:%M:%S %p",
    "v": "%e-%^b-%4Y",
}
_MODIFIED = {"E": "cCxXyY", "O": "deHkIlmMSuUVwWy"}
_MIN_SECONDS = int(dt.datetime(1, 1, 2, tzinfo=dt.UTC).timestamp())
_MAX_SECONDS = int(dt.datetime(9999, 12, 30, tzinfo=dt.UTC).timestamp())


@dataclass(frozen=True)
class RubyTime:
    """An instant seen at an offset: the fields ``strftime`` prints."""

    seconds: int
    """Whole seconds since 1970-01-01 00:00:00 UTC."""
    nanos: int
    """Nanoseconds past ``seconds`` (0 … 999,999,999)."""
    offset: int
    """Seconds east of UTC."""
    zone: str | None
    """``%Z``: the zone's abbreviation, ``UTC``, or None (a bare offset)."""
    utc: bool = False
    """Whether this is a UTC time (Ruby's ``Time#utc?``)."""

    @cached_property
    def _fields(self) -> tuple[int, int, int, int, int, int, int, int]:
        local = self.seconds + self.offset
        days, rest = divmod(local, 86400)
        year, month, day = civil(days)
        yday = days - days_from_civil(year, 1, 1) + 1
        wday = (days + 4) % 7
        return year, month, day, rest // 3600, rest // 60 % 60, rest % 60, wday, yday

    @property
    def year(self) -> int:
        """The year."""
        return self._fields[0]

    @property
    def month(self) -> int:
        """The month, 1 … 12."""
        return self._fields[1]

    @property
    def day(self) -> int:
        """The day of the month."""
        return self._fields[2]

    @property
    def yday(self) -> int:
        """The day of the year, 1 … 366."""
        return self._fields[7]

    def __str__(self) -> str:
        """``Time#to_s``: ``2023-11-14 22:13:20 +0000`` (``UTC`` for a UTC time)."""
        return strftime(self, "%Y-%m-%d %H:%M:%S " + ("UTC" if self.utc else "%z"))


def _zone_at(zone: dt.tzinfo, seconds: int) -> tuple[int, str | None]:
    """The offset and abbreviation of ``zone`` at an instant."""
    if zone is dt.UTC:
        return 0, "UTC"
    moment = dt.datetime.fromtimestamp(
        min(max(seconds, _MIN_SECONDS), _MAX_SECONDS), dt.UTC
    ).astimezone(zone)
    delta = moment.utcoffset() or dt.timedelta(0)
    return int(delta.total_seconds()), moment.tzname()


def local_time(zone: dt.tzinfo, seconds: int, nanos: int = 0) -> RubyTime:
    """``Time.at(seconds)``: the instant in the local zone."""
    offset, name = _zone_at(zone, seconds)
    return RubyTime(seconds, nanos, offset, name)


def at_offset(time: RubyTime, offset: int) -> RubyTime:
    """``Time#localtime(offset)``: the same instant at a fixed offset (no zone name)."""
    return RubyTime(time.seconds, time.nanos, offset, None)


def utc_time(time: RubyTime) -> RubyTime:
    """``Time#utc``."""
    return RubyTime(time.seconds, time.nanos, 0, "UTC", utc=True)


# -- strftime.c --------------------------------------------------------------------------

_LEFT, _CHCASE, _LOWER, _UPPER = 1, 2, 4, 8


def _case(text: str, flags: int) -> str:
    if flags & _UPPER and not flags & _LOWER:
        return (
            text.upper()
            if text.isascii()
            else "".join(c.upper() if c.isascii() else c for c in text)
        )
    if flags & _LOWER and not flags & _UPPER:
        return (
            text.lower()
            if text.isascii()
            else "".join(c.lower() if c.isascii() else c for c in text)
        )
    return text


def _pad(text: str, precision: int, padding: str, flags: int) -> str:
    """``FILL_PADDING``: left-pad to ``precision`` unless the ``-`` flag is given."""
    if not flags & _LEFT and precision > len(text):
        return (padding or " ") * (precision - len(text)) + text
    return text


def _number(
    value: int, def_pad: str, def_prec: int, precision: int, padding: str, flags: int
) -> str:
    """``FMT``: an integer with its default padding and width."""
    width = 1 if flags & _LEFT else (def_prec if precision <= 0 else precision)
    if padding == "0" or (not padding and def_pad == "0"):
        sign = "-" if value < 0 else ""
        return sign + str(abs(value)).rjust(width - len(sign), "0")
    return str(value).rjust(width)


def _week(yday: int, wday: int, first_monday: bool) -> int:
    if first_monday:
        wday = 6 if wday == 0 else wday - 1
    return max(0, (yday - 1 + 7 - wday) // 7)


def _iso_week(year: int, month: int, day: int, yday: int, wday: int) -> int:
    weeknum = _week(yday, wday, True)
    jan1 = (wday - (yday - 1) % 7) % 7
    if jan1 in (2, 3, 4):
        weeknum += 1
    elif jan1 in (5, 6, 0) and weeknum == 0:
        last_wday = 6 if jan1 == 0 else jan1 - 1
        weeknum = _iso_week(year - 1, 12, 31, 365 + is_leap(year - 1), last_wday)
    if month == 12 and (
        (wday == 1 and 29 <= day <= 31)
        or (wday == 2 and day in (30, 31))
        or (wday == 3 and day == 31)
    ):
        weeknum = 1
    return weeknum


def strftime(time: RubyTime, fmt: str) -> str:
    """``Time#strftime``; ValueError (Ruby's ``invalid format``) for a truncated conversion."""
    out: list[str] = []
    size = len(fmt)
    pos = 0
    while pos < size:
        percent = fmt.find("%", pos)
        if percent < 0:
            out.append(fmt[pos:])
            break
        out.append(fmt[pos:percent])
        pos = _conversion(time, fmt, percent, out)
        if pos > size:
            raise ValueError(f"invalid format: {fmt}")
    return "".join(out)


def _conversion(time: RubyTime, fmt: str, start: int, out: list[str]) -> int:
    """Write the conversion starting at ``fmt[start] == "%"``; return where to go on."""
    year, month, day, hour, minute, second, wday, yday = time._fields
    size = len(fmt)
    precision, flags, padding, colons = -1, 0, "", 0
    pos = start
    while True:
        pos += 1
        if pos >= size:
            out.append(fmt[start:])
            return pos + 1  # ran off the end: Ruby's "invalid format"
        code = fmt[pos]
        if code in "-^#_" and precision > 0:
            break  # a flag after a width: unknown
        if code == "-":
            flags |= _LEFT
            padding, precision = "", 0
        elif code == "^":
            flags |= _UPPER
        elif code == "#":
            flags |= _CHCASE
        elif code == "_":
            padding = " "
        elif code.isdigit() and code.isascii():
            if code == "0":
                padding = "0"
            end = pos
            while end < size and fmt[end].isdigit() and fmt[end].isascii():
                end += 1
            precision = int(fmt[pos:end])
            pos = end - 1
        elif code == ":":
            count = 1
            while pos + count < size and fmt[pos + count] == ":" and count < 4:
                count += 1
            if pos + count >= size or fmt[pos + count] != "z" or count > 3:
                break
            colons = count
            pos += count - 1
        elif code in "EO" and pos + 1 < size and fmt[pos + 1] in _MODIFIED[code]:
            pass  # POSIX locale modifiers, ignored
        else:
            text = _convert(
                time,
                code,
                precision,
                flags,
                padding,
                colons,
                fields=(year, month, day, hour, minute, second, wday, yday),
            )
            if text is not None:
                out.append(text)
                return pos + 1
            break
    out.append(fmt[start : pos + 1])  # unknown: written as it stands
    return pos + 1


def _convert(
    time: RubyTime,
    code: str,
    precision: int,
    flags: int,
    padding: str,
    colons: int,
    *,
    fields: tuple[int, int, int, int, int, int, int, int],
) -> str | None:
    year, month, day, hour, minute, second, wday, yday = fields

    def num(value: int, def_pad: str, def_prec: int) -> str:
        return _number(value, def_pad, def_prec, precision, padding, flags)

    def text(value: str, case_flags: int = flags) -> str:
        return _case(_pad(value, precision, padding, case_flags), case_flags)

    if colons and code != "z":
        return None
    if code == "%":
        return _pad("%", precision, padding, flags)
    if code in "aAbBh":
        if flags & _CHCASE:
            flags = (flags & ~(_LOWER | _CHCASE)) | _UPPER
        name = _DAYS[wday] if code in "aA" else _MONTHS[month - 1]
        return text(name if code in "AB" else name[:3], flags)
    if code in "pP":
        if (code == "p" and flags & _CHCASE) or (code == "P" and not flags & (_CHCASE | _UPPER)):
            flags = (flags & ~(_UPPER | _CHCASE)) | _LOWER
        return text("AM" if hour < 12 else "PM", flags)
    if code == "Z":
        if flags & _CHCASE:
            flags = (flags & ~(_UPPER | _CHCASE)) | _LOWER
        zone = "UTC" if time.utc else time.zone
        return text(zone, flags) if zone else ""
    if code in _COMPOSITE:
        inner = strftime(time, _COMPOSITE[code])
        inner = _case(inner, flags)
        return (
            (padding or " ") * (precision - len(inner)) + inner if precision > len(inner) else inner
        )
    if code == "n" or code == "t":
        return _pad("\n" if code == "n" else "\t", precision, padding, flags)
    numbers = {
        "d": (day, "0", 2),
        "e": (day, " ", 2),
        "H": (hour, "0", 2),
        "k": (hour, " ", 2),
        "I": ((hour - 1) % 12 + 1, "0", 2),
        "l": ((hour - 1) % 12 + 1, " ", 2),
        "j": (yday, "0", 3),
        "m": (month, "0", 2),
        "M": (minute, "0", 2),
        "S": (second, "0", 2),
        "w": (wday, "0", 1),
        "u": (wday or 7, "0", 1),
        "y": (year % 100, "0", 2),
        "C": (year // 100, "0", 2),
        "s": (time.seconds, "0", 1),
    }
    if code in numbers:
        value, def_pad, def_prec = numbers[code]
        return num(value, def_pad, def_prec)
    if code == "Y":
        return num(year, "0", 4 if year >= 0 else 5)
    if code in "UW":
        return num(_week(yday, wday, code == "W"), "0", 2)
    if code in "VGg":
        week = _iso_week(year, month, day, yday, wday)
        if code == "V":
            return num(week, "0", 2)
        iso_year = (
            year + 1
            if month == 12 and week == 1
            else year - 1
            if month == 1 and week >= 52
            else year
        )
        if code == "G":
            return num(iso_year, "0", 4 if iso_year >= 0 else 5)
        return num(iso_year % 100, "0", 2)
    if code in "LN":
        digits = precision if precision > 0 else (3 if code == "L" else 9)
        nanos = f"{time.nanos:09d}"
        return nanos[:digits] if digits <= 9 else nanos + "0" * (digits - 9)
    if code == "z":  # a UTC time with the "-" flag is "-0000": offset unknown
        negative = time.utc and bool(flags & _LEFT)
        return _offset(0 if time.utc else time.offset, precision, padding, colons, negative)
    return None


def _offset(offset: int, precision: int, padding: str, colons: int, negative: bool) -> str:
    """``%z`` and its colon forms."""
    sign = -1 if offset < 0 or negative else 1
    off = abs(offset)
    if colons == 0:
        precision = 2 if precision <= 5 else precision - 3
    elif colons == 1:
        precision = 2 if precision <= 6 else precision - 4
    elif colons == 2 or off % 60:
        precision = 2 if precision <= 9 else precision - 7
    elif off % 3600:
        precision = 2 if precision <= 6 else precision - 4
    else:
        precision = 2 if precision <= 3 else precision - 1
    hours = sign * (off // 3600)
    if padding == " ":
        head = f"{'+' if hours >= 0 else '-'}{abs(hours)}".rjust(precision + 1)
        if sign < 0 and off < 3600:
            head = head[:-2] + "-" + head[-1:]
    else:
        head = f"{'+' if hours >= 0 else '-'}{abs(hours):0{precision}d}"
        if sign < 0 and off < 3600:
            head = "-" + head[1:]
    parts = [head]
    off %= 3600
    if colons == 3 and off == 0:
        return head
    parts.append(":" if colons >= 1 else "")
    parts.append(f"{off // 60:02d}")
    off %= 60
    if colons == 3 and off == 0:
        return "".join(parts)
    if colons >= 2:
        parts.append(f":{off:02d}")
    return "".join(parts)
