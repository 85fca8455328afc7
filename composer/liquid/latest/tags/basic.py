"""Variables, comments, raw text and inline tags.

Ports ``src/tags/assign.ts``, ``capture.ts``, ``comment.ts``, ``inline-comment.ts``
(``{% # … %}``), ``raw.ts``, ``echo.ts``, ``liquid.ts`` (one tag per line),
``increment.ts``, ``decrement.ts`` and ``cycle.ts``. ``assign`` and ``capture`` write
to the bottom scope (a loop's own variable hides them inside the loop); ``increment``
and ``decrement`` keep counters apart from ``assign`` (LiquidJS writes them into the
data; here they sit beside it, so the caller's data is never changed); ``cycle`` writes
nothing for a falsy value (``0``, ``''``, ``false``), as LiquidJS does.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from composer.liquid.latest.jsnumber import as_float
from composer.liquid.latest.jsstring import JS_SPACE_CLASS
from composer.liquid.latest.jsvalues import (
    UNDEFINED,
    is_number,
    js_string,
    js_truthy,
    own_property,
    stringify,
    to_value,
)
from composer.liquid.latest.parser import Parser, TagError, TokenQueue
from composer.liquid.latest.tags.common import note_args, note_extra
from composer.liquid.latest.template import Node, Sink, TextSink, render_templates
from composer.liquid.latest.tokens import QuotedToken, TagToken
from composer.liquid.latest.toplevel import read_liquid_tag_tokens

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context
    from composer.liquid.latest.expression import Evaluator

__all__ = ["BASIC_TAGS", "held_size"]

_COMMENT_LINE = re.compile(f"\\n[{JS_SPACE_CLASS}]*[^#{JS_SPACE_CLASS}]")


def held_size(value: object) -> int:
    """How much an assigned value holds, for the namespace limit."""
    if type(value) is str:
        return len(value)
    if isinstance(value, (list, tuple)):
        return len(value) + 1
    return 1


class AssignTag:
    """``{% assign name = value | filters %}``."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        tokenizer = token.tokenizer
        self.key = tokenizer.read_identifier().content
        if not self.key:
            raise tokenizer.error("expected variable name")
        tokenizer.skip_blank()
        if tokenizer.peek() != "=":
            raise tokenizer.error('expected "="')
        tokenizer.p += 1
        self.value = parser.filtered(tokenizer.read_filtered_value(), tokenizer)
        parser.bind(self.key)

    def render(self, ctx: Context, out: Sink) -> None:
        """Set the variable (drops kept as they are, as LiquidJS does)."""
        state = ctx.state
        state.step()
        value = self.value(ctx)
        state.hold(held_size(value))
        ctx.scopes[0][self.key] = value


class CaptureTag:
    """``{% capture name %}`` … ``{% endcapture %}``: the rendered body as a variable."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        tokenizer = token.tokenizer
        name = tokenizer.read_identifier()
        if name.content:
            self.variable = name.content
        else:
            quoted = tokenizer.read_quoted()
            if quoted is None:
                raise tokenizer.error("invalid capture name")
            self.variable = quoted.content
        note_extra(parser, token, tokenizer, "the variable's name")
        parser.bind(self.variable)
        self.nodes: list[Node] = []
        while len(queue):
            inner = queue.shift()
            if isinstance(inner, TagToken) and inner.name == "endcapture":
                note_args(parser, inner)
                return
            self.nodes.append(parser.parse_token(inner, queue))
        raise TagError(f"tag {token.text()} not closed")

    def render(self, ctx: Context, out: Sink) -> None:
        """Render the body into the variable."""
        ctx.state.step()
        sink = TextSink()
        render_templates(self.nodes, ctx, sink)
        text = sink.getvalue()
        ctx.state.hold(len(text))
        ctx.scopes[0][self.variable] = text


class CommentTag:
    """``{% comment %}`` … ``{% endcomment %}`` (nested comments counted)."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        depth = 1
        while len(queue):
            inner = queue.shift()
            if not isinstance(inner, TagToken):
                continue
            if inner.name == "comment":
                depth += 1
            elif inner.name == "endcomment":
                depth -= 1
                if depth == 0:
                    return
        raise TagError(f"tag {token.text()} not closed")

    def render(self, ctx: Context, out: Sink) -> None:
        """Nothing."""


