"""Customer.io's JSON filters against ActiveSupport (legacy) and ``JSON.stringify`` (latest).

Legacy's ``json``/``to_json`` are compared with ``ActiveSupport::JSON.encode`` in real
Ruby; latest's ``to_json`` with ``JSON.stringify(value, null, indent)`` in node (both
skipped without the interpreter, failed in CI). ``from_json``'s caps are tested with
hostile texts that must be refused quickly.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from bounds import HOSTILE_BOUND_S
from cio_calls import UNDEFINED, make_call, run_node, run_ruby

from composer.liquid.cio import filters_for
from composer.liquid.cio.json_filters import FROM_JSON_LIMIT
from composer.liquid.errors import RenderLimitError
from composer.liquid.state import NESTING_LIMIT

VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -5,
    2**70,
    1.0,
    0.1,
    1e20,
    1e21,
    2.5e-5,
    1e-7,
    -0.0,
    123.456,
    "",
    "plain",
    "<b>Tom & Jerry</b>",
    "line\nbreak\ttab\u0001\u001f\u007f",
    "\u2028\u2029",
    "café ☃ 😀",
    'quote " backslash \\ slash /',
    [],
    {},
    [1, [2, [3]]],
    {"b": 1, "2": 2, "1": 1, "a": [None, {"x": "y"}]},
    {"nested": {"deep": [1.5, "<x>", {"k": None}]}},
]


def _run(version: str, name: str, value: object, *args: object) -> Any:
    return filters_for(version)[name](make_call(version, name), value, *args)


def test_cio_legacy_json_matches_active_support() -> None:
    """Legacy's ``json`` and ``to_json`` equal ``ActiveSupport::JSON.encode``."""
    expected = run_ruby("output = input.map { |v| ActiveSupport::JSON.encode(v) }", VALUES)
    for value, wanted in zip(VALUES, expected, strict=True):
        assert _run("legacy", "json", value) == wanted, value
        assert _run("legacy", "to_json", value) == wanted, value


def test_cio_legacy_json_of_a_zoned_time() -> None:
    """A time from ``timezone`` is written as ActiveSupport writes a ``TimeWithZone``."""
    script = (
        "output = ['America/New_York', 'UTC'].map { |zone| "
        "ActiveSupport::JSON.encode(Time.at(input).in_time_zone(zone)) }"
    )
    expected = run_ruby(script, 1483272000)
    for zone, wanted in zip(("America/New_York", "UTC"), expected, strict=True):
        moment = _run("legacy", "timezone", 1483272000, zone)
        assert _run("legacy", "json", [moment]) == f"[{wanted}]"


@pytest.mark.parametrize("indent", [None, 0, 2, 4, 11, "\t", "abcdefghijkl", -3, "3"])
def test_cio_latest_to_json_matches_stringify(indent: object) -> None:
    """Latest's ``to_json[: indent]`` equals ``JSON.stringify(value, null, indent)``
    (a numeric text counts as that many spaces, as a LiquidJS argument would)."""
    js_indent = int(indent) if isinstance(indent, str) and indent.isdigit() else indent
    expected = run_node(
        "output = input.values.map(v => JSON.stringify(v, null, input.indent))",
        {"values": VALUES, "indent": js_indent},
    )
    for value, wanted in zip(VALUES, expected, strict=True):
        args = () if indent is None else (indent,)
        assert _run("latest", "to_json", value, *args) == wanted, (value, indent)


def test_cio_legacy_indent_lays_out_like_stringify() -> None:
    """Legacy with an indent: JSON.stringify's layout, ActiveSupport's escapes."""
    value = {"a": [1, 2], "b": {}, "c": [], "d": "<x>", "e": 1.0}
    assert _run("legacy", "json", value, 2) == (
        '{\n  "a": [\n    1,\n    2\n  ],\n  "b": {},\n  "c": [],\n'
        '  "d": "\\u003cx\\u003e",\n  "e": 1.0\n}'
    )


