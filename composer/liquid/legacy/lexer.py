"""The regular expressions of ``liquid.rb`` and ``template.rb``'s tokenizer, in linear time.

Ruby Liquid 2.5.3 parses with regular expressions (``lib/liquid.rb``)::

    QuotedString     = /"[^"]*"|'[^']*'/
    QuotedFragment   = /#{QuotedString}|(?:[^\\s,\\|'"]|#{QuotedString})+/
    TemplateParser   = /(\\{\\%.*?\\%\\}|\\{\\{.*?\\}\\}?|\\{\\{|\\{\\%)/
    VariableParser   = /\\[[^\\]]+\\]|[\\w\\-]+\\??/

Run as regular expressions in Python they give the same answers, but some take
quadratic time on hostile input (``TemplateParser``'s lazy ``.*?`` over four megabytes of
unclosed ``{{``; a search for ``\\s*QuotedFragment`` over a long run of spaces). Each is
written here as a scanner that gives the match the regular expression gives (Ruby's
leftmost, first-alternative-wins backtracking), in one pass: a closing quote, ``%}`` or
newline once looked for is remembered, so no stretch of text is searched twice.

Ruby's ``\\s`` is ``[ \\t\\n\\v\\f\\r]``, its ``\\w`` ``[a-zA-Z0-9_]``, and ``.`` stops at a
newline: so a tag or an output cannot span lines in 2.5.3.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["WORD", "Finder", "Markup", "tokenize"]

WORD = re.compile(r"[A-Za-z0-9_]+")
"""Ruby's ``\\w+``."""
_SPACE_RUN = re.compile(r"[ \t\n\v\f\r]*")
_FRAGMENT_RUN = re.compile(r"""[^ \t\n\v\f\r,|'"]+""")
_NOT_FRAGMENT = re.compile(r"[ \t\n\v\f\r,|]*")
_START = re.compile(r"\{[{%]")


class Finder:
    """``text.find(needle, start)`` for rising starts, each stretch searched once."""

    __slots__ = ("_at", "_find", "_found", "_needle")

    def __init__(self, text: str, needle: str) -> None:
        self._find = text.find
        self._needle = needle
        self._at = 1 << 62  # where the remembered search started
        self._found = -1

    def __call__(self, start: int) -> int:
        if self._at <= start and (self._found < 0 or self._found >= start):
            return self._found
        self._at = start
        self._found = self._find(self._needle, start)
        return self._found


def tokenize(source: str) -> Iterator[tuple[str, int]]:
    """``Template#tokenize``: ``source.split(TemplateParser)`` as (token, start index).

    A tag ``{%…%}`` ends at the first ``%}``, an output ``{{…}`` at the first ``}`` (and
    takes a second one if it follows), both on the same line; a ``{{`` or ``{%`` with no
    end on its line is a token of its own. Empty texts are left out.
    """
    next_tag_end = Finder(source, "%}")
    next_brace = Finder(source, "}")
    next_newline = Finder(source, "\n")
    size = len(source)
    pos = 0
    search = _START.search
    while True:
        match = search(source, pos)
        if match is None:
            break
        start = match.start()
        if start > pos:
            yield source[pos:start], pos
        newline = next_newline(start + 2)
        if source[start + 1] == "%":
            close = next_tag_end(start + 2)
            end = close + 2 if close >= 0 and (newline < 0 or close < newline) else start + 2
        else:
            close = next_brace(start + 2)
            if close >= 0 and (newline < 0 or close < newline):
                end = close + 2 if close + 1 < size and source[close + 1] == "}" else close + 1
            else:
                end = start + 2
        yield source[start:end], start
        pos = end
    if pos < size:
        yield source[pos:], pos


class Markup:
    """One piece of markup, with the ``QuotedFragment`` matchers 2.5.3's parsers use.

    Positions are indices into ``text``; ``offset`` is where ``text`` starts in the
    template, so ``offset + position`` is a template index.
    """

    __slots__ = ("_double", "_single", "_space_end", "_space_start", "offset", "size", "text")

    def __init__(self, text: str, offset: int = 0) -> None:
        self.text = text
        self.offset = offset
        self.size = len(text)
        self._double = Finder(text, '"')
        self._single = Finder(text, "'")
        self._space_start = self._space_end = -1

    def closing_quote(self, pos: int) -> int:
        """Where the quote at ``pos`` closes, or -1 when it never does."""
        return (self._double if self.text[pos] == '"' else self._single)(pos + 1)

    def skip_space(self, pos: int) -> int:
        """The end of the run of white space starting at ``pos`` (``\\s*``)."""
        if self._space_start <= pos < self._space_end:
            return self._space_end
        end = _SPACE_RUN.match(self.text, pos).end()  # type: ignore[union-attr]
        if end > pos:
            self._space_start, self._space_end = pos, end
        return end

    def fragment(self, pos: int) -> int:
        """The end of ``QuotedFragment`` at ``pos``, or -1.

        As the regular expression picks it when whatever follows cannot fail: a quoted
        string alone when ``pos`` is a quote that closes, else the longest run of
        characters other than white space, ``,`` and ``|``, and of closed quoted strings.
        """
        if pos >= self.size:
            return -1
        char = self.text[pos]
        if char == '"' or char == "'":
            close = self.closing_quote(pos)
            return close + 1 if close >= 0 else -1
        return self.fragment_run(pos)

    def fragment_run(self, pos: int) -> int:
        """The end of the longest ``(?:[^\\s,|'"]|QuotedString)+`` at ``pos`` (also
        ``QuotedFragment+``), or -1."""
        text, size = self.text, self.size
        end = pos
        while True:
            run = _FRAGMENT_RUN.match(text, end)
            if run is not None:
                end = run.end()
            if end < size and text[end] in "\"'":
                close = self.closing_quote(end)
                if close >= 0:
                    end = close + 1
                    continue
            break
        return end if end > pos else -1

    def search_fragment(self, pos: int) -> int:
        """Where the first ``QuotedFragment`` at or after ``pos`` starts, or -1."""
        text, size = self.text, self.size
        while True:
            pos = _NOT_FRAGMENT.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= size:
                return -1
            if text[pos] in "\"'" and self.closing_quote(pos) < 0:
                pos += 1
                continue
            return pos

    def word_end(self, pos: int) -> int:
        """The end of ``\\w+`` at ``pos``, or -1."""
        match = WORD.match(self.text, pos)
        return match.end() if match else -1

    def variable_parts(self) -> list[tuple[str, int]]:
        """``text.scan(VariableParser)``: ``[…]`` groups and ``[\\w-]+\\??`` names, with
        their positions (``customer.first_name`` gives ``customer`` and ``first_name``)."""
        text = self.text
        last_close = text.rfind("]")
        if last_close < 0 or "[" not in text:
            return [(m.group(), m.start()) for m in _NAME.finditer(text)]
        # Before the last "]", every "[" finds its "]"; after it, no bracket can match.
        parts = [(m.group(), m.start()) for m in _PART.finditer(text, 0, last_close + 1)]
        parts.extend((m.group(), m.start()) for m in _NAME.finditer(text, last_close + 1))
        return parts


_NAME = re.compile(r"[A-Za-z0-9_\-]+\??")
_PART = re.compile(r"\[[^\]]+\]|[A-Za-z0-9_\-]+\??")
