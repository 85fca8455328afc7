"""Customer.io's date filters: moving a timestamp, legacy's ``timezone``, Jekyll's date text.

From Customer.io's "Liquid syntax list" (docs.customer.io/messaging/liquid/tag-list,
"Timestamps and Dates"), its time-zone page (docs.customer.io/journeys/timezone-match,
"localizing time in emails") and the "Liquid upgrade" page:

* ``add_day``, ``add_month``, ``add_year``, ``subtract_day``, ``subtract_month``,
  ``subtract_year`` (both versions): ``{{ 1483272000 | add_day: 5 | date: '%Y-%m-%d' }}``
  → ``2017-01-06``. To move 'now', the docs convert it first: ``{{ 'now' | date: '%s' |
  plus: 0 | add_day: 1 }}``, so the filters take a Unix timestamp **as a number** and give
  one back (an integer for an integer). Text is refused with that hint rather than
  guessed at. Timestamps are in UTC (the docs: "Unix timestamps and 'now' default to
  UTC"); a month or year added to the 31st lands on the month's last day (Rails'
  ``advance``). A time from legacy's ``timezone`` moves on its own zone's calendar and
  stays a time.
* ``timezone: zone`` (legacy only; latest deprecates it for ``date``'s second argument):
  ``{{ 1483272000 | timezone: 'America/New_York' | date: '%H:%M %A %b %d, %Y' }}`` →
  ``07:00 Sunday Jan 01, 2017``. Written as Rails' ``in_time_zone``: the zone is an IANA
  name, a Rails name (``Eastern Time (US & Canada)``, :mod:`composer.liquid.cio.zones`),
  the time-zone page's "detailed" form (``(GMT-10:00) Hawaii``) or an offset in hours
  (the upgrade page: "numeric offsets in hours" in legacy), which Rails reads as the
  first zone with that standard offset. The result is a time in that zone (a
  ``datetime``; the legacy engine writes it as ``2017-01-01 07:00:00 -0500`` and ``date``
  formats it), read from a timestamp (a number or digits), a time, 'now', or an ISO 8601
  text (a text without an offset is read in the target zone, as ``String#in_time_zone``).
* ``date_to_xmlschema``, ``date_to_rfc822``, ``date_to_string``, ``date_to_long_string``
  (latest has them from LiquidJS; legacy gains them as Jekyll writes them):
  ``{{ 1483272000 | date_to_xmlschema }}`` → ``2017-01-01T12:00:00+00:00``;
  ``date_to_string: "ordinal", "US"`` → ``Jan 1st, 2017``. Times are shown in the
  render's zone (Ruby's local zone).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from composer.liquid.calendar import MONTH_NAMES
from composer.liquid.cio.api import Call
from composer.liquid.cio.values import arg_count, describe, is_number, number_arg, whole_arg
from composer.liquid.cio.zones import RAILS_ZONES

__all__ = ["LATEST_DATE_FILTERS", "LEGACY_DATE_FILTERS", "rails_zone"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_DETAILED = re.compile(r"\(GMT[+-]\d\d:\d\d\)\s*(.+)")
_DIGITS = re.compile(r"\d+")
_NUMERIC = re.compile(r"\s*[+-]?\d+(?:\.\d+)?\s*")
_BY_NAME = {name: iana for name, iana, _ in RAILS_ZONES}
_UTC_NAMES = frozenset(
    {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"}
)
_RANGE_ERROR = "the result is outside the years 1 to 9999"
_MONTHS = MONTH_NAMES
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _number_moment(call: Call, number: int | float) -> dt.datetime:
    try:
        return _EPOCH + dt.timedelta(seconds=number)
    except (OverflowError, ValueError):
        raise ValueError(
            f"the filter '{call.name}' got the timestamp {number}, {_RANGE_ERROR}"
        ) from None


def _as_timestamp(moment: dt.datetime, integral: bool) -> int | float:
    delta = moment - _EPOCH
    if integral and not delta.microseconds:
        return delta.days * 86400 + delta.seconds
    return delta.total_seconds()


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    total = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise OverflowError(_RANGE_ERROR)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _shift(unit: str, sign: int) -> Callable[..., object]:
    def shift(call: Call, value: object, *args: object) -> object:
        arg_count(call, args, 1, 1, f"one argument, the number of {unit}s")
        if call.is_nil(value):
            return None
        if unit == "day":
            amount: int | float = number_arg(call, args[0], "its number of days")  # type: ignore[assignment]
            amount = float(amount) if not isinstance(amount, int) else amount
        else:
            amount = whole_arg(call, args[0], f"its number of {unit}s", low=-120_000, high=120_000)
        amount *= sign
        if isinstance(value, dt.datetime):
            moment, integral = value, False
        elif is_number(value) and not (isinstance(value, float) and not math.isfinite(value)):
            number = value if isinstance(value, int) else float(value)  # type: ignore[arg-type]
            moment, integral = _number_moment(call, number), isinstance(number, int)
        else:
            raise ValueError(
                f"the filter '{call.name}' got {describe(value)}; "
                "it takes a Unix timestamp as a number "
                "(for a date or 'now', write | date: '%s' | plus: 0 before it)"
            )
        try:
            if unit == "day":
                moved = moment + dt.timedelta(days=amount)
            else:
                moved = _add_months(moment, int(amount) * (12 if unit == "year" else 1))
        except (OverflowError, ValueError):
            raise ValueError(f"the filter '{call.name}': {_RANGE_ERROR}") from None
        if isinstance(value, dt.datetime):
            # Through UTC and back: a wall time a DST change skipped (02:30 on the spring
            # day) becomes the time ActiveSupport gives (03:30 summer time).
            return moved.astimezone(dt.UTC).astimezone(moved.tzinfo) if moved.tzinfo else moved
        result = _as_timestamp(moved, integral and isinstance(amount, int))
        return result

    return shift


@functools.lru_cache(maxsize=256)
def _zone_named(name: str) -> dt.tzinfo | None:
    iana = _BY_NAME.get(name, name)
    if iana in _UTC_NAMES:
        return dt.UTC
    try:
        return ZoneInfo(iana)
    except (KeyError, ValueError, OSError):
        return None


def rails_zone(zone: object) -> dt.tzinfo | None:
    """ActiveSupport's ``Time.find_zone``: a zone by IANA or Rails name, or by hours; else None."""
    if isinstance(zone, str) and _NUMERIC.fullmatch(zone):
        zone = float(zone)
    if isinstance(zone, int | float) and not isinstance(zone, bool):
        if not math.isfinite(zone):
            return None
        seconds = zone * 3600 if abs(zone) <= 13 else zone
        for _, iana, offset in RAILS_ZONES:
            if offset == int(seconds):
                return _zone_named(iana)
        return None
    if not isinstance(zone, str) or not zone.strip():
        return None
    name = zone.strip()
    detailed = _DETAILED.fullmatch(name)
    return _zone_named(detailed.group(1).strip() if detailed else name)


