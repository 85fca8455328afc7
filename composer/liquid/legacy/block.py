"""``Liquid::Tag``, ``Liquid::Block`` and ``Liquid::Document`` (``lib/liquid/tag.rb``,
``block.rb``, ``document.rb``): the tree a template parses into, and how it renders.

Parsing follows ``Block#parse`` token by token: a ``{% name markup %}`` token either
closes the innermost open block (``endif`` …), opens a registered tag, or goes to the
open block's ``unknown_tag`` (``else``/``elsif``/``when`` switch the branch being filled;
anything else is ``Unknown tag 'name'``). A token that opens ``{%`` or ``{{`` but does not
match ``FullToken``/``ContentOfVariable`` is a syntax error. Ruby parses blocks
recursively; here an explicit stack does it, so nesting is limited by a guard
(:data:`PARSE_NESTING_LIMIT`) rather than by the interpreter's stack.

Rendering follows ``Block#render_all``: nodes render in order into one
:class:`LegacyBuffer`; a ``break``/``continue`` stops the list; a Ruby error raised by a
node is written in its place (``Liquid error: …``) and rendering goes on — the node's own
partial output is dropped first, as Ruby drops the output array of a block that raised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from composer.liquid.errors import LiquidSyntaxError, RenderLimitError
from composer.liquid.legacy.lexer import WORD, tokenize
from composer.liquid.legacy.ruby import RubyError, output_text
from composer.liquid.legacy.variable import Variable
from composer.liquid.output import OutputBuffer
from composer.liquid.state import NESTING_LIMIT

if TYPE_CHECKING:
    from composer.liquid.legacy.context import Context
    from composer.liquid.legacy.parsing import Parser

__all__ = [
    "PARSE_NESTING_LIMIT",
    "Block",
    "Document",
    "LegacyBuffer",
    "Node",
    "Tag",
    "parse_document",
    "render_all",
]

PARSE_NESTING_LIMIT = 2 * NESTING_LIMIT
"""Deepest nesting of blocks a template may have (Ruby renders 99 nested scopes, then
writes ``Nesting too deep``; this lets that happen and stops what goes far beyond)."""
_SPACE = " \t\n\v\f\r"


class LegacyBuffer(OutputBuffer):
    """The output buffer, able to drop what a failing block wrote."""

    __slots__ = ()

    def mark(self) -> tuple[int, int]:
        """Where the output stands now."""
        return len(self._parts), self._size

    def rollback(self, mark: tuple[int, int]) -> None:
        """Forget everything written since ``mark``."""
        count, size = mark
        if len(self._parts) > count:
            del self._parts[count:], self.starts[count:], self.origins[count:], self.exact[count:]
            self._size = size

    def absorb(self, other: LegacyBuffer) -> None:
        """Write what ``other`` holds, keeping where each piece came from."""
        text = other.getvalue()
        starts = other.starts
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            self.write(text[start:end], other.origins[i], other.exact[i])


class Node:
    """Something in a node list: text, an output, or a tag."""

    __slots__ = ("index",)
    index: int

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        """Write this node's output."""


class Text(Node):
    """Literal template text."""

    __slots__ = ("text",)

    def __init__(self, text: str, index: int) -> None:
        self.text = text
        self.index = index

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        out.write(self.text, self.index, True)


class Output(Node):
    """``{{ … }}``."""

    __slots__ = ("variable",)

    def __init__(self, markup: str, index: int, parser: Parser) -> None:
        self.index = parser.at(index)
        self.variable = Variable(markup, index + 2, parser)

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        variable = self.variable
        lookup = variable.lookup
        value = None if lookup is None else lookup(ctx)
        for call in variable.filters:
            value = call.apply(ctx, value)
        out.write(value if type(value) is str else output_text(value), self.index)


class Tag(Node):
    """``Liquid::Tag``: a tag without a body."""

    __slots__ = ("markup", "tag_name")

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        self.tag_name = tag_name
        self.markup = markup
        self.index = parser.at(index)
        parser.tag(tag_name, index)


