"""A template's top-level tokens and whitespace control, as LiquidJS reads them.

Ports ``Tokenizer#readTopLevelTokens`` and its helpers (``readHTMLToken``,
``readTagToken``, ``readOutputToken``, ``readEndrawOrRawContent``,
``readLiquidTagTokens``) from ``src/parser/tokenizer.ts``, the token constructors of
``src/tokens/tag-token.ts``, ``output-token.ts``, ``delimited-token.ts`` and
``liquid-tag-token.ts``, and ``src/parser/whitespace-ctrl.ts`` (greedy trimming: ``-``
beside a delimiter removes every blank, newlines included, up to the next text).

Each scan jumps with ``str.find`` or a regular expression that cannot backtrack, so a
template is read in time linear in its length.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from composer.liquid.latest.errors import TokenizationError
from composer.liquid.latest.tokenizer import Tokenizer, parse_string_literal, tick
from composer.liquid.latest.tokens import BLANKS, HTMLToken, OutputToken, TagToken

__all__ = ["TopLevelToken", "read_liquid_tag_tokens", "read_top_level_tokens"]

TopLevelToken = HTMLToken | TagToken | OutputToken
"""Text, a tag or an output."""

_OPEN = re.compile(r"\{[{%]")
_OUTPUT_STOP = re.compile(r"[\"']|\}\}")
_TICK_EVERY = 512
_ENDRAW = re.compile("\\{%-?[" + "".join(sorted(BLANKS)) + "]*endraw")


def read_top_level_tokens(
    source: str, tick: Callable[[], None] | None = None
) -> list[TopLevelToken]:
    """The tokens of ``source``, whitespace control applied; ``tick`` is called now and then."""
    tokens: list[TopLevelToken] = []
    size = len(source)
    p = 0
    raw_begin = -1
    while p < size:
        if tick is not None and len(tokens) % _TICK_EVERY == 0:
            tick()
        token: TopLevelToken
        if raw_begin > -1:
            token, p, raw_begin = _read_endraw_or_raw_content(source, p, raw_begin)
        elif source.startswith("{%", p):
            token = _read_tag_token(source, p)
            p = token.end
            if token.name == "raw":
                raw_begin = token.begin
        elif source.startswith("{{", p):
            token = _read_output_token(source, p)
            p = token.end
        else:
            found = _OPEN.search(source, p)
            end = found.start() if found else size
            token = HTMLToken(source, p, end)
            p = end
        tokens.append(token)
    _whitespace_control(tokens)
    return tokens


def _not_closed(source: str, what: str, begin: int, at: int) -> Exception:
    tokenizer = Tokenizer(source)
    return tokenizer.error(f"{what} {tokenizer.snapshot(begin)} not closed", at)


def _delimited(source: str, content_begin: int, content_end: int) -> tuple[int, int, bool, bool]:
    """LiquidJS's ``DelimitedToken``: the content range without ``-`` marks and blanks."""
    trim_left = source[content_begin] == "-" if content_begin < len(source) else False
    trim_right = source[content_end - 1] == "-" if content_end > 0 else False
    left = content_begin + 1 if trim_left else content_begin
    right = content_end - 1 if trim_right else content_end
    while left < right and source[left] in BLANKS:
        left += 1
    while right > left and source[right - 1] in BLANKS:
        right -= 1
    return left, right, trim_left, trim_right


def make_tag_token(source: str, begin: int, end: int, content: tuple[int, int]) -> TagToken:
    """A tag token for ``source[begin:end]`` whose markup lies in ``content``."""
    left, right, trim_left, trim_right = _delimited(source, *content)
    tokenizer = Tokenizer(source, left, right)
    name = tokenizer.read_tag_name()
    if not name:
        raise tokenizer.error("illegal tag syntax, tag name expected")
    tokenizer.skip_blank()
    return TagToken(source, begin, end, left, right, trim_left, trim_right, name, tokenizer)


def _read_tag_token(source: str, begin: int) -> TagToken:
    close = source.find("%}", begin + 1)
    if close == -1:
        raise _not_closed(source, "tag", begin, begin)
    end = close + 2
    return make_tag_token(source, begin, end, (begin + 2, end - 2))