def _parse_text(text: str, zone: dt.tzinfo) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace(" UTC", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _to_time(call: Call, value: object, zone: dt.tzinfo) -> dt.datetime | None:
    """Liquid's ``Utils.to_date``: a time, 'now'/'today', a timestamp, or a date text."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), zone)
    if isinstance(value, str):
        if value.lower() in ("now", "today"):
            return call.now().astimezone(zone)
        if _DIGITS.fullmatch(value):
            value = int(value)
        else:
            return _parse_text(value, zone)
    if is_number(value) and isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        try:
            return (_EPOCH + dt.timedelta(seconds=value)).astimezone(zone)
        except (OverflowError, ValueError):
            return None
    return None


def _timezone(call: Call, value: object, *args: object) -> object:
    arg_count(call, args, 1, 1, "one argument, a time zone")
    zone = rails_zone(args[0])
    if zone is None:
        raise ValueError(
            f"the filter '{call.name}' got {describe(args[0])} for its zone; "
            "it takes a zone name such as "
            "America/New_York or Eastern Time (US & Canada), or an offset in hours such as -5"
        )
    if call.is_nil(value) or value == "":
        return value
    moment = _to_time(call, value, zone)
    if moment is None:
        raise ValueError(
            f"the filter '{call.name}' got {describe(value)}, which is not a date or a timestamp"
        )
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        raise ValueError(f"the filter '{call.name}': {_RANGE_ERROR}") from None


def _jekyll_time(call: Call, value: object) -> dt.datetime:
    moment = _to_time(call, value, call.zone)
    if moment is None:
        raise ValueError(f"Invalid Date: {describe(value)} is not a valid datetime")
    return moment.astimezone(call.zone)


def _offset(moment: dt.datetime, colon: bool) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}{':' if colon else ''}{minutes % 60:02d}"


def _xmlschema(call: Call, value: object) -> object:
    if call.is_nil(value) or call.to_text(value) == "":
        return value
    moment = _jekyll_time(call, value)
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}" + _offset(moment, True)


def _rfc822(call: Call, value: object) -> object:
    if call.is_nil(value) or call.to_text(value) == "":
        return value
    moment = _jekyll_time(call, value)
    day, month = _DAYS[moment.weekday()], _MONTHS[moment.month - 1][:3]
    return (
        f"{day}, {moment.day:02d} {month} {moment.year} {moment:%H:%M:%S} {_offset(moment, False)}"
    )


def _ordinal(day: int) -> str:
    if 11 <= day <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _date_text(month: str) -> Callable[..., object]:
    def stringify(call: Call, value: object, *args: object) -> object:
        arg_count(call, args, 0, 2, "at most two arguments, 'ordinal' and 'US'")
        if call.is_nil(value) or call.to_text(value) == "":
            return value
        moment = _jekyll_time(call, value)
        name = _MONTHS[moment.month - 1]
        name = name[:3] if month == "%b" else name
        if args and args[0] == "ordinal":
            day = f"{moment.day}{_ordinal(moment.day)}"
            if len(args) > 1 and args[1] == "US":
                return f"{name} {day}, {moment.year}"
            return f"{day} {name} {moment.year}"
        return f"{moment.day:02d} {name} {moment.year:04d}"

    return stringify


_SHIFTS: dict[str, Callable[..., Any]] = {
    f"{verb}_{unit}": _shift(unit, sign)
    for verb, sign in (("add", 1), ("subtract", -1))
    for unit in ("day", "month", "year")
}

LEGACY_DATE_FILTERS: dict[str, Callable[..., Any]] = {
    **_SHIFTS,
    "timezone": _timezone,
    "date_to_xmlschema": _xmlschema,
    "date_to_rfc822": _rfc822,
    "date_to_string": _date_text("%b"),
    "date_to_long_string": _date_text("%B"),
}
"""The date filters Customer.io adds to legacy."""

LATEST_DATE_FILTERS: dict[str, Callable[..., Any]] = dict(_SHIFTS)
"""The date filters Customer.io adds to latest (LiquidJS has ``date`` with a zone and
the ``date_to_*`` filters)."""
