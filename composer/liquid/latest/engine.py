"""The latest engine: LiquidJS 10.31 with its default options (``src/liquid.ts``).

:class:`LatestEngine` satisfies :class:`~composer.liquid.engine.Engine`. It holds the
tags and filters (LiquidJS's, then Customer.io's for latest, which win on a shared
name), parses each template once (a cache keyed by its text, which keeps syntax errors
too), and renders with a fresh :class:`~.context.Context` and
:class:`~composer.liquid.state.RenderState` per call. A render never raises for a
template problem: the :class:`~composer.liquid.engine.RenderOutcome` carries the text
written up to an error, and the error. Parsing happens inside the render's deadline.
"""

from __future__ import annotations

import datetime as dt
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from composer.liquid import cio as cio_registry
from composer.liquid.engine import Analysis, LiquidVersion, RenderOutcome
from composer.liquid.errors import (
    LiquidError,
    LiquidRenderError,
    LiquidSyntaxError,
    RenderLimitError,
)
from composer.liquid.latest.cio import cio_filter, cio_tag
from composer.liquid.latest.context import Context
from composer.liquid.latest.expression import Evaluator
from composer.liquid.latest.filters import FILTERS
from composer.liquid.latest.parser import Parser, Template
from composer.liquid.latest.tags import TAGS
from composer.liquid.latest.template import TopSink, render_templates
from composer.liquid.latest.tokenizer import Tokenizer
from composer.liquid.output import OutputBuffer
from composer.liquid.state import RenderState

__all__ = ["LatestEngine"]

_CACHE_SIZE = 256


def _arity(func: Callable[..., Any]) -> int | None:
    """How many arguments (after the value) a filter declares; None for any number."""
    count = 0
    for parameter in list(inspect.signature(func).parameters.values())[2:]:
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            return None
        count += 1
    return count


class LatestEngine:
    """Customer.io's latest Liquid: LiquidJS, plus Customer.io's filters and tags."""

    version: LiquidVersion = "latest"
    title = "latest (LiquidJS)"

    def __init__(self, customer_io: bool = True) -> None:
        self.tag_classes: dict[str, Any] = dict(TAGS)
        """Each tag's class by name."""
        self.filter_impls: dict[str, Any] = dict(FILTERS)
        """Each filter by name."""
        self.filter_arity: dict[str, int | None] = {
            name: _arity(func) for name, func in FILTERS.items()
        }
        """How many arguments each filter reads."""
        if customer_io:
            for name, func in cio_registry.filters_for("latest").items():
                self.filter_impls[name] = cio_filter(name, func)
                self.filter_arity[name] = None
            for name, tag in cio_registry.tags_for("latest").items():
                self.tag_classes[name] = cio_tag(tag)
        self._cache: OrderedDict[str, Template | LiquidSyntaxError] = OrderedDict()
        self._expressions: OrderedDict[str, Evaluator | LiquidRenderError] = OrderedDict()
        self._lock = threading.Lock()

    # -- parsing ------------------------------------------------------------------

    def _parse(self, source: str, tick: Callable[[], None] | None = None) -> Template:
        with self._lock:
            found = self._cache.get(source)
            if found is not None:
                self._cache.move_to_end(source)
        if found is None:
            try:
                found = Parser(self, source, tick).parse()
            except LiquidSyntaxError as error:
                found = error
            except RecursionError:
                found = LiquidSyntaxError("the template nests too deeply to read", None)
            with self._lock:
                self._cache[source] = found
                if len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        if isinstance(found, LiquidSyntaxError):
            raise type(found)(found.message, found.index)
        return found

    def parse(self, source: str, *, tick: Callable[[], None] | None = None) -> Template:
        """The parsed template (cached by source); raises ``LiquidSyntaxError``.

        ``tick`` is called now and then while parsing (a render's clock).
        """
        return self._parse(source, tick)

    def compile_expression_text(self, text: str) -> Evaluator:
        """An expression with filters written in data (``where_exp``), compiled once."""
        with self._lock:
            found = self._expressions.get(text)
        if found is None:
            try:
                tokenizer = Tokenizer(text)
                found = Parser(self, text).filtered(tokenizer.read_filtered_value())
            except LiquidError as error:
                found = LiquidRenderError(
                    f"the expression {text!r} cannot be read: {error.message}", None
                )
            with self._lock:
                self._expressions[text] = found
                if len(self._expressions) > _CACHE_SIZE:
                    self._expressions.popitem(last=False)
        if isinstance(found, LiquidRenderError):
            raise LiquidRenderError(found.message, None)
        return found

    # -- the Engine protocol ------------------------------------------------------

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
        buffer = OutputBuffer()
        error: LiquidError | None = None
        try:
            template = self._parse(source, state.check_deadline)
            for notice in template.notices:
                state.notice(notice)
            render_templates(template.nodes, Context(globals_, state, self), TopSink(buffer))
        except LiquidError as found:
            error = found
        except RecursionError:
            error = RenderLimitError("templates and values nest too deeply to render")
        except MemoryError:
            error = RenderLimitError("the render needed more memory than it may use")
        return RenderOutcome(
            buffer.getvalue(), tuple(state.missing), tuple(state.notices), error, buffer
        )

    def analyze(self, source: str) -> Analysis:
        """What ``source`` uses; raises ``LiquidSyntaxError`` when it does not parse."""
        return self._parse(source).analysis

    def filter_names(self) -> frozenset[str]:
        """Every filter (Customer.io's included)."""
        return frozenset(self.filter_impls)

    def tag_names(self) -> frozenset[str]:
        """Every tag (Customer.io's included)."""
        return frozenset(self.tag_classes)
