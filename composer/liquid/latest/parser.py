"""From tokens to a tree of parts (``src/parser/parser.ts``, ``parse-stream.ts``).

The :class:`Parser` turns each top-level token into a part: text, an output, or a tag
built by its class from the tokens that follow (a block tag takes its body through a
:class:`ParseStream`, as in LiquidJS). An unknown tag is a ``ParseError``, as is any
error a tag raises while it is built (reported at that tag). Blocks nest at most
:data:`~composer.liquid.state.NESTING_LIMIT` deep.

While it builds the tree the parser also gathers what the template uses (variables,
tags, filters, names it binds: the :class:`~composer.liquid.engine.Analysis`) and the
warnings worth giving before anything renders: a filter this version lacks, and markup
LiquidJS reads past without a word (notices of kind ``lax_markup``): operands it never
uses, text after an expression, arguments a filter ignores, a quote that swallows the
following ``}}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from composer.liquid.engine import Analysis, VariableUse
from composer.liquid.errors import LiquidError
from composer.liquid.latest.errors import ParseError, TagError
from composer.liquid.latest.expression import (
    Evaluator,
    compile_expression,
    compile_value,
    to_postfix,
)
from composer.liquid.latest.template import FilterCall, HTMLNode, Node, OutputNode, apply_filters
from composer.liquid.latest.tokenizer import PARSE_CLOCK, Tokenizer, tick
from composer.liquid.latest.tokens import (
    ExpressionPart,
    FilteredValueToken,
    FilterToken,
    HTMLToken,
    IdentifierToken,
    LiteralToken,
    NumberToken,
    OperatorToken,
    OutputToken,
    PropertyAccessToken,
    QuotedToken,
    RangeToken,
    TagToken,
    ValueToken,
)
from composer.liquid.latest.toplevel import TopLevelToken, read_top_level_tokens
from composer.liquid.state import NESTING_LIMIT, Notice

if TYPE_CHECKING:
    from composer.liquid.latest.engine import LatestEngine

__all__ = ["ParseStream", "Parser", "TagError", "Template", "TokenQueue", "where"]

_TICK_EVERY = 256


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: its parts, what it uses, and its parse-time notices."""

    nodes: list[Node]
    analysis: Analysis
    notices: tuple[Notice, ...] = field(default=())


class TokenQueue:
    """The tokens still to parse (LiquidJS's ``remainTokens``)."""

    __slots__ = ("at", "tokens")

    def __init__(self, tokens: list[Any]) -> None:
        self.tokens = tokens
        self.at = 0

    def shift(self) -> Any:
        """The next token, taken off the queue; None when none is left."""
        if self.at >= len(self.tokens):
            return None
        token = self.tokens[self.at]
        self.at += 1
        if self.at & 511 == 0:
            tick()
        return token

    def __len__(self) -> int:
        return len(self.tokens) - self.at


