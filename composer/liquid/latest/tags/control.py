"""Control flow: ``if``, ``unless``, ``case``, ``for``, ``tablerow``, ``break``, ``continue``.

Ports ``src/tags/if.ts``, ``unless.ts``, ``case.ts``, ``for.ts``, ``tablerow.ts``,
``break.ts`` and ``continue.ts`` with their quirks: ``case`` renders *every* ``when``
that matches and ignores a ``when`` after ``else``; a second ``else`` of ``case`` or
``unless`` drops what follows it, while ``if`` refuses it (``duplicated else``);
``for`` applies ``offset``, ``limit`` and ``reversed`` in that order whatever the
order written, ``offset: continue`` resumes where the last loop over the same variable
and collection stopped, and a ``break`` outside a loop stops the template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from composer.liquid.latest.drops import ForloopDrop, TablerowloopDrop
from composer.liquid.latest.expression import equals
from composer.liquid.latest.jsnumber import number_to_string
from composer.liquid.latest.jsstring import JsError
from composer.liquid.latest.jsvalues import (
    UNDEFINED,
    is_falsy,
    js_add,
    js_number,
    js_truthy,
    slice_bounds,
    to_enumerable,
    to_value,
)
from composer.liquid.latest.parser import Parser, TagError, TokenQueue, where
from composer.liquid.latest.tags.common import Hash, assert_empty, note_args, note_extra
from composer.liquid.latest.template import Node, Sink, render_templates
from composer.liquid.latest.tokenizer import tick
from composer.liquid.latest.tokens import TagToken

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context
    from composer.liquid.latest.expression import Evaluator

__all__ = ["CONTROL_TAGS"]


def _condition(token: TagToken, parser: Parser) -> Evaluator:
    tokenizer = token.tokenizer
    return parser.filtered(tokenizer.read_filtered_value(), tokenizer)


def _not_closed(token: TagToken) -> TagError:
    return TagError(f"tag {token.text()} not closed")


class IfTag:
    """``{% if %}`` … ``{% elsif %}`` … ``{% else %}`` … ``{% endif %}``."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        self.branches: list[tuple[Evaluator, list[Node]]] = []
        self.else_nodes: list[Node] | None = None
        current: list[list[Node]] = [[]]
        stream = parser.stream(queue)

        def start(_: object) -> None:
            current[0] = []
            self.branches.append((_condition(token, parser), current[0]))

        def elsif(tag: TagToken) -> None:
            if self.else_nodes is not None:
                raise TagError("unexpected elsif after else")
            current[0] = []
            self.branches.append((_condition(tag, parser), current[0]))

        def else_(tag: TagToken) -> None:
            assert_empty(tag)
            if self.else_nodes is not None:
                raise TagError("duplicated else")
            self.else_nodes = current[0] = []

        def endif(tag: TagToken) -> None:
            assert_empty(tag)
            stream.stop()

        def end(_: object) -> None:
            raise _not_closed(token)

        stream.on("start", start).on("tag:elsif", elsif).on("tag:else", else_)
        stream.on("tag:endif", endif).on("template", lambda node: current[0].append(node))
        stream.on("end", end).start()

    def render(self, ctx: Context, out: Sink) -> None:
        """The first branch whose condition is truthy, else the ``else`` branch."""
        ctx.state.step()
        for condition, nodes in self.branches:
            if not is_falsy(to_value(condition(ctx))):
                render_templates(nodes, ctx, out)
                return
        render_templates(self.else_nodes or [], ctx, out)


