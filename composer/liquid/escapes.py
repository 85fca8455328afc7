"""Percent-encoding of the short texts templates encode over and over.

``url_encode`` and its kin run once per value per rendering, and a check that renders
one request for thousands of people encodes the same first names, plans and companies
again and again. :func:`percent_encoded` is :func:`urllib.parse.quote` (or
``quote_plus``) with a small memory of short texts: the result is the same, and a text
longer than :data:`SHORT` characters is encoded afresh each time, so what is kept stays
a few megabytes at most.
"""

from __future__ import annotations

import functools
from urllib.parse import quote, quote_plus

__all__ = ["SHORT", "percent_encoded"]

SHORT = 200
"""Texts up to this many characters are remembered."""


@functools.lru_cache(maxsize=1024)
def _remembered(text: str, safe: str, plus: bool) -> str:
    return quote_plus(text, safe=safe) if plus else quote(text, safe=safe)


def percent_encoded(text: str, safe: str, *, plus: bool = False) -> str:
    """``quote(text, safe)``, or ``quote_plus`` (a space as ``+``) with ``plus``."""
    if len(text) > SHORT:
        return quote_plus(text, safe=safe) if plus else quote(text, safe=safe)
    return _remembered(text, safe, plus)
