"""``Liquid::Condition`` (``lib/liquid/condition.rb``) and how ``if`` reads its markup
(``lib/liquid/tags/if.rb``).

``if`` splits its markup with ``ExpressionsAndOperators``::

    /(?:\\b(?:\\s?and\\s?|\\s?or\\s?)\\b|(?:\\s*(?!\\b(?:\\s?and\\s?|\\s?or\\s?)\\b)(?:#{QuotedFragment}|\\S+)\\s*)+)/

then reads the pieces from the *right*: ``a and b or c`` is ``a and (b or c)``, and the
left side is evaluated first. Each comparison is ``Syntax``,
``/(#{QuotedFragment})\\s*([=!<>a-z_]+)?\\s*(#{QuotedFragment})?/``, so ``x==1`` (no
spaces) is one fragment, a variable named ``x==1``, and ``a =< b`` is an operator Ruby
does not know (``Liquid error: Unknown operator =<`` when it renders).

``==`` compares with Ruby's ``==``, except against the literals ``blank`` and ``empty``
(``:blank?``, ``:empty?``), which ask the other side ``blank?`` (ActiveSupport: nil,
false, white space, empty arrays and hashes) or ``empty?``.
"""

from __future__ import annotations

from collections.abc import Callable

from composer.liquid.errors import LiquidSyntaxError
from composer.liquid.legacy.compare import contains, rb_eq, relation
from composer.liquid.legacy.context import Context, Expr
from composer.liquid.legacy.expression import compile_key
from composer.liquid.legacy.lexer import Markup
from composer.liquid.legacy.parsing import Parser
from composer.liquid.legacy.ruby import RubyError, RubySymbol, is_blank, is_empty, truthy

__all__ = ["Condition", "ElseCondition", "parse_if"]

SYNTAX_HELP = "Syntax Error in tag 'if' - Valid syntax: if [expression]"
_SPACE = " \t\n\v\f\r"
_OPERATOR_CHARS = frozenset("=!<>abcdefghijklmnopqrstuvwxyz_")


def equal_variables(left: object, right: object) -> object:
    """``Condition#equal_variables``: ``==``, with ``blank``/``empty`` asked of the other side."""
    if isinstance(left, RubySymbol):
        return _ask(right, left)
    if isinstance(right, RubySymbol):
        return _ask(left, right)
    return rb_eq(left, right)


def _ask(value: object, symbol: RubySymbol) -> object:
    if symbol.name == "blank?":
        return is_blank(value)
    if symbol.name == "empty?":
        return is_empty(value)  # None (nil) where there is no empty?
    return None


def _operator(name: str) -> Callable[[object, object], object] | None:
    if name == "==":
        return equal_variables
    if name in ("!=", "<>"):
        return lambda left, right: not truthy(equal_variables(left, right))
    if name in ("<", ">", "<=", ">="):
        return lambda left, right: relation(name, left, right)
    if name == "contains":
        return contains
    return None


class Condition:
    """One comparison, maybe chained to the next with ``and``/``or``."""

    __slots__ = ("attachment", "child", "left", "operation", "operator", "relation", "right")

    def __init__(self, left: Expr, operator: str | None, right: Expr) -> None:
        self.left = left
        self.operator = operator
        self.operation = None if operator is None else _operator(operator)
        self.right = right
        self.relation: str | None = None
        self.child: Condition | None = None
        self.attachment: list[object] = []

    def is_else(self) -> bool:
        """Whether this is ``else``."""
        return False

    def evaluate(self, ctx: Context) -> object:
        """``Condition#evaluate``: the result (Ruby-truthy or not), left to right."""
        condition = self
        while True:
            result = condition._interpret(ctx)
            child = condition.child
            if child is None or truthy(result) == (condition.relation == "or"):
                return result
            condition = child

    def _interpret(self, ctx: Context) -> object:
        if self.operator is None:
            return self.left(ctx)
        left, right = self.left(ctx), self.right(ctx)
        if self.operation is None:
            raise RubyError(
                "ArgumentError",
                f"Unknown operator {self.operator}",
                f"'{self.operator}' is not an operator Ruby Liquid 2.5.3 knows "
                "(==, !=, <>, <, >, <=, >=, contains)",
            )
        return self.operation(left, right)


