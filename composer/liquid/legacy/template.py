"""``Liquid::Template`` (``lib/liquid/template.rb``) as Customer.io's legacy Liquid engine.

``Template.parse(source).render(data)``: the source is tokenized and parsed once (and
kept, keyed by its text, a syntax error too; a guard stopping the parse is not
kept), then rendered against the data with a fresh
:class:`~composer.liquid.legacy.context.Context`. The engine carries the tag table
(``Template.tags``: 2.5.3's tags, then Customer.io's) and the filter table (the
``Strainer``: 2.5.3's 31 filters, then Customer.io's, which win over a standard filter of
the same name).

What Ruby cannot do and the engine must: the render has a deadline (parsing included),
guards on output, loops, assigned text, number size and nesting, reports what the data
lacks, and never raises for a template problem — a syntax error, a guard, or the first
``Liquid error`` written inline arrive as the outcome's ``error``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from composer.liquid import cio
from composer.liquid.engine import Analysis, LiquidVersion, RenderOutcome
from composer.liquid.errors import LiquidError, LiquidSyntaxError, RenderLimitError
from composer.liquid.legacy.block import Document, LegacyBuffer, parse_document, render_all
from composer.liquid.legacy.context import Context
from composer.liquid.legacy.customer_io import CioTagNode
from composer.liquid.legacy.filters import STANDARD_FILTERS
from composer.liquid.legacy.flow import FLOW_TAGS
from composer.liquid.legacy.htmltags import HTML_TAGS
from composer.liquid.legacy.numbers import to_number
from composer.liquid.legacy.parsing import Parser
from composer.liquid.legacy.strainer import FilterSpec, registered
from composer.liquid.legacy.tags import SIMPLE_TAGS
from composer.liquid.legacy.variable import Variable, render_variable
from composer.liquid.state import NESTING_LIMIT, RENDER_DEADLINE_S, Notice, RenderState

__all__ = ["LegacyEngine", "Template"]

_PARSE_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "legacy_parse_deadline", default=None
)
_CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: its tree, what it uses, and the warnings its markup earns."""

    document: Document
    analysis: Analysis
    notices: tuple[Notice, ...]


def _cio_tag(tag: cio.CioTag) -> Callable[..., CioTagNode]:
    def make(_name: str, markup: str, index: int, at: int, parser: Parser) -> CioTagNode:
        return CioTagNode(tag, markup, index, at, parser)

    return make


def _raised(found: Template | LiquidSyntaxError) -> Template:
    """The parsed template; a kept syntax error is raised afresh (callers may place it)."""
    if isinstance(found, LiquidSyntaxError):
        raise type(found)(found.message, found.index)
    return found


