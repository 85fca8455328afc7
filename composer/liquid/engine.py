"""What every Liquid version offers the rest of the program: parse, render, analyse.

An :class:`Engine` is one Liquid version (:mod:`composer.liquid.legacy`: Ruby Liquid
2.5.3 with ActiveSupport; :mod:`composer.liquid.latest`: LiquidJS), with Customer.io's
filters and tags for that version. Each is built once and shared by the preview, the
sender and the checks. Its :meth:`Engine.render` never raises for a template problem:
the :class:`RenderOutcome` carries the text, what was missing, the notices and the
error that stopped it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from composer.liquid.errors import LiquidError
from composer.liquid.output import OutputBuffer
from composer.liquid.state import MissingVariable, Notice

__all__ = ["Analysis", "Engine", "LiquidVersion", "RenderOutcome", "VariableUse"]

LiquidVersion = Literal["latest", "legacy"]


@dataclass(frozen=True, slots=True)
class RenderOutcome:
    """The text a template rendered to, and what the render found on the way."""

    text: str
    """The rendered text (up to the error, when one stopped the render)."""
    missing: tuple[MissingVariable, ...]
    """Each lookup of a variable the data lacks, in template order."""
    notices: tuple[Notice, ...]
    """What the engine wants said about this render (see :class:`Notice`)."""
    error: LiquidError | None
    """The syntax, render or limit error that stopped the render (or, in legacy, the
    first error Ruby Liquid 2.5.3 wrote into the text and carried on past)."""
    buffer: OutputBuffer
    """The output with its source map."""

    def origin_of(self, offset: int) -> int | None:
        """The template index that produced the rendered character at ``offset``."""
        return self.buffer.origin_of(offset)

    def segments(self) -> Iterator[tuple[int, int, int, bool]]:
        """``(start, end, origin, exact)`` for each piece of the text, in order."""
        return self.buffer.segments()


@dataclass(frozen=True, slots=True)
class VariableUse:
    """One place a template reads a variable."""

    path: tuple[str | int | None, ...]
    """The path as written; None for a part computed while rendering (``a[b]``)."""
    index: int
    """Where the expression starts in the template."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """What a template uses, found without rendering it."""

    variables: tuple[VariableUse, ...]
    """Every variable read, in template order, locals included."""
    locals: frozenset[str]
    """Names the template binds itself (``assign``, ``capture``, loop variables …)."""
    tags: tuple[tuple[str, int], ...]
    """Every tag by name, with where it starts."""
    filters: tuple[tuple[str, int], ...]
    """Every filter by name, with where it is written."""
    dynamic: bool = False
    """Whether the template renders Liquid it reads from data (``render_liquid``), so
    that what it uses cannot be known without rendering."""

    @property
    def globals(self) -> dict[str, list[VariableUse]]:
        """The variables read from the data, by root name."""
        found: dict[str, list[VariableUse]] = {}
        for use in self.variables:
            root = use.path[0]
            if isinstance(root, str) and root not in self.locals:
                found.setdefault(root, []).append(use)
        return found


class Engine(Protocol):
    """One Liquid version."""

    version: LiquidVersion
    """``latest`` or ``legacy``."""
    title: str
    """How people name it: ``latest (LiquidJS)``, ``legacy (Ruby Liquid 2.5.3)``."""

    def parse(self, source: str) -> object:
        """The parsed template (cached by source); raises ``LiquidSyntaxError``."""
        ...

    def render(
        self,
        source: str,
        globals_: Mapping[str, object],
        *,
        zone: dt.tzinfo = dt.UTC,
        now: dt.datetime | None = None,
        deadline: float | None = None,
    ) -> RenderOutcome:
        """Render ``source`` against ``globals_``; never raises for template problems.

        ``deadline`` is a ``time.monotonic()`` value shared by the parts of one request
        (parse included); without it the template gets
        :data:`~composer.liquid.state.RENDER_DEADLINE_S` of its own. ``now`` fixes what
        ``'now'`` means, so a retried delivery renders the same bytes.
        """
        ...

    def analyze(self, source: str) -> Analysis:
        """What ``source`` uses; raises ``LiquidSyntaxError`` when it does not parse."""
        ...

    def filter_names(self) -> frozenset[str]:
        """Every filter this version has (Customer.io's included)."""
        ...

    def tag_names(self) -> frozenset[str]:
        """Every tag this version has (Customer.io's included)."""
        ...
