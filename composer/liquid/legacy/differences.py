"""Where legacy Liquid here renders differently from Ruby Liquid 2.5.3, on purpose.

One table, :data:`KEPT_DIFFERENCES`. Each row is a template, the data it renders with,
what the real engine renders, what this engine renders, and why: Customer.io documents
otherwise (``'now'``, its legacy ``escape``), or a guard of this program stops what Ruby
would let run (nesting, loop iterations, number size, assigned text, long variable
paths). The tests render every row with the real engine and with this one (clock fixed
at :data:`NOW`), and check both answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KEPT_DIFFERENCES", "NOW", "KeptDifference"]

NOW = dt.datetime(2024, 3, 5, 12, 34, 56, tzinfo=dt.UTC)
"""The moment the rows' expected answers assume for ``'now'``."""


@dataclass(frozen=True, slots=True)
class KeptDifference:
    """One deliberate difference from Ruby Liquid 2.5.3."""

    template: str
    ruby: str
    """What Ruby Liquid 2.5.3 (with ActiveSupport) renders."""
    ours: str
    """What this engine renders."""
    reason: str
    stopped: bool = False
    """Whether this engine stops the render with a guard's ``RenderLimitError``."""
    context: dict[str, Any] = field(default_factory=dict)


_NOW = (
    "Customer.io documents {{ 'now' | date: … }} as the current time; Ruby Liquid 2.5.3 "
    "returns the text unchanged (Time.parse cannot read it)"
)

KEPT_DIFFERENCES: tuple[KeptDifference, ...] = (
    KeptDifference("{{ 'now' | date: '%Y-%m-%d' }}", "now", "2024-03-05", _NOW),
    KeptDifference("{{ 'today' | date: '%Y' }}", "today", "2024", _NOW + "; 'today' likewise"),
    KeptDifference("{{ 'Now' | date: '%Y' }}", "Now", "2024", _NOW + ", in any case"),
    KeptDifference(
        "{{ 'a b&c' | escape }}",
        "a b&amp;c",
        "a+b%26c",
        "Customer.io documents legacy's escape as percent-encoding (its filter replaces "
        "2.5.3's CGI.escapeHTML; h still HTML-escapes)",
    ),
    KeptDifference(
        "{% if true %}" * 250 + "x" + "{% endif %}" * 250,
        "Liquid error: Nesting too deep",
        "",
        "blocks nesting past 200 stop the parse (Ruby writes 'Nesting too deep' at the "
        "100th scope and would parse any depth); up to 200 this engine does as Ruby does",
        stopped=True,
    ),
    KeptDifference(
        "{% for i in (1..1001) %}{% for j in (1..1000) %}{% endfor %}{% endfor %}done",
        "done",
        "",
        "a render may run at most 1,000,000 loop iterations",
        stopped=True,
    ),
    KeptDifference(
        "{% assign x = 10 %}{% for i in (1..4001) %}{% assign x = x | times: 10 %}"
        "{% endfor %}{{ x | size }}",
        "1662",
        "",
        "an integer may have at most 4,000 digits (Ruby's are unbounded)",
        stopped=True,
    ),
    KeptDifference(
        "{% assign s = 'x' %}{% for i in (1..25) %}{% assign s = s | append: s %}"
        "{% endfor %}{{ s | size }}",
        "33554432",
        "",
        "assign and capture may hold at most 16 MiB of text in one render",
        stopped=True,
    ),
    KeptDifference(
        "{{ " + ".".join(["a"] * 1001) + " }}",
        "",
        "",
        "a variable may have at most 1,000 parts (a.b.c has three)",
        stopped=True,
    ),
)
"""Every deliberate difference from the real engine, with its reason."""