class LegacyEngine:
    """Customer.io's legacy Liquid: Ruby Liquid 2.5.3 with ActiveSupport, plus Customer.io's
    filters and tags for legacy."""

    version: LiquidVersion = "legacy"
    title = "legacy (Ruby Liquid 2.5.3)"

    def __init__(self, *, customer_io: bool = True) -> None:
        """The engine; with ``customer_io=False``, Ruby Liquid 2.5.3 alone (as the tests
        compare it with the real one)."""
        self.tags: dict[str, Any] = {**SIMPLE_TAGS, **FLOW_TAGS, **HTML_TAGS}
        cio_filters: Mapping[str, Callable[..., Any]] = {}
        if customer_io:
            for name, tag in cio.tags_for("legacy").items():
                self.tags[name] = _cio_tag(tag)
            cio_filters = cio.filters_for("legacy")
        self.filters: dict[str, FilterSpec] = registered(STANDARD_FILTERS, cio_filters)
        self._parsed = functools.lru_cache(maxsize=_CACHE_SIZE)(self._parse_uncached)
        self._parsed_nested = functools.lru_cache(maxsize=_CACHE_SIZE)(self._parse_nested)

    def _parse(self, source: str) -> Template:
        return _raised(self._parsed(source))

    def _nested(self, source: str, origin: int | None) -> Template:
        return _raised(self._parsed_nested(source, origin))

    def _parse_uncached(self, source: str) -> Template | LiquidSyntaxError:
        parser = Parser(self.tags, self.filters, deadline=_PARSE_DEADLINE.get())
        try:
            document = parse_document(source, parser)
        except LiquidSyntaxError as error:
            return error  # kept, so a template that does not parse is not read again
        return Template(document, parser.analysis(), tuple(parser.notices))

    def _parse_nested(self, source: str, origin: int | None) -> Template | LiquidSyntaxError:
        parser = Parser(self.tags, self.filters, origin=origin, deadline=_PARSE_DEADLINE.get())
        try:
            document = parse_document(source, parser)
        except LiquidSyntaxError as error:
            return error
        return Template(document, parser.analysis(), ())

    def parse(self, source: str) -> Template:
        """The parsed template (cached by source); raises ``LiquidSyntaxError`` (or
        ``RenderLimitError`` for a template too large to parse in the render deadline)."""
        token = _PARSE_DEADLINE.set(time.monotonic() + RENDER_DEADLINE_S)
        try:
            return self._parse(source)
        finally:
            _PARSE_DEADLINE.reset(token)

    def analyze(self, source: str) -> Analysis:
        """What ``source`` uses; raises ``LiquidSyntaxError`` when it does not parse."""
        return self.parse(source).analysis

    def filter_names(self) -> frozenset[str]:
        """Every filter of legacy Liquid (Customer.io's included)."""
        return frozenset(self.filters)

    def tag_names(self) -> frozenset[str]:
        """Every tag of legacy Liquid (Customer.io's included)."""
        return frozenset(self.tags)

    def render(
        self,
        source: str,
        globals_: Mapping[str, object],
        *,
        zone: dt.tzinfo = dt.UTC,
        now: dt.datetime | None = None,
        deadline: float | None = None,
    ) -> RenderOutcome:
        """Render ``source`` against ``globals_``; never raises for template problems."""
        state = RenderState.begin(zone=zone, now=now, deadline=deadline)
        out = LegacyBuffer()
        ctx: Context | None = None
        error: LiquidError | None = None
        try:
            token = _PARSE_DEADLINE.set(state.deadline)
            try:
                template = self._parse(source)
            finally:
                _PARSE_DEADLINE.reset(token)
            state.notices.extend(template.notices)
            ctx = Context(self, globals_, state)
            render_all(template.document.nodelist, ctx, out)
        except LiquidError as stopped:
            error = stopped
        except RecursionError:
            error = RenderLimitError("the template or its data nests too deeply to render")
        except MemoryError:
            error = RenderLimitError("rendering needed more memory than there is")
        if ctx is not None and ctx.error is not None:
            if error is None:
                error = ctx.error
            else:
                state.notice(Notice("error", ctx.error.index, ctx.error.message, "inline_error"))
        return RenderOutcome(out.getvalue(), tuple(state.missing), tuple(state.notices), error, out)

    # -- what Customer.io's filters and tags borrow ------------------------------------

    to_number = staticmethod(to_number)

    def evaluate(self, ctx: Context, expression: str, index: int | None) -> object:
        """An expression (``customer.id``, ``'text'``, ``x | upcase``) in the current scope."""
        parser = Parser(self.tags, self.filters, origin=index if index is not None else 0)
        return render_variable(Variable(expression, 0, parser), ctx)

    def render_source(self, ctx: Context, source: str, index: int | None) -> str:
        """Render Liquid text in the current scope (``{% render_liquid %}``)."""
        if ctx.depth >= NESTING_LIMIT:
            raise RenderLimitError(f"Liquid renders Liquid more than {NESTING_LIMIT} deep", index)
        token = _PARSE_DEADLINE.set(ctx.state.deadline)
        try:
            template = self._nested(source, index if index is not None else 0)
        finally:
            _PARSE_DEADLINE.reset(token)
        inner = LegacyBuffer()
        ctx.depth += 1
        try:
            render_all(template.document.nodelist, ctx, inner)
        finally:
            ctx.depth -= 1
        return inner.getvalue()
