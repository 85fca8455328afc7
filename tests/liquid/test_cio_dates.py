"""Customer.io's date filters: ``add_*``/``subtract_*``, legacy's ``timezone``, ``date_to_*``.

Legacy's ``timezone`` is Rails' ``in_time_zone`` and ``add_month``/``add_year`` are
Rails' ``advance``, so both are compared with real ActiveSupport (skipped without Ruby,
failed in CI). Legacy's ``date_to_*`` are Jekyll's, which LiquidJS copies: they are
compared with the LiquidJS oracle.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cio_calls import make_call, ruby_text, run_ruby

from composer.liquid.cio import filters_for
from composer.liquid.errors import RenderLimitError

BOTH = ("legacy", "latest")
JAN_31 = int(dt.datetime(2020, 1, 31, 10, 30, tzinfo=dt.UTC).timestamp())
LEAP_DAY = int(dt.datetime(2020, 2, 29, 23, 59, 59, tzinfo=dt.UTC).timestamp())
STAMPS = [1483272000, JAN_31, LEAP_DAY, 1710054000, 0, 1700000000]


def _run(version: str, name: str, value: object, *args: object) -> Any:
    return filters_for(version)[name](make_call(version, name), value, *args)


@pytest.mark.parametrize("version", BOTH)
def test_cio_shift_months_and_years_like_rails(version: str) -> None:
    """``add_month``/``add_year``/``subtract_*`` on timestamps equal ``Time#advance`` in UTC."""
    cases = [
        (stamp, unit, n)
        for stamp in STAMPS
        for unit in ("months", "years")
        for n in (1, -1, 13, 0, 4)
    ]
    script = "output = input.map { |s, u, n| Time.at(s).utc.advance(u.to_sym => n).to_i }"
    expected = run_ruby(script, cases)
    for (stamp, unit, n), wanted in zip(cases, expected, strict=True):
        name = f"add_{unit[:-1]}" if n >= 0 else f"subtract_{unit[:-1]}"
        assert _run(version, name, stamp, abs(n)) == wanted, (stamp, unit, n)


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(
    ("name", "value", "amount", "expected"),
    [
        ("add_day", 1483272000, 1, 1483358400),
        ("subtract_day", 1483272000, 1, 1483185600),
        ("add_day", 1483272000, -2, 1483099200),
        ("add_day", 1483272000, 1.5, 1483401600.0),
        ("add_day", 1483272000, "3", 1483531200),
        ("add_day", 1483272000.5, 1, 1483358400.5),
        ("add_month", JAN_31, 1, int(dt.datetime(2020, 2, 29, 10, 30, tzinfo=dt.UTC).timestamp())),
        (
            "add_year",
            LEAP_DAY,
            1,
            int(dt.datetime(2021, 2, 28, 23, 59, 59, tzinfo=dt.UTC).timestamp()),
        ),
        ("add_day", None, 1, None),
    ],
)
def test_cio_shift_timestamps(
    version: str, name: str, value: object, amount: object, expected: object
) -> None:
    """Timestamps move in UTC and stay timestamps (an integer for an integer)."""
    result = _run(version, name, value, amount)
    assert result == expected and type(result) is type(expected)


def test_cio_shift_a_zoned_time_keeps_its_wall_clock() -> None:
    """A time from ``timezone`` moves on its zone's calendar across a DST change, as
    ActiveSupport's ``TimeWithZone + 1.day`` does."""
    zoned = _run("legacy", "timezone", 1710054000 - 86400, "America/New_York")
    moved = _run("legacy", "add_day", zoned, 1)
    script = "output = (Time.at(input).in_time_zone('America/New_York') + 1.day).to_s"
    assert ruby_text(moved) == run_ruby(script, 1710054000 - 86400)
    assert ruby_text(_run("legacy", "add_month", zoned, 1)) == run_ruby(
        "output = Time.at(input).in_time_zone('America/New_York').advance(months: 1).to_s",
        1710054000 - 86400,
    )


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(
    ("name", "value", "args", "message"),
    [
        (
            "add_day",
            "1483272000",
            (1,),
            r"as a number \(for a date or 'now', write \| date: '%s' \| plus: 0",
        ),
        ("add_day", "now", (1,), "Unix timestamp"),
        ("add_day", [1], (1,), "Unix timestamp"),
        ("add_day", 1483272000, ("x",), "number of days"),
        ("add_day", 1483272000, (), "one argument"),
        ("add_month", 1483272000, (1.5,), "whole number"),
        ("add_year", 1483272000, (10**9,), "whole number from"),
        ("add_day", 1483272000, (10**9,), "outside the years"),
        ("add_day", 10**15, (1,), "outside the years"),
    ],
)
def test_cio_shift_bad_input(
    version: str, name: str, value: object, args: tuple[object, ...], message: str
) -> None:
    """Text, lists, bad counts and results beyond year 9999 are errors naming the filter."""
    with pytest.raises((ValueError, TypeError), match=message) as caught:
        _run(version, name, value, *args)
    assert f"'{name}'" in str(caught.value)


