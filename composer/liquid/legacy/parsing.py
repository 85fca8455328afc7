"""What one parse needs and collects: the tags and filters, the analysis, the notices.

Ruby Liquid 2.5.3 looks its tags up in ``Template.tags`` and its filters in the
``Strainer`` while parsing and rendering; a :class:`Parser` carries the engine's tables
into the parse and gathers, as the nodes are built, what
:class:`~composer.liquid.engine.Analysis` reports (every variable read, the names bound
locally, every tag and filter) and the warnings about markup 2.5.3 silently ignores.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from composer.liquid.engine import Analysis, VariableUse
from composer.liquid.errors import RenderLimitError
from composer.liquid.state import Notice

if TYPE_CHECKING:
    from composer.liquid.legacy.strainer import FilterSpec

__all__ = ["Parser"]

CLOCK_EVERY_TOKENS = 512
"""Tokens parsed between two readings of the clock, when the parse has a deadline."""


class Parser:
    """The tables a parse reads and the findings it gathers."""

    __slots__ = (
        "deadline",
        "dynamic",
        "filter_uses",
        "filters",
        "locals",
        "notices",
        "origin",
        "tag_uses",
        "tags",
        "tokens",
        "uses",
    )

    def __init__(
        self,
        tags: Mapping[str, Any],
        filters: Mapping[str, FilterSpec],
        *,
        origin: int | None = None,
        deadline: float | None = None,
    ) -> None:
        self.tags = tags
        """Tag name → node class (``Template.tags``)."""
        self.filters = filters
        """Filter name → how to call it (the ``Strainer``)."""
        self.origin = origin
        """Where every node of this template is said to be (a template rendered by a
        tag of another is placed at that tag), or None for its own indices."""
        self.deadline = deadline
        self.tokens = 0
        self.uses: list[VariableUse] = []
        self.locals: set[str] = set()
        self.tag_uses: list[tuple[str, int]] = []
        self.filter_uses: list[tuple[str, int]] = []
        self.notices: list[Notice] = []
        self.dynamic = False

    def at(self, index: int) -> int:
        """The template index to report for ``index`` of the source being parsed."""
        return index if self.origin is None else self.origin

    def tick(self) -> None:
        """Count one token; past the deadline, stop the parse."""
        self.tokens += 1
        if (
            self.deadline is not None
            and not self.tokens % CLOCK_EVERY_TOKENS
            and time.monotonic() > self.deadline
        ):
            raise RenderLimitError("parsing the template took too long and was stopped")

    def use(self, path: tuple[str | int | None, ...], index: int) -> None:
        """Record a variable read."""
        self.uses.append(VariableUse(path, self.at(index)))

    def bind(self, name: str) -> None:
        """Record a name the template binds itself."""
        self.locals.add(name)

    def tag(self, name: str, index: int) -> None:
        """Record a tag."""
        self.tag_uses.append((name, self.at(index)))

    def filter(self, name: str, index: int) -> None:
        """Record a filter."""
        self.filter_uses.append((name, self.at(index)))

    def lax(self, index: int, message: str) -> None:
        """Warn about markup Ruby Liquid 2.5.3 reads past without a word."""
        notice = Notice("warning", self.at(index), message, "lax_markup")
        if notice not in self.notices:
            self.notices.append(notice)

    def analysis(self) -> Analysis:
        """What the template uses."""
        return Analysis(
            tuple(self.uses),
            frozenset(self.locals),
            tuple(self.tag_uses),
            tuple(self.filter_uses),
            self.dynamic,
        )
