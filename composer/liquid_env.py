"""The one Liquid environment, configured to behave as Customer.io's Ruby Liquid does.

python-liquid parses and runs the tags; where its behaviour and Shopify's Liquid 5 part
ways, Ruby wins and the difference is mended here (``docs/liquid-differences.md`` lists
each one with a test):

* **Filters.** Every standard filter is re-registered with Ruby's semantics
  (:mod:`composer.liquid_filters`): numbers through ``Utils.to_number`` and BigDecimal
  (``{{ 2.5 | round }}`` is 3, ``{{ -7.5 | modulo: 2 }}`` is 0.5), strings through
  ``Utils.to_s``, ``gsub``'s backslash rules in ``replace``, Ruby's ``split``, ``strip``,
  ``escape`` (``&#39;``), ``truncatewords``, ``size`` (``{{ 5 | size }}`` is 8), ``sort``
  and the ``date`` filter with Ruby's ``strftime``.
* **Text of values.** Output statements and ``echo`` write values as Ruby does
  (:mod:`composer.rubyfmt`): ``true``, ``1.0e+20``, hashes as ``{"id"=>"1", "n"=>nil}``,
  arrays flattened and joined with nothing.
* **Names.** ``now`` and ``today`` are not variables (python-liquid adds them); counters
  of ``increment``/``decrement`` live beside the globals as in Ruby (a global of the same
  name is where the count starts, an ``assign`` of the same name is separate).
* **Dates** render in the zone given to :func:`render_template` (UTC by default, as
  Customer.io's servers run), which plays the part of Ruby's local time zone.
* **Missing variables** are recorded with their whole path (``customer.plan.name``)
  and the token that looked them up; loop helpers and literals never are.

Every render is guarded: at most :data:`LOOP_LIMIT` loop iterations, :data:`OUTPUT_LIMIT`
characters of output, :data:`NAMESPACE_LIMIT` bytes of assigned values, and a wall-clock
deadline, so a runaway template stops with a :class:`RenderLimitError` instead of
freezing anything (:mod:`composer.liquid_nodes` has the render state, the guarded output
buffer with its source map, and the nodes that write). Parsed templates are cached by
their source text.

Errors stop the render: where Ruby's lenient ``render`` writes ``Liquid error: divided by
0`` into the text and carries on, :func:`render_template` returns the text so far and the
error (with Ruby's message where the filter is ours), which the caller shows as a
diagnostic at the template's position.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from liquid import BoundTemplate, Environment, Undefined
from liquid.context import RenderContext
from liquid.exceptions import LiquidError, LiquidTypeError
from liquid.token import Token
from liquid.undefined import UNDEFINED
from liquid.utils import ReadOnlyChainMap

from composer.liquid_filters import FILTERS, REMOVED
from composer.liquid_nodes import (
    CLOCK_EVERY,
    OUTPUT_LIMIT,
    GuardedBuffer,
    GuardedFor,
    MappedLiteral,
    MissingVariable,
    RenderLimitError,
    RenderState,
    RubyEcho,
    RubyOutput,
)
from composer.rubyfmt import ruby_int_size

__all__ = [
    "CLOCK_EVERY",
    "LOOP_LIMIT",
    "NAMESPACE_LIMIT",
    "OUTPUT_LIMIT",
    "RENDER_DEADLINE_S",
    "MissingVariable",
    "RenderLimitError",
    "RenderOutcome",
    "environment",
    "parse",
    "render_template",
    "zone_named",
]

LOOP_LIMIT = 1_000_000
"""Most loop iterations one render may run (nested loops multiply)."""
NAMESPACE_LIMIT = 16 * 1024 * 1024
"""Most bytes of values ``assign``/``capture`` may hold in one render."""
RENDER_DEADLINE_S = 2.0
"""Longest one template may take to render."""

_STATE: contextvars.ContextVar[RenderState | None] = contextvars.ContextVar(
    "composer_render_state", default=None
)


# Equivalent to r"[A-Za-z_\u0080-\uffff][\w\u0080-\uffff-]*\??", written with negated
# classes because compiling that range costs ~20 ms at start-up; this one costs 0.4 ms.
_IDENTIFIER = re.compile(
    r"(?:[A-Za-z_]|[^\x00-\x7f\U00010000-\U0010ffff])(?:[\w-]|[^\x00-\x7f\U00010000-\U0010ffff])*\??"
)
_COMMANDS = ("size", "first", "last")


def _path_text(path: list[object]) -> str:
    parts = [str(path[0])]
    for segment in path[1:]:
        if isinstance(segment, str) and _IDENTIFIER.fullmatch(segment):
            parts.append(f".{segment}")
        elif isinstance(segment, str):
            parts.append(f'["{segment}"]')
        else:
            parts.append(f"[{segment}]")
    return "".join(parts)


class _Scope(ReadOnlyChainMap):
    """The chain of locals, counters and globals, looked up without raising on a miss.

    Most names are globals, so a lookup passes the locals and the counters first; testing
    membership there costs less than catching a ``KeyError`` from each.
    """

    def __getitem__(self, key: str) -> object:
        for mapping in self._maps:
            if key in mapping:
                return mapping[key]
        raise KeyError(key)


# Filters that need nothing from the context: their function is used as it is.
_PLAIN_FILTERS = frozenset(n for n, f in FILTERS.items() if not getattr(f, "with_context", False))


class _RubyContext(RenderContext):
    """A render context with Ruby's name resolution, counters and the render guards."""

    __slots__ = ("render_state",)

    def __init__(self, template: BoundTemplate, **kwargs: Any) -> None:
        super().__init__(template, **kwargs)
        self.render_state = _STATE.get()
        """The zone, 'now' and deadline of this render (the ``date`` filter reads them)."""
        # Locals (assign, loop variables) first; counters shadow the globals because Ruby
        # keeps them in the same hash; no built-in ``now``/``today``.
        self.scope = _Scope(self.locals, self.counters, self.globals)

    def get(self, path: list[object], *, token: Token | None, default: object = UNDEFINED) -> Any:
        """Resolve ``path``, recording what is missing."""
        state = self.render_state
        if state is not None:  # state.step(), inlined: this runs for every lookup
            if state.steps_to_clock:
                state.steps_to_clock -= 1
            else:
                state.check_deadline()
        root = path[0]
        if not isinstance(root, str):
            return super().get(path, token=token, default=default)
        for mapping in self.scope._maps:  # _Scope.__getitem__, inlined
            if root in mapping:
                obj: Any = mapping[root]
                break
        else:
            return self._absent(path, 1, token, default, report=True)
        depth = 1
        for segment in path[1:]:
            depth += 1
            if type(obj) is dict and type(segment) is str and segment in obj:
                obj = obj[segment]  # a hash's own key: what get_item would find, sooner
                continue
            try:
                obj = self.get_item(obj, segment)
            except (KeyError, TypeError, IndexError):
                if obj is None:  # below a nil attribute: the nil one is what is missing
                    return self._absent(path, depth - 1, token, default, report=True)
                # ``name.first`` on a string is nil in Ruby, not a missing attribute.
                report = segment not in _COMMANDS
                return self._absent(path, depth, token, default, report=report)
        return obj

    def _absent(
        self, path: list[object], depth: int, token: Token | None, default: object, report: bool
    ) -> Any:
        if default is not UNDEFINED:
            return default
        name = _path_text(path[:depth])
        if report and self.render_state is not None:
            self.render_state.missing.append(MissingVariable(name, token))
        return self.env.undefined(str(path[0]), hint=f"{name} is undefined", token=token)

    def get_item(self, obj: Any, key: Any) -> Any:
        """Ruby's lookups: ``5.size`` is 8 and a hash has a ``first`` but no ``last``."""
        if key == "size" and isinstance(obj, int) and not isinstance(obj, bool):
            return ruby_int_size(obj)
        if key == "last" and isinstance(obj, Mapping) and not isinstance(obj, Undefined):
            return obj["last"]
        return super().get_item(obj, key)

    def filter(self, name: str, token: Token | None) -> Any:
        """Look up a filter (and check the deadline: filters are where time goes)."""
        state = self.render_state
        if state is not None:  # state.step(), inlined: this runs for every filter
            if state.steps_to_clock:
                state.steps_to_clock -= 1
            else:
                state.check_deadline()
        if name in _PLAIN_FILTERS:
            found = self.env.filters.get(name)
            if found is not None:
                return found
        return super().filter(name, token)

    def assign(self, key: str, val: Any) -> None:
        """Bind a local (and check the deadline)."""
        if self.render_state is not None:
            self.render_state.step()
        super().assign(key, val)

    def _counter(self, name: str) -> Any:
        if name in self.counters:
            return self.counters[name]
        try:
            value = self.globals[name]
        except KeyError:
            return 0
        if value is None or value is False:
            return 0
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        raise LiquidTypeError(f"the counter {name} holds {type(value).__name__}", token=None)

    def increment(self, name: str) -> Any:
        """Ruby's ``increment``: starts from a global of that name, else 0."""
        value = self._counter(name)
        self.counters[name] = value + 1
        return value

    def decrement(self, name: str) -> Any:
        """Ruby's ``decrement``: starts from a global of that name, else 0."""
        value = self._counter(name) - 1
        self.counters[name] = value
        return value


