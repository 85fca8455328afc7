"""Helpers for the legacy engine's tests: render a case with the real Ruby Liquid 2.5.3
and with :mod:`composer.liquid.legacy`, and say where they differ.

Both render with the clock fixed at :data:`NOW` (the oracle's ``now``), so dates that take
their missing fields from the current time agree. The comparison is byte for byte on
the output; a template the real engine refuses to parse must raise
``LiquidSyntaxError`` here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from composer.liquid.errors import LiquidSyntaxError
from composer.liquid.legacy import LegacyEngine

NOW_TEXT = "2024-03-05T12:34:56Z"
NOW = dt.datetime(2024, 3, 5, 12, 34, 56, tzinfo=dt.UTC)
PURE = LegacyEngine(customer_io=False)
"""Ruby Liquid 2.5.3 alone: Customer.io's filters (its legacy ``escape``) left out."""


def difference(oracle: Any, template: str, context: dict[str, Any]) -> str | None:
    """None when both engines agree on ``template``; otherwise what differs."""
    answer = oracle.render(template, context, now=NOW_TEXT)
    outcome = PURE.render(template, context, now=NOW)
    if answer.error is not None:
        if isinstance(outcome.error, LiquidSyntaxError):
            return None
        return f"{template!r}: Ruby refused it ({answer.error}); ours rendered {outcome.text!r}"
    if isinstance(outcome.error, LiquidSyntaxError):
        return f"{template!r}: Ruby rendered {answer.output!r}; ours refused it ({outcome.error})"
    if outcome.text != answer.output:
        return f"{template!r}: Ruby {answer.output!r} ≠ ours {outcome.text!r}"
    return None


def differences(oracle: Any, cases: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Every case on which the two engines disagree."""
    found = (difference(oracle, template, context) for template, context in cases)
    return [problem for problem in found if problem is not None]
