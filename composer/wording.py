"""Counting things in plain English: "1 person", "3 people", "1,000 deliveries".

One function for every message that counts something, in the core, the command line and
the window, so a count is worded the same everywhere. English only: the singular is used
for exactly one, the plural for everything else (zero included, "0 people").
"""

from __future__ import annotations

__all__ = ["counted", "plural"]


def plural(n: int, one: str, many: str | None = None) -> str:
    """``one`` when ``n`` is 1, else ``many`` (``one`` + "s" when not given)."""
    if n == 1:
        return one
    return many if many is not None else one + "s"


def counted(n: int, one: str, many: str | None = None, *, grouped: bool = False) -> str:
    """``n`` and the word for that many: ``counted(3, "person", "people")`` is "3 people".

    ``grouped`` writes the number with thousands separators ("1,000 people")."""
    number = f"{n:,}" if grouped else str(n)
    return f"{number} {plural(n, one, many)}"
