"""Customer.io's array filters, and legacy's Liquid 5 and Jekyll array filters.

``limit`` and ``where_not`` are Customer.io's own (both versions). Legacy's backports
are compared with Shopify Liquid 5.4's and Jekyll 4.3's own code for them, run in real
Ruby (skipped without Ruby, failed in CI). The ``*_exp`` filters, whose conditions are
Liquid's ``Condition``, are checked on the documented examples and Ruby's comparison
rules.
"""

from __future__ import annotations

from typing import Any

import pytest
from cio_calls import UNDEFINED, make_call, run_ruby

from composer.liquid.cio import filters_for

BOTH = ("legacy", "latest")
PRODUCTS = [
    {"name": "Pan", "type": "kitchen", "size": 40, "available": True},
    {"name": "Mug", "type": "kitchen", "size": 10, "available": False},
    {"name": "Bat", "type": "sport", "size": 80},
    {"name": "ball", "type": "sport", "size": None, "available": True},
]


def _run(version: str, name: str, value: object, *args: object) -> Any:
    return filters_for(version)[name](make_call(version, name), value, *args)


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(
    ("value", "count", "expected"),
    [
        (["coyote", "bugs", "tweety"], 2, ["coyote", "bugs"]),
        (["coyote", "bugs", "tweety"], "2", ["coyote", "bugs"]),
        (["coyote", "bugs", "tweety"], 0, []),
        (["coyote"], 10**30, ["coyote"]),
        ("solo", 1, ["solo"]),
        (None, 3, []),
        ({"a": 1}, 1, [{"a": 1}]),
    ],
)
def test_cio_limit(version: str, value: object, count: object, expected: object) -> None:
    """``limit: n`` keeps the first n items; anything else counts as a list of one."""
    assert _run(version, "limit", value, count) == expected


@pytest.mark.parametrize("version", BOTH)
@pytest.mark.parametrize(
    ("count", "message"), [(-1, "of 0 or more"), ("x", "whole number"), (1.5, "whole number")]
)
def test_cio_limit_bad_count(version: str, count: object, message: str) -> None:
    """A count that is not a whole number of 0 or more is an error naming the filter."""
    with pytest.raises(ValueError, match=message) as caught:
        _run(version, "limit", [1, 2], count)
    assert "'limit'" in str(caught.value) and "its count" in str(caught.value)


def test_cio_limit_of_a_huge_list_keeps_the_first_items() -> None:
    """``limit`` on a list of a million items keeps the first ones and leaves the list as it
    was (its speed is a figure of ``make bench``, not a test)."""
    items = list(range(1_000_000))
    assert _run("latest", "limit", items, 3) == [0, 1, 2]
    assert len(items) == 1_000_000


@pytest.mark.parametrize(
    ("version", "args", "names"),
    [
        ("legacy", ("type", "kitchen"), ["Bat", "ball"]),
        ("latest", ("type", "kitchen"), ["Bat", "ball"]),
        ("legacy", ("available",), ["Mug", "Bat"]),
        ("latest", ("available",), ["Mug", "Bat"]),
        ("legacy", ("size", 40.0), ["Mug", "Bat", "ball"]),
        ("latest", ("size", 40.0), ["Mug", "Bat", "ball"]),
        ("legacy", ("size", "40"), ["Pan", "Mug", "Bat", "ball"]),
        ("latest", ("size", None), ["Pan", "Mug", "Bat"]),
        ("legacy", ("size", None), ["ball"]),
    ],
)
def test_cio_where_not(version: str, args: tuple[object, ...], names: list[str]) -> None:
    """``where_not`` leaves out what ``where`` keeps (``40 == 40.0``, ``40 != '40'``);
    without a value (legacy's nil, latest's undefined) it leaves out the truthy ones."""
    assert [p["name"] for p in _run(version, "where_not", PRODUCTS, *args)] == names


def test_cio_where_not_latest_undefined_property() -> None:
    """Latest: an undefined value to compare with counts as no value (truthiness)."""
    assert len(_run("latest", "where_not", PRODUCTS, "available", UNDEFINED)) == 2


