"""LiquidJS's ``LiquidDate`` (``src/util/liquid-date.ts``) and the ``date`` filters' input.

A :class:`LiquidDate` is an instant and the offset it is shown in: the process zone
(here the render's zone), or the ``date`` filter's second argument, either a number of
minutes in JavaScript's sign convention (``60`` shows UTC-1, as LiquidJS does) or an
IANA zone name (``America/New_York``; any letter case, as ``Intl`` accepts; an unknown
name fails with ``RangeError: Invalid time zone specified``). As in LiquidJS, a zone's
offset is found by writing the instant's wall time in that zone and in UTC to the
second and reading both back as local times, so historical offsets with seconds show
as fractional minutes (``+0553.46666666666664``).

:func:`parse_date` is LiquidJS's ``parseDate``: ``'now'`` and ``'today'`` are the
render's 'now'; a number is seconds since the epoch, as is a string of digits; other
text goes through ``new Date(text)`` (:func:`~.dateparser.parse`); nil or an invalid date
gives None, and the filter returns its input unchanged.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import zoneinfo
from typing import TYPE_CHECKING

from composer.liquid.latest import dateparser, jsdate
from composer.liquid.latest.jsnumber import string_to_number
from composer.liquid.latest.jsstring import JsError
from composer.liquid.latest.jsvalues import UNDEFINED, is_nil, js_number, to_primitive, to_value

if TYPE_CHECKING:
    from composer.liquid.state import RenderState

__all__ = ["LiquidDate", "parse_date", "zone_for"]

_DIGITS = frozenset("0123456789")
_NOT_IN_ICU = frozenset({"Factory", "localtime", "posixrules"})


@functools.lru_cache(maxsize=1)
def _zone_keys() -> dict[str, str]:
    return {key.lower(): key for key in zoneinfo.available_timezones()}


@functools.lru_cache(maxsize=512)
def zone_for(name: str) -> dt.tzinfo:
    """The zone ``Intl`` would accept for ``name`` (any case); RangeError otherwise."""
    key = _zone_keys().get(name.lower()) if name and "\0" not in name else None
    if key is None or key in _NOT_IN_ICU:
        raise JsError(
            "RangeError",
            f"Invalid time zone specified: {name}",
            f"got {name!r} for its time zone, which is neither a zone name (such as "
            "America/New_York) nor a number of minutes",
        )
    if key == "UTC":
        return dt.UTC
    return zoneinfo.ZoneInfo(key)


def _js_date(value: object, zone: dt.tzinfo) -> float:
    """``new Date(value)``'s time value."""
    if type(value) is str:
        return jsdate.time_clip(dateparser.parse(value, zone))
    if type(value) is float or type(value) is int:
        return jsdate.time_clip(float(value))
    primitive = to_primitive(value)
    if type(primitive) is str:
        return jsdate.time_clip(dateparser.parse(primitive, zone))
    return jsdate.time_clip(js_number(primitive))


def _offset_minutes(time: float, zone: dt.tzinfo) -> float:
    """``Date#getTimezoneOffset`` in the process zone (minutes, west positive)."""
    if time != time:
        return math.nan
    return -jsdate.local_offset_ms(time, zone) / 60000


def _zone_offset(name: str, time: float, process: dt.tzinfo) -> float:
    """``LiquidDate.getTimezoneOffset(name, date)``, as LiquidJS computes it."""
    if time != time:
        return math.nan
    zone = zone_for(name)
    seconds = math.floor(time / 1000) * 1000.0
    wall = seconds + jsdate.local_offset_ms(time, zone)
    utc = jsdate.local_to_utc(seconds, process)
    local = jsdate.local_to_utc(wall, process)
    return (utc - local) / 60000


class LiquidDate:
    """An instant shown in an offset, with the getters ``strftime`` reads."""

    __slots__ = ("fields", "fixed", "name", "offset", "time", "zone")

    def __init__(self, time: float, zone: dt.tzinfo, timezone: object = UNDEFINED) -> None:
        self.time = time
        """The instant (ms since the epoch; NaN when invalid)."""
        self.zone = zone
        """The process zone (the render's zone)."""
        self.fixed = timezone is not UNDEFINED
        """Whether a zone or offset was given."""
        process = _offset_minutes(time, zone)
        given: object = process if timezone is UNDEFINED else timezone
        self.name = given if type(given) is str else ""
        """The zone name given, or ''."""
        self.offset: object = _zone_offset(given, time, zone) if type(given) is str else given
        """Minutes west of UTC (JavaScript's ``getTimezoneOffset``)."""
        display = jsdate.time_clip(time + (process - js_number(self.offset)) * 60000)
        self.fields = None
        if display == display:
            self.fields = jsdate.fields(display + jsdate.local_offset_ms(display, zone))

    def valid(self) -> bool:
        """Whether the shown date is a date."""
        return self.fields is not None

    def zone_label(self) -> str:
        """``getTimeZoneName()``: the name given, or the process zone's."""
        return self.name if self.fixed else jsdate.zone_name(self.zone)


def _now_ms(state: RenderState) -> float:
    now = state.now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    delta = now - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return float(delta // dt.timedelta(milliseconds=1))


def parse_date(
    value: object, state: RenderState, timezone: object = UNDEFINED
) -> LiquidDate | None:
    """LiquidJS's ``parseDate``: the date a filter's input names, or None."""
    zone = state.zone
    value = to_value(value)
    if timezone is None:
        timezone = UNDEFINED
    if is_nil(value):
        return None
    if value == "now" or value == "today":
        date = LiquidDate(_now_ms(state), zone, timezone)
    elif type(value) is float or type(value) is int:
        date = LiquidDate(jsdate.time_clip(float(value) * 1000), zone, timezone)
    elif type(value) is str and value and all(char in _DIGITS for char in value):
        date = LiquidDate(jsdate.time_clip(string_to_number(value) * 1000), zone, timezone)
    else:
        date = LiquidDate(_js_date(value, zone), zone, timezone)
    return date if date.valid() else None
