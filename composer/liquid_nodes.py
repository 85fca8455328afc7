"""How a render writes and what guards it: the render state, the output buffer, the nodes.

Part of :mod:`composer.liquid_env`, which builds the environment from these and
re-exports the public names.

* :class:`RenderState` is what one render carries beside its context: the zone and the
  ``now`` dates use, the deadline, the variables found missing. The clock is read when
  the render starts; then every lookup, filter, assignment and loop step counts, and
  the clock is read again every :data:`CLOCK_EVERY` steps: reading it on every step
  cost a tenth of a small render, and a few dozen steps take microseconds. Writes do not
  count: without a loop their number is bounded by the template's size, and in a loop
  each step counts.
* :class:`GuardedBuffer` is the output of a render: it enforces :data:`OUTPUT_LIMIT` and
  keeps a source map (where each write starts in the text, which template index it came
  from), so a problem found in the rendered text can be pointed at in the template.
* The nodes write values as Ruby does (:func:`composer.rubyfmt.ruby_output`) and record
  their origin: an output statement and ``echo`` map to their tag, literal text
  character by character. An output's expression, when it is the usual shape (a
  variable or a literal, then filters whose arguments are variables or literals), is
  evaluated by a closure built once per node: the same lookups, filter calls, argument
  order and errors as python-liquid's own evaluation, without its per-step objects.
* ``for`` loops check the deadline on every step, and a ``limit`` of 0 or less is an
  empty loop as in Ruby (python-liquid reads 0 as "no limit").
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from liquid.builtin.content import ContentNode, Literal
from liquid.builtin.expressions import FilteredExpression, KeywordArgument, Path, PositionalArgument
from liquid.builtin.expressions.primitive import (
    FalseLiteral,
    FloatLiteral,
    IntegerLiteral,
    StringLiteral,
    TrueLiteral,
)
from liquid.builtin.output import Output, OutputNode
from liquid.builtin.tags.echo_tag import EchoNode, EchoTag
from liquid.builtin.tags.for_tag import ForNode, ForTag
from liquid.context import RenderContext
from liquid.exceptions import FilterArgumentError, LiquidTypeError, ResourceLimitError
from liquid.token import Token

from composer.liquid_filters import PLAIN_FILTERS, RUBY_ERRORS
from composer.rubyfmt import ruby_output

__all__ = [
    "CLOCK_EVERY",
    "OUTPUT_LIMIT",
    "GuardedBuffer",
    "GuardedFor",
    "MappedLiteral",
    "MissingVariable",
    "RenderLimitError",
    "RenderState",
    "RubyEcho",
    "RubyOutput",
]

OUTPUT_LIMIT = 16 * 1024 * 1024
"""Most characters one template may write."""
CLOCK_EVERY = 32
"""Render steps between two readings of the clock for the deadline."""


class RenderLimitError(ResourceLimitError):
    """A render ran past its deadline (or asked for more than a guard allows)."""


@dataclass(frozen=True, slots=True)
class MissingVariable:
    """A variable the template used that the context lacks; it rendered as empty."""

    path: str
    """The variable as written, up to the first part that is missing (``customer.plan``)."""
    token: Token | None
    """The token of the expression that looked it up (its ``start_index`` is the place)."""


@dataclass(slots=True)
class RenderState:
    """What one render needs beyond its context: the zone, 'now', the deadline."""

    zone: dt.tzinfo
    """The zone dates render in; Ruby's local time zone."""
    now: dt.datetime | None
    """What ``'now'`` means, or ``None`` for the clock."""
    deadline: float
    """The ``time.monotonic()`` value the render must finish by."""
    missing: list[MissingVariable] = field(default_factory=list)
    """The variables looked up and not found, in order."""
    steps_to_clock: int = 0
    """Steps left before the clock is read again (0: read it at the next step)."""

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
            raise RenderLimitError("rendering took too long and was stopped", token=None)