# Liquid 5.4's StandardFilters and Jekyll 4.3's Filters, as written in their sources.
_RUBY = r"""
def iter(input) = input.is_a?(Array) ? input.flatten : input.is_a?(Hash) ? [input] : Array(input)
def casecmp(a, b) = (!a.nil? && !b.nil?) ? a.to_s.casecmp(b.to_s) : (a.nil? ? 1 : -1)
def run(name, input, args)
  case name
  when "compact" then args.empty? ? iter(input).compact : iter(input).reject { |i| i[args[0]].nil? }
  when "concat" then iter(input).concat(args[0])
  when "reverse" then iter(input).reverse
  when "uniq" then args.empty? ? iter(input).uniq : iter(input).uniq { |a| a[args[0]] }
  when "sort_natural"
    return iter(input).sort { |a, b| casecmp(a, b) } if args.empty?
    iter(input).sort { |a, b| casecmp(a[args[0]], b[args[0]]) }
  when "where"
    return iter(input).select { |i| i[args[0]] } if args[1].nil?
    iter(input).select { |i| i[args[0]] == args[1] }
  when "find"
    return iter(input).find { |i| i[args[0]] } if args[1].nil?
    iter(input).find { |i| i[args[0]] == args[1] }
  when "push" then input.is_a?(Array) ? input.dup.push(args[0]) : input
  when "unshift" then input.is_a?(Array) ? input.dup.unshift(args[0]) : input
  when "pop" then input.is_a?(Array) ? input.dup.tap { |a| a.pop(args.fetch(0, 1)) } : input
  when "shift" then input.is_a?(Array) ? input.dup.tap { |a| a.shift(args.fetch(0, 1)) } : input
  when "group_by"
    return input unless input.respond_to?(:group_by)
    groups = input.group_by { |i| i[args[0]].to_s }
    groups.map { |k, v| { "name" => k, "items" => v, "size" => v.size } }
  end
end
output = input.map { |name, value, args| run(name, value, args) }
"""
CASES: list[tuple[str, Any, list[Any]]] = [
    ("compact", [1, None, [2, None, [3]], "a"], []),
    ("compact", PRODUCTS, ["size"]),
    ("concat", [1, [2, 3]], [[[4, [5]], 6]]),
    ("concat", "x", [["y"]]),
    ("reverse", [1, [2, 3], None], []),
    ("reverse", {"a": 1}, []),
    ("uniq", [1, 1.0, True, "1", 1, None, None, [1], [1], {"a": 1}, {"a": 1}], []),
    ("uniq", PRODUCTS, ["type"]),
    ("sort_natural", ["b", "A", "c", None, "B2", "a1"], []),
    ("sort_natural", PRODUCTS, ["name"]),
    ("where", PRODUCTS, ["type", "sport"]),
    ("where", PRODUCTS, ["available"]),
    ("where", PRODUCTS, ["size", 40.0]),
    ("find", PRODUCTS, ["type", "sport"]),
    ("find", PRODUCTS, ["type", "garden"]),
    ("push", ["a"], ["b"]),
    ("push", "a", ["b"]),
    ("unshift", ["a"], [["b"]]),
    ("pop", [1, 2, 3], []),
    ("pop", [1, 2, 3], [2]),
    ("pop", [1], [5]),
    ("shift", [1, 2, 3], [2]),
    ("group_by", PRODUCTS, ["type"]),
    ("group_by", PRODUCTS, ["available"]),
]


def test_cio_legacy_array_backports_match_liquid5_and_jekyll() -> None:
    """Legacy's array backports equal Liquid 5's and Jekyll's code run in Ruby."""
    expected = run_ruby(_RUBY, CASES, active_support=False)
    for (name, value, args), wanted in zip(CASES, expected, strict=True):
        assert _run("legacy", name, value, *args) == wanted, (name, value, args)