class UnlessTag:
    """``{% unless %}`` (``elsif`` branches test truthiness) … ``{% endunless %}``."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        self.branches: list[tuple[Evaluator, bool, list[Node]]] = []
        self.else_nodes: list[Node] = []
        current: list[list[Node]] = [[]]
        else_count = [0]
        stream = parser.stream(queue)

        def start(_: object) -> None:
            current[0] = []
            self.branches.append((_condition(token, parser), False, current[0]))

        def elsif(tag: TagToken) -> None:
            if else_count[0] > 0:
                current[0] = []
                return
            current[0] = []
            self.branches.append((_condition(tag, parser), True, current[0]))

        def else_(tag: TagToken) -> None:
            note_args(parser, tag)
            else_count[0] += 1
            current[0] = self.else_nodes

        def template(node: Node) -> None:
            if current[0] is not self.else_nodes or else_count[0] == 1:
                current[0].append(node)

        def end(_: object) -> None:
            raise _not_closed(token)

        def close(tag: TagToken) -> None:
            note_args(parser, tag)
            stream.stop()

        stream.on("start", start).on("tag:elsif", elsif).on("tag:else", else_)
        stream.on("tag:endunless", close).on("template", template)
        stream.on("end", end).start()

    def render(self, ctx: Context, out: Sink) -> None:
        """The first branch whose test passes, else the ``else`` branch."""
        ctx.state.step()
        for condition, truthy, nodes in self.branches:
            if is_falsy(to_value(condition(ctx))) != truthy:
                render_templates(nodes, ctx, out)
                return
        render_templates(self.else_nodes, ctx, out)


class CaseTag:
    """``{% case %}`` … ``{% when a, b or c %}`` … ``{% else %}`` … ``{% endcase %}``."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        self.value = _condition(token, parser)
        self.branches: list[tuple[list[Evaluator], list[Node]]] = []
        self.else_nodes: list[Node] = []
        current: list[list[Node]] = [[]]
        else_count = [0]
        stream = parser.stream(queue)

        def when(tag: TagToken) -> None:
            if else_count[0] > 0:
                return
            current[0] = []
            values: list[Evaluator] = []
            tokenizer = tag.tokenizer
            while not tokenizer.end():
                if len(values) & 511 == 511:
                    tick()
                values.append(parser.value(tokenizer.read_value_or_throw()))
                tokenizer.skip_blank()
                skipped_from = tokenizer.p
                separator = "," if tokenizer.peek() == "," else "or"
                found = tokenizer.read_to(separator)
                skipped = tokenizer.input[
                    skipped_from : (found - len(separator)) if found != -1 else tokenizer.N
                ].strip()
                if skipped:
                    parser.lax(
                        skipped_from,
                        f"LiquidJS skips `{skipped}` in the 'when' at "
                        f"{where(parser.source, tag.begin)} (values are separated by "
                        "commas or `or`)",
                    )
            self.branches.append((values, current[0]))

        def else_(tag: TagToken) -> None:
            note_args(parser, tag)
            else_count[0] += 1
            current[0] = self.else_nodes

        def template(node: Node) -> None:
            if current[0] is not self.else_nodes or else_count[0] == 1:
                current[0].append(node)

        def end(_: object) -> None:
            raise _not_closed(token)

        def close(tag: TagToken) -> None:
            note_args(parser, tag)
            stream.stop()

        stream.on("tag:when", when).on("tag:else", else_)
        stream.on("tag:endcase", close).on("template", template)
        stream.on("end", end).start()

    def render(self, ctx: Context, out: Sink) -> None:
        """Every ``when`` with a value equal to the target (else the ``else`` branch)."""
        ctx.state.step()
        target = to_value(self.value(ctx))
        hit = False
        for values, nodes in self.branches:
            for value in values:
                if equals(target, value(ctx)):
                    render_templates(nodes, ctx, out)
                    hit = True
                    break
        if not hit:
            render_templates(self.else_nodes, ctx, out)


_MODIFIERS = ("offset", "limit", "reversed")


