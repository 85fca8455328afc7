"""What one render carries beside its template and data: limits, clock, findings.

Both engines (:mod:`composer.liquid.legacy`, :mod:`composer.liquid.latest`) render with
a :class:`RenderState`. It knows the zone dates render in and what ``'now'`` means, the
deadline, and collects what the render found: variables the data lacks
(:class:`MissingVariable`) and things worth a warning that only the engine can see
(:class:`Notice`: a filter that does not exist in this version and passed its value
through, a tag whose real value only exists inside Customer.io, a value that changes on
every send).

The guards, the same for both versions:

* :data:`RENDER_DEADLINE_S`: the clock is read when a render starts, then every
  :data:`CLOCK_EVERY` steps (a lookup, a filter, an assignment, a loop iteration):
  reading it on every step would cost a tenth of a small render, and a few dozen steps
  take microseconds.
* :data:`OUTPUT_LIMIT`: characters written, counted as they are written
  (:class:`~composer.liquid.output.OutputBuffer`), and the size of any text a filter
  makes (:meth:`RenderState.check_text`), so a runaway ``replace`` stops when its result
  grows too large rather than after it has filled the memory.
* :data:`LOOP_LIMIT`: loop iterations in one render (nested loops multiply).
* :data:`NAMESPACE_LIMIT`: characters held by ``assign`` and ``capture``.
* :data:`NUMBER_DIGITS_LIMIT`: the size of an integer a filter makes.
* :data:`NESTING_LIMIT`: how deeply blocks, ``render_liquid`` and values may nest.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from composer.liquid.errors import RenderLimitError

__all__ = [
    "CLOCK_EVERY",
    "LOOP_LIMIT",
    "NAMESPACE_LIMIT",
    "NESTING_LIMIT",
    "NUMBER_DIGITS_LIMIT",
    "OUTPUT_LIMIT",
    "RENDER_DEADLINE_S",
    "MissingVariable",
    "Notice",
    "RenderState",
    "path_text",
]

RENDER_DEADLINE_S = 2.0
"""Longest one request's templates may take to render, parse included."""
CLOCK_EVERY = 32
"""Render steps between two readings of the clock."""
OUTPUT_LIMIT = 16 * 1024 * 1024
"""Most characters one template may write, or one filter may make."""
LOOP_LIMIT = 1_000_000
"""Most loop iterations one render may run (nested loops multiply)."""
NAMESPACE_LIMIT = 16 * 1024 * 1024
"""Most characters the values of ``assign`` and ``capture`` may hold in one render."""
NUMBER_DIGITS_LIMIT = 4_000
"""Most decimal digits of an integer a filter may make."""
NESTING_LIMIT = 100
"""Deepest nesting of blocks, rendered templates and values."""
_MAX_BITS = int(NUMBER_DIGITS_LIMIT * 3.3219)  # fewer bits than this: fewer digits than the limit


@dataclass(frozen=True, slots=True)
class MissingVariable:
    """A variable the template used that the data lacks; it rendered as nothing."""

    path: str
    """The variable as written, up to the first part that is missing (``customer.plan``)."""
    index: int | None
    """Where the expression that looked it up starts in the template."""


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the engine saw while rendering that deserves a word to the author."""

    severity: Literal["error", "warning"]
    """``error`` blocks sending; ``warning`` explains what will be sent."""
    index: int | None
    """Where in the template, or None."""
    message: str
    """A plain sentence for a person."""
    kind: str = ""
    """A stable word for what it is (``unknown_filter``, ``placeholder``, ``per_send`` …)."""
    name: str = ""
    """The filter or tag it is about, where it is about one."""


def path_text(path: Sequence[object]) -> str:
    """A variable's path as a person writes it: ``customer.plan["my key"][0]``."""
    parts = [str(path[0])]
    for segment in path[1:]:
        if isinstance(segment, str) and segment.replace("_", "a").replace("-", "a").isalnum():
            parts.append(f".{segment}")
        elif isinstance(segment, str):
            parts.append(f'["{segment}"]')
        else:
            parts.append(f"[{segment}]")
    return "".join(parts)


