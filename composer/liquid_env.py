"""The one Liquid environment, configured to behave as Customer.io's Ruby Liquid does.

python-liquid already follows Shopify's Liquid 5 closely (including its BigDecimal
arithmetic: ``{{ 0.1 | plus: 0.2 }}`` is ``0.3``). Where the two still disagree, Ruby
wins, and the difference is mended here:

* **Text of values.** Output statements, ``echo``, every string filter and ``join`` turn
  values into text with :mod:`composer.rubyfmt` (``true`` not ``True``, hashes as
  ``{"id"=>"1", "n"=>nil}``, arrays inside filters as ``["a", "b"]``, ``1.0e+20``).
  python-liquid would write Python's ``str()`` forms.
* **Arrays in output** are flattened before joining (``[[1, 2], [3]]`` writes ``123``),
  and ``nil`` items write nothing.
* **Dates** treat ``'now'``/``'today'``, Unix timestamps and zone-less date strings as
  UTC (as Customer.io does) and render in the zone given to :func:`render_template`
  (UTC by default). ``%s``, ``%L`` and ``%N`` are computed rather than left to the
  platform's ``strftime``.
* **Filters Customer.io adds**: ``json`` (alias ``to_json``), ``sha256``, ``sha1``,
  ``md5``, ``hmac_sha256``, ``hmac_sha1``; ``base64_encode``/``base64_decode`` are
  Liquid's own.

Every render is guarded: at most :data:`LOOP_LIMIT` loop iterations, :data:`OUTPUT_LIMIT`
characters of output, :data:`NAMESPACE_LIMIT` bytes of assigned values, and a wall-clock
deadline checked as output is written, so a runaway template stops with a
:class:`RenderLimitError` instead of freezing anything. Parsed templates are cached by
their source text.
"""

from __future__ import annotations

import bisect
import contextvars
import datetime as dt
import functools
import hashlib
import hmac
import io
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser
from liquid import BoundTemplate, Environment, Undefined
from liquid.builtin.content import ContentNode, Literal
from liquid.builtin.output import Output, OutputNode
from liquid.builtin.tags.echo_tag import EchoNode, EchoTag
from liquid.context import RenderContext
from liquid.exceptions import FilterArgumentError, LiquidError, ResourceLimitError
from liquid.filter import liquid_filter, string_filter, with_context
from liquid.token import Token

from composer.rubyfmt import ruby_json, ruby_output, ruby_to_s

__all__ = [
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
]

LOOP_LIMIT = 1_000_000
"""Most loop iterations one render may run (nested loops multiply)."""
OUTPUT_LIMIT = 16 * 1024 * 1024
"""Most characters one template may write."""
NAMESPACE_LIMIT = 16 * 1024 * 1024
"""Most bytes of values ``assign``/``capture`` may hold in one render."""
RENDER_DEADLINE_S = 2.0
"""Longest one template may take to render."""


class RenderLimitError(ResourceLimitError):
    """A render ran past its deadline."""


@dataclass(frozen=True, slots=True)
class MissingVariable:
    """A variable the template used that the context lacks; it rendered as empty."""

    path: str
    token: Token | None


@dataclass(slots=True)
class _RenderState:
    zone: dt.tzinfo
    deadline: float
    missing: list[MissingVariable] = field(default_factory=list)


_STATE: contextvars.ContextVar[_RenderState | None] = contextvars.ContextVar(
    "composer_render_state", default=None
)


class _RecordingUndefined(Undefined):
    """Lenient undefined (renders as nothing) that remembers what was missing."""

    __slots__ = ()

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        state = _STATE.get()
        if state is not None:
            if name == "parentloop" and kwargs.get("token") is None:
                return  # forloop.parentloop outside a nested loop: not a variable
            hint = kwargs.get("hint") or ""
            path = hint[: -len(" is undefined")] if hint.endswith(" is undefined") else name
            state.missing.append(MissingVariable(path.strip("'"), kwargs.get("token")))