def test_cio_to_json_of_undefined_and_nan() -> None:
    """``JSON.stringify(undefined)`` writes nothing; NaN and infinities are ``null``."""
    assert _run("latest", "to_json", UNDEFINED) is None
    assert _run("latest", "to_json", [float("nan"), float("inf")]) == "[null,null]"
    assert _run("legacy", "json", [float("nan"), float("-inf")]) == "[null,null]"


def test_cio_json_refuses_values_nested_too_deep() -> None:
    """Values nested deeper than the nesting limit are refused, never a RecursionError."""
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    for version, name in (("legacy", "json"), ("latest", "to_json")):
        with pytest.raises(RenderLimitError, match="nested"):
            _run(version, name, deep)


@pytest.mark.parametrize("version", ["legacy", "latest"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"key":"value","number":123}', {"key": "value", "number": 123}),
        ("[1, 2.5, null, true]", [1, 2.5, None, True]),
        ('"just text"', "just text"),
        ("5", 5),
        (' {"a": {"b": [1]}} ', {"a": {"b": [1]}}),
        ('{"a": 1, "a": 2}', {"a": 2}),
    ],
)
def test_cio_from_json_reads(version: str, text: str, expected: object) -> None:
    """``from_json`` gives the value the text holds (the last of repeated keys wins)."""
    assert _run(version, "from_json", text) == expected


def test_cio_from_json_numbers_per_version() -> None:
    """Latest reads numbers as JavaScript (beyond 2**53 they lose digits); legacy keeps them."""
    assert _run("latest", "from_json", "[12345678901234567890]") == [1.2345678901234567e19]
    assert _run("legacy", "from_json", "[12345678901234567890]") == [12345678901234567890]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{nope}", "not JSON"),
        ("", "not JSON"),
        ("[NaN]", "not JSON"),
        ('{"a": Infinity}', "not JSON"),
        ({"a": 1}, "already parsed"),
        ([1], "already parsed"),
        ("[" * (NESTING_LIMIT + 1) + "]" * (NESTING_LIMIT + 1), "nested more than"),
        ("[" * 200_000, "nested more than|not JSON"),
        (" " * (FROM_JSON_LIMIT + 1), "reads at most"),
    ],
)
def test_cio_from_json_refuses(value: object, message: str) -> None:
    """Bad or hostile input is refused, in bounded time, with an error naming the filter."""
    started = time.perf_counter()
    with pytest.raises(ValueError, match=message) as caught:
        _run("legacy", "from_json", value)
    assert time.perf_counter() - started < HOSTILE_BOUND_S
    assert "'from_json'" in str(caught.value)


def test_cio_from_json_big_document_is_quick() -> None:
    """A text just under the cap is read whole (how fast is a figure of ``make bench``)."""
    text = json.dumps([{"id": i, "name": f"n{i}"} for i in range(40_000)])[: FROM_JSON_LIMIT - 10]
    text = text[: text.rfind("},") + 1] + "]"
    assert len(_run("latest", "from_json", text)) > 10_000
    assert _run("legacy", "from_json", None) is None


@pytest.mark.parametrize(
    ("value", "args", "expected"),
    [
        (
            [{"name": "a"}, {"name": "a", "x": 1}, {"name": "b"}],
            ("name",),
            [{"name": "a"}, {"name": "b"}],
        ),
        ([1, 1.0, "1", True, None, None], (), [1, "1", True, None]),
        ([{"a": 1, "b": 2}, {"b": 2, "a": 1}, [1], [1]], (), [{"a": 1, "b": 2}, [1]]),
        ([{"n": 1}, {"m": 1}, {"m": 2}], ("n",), [{"n": 1}, {"m": 1}]),
        (None, (), []),
        ("solo", (), ["solo"]),
    ],
)
def test_cio_json_array_uniq(value: object, args: tuple[object, ...], expected: object) -> None:
    """The first of each repeat is kept; by the key's value when a key is given."""
    assert _run("latest", "json_array_uniq", value, *args) == expected


def test_cio_json_array_uniq_is_latest_only() -> None:
    """The upgrade page lists ``json_array_uniq`` as new in latest."""
    assert "json_array_uniq" not in filters_for("legacy")