class _RubyTemplate(BoundTemplate):
    context_class = _RubyContext


class _Environment(Environment):
    template_class = _RubyTemplate
    loop_iteration_limit = LOOP_LIMIT
    local_namespace_limit = NAMESPACE_LIMIT
    output_stream_limit = OUTPUT_LIMIT


def _build() -> Environment:
    env = _Environment(strict_filters=True)
    env.add_tag(RubyOutput)
    env.add_tag(RubyEcho)
    env.add_tag(MappedLiteral)
    env.add_tag(GuardedFor)
    for name in REMOVED:
        env.filters.pop(name, None)
    env.filters.update(FILTERS)
    return env


environment: Environment = _build()
"""The shared environment: the preview and the sender render with this one object."""


@functools.lru_cache(maxsize=1024)
def parse(source: str) -> BoundTemplate:
    """Parse a template (cached by source text); raises ``LiquidError`` on bad syntax."""
    return environment.from_string(source)


@dataclass(frozen=True, slots=True)
class RenderOutcome:
    """The text a template rendered to, what it missed, and the error that stopped it."""

    text: str
    """The rendered text (up to the error, if one stopped the render)."""
    missing: tuple[MissingVariable, ...]
    """Each lookup of a variable the context lacks, in template order."""
    error: LiquidError | None
    """The syntax, filter or limit error that stopped the render, if any."""
    _buffer: GuardedBuffer
    """The output buffer with its source map."""

    def origin_of(self, offset: int) -> int | None:
        """The template index that produced the rendered character at ``offset``."""
        return self._buffer.origin_of(offset)