class InlineCommentTag:
    """``{% # comment %}``: every line of it must start with ``#``."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        if _COMMENT_LINE.search(token.args):
            raise TagError("every line of an inline comment must start with a '#' character")

    def render(self, ctx: Context, out: Sink) -> None:
        """Nothing."""


class RawTag:
    """``{% raw %}`` … ``{% endraw %}``: the text in between, as written."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        parts: list[Any] = []
        while len(queue):
            inner = queue.shift()
            if isinstance(inner, TagToken) and inner.name == "endraw":
                self.text = "".join(part.text() for part in parts)
                self.origin = parts[0].begin if parts else token.end
                return
            parts.append(inner)
        raise TagError(f"tag {token.text()} not closed")

    def render(self, ctx: Context, out: Sink) -> None:
        """Write the text, mapped character for character."""
        if self.text:
            out.write(self.text, self.origin, True)


class EchoTag:
    """``{% echo value | filters %}``."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        tokenizer = token.tokenizer
        tokenizer.skip_blank()
        self.value: Evaluator | None = None
        if not tokenizer.end():
            self.value = parser.filtered(tokenizer.read_filtered_value(), tokenizer)

    def render(self, ctx: Context, out: Sink) -> None:
        """Write the value like an output."""
        ctx.state.step()
        if self.value is not None:
            out.write(stringify(to_value(self.value(ctx))), self.index)


class LiquidTag:
    """``{% liquid %}``: one tag per line, without delimiters."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        tokenizer = token.tokenizer
        tokens = read_liquid_tag_tokens(tokenizer.input, tokenizer.p, tokenizer.N)
        self.nodes = parser.parse_tokens(TokenQueue(list(tokens)))

    def render(self, ctx: Context, out: Sink) -> None:
        """Render each line's tag."""
        render_templates(self.nodes, ctx, out)


class _Counter:
    step = 1.0

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        self.variable = token.tokenizer.read_identifier().content
        note_extra(parser, token, token.tokenizer, "the counter's name")
        parser.bind(self.variable)

    def current(self, ctx: Context) -> float:
        """The counter's value: written before, else the data's number, else 0."""
        counters = ctx.counters
        found = (
            counters[self.variable]
            if self.variable in counters
            else own_property(ctx.environments, self.variable)
        )
        return as_float(found) if isinstance(found, (int, float)) and is_number(found) else 0.0


class IncrementTag(_Counter):
    """``{% increment name %}``: write the counter, then add one."""

    def render(self, ctx: Context, out: Sink) -> None:
        """Write the counter's value before adding one."""
        ctx.state.step()
        value = self.current(ctx)
        ctx.counters[self.variable] = value + 1
        out.write(stringify(value), self.index)


class DecrementTag(_Counter):
    """``{% decrement name %}``: subtract one, then write the counter."""

    def render(self, ctx: Context, out: Sink) -> None:
        """Write the counter's value after subtracting one."""
        ctx.state.step()
        value = self.current(ctx) - 1
        ctx.counters[self.variable] = value
        out.write(stringify(value), self.index)


class CycleTag:
    """``{% cycle 'group': a, b, c %}``: the next value in turn."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        tokenizer = token.tokenizer
        begin = tokenizer.p
        group = tokenizer.read_value()
        tokenizer.skip_blank()
        self.group: Evaluator | None = None
        if group is not None:
            if tokenizer.peek() == ":":
                self.group = parser.value(group)
                if isinstance(group, QuotedToken):
                    parser.bind(group.content)
                tokenizer.p += 1
            else:
                tokenizer.p = begin
        self.candidates: list[Evaluator] = []
        texts = []
        while not tokenizer.end():
            value = tokenizer.read_filtered_value()
            texts.append(tokenizer.input[value.begin : value.end])
            self.candidates.append(parser.filtered(value))
            tokenizer.read_to(",")
        if not self.candidates:
            raise tokenizer.error(f'empty candidates: "{token.text()}"')
        self.fingerprint = "cycle:args:" + ",".join(texts)

    def render(self, ctx: Context, out: Sink) -> None:
        """Write the group's next value (nothing when it is falsy)."""
        ctx.state.step()
        if self.group is not None:
            fingerprint = f"cycle:group:{js_string(self.group(ctx))}"
        else:
            fingerprint = self.fingerprint
        groups = ctx.get_register("cycle", {})
        position = groups.get(fingerprint, UNDEFINED)
        if position is UNDEFINED:
            position = groups[fingerprint] = 0
        candidate = self.candidates[position] if position < len(self.candidates) else None
        position += 1
        groups[fingerprint] = position if position < len(self.candidates) else 0
        if candidate is None:
            return
        value = to_value(candidate(ctx))
        if js_truthy(value):
            out.write(stringify(value), self.index)


BASIC_TAGS: dict[str, Any] = {
    "assign": AssignTag,
    "capture": CaptureTag,
    "comment": CommentTag,
    "#": InlineCommentTag,
    "raw": RawTag,
    "echo": EchoTag,
    "liquid": LiquidTag,
    "increment": IncrementTag,
    "decrement": DecrementTag,
    "cycle": CycleTag,
}
"""These tags by name."""
