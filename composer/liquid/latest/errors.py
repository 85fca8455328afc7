"""LiquidJS's parse-time error classes, as :class:`~composer.liquid.errors.LiquidSyntaxError`.

LiquidJS (``src/util/error.ts``) raises a ``TokenizationError`` when markup cannot be
read (an unclosed tag, an unexpected character) and a ``ParseError`` when a tag cannot
be built from it (an unknown tag, an unclosed block). Both stop the template. The
message is LiquidJS's own, without the ``, line:1, col:5`` it appends: the index says
where, and the program gives the line and column itself. The index is where LiquidJS
points: the tag or output for a ``ParseError``, the reading position for a
``TokenizationError``.
"""

from __future__ import annotations

from composer.liquid.errors import LiquidSyntaxError

__all__ = ["ParseError", "TagError", "TokenizationError"]


class TokenizationError(LiquidSyntaxError):
    """LiquidJS's ``TokenizationError``: the markup cannot be read."""


class ParseError(LiquidSyntaxError):
    """LiquidJS's ``ParseError``: a tag cannot be built (unknown, unclosed, malformed)."""


class TagError(Exception):
    """A plain error while a tag or output is built: LiquidJS reports it as a
    ``ParseError`` at that tag or output."""
