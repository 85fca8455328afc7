"""Date filters (``src/filters/date.ts``): ``date``, ``date_to_xmlschema``,
``date_to_rfc822``, ``date_to_string``, ``date_to_long_string``.

``date: format, zone`` reads its input with LiquidJS's ``parseDate``
(:mod:`~composer.liquid.latest.liquiddate`) and writes it with LiquidJS's
:mod:`~composer.liquid.latest.strftime`; without a format it uses LiquidJS's default
``%A, %B %-e, %Y at %-l:%M %P %z``. An input that is no date comes back unchanged.
``date_to_string`` and ``date_to_long_string`` take ``'ordinal'`` (and ``'US'``) as
Jekyll does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from composer.liquid.latest.jsvalues import UNDEFINED, is_nil, stringify, to_value
from composer.liquid.latest.liquiddate import parse_date
from composer.liquid.latest.strftime import strftime

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context

__all__ = ["DATE_FILTERS", "DEFAULT_FORMAT"]

DEFAULT_FORMAT = "%A, %B %-e, %Y at %-l:%M %P %z"
"""LiquidJS's ``dateFormat`` option's default."""


def date(ctx: Context, value: object, fmt: object = UNDEFINED, zone: object = UNDEFINED) -> object:
    """``date: format, zone``."""
    state = ctx.state
    key: tuple[object, ...] | None = None
    kind = type(value)
    if (
        (kind is str or kind is int or kind is float)
        and (fmt is UNDEFINED or fmt is None or type(fmt) is str)
        and (zone is UNDEFINED or zone is None or type(zone) is str)
        and state.now is not None
    ):
        # the type in the key keeps 1 and "1" apart; a float by its bits keeps -0.0 apart
        shown = value.hex() if kind is float else value  # type: ignore[attr-defined]
        key = (kind, shown, fmt, zone, state.zone, state.now)
        written = _WRITTEN.get(key)
        if written is not None:
            return written
    found = parse_date(value, state, zone)
    if found is None:
        return value
    fmt = to_value(fmt)
    written = strftime(found, DEFAULT_FORMAT if is_nil(fmt) else stringify(fmt))
    if key is not None:
        if len(_WRITTEN) >= _WRITTEN_SIZE:
            _WRITTEN.clear()
        _WRITTEN[key] = written
    return written


_WRITTEN: dict[tuple[object, ...], str] = {}
"""What ``date`` wrote for a text or number input, by input, format, zones and the fixed 'now'.

Writing a date is a pure function of these, and a run that renders one request for
many people with one 'now' writes ``{{ 'now' | date: … }}`` once instead of per person.
An input the clock decides (no fixed 'now') is not kept; the table is emptied when full.
"""
_WRITTEN_SIZE = 512


def date_to_xmlschema(ctx: Context, value: object) -> object:
    """``date_to_xmlschema``: ``2020-01-02T10:00:00+00:00``."""
    return date(ctx, value, "%Y-%m-%dT%H:%M:%S%:z")


def date_to_rfc822(ctx: Context, value: object) -> object:
    """``date_to_rfc822``: ``Thu, 02 Jan 2020 10:00:00 +0000``."""
    found = parse_date(value, ctx.state)
    return value if found is None else strftime(found, "%a, %d %b %Y %H:%M:%S %z")


def _stringify_date(ctx: Context, value: object, month: str, kind: object, style: object) -> object:
    found = parse_date(value, ctx.state)
    if found is None:
        return value
    if kind == "ordinal":
        day = found.fields[2]  # type: ignore[index]
        if style == "US":
            return strftime(found, f"{month} {day}%q, %Y")
        return strftime(found, f"{day}%q {month} %Y")
    return strftime(found, f"%d {month} %Y")


def date_to_string(
    ctx: Context, value: object, kind: object = UNDEFINED, style: object = UNDEFINED
) -> object:
    """``date_to_string``: ``02 Jan 2020`` (``'ordinal'``: ``2nd Jan 2020``)."""
    return _stringify_date(ctx, value, "%b", kind, style)


def date_to_long_string(
    ctx: Context, value: object, kind: object = UNDEFINED, style: object = UNDEFINED
) -> object:
    """``date_to_long_string``: ``02 January 2020``."""
    return _stringify_date(ctx, value, "%B", kind, style)


DATE_FILTERS: dict[str, Any] = {
    "date": date,
    "date_to_xmlschema": date_to_xmlschema,
    "date_to_rfc822": date_to_rfc822,
    "date_to_string": date_to_string,
    "date_to_long_string": date_to_long_string,
}
"""These filters by name."""
