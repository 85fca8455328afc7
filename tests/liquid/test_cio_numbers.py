"""Legacy's math filters (Liquid 5's code on Liquid 2.5.3's numbers) against real Ruby.

Customer.io's legacy list documents ``abs``, ``ceil``, ``floor``, ``round``,
``at_least`` and ``at_most``, which Liquid 2.5.3 lacks. They are written as Shopify
Liquid 5 writes them; here Liquid 5's code runs in Ruby with 2.5.3's ``to_number`` (the
number the legacy engine hands them), and the text the engine would write must match.
"""

from __future__ import annotations

from typing import Any

import pytest
from cio_calls import make_call, ruby_text, run_ruby

from composer.liquid.cio import filters_for

INPUTS: list[Any] = [
    4.32,
    -4.32,
    "4.32",
    "-4.32",
    2.5,
    -2.5,
    2.675,
    1.005,
    1e20,
    0.5,
    -0.5,
    "abc",
    None,
    True,
    12,
    -7,
    "12abc",
    1234.5678,
    0.0,
    -0.0,
    1e-5,
    123456789.987654321,
]
DIGITS: list[Any] = [0, 1, 2, 3, -1, -2, "2"]

_RUBY = r"""
def to_number(obj)
  case obj
  when Numeric then obj
  when String then (obj.strip =~ /^\d+\.\d+$/) ? obj.to_f : obj.to_i
  else 0
  end
end
output = input.map do |v, n|
  round = to_number(v).round(to_number(n))
  round = round.to_i if n == 0
  [to_number(v).abs, to_number(v).ceil.to_i, to_number(v).floor.to_i, round,
   [to_number(v), to_number(n)].max, [to_number(v), to_number(n)].min].map(&:to_s)
end
"""


def _run(name: str, value: object, *args: object) -> Any:
    return filters_for("legacy")[name](make_call("legacy", name), value, *args)


def test_cio_legacy_math_matches_ruby() -> None:
    """Every legacy math filter writes what Liquid 5's code writes in Ruby."""
    cases = [[value, digits] for value in INPUTS for digits in DIGITS]
    expected = run_ruby(_RUBY, cases, active_support=False)
    for (value, digits), row in zip(cases, expected, strict=True):
        got = [
            _run("abs", value),
            _run("ceil", value),
            _run("floor", value),
            _run("round", value, digits),
            _run("at_least", value, digits),
            _run("at_most", value, digits),
        ]
        names = ("abs", "ceil", "floor", "round", "at_least", "at_most")
        for name, ours, wanted in zip(names, got, row, strict=True):
            assert ruby_text(ours) == wanted, (name, value, digits)


def test_cio_legacy_ceil_of_infinity_fails() -> None:
    """Ruby cannot make an integer of an infinity; neither does ``ceil``."""
    with pytest.raises(ValueError, match="'ceil'"):
        _run("ceil", float("inf"))


def test_cio_math_is_legacy_only() -> None:
    """Latest has LiquidJS's own math filters: Customer.io adds none of these there."""
    latest = filters_for("latest")
    assert not {"abs", "ceil", "floor", "round", "at_least", "at_most"} & set(latest)
