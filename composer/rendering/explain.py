"""What a render's outcome says, in diagnostics: the words and the places.

:mod:`composer.rendering.render` renders; this module turns what a render found (a
missing variable, a Liquid error, an engine's notice) and what two versions' renderings
disagree on into :class:`~composer.rendering.diagnostics.Diagnostic` values, each placed
at a line and column of the template. Decisions:

* A variable tested by ``if``/``unless``/``case`` or given a ``| default`` is expected to
  be missing sometimes, so no warning is made for it (:func:`handled_in_template`).
* A filter the version does not have passes its value through unchanged (both real
  engines do so silently); the warning says so, and says when the other version has it
  (:func:`notice_message`).
* Where any part of a request comes out different in the other Liquid version, a warning
  names that version and shows both texts at the first difference (:func:`differences`),
  placed at the template text that made it (:func:`_blame`): where the difference starts
  just after what a tag wrote, the tag rather than the literal text after it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from composer.liquid import (
    LiquidSyntaxError,
    LiquidVersion,
    Notice,
    RenderLimitError,
    RenderOutcome,
    engine,
    other_version,
)
from composer.rendering.diagnostics import Diagnostic, line_column

if TYPE_CHECKING:  # render.py imports this module
    from composer.rendering.render import RenderedRequest

__all__ = [
    "Outcomes",
    "differences",
    "handled_in_template",
    "liquid_error",
    "notice_message",
    "position",
]

Outcomes = dict[str, tuple[str, RenderOutcome]]
"""Each rendered part's template and outcome, by place (``url``, ``headers[i]``, ``body``)."""

_GUARD_TAGS = frozenset({"if", "elsif", "unless", "case", "when"})


def handled_in_template(template: str, index: int | None) -> bool:
    """Whether the template already deals with the variable being absent.

    A variable tested by ``if``/``unless``/``case`` or given a ``| default`` is expected to
    be missing sometimes, so warning about it would only be noise.
    """
    if index is None or not 0 <= index < len(template):
        return False
    start = max(template.rfind("{{", 0, index + 1), template.rfind("{%", 0, index + 1))
    if start < 0:
        return False
    closer = "}}" if template.startswith("{{", start) else "%}"
    end = template.find(closer, index)
    tag = template[start + 2 : end if end >= 0 else len(template)].strip(" -\t\n")
    if re.search(r"\|\s*default\b", tag):
        return True
    words = tag.split(maxsplit=1)
    return closer == "%}" and bool(words) and words[0] in _GUARD_TAGS


def position(template: str, index: int | None) -> tuple[int, int]:
    """Line and column of ``index`` in ``template``; 1, 1 when the place is unknown."""
    if index is None or not 0 <= index <= len(template):
        return 1, 1
    return line_column(template, index)


def liquid_error(
    where: str, template: str, outcome: RenderOutcome, version: LiquidVersion
) -> Diagnostic:
    """The error ``outcome`` ended with, rendering ``template`` at ``where``."""
    error = outcome.error
    assert error is not None
    line, column = position(template, error.index)
    message = error.message or type(error).__name__
    if isinstance(error, LiquidSyntaxError):
        message = f"Liquid syntax error ({version}): {message}"
    elif isinstance(error, RenderLimitError):
        message = f"rendering stopped: {message}"
    return Diagnostic("error", where, line, column, message)


def notice_message(notice: Notice, version: LiquidVersion) -> str:
    """A notice's message, with what the other version says about the same filter."""
    if notice.kind != "unknown_filter":
        return notice.message
    other = other_version(version)
    if notice.name in engine(other).filter_names():
        elsewhere = f"{other} Liquid has it"
    else:
        elsewhere = f"{other} Liquid has no such filter either"
    return (
        f"{version} Liquid has no filter {notice.name!r}, so the value passes through "
        f"unchanged ({elsewhere})"
    )


def differences(
    rendered: RenderedRequest,
    other: RenderedRequest,
    outcomes: Outcomes,
    only: str | None = None,
) -> tuple[Diagnostic, ...]:
    """A warning for each part (or the part ``only``) the other version renders differently."""
    found: list[Diagnostic] = []
    theirs = dict(other.parts())
    failed = {d.where for d in other.diagnostics if d.severity == "error"}
    for where, mine in rendered.parts():
        if only is not None and where != only:
            continue
        text = theirs.get(where)
        if text is None or (text == mine and where not in failed):
            continue
        template, outcome = outcomes.get(where, ("", None))
        if where in failed and not any(
            d.where == where and d.severity == "error" for d in rendered.diagnostics
        ):
            problem = next(
                d for d in other.diagnostics if d.where == where and d.severity == "error"
            )
            line, column = problem.line, problem.column
            message = f"in {other.liquid_version} Liquid this does not render: {problem.message}"
        elif text != mine:
            at = _first_difference(mine, text)
            line, column = position(template, _blame(outcome, at) if outcome else None)
            message = (
                f"in {other.liquid_version} Liquid this renders {_excerpt(text, at)} where "
                f"{rendered.liquid_version} renders {_excerpt(mine, at)}"
            )
        else:
            continue
        found.append(Diagnostic("warning", where, line, column, message))
    return tuple(found)


def _blame(outcome: RenderOutcome, at: int) -> int | None:
    """The template place that made the rendered text differ at ``at``.

    Where the difference starts just after what a tag wrote (``6`` against ``6.0``), the
    tag is to blame rather than the literal text after it.
    """
    pieces = [piece for piece in outcome.segments() if piece[1] > piece[0]]
    previous: tuple[int, int, int, bool] | None = None
    for piece in pieces:
        start, end, origin, exact = piece
        if start <= at < end:
            if start == at and previous is not None and not previous[3]:
                return previous[2] if previous[2] >= 0 else None
            if origin < 0:
                return None
            return origin + (at - start) if exact else origin
        previous = piece
    if previous is None or previous[2] < 0:  # the difference is past the end of the text
        return None
    _, end, origin, exact = previous
    return origin + (end - 1 - previous[0]) if exact else origin


def _first_difference(a: str, b: str) -> int:
    """The index of the first character where ``a`` and ``b`` differ."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def _excerpt(text: str, at: int, before: int = 10, after: int = 30) -> str:
    """``text`` around ``at``, quoted, with line breaks shown and cuts marked."""
    start = max(0, at - before)
    end = min(len(text), at + after)
    shown = text[start:end].replace("\r", "\\r").replace("\n", "\\n")
    if not shown:
        return "nothing" if not text else "nothing more"
    return f'"{"…" if start else ""}{shown}{"…" if end < len(text) else ""}"'