def _read_output_token(source: str, begin: int) -> OutputToken:
    swallowed: list[tuple[int, int]] = []
    scanner = Tokenizer(source)
    p = begin
    while True:
        found = _OUTPUT_STOP.search(source, p)
        if found is None:
            raise _not_closed(source, "output", begin, begin)
        if found.group() == "}}":
            end = found.end()
            break
        quote = found.start()
        p = scanner.read_quoted_end(quote)
        if source.find("}}", quote, p) != -1:
            swallowed.append((quote, p))
        if p >= len(source):
            try:
                parse_string_literal(source[quote:])
            except TypeError as error:
                raise TokenizationError(str(error), quote) from None
            raise _not_closed(source, "output", begin, begin)
    left, right, trim_left, trim_right = _delimited(source, begin + 2, end - 2)
    return OutputToken(source, begin, end, left, right, trim_left, trim_right, swallowed)


def _read_endraw_or_raw_content(
    source: str, begin: int, raw_begin: int
) -> tuple[TopLevelToken, int, int]:
    """``readEndrawOrRawContent``: the text up to ``{% endraw %}``, or that tag itself."""
    scanner = Tokenizer(source, begin)
    size = len(source)
    left = _next_endraw(scanner)
    while scanner.p < size:
        if scanner.peek() == "-":
            scanner.p += 1
        name = scanner.read_identifier().content
        if (name[:-1] if name.endswith("-") else name) != "endraw":
            left = _next_endraw(scanner)
            continue
        while scanner.p <= size:
            p = scanner.p
            if p >= 2 and source[p - 2 : p] == "%}":
                if begin == left:
                    return make_tag_token(source, begin, p, (begin + 2, p - 2)), p, -1
                return HTMLToken(source, begin, left), left, raw_begin
            if p >= 2 and source[p - 2 : p] == "{%":
                break
            scanner.p += 1
    raise _not_closed(source, "raw", raw_begin, begin)


def _next_endraw(scanner: Tokenizer) -> int:
    """Jump past the next ``{%`` that may open ``endraw`` (LiquidJS reads every ``{%`` and
    moves on from those that do not: the same place, reached in one search)."""
    found = _ENDRAW.search(scanner.input, scanner.p)
    if found is None:
        scanner.p = max(scanner.p, len(scanner.input))
        return -3
    scanner.p = found.start() + 2
    return found.start()


def _whitespace_control(tokens: list[TopLevelToken]) -> None:
    in_raw = False
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        if i & 4095 == 4095:
            tick()
        if isinstance(token, HTMLToken):
            continue
        if not in_raw and token.trim_left and i > 0:
            _trim_end(tokens[i - 1])
        if isinstance(token, TagToken):
            if token.name == "raw":
                in_raw = True
            elif token.name == "endraw":
                in_raw = False
        if not in_raw and token.trim_right and i < last:
            _trim_start(tokens[i + 1])


def _trim_end(token: TopLevelToken) -> None:
    if not isinstance(token, HTMLToken):
        return
    source = token.input
    at = token.end - 1 - token.trim_right
    while at >= 0 and source[at] in BLANKS:
        token.trim_right += 1
        at -= 1


def _trim_start(token: TopLevelToken) -> None:
    if not isinstance(token, HTMLToken):
        return
    source, size = token.input, len(token.input)
    at = token.begin + token.trim_left
    while at < size and source[at] in BLANKS:
        token.trim_left += 1
        at += 1
    if at < size and source[at] == "\n":
        token.trim_left += 1


def read_liquid_tag_tokens(source: str, begin: int, end: int) -> list[TagToken]:
    """The lines of ``{% liquid %}`` as tags (``readLiquidTagTokens``)."""
    tokens: list[TagToken] = []
    scanner = Tokenizer(source, begin, end)
    while scanner.p < end:
        if len(tokens) & 511 == 511:
            tick()
        scanner.skip_blank()
        if scanner.end():
            break
        start = scanner.p
        newline = source.find("\n", start, end)
        stop = end if newline == -1 else newline + 1
        scanner.p = stop
        left, right, _, _ = _delimited(source, start, stop)
        tokenizer = Tokenizer(source, left, right)
        name = tokenizer.read_tag_name()
        if not name:
            raise tokenizer.error("illegal liquid tag syntax")
        tokenizer.skip_blank()
        tokens.append(TagToken(source, start, stop, left, right, False, False, name, tokenizer))
    return tokens