class ForTag:
    """``{% for item in collection offset: … limit: … reversed %}`` … ``{% endfor %}``."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        tokenizer = token.tokenizer
        variable = tokenizer.read_identifier()
        keyword = tokenizer.read_identifier()
        collection = tokenizer.read_value()
        if variable.begin == variable.end or keyword.content != "in" or collection is None:
            raise TagError(f"illegal tag: {token.text()}")
        self.variable = variable.content
        self.collection_text = tokenizer.input[collection.begin : collection.end]
        self.collection = parser.value(collection)
        self.hash = Hash(tokenizer, parser)
        for name in self.hash.items:
            if name not in _MODIFIERS:
                parser.lax(token.begin, f"the 'for' tag ignores `{name}` (LiquidJS does too)")
        note_extra(parser, token, tokenizer, "the loop's options")
        parser.bind(self.variable)
        parser.bind("forloop")
        self.nodes: list[Node] = []
        self.else_nodes: list[Node] = []
        current = [self.nodes]
        stream = parser.stream(queue)

        def else_(tag: TagToken) -> None:
            assert_empty(tag)
            current[0] = self.else_nodes

        def endfor(tag: TagToken) -> None:
            assert_empty(tag)
            stream.stop()

        def end(_: object) -> None:
            raise _not_closed(token)

        stream.on("tag:else", else_).on("tag:endfor", endfor)
        stream.on("template", lambda node: current[0].append(node)).on("end", end).start()

    def render(self, ctx: Context, out: Sink) -> None:
        """The body once per item (the ``else`` branch when there is none)."""
        ctx.state.step()
        collection = to_enumerable(self.collection(ctx))
        continue_key = f"continue-{self.variable}-{self.collection_text}"
        ctx.push({"continue": ctx.get_register(continue_key, {})})
        try:
            options = self.hash.render(ctx)
        finally:
            ctx.pop()
        for modifier in _MODIFIERS:
            given = options.get(modifier, UNDEFINED)
            if given is UNDEFINED:
                continue
            if modifier == "offset":
                start = js_number(given)
                start = start if start != start else max(start, 0.0)
                collection = collection[slice_bounds(len(collection), start)[0] :]
            elif modifier == "limit":
                offset = js_number(options.get("offset", UNDEFINED))
                offset = 0.0 if offset != offset or offset == 0 else offset
                stop = js_number(given) + min(offset, 0.0)
                stop = stop if stop != stop else max(stop, 0.0)
                collection = collection[: slice_bounds(len(collection), 0, stop)[1]]
            else:
                collection = collection[::-1]
        offset_given = options.get("offset", UNDEFINED)
        ctx.registers[continue_key] = js_add(
            offset_given if js_truthy(offset_given) else 0, len(collection)
        )
        if not collection:
            render_templates(self.else_nodes, ctx, out)
            return
        forloops = ctx.get_register("forloops", [])
        forloop = ForloopDrop(
            len(collection), self.collection_text, self.variable, forloops[-1] if forloops else None
        )
        scope: dict[str, Any] = {"forloop": forloop}
        ctx.push(scope)
        forloops.append(forloop)
        state, variable, nodes = ctx.state, self.variable, self.nodes
        try:
            for item in collection:
                state.loop_step()
                scope[variable] = item
                ctx.continue_called = ctx.break_called = False
                render_templates(nodes, ctx, out)
                if ctx.break_called:
                    break
                current = scope["forloop"]
                if not isinstance(current, ForloopDrop):
                    raise JsError("TypeError", "scope.forloop.next is not a function")
                current.next()
        finally:
            ctx.continue_called = ctx.break_called = False
            forloops.pop()
            ctx.pop()


class TablerowTag:
    """``{% tablerow item in collection cols: … %}``: an HTML table's rows and cells."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        tokenizer = token.tokenizer
        variable = tokenizer.read_identifier()
        tokenizer.skip_blank()
        keyword = tokenizer.read_identifier()
        collection = tokenizer.read_value()
        if keyword.content != "in" or collection is None:
            raise TagError(f"illegal tag: {token.text()}")
        self.variable = variable.content
        self.collection_text = tokenizer.input[collection.begin : collection.end]
        self.collection = parser.value(collection)
        self.args = Hash(tokenizer, parser)
        note_extra(parser, token, tokenizer, "the table's options")
        parser.bind(self.variable)
        parser.bind("tablerowloop")
        self.nodes: list[Node] = []
        stream = parser.stream(queue)

        def end(_: object) -> None:
            raise _not_closed(token)

        def close(tag: TagToken) -> None:
            note_args(parser, tag)
            stream.stop()

        stream.on("tag:endtablerow", close)
        stream.on("template", self.nodes.append).on("end", end).start()

    def render(self, ctx: Context, out: Sink) -> None:
        """``<tr class="rowN">`` rows of ``<td class="colN">`` cells."""
        ctx.state.step()
        collection = to_enumerable(self.collection(ctx))
        args = self.args.render(ctx)
        offset = args.get("offset", UNDEFINED)
        offset = offset if js_truthy(offset) else 0
        limit = args.get("limit", UNDEFINED)
        if limit is UNDEFINED:
            stop: object = len(collection)
        else:
            total = js_number(js_add(offset, limit))
            stop = total if total != total else max(total, 0.0)
        start = js_number(offset)
        start = start if start != start else max(start, 0.0)
        begin, end = slice_bounds(len(collection), start, stop)
        collection = collection[begin:end]
        cols = args.get("cols", UNDEFINED)
        cols = cols if js_truthy(cols) else len(collection)
        loop = TablerowloopDrop(len(collection), cols, self.collection_text, self.variable)
        scope: dict[str, Any] = {"tablerowloop": loop}
        ctx.push(scope)
        index, state = self.index, ctx.state
        try:
            for item in collection:
                state.loop_step()
                scope[self.variable] = item
                if loop.col0() == 0:
                    if loop.row() != 1:
                        out.write("</tr>", index)
                    out.write(f'<tr class="row{number_to_string(loop.row())}">', index)
                out.write(f'<td class="col{number_to_string(loop.col())}">', index)
                ctx.continue_called = ctx.break_called = False
                render_templates(self.nodes, ctx, out)
                out.write("</td>", index)
                if ctx.break_called:
                    break
                loop.next()
            if collection:
                out.write("</tr>", index)
        finally:
            ctx.continue_called = ctx.break_called = False
            ctx.pop()


class BreakTag:
    """``{% break %}``: stop the enclosing loop (or, outside one, the template)."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        note_extra(parser, token, token.tokenizer, "its name")

    def render(self, ctx: Context, out: Sink) -> None:
        """Set the flag the enclosing loop checks."""
        ctx.break_called = True


class ContinueTag:
    """``{% continue %}``: go on with the enclosing loop's next item."""

    def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
        self.index = token.begin
        note_extra(parser, token, token.tokenizer, "its name")

    def render(self, ctx: Context, out: Sink) -> None:
        """Set the flag the enclosing loop checks."""
        ctx.continue_called = True


CONTROL_TAGS: dict[str, Any] = {
    "if": IfTag,
    "unless": UnlessTag,
    "case": CaseTag,
    "for": ForTag,
    "tablerow": TablerowTag,
    "break": BreakTag,
    "continue": ContinueTag,
}
"""The control-flow tags by name."""