class ElseCondition(Condition):
    """``else``: always true."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(_nil, None, _nil)

    def is_else(self) -> bool:
        return True

    def evaluate(self, ctx: Context) -> object:
        return True


def _nil(_ctx: Context) -> object:
    return None


def _is_word(text: str, pos: int) -> bool:
    return 0 <= pos < len(text) and (text[pos].isalnum() or text[pos] == "_")


def _boundary(text: str, pos: int) -> bool:
    return _is_word(text, pos - 1) != _is_word(text, pos)


def and_or_at(text: str, pos: int) -> int:
    """The end of ``\\b(?:\\s?and\\s?|\\s?or\\s?)\\b`` at ``pos``, or -1."""
    if not _boundary(text, pos):
        return -1
    size = len(text)
    for word in ("and", "or"):
        for lead in (pos + 1, pos):
            if lead > pos and not (pos < size and text[pos] in _SPACE):
                continue
            if not text.startswith(word, lead):
                continue
            end = lead + len(word)
            for tail in (end + 1, end):
                if tail > end and not (end < size and text[end] in _SPACE):
                    continue
                if _boundary(text, tail):
                    return tail
    return -1


def split_expressions(text: Markup, parser: Parser) -> list[tuple[str, int]]:
    """``markup.scan(ExpressionsAndOperators)``, with each piece's position."""
    markup, size = text.text, text.size
    pieces: list[tuple[str, int]] = []
    pos = 0
    while pos < size:
        parser.tick()
        end = and_or_at(markup, pos)
        if end < 0:
            end = _expression_at(text, pos, parser)
        if end > pos:
            pieces.append((markup[pos:end], pos))
            pos = end
        else:
            pos += 1
    return pieces


def _expression_at(text: Markup, pos: int, parser: Parser) -> int:
    """The end of ``(?:\\s*(?!and|or)(?:QuotedFragment|\\S+)\\s*)+`` at ``pos``, or -1."""
    markup, size = text.text, text.size
    end = pos
    found = False
    while True:
        parser.tick()
        at = text.skip_space(end)
        if at >= size or and_or_at(markup, at) >= 0:
            break
        stop = text.fragment(at)
        if stop < 0:
            stop = at
            while stop < size and markup[stop] not in _SPACE:
                stop += 1
        end = text.skip_space(stop)
        found = True
    return end if found else -1


def parse_comparison(expression: str, offset: int, parser: Parser, index: int) -> Condition:
    """``Syntax`` matched against one expression: ``left op right``."""
    text = Markup(expression, offset)
    start = text.search_fragment(0)
    if start < 0:
        raise LiquidSyntaxError(SYNTAX_HELP, parser.at(index))
    end = text.fragment(start)
    at = text.skip_space(end)
    stop = at
    while stop < text.size and expression[stop] in _OPERATOR_CHARS:
        stop += 1
    operator = expression[at:stop] if stop > at else None
    if operator is not None:
        at = text.skip_space(stop)
    right_end = text.fragment(at)
    left = compile_key(expression[start:end], offset + start, parser)
    right = compile_key(expression[at:right_end] if right_end >= 0 else None, offset + at, parser)
    rest = expression[right_end if right_end >= 0 else at :].strip(_SPACE)
    if rest:
        parser.lax(
            offset + (right_end if right_end >= 0 else at),
            f"Ruby Liquid 2.5.3 ignores `{rest}` in the condition `{expression.strip()}`",
        )
    return Condition(left, operator, right)


def parse_if(markup: str, offset: int, parser: Parser, index: int) -> Condition:
    """``If#push_block``'s condition chain (syntax errors at ``index``, the tag)."""
    pieces = split_expressions(Markup(markup, offset), parser)  # read from the right
    if not pieces:
        raise LiquidSyntaxError(SYNTAX_HELP, parser.at(index))
    text, pos = pieces.pop()
    condition = parse_comparison(text, offset + pos, parser, index)
    while pieces:
        parser.tick()
        operator = pieces.pop()[0].strip(_SPACE)
        if not pieces:
            raise LiquidSyntaxError(SYNTAX_HELP, parser.at(index))
        text, pos = pieces.pop()
        newer = parse_comparison(text, offset + pos, parser, index)
        if operator not in ("and", "or"):
            raise LiquidSyntaxError(
                f"undefined method `{operator}' for a condition (Ruby raises NoMethodError)",
                parser.at(index),
            )
        newer.relation = operator
        newer.child = condition
        condition = newer
    return condition