class Block(Tag):
    """``Liquid::Block``: a tag with a body, closed by ``end<name>``."""

    __slots__ = ("nodelist",)
    raw: ClassVar[bool] = False

    def __init__(self, tag_name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        super().__init__(tag_name, markup, index, at, parser)
        self.nodelist: list[Node] = []

    @property
    def block_delimiter(self) -> str:
        """``end<name>``."""
        return "end" + self.tag_name

    def unknown_tag(self, name: str, markup: str, index: int, at: int, parser: Parser) -> None:
        """``Block#unknown_tag``: a tag this block does not know inside its body."""
        if name == "else":
            raise LiquidSyntaxError(f"{self.tag_name} tag does not expect else tag", index)
        if name == "end":
            raise LiquidSyntaxError(
                f"'end' is not a valid delimiter for {self.tag_name} tags. "
                f"use {self.block_delimiter}",
                index,
            )
        raise LiquidSyntaxError(f"Unknown tag '{name}'", index)

    def render(self, ctx: Context, out: LegacyBuffer) -> None:
        render_all(self.nodelist, ctx, out)


class Document(Block):
    """``Liquid::Document``: the template itself, a block without delimiters."""

    __slots__ = ()

    def __init__(self) -> None:
        self.tag_name = ""
        self.markup = ""
        self.index = 0
        self.nodelist = []

    @property
    def block_delimiter(self) -> str:
        return "[]"  # Ruby's `[]`: never a tag name, and how the message prints it


def render_all(nodes: list[Node], ctx: Context, out: LegacyBuffer) -> None:
    """``Block#render_all``: each node in turn, until a ``break``/``continue`` is pending.

    A node that raises has written nothing (a block whose own code raises after writing,
    ``case``, drops what it wrote itself), so its error text simply takes its place.
    """
    interrupts = ctx.interrupts
    write = out.write
    for node in nodes:
        if interrupts:
            break
        if type(node) is Text:
            write(node.text, node.index, True)
            continue
        try:
            node.render(ctx, out)
        except RubyError as error:
            name = getattr(node, "tag_name", "")
            out.write(ctx.handle_error(error, node.index, name), node.index)


def _full_token(token: str, start: int) -> tuple[str, str, int]:
    """``FullToken``: the name and markup of a ``{% … %}`` token, and where the markup is."""
    if len(token) >= 4 and token.endswith("%}"):
        inner = token[2:-2]
        pos = len(inner) - len(inner.lstrip(_SPACE))
        word = WORD.match(inner, pos)
        if word is not None:
            rest = word.end()
            while rest < len(inner) and inner[rest] in _SPACE:
                rest += 1
            return word.group(), inner[rest:], start + 2 + rest
    raise LiquidSyntaxError(
        f"Tag '{token}' was not properly terminated with regexp: /\\%\\}}/ ", start
    )


def parse_document(source: str, parser: Parser) -> Document:
    """``Document.new(tokenize(source))``: the template's tree, or LiquidSyntaxError."""
    document = Document()
    stack: list[Block] = [document]
    tags: dict[str, Any] = parser.tags  # type: ignore[assignment]
    for token, start in tokenize(source):
        parser.tick()
        top = stack[-1]
        if top.raw:
            if token.startswith("{%"):
                try:
                    name = _full_token(token, start)[0]
                except LiquidSyntaxError:
                    name = ""
                if name == top.block_delimiter:
                    stack.pop()
                    continue
            top.nodelist.append(Text(token, parser.at(start)))
            continue
        if token.startswith("{%"):
            name, markup, at = _full_token(token, start)
            if name == top.block_delimiter:
                stack.pop()
                continue
            factory = tags.get(name)
            if factory is None:
                top.unknown_tag(name, markup, start, at, parser)
                continue
            node = factory(name, markup, start, at, parser)
            top.nodelist.append(node)
            if isinstance(node, Block):
                if len(stack) > PARSE_NESTING_LIMIT:
                    raise RenderLimitError(
                        f"blocks nest more than {PARSE_NESTING_LIMIT} deep", parser.at(start)
                    )
                stack.append(node)
        elif token.startswith("{{"):
            if len(token) < 4 or not token.endswith("}}"):
                raise LiquidSyntaxError(
                    f"Variable '{token}' was not properly terminated with regexp: /\\}}\\}}/ ",
                    start,
                )
            top.nodelist.append(Output(token[2:-2], start, parser))
        else:
            top.nodelist.append(Text(token, parser.at(start)))
    while len(stack) > 1:
        open_block = stack.pop()
        if not open_block.raw:
            raise LiquidSyntaxError(f"{open_block.tag_name} tag was never closed", open_block.index)
    return document
