"""Ruby Liquid's ``date`` filter: ``Utils.to_date`` and ``Time#strftime``.

Part of :mod:`composer.liquid_filters` (which registers it). ``date`` follows
``Utils.to_date``: ``'now'``/``'today'``, integers and digit strings as Unix timestamps,
other strings through ``Time.parse`` (here dateutil, with Ruby's zone abbreviations),
dates and times as they are, anything else back unchanged. The render's zone (from the
render context's ``render_state``) plays Ruby's local zone, the render's ``now`` is what
``'now'`` means, and :func:`composer.rubyfmt.ruby_strftime` formats.

When the render's ``now`` is fixed (a per-person check, a delivery), the text a string
or integer dates to is cached by (value, format, zone, now): ``{{ 'now' | date: '%F' }}``
is then worked out once for ten thousand people.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from collections.abc import Callable
from typing import Any, cast

from dateutil import parser as date_parser

from composer.rubyfmt import ruby_to_s
from composer.rubytime import ruby_strftime

__all__ = ["DATE_FILTERS"]

_TIMESTAMP = re.compile(r"-?[0-9]+")
# The zone abbreviations Ruby's Date._parse knows beyond UTC/GMT/Z, in seconds east.
_ZONE_TABLE = (
    "EST=-5 EDT=-4 CST=-6 CDT=-5 MST=-7 MDT=-6 PST=-8 PDT=-7 AKST=-9 AKDT=-8 HST=-10 "
    "BST=1 CET=1 CEST=2 EET=2 EEST=3 IST=5.5 JST=9"
)
_ZONE_NAMES = {
    name: int(float(hours) * 3600) for name, hours in (p.split("=") for p in _ZONE_TABLE.split())
}


def _to_date(value: object, zone: dt.tzinfo, now: dt.datetime | None) -> dt.datetime | None:
    """``Utils.to_date`` with ``zone`` as the local time zone."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, zone)
    text = value if isinstance(value, str) else ""
    if isinstance(value, str):
        if not value:
            return None
        value = value.lower()
    if now is None:
        now = dt.datetime.now(dt.UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)  # a naive 'now' is taken as UTC
    if value in ("now", "today"):
        return now.astimezone(zone)
    try:
        if (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and _TIMESTAMP.fullmatch(value)
        ):
            return dt.datetime.fromtimestamp(int(value), zone)
        if isinstance(value, str):
            today = now.astimezone(zone)
            start = today.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = date_parser.parse(text, default=start, tzinfos=_ZONE_NAMES)
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=zone)
            offset = parsed.utcoffset()
            if offset is not None and not offset and parsed.tzname() in ("UTC", "Z", None):
                return parsed.replace(tzinfo=dt.UTC)
            return parsed.replace(tzinfo=dt.timezone(offset or dt.timedelta(0)))
    except (OverflowError, OSError, ValueError, TypeError, date_parser.ParserError):
        return None
    return None


@functools.lru_cache(maxsize=256)
def _formatted(
    value: str | int, fmt: str, zone: dt.tzinfo, utc: bool, now: dt.datetime
) -> str | None:
    """A text or integer dated and formatted, for a fixed ``now`` (``utc``: zone is dt.UTC).

    ``utc`` is part of the key because ``dt.UTC`` equals any zero-offset zone while
    ``%Z`` writes its name only.
    """
    moment = _to_date(value, zone, now)
    return None if moment is None else ruby_strftime(moment, fmt)


def _date(value: object, fmt: object, *, context: Any) -> object:
    text = ruby_to_s(fmt)
    if not text:
        return value
    state = getattr(context, "render_state", None)
    zone = state.zone if state is not None else dt.UTC
    now = state.now if state is not None else None
    if now is not None and type(value) in (str, int):
        # With 'now' fixed the result depends on nothing else: renderings for many
        # people (and a retried delivery) reuse it.
        found = _formatted(cast("str | int", value), text, zone, zone is dt.UTC, now)
        return value if found is None else found
    moment = _to_date(value, zone, now)
    return value if moment is None else ruby_strftime(moment, text)


_date.with_context = True  # type: ignore[attr-defined]

DATE_FILTERS: dict[str, Callable[..., Any]] = {"date": _date}
"""The ``date`` filter (it reads the render's zone and 'now' from its context)."""
