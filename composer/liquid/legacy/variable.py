"""``Liquid::Variable`` (``lib/liquid/variable.rb``): ``{{ name | filter: arg, key: value }}``.

2.5.3 reads an output with three regular expressions and ignores whatever they do not
match, silently::

    markup.match(/\\s*(#{QuotedFragment})(.*)/)          the name, and the rest
    rest.match(/#{FilterSeparator}\\s*(.*)/)             from the first "|"
    .scan(FilterParser)                                 the filters
    f.match(/\\s*(\\w+)(?:\\s*#{FilterArgumentSeparator}(.*))?/)   a filter's name and arguments
    args.scan(/(?:\\A|,)\\s*((?:\\w+\\s*\\:\\s*)?#{QuotedFragment})/)  its arguments

So ``{{ customer.firstName" }}`` renders ``customer.firstName`` (the stray quote is read
past), ``{{ a b }}`` renders ``a``, ``{{ x | upcase downcase }}`` only upcases, and
``{{- x -}}`` (no whitespace control in 2.5.3) reads a variable named ``-``. Each
ignored piece of text becomes a ``lax_markup`` warning here. An argument written
``key: value`` is collected into a hash passed as the last argument.
"""

from __future__ import annotations

from composer.liquid.legacy.context import Context, Expr
from composer.liquid.legacy.expression import compile_key
from composer.liquid.legacy.lexer import WORD, Markup
from composer.liquid.legacy.parsing import Parser
from composer.liquid.legacy.ruby import RubyError
from composer.liquid.legacy.strainer import FilterSpec, arity_error, invoke
from composer.liquid.state import Notice

__all__ = ["FilterCall", "Variable"]


class FilterCall:
    """One ``| name: args`` of an output or an ``assign``."""

    __slots__ = ("args", "func", "index", "keywords", "name", "spec", "unknown", "wrong")

    def __init__(
        self,
        name: str,
        spec: FilterSpec | None,
        args: list[Expr],
        keywords: list[tuple[str, Expr]],
        index: int,
    ) -> None:
        self.name = name
        self.spec = spec
        self.args = args
        self.keywords = keywords
        self.index = index
        self.func = None if spec is None or spec.cio else spec.func
        """The standard filter to call directly (its arguments are known to fit)."""
        self.wrong = None if spec is None else arity_error(spec, len(args) + bool(keywords))
        self.unknown = None if spec is not None else _unknown_filter(name, index)

    def apply(self, ctx: Context, value: object) -> object:
        """``context.invoke(name, value, *args)``: the arguments are evaluated first."""
        args = [arg(ctx) for arg in self.args] if self.args else []
        if self.keywords:
            args.append({key: arg(ctx) for key, arg in self.keywords})
        state = ctx.state
        if state.steps_to_clock:
            state.steps_to_clock -= 1
        else:
            state.check_deadline()
        try:
            func = self.func
            if func is not None and self.wrong is None:
                result = func(ctx, value, *args)
            elif self.spec is None:
                assert self.unknown is not None
                state.notice(self.unknown)
                return value
            elif self.wrong is not None:
                raise RubyError(self.wrong.ruby_class, self.wrong.message, self.wrong.plain)
            else:
                result = invoke(self.spec, ctx, value, args, self.index)
        except RubyError as error:
            if error.index is None:
                error.index = self.index
                error.name = self.name
            if error.plain is None:
                error.plain = f"the filter '{self.name}' failed: Ruby says “{error.message}”"
            raise
        if type(result) is str and len(result) > 65536:
            state.check_text(result)
        return result


def _unknown_filter(name: str, index: int) -> Notice:
    return Notice(
        "warning",
        index,
        f"the filter '{name}' does not exist in legacy Liquid (Ruby Liquid 2.5.3), which "
        "passes the value through unchanged",
        "unknown_filter",
        name,
    )


