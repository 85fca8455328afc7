"""JavaScript's ``Date`` as V8 implements it: time values, local time, string parsing.

A time value is milliseconds since 1970-01-01T00:00:00Z as a float (``NaN`` for an
invalid date), within ±8.64e15 (ECMA-262 21.4.1). Calendar arithmetic follows the
specification (``MakeDay``, ``MakeTime``, ``MakeDate``, ``TimeClip``) for any year;
local time is the render's zone (LiquidJS's process zone), read from the IANA database,
where a wall time in a gap or overlap resolves as V8 resolves it (the earlier offset).
Strings are read by :mod:`.dateparser` (V8's date parser).
"""

from __future__ import annotations

import datetime as dt
import math

from composer.liquid.latest.icuzones import ICU_NAMES

__all__ = [
    "MAX_TIME",
    "MS_PER_DAY",
    "fields",
    "local_offset_ms",
    "local_to_utc",
    "make_date",
    "make_day",
    "make_time",
    "time_clip",
    "zone_name",
]

from composer.liquid.calendar import civil_from_days, days_from_civil

MS_PER_DAY = 86_400_000
MAX_TIME = 8.64e15
"""The largest time value (ms) a date may have."""
_PY_MIN = -62_135_596_800_000.0  # 0001-01-01T00:00:00Z
_PY_MAX = 253_402_300_799_000.0  # 9999-12-31T23:59:59Z


def make_day(year: float, month: float, date: float) -> float:
    """ECMA-262 ``MakeDay`` (month 0-based)."""
    if not (math.isfinite(year) and math.isfinite(month) and math.isfinite(date)):
        return math.nan
    y, m = int(year), int(month)
    ym = y + m // 12
    if abs(ym) > 400_000:
        return math.nan
    return float(days_from_civil(ym, m % 12 + 1, 1)) + int(date) - 1


def make_time(hour: float, minute: float, second: float, ms: float) -> float:
    """ECMA-262 ``MakeTime``."""
    if not all(math.isfinite(x) for x in (hour, minute, second, ms)):
        return math.nan
    return int(hour) * 3_600_000.0 + int(minute) * 60_000.0 + int(second) * 1000.0 + int(ms)


def make_date(day: float, time: float) -> float:
    """ECMA-262 ``MakeDate``."""
    if not (math.isfinite(day) and math.isfinite(time)):
        return math.nan
    return day * MS_PER_DAY + time


def time_clip(time: float) -> float:
    """ECMA-262 ``TimeClip``: NaN beyond ±8.64e15 ms, else whole milliseconds."""
    if not math.isfinite(time) or abs(time) > MAX_TIME:
        return math.nan
    return float(math.trunc(time)) + 0.0


def zone_name(zone: dt.tzinfo) -> str:
    """The zone's name as ``Intl`` reports the process zone (ICU's canonical name)."""
    key = getattr(zone, "key", None)
    if not isinstance(key, str):
        return "UTC"
    return ICU_NAMES.get(key, key)


def local_offset_ms(time: float, zone: dt.tzinfo) -> float:
    """The offset from UTC (ms, east positive) of ``zone`` at the instant ``time``."""
    if zone is dt.UTC or not math.isfinite(time):
        return 0.0
    clamped = min(max(time, _PY_MIN + MS_PER_DAY), _PY_MAX - MS_PER_DAY)
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=clamped)
    offset = moment.astimezone(zone).utcoffset()
    return offset.total_seconds() * 1000 if offset is not None else 0.0


def local_to_utc(local: float, zone: dt.tzinfo) -> float:
    """The instant a wall time (ms as if UTC) in ``zone`` names (the earlier offset)."""
    if zone is dt.UTC or not math.isfinite(local):
        return local
    clamped = min(max(local, _PY_MIN + MS_PER_DAY), _PY_MAX - MS_PER_DAY)
    wall = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=clamped)
    offset = wall.replace(tzinfo=zone, fold=0).utcoffset()
    return local - (offset.total_seconds() * 1000 if offset is not None else 0.0)


def fields(time: float) -> tuple[int, int, int, int, int, int, int, int]:
    """(year, month 0-11, date, hours, minutes, seconds, ms, weekday 0=Sunday) of a
    finite time value read as UTC."""
    days, ms_of_day = divmod(int(time), MS_PER_DAY)
    year, month, date = civil_from_days(days)
    hours, rest = divmod(ms_of_day, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, ms = divmod(rest, 1000)
    return year, month - 1, date, hours, minutes, seconds, ms, (days + 4) % 7
