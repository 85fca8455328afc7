"""``Liquid::StandardFilters`` (``lib/liquid/standardfilters.rb``): the 31 filters of 2.5.3.

Each is written as the Ruby method is, calling what Ruby calls on the input, so the
input's type decides as in Ruby: ``{{ 5 | split: "," }}`` is ``undefined method `split'
for 5:Integer``, ``{{ 5 | escape }}`` is ``5`` (``CGI.escapeHTML`` raises for a number and
the filter rescues it), ``{{ 'hello' | first }}`` is ``h`` (ActiveSupport's
``String#first``), and ``{{ arr | split: ',' }}`` is ActiveSupport's ``Array#split``.

``escape_once`` calls ActionView's helper, which Ruby Liquid's own process does not
load (the oracle answers the input unchanged, and so does this engine); ``date`` is in
:mod:`composer.liquid.legacy.dates`, the arithmetic in
:mod:`composer.liquid.legacy.numbers`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from composer.liquid.errors import RenderLimitError
from composer.liquid.legacy import rubystring
from composer.liquid.legacy.compare import rb_eq, ruby_sort
from composer.liquid.legacy.dates import date
from composer.liquid.legacy.expression import integer_size
from composer.liquid.legacy.numbers import NUMBER_FILTERS
from composer.liquid.legacy.ruby import (
    RubyError,
    RubyRange,
    RubySymbol,
    describe,
    inspect,
    no_conversion,
    no_method,
    output_text,
    to_i,
    to_s,
)
from composer.liquid.legacy.rubyindex import index, length, plus_text, responds_to_index, send
from composer.liquid.legacy.strainer import FilterSpec
from composer.liquid.state import OUTPUT_LIMIT

if TYPE_CHECKING:
    from composer.liquid.legacy.context import Context

__all__ = ["STANDARD_FILTERS"]


def flatten(items: list[object] | tuple[object, ...]) -> Iterator[object]:
    """``Array#flatten``: the items of nested arrays, depth first."""
    for item in items:
        if isinstance(item, list | tuple):
            yield from flatten(item)
        else:
            yield item


def size(_ctx: Context, value: object) -> object:
    """``input.respond_to?(:size) ? input.size : 0``."""
    if isinstance(value, str | list | tuple | Mapping | RubyRange):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return integer_size(value)
    if isinstance(value, RubySymbol):
        return len(value.name)
    return 0


def downcase(_ctx: Context, value: object) -> object:
    """``input.to_s.downcase``."""
    return rubystring.downcase(to_s(value))


def upcase(_ctx: Context, value: object) -> object:
    """``input.to_s.upcase``."""
    return rubystring.upcase(to_s(value))


def capitalize(_ctx: Context, value: object) -> object:
    """``input.to_s.capitalize``."""
    return rubystring.capitalize(to_s(value))


def escape(_ctx: Context, value: object) -> object:
    """``CGI.escapeHTML(input) rescue input``: only a string is escaped."""
    return rubystring.escape_html(value) if isinstance(value, str) else value


def escape_once(_ctx: Context, value: object) -> object:
    """``ActionView::Helpers::TagHelper.escape_once(input) rescue NameError input``."""
    return value


def truncate(_ctx: Context, value: object, length_: object = 50, ending: object = "...") -> object:
    """``truncate``: at most ``length`` characters, the ending included."""
    if value is None:
        return None
    wanted = to_i(length_, f"the filter 'truncate' got {describe(length_)} for its length")
    keep = max(0, wanted - length(ending, "truncate", "ending"))
    if length(value, "truncate", "input") > wanted:
        if isinstance(value, RubySymbol):
            value = value.name
        if not isinstance(value, str | list | tuple):  # Hash#[](range) is nil: nil has no +
            raise no_method("+", None, "the filter 'truncate' cannot shorten a hash")
        return plus_text(value[:keep], ending, "truncate")
    return value


def truncatewords(
    _ctx: Context, value: object, words: object = 15, ending: object = "..."
) -> object:
    """``truncatewords``: Ruby's keeps ``words`` words and adds the ending when there are
    *as many or more* words (the check is ``length > words - 1``)."""
    if value is None:
        return None
    wordlist = rubystring.awk_split(to_s(value))
    last = max(
        0, to_i(words, f"the filter 'truncatewords' got {describe(words)} for its count") - 1
    )
    if len(wordlist) > last:
        return plus_text(" ".join(wordlist[: last + 1]), ending, "truncatewords")
    return value


def split(_ctx: Context, value: object, pattern: object) -> object:
    """``input.split(pattern)``: ActiveSupport's ``Array#split`` for an array."""
    if isinstance(value, str):
        return rubystring.split(value, pattern)
    if isinstance(value, list | tuple):
        groups: list[object] = [[]]
        for item in value:
            if rb_eq(item, pattern):
                groups.append([])
            else:
                groups[-1].append(item)  # type: ignore[attr-defined]
        return groups
    raise no_method("split", value, f"the filter 'split' needs text, not {describe(value)}")


def strip_html(_ctx: Context, value: object) -> object:
    """``strip_html``."""
    return rubystring.strip_html(to_s(value))


def strip_newlines(_ctx: Context, value: object) -> object:
    """``input.to_s.gsub(/\\n/, '')``."""
    return to_s(value).replace("\n", "")


