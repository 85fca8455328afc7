"""Customer.io's filters and tags inside this engine (:mod:`composer.liquid.cio`).

A Customer.io filter is called as ``func(call, value, *args)`` with a
:class:`~composer.liquid.cio.api.Call` lending it this engine's view of values:
``to_text`` is LiquidJS's ``stringify``, ``to_number`` JavaScript's ``Number()``,
``is_nil`` null or undefined; ``evaluate`` reads an expression (with filters) in the
current scope; ``render_source`` renders Liquid text in the current scope (Customer.io's
``{% render_liquid %}``), nesting at most :data:`~composer.liquid.state.NESTING_LIMIT`
deep, its missing variables and notices reported at the tag. Values reach a Customer.io
filter as plain data (a drop as its value, ``undefined`` as ``None``), and a
``ValueError`` or ``TypeError`` it raises becomes a render error at the filter.
A Customer.io tag is ``{% name markup %}`` and writes what its ``render`` returns.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from composer.liquid.cio.api import Call, CioFilter, CioTag
from composer.liquid.errors import (
    LiquidError,
    LiquidRenderError,
    LiquidSyntaxError,
    RenderLimitError,
)
from composer.liquid.latest.jsvalues import UNDEFINED, is_nil, js_number, stringify, to_value
from composer.liquid.latest.template import Sink, TextSink, render_templates
from composer.liquid.latest.tokenizer import Tokenizer
from composer.liquid.latest.tokens import TagToken
from composer.liquid.state import NESTING_LIMIT, MissingVariable

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context
    from composer.liquid.latest.parser import Parser, TokenQueue

__all__ = ["cio_filter", "cio_tag", "make_call"]


def _plain(value: object) -> object:
    value = to_value(value)
    return None if value is UNDEFINED else value


def _from_cio(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _is_nil(value: object) -> bool:
    return is_nil(to_value(value))


def make_call(ctx: Context, name: str, index: int | None) -> Call:
    """The :class:`Call` a Customer.io filter or tag gets from this render."""
    return Call(
        version="latest",
        state=ctx.state,
        index=index,
        name=name,
        to_text=stringify,
        to_number=js_number,
        is_nil=_is_nil,
        evaluate=lambda text: _plain(ctx.engine.compile_expression_text(text)(ctx)),
        render_source=lambda text: render_source(ctx, text, name, index),
    )


def render_source(ctx: Context, text: str, name: str, index: int | None) -> str:
    """Render Liquid ``text`` in the current scope (for ``render_liquid``)."""
    if ctx.depth >= NESTING_LIMIT:
        raise RenderLimitError(f"Liquid rendered from data nests more than {NESTING_LIMIT} deep")
    state = ctx.state
    try:
        template = ctx.engine.parse(text, tick=state.check_deadline)
    except LiquidSyntaxError as error:
        raise LiquidRenderError(
            f"the Liquid text given to '{name}' does not parse: {error.message}", None
        ) from None
    for notice in template.notices:
        state.notice(
            dataclasses.replace(
                notice, index=index, message=f"in the Liquid rendered by '{name}': {notice.message}"
            )
        )
    first_missing = len(state.missing)
    sink = TextSink()
    ctx.depth += 1
    try:
        render_templates(template.nodes, ctx, sink)
    except LiquidError as error:
        raise type(error)(f"in the Liquid rendered by '{name}': {error.message}", None) from None
    finally:
        ctx.depth -= 1
        state.missing[first_missing:] = [
            MissingVariable(found.path, index) for found in state.missing[first_missing:]
        ]
    return sink.getvalue()


def cio_filter(name: str, func: CioFilter) -> Any:
    """A Customer.io filter as this engine calls filters."""

    def impl(ctx: Context, value: object, *args: object) -> object:
        call = make_call(ctx, name, ctx.filter_index)
        try:
            result = func(call, _plain(value), *(_plain(arg) for arg in args))
        except (ValueError, TypeError) as error:
            raise LiquidRenderError(str(error), None) from None
        return _from_cio(result)

    impl.__name__ = name
    return impl


def cio_tag(tag: CioTag) -> type:
    """A Customer.io tag as a tag class of this engine."""

    class CioTagNode:
        __doc__ = f"Customer.io's ``{{% {tag.name} %}}``."

        def __init__(self, token: TagToken, queue: TokenQueue, parser: Parser) -> None:
            self.index = token.begin
            self.name = token.name
            self.markup = token.args.strip()
            if tag.name == "render_liquid":
                parser.dynamic = True
            try:
                tokenizer = Tokenizer(token.input, token.tokenizer.p, token.content_end)
                parser.expression(list(tokenizer.read_expression_tokens()))
            except LiquidError:
                pass

        def render(self, ctx: Context, out: Sink) -> None:
            """Write what the Customer.io tag renders for its markup."""
            ctx.state.step()
            call = make_call(ctx, self.name, self.index)
            try:
                text = tag.render(call, self.markup)
            except (ValueError, TypeError) as error:
                raise LiquidRenderError(str(error), None) from None
            out.write(text, self.index)

    CioTagNode.__name__ = f"CioTag_{tag.name}"
    return CioTagNode