class GuardedBuffer(io.StringIO):
    """The output buffer of a render: enforces the limits and keeps a source map.

    The source map records, for each write, where in the rendered text it starts and
    where in the template it came from, so a problem found in the rendered text (a JSON
    error) can be pointed at in the template. Writes of unknown origin (a ``raw`` block,
    a counter) record -1.
    """

    def __init__(self) -> None:
        super().__init__()
        self._size = 0
        self.starts: list[int] = []
        self.origins: list[int] = []
        self.exact: list[bool] = []

    def write(self, text: str) -> int:
        return self.write_from(text, -1, True)

    def write_from(self, text: str, origin: int, exact: bool) -> int:
        """Write ``text`` that came from template index ``origin``.

        ``exact`` means the text is the template's own (literal content), so each of its
        characters maps to one template character; otherwise the whole text maps to the
        tag that produced it.
        """
        if not text:
            return 0
        size = self._size
        self.starts.append(size)
        self.origins.append(origin)
        self.exact.append(exact)
        size += len(text)
        self._size = size
        if size > OUTPUT_LIMIT:
            raise RenderLimitError(
                f"output is larger than {OUTPUT_LIMIT // (1024 * 1024)} MiB", token=None
            )
        return io.StringIO.write(self, text)

    def origin_of(self, offset: int) -> int | None:
        """The template index the rendered character at ``offset`` came from."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0 or self.origins[i] < 0:
            return None
        if self.exact[i]:
            return self.origins[i] + (offset - self.starts[i])
        return self.origins[i]


def _write(buffer: Any, text: str, origin: int, exact: bool) -> int:
    if isinstance(buffer, GuardedBuffer):
        return buffer.write_from(text, origin, exact)
    return int(buffer.write(text))  # a capture's buffer


def _guarded(items: Iterator[object], state: RenderState | None) -> Iterator[object]:
    if state is None:
        yield from items
        return
    for item in items:
        state.step()
        yield item


class _GuardedLoopExpression:
    """A ``for`` tag's loop expression whose iterator checks the deadline each step.

    A loop whose body writes nothing and looks nothing up would otherwise run all of
    its (up to :data:`LOOP_LIMIT`) iterations unchecked.
    """

    __slots__ = ("inner",)

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __str__(self) -> str:
        return str(self.inner)

    def evaluate(self, context: RenderContext) -> tuple[Iterator[object], int]:
        limit = self.inner.limit
        if (
            limit is not None
            and self.inner._to_int(limit.evaluate(context), token=limit.token) <= 0
        ):
            # Ruby slices up to offset + limit, so a limit of 0 (or less) is an empty loop
            # that renders its else block; python-liquid reads 0 as "no limit".
            self.inner.iterable.evaluate(context)
            return iter(()), 0
        items, length = self.inner.evaluate(context)
        return _guarded(items, getattr(context, "render_state", None)), length


class _GuardedForNode(ForNode):
    __slots__ = ()

    def __init__(
        self, token: Token, expression: Any, block: Any, default: Any | None = None
    ) -> None:
        guarded = cast(Any, _GuardedLoopExpression(expression))
        super().__init__(token, expression=guarded, block=block, default=default)


class GuardedFor(ForTag):
    node_class = _GuardedForNode


_Evaluate = Callable[[RenderContext], object]
_CONSTANTS = (StringLiteral, IntegerLiteral, FloatLiteral, TrueLiteral, FalseLiteral)


def _operand(expression: Any) -> _Evaluate:
    """A variable or a literal as a closure; anything else evaluates as it always does."""
    kind = type(expression)
    if kind in _CONSTANTS:
        value = expression.value
        return lambda _: value
    segments = expression.path if kind is Path else None
    if segments and type(segments[0]) is str and all(type(s) in (str, int) for s in segments):
        path, token = list(segments), expression.token
        return lambda context: context.get(path, token=token)
    return cast(_Evaluate, expression.evaluate)


def compiled(expression: Any) -> _Evaluate:
    """An output's expression as one closure, for the usual shape (see the module's notes).

    The closure does what ``FilteredExpression.evaluate`` does: the left value, then for
    each filter its function (``context.filter``), its arguments in their order, the
    call, and the same errors. One of Ruby's filters that needs no context is called
    unwrapped (:data:`~composer.liquid_filters.PLAIN_FILTERS`), counting its step
    towards the deadline and turning its errors into the ``FilterArgumentError`` its
    registered wrapper would raise. Any other shape is evaluated by python-liquid itself.
    """
    if type(expression) is not FilteredExpression:
        return cast(_Evaluate, expression.evaluate)
    steps: list[tuple[str, Token, list[tuple[str | None, _Evaluate]], Callable[..., Any] | None]]
    steps = []
    for filter_ in expression.filters or ():
        args: list[tuple[str | None, _Evaluate]] = []
        for arg in filter_.args:
            if type(arg) is KeywordArgument:
                args.append((arg.name or None, _operand(arg.value)))
            elif type(arg) is PositionalArgument:
                args.append((None, _operand(arg.value)))
            else:
                return cast(_Evaluate, expression.evaluate)
        steps.append((filter_.name, filter_.token, args, PLAIN_FILTERS.get(filter_.name)))
    left = _operand(expression.left)
    if not steps:
        return left

    def evaluate(context: RenderContext) -> object:
        value = left(context)
        state: RenderState | None = getattr(context, "render_state", None)
        for name, token, args, plain in steps:
            if plain is None:
                func = context.filter(name, token=token)
            elif state is not None:
                state.step()
            positional: list[object] = []
            keywords: dict[str, object] = {}
            for keyword, argument in args:
                if keyword is None:
                    positional.append(argument(context))
                else:
                    keywords[keyword] = argument(context)
            try:
                if plain is not None:
                    try:
                        value = plain(value, *positional, **keywords)
                    except RUBY_ERRORS as err:
                        raise FilterArgumentError(str(err), token=token) from err
                else:
                    value = func(value, *positional, **keywords)
            except TypeError as err:
                raise LiquidTypeError(f"{name}: {err}", token=token) from err
            except (LiquidTypeError, FilterArgumentError) as err:
                err.token = token
                raise err
        return value

    return evaluate


class _RubyOutputNode(OutputNode):
    __slots__ = ("_evaluate",)

    def __init__(self, token: Token, expression: Any) -> None:
        super().__init__(token, expression)
        self._evaluate = compiled(expression)

    def render_to_output(self, context: RenderContext, buffer: Any) -> int:
        text = ruby_output(self._evaluate(context))
        if isinstance(buffer, GuardedBuffer):  # _write, inlined: this runs for every output
            return buffer.write_from(text, self.token.start_index, False)
        return int(buffer.write(text))


class RubyOutput(Output):
    node_class = _RubyOutputNode


class _RubyEchoNode(EchoNode):
    __slots__ = ("_evaluate",)

    def __init__(self, token: Token, expression: Any) -> None:
        super().__init__(token, expression)
        self._evaluate = compiled(expression)

    def render_to_output(self, context: RenderContext, buffer: Any) -> int:
        text = ruby_output(self._evaluate(context))
        # The token starts at the tag's name; point at its "{%" (or the liquid tag's).
        start = self.token.source.rfind("{%", 0, self.token.start_index + 1)
        return _write(buffer, text, start if start >= 0 else self.token.start_index, False)


class RubyEcho(EchoTag):
    node_class = _RubyEchoNode


class _MappedContentNode(ContentNode):
    """Literal template text, remembering where it starts in the template."""

    __slots__ = ("origin",)

    def __init__(self, token: Token, text: str) -> None:
        super().__init__(token, text)
        # Whitespace control may have trimmed the token's text; find where it really is.
        found = token.source.find(text, token.start_index) if text else -1
        self.origin = found if found >= 0 else token.start_index

    def render_to_output(self, context: RenderContext, buffer: Any) -> int:
        return _write(buffer, self.text, self.origin, True)


class MappedLiteral(Literal):
    node_class = _MappedContentNode