def zone_named(name: str | None) -> dt.tzinfo:
    """The time zone for dates: an IANA name, or UTC for ``None``/"UTC"."""
    if not name or name.upper() == "UTC":
        return dt.UTC
    return ZoneInfo(name)


def render_template(
    source: str,
    globals_: Mapping[str, object],
    *,
    zone: dt.tzinfo = dt.UTC,
    deadline: float | None = None,
    now: dt.datetime | None = None,
) -> RenderOutcome:
    """Render ``source`` against ``globals_``; never raises for template problems.

    ``deadline`` is a ``time.monotonic()`` value shared by the parts of one request;
    without it the template gets :data:`RENDER_DEADLINE_S` of its own. ``now`` fixes what
    ``'now'`` means (so a retried delivery renders the same bytes).
    """
    limit = deadline if deadline is not None else time.monotonic() + RENDER_DEADLINE_S
    state = RenderState(zone, now, limit)
    token = _STATE.set(state)
    buffer = GuardedBuffer()
    try:
        template = parse(source)
        context = template.context_class(template, globals=dict(globals_))
        state.check_deadline()
        template.render_with_context(context, buffer)
        error: LiquidError | None = None
    except LiquidError as err:
        error = err
    except RecursionError:
        error = RenderLimitError("the template nests too deeply", token=None)
    finally:
        _STATE.reset(token)
    return RenderOutcome(buffer.getvalue(), tuple(state.missing), error, buffer)
