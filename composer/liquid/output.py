"""The output of a render: a size-guarded buffer that remembers where each piece came from.

Each write records where it starts in the rendered text and which template index
produced it, so a problem found in the rendered text (a JSON error, a raw ``&`` in a
form body) can be pointed at in the template. ``exact`` writes are the template's own
text (literal content): each of their characters maps to one template character. Other
writes (an output tag's value) map as a whole to the tag that wrote them. A write of
unknown origin records -1.

The size is counted as it grows: the write that would pass
:data:`~composer.liquid.state.OUTPUT_LIMIT` raises
:class:`~composer.liquid.errors.RenderLimitError` instead of being kept.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from composer.liquid.errors import RenderLimitError
from composer.liquid.state import OUTPUT_LIMIT

__all__ = ["OutputBuffer"]


class OutputBuffer:
    """Rendered text with its source map."""

    __slots__ = ("_parts", "_size", "exact", "origins", "starts")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._size = 0
        self.starts: list[int] = []
        """Where each write starts in the rendered text."""
        self.origins: list[int] = []
        """The template index each write came from (-1: unknown)."""
        self.exact: list[bool] = []
        """Whether each write is the template's own text, character for character."""

    def write(self, text: str, origin: int = -1, exact: bool = False) -> None:
        """Append ``text`` that came from template index ``origin``."""
        if not text:
            return
        size = self._size + len(text)
        if size > OUTPUT_LIMIT:
            raise RenderLimitError(f"output is larger than {OUTPUT_LIMIT // (1024 * 1024)} MiB")
        self.starts.append(self._size)
        self.origins.append(origin)
        self.exact.append(exact)
        self._parts.append(text)
        self._size = size

    def __len__(self) -> int:
        return self._size

    def getvalue(self) -> str:
        """The text written so far."""
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    def origin_of(self, offset: int) -> int | None:
        """The template index the rendered character at ``offset`` came from, if known."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0 or self.origins[i] < 0:
            return None
        if self.exact[i]:
            return self.origins[i] + (offset - self.starts[i])
        return self.origins[i]

    def segments(self) -> Iterator[tuple[int, int, int, bool]]:
        """``(start, end, origin, exact)`` for each write, in order."""
        starts = self.starts
        last = len(starts) - 1
        for i, start in enumerate(starts):
            end = starts[i + 1] if i < last else self._size
            yield start, end, self.origins[i], self.exact[i]
