"""``Context#resolve`` and ``Context#variable`` (``lib/liquid/context.rb``), compiled.

2.5.3 evaluates an expression by matching its text against a chain of patterns every
time it renders::

    LITERALS  nil null '' true false blank (:blank?) empty (:empty?)
    /^'(.*)'$/  /^"(.*)"$/     a string, no escapes
    /^(-?\\d+)$/                an integer
    /^\\((\\S+)\\.\\.(\\S+)\\)$/     a range: resolve(both ends).to_i
    /^(-?\\d[\\d\\.]+)$/         a float (String#to_f, so "1.2.3" is 1.2)
    anything else              a variable: key.scan(VariableParser)

Here the text is matched once, when the template is parsed, and turned into a closure.
A variable is its parts: the first names a local or a value of the data, each further
part is a hash key, an array index (``[0]``, not ``.0``), or one of the commands
``size``, ``first``, ``last`` (with ActiveSupport, a string has ``first``/``last`` too).
Anything else reads as nil, and the part of the path the data lacks is reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from composer.liquid.errors import RenderLimitError
from composer.liquid.legacy.context import ABSENT, Context, Expr, check_liquid
from composer.liquid.legacy.lexer import Markup
from composer.liquid.legacy.parsing import Parser
from composer.liquid.legacy.ruby import RubyRange, RubySymbol, str_to_f, to_i

__all__ = ["compile_key", "literal"]

BLANK = RubySymbol("blank?")
EMPTY = RubySymbol("empty?")
_LITERALS: dict[str, object] = {
    "nil": None,
    "null": None,
    "": None,
    "true": True,
    "false": False,
    "blank": BLANK,
    "empty": EMPTY,
}
PATH_LIMIT = 1000
"""Most parts a variable may have (``a.b.c`` has three)."""
_INTEGER = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?[0-9][0-9.]+")
_SPACE = re.compile(r"[ \t\n\v\f\r]")
_NOT_A_LITERAL = object()


def literal(key: str | None) -> object:
    """The value of ``key`` when it is a literal (not a range), else a sentinel."""
    if key is None:
        return None
    if key in _LITERALS:
        return _LITERALS[key]
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"" and "\n" not in key:
        return key[1:-1]
    if _INTEGER.fullmatch(key):
        return int(key)
    if _FLOAT.fullmatch(key):
        return str_to_f(key)
    return _NOT_A_LITERAL


def is_literal(key: str | None) -> bool:
    """Whether ``key`` is a literal (not a variable, not a range)."""
    return literal(key) is not _NOT_A_LITERAL


def _range_ends(key: str) -> tuple[str, str] | None:
    """``/^\\((\\S+)\\.\\.(\\S+)\\)$/``: the two ends of a range literal, or None."""
    if len(key) < 6 or key[0] != "(" or key[-1] != ")" or _SPACE.search(key):
        return None
    inner = key[1:-1]
    dots = inner.rfind("..", 1, len(inner) - 1)
    if dots < 0:
        return None
    return inner[:dots], inner[dots + 2 :]


def _constant(value: object) -> Expr:
    return lambda _ctx: value


def compile_key(key: str | None, index: int, parser: Parser) -> Expr:
    """``context[key]`` as a closure; records the variables it reads in ``parser``."""
    value = literal(key)
    if value is not _NOT_A_LITERAL:
        return _constant(value)
    assert key is not None
    ends = _range_ends(key)
    if ends is not None:
        first = compile_key(ends[0], index + 1, parser)
        last = compile_key(ends[1], index + len(ends[0]) + 3, parser)

        def make_range(ctx: Context) -> object:
            return RubyRange(to_i(first(ctx)), to_i(last(ctx)))

        return make_range
    return _variable(key, index, parser)


def _variable(key: str, index: int, parser: Parser) -> Expr:
    parts = Markup(key).variable_parts()
    if not parts:
        return _constant(None)
    if len(parts) > PATH_LIMIT:
        raise RenderLimitError(f"a variable has more than {PATH_LIMIT:,} parts", parser.at(index))
    names: list[object] = []
    dynamic: list[Expr | None] = []
    path: list[str | int | None] = []
    for text, pos in parts:
        if text[0] == "[" and text[-1] == "]":
            inner = text[1:-1]
            value = literal(inner)
            if value is not _NOT_A_LITERAL:
                names.append(value)
                dynamic.append(None)
                path.append(value if isinstance(value, str | int) else None)
            else:
                names.append(None)
                dynamic.append(compile_key(inner, index + pos + 1, parser))
                path.append(None)
        else:
            names.append(text)
            dynamic.append(None)
            path.append(text)
    parser.use(tuple(path), index)
    # A bracketed literal is still "resolved": it is not a command (`size` …).
    resolved = [text[0] == "[" and text[-1] == "]" for text, _ in parts]
    return VariableLookup(names, dynamic, resolved, parser.at(index))


class VariableLookup:
    """``Context#variable``: a compiled variable expression such as ``a.b[0].size``."""

    __slots__ = ("dynamic", "first", "first_dynamic", "index", "names", "resolved", "rest")

    def __init__(
        self, names: list[object], dynamic: list[Expr | None], resolved: list[bool], index: int
    ) -> None:
        self.names = names
        self.dynamic = dynamic
        self.resolved = resolved
        self.index = index
        self.first = names[0]
        self.first_dynamic = dynamic[0]
        self.rest = tuple(
            (names[i], dynamic[i], resolved[i], i < len(names) - 1) for i in range(1, len(names))
        )

    def __call__(self, ctx: Context) -> object:
        state = ctx.state
        if state.steps_to_clock:
            state.steps_to_clock -= 1
        else:
            state.check_deadline()
        first = self.first_dynamic
        key = self.first if first is None else first(ctx)
        obj = ctx.find_variable(key)
        if obj is ABSENT:
            ctx.miss((key,), self.index)
            return None
        rest = self.rest
        if not rest:
            return obj
        if obj is None or obj is False:
            ctx.miss((key,), self.index)
            return obj
        path = [key]
        for name, part_of, resolved, more in rest:
            part = name if part_of is None else part_of(ctx)
            path.append(part)
            if type(obj) is dict or isinstance(obj, Mapping):
                try:
                    value = obj.get(part, ABSENT)
                except TypeError:
                    value = ABSENT
                obj = check_liquid(value) if value is not ABSENT else _command(obj, part, resolved)
            elif type(part) is int and isinstance(obj, list | tuple):
                try:
                    obj = check_liquid(obj[part])
                except IndexError:
                    obj = None
            else:
                obj = _command(obj, part, resolved)
            if obj is ABSENT or (obj is None and more):
                ctx.miss(tuple(path), self.index)
                return None
        return obj


def _command(obj: object, part: object, resolved: bool) -> object:
    """``size``/``first``/``last`` called on a value that answers to them, else ABSENT."""
    if resolved or part not in ("size", "first", "last"):
        return ABSENT
    if isinstance(obj, str):
        if part == "size":
            return len(obj)
        return obj[:1] if part == "first" else obj[-1:]
    if isinstance(obj, list | tuple):
        if part == "size":
            return len(obj)
        if not obj:
            return None
        return check_liquid(obj[0] if part == "first" else obj[-1])
    if isinstance(obj, Mapping):
        if part == "size":
            return len(obj)
        if part == "first":
            for pair in obj.items():
                return list(pair)
            return None
        return ABSENT  # Hash has no #last
    if isinstance(obj, int) and not isinstance(obj, bool) and part == "size":
        return integer_size(obj)
    return ABSENT


def integer_size(number: int) -> int:
    """``Integer#size``: 8 bytes, or the bytes a bignum needs."""
    bits = abs(number).bit_length()
    return 8 if bits <= 64 else (bits + 7) // 8
