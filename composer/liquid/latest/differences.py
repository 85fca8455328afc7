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
    """What LiquidJS does: its output, or ``error`` when it fails."""
    ours: str
    """What this engine does: its output, or ``error`` when it stops with an error."""
    reason: str
    """Why we differ."""


KEPT_DIFFERENCES: tuple[KeptDifference, ...] = ()
"""Every kept difference."""