@pytest.mark.parametrize(
    ("value", "args", "expected"),
    [
        ([1, 2, 3.5], (), 6.5),
        ([1, 2, 3], (), 6),
        (["a", "b"], (), "ab"),
        ([{"t": "1"}, {"t": "2"}], ("t",), "12"),
        ([{"t": 1}, {"t": 2.5}], ("t",), 3.5),
        ([], (), 0),
        ([[1, 2], 3], (), 6),
    ],
)
def test_cio_legacy_sum(value: object, args: tuple[object, ...], expected: object) -> None:
    """Legacy's ``sum`` adds numbers and joins texts (the upgrade page: latest "casts all
    values to number instead of concatenating")."""
    assert _run("legacy", "sum", value, *args) == expected


@pytest.mark.parametrize("value", [["a", 1], [1, "a"], [None, 1], [{"a": 1}]])
def test_cio_legacy_sum_refuses_mixtures(value: object) -> None:
    """Text and numbers together (or nothing, or hashes) are an error with a way out."""
    with pytest.raises(ValueError, match="'sum' cannot add"):
        _run("legacy", "sum", value)


def test_cio_legacy_concat_needs_a_list() -> None:
    """Liquid 5's own message when ``concat`` gets no list."""
    with pytest.raises(ValueError, match="concat filter requires an array argument"):
        _run("legacy", "concat", [1], "x")


@pytest.mark.parametrize(
    ("name", "expression", "expected"),
    [
        ("where_exp", "item.size > 30 and item.type == 'kitchen'", ["Pan"]),
        ("where_exp", "item.type contains 'port'", ["Bat", "ball"]),
        ("where_exp", "item.size >= 40 or item.available", ["Pan", "Bat", "ball"]),
        ("where_exp", "item.available == true and item.size", ["Pan"]),
        ("where_exp", "item.size == nil", ["ball"]),
        ("where_exp", "item.available != blank", ["Pan", "ball"]),
        ("where_exp", "item['name'] == 'Mug'", ["Mug"]),
        ("where_exp", "item.name.size == 4", ["ball"]),
        ("where_exp", "item.size > limit", ["Bat"]),
        ("find_exp", "item.size > 30", "Pan"),
        ("find_exp", "item.size > 300", None),
    ],
)
def test_cio_legacy_exp_filters(name: str, expression: str, expected: object) -> None:
    """``where_exp``/``find_exp`` with Liquid's conditions; other variables come from scope."""
    call = make_call("legacy", name, scope={"limit": 50})
    result = filters_for("legacy")[name](call, PRODUCTS, "item", expression)
    if isinstance(result, list):
        assert [p["name"] for p in result] == expected
    else:
        assert (result or {}).get("name") == expected


def test_cio_legacy_group_by_exp() -> None:
    """``group_by_exp`` groups by the expression's text (a condition groups by true/false)."""
    by_type = _run("legacy", "group_by_exp", PRODUCTS, "item", "item.type")
    assert [(g["name"], g["size"]) for g in by_type] == [("kitchen", 2), ("sport", 2)]
    by_test = _run("legacy", "group_by_exp", PRODUCTS, "item", "item.type contains 'kitchen'")
    assert [(g["name"], g["size"]) for g in by_test] == [("true", 2), ("false", 2)]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("item.size >", "missing a value"),
        ("item.date | date: '%Y'", "cannot apply filters"),
        ("item.size > 3 xor item.size < 9", "cannot read"),
        ("(1..3) contains item.size", "cannot read"),
    ],
)
def test_cio_legacy_exp_bad_expressions(expression: str, message: str) -> None:
    """An expression these filters cannot read is an error naming the filter."""
    with pytest.raises(ValueError, match=message) as caught:
        _run("legacy", "where_exp", PRODUCTS, "item", expression)
    assert "'where_exp'" in str(caught.value)


def test_cio_legacy_exp_comparison_of_text_with_number_fails() -> None:
    """Ruby refuses ``'a' < 1``: the error says which comparison failed."""
    with pytest.raises(ValueError, match="comparison of String with 1 failed"):
        _run("legacy", "where_exp", [{"v": "a"}], "item", "item.v < 1")


def test_cio_legacy_flatten_is_bounded() -> None:
    """Lists nested past the nesting limit are refused, never a RecursionError."""
    from composer.liquid.errors import RenderLimitError

    deep: Any = [1]
    for _ in range(10_000):
        deep = [deep]
    with pytest.raises(RenderLimitError):
        _run("legacy", "reverse", deep)
