"""Where legacy Liquid here renders differently from Ruby Liquid 2.5.3, on purpose.

One table, :data:`KEPT_DIFFERENCES`: each row is a template, the data it renders with,
and why this engine does not do what the real engine does (Customer.io documents
otherwise, or a guard of this program stops what Ruby would let run). The tests render
every row with the real engine and with this one, and check that the two differ as the
row says.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KEPT_DIFFERENCES", "KeptDifference"]


@dataclass(frozen=True, slots=True)
class KeptDifference:
    """One deliberate difference from Ruby Liquid 2.5.3."""

    template: str
    context: dict[str, object]
    reason: str


KEPT_DIFFERENCES: tuple[KeptDifference, ...] = (
    KeptDifference(
        "{{ 'now' | date: '%Y' }}",
        {},
        "Customer.io documents {{ 'now' | date: … }} as the current time; Ruby Liquid 2.5.3 "
        "returns 'now' unchanged (Time.parse cannot read it). 'today' likewise.",
    ),
)
"""Every deliberate difference from the real engine, with its reason."""
