"""The ``date`` filter of ``lib/liquid/standardfilters.rb``, with Ruby's ``Time.parse``
(``lib/time.rb`` of Ruby 3.1: ``make_time``, ``zone_offset``, ``force_zone!``).

2.5.3's filter::

    return input.to_s if format.to_s.empty?
    if ((input.is_a?(String) && !/^\\d+$/.match(input.to_s).nil?) ||
        input.is_a?(Integer)) && input.to_i > 0
      input = Time.at(input.to_i)
    end
    date = input.is_a?(String) ? Time.parse(input) : input
    date.respond_to?(:strftime) ? date.strftime(format.to_s) : input
    rescue => e
    input

So a positive number (or a text whose line is all digits) is a Unix time, any other
text goes through ``Time.parse`` (fields it lacks come from the current time, in the
local zone), anything else — a negative number, a float, nil — comes back unchanged,
as does a text ``Time.parse`` refuses (``'-1'``, a text longer than 128 bytes).

One deliberate difference (:data:`~composer.liquid.legacy.differences.KEPT_DIFFERENCES`):
``'now'`` and ``'today'`` are the current time, as Customer.io documents them
(``{{ 'now' | date: '%Y-%m-%d' }}``); 2.5.3 would return them unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from typing import TYPE_CHECKING

from composer.liquid.calendar import days_from_civil, is_leap
from composer.liquid.legacy.dateparse import date_parse
from composer.liquid.legacy.ruby import RubyError, inspect_str, str_to_i, to_s
from composer.liquid.legacy.rubytime import RubyTime, at_offset, local_time, strftime

if TYPE_CHECKING:
    from composer.liquid.legacy.context import Context

__all__ = ["date", "now_time", "time_parse"]

_ALL_DIGITS_LINE = re.compile(r"^[0-9]+$", re.MULTILINE)
_NUMERIC_ZONE = re.compile(r"([+-])([0-9][0-9])(:?)([0-9][0-9])(?:\3([0-9][0-9]))?")
_ZONE_OFFSET = {
    "UTC": 0, "Z": 0, "UT": 0, "GMT": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "I": 9, "K": 10, "L": 11,
    "M": 12, "N": -1, "O": -2, "P": -3, "Q": -4, "R": -5, "S": -6, "T": -7, "U": -8, "V": -9,
    "W": -10, "X": -11, "Y": -12,
}  # fmt: skip
_UTC_ZONES = re.compile(r"-00:00|-0000|-00|UTC|Z|UT", re.IGNORECASE)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def now_time(ctx: Context) -> RubyTime:
    """``Time.now`` in the local zone (the render's ``now`` when it is fixed)."""
    moment = ctx.state.now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    seconds = int(moment.timestamp() // 1)
    return local_time(ctx.state.zone, seconds, moment.microsecond * 1000)


def _month_days(year: int, month: int) -> int | None:
    if not 1 <= month <= 12:
        return None
    return 29 if month == 2 and is_leap(year) else _MONTH_DAYS[month - 1]


def _zone_offset(zone: str, year: int, local: dt.tzinfo) -> int | None:
    """``Time.zone_offset``: seconds east of UTC that a zone text names, or None."""
    zone = zone.upper()
    match = _NUMERIC_ZONE.fullmatch(zone)
    if match:
        sign = -1 if match[1] == "-" else 1
        return sign * ((int(match[2]) * 60 + int(match[4])) * 60 + int(match[5] or 0))
    if re.fullmatch(r"[+-][0-9][0-9]", zone):
        return int(zone) * 3600
    if zone in _ZONE_OFFSET:
        return _ZONE_OFFSET[zone] * 3600
    for month in (1, 7):
        probe = _local(local, year, month, 1, 0, 0, 0, 0)
        if (probe.zone or "").upper() == zone:
            return probe.offset
    return None


def _check(year: int, mon: int, day: int, hour: int, minute: int, sec: int) -> None:
    """``Time.utc``/``Time.local``'s argument checks (ArgumentError, rescued by ``date``)."""
    if not 1 <= mon <= 12:
        raise ValueError("mon out of range")
    if not 1 <= day <= 31:
        raise ValueError("mday out of range")
    if not 0 <= hour <= 24 or not 0 <= minute <= 59 or not 0 <= sec <= 60:
        raise ValueError("argument out of range")
    if hour == 24 and (minute or sec):
        raise ValueError("min out of range")


def _wall(year: int, mon: int, day: int, hour: int, minute: int, sec: int) -> int:
    return (days_from_civil(year, mon, 1) + day - 1) * 86400 + hour * 3600 + minute * 60 + sec


def _utc(year: int, mon: int, day: int, hour: int, minute: int, sec: int, nanos: int) -> RubyTime:
    _check(year, mon, day, hour, minute, sec)
    return RubyTime(_wall(year, mon, day, hour, minute, sec), nanos, 0, "UTC", utc=True)


def _local(
    zone: dt.tzinfo, year: int, mon: int, day: int, hour: int, minute: int, sec: int, nanos: int
) -> RubyTime:
    """``Time.local``: a wall time in the local zone."""
    _check(year, mon, day, hour, minute, sec)
    wall = _wall(year, mon, day, hour, minute, sec)
    if zone is dt.UTC:
        return RubyTime(wall, nanos, 0, "UTC")
    probe = local_time(zone, wall)  # the offset near that wall time
    guess = wall - probe.offset
    settled = local_time(zone, guess)
    if settled.offset != probe.offset:
        guess = wall - settled.offset
    return local_time(zone, guess, nanos)


def _apply_offset(
    year: int, mon: int, day: int, hour: int, minute: int, sec: int, off: int
) -> tuple[int, int, int, int, int, int]:
    """``Time.apply_offset``: wall fields at ``off`` turned into UTC fields."""
    if off < 0:
        off = -off
        off, o = divmod(off, 60)
        if o:
            sec += o
            o, sec = divmod(sec, 60)
            off += o
        off, o = divmod(off, 60)
        if o:
            minute += o
            o, minute = divmod(minute, 60)
            off += o
        off, o = divmod(off, 24)
        if o:
            hour += o
            o, hour = divmod(hour, 24)
            off += o
        if off:
            day += off
            days = _month_days(year, mon)
            if days and days < day:
                mon += 1
                if mon > 12:
                    mon, year = 1, year + 1
                day = 1
    elif off > 0:
        off, o = divmod(off, 60)
        if o:
            sec -= o
            o, sec = divmod(sec, 60)
            off -= o
        off, o = divmod(off, 60)
        if o:
            minute -= o
            o, minute = divmod(minute, 60)
            off -= o
        off, o = divmod(off, 24)
        if o:
            hour -= o
            o, hour = divmod(hour, 24)
            off -= o
        if off:
            day -= off
            if day < 1:
                mon -= 1
                if mon < 1:
                    year, mon = year - 1, 12
                day = _month_days(year, mon) or 31
    return year, mon, day, hour, minute, sec


def time_parse(text: str, now: RubyTime, zone: dt.tzinfo) -> RubyTime:
    """``Time.parse(text)``; ValueError where Ruby raises."""
    fields = date_parse(text)
    return _make_time(
        text,
        fields.get("year"),  # type: ignore[arg-type]
        fields.get("yday"),  # type: ignore[arg-type]
        fields.get("mon"),  # type: ignore[arg-type]
        fields.get("mday"),  # type: ignore[arg-type]
        fields.get("hour"),  # type: ignore[arg-type]
        fields.get("min"),  # type: ignore[arg-type]
        fields.get("sec"),  # type: ignore[arg-type]
        fields.get("sec_fraction"),  # type: ignore[arg-type]
        fields.get("zone"),  # type: ignore[arg-type]
        now,
        zone,
    )


def _make_time(
    text: str,
    year: int | None,
    yday: int | None,
    mon: int | None,
    day: int | None,
    hour: int | None,
    minute: int | None,
    sec: int | None,
    fraction: Fraction | None,
    zone_text: str | None,
    now: RubyTime,
    local: dt.tzinfo,
) -> RubyTime:
    """``Time.make_time``."""
    given = (year, yday, mon, day, hour, minute, sec, fraction)
    if all(field is None for field in given):
        raise ValueError(f"no time information in {inspect_str(text)}")
    off_year = year if year is not None else now.year
    off = _zone_offset(zone_text, off_year, local) if zone_text else None
    if yday is not None:
        if not 1 <= yday <= 366:
            raise ValueError(f"yday {yday} out of range")
        mon, day = divmod(yday - 1, 31)
        mon, day = mon + 1, day + 1
        first = _make_time(
            text, year, None, mon, day, hour, minute, sec, fraction, zone_text, now, local
        )
        diff = yday - first.yday
        if diff == 0:
            return first
        day += diff
        month_days = _month_days(off_year, mon) or 31
        if day > 28 and day > month_days:
            mon += 1
            if mon > 12:
                raise ValueError(f"yday {yday} out of range")
            day -= month_days
        return _make_time(
            text, year, None, mon, day, hour, minute, sec, fraction, zone_text, now, local
        )
    if off is not None:
        if now.offset != off:
            now = at_offset(now, off)
    else:
        now = local_time(local, now.seconds, now.nanos)
    nanos = int(fraction * 1_000_000_000) if fraction is not None else None
    filled = [year, mon, day, hour, minute, sec]
    from_now = [now.year, now.month, now.day, *_clock(now)]
    for i, value in enumerate(filled):
        if value is not None:
            break
        filled[i] = from_now[i]
    else:
        if fraction is None:
            nanos = now.nanos // 1000 * 1000  # usec = now.tv_usec
    year, mon, day, hour, minute, sec = (
        value if value is not None else default
        for value, default in zip(filled, (1970, 1, 1, 0, 0, 0), strict=True)
    )
    nanos = nanos or 0
    if year != off_year:
        off = _zone_offset(zone_text, year, local) if zone_text else None
    if off is None:
        return _local(local, year, mon, day, hour, minute, sec, nanos)
    year, mon, day, hour, minute, sec = _apply_offset(year, mon, day, hour, minute, sec, off)
    moment = _utc(year, mon, day, hour, minute, sec, nanos)
    if zone_text and _UTC_ZONES.fullmatch(zone_text):
        return moment
    seen = local_time(local, moment.seconds, moment.nanos)
    return seen if seen.offset == off else at_offset(moment, off)


def _clock(time: RubyTime) -> tuple[int, int, int]:
    rest = (time.seconds + time.offset) % 86400
    return rest // 3600, rest // 60 % 60, rest % 60


def date(ctx: Context, value: object, fmt: object) -> object:
    """``date``: format a Unix time or a date text with Ruby's ``strftime``."""
    fmt_text = to_s(fmt)
    if not fmt_text:
        return to_s(value)
    given = value  # Ruby's `input`, which becomes the Time of a Unix time
    try:
        if (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and _ALL_DIGITS_LINE.search(value)
        ):
            seconds = value if isinstance(value, int) else str_to_i(value)
            if seconds > 0:
                given = value = local_time(ctx.state.zone, seconds)
        if isinstance(value, dt.datetime):
            value = _from_datetime(value)
        if isinstance(value, str):
            if value.lower() in ("now", "today"):  # Customer.io's documented 'now'
                value = now_time(ctx)
            else:
                value = time_parse(value, now_time(ctx), ctx.state.zone)
        if isinstance(value, RubyTime):
            return strftime(value, fmt_text)
        return given
    except (ValueError, RubyError, ArithmeticError):
        return given


def _from_datetime(moment: dt.datetime) -> RubyTime:
    """A Python time (from a Customer.io filter) as a Ruby ``Time``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    delta = moment.utcoffset() or dt.timedelta(0)
    seconds = int(moment.timestamp() // 1)
    return RubyTime(seconds, moment.microsecond * 1000, int(delta.total_seconds()), moment.tzname())
