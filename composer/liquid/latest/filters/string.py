"""String filters (``src/filters/string.ts``), with JavaScript's strings.

Each filter reads its value with LiquidJS's ``stringify`` (nil is ``''``, an array its
items joined with nothing). Where LiquidJS counts in UTF-16 code units or in code
points, so do these: ``truncate`` compares the text's JavaScript length with the limit
but cuts by code points; ``split`` with ``''`` splits by code point, with ``' '`` on
runs of ASCII white space; ``replace`` with ``''`` puts the replacement between code
units, as JavaScript's ``split('')`` does. ``truncate`` and ``truncatewords`` give
their value back unchanged (not its text) when nothing needs cutting. ``append`` and
``prepend`` need exactly one argument (``append expect 2 arguments`` otherwise).
"""

from __future__ import annotations

import functools
import math
import re
from typing import TYPE_CHECKING, Any

from composer.liquid.errors import RenderLimitError
from composer.liquid.latest.jsnumber import JS_SPACE
from composer.liquid.latest.jsstring import JS_SPACE_CLASS, JsError, js_lower, js_upper, units
from composer.liquid.latest.jsvalues import (
    UNDEFINED,
    is_nil,
    js_compare,
    js_number,
    js_string,
    js_truthy,
    stringify,
    to_array,
)
from composer.liquid.state import OUTPUT_LIMIT

if TYPE_CHECKING:
    from composer.liquid.latest.context import Context

__all__ = ["STRING_FILTERS", "check_list", "cp_steps"]

LIST_LIMIT = 1_000_000
"""Most items a list a filter makes may hold."""
_NEWLINES = re.compile(r"\r?\n")
_SPACES = re.compile(f"[{JS_SPACE_CLASS}]+")
_WORD = re.compile(f"[^{JS_SPACE_CLASS}]+")
_ASCII_SPACE = " \t\n\v\f\r"
_ASCII_SPACES = re.compile(r"[ \t\n\v\f\r]+")
_CJK = "\u4e00-\u9fff\uf900-\ufaff\u3400-\u4dbf\u3040-\u309f\u30a0-\u30ff\uac00-\ud7af"