ZONES = [
    "America/New_York",
    "Europe/London",
    "Asia/Kolkata",
    "UTC",
    "Etc/UTC",
    "Eastern Time (US & Canada)",
    "Hawaii",
    "Pacific Time (US & Canada)",
    -8,
    -5,
    5.5,
    0,
    1,
    9,
    13,
    -3600 * 3,
]


def test_cio_timezone_matches_active_support() -> None:
    """``timezone`` writes what ``Time.at(ts).in_time_zone(zone).to_s`` writes, for IANA
    names, Rails names and hour offsets, in winter and summer."""
    cases = [(stamp, zone) for stamp in (1483272000, 1500000000, 1710054000) for zone in ZONES]
    expected = run_ruby("output = input.map { |s, z| Time.at(s).in_time_zone(z).to_s }", cases)
    for (stamp, zone), wanted in zip(cases, expected, strict=True):
        assert ruby_text(_run("legacy", "timezone", stamp, zone)) == wanted, (stamp, zone)


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        ("1483272000", "America/New_York", "2017-01-01 07:00:00 -0500"),
        ("2017-01-01T12:00:00Z", "America/New_York", "2017-01-01 07:00:00 -0500"),
        ("2017-01-01 12:00:00", "America/New_York", "2017-01-01 12:00:00 -0500"),
        ("now", "Asia/Tokyo", "2017-01-01 21:00:00 +0900"),
        (1483272000, "(GMT-10:00) Hawaii", "2017-01-01 02:00:00 -1000"),
        (1483272000, "-5", "2017-01-01 07:00:00 -0500"),
        (1483272000, "UTC", "2017-01-01 12:00:00 UTC"),
    ],
)
def test_cio_timezone_inputs(value: object, zone: object, expected: str) -> None:
    """Digits, ISO 8601 texts (without an offset: read in the target zone), 'now', the
    time-zone page's detailed form and an offset written as text."""
    assert ruby_text(_run("legacy", "timezone", value, zone)) == expected


@pytest.mark.parametrize(
    ("value", "args", "message"),
    [
        (1483272000, ("Mars/Olympus",), "for its zone"),
        (1483272000, (99,), "for its zone"),
        (1483272000, ("",), "for its zone"),
        (1483272000, (), "one argument"),
        ("next tuesday", ("UTC",), "not a date"),
    ],
)
def test_cio_timezone_bad_input(value: object, args: tuple[object, ...], message: str) -> None:
    """An unknown zone or a text that is not a date is an error naming the filter."""
    with pytest.raises((ValueError, TypeError), match=message):
        _run("legacy", "timezone", value, *args)


def test_cio_timezone_is_legacy_only() -> None:
    """The upgrade page deprecates ``timezone`` in latest (``date`` takes the zone)."""
    assert "timezone" in filters_for("legacy") and "timezone" not in filters_for("latest")


DATE_VALUES = [1483272000, "1483272000", "2008-11-07T13:07:54-08:00", "2017-07-04", 1700000003]
DATE_FILTERS = ["date_to_xmlschema", "date_to_rfc822", "date_to_string", "date_to_long_string"]


def test_cio_date_to_filters_match_liquidjs(latest_oracle: Any) -> None:
    """Legacy's Jekyll ``date_to_*`` write what LiquidJS (which copies Jekyll) writes."""
    for value in DATE_VALUES:
        for name in DATE_FILTERS:
            for args in ((), ("ordinal",), ("ordinal", "US")):
                if args and name in ("date_to_xmlschema", "date_to_rfc822"):
                    continue
                quoted = ", ".join(f'"{a}"' for a in args)
                template = f"{{{{ v | {name}{': ' + quoted if args else ''} }}}}"
                answer = latest_oracle.render(template, {"v": value})
                assert _run("legacy", name, value, *args) == answer.output, (value, name, args)


def test_cio_date_to_filters_edges() -> None:
    """Nothing and empty text come back as they are; other text is an Invalid Date error."""
    assert _run("legacy", "date_to_string", None) is None
    assert _run("legacy", "date_to_xmlschema", "") == ""
    with pytest.raises(ValueError, match="Invalid Date"):
        _run("legacy", "date_to_rfc822", "soon")
    tokyo = make_call("legacy", "date_to_xmlschema", zone=ZoneInfo("Asia/Tokyo"))
    assert (
        filters_for("legacy")["date_to_xmlschema"](tokyo, 1483272000) == "2017-01-01T21:00:00+09:00"
    )


def test_cio_shift_many_times_stays_bounded() -> None:
    """A shift never loops: the largest allowed count answers at once."""
    with pytest.raises((ValueError, RenderLimitError)):
        _run("legacy", "add_month", 1483272000, 120_000)