@dataclass(slots=True)
class RenderState:
    """The zone, 'now', deadline and findings of one render."""

    zone: dt.tzinfo
    """The zone dates render in: Ruby's local time zone, LiquidJS's process zone."""
    now: dt.datetime | None
    """What ``'now'`` means (aware), or None for the clock."""
    deadline: float
    """The ``time.monotonic()`` value the render must finish by."""
    missing: list[MissingVariable] = field(default_factory=list)
    """The variables looked up and not found, in order."""
    notices: list[Notice] = field(default_factory=list)
    """What the engine wants said about this render, in order, each once."""
    steps_to_clock: int = 0
    """Steps left before the clock is read again (0: read it at the next step)."""
    iterations: int = 0
    """Loop iterations so far."""
    held: int = 0
    """Characters held by ``assign`` and ``capture`` so far."""

    def step(self) -> None:
        """Count one step; every :data:`CLOCK_EVERY` steps, :meth:`check_deadline`."""
        if self.steps_to_clock:
            self.steps_to_clock -= 1
        else:
            self.check_deadline()

    def check_deadline(self) -> None:
        """Read the clock: raise :class:`RenderLimitError` once the deadline has passed."""
        self.steps_to_clock = CLOCK_EVERY
        if time.monotonic() > self.deadline:
            raise RenderLimitError("rendering took too long and was stopped")

    def loop_step(self) -> None:
        """Count one loop iteration (and one step)."""
        self.iterations += 1
        if self.iterations > LOOP_LIMIT:
            raise RenderLimitError(f"more than {LOOP_LIMIT:,} loop iterations")
        self.step()

    def loop_ahead(self, count: int) -> None:
        """Refuse a loop of ``count`` iterations before it starts when it cannot finish."""
        if self.iterations + count > LOOP_LIMIT:
            raise RenderLimitError(f"more than {LOOP_LIMIT:,} loop iterations")

    def hold(self, size: int) -> None:
        """Count ``size`` characters kept by ``assign`` or ``capture``."""
        self.held += size
        if self.held > NAMESPACE_LIMIT:
            raise RenderLimitError(
                f"assigned values hold more than {NAMESPACE_LIMIT // (1024 * 1024)} MiB"
            )

    @staticmethod
    def check_text(text: str) -> str:
        """``text`` when it is within :data:`OUTPUT_LIMIT`; raise otherwise."""
        if len(text) > OUTPUT_LIMIT:
            raise RenderLimitError(
                f"a value is larger than {OUTPUT_LIMIT // (1024 * 1024)} MiB of text"
            )
        return text

    @staticmethod
    def check_integer(number: int) -> int:
        """``number`` when it has at most :data:`NUMBER_DIGITS_LIMIT` digits; raise otherwise."""
        if number.bit_length() > _MAX_BITS and len(str(abs(number))) > NUMBER_DIGITS_LIMIT:
            raise RenderLimitError(f"a number has more than {NUMBER_DIGITS_LIMIT:,} digits")
        return number

    def miss(self, path: Sequence[object], index: int | None) -> None:
        """Record a variable the data lacks (``path`` up to the missing part)."""
        self.missing.append(MissingVariable(path_text(path), index))

    def notice(self, notice: Notice) -> None:
        """Record a notice, once per place and message."""
        if notice not in self.notices:
            self.notices.append(notice)

    @classmethod
    def begin(
        cls, *, zone: dt.tzinfo, now: dt.datetime | None, deadline: float | None
    ) -> RenderState:
        """A state for a render starting now (the deadline defaults to its own budget)."""
        limit = deadline if deadline is not None else time.monotonic() + RENDER_DEADLINE_S
        return cls(zone, now, limit)
