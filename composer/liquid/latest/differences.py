"""Where the latest engine differs from LiquidJS 10.31.0 on purpose, in one table.

Each :class:`KeptDifference` is a template and data that LiquidJS renders one way and
this engine another, and why. The tests render each case with the real LiquidJS and
with this engine and check both halves of the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["KEPT_DIFFERENCES", "KeptDifference"]


@dataclass(frozen=True, slots=True)
class KeptDifference:
    """One template LiquidJS and this engine render differently, on purpose."""

    template: str
    """The template."""
    context: dict[str, Any]
    """The data it renders with."""
    liquidjs: str
    """What LiquidJS does: its output, ``error`` when it fails, or ``the text of PATH``
    when it writes a file it found (a path in this repository)."""
    ours: str
    """What this engine does: its output, or ``error`` when it stops with an error."""
    reason: str
    """Why we differ."""


_DEEP_BRACKETS = "{{ " + "a[" * 101 + "0" + "]" * 101 + " }}"
_DEEP_BLOCKS = "{% if true %}" * 101 + "x" + "{% endif %}" * 101
_DEEP_VALUE = (
    '{% assign a = "" | split: "," %}{% for i in (1..101) %}'
    '{% assign b = "" | split: "," | push: a %}{% assign a = b %}{% endfor %}{{ a | json }}'
)
_BIG_TEXT = (
    '{% assign s = "xxxxxxxx" %}{% for i in (1..22) %}{% assign s = s | append: s %}'
    "{% endfor %}{{ s.size }}"
)

KEPT_DIFFERENCES: tuple[KeptDifference, ...] = (
    KeptDifference(
        _DEEP_BRACKETS,
        {},
        "",
        "error",
        "values nest at most 100 levels deep (NESTING_LIMIT): deeper brackets are a syntax "
        "error here, so reading a template cannot exhaust the stack",
    ),
    KeptDifference(
        _DEEP_BLOCKS,
        {},
        "x",
        "error",
        "blocks nest at most 100 levels deep (NESTING_LIMIT); deeper is a syntax error",
    ),
    KeptDifference(
        "{% for i in (1..1000001) %}{% endfor %}done",
        {},
        "done",
        "error",
        "one render runs at most 1,000,000 loop iterations (LOOP_LIMIT)",
    ),
    KeptDifference(
        "{% assign a = (1..600000) %}{% assign b = a | concat: a %}{{ b.size }}",
        {},
        "1200000",
        "error",
        "a list a filter makes holds at most 1,000,000 items, so doubling a list in a "
        "loop stops before it fills the memory",
    ),
    KeptDifference(
        _DEEP_VALUE,
        {},
        "[" * 102 + "]" * 102,
        "error",
        "values nest at most 100 levels deep (NESTING_LIMIT) when written or compared",
    ),
    KeptDifference(
        _BIG_TEXT,
        {},
        "33554432",
        "error",
        "assign and capture hold at most 16 MiB of text in one render (NAMESPACE_LIMIT), "
        "and no value may be larger than the output limit",
    ),
    KeptDifference(
        '{{ 0 | date: "%20000000Y" | size }}',
        {},
        "20000000",
        "error",
        "no text a filter makes may be larger than 16 MiB (OUTPUT_LIMIT), a strftime "
        "width included",
    ),
    KeptDifference(
        '{{ "😀" | first }}',
        {},
        "\ud83d",
        "\ufffd",
        "a lone UTF-16 surrogate cannot be sent: Node writes U+FFFD for it when it encodes "
        "the text as UTF-8, and so do we, in the text itself",
    ),
    KeptDifference(
        "{% include 'package.json' %}",
        {},
        "the text of tests/oracles/js/package.json",
        "error",
        "LiquidJS reads partials from its working directory; a webhook template has no "
        "files, so include, render and layout of a file always fail here",
    ),
    KeptDifference(
        "{% for i in (1..1) %}{{ forloop.__proto__ }}{% endfor %}",
        {},
        "{}",
        "",
        "a drop's prototype object is not modelled: __proto__ reads as nothing",
    ),
)
"""Every kept difference."""
