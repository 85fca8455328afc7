"""Ruby's forms of values: Float#to_s, Utils.inspect/to_s, to_number, arithmetic, strftime."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from composer.rubyfmt import (
    arith,
    ruby_float,
    ruby_inspect,
    ruby_int_size,
    ruby_json,
    ruby_output,
    ruby_round,
    ruby_strftime,
    ruby_to_s,
    to_integer,
    to_number,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1.0"),
        (1.5, "1.5"),
        (-0.0, "-0.0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e20, "1.0e+20"),
        (1.5e-7, "1.5e-07"),
        (1e16, "1.0e+16"),
        (1e15, "1000000000000000.0"),
        (0.0001, "0.0001"),
        (1e-05, "1.0e-05"),
        (123456789.123, "123456789.123"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        (math.nan, "NaN"),
    ],
)
def test_float_to_s(value: float, text: str) -> None:
    assert ruby_float(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "nil"),
        (True, "true"),
        ('a"b\\c\n\t\r\f\v\b\a\x1b', r'"a\"b\\c\n\t\r\f\v\b\a\e"'),
        ("#{a} #$b #@c #d", r'"\#{a} \#$b \#@c #d"'),
        ("é ☃ 😀 \u00a0 \u200b", '"é ☃ 😀 \u00a0 \u200b"'),
        ("\x00\x7f\u2028\U000e0001", r'"\u0000\u007F\u2028' + "\U000e0001" + '"'),
        ({"a": [1, None, {"b": 2.0}]}, '{"a"=>[1, nil, {"b"=>2.0}]}'),
        ({1: "x"}, '{1=>"x"}'),
        ([], "[]"),
        ({}, "{}"),
    ],
)
def test_inspect(value: object, text: str) -> None:
    assert ruby_inspect(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (False, "false"),
        (3, "3"),
        (2**70, "1180591620717411303424"),
        (Decimal("0.3"), "0.3"),
        (["a", None], '["a", nil]'),
        (range(1, 4), "1..3"),
        (dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "2024-01-02 03:04:05 +0000"),
    ],
)
def test_to_s(value: object, text: str) -> None:
    assert ruby_to_s(value) == text


def test_output_flattens_arrays() -> None:
    assert ruby_output([["a", [None, 1.0]], {"k": True}]) == 'a1.0{"k"=>true}'


def test_json() -> None:
    assert (
        ruby_json({"a": [1, 2.0, None, "é\n"], "b": True}) == '{"a":[1,2.0,null,"é\\n"],"b":true}'
    )
    with pytest.raises(ValueError, match="NaN"):
        ruby_json(math.nan)


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (5, 5),
        (1.5, Decimal("1.5")),
        (True, 0),
        (None, 0),
        ("12", 12),
        ("-12.50", Decimal("-12.50")),
        (" 3.25\n", Decimal("3.25")),
        ("1e3", 1),
        ("12abc", 12),
        ("  -7x", -7),
        ("+4", 4),
        ("1_000", 1000),
        ("abc", 0),
        (".5", 0),
        ([1], 0),
    ],
)
def test_to_number(value: object, number: int | Decimal) -> None:
    result = to_number(value)
    assert result == number
    assert type(result) is type(number)


@pytest.mark.parametrize(
    ("value", "number"),
    [(7, 7), ("7", 7), (" -3 ", -3), ("0x1A", 26), ("010", 8), ("0b11", 3), ("1_0", 10)],
)
def test_to_integer(value: object, number: int) -> None:
    assert to_integer(value) == number


@pytest.mark.parametrize("value", ["", "3.5", 3.5, None, True, "08", "abc", "1__0"])
def test_to_integer_refuses(value: object) -> None:
    with pytest.raises(ValueError, match="invalid integer"):
        to_integer(value)


@pytest.mark.parametrize(
    ("operation", "left", "right", "result"),
    [
        ("+", 1, 2, 3),
        ("+", 0.1, 0.2, 0.3),
        ("-", "4.3", "2", 2.3),
        ("*", 1.5, 2, 3.0),
        ("*", 0.0725, 100, 7.25),
        ("/", 10, 3, 3),
        ("/", -7, 2, -4),
        ("/", 10, 4.0, 2.5),
        ("%", -7, 3, 2),
        ("%", 7, -3, -2),
        ("%", -7.5, 2, 0.5),
        ("%", 7.5, -2, -0.5),
        ("/", 1.0, 0.0, math.inf),
        ("/", -1, 0.0, -math.inf),
    ],
)
def test_arith(operation: str, left: object, right: object, result: float) -> None:
    got = arith(operation, left, right)
    assert got == result
    assert type(got) is type(result)


def test_arith_zero_division() -> None:
    for operation, left, right in (("/", 1, 0), ("%", 1, 0), ("%", 1.5, 0.0)):
        with pytest.raises(ZeroDivisionError, match="divided by 0"):
            arith(operation, left, right)
    assert math.isnan(arith("/", 0.0, 0))


@pytest.mark.parametrize(
    ("value", "digits", "result"),
    [
        (2.5, 0, 3),
        (-2.5, 0, -3),
        (0.5, 0, 1),
        (1.005, 2, 1.01),
        (2.675, 2, 2.68),
        (4.5612, 2, 4.56),
        (1234, -2, 1200),
        (1250, -2, 1300),
        (-1250, -2, -1300),
        (1234.5, -2, 1200.0),
        (3, 2, 3),
        (3.0, 2, 3.0),
        (2.5, 0.0, 3),
        (2.5, "0", 3.0),
        (1.5, 400, 1.5),
    ],
)
def test_round_half_up(value: object, digits: object, result: float) -> None:
    got = ruby_round(value, digits)
    assert got == result
    assert type(got) is type(result)


def test_int_size() -> None:
    assert ruby_int_size(5) == 8
    assert ruby_int_size(-(2**62)) == 8
    assert ruby_int_size(2**64) == 16


MOMENT = dt.datetime(2024, 3, 5, 14, 7, 9, 123456, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("%Y-%m-%d %H:%M:%S", "2024-03-05 14:07:09"),
        ("%F %T %z %:z %::z %Z", "2024-03-05 14:07:09 +0000 +00:00 +00:00:00 UTC"),
        ("%-d/%-m %e %k %l %I %P %p", "5/3  5 14  2 02 pm PM"),
        ("%a %A %b %B %h %^a %^B %#b", "Tue Tuesday Mar March Mar TUE MARCH MAR"),
        ("%j %U %W %u %w %G %g %V %C %y", "065 09 10 2 2 2024 24 10 20 24"),
        ("%L %N %3N %6N %12N", "123 123456000 123 123456 123456000000"),
        ("%s", "1709647629"),
        ("%c", "Tue Mar  5 14:07:09 2024"),
        ("%D %x %X %R %r", "03/05/24 03/05/24 14:07:09 14:07 02:07:09 PM"),
        ("%v|%+", " 5-MAR-2024|Tue Mar  5 14:07:09 UTC 2024"),
        ("%10Y|%_5m|%05e|%3a", "0000002024|    3|00005|Tue"),
        ("100%% %n%t%Q %!", "100% \n\t%Q %!"),
    ],
)
def test_strftime(fmt: str, text: str) -> None:
    assert ruby_strftime(MOMENT, fmt) == text


def test_strftime_zones() -> None:
    new_york = MOMENT.astimezone(ZoneInfo("America/New_York"))
    assert ruby_strftime(new_york, "%H:%M %Z %z") == "09:07 EST -0500"
    fixed = MOMENT.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert ruby_strftime(fixed, "%H:%M [%Z] %:z") == "19:37 [] +05:30"
    west = MOMENT.astimezone(dt.timezone(-dt.timedelta(hours=3, minutes=30)))
    assert ruby_strftime(west, "%z %:z") == "-0330 -03:30"
