"""The simple tags of ``lib/liquid/tags/``: ``assign``, ``capture``, ``comment``, ``raw``,
``cycle``, ``increment``, ``decrement``, ``include``, ``break``, ``continue``, ``ifchanged``.

Each follows its Ruby file: ``assign`` (``assign.rb``) writes the outermost scope, under
whatever ``(VariableSignature+)`` matched (``{% assign a.b = 1 %}`` sets a variable named
``a.b``); ``increment``/``decrement`` count in the data's own hash (so ``{% increment x %}``
and an ``assign`` of ``x`` are two different ``x``); ``cycle`` groups by its values' text
when it has no name; ``include`` has no file system in 2.5.3's default setup and writes
``Liquid error: This liquid context does not allow includes.``
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from composer.liquid.errors import LiquidSyntaxError
from composer.liquid.legacy.block import Block, LegacyBuffer, Node, Tag, render_all
from composer.liquid.legacy.context import Context, Expr
from composer.liquid.legacy.expression import compile_key
from composer.liquid.legacy.lexer import WORD, Markup
from composer.liquid.legacy.numbers import check_integer
from composer.liquid.legacy.ruby import (
    RubyError,
    inspect,
    no_conversion,
    no_method,
    output_text,
    to_s,
    truthy,
)
from composer.liquid.legacy.variable import Variable, render_variable

if TYPE_CHECKING:
    from composer.liquid.legacy.parsing import Parser

__all__ = ["SIMPLE_TAGS", "attributes", "hashable", "held_size"]

_SIGNATURE_START = re.compile(r"\(?[A-Za-z0-9_\-.\[\]]")
_SIGNATURE_RUN = re.compile(  # (?:\(?[\w\-.\[\]]\)?)+ without a group per character
    r"(?:[A-Za-z0-9_\-.\[\]]+|\((?=[A-Za-z0-9_\-.\[\]])|(?<=[A-Za-z0-9_\-.\[\]])\))+"
)
_SPACE = " \t\n\v\f\r"


def _syntax_error(message: str, index: int, parser: Parser) -> LiquidSyntaxError:
    return LiquidSyntaxError(message, parser.at(index))


def held_size(value: object) -> int:
    """About how many characters an assigned value holds (for the assigned-bytes guard)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple):
        return len(value) + sum(len(item) for item in value if isinstance(item, str))
    return 8


def hashable(value: object) -> object:
    """A dictionary key that tells values apart as Ruby's ``Hash`` does (``1`` ≠ ``1.0``)."""
    if isinstance(value, list | tuple):
        return ("Array", tuple(hashable(item) for item in value))
    if isinstance(value, Mapping):
        return ("Hash", tuple((hashable(k), hashable(v)) for k, v in value.items()))
    return (type(value).__name__, value)


def attributes(text: Markup) -> dict[str, tuple[str, int]]:
    """``markup.scan(TagAttributes)``: ``key: value`` pairs, with where each value is."""
    found: dict[str, tuple[str, int]] = {}
    markup = text.text
    pos = 0
    while True:
        word = WORD.search(markup, pos)
        if word is None:
            return found
        colon = text.skip_space(word.end())
        if colon < text.size and markup[colon] == ":":
            start = text.skip_space(colon + 1)
            end = text.fragment(start)
            if end >= 0:
                found[word.group()] = (markup[start:end], start)
                pos = end
                continue
        pos = word.end()


class Assign(Tag):
    """``{% assign var = value | filters %}``."""

    __slots__ = ("target", "value")

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        super().__init__(tag_name, markup, index, at, parser)
        pos = 0
        while True:  # /(VariableSignature+)\s*=\s*(.*)\s*/
            start = _SIGNATURE_START.search(markup, pos)
            if start is None:
                raise _syntax_error(
                    "Syntax Error in 'assign' - Valid syntax: assign [var] = [source]",
                    index,
                    parser,
                )
            run = _SIGNATURE_RUN.match(markup, start.start())
            end = run.end() if run else start.end()
            equals = end
            while equals < len(markup) and markup[equals] in _SPACE:
                equals += 1
            if equals < len(markup) and markup[equals] == "=":
                source = equals + 1
                while source < len(markup) and markup[source] in _SPACE:
                    source += 1
                self.target = markup[start.start() : end]
                self.value = Variable(markup[source:], at + source, parser)
                parser.bind(self.target)
                return
            pos = max(end, start.start() + 1)

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        value = render_variable(self.value, ctx)
        ctx.state.step()
        ctx.state.hold(held_size(value))
        ctx.scopes[0][self.target] = value


