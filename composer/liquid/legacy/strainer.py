"""``Liquid::Strainer`` (``lib/liquid/strainer.rb``): which filters exist and how they are called.

``Strainer#invoke`` calls a filter only when it is one of the registered filter methods;
any other name returns the input unchanged, silently (here: with an ``unknown_filter``
warning, because that silence is what bites a legacy author). A known filter is called
with Ruby's ``send``, so the wrong number of arguments is Ruby's
``ArgumentError: wrong number of arguments (given 1, expected 2)`` (the input counts).

Customer.io's own filters (:mod:`composer.liquid.cio`) are registered after the
standard ones, so one of theirs wins over a standard filter of the same name; each is
called as ``func(call, value, *args)`` with a :class:`~composer.liquid.cio.api.Call`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from composer.liquid.cio.api import Call
from composer.liquid.errors import LiquidError, RenderLimitError
from composer.liquid.legacy.numbers import to_number
from composer.liquid.legacy.ruby import RubyError, output_text

if TYPE_CHECKING:
    from composer.liquid.legacy.context import Context

__all__ = ["FilterSpec", "arity_error", "invoke", "make_call", "registered"]


@dataclass(frozen=True, slots=True)
class FilterSpec:
    """One filter: its function, its arguments and what they mean."""

    name: str
    func: Callable[..., object]
    """``func(ctx, input, *args)``."""
    params: tuple[str, ...] = ()
    """What each argument after the input is (``pattern``, ``length`` …)."""
    required: int = 0
    """How many of ``params`` must be given."""
    cio: bool = False
    """Whether it is one of Customer.io's (its arguments are not counted here)."""


def _arity(spec: FilterSpec) -> str:
    low, high = spec.required + 1, len(spec.params) + 1
    return str(low) if low == high else f"{low}..{high}"


def _takes(spec: FilterSpec) -> str:
    count = len(spec.params)
    if count == 0:
        return "no arguments"
    names = ", ".join(spec.params)
    if spec.required == count:
        return f"{count} argument{'s' if count > 1 else ''} ({names})"
    return f"{spec.required} to {count} arguments ({names})"


def arity_error(spec: FilterSpec, given: int) -> RubyError | None:
    """Ruby's ``ArgumentError`` for ``given`` arguments (after the input), or None."""
    if spec.cio or spec.required <= given <= len(spec.params):
        return None
    return RubyError(
        "ArgumentError",
        f"wrong number of arguments (given {given + 1}, expected {_arity(spec)})",
        f"the filter '{spec.name}' takes {_takes(spec)}, not {given}",
    )


def invoke(spec: FilterSpec, ctx: Context, value: object, args: list[object], index: int) -> object:
    """``Strainer#invoke`` of a known filter: ``send`` with Ruby's argument check."""
    if spec.cio:
        return _invoke_cio(spec, ctx, value, args, index)
    wrong = arity_error(spec, len(args))
    if wrong is not None:
        raise wrong
    return spec.func(ctx, value, *args)


def _invoke_cio(
    spec: FilterSpec, ctx: Context, value: object, args: list[object], index: int
) -> object:
    try:
        return spec.func(make_call(ctx, spec.name, index), value, *args)
    except (RubyError, RenderLimitError):
        raise
    except LiquidError as error:
        raise RubyError("StandardError", error.message, error.message) from error
    except (ValueError, TypeError) as error:
        raise RubyError(
            "StandardError", str(error), f"the filter '{spec.name}' failed: {error}"
        ) from error


def make_call(ctx: Context, name: str, index: int | None) -> Call:
    """The :class:`Call` a Customer.io filter or tag gets from this engine."""
    engine = ctx.engine
    return Call(
        version="legacy",
        state=ctx.state,
        index=index,
        name=name,
        to_text=output_text,
        to_number=to_number,
        is_nil=_is_nil,
        evaluate=lambda expression: engine.evaluate(ctx, expression, index),
        render_source=lambda source: engine.render_source(ctx, source, index),
    )


def _is_nil(value: object) -> bool:
    return value is None


def registered(
    standard: Mapping[str, FilterSpec], cio: Mapping[str, Callable[..., Any]]
) -> dict[str, FilterSpec]:
    """The strainer's table: the standard filters, then Customer.io's (which win)."""
    table = dict(standard)
    for name, func in cio.items():
        table[name] = FilterSpec(name, func, cio=True)
    return table