class _GuardedBuffer(io.StringIO):
    """The output buffer of a render: enforces the limits and keeps a source map.

    The source map records, for each write made by a content or output node, where in
    the rendered text it starts and where in the template it came from, so a problem
    found in the rendered text (a JSON error) can be pointed at in the template.
    """

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self._deadline = deadline
        self._size = 0
        self.starts: list[int] = []
        self.origins: list[int] = []
        self.exact: list[bool] = []

    def write(self, text: str) -> int:
        self._size += len(text)
        if self._size > OUTPUT_LIMIT:
            raise RenderLimitError(
                f"output is larger than {OUTPUT_LIMIT // (1024 * 1024)} MiB", token=None
            )
        if time.monotonic() > self._deadline:
            raise RenderLimitError(
                f"rendering took longer than {RENDER_DEADLINE_S:g} s", token=None
            )
        return super().write(text)

    def write_from(self, text: str, origin: int, exact: bool) -> int:
        """Write ``text`` that came from template index ``origin``.

        ``exact`` means the text is the template's own (literal content), so each of its
        characters maps to one template character; otherwise the whole text maps to the
        tag that produced it.
        """
        self.starts.append(self._size)
        self.origins.append(origin)
        self.exact.append(exact)
        return self.write(text)

    def origin_of(self, offset: int) -> int | None:
        """The template index the rendered character at ``offset`` came from."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0 or self.origins[i] < 0:
            return None
        if self.exact[i]:
            return self.origins[i] + (offset - self.starts[i])
        return self.origins[i]


def _write(buffer: Any, text: str, origin: int, exact: bool) -> int:
    if isinstance(buffer, _GuardedBuffer):
        return buffer.write_from(text, origin, exact)
    return int(buffer.write(text))


class _RubyOutputNode(OutputNode):
    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: Any) -> int:
        text = ruby_output(self.expression.evaluate(context))
        return _write(buffer, text, self.token.start_index, False)


class _RubyOutput(Output):
    node_class = _RubyOutputNode


class _RubyEchoNode(EchoNode):
    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: Any) -> int:
        text = ruby_output(self.expression.evaluate(context))
        return _write(buffer, text, self.token.start_index, False)


class _RubyEcho(EchoTag):
    node_class = _RubyEchoNode


class _MappedContentNode(ContentNode):
    """Literal template text, remembering where it starts in the template."""

    __slots__ = ("origin",)

    def __init__(self, token: Token, text: str) -> None:
        super().__init__(token, text)
        # Whitespace control may have trimmed the token's text; find where it really is.
        found = token.source.find(text, token.start_index) if text else -1
        self.origin = found if found >= 0 else token.start_index

    def render_to_output(self, _: RenderContext, buffer: Any) -> int:
        return _write(buffer, self.text, self.origin, True)


class _MappedLiteral(Literal):
    node_class = _MappedContentNode


class _Environment(Environment):
    loop_iteration_limit = LOOP_LIMIT
    local_namespace_limit = NAMESPACE_LIMIT
    output_stream_limit = OUTPUT_LIMIT


# -- filters -------------------------------------------------------------------------


def _rubyish_string_filter(original: Callable[..., Any]) -> Callable[..., Any]:
    """Re-wrap one of Liquid's string filters so its input is Ruby's ``to_s``."""
    inner = cast(Callable[..., Any], original.__wrapped__)  # type: ignore[attr-defined]

    @functools.wraps(inner)
    def wrapper(val: object, *args: Any, **kwargs: Any) -> Any:
        try:
            return inner(ruby_to_s(val), *args, **kwargs)
        except TypeError as err:
            raise FilterArgumentError(str(err), token=None) from err

    for flag in ("with_context", "with_environment"):
        if getattr(original, flag, False):
            setattr(wrapper, flag, True)
    return wrapper


@liquid_filter
def _join(value: object, separator: object = " ") -> str:
    """``join`` with Ruby's text for each item (``[true, nil].join(",")`` is ``true,``)."""
    if isinstance(value, list | tuple):
        return ruby_to_s(separator).join(ruby_to_s(v) for v in value)
    return ruby_to_s(value)


@liquid_filter
def _json(value: object) -> str:
    try:
        return ruby_json(value)
    except ValueError as err:
        raise FilterArgumentError(f"json: {err}", token=None) from err


