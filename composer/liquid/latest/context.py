"""The scope of one render (``src/context/context.ts``): variables, registers, lookups.

A :class:`Context` holds, from innermost to outermost: the scopes tags push (a ``for``
loop's variable and ``forloop``), the bottom scope where ``assign`` and ``capture``
write, then the data (LiquidJS's ``environments``; ``increment`` and ``decrement``
write beside it here, never into the caller's data), then an empty global scope. A
name found nowhere is read from that empty object, so ``{{ size }}`` is ``0`` as in
LiquidJS. Properties are read as LiquidJS's ``readProperty`` does (own properties only;
``size``, ``first`` and ``last`` understood for arrays, strings and objects; a drop's
methods called).

While reading a path the context tells the render state which variables the data lacks
(:meth:`~composer.liquid.state.RenderState.miss`): the path up to the first missing part,
or up to a nil part that is read below. Nothing is reported for literals, drops
(``forloop``, ``nil``) or ``size``/``first``/``last`` of a value that has them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from composer.liquid.latest.jsstring import JsError
from composer.liquid.latest.jsvalues import (
    UNDEFINED,
    Drop,
    is_number,
    js_truthy,
    own_property,
    property_key,
    read_array_element,
    read_size,
    to_value,
)
from composer.liquid.state import RenderState, path_text

if TYPE_CHECKING:
    from composer.liquid.latest.engine import LatestEngine

__all__ = ["Context", "read_property"]

_COMMANDS = ("size", "first", "last")


def read_property(value: object, key: object) -> object:
    """LiquidJS's ``Context#readProperty``: ``value[key]`` as a template reads it."""
    if type(value) is dict and type(key) is str and key not in _COMMANDS:
        return value.get(key, UNDEFINED)  # the common case, as the general path reads it
    key = to_value(key)
    if value is None or value is UNDEFINED:
        return value
    if isinstance(value, Drop):
        return value.js_get(property_key(key))
    kind = type(value)
    if (kind is list or kind is tuple) and is_number(key):
        return read_array_element(value, key)
    if type(key) is not str:
        return own_property(value, property_key(key))
    found = own_property(value, key)
    if key == "size":
        return read_size(value)
    if key == "first" and (kind is list or kind is tuple):
        return read_array_element(value, 0)
    if key == "last" and (kind is list or kind is tuple):
        return read_array_element(value, -1)
    return found


def _segment(key: object) -> str | int:
    if isinstance(key, str):
        return key
    if is_number(key) and float(key).is_integer():  # type: ignore[arg-type]
        return int(key)  # type: ignore[call-overload,no-any-return]
    return property_key(key)


class Context:
    """Scopes, registers and flags of one render."""

    __slots__ = (
        "break_called",
        "continue_called",
        "counters",
        "depth",
        "engine",
        "environments",
        "fallback_after",
        "filter_index",
        "filter_name",
        "registers",
        "reports",
        "scopes",
        "state",
    )

    def __init__(
        self, environments: Mapping[str, Any], state: RenderState, engine: LatestEngine
    ) -> None:
        self.scopes: list[dict[str, Any]] = [{}]
        """Innermost last; ``scopes[0]`` is where ``assign`` and ``capture`` write."""
        self.environments = environments
        """The data the template renders with (never written to)."""
        self.counters: dict[str, Any] = {}
        """What ``increment`` and ``decrement`` wrote (LiquidJS writes into the data)."""
        self.registers: dict[str, Any] = {}
        """Tags' own memory: ``cycle`` positions, ``for … offset: continue``, loops."""
        self.break_called = False
        """Set by ``{% break %}`` until the enclosing loop sees it."""
        self.continue_called = False
        """Set by ``{% continue %}`` until the enclosing loop sees it."""
        self.state = state
        """The render's limits, clock and findings."""
        self.engine = engine
        """The engine rendering (its filters, tags and parse cache)."""
        self.depth = 0
        """How deeply templates rendered from within templates nest."""
        self.filter_name = ""
        """The filter being applied (for messages)."""
        self.filter_index: int | None = None
        """Where that filter is written."""
        self.fallback_after = False
        """Whether a ``default`` follows that filter in its chain."""
        self.reports = True
        """Whether lookups report missing variables (not inside a filter's own lookups)."""

    def bottom(self) -> dict[str, Any]:
        """The scope ``assign`` and ``capture`` write to."""
        return self.scopes[0]

    def push(self, scope: dict[str, Any]) -> None:
        """Enter a scope."""
        self.scopes.append(scope)

    def pop(self) -> None:
        """Leave the innermost scope."""
        self.scopes.pop()

    def get_register(self, key: str, default: Any) -> Any:
        """``getRegister``: the register, set to ``default`` when it is falsy."""
        found = self.registers.get(key, UNDEFINED)
        if not js_truthy(found):
            found = self.registers[key] = default
        return found

    def root(self, key: object) -> object:
        """The value of a top-level name (``findScope`` then ``readProperty``)."""
        name = key if type(key) is str else property_key(key)
        scopes = self.scopes
        for i in range(len(scopes) - 1, -1, -1):
            scope = scopes[i]
            if name in scope:
                return read_property(scope, key)
        if name in self.counters:
            return read_property(self.counters, key)
        environments = self.environments
        try:
            found = name in environments
        except (KeyError, TypeError):
            found = False
        if found:
            return read_property(environments, key)
        return read_property({}, key)

    def bound(self, key: object) -> bool:
        """Whether the template bound ``key`` itself (an ``assign`` of nothing included):
        such a name is not missing from the data, whatever it holds."""
        name = key if type(key) is str else property_key(key)
        return name in self.counters or any(name in scope for scope in self.scopes)

    def lookup(self, path: Sequence[object], index: int | None) -> object:
        """The value at ``path`` from the scopes, telling the state what is missing."""
        self.state.step()
        report = self.reports
        value = self.root(path[0])
        if value is UNDEFINED:
            if report and not self.bound(path[0]):
                self.state.miss([_segment(path[0])], index)
            return value
        return self.walk(value, path, 1, index, report)

    def walk(
        self, value: object, path: Sequence[object], start: int, index: int | None, report: bool
    ) -> object:
        """Read ``path[start:]`` below ``value``."""
        for i in range(start, len(path)):
            if report and isinstance(value, Drop):
                report = False
            if value is None:
                if report:
                    self.state.miss([_segment(key) for key in path[:i]], index)
                return value
            key = path[i]
            try:
                found = read_property(value, key)
            except JsError as error:
                where = path_text([_segment(part) for part in path[: i + 1]])
                raise JsError(
                    error.name,
                    error.message,
                    f"reading {where} failed with JavaScript's {error.name}: {error.message}",
                ) from None
            if found is UNDEFINED:
                if report and not (key in _COMMANDS and isinstance(value, (str, list, Mapping))):
                    self.state.miss([_segment(part) for part in path[: i + 1]], index)
                return found
            value = found
        return value

    def spawn(self, item: object) -> Context:
        """A context whose data is ``item`` (LiquidJS's ``ctx.spawn(item)``), reporting nothing."""
        data = item if isinstance(item, Mapping) else _ObjectView(item)
        spawned = Context(data, self.state, self.engine)
        spawned.reports = False
        spawned.depth = self.depth
        return spawned


class _ObjectView(Mapping[str, Any]):
    """A value seen as the object ``Object(value)``: its own properties by name."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __getitem__(self, key: str) -> Any:
        value = self.value
        found = value.js_get(key) if isinstance(value, Drop) else own_property(value, key)
        if found is UNDEFINED:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Any:
        return iter(())

    def __len__(self) -> int:
        return 0
