# ruff: noqa: E501  (tables of templates read best one per line)
"""Dates in latest: LiquidJS's ``date`` filters, its strftime, V8's date parser, zones.

Compared with real LiquidJS: date strings of every usual form (ISO with and without a
zone, ``2020/01/02``, ``Jan 2, 2020 10:00``, RFC 2822, numbers and numeric strings) and
a few hundred random ones, every strftime conversion and flag, a zone name or a number
of minutes as the second argument, ``'now'`` and ``'today'`` with a fixed clock. The
oracle runs in UTC; the same cases also run against LiquidJS in other process zones
(node started with another ``TZ``), which our render's ``zone`` stands for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from latest_check import STANDARD, mismatch
from oracles import HERE

NOW = dt.datetime(2021, 3, 4, 5, 6, 7, 890000, tzinfo=dt.UTC)
FORMAT = "%Y-%m-%dT%H:%M:%S.%L %z"
STRINGS = [
    "2020-01-02", "2020-01-02T10:00", "2020-01-02T10:00:00Z", "2020-01-02T10:00:00.123+05:30",
    "2020-01-02T10:00:00+0530", "2020/01/02", "Jan 2, 2020 10:00", "Thu, 02 Jan 2020 10:00:00 +0000",
    "Thu, 02 Jan 2020 10:00:00 GMT", "2 January 2020", "January 2", "Jan 2", "-1", "1", "12", "2020",
    "20201", "2020-13-01", "2020-02-30", "2020-01-02 10:00", "2020-01-02 10:00 PM",
    "10:00 2020-01-02", "1/2/2020", "1/2/20", "1/2/70", "Sat Jan 01 2000 00:00:00 GMT+0100 (CET)",
    "2000-01-01T24:00", "2000-01-01T24:00:01", "+002020-01-01T00:00:00Z", "-000001-01-01T00:00:00Z",
    "-000000-01-01T00:00:00Z", "2020-1-2", "2020-01-02T10", "2020-01-02T10:00:00.1234567Z",
    "Mon, 25 Dec 1995 13:30:00 +0430", "Dec 25, 1995", "December 17, 1995 03:24:00",
    "1995-12-17T03:24:00", "12/25/1995 12:00 am", "12:30 pm 1/1/2000", "2000 1 1", "foo 2000",
    "2000 foo", "(comment) 2000-01-01", "2000-01-01 (comment)", "1 2 3", "31 12 2000", "2000.01.02",
    "2000-01-02T10:00:00z", "2000-01-02t10:00:00Z", "now", "today", "", "   ", "0", "00", "1e3",
    "2000-01-02 10:00 EST", "2000-01-02 10:00 PDT", "2000-01-02 10:00 UTC+2",
    "2000-01-02 10:00 GMT-0830", "Jan", "Jan 2000", "2000 Jan", "2000-Jan-02", "02-Jan-2000",
    "12.5.2000", "10:00", "10:00:30.5 2000-01-01", "T10:00", "2000-01-01T10:00:00+05",
    "2000-01-01 10:00:00.5Z", "2020-03-08T02:30", "2020-11-01T01:30", "1583888400", "99999999999999",
    "\u00a0Jan 2 2020", "Jan\u00a02 2020", "2020-01-02\x00garbage",
]  # fmt: skip
ZONES = ["'America/New_York'", "'america/new_york'", "'Asia/Kolkata'", "'UTC'", "'Etc/GMT+5'",
         "'Europe/Kyiv'", "-300", "330", "0", "'Foo/Bar'", "'+01:00'", "nil"]  # fmt: skip
CONVERSIONS = "aAbBcCdDeFgGhHIjklLmMnNpPqrRsStTuUVwWxXyYzZ%Qi"


def _random_strings(count: int) -> list[str]:
    chooser = random.Random(7)
    alphabet = [*"0123456789-/:.T Z+,()", "Jan", "pm", "GMT", "EST", "Mon", " "]
    return [
        "".join(chooser.choice(alphabet) for _ in range(chooser.randint(1, 14)))
        for _ in range(count)
    ]


@pytest.mark.parametrize("text", STRINGS + _random_strings(300))
def test_date_string_reads_as_in_liquidjs(latest_oracle: Any, text: str) -> None:
    """``new Date(text)`` as V8 reads it, written by LiquidJS's strftime."""
    template = "{{ s | date: '" + FORMAT + "' }}|{{ s | date_to_rfc822 }}"
    assert mismatch(latest_oracle, template, {"s": text}, NOW) is None


