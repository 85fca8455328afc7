"""``Liquid::Context`` (``lib/liquid/context.rb``): the scopes, registers and errors of a render.

Ruby Liquid 2.5.3 renders ``Template.parse(source).render(data)`` with
``Context.new([data, assigns], instance_assigns, registers)``:

* ``scopes`` — the innermost first in Ruby, the innermost *last* here. The outermost
  scope (Ruby's ``scopes.last``) is where ``assign`` and ``capture`` write; ``for``,
  ``if``, ``case`` … push a scope of their own, and more than 100 scopes is Ruby's
  ``Liquid::StackLevelError: Nesting too deep``.
* ``environments`` — the data, then the template's (always empty) assigns.
  ``increment``/``decrement`` write their counters into the data hash itself; here they
  go into :attr:`Context.counters`, looked at before the data, so the caller's data is
  never changed.
* ``find_variable``'s quirk is kept: a top-level value from the data that is ``false``
  reads as ``nil`` (Ruby looks for a *truthy* value in each environment, then falls
  back to the empty assigns).
* ``handle_error`` writes ``Liquid error: <message>`` (``Liquid syntax error: …`` for a
  ``Liquid::SyntaxError``) in place of the node that raised, and rendering carries on.

Beyond Ruby, the context reports what the data lacks (:meth:`Context.miss`), keeps the
first inline error as the outcome's error and the later ones as notices, and counts
the steps the guards of :class:`~composer.liquid.state.RenderState` need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from composer.liquid.errors import LiquidRenderError
from composer.liquid.legacy.ruby import RubyError, RubyRange, RubySymbol, no_method
from composer.liquid.state import Notice, RenderState

if TYPE_CHECKING:
    from composer.liquid.legacy.template import LegacyEngine

__all__ = ["ABSENT", "Context", "Expr", "check_liquid"]

ABSENT: Any = object()
"""What a scope or the data gives for a name it does not hold."""
SCOPE_LIMIT = 100
"""Ruby's ``Context#push`` refuses a scope past this many: ``Nesting too deep``."""

Expr = Callable[["Context"], object]
"""A compiled ``context[key]``: evaluates one expression in a context."""


def check_liquid(value: object) -> object:
    """``value.to_liquid``: a range or a symbol has no ``to_liquid`` in 2.5.3."""
    if type(value) is RubyRange or type(value) is RubySymbol:
        raise no_method(
            "to_liquid",
            value,
            f"a variable holds {value!r}, which Ruby Liquid 2.5.3 cannot read back",
        )
    return value


class Context:
    """The render-time state of one template render (and the templates it renders)."""

    __slots__ = (
        "counters",
        "data",
        "depth",
        "engine",
        "error",
        "interrupts",
        "registers",
        "scopes",
        "seen_missing",
        "state",
    )

    def __init__(self, engine: LegacyEngine, data: Mapping[str, object], state: RenderState):
        self.engine = engine
        self.state = state
        self.data = data
        self.scopes: list[dict[Any, object]] = [{}]
        """The scopes, outermost first (Ruby keeps them innermost first)."""
        self.counters: dict[Any, object] = {}
        """What ``increment``/``decrement`` wrote into the data hash."""
        self.registers: dict[str, Any] = {}
        """``cycle``, ``for`` and ``ifchanged`` state, as Ruby's ``context.registers``."""
        self.interrupts: list[str] = []
        """Pending ``break``/``continue`` interrupts."""
        self.error: LiquidRenderError | None = None
        """The first error written inline."""
        self.seen_missing: set[tuple[str, int | None]] = set()
        self.depth = 0
        """How deeply ``render_source`` has nested templates."""

    # -- variables ---------------------------------------------------------------------

    def find_variable(self, key: object) -> object:
        """``find_variable``: the innermost scope holding ``key``, else the data (a false
        or nil value there reads as nil); :data:`ABSENT` when nothing holds it."""
        try:
            scopes = self.scopes
            if len(scopes) == 1:
                scope = scopes[0]
                if key in scope:
                    return check_liquid(scope[key])
            else:
                for i in range(len(scopes) - 1, -1, -1):
                    scope = scopes[i]
                    if key in scope:
                        return check_liquid(scope[key])
            counters = self.counters
            if counters and key in counters:
                value = counters[key]
            else:
                data = self.data
                if type(data) is dict:
                    value = data.get(key, ABSENT)
                else:
                    try:
                        value = data[key]  # type: ignore[index]
                    except KeyError:
                        value = ABSENT
        except TypeError:  # an unhashable key (an array or a hash) names nothing
            return ABSENT
        if value is None or value is False:
            return None
        if type(value) is RubyRange or type(value) is RubySymbol:
            check_liquid(value)
        return value

    def miss(self, path: tuple[object, ...], index: int | None) -> None:
        """Report a variable the data lacks (once per expression and path)."""
        text = ".".join(str(p) for p in path)
        if (text, index) in self.seen_missing:
            return
        self.seen_missing.add((text, index))
        root = path[0]
        if root in ("forloop", "tablerowloop") or (isinstance(root, str) and not root.strip("-")):
            return  # a loop helper outside its loop; the `{{-` of another version
        self.state.miss(path, index)

    # -- scopes --------------------------------------------------------------------------

    def push(self, scope: dict[Any, object] | None = None) -> None:
        """``Context#push``: a new innermost scope; ``Nesting too deep`` past 100."""
        if len(self.scopes) >= SCOPE_LIMIT:
            raise RubyError(
                "Liquid::StackLevelError",
                "Nesting too deep",
                f"blocks nest more than {SCOPE_LIMIT - 1} deep; Ruby Liquid stops there",
            )
        self.scopes.append({} if scope is None else scope)

    def pop(self) -> None:
        """``Context#pop``."""
        self.scopes.pop()

    # -- errors --------------------------------------------------------------------------

    def handle_error(self, error: RubyError, index: int, name: str = "") -> str:
        """``Context#handle_error``: the inline text for ``error``; keep the first as the
        outcome's error and each later one as a notice."""
        where = index  # the output or tag that wrote the error text
        name = error.name or name
        plain = error.plain or f"Ruby raised {error.ruby_class}: {error.message}"
        message = f"{plain} (Ruby Liquid writes “{_inline(error)}” in its place)"
        if self.error is None:
            self.error = LiquidRenderError(message, where)
        else:
            self.state.notice(Notice("error", where, message, "inline_error", name))
        return _inline(error)


def _inline(error: RubyError) -> str:
    if error.ruby_class == "Liquid::SyntaxError":
        return f"Liquid syntax error: {error.message}"
    return f"Liquid error: {error.message}"