def join(_ctx: Context, value: object, glue: object = " ") -> object:
    """``[input].flatten.join(glue)``."""
    if glue is not None and not isinstance(glue, str):
        raise no_conversion(
            glue, "String", f"the filter 'join' needs text to join with, not {describe(glue)}"
        )
    return (glue or "").join(output_text(item) for item in flatten([value]))


def sort(_ctx: Context, value: object, prop: object = None) -> object:
    """``sort``: Ruby's ``Array#sort``, or by a property of the first element."""
    items = list(flatten([value]))
    if prop is None:
        return ruby_sort(items)
    first = items[0] if items else None
    if responds_to_index(first) and index(first, prop) is not None:
        return ruby_sort(items, key=lambda item: index(item, prop))
    if not isinstance(prop, str):  # respond_to?(property)
        raise RubyError(
            "TypeError",
            f"{inspect(prop)} is not a symbol nor a string",
            f"the filter 'sort' got {describe(prop)} for its property; it must be text",
        )
    if send(first, prop, probe=True):
        return ruby_sort(items, key=lambda item: send(item, prop))
    return None


def map_(_ctx: Context, value: object, prop: object) -> object:
    """``map``: each element's ``[property]`` (nil for what has no ``[]``)."""
    result: list[object] = []
    for item in flatten([value]):
        if prop == "to_liquid":
            result.append(item)
        elif responds_to_index(item):
            result.append(index(item, prop))
        else:
            result.append(None)
    return result


def _replace(value: object, pattern: object, replacement: object, first: bool, name: str) -> str:
    return rubystring.gsub(to_s(value), pattern, replacement, first_only=first, filter_name=name)


def replace(_ctx: Context, value: object, pattern: object, replacement: object = "") -> object:
    """``input.to_s.gsub(string, replacement)``."""
    return _replace(value, pattern, replacement, False, "replace")


def replace_first(
    _ctx: Context, value: object, pattern: object, replacement: object = ""
) -> object:
    """``input.to_s.sub(string, replacement)``."""
    return _replace(value, pattern, replacement, True, "replace_first")


def remove(_ctx: Context, value: object, pattern: object) -> object:
    """``input.to_s.gsub(string, '')``."""
    return _replace(value, pattern, "", False, "remove")


def remove_first(_ctx: Context, value: object, pattern: object) -> object:
    """``input.to_s.sub(string, '')``."""
    return _replace(value, pattern, "", True, "remove_first")


def append(_ctx: Context, value: object, text: object) -> object:
    """``input.to_s + string.to_s``."""
    return to_s(value) + to_s(text)


def prepend(_ctx: Context, value: object, text: object) -> object:
    """``string.to_s + input.to_s``."""
    return to_s(text) + to_s(value)


def newline_to_br(_ctx: Context, value: object) -> object:
    """``input.to_s.gsub(/\\n/, "<br />\\n")``."""
    text = to_s(value)
    if len(text) + 6 * text.count("\n") > OUTPUT_LIMIT:
        raise RenderLimitError(
            f"a value is larger than {OUTPUT_LIMIT // (1024 * 1024)} MiB of text"
        )
    return text.replace("\n", "<br />\n")


def first(_ctx: Context, value: object) -> object:
    """``array.first if array.respond_to?(:first)`` (a string's first character too)."""
    if isinstance(value, str):
        return value[:1]
    if isinstance(value, list | tuple):
        return value[0] if value else None
    if isinstance(value, Mapping):
        for pair in value.items():
            return list(pair)
        return None
    if isinstance(value, RubyRange):
        return value.first
    return None


def last(_ctx: Context, value: object) -> object:
    """``array.last if array.respond_to?(:last)`` (a string's last character too)."""
    if isinstance(value, str):
        return value[-1:]
    if isinstance(value, list | tuple):
        return value[-1] if value else None
    if isinstance(value, RubyRange):
        return value.last
    return None


_STANDARD: dict[str, tuple[object, tuple[str, ...], int]] = {
    "size": (size, (), 0),
    "downcase": (downcase, (), 0),
    "upcase": (upcase, (), 0),
    "capitalize": (capitalize, (), 0),
    "escape": (escape, (), 0),
    "escape_once": (escape_once, (), 0),
    "h": (escape, (), 0),
    "truncate": (truncate, ("length", "ending"), 0),
    "truncatewords": (truncatewords, ("words", "ending"), 0),
    "split": (split, ("pattern",), 1),
    "strip_html": (strip_html, (), 0),
    "strip_newlines": (strip_newlines, (), 0),
    "join": (join, ("glue",), 0),
    "sort": (sort, ("property",), 0),
    "map": (map_, ("property",), 1),
    "replace": (replace, ("search", "replacement"), 1),
    "replace_first": (replace_first, ("search", "replacement"), 1),
    "remove": (remove, ("search",), 1),
    "remove_first": (remove_first, ("search",), 1),
    "append": (append, ("text",), 1),
    "prepend": (prepend, ("text",), 1),
    "newline_to_br": (newline_to_br, (), 0),
    "date": (date, ("format",), 1),
    "first": (first, (), 0),
    "last": (last, (), 0),
    **{name: (func, params, 1) for name, (func, params) in NUMBER_FILTERS.items()},
}

STANDARD_FILTERS: dict[str, FilterSpec] = {
    name: FilterSpec(name, func, params, required)  # type: ignore[arg-type]
    for name, (func, params, required) in _STANDARD.items()
}
"""The filters of Ruby Liquid 2.5.3, by name."""
