"""LiquidJS's tokens and character classes (``src/tokens/*.ts``, ``src/util/character.ts``).

A template is read into top-level tokens (:class:`HTMLToken` for text,
:class:`TagToken` for ``{% %}``, :class:`OutputToken` for ``{{ }}``); the markup inside
them into value tokens (numbers, literals, quoted strings, property accesses, ranges),
operators and filters. Every token knows where it starts (``begin``, an index into the
template) and ends. Character classes are LiquidJS's table: a *word* character is a
letter, a digit, ``_``, ``-``, ``?`` or anything beyond ASCII except the Unicode spaces
and the curly quotes U+201C/U+201D; a *blank* is ASCII white space or a Unicode space.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from composer.liquid.latest.tokenizer import Tokenizer

__all__ = [
    "BLANKS",
    "FilterToken",
    "FilteredValueToken",
    "HTMLToken",
    "HashToken",
    "IdentifierToken",
    "LiteralToken",
    "NumberToken",
    "OperatorToken",
    "OutputToken",
    "PropertyAccessToken",
    "QuotedToken",
    "RangeToken",
    "TagToken",
    "ValueToken",
    "is_word",
]

_ASCII_WORD = frozenset("-0123456789?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
BLANKS = frozenset(
    "\t\n\v\f\r \xa0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""LiquidJS's BLANK characters (its table, which differs from JavaScript's ``\\s``)."""
INLINE_BLANKS = frozenset("\t\r ")
"""Blanks that do not end a line (non-greedy trimming)."""
_NOT_WORD_ABOVE_ASCII = BLANKS | {"\u201c", "\u201d"}


def is_word(char: str) -> bool:
    """LiquidJS's ``isWord`` of one character ('' is not a word character)."""
    if char < "\x80":
        return char in _ASCII_WORD
    return char not in _NOT_WORD_ABOVE_ASCII


@dataclass(slots=True, eq=False)
class HTMLToken:
    """Literal text between tags, with what whitespace control trims off its ends."""

    input: str
    begin: int
    end: int
    trim_left: int = 0
    trim_right: int = 0

    def content(self) -> str:
        """The text after trimming."""
        return self.input[self.begin + self.trim_left : self.end - self.trim_right]

    def text(self) -> str:
        """The text as written."""
        return self.input[self.begin : self.end]


@dataclass(slots=True, eq=False)
class TagToken:
    """``{% name args %}`` (or one line of ``{% liquid %}``)."""

    input: str
    begin: int
    end: int
    content_begin: int
    content_end: int
    trim_left: bool
    trim_right: bool
    name: str
    tokenizer: Tokenizer
    """Positioned at the arguments, bounded by the end of the content."""

    @property
    def args(self) -> str:
        """The markup after the tag's name."""
        return self.input[self.tokenizer.p : self.content_end]

    def text(self) -> str:
        """The tag as written."""
        return self.input[self.begin : self.end]


@dataclass(slots=True, eq=False)
class OutputToken:
    """``{{ markup }}``."""

    input: str
    begin: int
    end: int
    content_begin: int
    content_end: int
    trim_left: bool
    trim_right: bool
    swallowed: list[tuple[int, int]] = field(default_factory=list)
    """Quoted stretches of the markup that run past a ``}}`` (LiquidJS reads on)."""

    def text(self) -> str:
        """The output as written."""
        return self.input[self.begin : self.end]


@dataclass(slots=True, eq=False)
class NumberToken:
    """A number literal (``1``, ``-2.5``)."""

    begin: int
    end: int
    content: float


@dataclass(slots=True, eq=False)
class IdentifierToken:
    """A word: a variable or property name."""

    begin: int
    end: int
    content: str


@dataclass(slots=True, eq=False)
class LiteralToken:
    """``true``, ``false``, ``nil``, ``null``, ``empty`` or ``blank``."""

    begin: int
    end: int
    literal: str
    content: object


@dataclass(slots=True, eq=False)
class QuotedToken:
    """A quoted string, its escapes resolved."""

    begin: int
    end: int
    content: str


@dataclass(slots=True, eq=False)
class OperatorToken:
    """``==``, ``!=``, ``<``, ``>``, ``<=``, ``>=``, ``contains``, ``not``, ``and``, ``or``."""

    begin: int
    end: int
    operator: str


@dataclass(slots=True, eq=False)
class RangeToken:
    """``(low..high)``."""

    begin: int
    end: int
    lhs: ValueToken
    rhs: ValueToken


@dataclass(slots=True, eq=False)
class PropertyAccessToken:
    """``a.b[0]["c"]``: a variable (or a value, as in ``'abc'.size``) and its properties."""

    begin: int
    end: int
    variable: ValueToken | None
    props: list[ValueToken]


@dataclass(slots=True, eq=False)
class FilterToken:
    """``| name: arg, key: value``."""

    begin: int
    end: int
    name: str
    args: list[ValueToken | tuple[str, ValueToken | None]]


@dataclass(slots=True, eq=False)
class FilteredValueToken:
    """An expression and its filters (``x | plus: 1``)."""

    begin: int
    end: int
    initial: list[ExpressionPart]
    filters: list[FilterToken]


@dataclass(slots=True, eq=False)
class HashToken:
    """``name: value`` in a tag's arguments (``limit: 2``), or a bare ``name``."""

    begin: int
    end: int
    name: str
    value: ValueToken | None


ValueToken = (
    NumberToken | LiteralToken | QuotedToken | PropertyAccessToken | RangeToken | IdentifierToken
)
"""What an expression's operand can be (an identifier only inside brackets)."""
ExpressionPart = ValueToken | OperatorToken
"""An operand or an operator, in written order."""
