"""Comparing the latest engine with real LiquidJS, case by case.

:func:`mismatch` renders one template with the oracle (LiquidJS 10.31.0, ``new
Liquid()``, TZ=UTC) and with :data:`STANDARD` (this engine without Customer.io's
additions, since the oracle has none) and says how they differ, or None when they agree:

* the oracle rendered: we render the same text with no error (a lone surrogate in the
  oracle's text is compared as U+FFFD, what both send as UTF-8);
* the oracle failed to parse (``TokenizationError``/``ParseError``): we raise the same
  class (a :class:`~composer.liquid.errors.LiquidSyntaxError`) with LiquidJS's message
  without its ``, line:L, col:C``, at an index that is that line and column;
* LiquidJS's tokenizer crashed with a plain JavaScript error (no line and column):
  we raise a syntax error;
* the oracle failed to render (or to read an expression given as data to ``where_exp``
  and the like, a ``TokenizationError`` at render time): we stop with an error that is
  not a syntax error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from composer.liquid.errors import LiquidSyntaxError
from composer.liquid.latest import LatestEngine
from composer.liquid.latest.jsstring import well_formed

__all__ = ["STANDARD", "line_column", "mismatch"]

STANDARD = LatestEngine(customer_io=False)
"""The engine as LiquidJS alone (no Customer.io filters or tags)."""

_ORACLE_ERROR = re.compile(r"(\w+): (.*), line:(\d+), col:(\d+)$", re.DOTALL)


def line_column(source: str, index: int) -> tuple[int, int]:
    """LiquidJS's line and column of ``index`` (columns count UTF-16 code units)."""
    start = source.rfind("\n", 0, index) + 1
    column = len(source[start:index].encode("utf-16-le", "surrogatepass")) // 2 + 1
    return source.count("\n", 0, index) + 1, column


def _parses(engine: LatestEngine, template: str) -> bool:
    try:
        engine.parse(template)
    except LiquidSyntaxError:
        return False
    return True


def mismatch(
    oracle: Any,
    template: str,
    context: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
    engine: LatestEngine = STANDARD,
) -> str | None:
    """How our render of ``template`` differs from LiquidJS's, or None."""
    context = context or {}
    answer = oracle.render(template, context, now=now.isoformat() if now else None)
    ours = engine.render(template, context, now=now)
    if answer.error is None:
        expected = well_formed(answer.output or "")
        if ours.error is not None:
            return f"LiquidJS wrote {expected!r}; we failed: {ours.error.message}"
        if ours.text != expected:
            return f"LiquidJS wrote {expected!r}; we wrote {ours.text!r}"
        return None
    if ours.error is None:
        return f"LiquidJS failed ({answer.error}); we wrote {ours.text!r}"
    found = _ORACLE_ERROR.match(answer.error)
    if found is None:
        # A JavaScript error escaping LiquidJS's tokenizer (no line and column): the
        # template cannot be read at all, a syntax error here.
        if not isinstance(ours.error, LiquidSyntaxError):
            return f"LiquidJS could not read the template ({answer.error}); we: {ours.error}"
        return None
    kind = found.group(1)
    if kind in ("TokenizationError", "ParseError"):
        if not isinstance(ours.error, LiquidSyntaxError) and _parses(engine, template):
            return None  # LiquidJS reads an expression given as data (``where_exp``) late
        if not isinstance(ours.error, LiquidSyntaxError):
            return f"LiquidJS: {answer.error}; we: {type(ours.error).__name__} {ours.error}"
        where = line_column(template, ours.error.index or 0)
        if (
            type(ours.error).__name__ != kind
            or ours.error.message != found.group(2)
            or where != (int(found.group(3)), int(found.group(4)))
        ):
            return (
                f"LiquidJS: {answer.error}; we: {type(ours.error).__name__}: "
                f"{ours.error.message} at line {where[0]}, col {where[1]}"
            )
        return None
    if isinstance(ours.error, LiquidSyntaxError):
        return f"LiquidJS failed rendering ({answer.error}); we raised a syntax error"
    return None
