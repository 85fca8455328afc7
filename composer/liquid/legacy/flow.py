"""The control-flow tags of ``lib/liquid/tags/``: ``if.rb``, ``unless.rb``, ``case.rb``,
``for.rb`` (``tablerow`` is in :mod:`composer.liquid.legacy.htmltags`).

* ``if``/``unless``/``case`` push a scope while they render (100 nested scopes is Ruby's
  ``Nesting too deep``); ``unless`` inverts only its first condition; a ``case`` renders
  *every* ``when`` that matches (``{% when 1, 1 %}`` renders its body twice), and an
  ``else`` placed before a ``when`` ends the case.
* ``for`` iterates an array, a hash (as ``[key, value]`` pairs), a range, or a non-empty
  string (as one item); ``limit``/``offset`` slice it, ``offset:continue`` resumes where
  the previous loop over the same ``item-collection`` stopped; ``forloop`` has
  ``name``, ``length``, ``index``, ``index0``, ``rindex``, ``rindex0``, ``first``, ``last``.
  A range is not built as an array here (Ruby builds it before slicing), so a huge range
  with a ``limit`` is cheap; the loop guard counts the iterations that run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from composer.liquid.errors import LiquidSyntaxError
from composer.liquid.legacy.block import Block, LegacyBuffer, Node, render_all
from composer.liquid.legacy.condition import Condition, ElseCondition, parse_if
from composer.liquid.legacy.context import Context, Expr
from composer.liquid.legacy.expression import compile_key
from composer.liquid.legacy.lexer import Markup
from composer.liquid.legacy.ruby import RubyError, RubyRange, no_method, to_i, truthy
from composer.liquid.legacy.tags import attributes

if TYPE_CHECKING:
    from composer.liquid.legacy.parsing import Parser

__all__ = ["FLOW_TAGS", "loop_syntax", "slice_collection"]

_SPACE = " \t\n\v\f\r"


class If(Block):
    """``{% if %}…{% elsif %}…{% else %}…{% endif %}``."""

    __slots__ = ("blocks",)

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        super().__init__(tag_name, markup, index, at, parser)
        self.blocks: list[Condition] = []
        self._push_block("if", markup, index, at, parser)

    def _push_block(self, tag: str, markup: str, index: int, at: int, parser: Parser) -> None:
        block = ElseCondition() if tag == "else" else parse_if(markup, at, parser, index)
        self.blocks.append(block)
        self.nodelist = block.attachment = []  # type: ignore[assignment]

    def unknown_tag(self, name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        if name in ("elsif", "else"):
            self._push_block(name, markup, index, at, parser)
        else:
            super().unknown_tag(name, markup, index, at, parser)

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.state.step()
        ctx.push()
        try:
            for block in self.blocks:
                if truthy(block.evaluate(ctx)):
                    render_all(block.attachment, ctx, out)  # type: ignore[arg-type]
                    return
        finally:
            ctx.pop()


class Unless(If):
    """``{% unless %}``: ``if`` with its first condition inverted."""

    __slots__ = ()

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.state.step()
        ctx.push()
        try:
            first = self.blocks[0]
            if not truthy(first.evaluate(ctx)):
                render_all(first.attachment, ctx, out)  # type: ignore[arg-type]
                return
            for block in self.blocks[1:]:
                if truthy(block.evaluate(ctx)):
                    render_all(block.attachment, ctx, out)  # type: ignore[arg-type]
                    return
        finally:
            ctx.pop()


class Case(Block):
    """``{% case x %}{% when 1, 2 or 3 %}…{% else %}…{% endcase %}``."""

    __slots__ = ("blocks", "left")

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        text = Markup(markup, at)
        start = text.search_fragment(0)
        if start < 0:
            raise LiquidSyntaxError(
                "Syntax Error in tag 'case' - Valid syntax: case [condition]", parser.at(index)
            )
        super().__init__(tag_name, markup, index, at, parser)
        self.blocks: list[Condition] = []
        self.left: Expr = compile_key(markup[start : text.fragment(start)], at + start, parser)

    def unknown_tag(self, name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        self.nodelist = []
        if name == "when":
            for value, pos in _when_values(markup, at, index, parser):
                condition = Condition(self.left, "==", compile_key(value, pos, parser))
                condition.attachment = self.nodelist  # type: ignore[assignment]
                self.blocks.append(condition)
        elif name == "else":
            if markup.strip(_SPACE):
                raise LiquidSyntaxError(
                    "Syntax Error in tag 'case' - Valid else condition: {% else %} "
                    "(no parameters) ",
                    parser.at(index),
                )
            otherwise = ElseCondition()
            otherwise.attachment = self.nodelist  # type: ignore[assignment]
            self.blocks.append(otherwise)
        else:
            super().unknown_tag(name, markup, index, at, parser)

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.state.step()
        mark = out.mark()
        ctx.push()
        try:
            execute_else = True
            for block in self.blocks:
                if block.is_else():
                    if execute_else:
                        render_all(block.attachment, ctx, out)  # type: ignore[arg-type]
                        return
                elif truthy(block.evaluate(ctx)):
                    execute_else = False
                    render_all(block.attachment, ctx, out)  # type: ignore[arg-type]
        except RubyError:
            out.rollback(mark)  # Ruby drops what the case had rendered so far
            raise
        finally:
            ctx.pop()


def _when_values(markup: str, offset: int, index: int, parser: Parser) -> list[tuple[str, int]]:
    """``WhenSyntax`` applied again and again: each value of a ``when``."""
    text = Markup(markup, offset)
    values: list[tuple[str, int]] = []
    pos = 0
    while True:
        parser.tick()
        start = text.search_fragment(pos)
        if start < 0:
            raise LiquidSyntaxError(
                "Syntax Error in tag 'case' - Valid when condition: "
                "{% when [condition] [or condition2...] %} ",
                parser.at(index),
            )
        end = text.fragment(start)
        values.append((markup[start:end], offset + start))
        after = text.skip_space(end)
        following = -1
        if after > end and markup.startswith("or", after):
            value_at = text.skip_space(after + 2)
            if value_at > after + 2 and text.fragment(value_at) >= 0:
                following = value_at
        elif after < text.size and markup[after] == ",":
            value_at = text.skip_space(after + 1)
            if text.fragment(value_at) >= 0:
                following = value_at
        if following < 0:
            return values
        pos = following


_LOOP_HEAD = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z0-9_]+)[ \t\n\v\f\r]+in[ \t\n\v\f\r]+")


def loop_syntax(text: Markup) -> tuple[str, str, int, int] | None:
    """``/(\\w+)\\s+in\\s+(QuotedFragment+)/``: variable, collection, where it is, its end."""
    markup = text.text
    pos = 0
    while True:
        head = _LOOP_HEAD.search(markup, pos)
        if head is None:
            return None
        end = text.fragment_run(head.end())
        if end > 0:
            return head.group(1), markup[head.end() : end], head.end(), end
        pos = head.end(1)


def slice_collection(collection: object, first: int, stop: int | None) -> Sequence[object]:
    """``Utils.slice_collection_using_each``: the items from ``first`` up to ``stop``."""
    if isinstance(collection, str):
        return [collection]
    start = max(first, 0)
    if isinstance(collection, RubyRange):
        size = len(collection)
        end = size if stop is None else max(start, min(stop, size))
        return range(collection.first + min(start, size), collection.first + end)
    items: Sequence[object]
    if isinstance(collection, Mapping):
        items = [[key, value] for key, value in collection.items()]
    elif isinstance(collection, list | tuple):
        items = collection
    else:
        raise no_method("each", collection, "tablerow needs an array, a hash or a range")
    if stop is not None:
        return items[start:stop] if stop > start else []
    return items[start:]


class For(Block):
    """``{% for item in collection limit:2 offset:1 reversed %}…{% else %}…{% endfor %}``."""

    __slots__ = (
        "collection",
        "else_block",
        "for_block",
        "limit",
        "loop_name",
        "offset",
        "reverse",
        "variable",
    )

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        text = Markup(markup, at)
        found = loop_syntax(text)
        if found is None:
            raise LiquidSyntaxError(
                "Syntax Error in 'for loop' - Valid syntax: for [item] in [collection]",
                parser.at(index),
            )
        super().__init__(tag_name, markup, index, at, parser)
        variable, collection, start, end = found
        self.variable = variable
        self.loop_name = f"{variable}-{collection}"
        self.collection = compile_key(collection, at + start, parser)
        self.reverse = markup.startswith("reversed", text.skip_space(end))
        found_attributes = attributes(text)
        offset = found_attributes.get("offset")
        self.offset: Expr | str | None = (
            "continue"
            if offset is not None and offset[0] == "continue"
            else None
            if offset is None
            else compile_key(offset[0], at + offset[1], parser)
        )
        limit = found_attributes.get("limit")
        self.limit = None if limit is None else compile_key(limit[0], at + limit[1], parser)
        self.for_block: list[Node] = self.nodelist
        self.else_block: list[Node] | None = None
        parser.bind(variable)
        parser.bind("forloop")

    def unknown_tag(self, name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        if name != "else":
            super().unknown_tag(name, markup, index, at, parser)
            return
        self.nodelist = self.else_block = []

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        ctx.state.step()
        done = ctx.registers.setdefault("for", {})
        collection = self.collection(ctx)
        iterable = isinstance(collection, list | tuple | Mapping | RubyRange) or (
            isinstance(collection, str) and collection != ""
        )
        if not iterable:
            self._render_else(ctx, out)
            return
        if self.offset == "continue":
            first = done.get(self.loop_name, 0)
        else:
            first = to_i(None if self.offset is None else self.offset(ctx))  # type: ignore[operator]
        limit = None if self.limit is None else self.limit(ctx)
        stop = to_i(limit) + first if truthy(limit) else None
        segment = slice_collection(collection, first, stop)
        if not segment:
            self._render_else(ctx, out)
            return
        items: Iterable[object] = reversed(segment) if self.reverse else segment
        length = len(segment)
        done[self.loop_name] = first + length
        ctx.state.loop_ahead(length)
        self._iterate(ctx, out, items, length)

    def _iterate(
        self, ctx: Context, out: LegacyBuffer, items: Iterable[object], length: int
    ) -> None:
        ctx.push()
        try:
            scope = ctx.scopes[-1]
            name, variable, body = self.loop_name, self.variable, self.for_block
            for index, item in enumerate(items):
                ctx.state.loop_step()
                scope[variable] = item
                scope["forloop"] = {
                    "name": name,
                    "length": length,
                    "index": index + 1,
                    "index0": index,
                    "rindex": length - index,
                    "rindex0": length - index - 1,
                    "first": index == 0,
                    "last": index == length - 1,
                }
                render_all(body, ctx, out)
                if ctx.interrupts and ctx.interrupts.pop() == "break":
                    break
        finally:
            ctx.pop()

    def _render_else(self, ctx: Context, out: LegacyBuffer) -> None:
        if self.else_block is not None:
            render_all(self.else_block, ctx, out)


FLOW_TAGS: dict[str, type[Node]] = {
    "if": If,
    "unless": Unless,
    "case": Case,
    "for": For,
}
"""The control-flow tags of Ruby Liquid 2.5.3, by name."""
