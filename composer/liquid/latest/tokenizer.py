"""LiquidJS's tokenizer (``src/parser/tokenizer.ts``), with its tolerances kept.

One :class:`Tokenizer` reads a whole template into top-level tokens, and another reads
the markup of one tag or output (bounded by ``N``). Both follow LiquidJS step for step,
including what it tolerates:

* an output (``{{ }}``) ends at the first ``}}`` *outside quotes*, so a stray quote
  (``{{ customer.firstName" }} {{ customer.lastName" }}``) starts a string that runs
  on to the next quote, and everything up to the following ``}}`` is one output;
  :attr:`OutputToken.swallowed` records each quoted stretch that ran past a ``}}``;
* a tag (``{% %}``) ends at the first ``%}``, quotes or not;
* an expression reads operands and operators until neither fits; what is left is
  handled (or ignored) by the caller;
* ``[`` … ``]`` skips to the first ``]`` after the value inside.

Each scan moves forward only, so reading is linear in the template's length (a 4 MB
template of quotes or ``{{`` is read in one pass). Nesting of brackets and ranges is
limited to :data:`~composer.liquid.state.NESTING_LIMIT` (a syntax error beyond).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING

from composer.liquid.latest.errors import TagError, TokenizationError
from composer.liquid.latest.jsjson import quote_json
from composer.liquid.latest.jsnumber import string_to_number
from composer.liquid.latest.jsstring import units
from composer.liquid.latest.literal import parse_string_literal
from composer.liquid.latest.tokens import (
    BLANKS,
    ExpressionPart,
    FilteredValueToken,
    FilterToken,
    HashToken,
    IdentifierToken,
    LiteralToken,
    NumberToken,
    OperatorToken,
    PropertyAccessToken,
    QuotedToken,
    RangeToken,
    ValueToken,
    is_word,
)
from composer.liquid.state import NESTING_LIMIT

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["PARSE_CLOCK", "Tokenizer", "literal_values", "parse_string_literal", "tick"]


PARSE_CLOCK: ContextVar[Callable[[], None] | None] = ContextVar("PARSE_CLOCK", default=None)
"""The clock a parse reads now and then (the render's deadline), while one runs."""


def tick() -> None:
    """Read the parse's clock, if it has one (raises when the deadline has passed)."""
    clock = PARSE_CLOCK.get()
    if clock is not None:
        clock()


_Trie = dict[str, object]


def _trie(words: list[str]) -> _Trie:
    root: _Trie = {}
    for word in words:
        node = root
        for i, char in enumerate(word):
            child = node.setdefault(char, {})
            assert isinstance(child, dict)
            if i == len(word) - 1 and is_word(char):
                child["needBoundary"] = True
            node = child
        node["end"] = word
    return root


OPERATORS = ["==", "!=", ">", "<", ">=", "<=", "contains", "not", "and", "or"]
_OPERATOR_TRIE = _trie(OPERATORS)
_LITERAL_TRIE = _trie(["true", "false", "nil", "null", "empty", "blank"])
_DIGITS = frozenset("0123456789")
_NUMBER_START = frozenset("+-.0123456789")
_LITERAL_START = frozenset("tfnbe")
_OPERATOR_START = frozenset("=!<>cnao")
_WORD_RUN = re.compile(
    "[^\\x00-\\x2c./:;<=>@\\[\\\\\\]^`{|}~\\x7f"
    + "".join(sorted(BLANKS - set(" \t\n\v\f\r")))
    + "\u201c\u201d]+"
)
"""A run of LiquidJS's word characters (letters, digits, ``_``, ``-``, ``?``, non-ASCII)."""
_QUOTES = frozenset("\"'")
_QUOTED_BODY = {
    '"': re.compile(r'"(?:[^"\\]+|\\[\s\S])*'),
    "'": re.compile(r"'(?:[^'\\]+|\\[\s\S])*"),
}


def literal_values() -> dict[str, object]:
    """The literal words and their values (``nil`` and ``null`` are the same drop)."""
    from composer.liquid.latest.drops import BLANK, EMPTY, NIL

    return {"true": True, "false": False, "nil": NIL, "null": NIL, "empty": EMPTY, "blank": BLANK}


_LITERALS: dict[str, object] = {}


class Tokenizer:
    """Reads LiquidJS tokens from ``input[p:N]``."""

    __slots__ = ("N", "depth", "input", "p", "skipped")

    def __init__(self, source: str, begin: int = 0, end: int | None = None) -> None:
        self.input = source
        """The whole template."""
        self.p = begin
        """The reading position."""
        self.N = len(source) if end is None else end
        """Where reading stops."""
        self.depth = 0
        """How deeply values nest at the reading position."""
        self.skipped: list[tuple[int, int]] = []
        """Text inside brackets LiquidJS reads past (``a["x" junk]``), as spans."""

    # -- characters ---------------------------------------------------------------

    def peek(self, n: int = 0) -> str:
        """The character ``n`` ahead, or '' past the end."""
        at = self.p + n
        return self.input[at] if at < self.N else ""

    def end(self) -> bool:
        """Whether reading reached the end."""
        return self.p >= self.N

    def skip_blank(self) -> None:
        """Skip LiquidJS's blanks."""
        source, p, stop = self.input, self.p, self.N
        while p < stop and source[p] in BLANKS:
            p += 1
        self.p = p

    def read_to(self, text: str) -> int:
        """Move just past the next ``text`` (LiquidJS's ``readTo``); -1 when none."""
        at = self.input.find(text, max(self.p + 1 - len(text), 0), self.N)
        if at == -1:
            self.p = max(self.p, self.N)
            return -1
        self.p = at + len(text)
        return self.p

    def snapshot(self, begin: int | None = None) -> str:
        """The text from ``begin`` (or the position) as LiquidJS quotes it in messages."""
        text = self.input[self.p if begin is None else begin : self.N]
        code_units = units(text)
        if len(code_units) > 32:
            cut = "".join(code_units[:29]).encode("utf-16-le", "surrogatepass")
            text = cut.decode("utf-16-le", "surrogatepass") + "..."
        return quote_json(text)

    def error(self, message: str, at: int | None = None) -> TokenizationError:
        """A ``TokenizationError`` at ``at`` (default: the reading position)."""
        return TokenizationError(message, self.p if at is None else at)

    def read_quoted_end(self, begin: int) -> int:
        """Where the quoted string starting at ``begin`` ends (past its quote, or N)."""
        quote = self.input[begin]
        body = _QUOTED_BODY[quote].match(self.input, begin, self.N)
        end = body.end() if body else begin + 1
        if end < self.N and self.input[end] == quote:
            return end + 1
        return self.N

    # -- expressions --------------------------------------------------------------

    def read_expression_tokens(self) -> Iterator[ExpressionPart]:
        """Operands and operators, as long as one of them can be read."""
        count = 0
        while self.p < self.N:
            count += 1
            if count & 511 == 0:
                tick()
            operator = self.read_operator()
            if operator is not None:
                yield operator
                continue
            operand = self.read_value()
            if operand is not None:
                yield operand
                continue
            return

    def read_operator(self) -> OperatorToken | None:
        """An operator at the position, or None."""
        self.skip_blank()
        if self.peek() not in _OPERATOR_START:
            return None
        end = self._match_trie(_OPERATOR_TRIE)
        if end == -1:
            return None
        token = OperatorToken(self.p, end, self.input[self.p : end])
        self.p = end
        return token

    def _match_trie(self, trie: _Trie) -> int:
        node, i, found = trie, self.p, None
        source, stop = self.input, self.N
        while i < stop:
            child = node.get(source[i])
            if child is None:
                break
            assert isinstance(child, dict)
            node = child
            i += 1
            if "end" in node:
                found = (node, i)
        if found is None:
            return -1
        node, i = found
        if "needBoundary" in node and is_word(self.input[i] if i < stop else ""):
            return -1
        return i

    def read_filtered_value(self) -> FilteredValueToken:
        """An expression and its filters (``x | f: 1``)."""
        begin = self.p
        initial = list(self.read_expression_tokens())
        if not initial:
            raise self.error(f"invalid value expression: {self.snapshot()}")
        filters = self.read_filters()
        return FilteredValueToken(begin, self.p, initial, filters)

    def read_filters(self) -> list[FilterToken]:
        """Filters until none follows."""
        filters: list[FilterToken] = []
        while True:
            if len(filters) & 511 == 511:
                tick()
            found = self.read_filter()
            if found is None:
                return filters
            filters.append(found)

    def read_filter(self) -> FilterToken | None:
        """``| name: args``; None at the end or before ``)`` or ``,``."""
        self.skip_blank()
        if self.end() or self.peek() in (")", ","):
            return None
        char = self.peek()
        self.p += 1
        if char != "|":
            raise self.error('expected "|" before filter')
        name = self.read_identifier()
        if name.begin == name.end:
            if not self.end():
                raise self.error("expected filter name")
            return None
        args: list[ValueToken | tuple[str, ValueToken | None]] = []
        self.skip_blank()
        if self.peek() == ":":
            while True:
                self.p += 1
                arg = self.read_filter_arg()
                if arg is not None:
                    args.append(arg)
                self.skip_blank()
                if not (self.end() or self.peek() in (",", "|", ")")):
                    raise self.error(f"unexpected character {self.snapshot()}")
                if self.peek() != ",":
                    break
        elif not (self.end() or self.peek() in ("|", ")", ",")):
            raise self.error('expected ":" after filter name')
        return FilterToken(name.begin, self.p, name.content, args)

    def read_filter_arg(self) -> ValueToken | tuple[str, ValueToken | None] | None:
        """A positional argument, or ``key: value``."""
        key = self.read_value()
        if key is None:
            return None
        self.skip_blank()
        if self.peek() != ":":
            return key
        self.p += 1
        return (self.input[key.begin : key.end], self.read_value())

    def read_hashes(self, separator: str = ":") -> list[HashToken]:
        """``name: value`` pairs (or bare names) until none follows."""
        found: list[HashToken] = []
        while True:
            if len(found) & 511 == 511:
                tick()
            self.skip_blank()
            if self.peek() == ",":
                self.p += 1
            begin = self.p
            name = self.read_identifier()
            if name.begin == name.end:
                return found
            value = None
            self.skip_blank()
            if self.peek() == separator:
                self.p += 1
                value = self.read_value()
            found.append(HashToken(begin, self.p, name.content, value))

    def read_identifier(self) -> IdentifierToken:
        """A word (possibly empty) after blanks."""
        self.skip_blank()
        begin = self.p
        found = _WORD_RUN.match(self.input, begin, self.N)
        p = found.end() if found else begin
        self.p = p
        return IdentifierToken(begin, p, self.input[begin:p])

    def read_tag_name(self) -> str:
        """A tag's name: a word, or ``#`` for an inline comment."""
        self.skip_blank()
        if self.p < len(self.input) and self.input[self.p] == "#":
            self.p += 1
            return "#"
        return self.read_identifier().content

    def read_value(self) -> ValueToken | None:
        """A value: a literal, string, number or range, then any properties."""
        self.skip_blank()
        begin = self.p
        self.depth += 1
        if self.depth > NESTING_LIMIT:
            raise self.error(f"values nest more than {NESTING_LIMIT} levels deep here")
        try:
            variable: ValueToken | None = (
                self.read_literal() or self.read_quoted() or self.read_number()
            )
            if variable is None and self.peek() == "(":
                variable = self.read_group_or_range()
            props = self.read_properties(variable is None)
        finally:
            self.depth -= 1
        if not props:
            return variable
        return PropertyAccessToken(begin, self.p, variable, props)

    def read_value_or_throw(self) -> ValueToken:
        """A value, or a ``TokenizationError``."""
        value = self.read_value()
        if value is None:
            raise self.error(f"unexpected token {self.snapshot()}, value expected")
        return value

    def read_scope_value(self) -> PropertyAccessToken | None:
        """A property path (``a.b[0]``) without a leading value."""
        self.skip_blank()
        begin = self.p
        props = self.read_properties(True)
        return PropertyAccessToken(begin, self.p, None, props) if props else None

    def read_properties(self, is_begin: bool) -> list[ValueToken]:
        """``.name`` and ``[value]`` parts (a bare name first when ``is_begin``)."""
        props: list[ValueToken] = []
        while True:
            if self.peek() == "[":
                self.p += 1
                prop = self.read_value() or IdentifierToken(self.p, self.p, "")
                before = self.p
                if self.read_to("]") == -1:
                    raise self.error("[ not closed")
                if self.input[before : self.p - 1].strip():
                    self.skipped.append((before, self.p - 1))
                props.append(prop)
                continue
            if is_begin and not props:
                name = self.read_identifier()
                if name.begin != name.end:
                    props.append(name)
                    continue
            if self.peek() == "." and self.peek(1) != ".":
                self.p += 1
                name = self.read_identifier()
                if name.begin == name.end:
                    break
                props.append(name)
                continue
            break
        return props

    def read_number(self) -> NumberToken | None:
        """A number literal, when the position holds one not followed by a word character."""
        self.skip_blank()
        if self.peek() not in _NUMBER_START:
            return None
        decimal = digit = False
        n = 1 if self.peek() in ("+", "-") else 0
        while self.p + n <= self.N:
            char = self.peek(n)
            if char in _DIGITS and char:
                digit = True
                n += 1
            elif char == "." and self.peek(n + 1) != ".":
                if decimal or not digit:
                    return None
                decimal = True
                n += 1
            else:
                break
        if digit and not is_word(self.peek(n)):
            token = NumberToken(
                self.p, self.p + n, string_to_number(self.input[self.p : self.p + n])
            )
            self.p += n
            return token
        return None

    def read_literal(self) -> LiteralToken | None:
        """``true``, ``false``, ``nil``, ``null``, ``empty`` or ``blank``."""
        self.skip_blank()
        if self.peek() not in _LITERAL_START:
            return None
        end = self._match_trie(_LITERAL_TRIE)
        if end == -1:
            return None
        if not _LITERALS:
            _LITERALS.update(literal_values())
        text = self.input[self.p : end]
        token = LiteralToken(self.p, end, text, _LITERALS[text])
        self.p = end
        return token

    def read_group_or_range(self) -> RangeToken | None:
        """``(low..high)``; anything else in parentheses is an error."""
        self.skip_blank()
        begin = self.p
        if self.peek() != "(":
            return None
        self.p += 1
        lhs = self.read_value_or_throw()
        self.skip_blank()
        if self.peek() == "." and self.peek(1) == ".":
            self.p += 2
            rhs = self.read_value_or_throw()
            self.skip_blank()
            char = self.peek()
            self.p += 1
            if char != ")":
                raise self.error("invalid range syntax")
            return RangeToken(begin, self.p, lhs, rhs)
        raise self.error("invalid range syntax")

    def read_quoted(self) -> QuotedToken | None:
        """A quoted string (running to the end when it is not closed)."""
        self.skip_blank()
        begin = self.p
        if self.peek() not in _QUOTES:
            return None
        self.p = self.read_quoted_end(begin)
        try:
            content = parse_string_literal(self.input[begin : self.p])
        except TypeError as error:
            raise TagError(str(error)) from None
        return QuotedToken(begin, self.p, content)