def _digest(name: str) -> Callable[[object], str]:
    @liquid_filter
    def digest(value: object) -> str:
        return hashlib.new(name, ruby_to_s(value).encode("utf-8")).hexdigest()

    return digest


def _hmac(name: str) -> Callable[[object, object], str]:
    @liquid_filter
    def sign(value: object, key: object = "") -> str:
        mac = hmac.new(ruby_to_s(key).encode("utf-8"), ruby_to_s(value).encode("utf-8"), name)
        return mac.hexdigest()

    return sign


_STRFTIME_EXTRAS = re.compile(r"%(?:s|L|N|%)")


def _to_datetime(value: object, zone: dt.tzinfo) -> dt.datetime | None:
    """Liquid's date input: 'now'/'today', a timestamp, a date string or a datetime."""
    if isinstance(value, str) and value.strip().lower() in ("now", "today"):
        return dt.datetime.now(dt.UTC)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            return dt.datetime.fromtimestamp(float(value), dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, dt.UTC)
    if isinstance(value, str) and value.strip():
        try:
            parsed = date_parser.parse(value)
        except (date_parser.ParserError, OverflowError, ValueError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def _strftime(moment: dt.datetime, fmt: str) -> str:
    def extra(match: re.Match[str]) -> str:
        code = match.group(0)
        if code == "%s":
            return str(int(moment.timestamp()))
        if code == "%L":
            return f"{moment.microsecond // 1000:03d}"
        if code == "%N":
            return f"{moment.microsecond * 1000:09d}"
        return "%%"

    return moment.strftime(_STRFTIME_EXTRAS.sub(extra, fmt))


@with_context
@liquid_filter
def _date(value: object, fmt: object = None, *, context: RenderContext) -> object:
    """Liquid's ``date``: input that is not a date comes back unchanged."""
    if isinstance(value, Undefined) or value is None:
        return ""
    if fmt is None or isinstance(fmt, Undefined) or ruby_to_s(fmt) == "":
        return value
    state = _STATE.get()
    zone = state.zone if state else dt.UTC
    moment = _to_datetime(value, zone)
    if moment is None:
        return value
    try:
        return _strftime(moment.astimezone(zone), ruby_to_s(fmt))
    except ValueError as err:
        raise FilterArgumentError(f"date: {err}", token=None) from err


def _build() -> Environment:
    env = _Environment(undefined=_RecordingUndefined, strict_filters=True)
    env.add_tag(_RubyOutput)
    env.add_tag(_RubyEcho)
    env.add_tag(_MappedLiteral)
    marker = string_filter(lambda v: v).__code__
    for name, func in list(env.filters.items()):
        if getattr(func, "__code__", None) is marker:
            env.filters[name] = _rubyish_string_filter(func)
    env.filters["join"] = _join
    env.filters["json"] = _json
    env.filters["to_json"] = _json
    env.filters["date"] = _date
    for algo in ("sha256", "sha1", "md5"):
        env.filters[algo] = _digest(algo)
    for algo in ("sha256", "sha1"):
        env.filters[f"hmac_{algo}"] = _hmac(algo)
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
    missing: tuple[MissingVariable, ...]
    error: LiquidError | None
    _buffer: _GuardedBuffer

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
) -> RenderOutcome:
    """Render ``source`` against ``globals_``; never raises for template problems.

    ``deadline`` is a ``time.monotonic()`` value shared by the parts of one request;
    without it the template gets :data:`RENDER_DEADLINE_S` of its own.
    """
    state = _RenderState(zone, deadline if deadline else time.monotonic() + RENDER_DEADLINE_S)
    token = _STATE.set(state)
    buffer = _GuardedBuffer(state.deadline)
    try:
        template = parse(source)
        context = template.context_class(template, globals=dict(globals_))
        template.render_with_context(context, buffer)
        error: LiquidError | None = None
    except LiquidError as err:
        error = err
    except RecursionError:
        error = RenderLimitError("template nests too deeply", token=None)
    finally:
        _STATE.reset(token)
    return RenderOutcome(buffer.getvalue(), tuple(state.missing), error, buffer)