def where(source: str, index: int) -> str:
    """``line L, column C`` of ``index`` in ``source`` (1-based)."""
    line = source.count("\n", 0, index) + 1
    column = index - (source.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


class ParseStream:
    """LiquidJS's ``ParseStream``: a block's tokens, with a handler per event."""

    def __init__(self, queue: TokenQueue, parser: Parser) -> None:
        self.queue = queue
        self.parser = parser
        self.handlers: dict[str, Callable[[Any], None]] = {}
        self.stopped = False

    def on(self, event: str, handler: Callable[[Any], None]) -> ParseStream:
        """Handle ``event`` (``start``, ``tag:NAME``, ``template``, ``end``)."""
        self.handlers[event] = handler
        return self

    def stop(self) -> None:
        """Stop reading tokens (the block's end tag was found)."""
        self.stopped = True

    def start(self) -> None:
        """Read tokens until stopped or none is left."""
        handlers = self.handlers
        if "start" in handlers:
            handlers["start"](None)
        while not self.stopped:
            token = self.queue.shift()
            if token is None:
                break
            if isinstance(token, TagToken):
                handler = handlers.get("tag:" + token.name)
                if handler is not None:
                    handler(token)
                    continue
            template = self.parser.parse_token(token, self.queue)
            if "template" in handlers:
                handlers["template"](template)
        if not self.stopped and "end" in handlers:
            handlers["end"](None)


class Parser:
    """Builds one template's parts and gathers its analysis and notices."""

    def __init__(
        self, engine: LatestEngine, source: str, tick: Callable[[], None] | None = None
    ) -> None:
        self.engine = engine
        """The engine whose tags and filters the template may use."""
        self.source = source
        """The template."""
        self.tick = tick
        """Called now and then (the render's clock), or None."""
        self.notices: list[Notice] = []
        self.variables: list[VariableUse] = []
        self.locals: set[str] = set()
        self.tags: list[tuple[str, int]] = []
        self.filters: list[tuple[str, int]] = []
        self.dynamic = False
        self.depth = 0
        self.count = 0

    def parse(self) -> Template:
        """The whole template (raises ``LiquidSyntaxError``)."""
        clock = PARSE_CLOCK.set(self.tick)
        try:
            tokens = read_top_level_tokens(self.source, self.tick)
            nodes = self.parse_tokens(TokenQueue(tokens))
        finally:
            PARSE_CLOCK.reset(clock)
        analysis = Analysis(
            tuple(self.variables),
            frozenset(self.locals),
            tuple(self.tags),
            tuple(self.filters),
            self.dynamic,
        )
        return Template(nodes, analysis, tuple(self.notices))

    def parse_tokens(self, queue: TokenQueue) -> list[Node]:
        """Parts for every token left in ``queue``."""
        nodes: list[Node] = []
        while True:
            token = queue.shift()
            if token is None:
                return nodes
            nodes.append(self.parse_token(token, queue))

    def parse_token(self, token: TopLevelToken, queue: TokenQueue) -> Node:
        """The part one token makes (a tag may take more tokens from ``queue``)."""
        self.count += 1
        if self.tick is not None and self.count % _TICK_EVERY == 0:
            self.tick()
        if isinstance(token, HTMLToken):
            return HTMLNode(token.content(), token.begin + token.trim_left)
        try:
            if isinstance(token, OutputToken):
                return self._output(token)
            tag_class = self.engine.tag_classes.get(token.name)
            if tag_class is None:
                raise TagError(f'tag "{token.name}" not found')
            self.tags.append((token.name, token.begin))
            self.depth += 1
            try:
                if self.depth > NESTING_LIMIT:
                    raise TagError(f"blocks nest more than {NESTING_LIMIT} levels deep")
                node: Node = tag_class(token, queue, self)
                return node
            finally:
                self.depth -= 1
        except LiquidError:
            raise
        except TagError as error:
            raise ParseError(str(error), token.begin) from None

    def stream(self, queue: TokenQueue) -> ParseStream:
        """A parse stream over the tokens left."""
        return ParseStream(queue, self)

    # -- compiling, with analysis and notices -------------------------------------

    def _output(self, token: OutputToken) -> OutputNode:
        tokenizer = Tokenizer(token.input, token.content_begin, token.content_end)
        value = tokenizer.read_filtered_value()
        evaluator = self.filtered(value, tokenizer, swallowed=token.swallowed)
        return OutputNode(evaluator, token.begin)

    def filtered(
        self,
        token: FilteredValueToken,
        tokenizer: Tokenizer | None = None,
        swallowed: list[tuple[int, int]] | None = None,
    ) -> Evaluator:
        """A value with filters, compiled; markup left unread in ``tokenizer`` is noted."""
        ignored = self.ignored_operands(token.initial)
        if tokenizer is not None:
            ignored.extend(tokenizer.skipped)
            tokenizer.skipped = []
            tokenizer.skip_blank()
            if not tokenizer.end():
                ignored.append((tokenizer.p, tokenizer.N))
            ignored.sort()
        if ignored:
            self.note_ignored(token.begin, ignored, swallowed or [])
        initial = self.expression(token.initial)
        calls = []
        for count, filter_token in enumerate(token.filters):
            if count & 511 == 511:
                tick()
            calls.append(self.filter_call(filter_token))
        return apply_filters(initial, calls)

    def expression(self, parts: list[ExpressionPart]) -> Evaluator:
        """An expression, compiled, its variables noted."""
        for count, part in enumerate(parts):
            if count & 511 == 511 and self.tick is not None:
                self.tick()
            if not isinstance(part, OperatorToken):
                self.note_value(part)
        return compile_expression(parts)

    def value(self, token: ValueToken | None) -> Evaluator:
        """One value token, compiled, its variables noted."""
        if token is not None:
            self.note_value(token)
        return compile_value(token)

    def filter_call(self, token: FilterToken) -> FilterCall:
        """One filter with its arguments compiled; a notice when this version lacks it."""
        self.filters.append((token.name, token.begin))
        impl = self.engine.filter_impls.get(token.name)
        if impl is None:
            self.notices.append(
                Notice(
                    "warning",
                    token.begin,
                    f"the filter '{token.name}' does not exist in latest Liquid (LiquidJS), "
                    "so the value passes through unchanged",
                    "unknown_filter",
                    token.name,
                )
            )
        args: list[tuple[str | None, Evaluator]] = []
        positional = 0
        for arg in token.args:
            if isinstance(arg, tuple):
                args.append((arg[0], self.value(arg[1])))
            else:
                args.append((None, self.value(arg)))
            positional += 1
        if token.name.endswith("_exp") and len(token.args) == 2:
            self._note_exp(token.args[0], token.args[1])
        limit = self.engine.filter_arity.get(token.name)
        if impl is not None and limit is not None and positional > limit:
            takes = "no arguments" if limit == 0 else f"at most {limit} argument(s)"
            self.notices.append(
                Notice(
                    "warning",
                    token.begin,
                    f"the filter '{token.name}' takes {takes}; LiquidJS ignores the rest "
                    f"of `{self.source[token.begin : token.end].strip()}`",
                    "lax_markup",
                    token.name,
                )
            )
        return FilterCall(token.name, token.begin, impl, args, limit)

    def _note_exp(self, name: object, exp: object) -> None:
        """Note what a ``*_exp`` filter's expression reads (besides its item)."""
        if not (isinstance(name, QuotedToken) and isinstance(exp, QuotedToken)):
            return
        try:
            parts = list(Tokenizer(exp.content).read_expression_tokens())
        except LiquidError:
            return
        found = Parser(self.engine, exp.content)
        for part in parts:
            if not isinstance(part, OperatorToken):
                found.note_value(part)
        for use in found.variables:
            if use.path[:1] != (name.content,):
                self.variables.append(VariableUse(use.path, exp.begin))

    def bind(self, name: str) -> None:
        """Note a name the template binds itself."""
        self.locals.add(name)

    def lax(self, index: int, message: str) -> None:
        """Note markup LiquidJS reads past without a word."""
        self.notices.append(Notice("warning", index, message, "lax_markup"))

    def ignored_operands(self, parts: list[ExpressionPart]) -> list[tuple[int, int]]:
        """The spans of operands an expression evaluates but never uses."""
        if len(parts) == 1:
            return []
        stack: list[tuple[int, int]] = []
        for count, part in enumerate(to_postfix(parts)):
            if count & 1023 == 1023:
                tick()
            if isinstance(part, OperatorToken):
                begin, end = part.begin, part.end
                for _ in range(1 if part.operator == "not" else 2):
                    if stack:
                        low, high = stack.pop()
                        begin, end = min(begin, low), max(end, high)
                stack.append((begin, end))
            else:
                stack.append((part.begin, part.end))
        return sorted(stack[1:])

    def note_ignored(
        self, begin: int, ignored: list[tuple[int, int]], swallowed: list[tuple[int, int]]
    ) -> None:
        """A ``lax_markup`` notice naming what LiquidJS ignores (and a swallowing quote)."""
        source = self.source
        texts = ", ".join(f"`{_clip(source[start:end])}`" for start, end in ignored)
        first = ignored[0][0]
        swallowing = [span for span in swallowed if span[0] >= first]
        if swallowing:
            quote, stop = swallowing[0]
            closing = source.find("}}", quote, stop)
            self.lax(
                quote,
                f"the quote at {where(source, quote)} starts a string that runs past the "
                f"`}}}}` at {where(source, closing)} up to {where(source, stop - 1)}, so "
                f"LiquidJS reads everything from {where(source, begin)} to the next `}}}}` "
                f"as one output and ignores {texts}",
            )
            return
        self.lax(first, f"LiquidJS reads past and ignores {texts} at {where(source, first)}")

    def note_value(self, token: ValueToken) -> None:
        """Note every variable ``token`` reads, in the order they are written."""
        if isinstance(token, RangeToken):
            self.note_value(token.lhs)
            self.note_value(token.rhs)
        elif isinstance(token, PropertyAccessToken):
            if token.variable is not None:
                self.note_value(token.variable)
            path: list[str | int | None] = []
            computed: list[ValueToken] = []
            for prop in token.props:
                if isinstance(prop, (IdentifierToken, QuotedToken)):
                    path.append(prop.content)
                elif isinstance(prop, NumberToken) and prop.content.is_integer():
                    path.append(int(prop.content))
                else:
                    path.append(None)
                    if not isinstance(prop, (LiteralToken, NumberToken)):
                        computed.append(prop)
            if token.variable is None:
                self.variables.append(VariableUse(tuple(path), token.begin))
            for prop in computed:
                self.note_value(prop)


def _clip(text: str, size: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= size else text[: size - 1] + "…"