class Variable:
    """A parsed ``{{ … }}`` (or the right side of an ``assign``)."""

    __slots__ = ("filters", "lookup", "markup")

    def __init__(self, markup: str, offset: int, parser: Parser) -> None:
        self.markup = markup
        self.filters: list[FilterCall] = []
        text = Markup(markup, offset)
        start = text.search_fragment(0)
        if start < 0:
            self.lookup: Expr | None = None
            if markup.strip():
                parser.lax(offset, f"Ruby Liquid 2.5.3 finds no value in `{markup.strip()}`")
            return
        end = text.fragment(start)
        name = markup[start:end]
        self.lookup = compile_key(name, offset + start, parser)
        ignored: list[tuple[int, str]] = []
        _ignored(ignored, markup, 0, start, offset)
        bar = markup.find("|", end)
        _ignored(ignored, markup, end, bar if bar >= 0 else len(markup), offset)
        if bar >= 0:
            self._parse_filters(text, text.skip_space(bar + 1), parser, ignored)
        if name.strip("-") == "" and markup.lstrip().startswith("-"):
            parser.lax(
                offset + start,
                "Ruby Liquid 2.5.3 has no whitespace control: `{{-` reads a variable "
                "named `-`, which is empty, and ignores the rest",
            )
        elif ignored:
            pieces = ", ".join(f"`{piece}`" for _, piece in ignored)
            parser.lax(
                ignored[0][0],
                f"Ruby Liquid 2.5.3 ignores {pieces} in `{markup.strip()}`; "
                "it renders as if that text were not there",
            )

    def _parse_filters(
        self, text: Markup, pos: int, parser: Parser, ignored: list[tuple[int, str]]
    ) -> None:
        markup, size, offset = text.text, text.size, text.offset
        while pos < size:  # .scan(FilterParser)
            parser.tick()
            if markup[pos] == "|":
                pos += 1
                continue
            end = pos
            while True:  # (?:\s*(?:QuotedFragment|,)\s*)+
                parser.tick()
                at = text.skip_space(end)
                stop = text.fragment(at)
                if stop < 0:
                    if at < size and markup[at] == ",":
                        stop = at + 1
                    else:
                        break
                end = text.skip_space(stop)
            if end == pos:
                _ignored(ignored, markup, pos, pos + 1, offset)
                pos += 1
                continue
            self._parse_filter(markup, pos, end, offset, parser, ignored)
            pos = end

    def _parse_filter(
        self,
        markup: str,
        start: int,
        end: int,
        offset: int,
        parser: Parser,
        ignored: list[tuple[int, str]],
    ) -> None:
        word = WORD.search(markup, start, end)  # /\s*(\w+)(?:\s*:(.*))?/
        if word is None:
            _ignored(ignored, markup, start, end, offset)
            return
        _ignored(ignored, markup, start, word.start(), offset)
        name = word.group()
        after = word.end()
        colon = after
        while colon < end and markup[colon] in " \t\n\v\f\r":
            colon += 1
        args: list[Expr] = []
        keywords: list[tuple[str, Expr]] = []
        if colon < end and markup[colon] == ":":
            self._parse_args(
                Markup(markup[colon + 1 : end], offset + colon + 1), parser, args, keywords, ignored
            )
        else:
            _ignored(ignored, markup, after, end, offset)
        index = parser.at(offset + word.start())
        parser.filter(name, offset + word.start())
        self.filters.append(FilterCall(name, parser.filters.get(name), args, keywords, index))

    @staticmethod
    def _parse_args(
        text: Markup,
        parser: Parser,
        args: list[Expr],
        keywords: list[tuple[str, Expr]],
        ignored: list[tuple[int, str]],
    ) -> None:
        markup, size, offset = text.text, text.size, text.offset
        pos = 0
        while pos < size:  # .scan(/(?:\A|,)\s*((?:\w+\s*\:\s*)?QuotedFragment)/)
            parser.tick()
            if pos == 0 or markup[pos] == ",":
                found = _argument(text, pos + (0 if pos == 0 else 1))
                if found is None and pos == 0 and markup[0] == ",":
                    found = _argument(text, 1)
                if found is not None:
                    key, value_at, end = found
                    value = compile_key(markup[value_at:end], offset + value_at, parser)
                    if key is None:
                        args.append(value)
                    else:
                        keywords.append((key, value))
                    pos = end
                    continue
            _ignored(ignored, markup, pos, pos + 1, offset, commas=True)
            pos += 1


def _argument(text: Markup, pos: int) -> tuple[str | None, int, int] | None:
    """``\\s*((?:\\w+\\s*:\\s*)?QuotedFragment)`` at ``pos``: (key, value start, end)."""
    start = text.skip_space(pos)
    word_end = text.word_end(start)
    if word_end >= 0:
        colon = text.skip_space(word_end)
        if colon < text.size and text.text[colon] == ":":
            value_at = text.skip_space(colon + 1)
            end = text.fragment(value_at)
            if end >= 0:
                return text.text[start:word_end], value_at, end
    end = text.fragment(start)
    if end < 0:
        return None
    return None, start, end


def _ignored(
    found: list[tuple[int, str]],
    markup: str,
    start: int,
    end: int,
    offset: int,
    *,
    commas: bool = False,
) -> None:
    piece = markup[start:end].strip(" \t\n\v\f\r" + ("," if commas else ""))
    if piece and piece != "|":
        if found and found[-1][0] + len(found[-1][1]) == offset + start:
            found[-1] = (found[-1][0], found[-1][1] + piece)
        else:
            found.append((offset + start, piece))

    # (the piece's own position is close enough to point at for a warning)


def render_variable(variable: Variable, ctx: Context) -> object:
    """``Variable#render``: the value, through each filter in turn."""
    lookup = variable.lookup
    if lookup is None:
        return None
    value = lookup(ctx)
    for call in variable.filters:
        value = call.apply(ctx, value)
    return value
