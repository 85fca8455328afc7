"""How an engine calls Customer.io's filters and tags: the :class:`Call` it passes.

Customer.io's own filters and tags (:mod:`composer.liquid.cio`) are written once for
both versions. An engine registers the ones :func:`~composer.liquid.cio.filters_for`
and :func:`~composer.liquid.cio.tags_for` give for its version, and calls each with a
:class:`Call` that lends them the engine's own view of values: its text of a value
(Ruby's ``to_s`` or JavaScript's ``String``), its numbers, its nil, and a way to
evaluate an expression written in a tag.

A filter is ``func(call, value, *args)``; it raises ``ValueError``, ``TypeError`` or
:class:`~composer.liquid.errors.LiquidRenderError` on bad input (the engine turns the
first two into its own render error, naming the filter, at the filter's place). A tag
is a :class:`CioTag` whose ``render(call, markup)`` returns the text it writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from composer.liquid.engine import LiquidVersion
from composer.liquid.state import Notice, RenderState

__all__ = ["Call", "CioFilter", "CioTag"]


@dataclass(frozen=True, slots=True)
class Call:
    """What a Customer.io filter or tag gets from the engine that runs it."""

    version: LiquidVersion
    """The version rendering: ``latest`` or ``legacy``."""
    state: RenderState
    """The render's zone, 'now', deadline and notices."""
    index: int | None
    """Where the filter or tag is written in the template."""
    name: str
    """The filter's or tag's name as written."""
    to_text: Callable[[object], str]
    """The engine's text of a value, as its output would write it."""
    to_number: Callable[[object], int | float | Decimal]
    """The engine's reading of a value as a number (Ruby's ``to_number``, JS ``Number``)."""
    is_nil: Callable[[object], bool]
    """Whether a value is the engine's nil (``nil``; ``null`` or ``undefined``)."""
    evaluate: Callable[[str], object]
    """Evaluate an expression written in a tag's markup (``customer.id``, ``'text'``, ``5``)."""
    render_source: Callable[[str], str]
    """Render Liquid text with the current scope (``render_liquid``)."""

    @property
    def zone(self) -> dt.tzinfo:
        """The zone dates render in."""
        return self.state.zone

    def now(self) -> dt.datetime:
        """What ``'now'`` means for this render (aware)."""
        return self.state.now or dt.datetime.now(dt.UTC)

    def warn(self, message: str, kind: str) -> None:
        """Tell the author something about this filter or tag (once per place)."""
        self.state.notice(Notice("warning", self.index, message, kind, self.name))


CioFilter = Callable[..., Any]
"""``func(call, value, *args)``: a Customer.io filter."""


@dataclass(frozen=True, slots=True)
class CioTag:
    """A Customer.io tag without a body: ``{% name markup %}``."""

    name: str
    """The tag's name."""
    render: Callable[[Call, str], str]
    """Given the call and the markup after the name (stripped), the text the tag writes."""