class Capture(Block):
    """``{% capture var %}…{% endcapture %}``: the body's text, into the outermost scope."""

    __slots__ = ("target",)

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        word = WORD.search(markup)
        if word is None:
            raise _syntax_error(
                "Syntax Error in 'capture' - Valid syntax: capture [var]", index, parser
            )
        super().__init__(tag_name, markup, index, at, parser)
        self.target = word.group()
        parser.bind(self.target)

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        inner = LegacyBuffer()
        render_all(self.nodelist, ctx, inner)
        text = inner.getvalue()
        ctx.state.step()
        ctx.state.hold(len(text))
        ctx.scopes[0][self.target] = text


class Comment(Block):
    """``{% comment %}…{% endcomment %}``: parsed (its tags must exist), never rendered."""

    __slots__ = ()

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        return


class Raw(Block):
    """``{% raw %}…{% endraw %}``: the text as it stands, up to ``endraw`` (or the end)."""

    __slots__ = ()
    raw = True


class Cycle(Tag):
    """``{% cycle 'a', 'b' %}`` and ``{% cycle 'group': 'a', 'b' %}``."""

    __slots__ = ("group", "values")

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        super().__init__(tag_name, markup, index, at, parser)
        text = Markup(markup, at)
        named = _named_cycle(text)
        if named is not None:
            group, group_at, rest_at = named
            self.values = _cycle_values(markup[rest_at:], at + rest_at, parser)
            self.group: Expr = compile_key(group, at + group_at, parser)
        elif text.fragment(0) >= 0:
            texts = [value for value, _ in _cycle_texts(markup, at)]
            self.values = _cycle_values(markup, at, parser)
            key = inspect(texts)
            self.group = lambda _ctx: key
        else:
            raise _syntax_error(
                "Syntax Error in 'cycle' - Valid syntax: cycle [name :] var [, var2, var3 ...]",
                index,
                parser,
            )

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.state.step()
        counters = ctx.registers.setdefault("cycle", {})
        ctx.push()
        try:
            key = hashable(self.group(ctx))
            iteration = counters.get(key, 0)
            values = self.values
            result = values[iteration](ctx) if iteration < len(values) else None
            iteration += 1
            counters[key] = 0 if iteration >= len(values) else iteration
        finally:
            ctx.pop()
        out.write(output_text(result), self.index)


def _named_cycle(text: Markup) -> tuple[str, int, int] | None:
    """``/^(QuotedFragment)\\s*:\\s*(.*)/``: the group, where it is, where the values start."""
    markup = text.text
    ends: list[int] = []
    if markup[:1] in ("'", '"'):
        close = text.closing_quote(0)
        if close >= 0:
            ends.append(close + 1)
    run = text.fragment_run(0)
    if run > 0:
        ends.append(run)
        quoted = [m.span() for m in re.finditer(r'"[^"]*"|\'[^\']*\'', markup[:run])]
        colon = markup.rfind(":", 0, run)
        while colon > 0:
            if not any(start < colon < end for start, end in quoted):
                ends.append(colon)
                break
            colon = markup.rfind(":", 0, colon)
    for end in ends:
        colon = text.skip_space(end)
        if colon < text.size and markup[colon] == ":":
            return markup[:end], 0, text.skip_space(colon + 1)
    return None


def _cycle_texts(markup: str, offset: int) -> list[tuple[str, int]]:
    """``variables_from_string``: the first fragment of each comma-separated piece."""
    pieces = markup.split(",")
    while pieces and not pieces[-1]:
        pieces.pop()
    found: list[tuple[str, int]] = []
    pos = 0
    for piece in pieces:
        text = Markup(piece)
        start = text.search_fragment(0)
        if start >= 0:
            found.append((piece[start : text.fragment(start)], offset + pos + start))
        pos += len(piece) + 1
    return found