@functools.cache
def _cjk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A CJK character, and a run of anything else but JS white space: compiled on first
    use (their wide character classes take milliseconds, paid otherwise at every start-up)."""
    return re.compile(f"[{_CJK}]"), re.compile(f"[^{_CJK}{JS_SPACE_CLASS}]+")


def check_list(items: list[Any]) -> list[Any]:
    """``items``, unless it holds more than :data:`LIST_LIMIT` items."""
    if len(items) > LIST_LIMIT:
        raise RenderLimitError(f"a list would hold more than {LIST_LIMIT:,} items")
    return items


def _check_size(size: int) -> None:
    if size > OUTPUT_LIMIT:
        raise RenderLimitError(
            f"a value is larger than {OUTPUT_LIMIT // (1024 * 1024)} MiB of text"
        )


def cp_steps(count: object, available: int) -> int:
    """How many code points ``for (i = 0; i < count && …; i++)`` steps over."""
    number = js_number(count)
    if number != number or number <= 0:
        return 0
    if math.isinf(number):
        return available
    return min(available, math.ceil(number))


def _arity(name: str, args: tuple[object, ...]) -> None:
    if len(args) != 1:
        raise JsError(
            "AssertionError",
            f"{name} expect 2 arguments",
            f"takes exactly one argument, the text to add, not {len(args)} "
            f"(LiquidJS: {name} expect 2 arguments)",
        )


def append(ctx: Context, value: object, *args: object) -> str:
    """``append``."""
    _arity("append", args)
    return stringify(value) + stringify(args[0])


def prepend(ctx: Context, value: object, *args: object) -> str:
    """``prepend``."""
    _arity("prepend", args)
    return stringify(args[0]) + stringify(value)


def lstrip(ctx: Context, value: object, chars: object = UNDEFINED) -> str:
    """``lstrip``: white space (or the given characters) off the start."""
    text = stringify(value)
    if js_truthy(chars):
        return text.lstrip(stringify(chars))
    return text.lstrip(JS_SPACE)


def rstrip(ctx: Context, value: object, chars: object = UNDEFINED) -> str:
    """``rstrip``: white space (or the given characters) off the end."""
    text = stringify(value)
    if js_truthy(chars):
        return text.rstrip(stringify(chars))
    return text.rstrip(JS_SPACE)


def strip(ctx: Context, value: object, chars: object = UNDEFINED) -> str:
    """``strip``: white space (or the given characters) off both ends."""
    text = stringify(value)
    if js_truthy(chars):
        return text.strip(stringify(chars))
    return text.strip(JS_SPACE)


def downcase(ctx: Context, value: object) -> str:
    """``downcase``."""
    return js_lower(stringify(value))


def upcase(ctx: Context, value: object) -> str:
    """``upcase``."""
    return js_upper(stringify(value))


def capitalize(ctx: Context, value: object) -> str:
    """``capitalize``: the first code unit upper case, the rest lower case."""
    text = stringify(value)
    if not text:
        return text
    first = text[0]
    return (first if ord(first) > 0xFFFF else js_upper(first)) + js_lower(text[1:])


def _split_all(text: str, pattern: str) -> list[str]:
    return units(text) if pattern == "" else text.split(pattern)


def remove(ctx: Context, value: object, pattern: object = UNDEFINED) -> str:
    """``remove``: every occurrence."""
    text, find = stringify(value), stringify(pattern)
    return text if find == "" else text.replace(find, "")


def remove_first(ctx: Context, value: object, pattern: object = UNDEFINED) -> str:
    """``remove_first``."""
    return stringify(value).replace(stringify(pattern), "", 1)


def remove_last(ctx: Context, value: object, pattern: object = UNDEFINED) -> str:
    """``remove_last``."""
    text, find = stringify(value), stringify(pattern)
    at = text.rfind(find)
    return text if at == -1 else text[:at] + text[at + len(find) :]


def replace(
    ctx: Context, value: object, pattern: object = UNDEFINED, replacement: object = UNDEFINED
) -> str:
    """``replace``: every occurrence."""
    text, find, put = stringify(value), stringify(pattern), stringify(replacement)
    if find == "":
        parts = units(text)
        _check_size(len(text) + (len(parts) - 1) * len(put))
        return _rejoin(parts, put)
    count = text.count(find)
    _check_size(len(text) + count * (len(put) - len(find)))
    return text.replace(find, put)


def _rejoin(parts: list[str], put: str) -> str:
    joined = put.join(parts)
    if len(parts) > 1 and any("\ud800" <= part <= "\udfff" for part in parts):
        joined = joined.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return joined


def replace_first(
    ctx: Context, value: object, pattern: object = UNDEFINED, replacement: object = UNDEFINED
) -> str:
    """``replace_first``."""
    return stringify(value).replace(stringify(pattern), stringify(replacement), 1)


def replace_last(
    ctx: Context, value: object, pattern: object = UNDEFINED, replacement: object = UNDEFINED
) -> str:
    """``replace_last``."""
    text, find, put = stringify(value), stringify(pattern), stringify(replacement)
    at = text.rfind(find)
    return text if at == -1 else text[:at] + put + text[at + len(find) :]


def split(ctx: Context, value: object, separator: object = UNDEFINED) -> list[str]:
    """``split`` (``' '`` splits on runs of white space; ``''`` by code point)."""
    text, by = stringify(value), stringify(separator)
    if by == " ":
        trimmed = text.strip(_ASCII_SPACE)
        return check_list(_ASCII_SPACES.split(trimmed)) if trimmed else []
    parts = check_list(list(text) if by == "" else text.split(by))
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def strip_newlines(ctx: Context, value: object) -> str:
    """``strip_newlines``."""
    return _NEWLINES.sub("", stringify(value))


def squish(ctx: Context, value: object) -> str:
    """``squish``: runs of white space as one space, trimmed."""
    return _SPACES.sub(" ", stringify(value)).strip(JS_SPACE)


def normalize_whitespace(ctx: Context, value: object) -> str:
    """``normalize_whitespace``: runs of white space as one space."""
    return _SPACES.sub(" ", stringify(value))


def truncate(
    ctx: Context, value: object, length: object = UNDEFINED, ellipsis: object = UNDEFINED
) -> object:
    """``truncate: length, ellipsis`` (50 and ``...`` by default)."""
    limit = 50 if length is UNDEFINED else length
    text = stringify(value)
    tail = "..." if ellipsis is UNDEFINED else stringify(ellipsis)
    size = len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
    if js_compare(limit, size) is False or cp_steps(limit, len(text)) >= len(text):
        return value
    keep_count = js_number(limit) - len(tail)
    keep = cp_steps(keep_count if keep_count != keep_count else max(keep_count, 0), len(text))
    return text[:keep] + tail


def truncatewords(
    ctx: Context, value: object, words: object = UNDEFINED, ellipsis: object = UNDEFINED
) -> object:
    """``truncatewords: words, ellipsis`` (15 and ``...`` by default)."""
    count: object = 15 if words is UNDEFINED else words
    text = stringify(value)
    tail = "..." if ellipsis is UNDEFINED else stringify(ellipsis)
    if js_compare(0, count) is False:
        count = 1
    limit = js_number(count)
    if math.isfinite(limit):
        limit = math.floor(limit)
    kept: list[str] = []
    last_index = 0
    if limit > 0:
        for match in _WORD.finditer(text):
            kept.append(match.group())
            if len(kept) >= limit:
                last_index = match.end()
                break
    if len(kept) < limit or last_index >= len(text):
        return text
    return " ".join(kept) + tail


def number_of_words(ctx: Context, value: object, mode: object = UNDEFINED) -> float:
    """``number_of_words: mode`` (``cjk`` and ``auto`` count CJK characters as words)."""
    text = stringify(value).strip(JS_SPACE)
    if not text:
        return 0
    if mode in ("cjk", "auto"):
        cjk_char, non_cjk_word = _cjk_patterns()
        if mode == "cjk" or cjk_char.search(text):
            return len(cjk_char.findall(text)) + len(non_cjk_word.findall(text))
    return len(_SPACES.split(text))


def array_to_sentence_string(ctx: Context, value: object, connector: object = UNDEFINED) -> object:
    """``array_to_sentence_string: connector`` (``a, b, and c``)."""
    items = to_array(value)
    word = "and" if connector is UNDEFINED else stringify(connector)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{js_string(items[0])} {word} {js_string(items[1])}"
    head = ", ".join("" if is_nil(item) else js_string(item) for item in items[:-1])
    return f"{head}, {word} {js_string(items[-1])}"


STRING_FILTERS: dict[str, Any] = {
    "append": append,
    "prepend": prepend,
    "lstrip": lstrip,
    "downcase": downcase,
    "upcase": upcase,
    "remove": remove,
    "remove_first": remove_first,
    "remove_last": remove_last,
    "rstrip": rstrip,
    "split": split,
    "strip": strip,
    "strip_newlines": strip_newlines,
    "squish": squish,
    "capitalize": capitalize,
    "replace": replace,
    "replace_first": replace_first,
    "replace_last": replace_last,
    "truncate": truncate,
    "truncatewords": truncatewords,
    "normalize_whitespace": normalize_whitespace,
    "number_of_words": number_of_words,
    "array_to_sentence_string": array_to_sentence_string,
}
"""These filters by name."""
