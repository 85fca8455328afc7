"""LiquidJS's ``parseStringLiteral`` (``src/parser/tokenizer.ts``): a quoted string's text.

Escapes as LiquidJS reads them: ``\\b \\f \\n \\r \\t \\v``; ``\\u`` with up to four
hexadecimal digits (none is U+0000); ``\\0``-``\\7`` with up to three octal digits; any
other character after a backslash stands for itself (``\\x`` is ``x``). A character or
escape may start anywhere but at the string's last character (its closing quote, or
the last character of an unclosed string), and an escape may read that character. An
unclosed string whose ``\\u`` digits run to its end fails as LiquidJS's does (a
``TypeError`` from reading past the end). Escaped surrogate pairs join into one
character, as in a JavaScript string.
"""

from __future__ import annotations

import re

__all__ = ["parse_string_literal"]

_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_OCTAL = frozenset("01234567")
_PAIRED = re.compile("[\ud800-\udbff][\udc00-\udfff]")


_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{0,4}|[0-7]{1,3}|[\s\S])")
_SIMPLE_ESCAPES = {
    "\\" + chr(code): _ESCAPES.get(chr(code), chr(code))
    for code in range(128)
    if chr(code) not in _OCTAL and chr(code) != "u"
}


def parse_string_literal(text: str) -> str:
    """LiquidJS's ``parseStringLiteral``: the quoted text's content, escapes resolved.

    A character or escape may start anywhere but at the last character (the closing
    quote, or the last character of an unclosed string), and an escape may read it.
    """
    stop = len(text) - 1
    if "\\" not in text:
        return text[1:stop]
    segment = text[1 : stop + 1]
    reached = [0]

    def resolve(match: re.Match[str]) -> str:
        reached[0] = match.end()
        part = match.group()
        simple = _SIMPLE_ESCAPES.get(part)
        if simple is not None:
            return simple
        kind = part[1]
        if kind == "u":
            if match.end() == len(segment) and len(part) < 6:
                raise TypeError("Cannot read properties of undefined (reading 'charCodeAt')")
            return chr(int(part[2:] or "0", 16))
        if kind in _OCTAL:
            return chr(int(part[1:], 8))
        return kind

    joined = _ESCAPE.sub(resolve, segment)
    if reached[0] != len(segment):
        joined = joined[:-1]
    if not joined.isascii() and _PAIRED.search(joined):
        joined = joined.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return joined