def _cycle_values(markup: str, offset: int, parser: Parser) -> list[Expr]:
    values = []
    for value, at in _cycle_texts(markup, offset):
        parser.tick()
        values.append(compile_key(value, at, parser))
    return values


def _counter_value(ctx: Context, key: str) -> object:
    """``context.environments.first[key] ||= 0``."""
    if key in ctx.counters:
        value = ctx.counters[key]
    else:
        try:
            value = ctx.data[key]
        except (KeyError, TypeError):
            value = None
    if not truthy(value):
        value = ctx.counters[key] = 0
    return value


class Increment(Tag):
    """``{% increment x %}``: writes the counter, then adds one."""

    __slots__ = ("variable",)

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        super().__init__(tag_name, markup, index, at, parser)
        self.variable = markup.strip(_SPACE + "\0")
        parser.bind(self.variable)

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.state.step()
        value = _counter_value(ctx, self.variable)
        ctx.counters[self.variable] = _add(value, 1)
        out.write(to_s(value), self.index)


class Decrement(Increment):
    """``{% decrement x %}``: subtracts one, then writes the counter."""

    __slots__ = ()

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.state.step()
        value = _add(_counter_value(ctx, self.variable), -1)
        ctx.counters[self.variable] = value
        out.write(to_s(value), self.index)


def _add(value: object, step: int) -> object:
    """``value + 1`` / ``value - 1`` as Ruby does it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return check_integer(value + step)
    if isinstance(value, float):
        return value + step
    plain = f"the counter holds {inspect(value)[:40]}, which cannot be counted"
    if step > 0 and isinstance(value, str):
        raise no_conversion(1, "String", plain)
    if isinstance(value, list | tuple):
        raise no_conversion(1, "Array", plain)
    raise no_method("+" if step > 0 else "-", value, plain)


class Include(Tag):
    """``{% include 'name' %}``: 2.5.3's default setup has no templates to include."""

    __slots__ = ("template",)

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        super().__init__(tag_name, markup, index, at, parser)
        text = Markup(markup, at)
        start = text.search_fragment(0)
        if start < 0:
            raise _syntax_error(
                "Error in tag 'include' - Valid syntax: include '[template]' (with|for) "
                "[object|collection]",
                index,
                parser,
            )
        self.template = compile_key(markup[start : text.fragment_run(start)], at + start, parser)

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.state.step()
        self.template(ctx)
        raise RubyError(
            "Liquid::FileSystemError",
            "This liquid context does not allow includes.",
            "include needs templates to read, and Ruby Liquid 2.5.3 (as Customer.io runs "
            "it) has none to include",
        )


class Break(Tag):
    """``{% break %}``: stops the node list it is in, and the loop around it."""

    __slots__ = ()

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.interrupts.append("break")


class Continue(Tag):
    """``{% continue %}``: stops the node list it is in; the loop goes on."""

    __slots__ = ()

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.interrupts.append("continue")


class IfChanged(Block):
    """``{% ifchanged %}…{% endifchanged %}``: the body, unless it rendered the same last time."""

    __slots__ = ()

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.push()
        try:
            inner = LegacyBuffer()
            render_all(self.nodelist, ctx, inner)
            text = inner.getvalue()
            if text != ctx.registers.get("ifchanged"):
                ctx.registers["ifchanged"] = text
                out.absorb(inner)
        finally:
            ctx.pop()


SIMPLE_TAGS: dict[str, type[Node]] = {
    "assign": Assign,
    "capture": Capture,
    "comment": Comment,
    "raw": Raw,
    "cycle": Cycle,
    "increment": Increment,
    "decrement": Decrement,
    "include": Include,
    "break": Break,
    "continue": Continue,
    "ifchanged": IfChanged,
}
"""The simple tags of Ruby Liquid 2.5.3, by name."""