@pytest.mark.parametrize("value", ["0", "1583888400", "-5000000000", "1.5", "'1583888400'", "s"])
@pytest.mark.parametrize("zone", ZONES)
def test_zone_argument(latest_oracle: Any, value: str, zone: str) -> None:
    """A zone name (any case) or minutes as the second argument; unknown names fail."""
    template = "{{ " + value + " | date: '%Y-%m-%d %H:%M:%S %z %:z %Z', " + zone + " }}"
    assert mismatch(latest_oracle, template, {"s": "2020-07-01T12:00:00Z"}, NOW) is None


@pytest.mark.parametrize(
    "flags", ["", "-", "_", "0", "^", "#", ":", "10", "-5", "_3", "^#", "E", "O"]
)
def test_every_conversion_and_flag(latest_oracle: Any, flags: str) -> None:
    """Each conversion with each flag, on dates across the year and the day."""
    pattern = " ".join(f"%{flags}{code}" for code in CONVERSIONS)
    template = "{% for d in dates %}{{ d | date: '" + pattern + "' }}\n{% endfor %}"
    dates = [0, 946684799, 1583888400.5, -86400 * 400, 1609459200, 1735603200, 253402300799]
    assert mismatch(latest_oracle, template, {"dates": dates}, NOW) is None


@pytest.mark.parametrize(
    "template",
    [
        "{{ 'now' | date: '%F %T.%L' }}",
        "{{ 'today' | date: '%s' }}",
        "{{ 'now' | date: '%F %T', 'Asia/Tokyo' }}",
        "{{ 0 | date }}",
        "{{ 'x' | date: '%F' }}",
        "{{ nil | date: '%F' }}",
        "{{ 1583888400 | date: nil }}",
        "{{ 1583888400 | date_to_xmlschema }}",
        "{{ 1583888400 | date_to_string: 'ordinal' }}",
        "{{ 1583888400 | date_to_long_string: 'ordinal', 'US' }}",
        "{{ a | date: '%F' }}",
        "{{ h | date: '%F' }}",
        "{{ true | date: '%F %L' }}",
        "{{ 8640000000000 | date: '%F' }}{{ 8640000000001 | date: '%F' }}",
    ],
)
def test_date_inputs(latest_oracle: Any, template: str) -> None:
    """'now', 'today', nil, text that is no date, arrays, the range's ends."""
    context = {"a": [2020, 1, 2], "h": {"x": 1}}
    assert mismatch(latest_oracle, template, context, NOW) is None


def _liquidjs_in(zone: str, cases: list[str], now: str) -> list[str]:
    script = (
        "const {Liquid}=require('liquidjs');const e=new Liquid();const c=JSON.parse("
        "require('fs').readFileSync(0,'utf8'));const R=Date;const t=R.parse(c.now);"
        "global.Date=class extends R{constructor(...a){a.length?super(...a):super(t)}"
        "static now(){return t}};"
        "console.log(JSON.stringify(c.cases.map(x=>{try{return e.parseAndRenderSync(x,{})}"
        "catch(err){return 'ERROR'}})))"
    )
    node = shutil.which("node")
    if node is None or not (HERE / "js" / "node_modules" / "liquidjs").exists():
        if os.environ.get("CI"):
            pytest.fail("node and liquidjs are needed in CI")
        pytest.skip("node or liquidjs is missing")
    done = subprocess.run(
        [node, "-e", script],
        input=json.dumps({"cases": cases, "now": now}),
        capture_output=True,
        text=True,
        cwd=HERE / "js",
        env={**os.environ, "TZ": zone},
        timeout=60,
        check=True,
    )
    return list(json.loads(done.stdout))


PROCESS_CASES = [
    "{{ '2020-01-02T10:00' | date: '%F %T %z %Z' }}",
    "{{ '2020-01-02' | date: '%F %T %z' }}",
    "{{ 0 | date: '%F %T %z %Z %s' }}",
    "{{ 'Jan 2, 2020 10:00' | date: '%c|%x|%X' }}",
    "{{ '2020-07-01 12:00' | date: '%F %T %z' }}",
    "{{ '2020-07-01T12:00:00Z' | date: '%F %T %z', 'Asia/Kolkata' }}",
    "{{ '2020-07-01T12:00:00Z' | date: '%F %T %z', 60 }}",
    "{{ 'now' | date: '%F %T %z' }}",
    "{{ 1583888400 | date }}",
]


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_process_zone(zone: str) -> None:
    """Our render's zone behaves as LiquidJS's process zone (node with that ``TZ``)."""
    expected = _liquidjs_in(zone, PROCESS_CASES, NOW.isoformat())
    ours = [STANDARD.render(case, {}, zone=ZoneInfo(zone), now=NOW).text for case in PROCESS_CASES]
    assert ours == expected
