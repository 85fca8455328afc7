"""Partials and layouts: ``include``, ``render``, ``layout``, ``block``.

Ports ``src/tags/include.ts``, ``render.ts``, ``layout.ts`` and ``block.ts``. A
webhook template has no files to include, and LiquidJS without a file to read fails
the render (``ENOENT: Failed to lookup "name" in "."``): so does this engine, with a
render error at the tag once its arguments are evaluated, as LiquidJS evaluates them
before it looks for the file. What needs no file works as in LiquidJS:
``{% layout none %}`` renders the rest of the template, ``{% render 'x' for list %}``
over an empty list renders nothing, and ``{% block %}`` renders its body.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from composer.liquid.errors import LiquidError, LiquidRenderError
from composer.liquid.latest.drops import BlockDrop
from composer.liquid.latest.jsvalues import UNDEFINED, js_string, js_truthy, to_enumerable
from composer.liquid.latest.parser import Parser, TagError, TokenQueue
from composer.liquid.latest.tags.common import Hash
from composer.liquid.latest.template import HTMLNode, Node, Sink, TextSink, render_templates
from composer.liquid.latest.tokenizer import Tokenizer
from composer.liquid.latest.tokens import QuotedToken, TagToken

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context
    from composer.liquid.latest.expression import Evaluator

__all__ = ["FILE_TAGS"]

_WORD = re.compile(r"[A-Za-z0-9_]+")

FilePath = str | list[Node] | None | Any
"""A file name as written: text, a template to render (``"{{ x }}.liquid"``), an
expression's evaluator, or None for ``none``."""


def _file_path(tokenizer: Tokenizer, parser: Parser, token: TagToken) -> FilePath:
    """LiquidJS's ``parseFilePath`` (dynamic partials)."""
    file = tokenizer.read_value()
    if file is None:
        raise tokenizer.error("illegal file path")
    if tokenizer.input[file.begin : file.end] == "none":
        return None
    if isinstance(file, QuotedToken):
        inner = Parser(parser.engine, file.content)
        try:
            template = inner.parse()
        except LiquidError as error:
            raise TagError(error.message) from None
        nodes = template.nodes
        if len(nodes) == 1 and isinstance(nodes[0], HTMLNode):
            return nodes[0].text
        return nodes
    return parser.value(file)


def _render_file_path(file: FilePath, ctx: Context) -> object:
    if isinstance(file, str):
        return file
    if isinstance(file, list):
        sink = TextSink()
        render_templates(file, ctx, sink)
        return sink.getvalue()
    if file is None:
        return UNDEFINED
    evaluator: Evaluator = file
    return evaluator(ctx)


def _checked(path: object, name: str) -> object:
    if not js_truthy(path):
        raise LiquidRenderError(
            f"the tag '{name}' got an illegal file path \"{js_string(path)}\"", None
        )
    return path


def _no_file(path: object, name: str) -> LiquidRenderError:
    return LiquidRenderError(
        f"the tag '{name}' cannot read \"{js_string(path)}\": a webhook template has no "
        f'files to include (LiquidJS fails with ENOENT: Failed to lookup "{js_string(path)}" '
        'in ".")',
        None,
    )


class IncludeTag:
    """``{% include 'file' with value, key: value %}``: always fails (no files)."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        tokenizer = token.tokenizer
        self.file = _file_path(tokenizer, parser, token)
        begin = tokenizer.p
        self.with_value: Evaluator | None = None
        if tokenizer.read_identifier().content == "with":
            tokenizer.skip_blank()
            if tokenizer.peek() != ":":
                self.with_value = parser.value(tokenizer.read_value())
            else:
                tokenizer.p = begin
        else:
            tokenizer.p = begin
        self.hash = Hash(tokenizer, parser)

    def render(self, ctx: Context, out: Sink) -> None:
        """Evaluate the file name and arguments, then fail: there is no file to read."""
        ctx.state.step()
        path = _checked(_render_file_path(self.file, ctx), "include")
        self.hash.render(ctx)
        if self.with_value is not None:
            self.with_value(ctx)
        raise _no_file(path, "include")


class RenderTag:
    """``{% render 'file' with value as name for list as item, key: value %}``."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        tokenizer = token.tokenizer
        self.file = _file_path(tokenizer, parser, token)
        self.with_value: Evaluator | None = None
        self.for_value: Evaluator | None = None
        while not tokenizer.end():
            tokenizer.skip_blank()
            begin = tokenizer.p
            keyword = tokenizer.read_identifier().content
            if keyword in ("with", "for"):
                tokenizer.skip_blank()
                if tokenizer.peek() != ":":
                    value = tokenizer.read_value()
                    if value is not None:
                        before_as = tokenizer.p
                        if tokenizer.read_identifier().content == "as":
                            alias = tokenizer.read_identifier().content
                            parser.bind(alias)
                        else:
                            tokenizer.p = before_as
                        if keyword == "with":
                            self.with_value = parser.value(value)
                        else:
                            self.for_value = parser.value(value)
                        tokenizer.skip_blank()
                        if tokenizer.peek() == ",":
                            tokenizer.p += 1
                        continue
            tokenizer.p = begin
            break
        self.hash = Hash(tokenizer, parser)

    def render(self, ctx: Context, out: Sink) -> None:
        """Evaluate the arguments, then fail unless a ``for`` list is empty."""
        ctx.state.step()
        path = _checked(_render_file_path(self.file, ctx), "render")
        self.hash.render(ctx)
        if self.with_value is not None:
            self.with_value(ctx)
        if self.for_value is not None and not to_enumerable(self.for_value(ctx)):
            return
        raise _no_file(path, "render")


class LayoutTag:
    """``{% layout 'file' %}`` (fails: no files) or ``{% layout none %}`` (renders the rest)."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        tokenizer = token.tokenizer
        self.file = _file_path(tokenizer, parser, token)
        self.args = Hash(tokenizer, parser)
        self.nodes = parser.parse_tokens(queue)

    def render(self, ctx: Context, out: Sink) -> None:
        """The rest of the template when the layout is ``none``; else fail."""
        ctx.state.step()
        if self.file is None:
            ctx.registers["blockMode"] = 0
            render_templates(self.nodes, ctx, out)
            return
        raise _no_file(_checked(_render_file_path(self.file, ctx), "layout"), "layout")


class BlockTag:
    """``{% block name %}`` … ``{% endblock %}``: its body (no layout overrides it here)."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        found = _WORD.search(token.args)
        self.block = found.group() if found else ""
        parser.bind("block")
        self.nodes: list[Node] = []
        while len(queue):
            inner = queue.shift()
            if isinstance(inner, TagToken) and inner.name == "endblock":
                return
            self.nodes.append(parser.parse_token(inner, queue))
        raise TagError(f"tag {token.text()} not closed")

    def render(self, ctx: Context, out: Sink) -> None:
        """The body, with ``block`` (whose ``super`` is empty)."""
        ctx.state.step()
        ctx.push({"block": BlockDrop()})
        try:
            render_templates(self.nodes, ctx, out)
        finally:
            ctx.pop()


FILE_TAGS: dict[str, Any] = {
    "include": IncludeTag,
    "render": RenderTag,
    "layout": LayoutTag,
    "block": BlockTag,
}
"""These tags by name."""
