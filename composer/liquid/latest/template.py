"""Rendering: text, outputs, filters, and the loop over a template's parts.

Ports ``src/render/render.ts`` (``renderTemplates``: each part in turn, stopping after
a ``break`` or ``continue``, an error wrapped at the innermost part being rendered),
``src/template/html.ts``, ``output.ts``, ``value.ts`` and ``filter.ts`` (a filter gets
the value and its evaluated arguments, ``key: value`` arguments as ``[key, value]``
pairs; a filter this version does not have passes the value through, as LiquidJS does
with ``strictFilters`` off).

Where LiquidJS throws and writes nothing, the render stops here with the text written
so far and a :class:`~composer.liquid.errors.LiquidRenderError` at the output or tag
that failed, naming the filter. Every filter call counts as a step of the render
state, and every text a filter makes is checked against the output limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from composer.liquid.errors import LiquidError, LiquidRenderError, RenderLimitError
from composer.liquid.latest.jsstring import JsError, well_formed
from composer.liquid.latest.jsvalues import stringify, to_value
from composer.liquid.output import OutputBuffer
from composer.liquid.state import OUTPUT_LIMIT, RenderState

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context
    from composer.liquid.latest.expression import Evaluator

__all__ = [
    "FilterCall",
    "FilterImpl",
    "HTMLNode",
    "Node",
    "OutputNode",
    "Sink",
    "TextSink",
    "TopSink",
    "apply_filters",
    "render_templates",
]

FilterImpl = Callable[..., Any]
"""A filter: ``impl(context, value, *args)``."""
_SURROGATE = re.compile("[\ud800-\udfff]")


class Sink(Protocol):
    """Where rendered text goes (the output buffer, or a capture)."""

    def write(self, text: str, origin: int = -1, exact: bool = False) -> None:
        """Append ``text`` that came from template index ``origin``."""


class Node(Protocol):
    """A part of a parsed template: text, an output or a tag."""

    index: int
    """Where it starts in the template."""

    def render(self, ctx: Context, out: Sink) -> None:
        """Write the part."""


class TopSink:
    """The render's :class:`OutputBuffer`, writing U+FFFD for a lone surrogate (as Node)."""

    __slots__ = ("buffer",)

    def __init__(self, buffer: OutputBuffer) -> None:
        self.buffer = buffer

    def write(self, text: str, origin: int = -1, exact: bool = False) -> None:
        """Append ``text``."""
        if not exact and not text.isascii() and _SURROGATE.search(text):
            text = well_formed(text)
        self.buffer.write(text, origin, exact)


class TextSink:
    """Text kept for a ``capture`` (or a rendered file name), limited in size."""

    __slots__ = ("parts", "size")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str, origin: int = -1, exact: bool = False) -> None:
        """Append ``text``."""
        self.size += len(text)
        if self.size > OUTPUT_LIMIT:
            raise RenderLimitError(
                f"captured text is larger than {OUTPUT_LIMIT // (1024 * 1024)} MiB"
            )
        self.parts.append(text)

    def getvalue(self) -> str:
        """The text written."""
        return "".join(self.parts)


def describe_error(error: JsError) -> str:
    """A JavaScript error as a sentence for the author."""
    return error.explanation or f"a value failed with JavaScript's {error.name}: {error.message}"


def render_templates(nodes: Sequence[Node], ctx: Context, out: Sink) -> None:
    """LiquidJS's ``renderTemplates``."""
    for node in nodes:
        try:
            node.render(ctx, out)
        except LiquidError as error:
            raise error.at(node.index) from None
        except JsError as error:
            raise LiquidRenderError(describe_error(error), node.index) from None
        if ctx.break_called or ctx.continue_called:
            break


class HTMLNode:
    """Literal text (after whitespace control)."""

    __slots__ = ("index", "text")

    def __init__(self, text: str, index: int) -> None:
        self.text = text
        self.index = index

    def render(self, ctx: Context, out: Sink) -> None:
        """Write the text, mapped character for character to the template."""
        out.write(self.text, self.index, True)


class OutputNode:
    """``{{ value | filters }}``."""

    __slots__ = ("index", "value")

    def __init__(self, value: Evaluator, index: int) -> None:
        self.value = value
        self.index = index

    def render(self, ctx: Context, out: Sink) -> None:
        """Write the value as LiquidJS's ``stringify`` does."""
        out.write(stringify(to_value(self.value(ctx))), self.index)


class FilterCall:
    """One filter of a value, with its compiled arguments."""

    __slots__ = ("args", "arity", "fallback_after", "impl", "index", "name")

    def __init__(
        self,
        name: str,
        index: int,
        impl: FilterImpl | None,
        args: list[tuple[str | None, Evaluator]],
        arity: int | None = None,
    ) -> None:
        self.name = name
        """The filter's name as written."""
        self.index = index
        """Where the filter's name is written."""
        self.impl = impl
        """The filter, or None when this version has none of that name."""
        self.args = args
        """Each argument: its key (for ``key: value``) or None, and its evaluator."""
        self.arity = arity
        """How many arguments the filter reads (the rest are evaluated and dropped, as
        JavaScript ignores extra arguments), or None for any number."""
        self.fallback_after = False
        """Whether a ``default`` comes later in the same chain (set by :func:`apply_filters`),
        so a value this filter leaves empty still gets a fallback."""

    def apply(self, ctx: Context, value: object) -> object:
        """The filter applied to ``value``."""
        argv: list[object] = [value]
        for key, argument in self.args:
            found = argument(ctx)
            argv.append(found if key is None else [key, found])
        state = ctx.state
        state.step()
        impl = self.impl
        if impl is None:
            return value
        ctx.filter_name = self.name
        ctx.filter_index = self.index
        ctx.fallback_after = self.fallback_after
        arity = self.arity
        if arity is not None and len(argv) > arity + 1:
            del argv[arity + 1 :]
        try:
            result = impl(ctx, *argv)
        except JsError as error:
            told = error.explanation or f"failed: {error.message}"
            raise LiquidRenderError(f"the filter '{self.name}' {told}", None) from None
        if type(result) is str:
            RenderState.check_text(result)
        return result


def apply_filters(initial: Evaluator, filters: list[FilterCall]) -> Evaluator:
    """An evaluator for ``initial`` followed by ``filters``."""
    if not filters:
        return initial
    for i, call in enumerate(filters):
        call.fallback_after = any(later.name == "default" for later in filters[i + 1 :])
    if len(filters) == 1:
        only = filters[0]
        return lambda ctx: only.apply(ctx, initial(ctx))

    def evaluate(ctx: Context) -> object:
        value = initial(ctx)
        for call in filters:
            value = call.apply(ctx, value)
        return value

    return evaluate
