"""Customer.io's string filters, and the string filters legacy gains from its list.

From Customer.io's "Liquid syntax list" (docs.customer.io/messaging/liquid/tag-list,
"String Filters"):

* ``pluralize: singular[, plural]`` (both versions): ``{{ 3 | pluralize: 'item', 'items'
  }}`` → ``3 items``. Written as Rails' ``pluralize`` helper, which the docs' output
  matches: the count, a space, then the singular when the count is 1 (``1``, ``'1'``,
  ``1.0``), else the plural; without a plural, the singular made plural by
  ActiveSupport's English rules (``item`` → ``items``, ``person`` → ``people``).
* ``titlecase`` (both versions; the docs give no example): ActiveSupport's ``titleize``
  (``String#titlecase`` is its other name in Rails): ``x-men: the last stand`` →
  ``X Men: The Last Stand``, ``employee_id`` → ``Employee``.

Legacy (Liquid 2.5.3) also lacks filters Customer.io's list documents for it; they are
written as Shopify Liquid 5 (``strip``, ``lstrip``, ``rstrip``, ``slice``,
``replace_last``, ``remove_last``) or Jekyll (``normalize_whitespace``, ``slugify``,
``number_of_words``, ``array_to_sentence_string``) write them, with Ruby's white space
(space, ``\\t \\n \\v \\f \\r`` and, for ``strip``, NUL). Latest has them all from LiquidJS.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from composer.liquid.cio.api import Call
from composer.liquid.cio.values import arg_count, as_items, describe, is_number

__all__ = ["LATEST_STRING_FILTERS", "LEGACY_STRING_FILTERS", "pluralize_word", "titleize"]

_RUBY_SPACE = " \t\n\v\f\r"
_STRIP = _RUBY_SPACE + "\0"
_SPACE_RUN = re.compile(f"[{_RUBY_SPACE}]+")
_ONE = re.compile(r"1(?:\.0+)?")
_KERNEL_INTEGER = re.compile(
    r"([+-]?)(?:0x([0-9a-f]+(?:_[0-9a-f]+)*)|0b([01]+(?:_[01]+)*)|0o?([0-7]+(?:_[0-7]+)*)"
    r"|0d([0-9]+(?:_[0-9]+)*)|([1-9][0-9]*(?:_[0-9]+)*|0))",
    re.I,
)

# ActiveSupport's English inflections (inflections.rb): the last rule that matches wins.
_PLURALS = [
    (r"$", "s"), (r"s$", "s"), (r"^(ax|test)is$", r"\1es"), (r"(octop|vir)us$", r"\1i"),
    (r"(octop|vir)i$", r"\1i"), (r"(alias|status)$", r"\1es"), (r"(bu)s$", r"\1ses"),
    (r"(buffal|tomat)o$", r"\1oes"), (r"([ti])um$", r"\1a"), (r"([ti])a$", r"\1a"),
    (r"sis$", "ses"), (r"(?:([^f])fe|([lr])f)$", r"\1\2ves"), (r"(hive)$", r"\1s"),
    (r"([^aeiouy]|qu)y$", r"\1ies"), (r"(x|ch|ss|sh)$", r"\1es"),
    (r"(matr|vert|ind)(?:ix|ex)$", r"\1ices"), (r"^(m|l)ouse$", r"\1ice"),
    (r"^(m|l)ice$", r"\1ice"), (r"^(ox)$", r"\1en"), (r"^(oxen)$", r"\1"),
    (r"(quiz)$", r"\1zes"),
]  # fmt: skip
_IRREGULAR = {"person": "people", "man": "men", "child": "children", "sex": "sexes",
              "move": "moves", "zombie": "zombies"}  # fmt: skip
_UNCOUNTABLE = frozenset(
    (
        "equipment",
        "information",
        "rice",
        "money",
        "species",
        "series",
        "fish",
        "sheep",
        "jeans",
        "police",
    )
)


def pluralize_word(word: str) -> str:
    """ActiveSupport's ``String#pluralize`` with its default English rules.

    Uncountable words end the text (``goldfish`` is not ``fish``); an irregular word may
    end a longer one (``salesperson`` → ``salespeople``), as in ActiveSupport.
    """
    if not word or any(re.search(rf"\b{noun}\Z", word, re.I) for noun in _UNCOUNTABLE):
        return word
    lower = word.lower()
    for singular, plural in reversed(_IRREGULAR.items()):  # the last defined wins
        for form in (singular, plural):
            if lower.endswith(form):
                return word[: len(word) - len(form) + 1] + plural[1:]
    for pattern, replacement in reversed(_PLURALS):
        match = re.search(pattern, word, re.I)
        if match:
            return word[: match.start()] + match.expand(replacement) + word[match.end() :]
    return word


def _pluralize(call: Call, value: object, *args: object) -> str:
    arg_count(call, args, 1, 2, "one or two arguments, the singular and the plural word")
    count = "0" if call.is_nil(value) else call.to_text(value)
    singular = call.to_text(args[0])
    one = (is_number(value) and value == 1) or bool(_ONE.fullmatch(count))
    if one:
        word = singular
    elif len(args) > 1 and not call.is_nil(args[1]):
        word = call.to_text(args[1])
    else:
        word = pluralize_word(singular)
    return f"{count} {word}"


def titleize(text: str) -> str:
    """ActiveSupport's ``titleize``: ``underscore``, then ``humanize``, then capitals."""
    word = text
    if re.search(r"[A-Z-]|::", word):
        word = word.replace("::", "/")
        # ActiveSupport's /([A-Z\d]+)([A-Z][a-z])/ → '\1_\2', as single-character looks
        # (the same places, in linear time: the run form is quadratic on "AAAA…").
        word = re.sub(r"(?<=[A-Z\d])(?=[A-Z][a-z])", "_", word, flags=re.A)
        word = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", word, flags=re.A)
        word = word.replace("-", "_").lower()
    word = re.sub(r"\A_+", "", word)
    word = word.removesuffix("_id").replace("_", " ")
    word = re.sub(r"[a-z\d]+", lambda m: m.group(0).lower(), word, flags=re.A | re.I)
    word = re.sub(r"\A(?a:\w)", lambda m: m.group(0).upper(), word)
    # Ruby's \b knows Unicode letters while its \w is ASCII: "école" keeps its "c".
    return re.sub(r"\b(?<!(?a:\w)['’`()])(?a:[a-z])", lambda m: m.group(0).upper(), word)


def _titlecase(call: Call, value: object) -> str:
    return titleize(call.to_text(value))


# -- Liquid 5's and Jekyll's string filters, for legacy ---------------------------------


def _to_integer(call: Call, value: object, what: str) -> int:
    """Liquid's ``Utils.to_integer``: Ruby's ``Integer(value.to_s)``, else an error."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _KERNEL_INTEGER.fullmatch(call.to_text(value).strip(_RUBY_SPACE))
    if match is None:
        raise ValueError(
            f"the filter '{call.name}' got {describe(value)} for {what}; it takes a whole number"
        )
    sign, *digits = match.groups()
    for base, text in zip((16, 2, 8, 10, 10), digits, strict=True):
        if text is not None:
            number = int(text.replace("_", ""), base)
            return -number if sign == "-" else number
    raise AssertionError("unreachable: one group always matches")


def _slice(call: Call, value: object, *args: object) -> object:
    arg_count(call, args, 1, 2, "one or two arguments, the offset and the length")
    offset = _to_integer(call, args[0], "its offset")
    length = (
        _to_integer(call, args[1], "its length") if len(args) > 1 and args[1] is not None else 1
    )
    items: list[object] | str = value if isinstance(value, list) else call.to_text(value)
    size = len(items)
    if offset < 0:
        offset += size
    if offset < 0 or offset > size or length < 0:
        return [] if isinstance(items, list) else ""
    return items[offset : offset + length]


def _replace_last(call: Call, value: object, *args: object) -> str:
    arg_count(call, args, 2, 2, "two arguments, the text to find and its replacement")
    text, find = call.to_text(value), call.to_text(args[0])
    at = text.rfind(find)
    if at < 0:
        return text
    return text[:at] + call.to_text(args[1]) + text[at + len(find) :]


def _remove_last(call: Call, value: object, *args: object) -> str:
    arg_count(call, args, 1, 1, "one argument, the text to remove")
    return _replace_last(call, value, args[0], "")


def _strip(chars: str, left: bool, right: bool) -> Callable[[Call, object], str]:
    def strip(call: Call, value: object) -> str:
        text = call.to_text(value)
        if left:
            text = text.lstrip(chars)
        if right:
            text = text.rstrip(chars)
        return text

    return strip


def _normalize_whitespace(call: Call, value: object) -> str:
    return _SPACE_RUN.sub(" ", call.to_text(value)).strip(_STRIP)


_CJK_RANGES = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3131-\u318e\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
"""Han, Hiragana, Katakana and Hangul (close to Ruby's ``\\p{Han}\\p{Katakana}…``)."""


@functools.cache
def _cjk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A CJK character, and a run of anything else but white space. Compiled on first use:
    their wide character classes take milliseconds to compile, which every start-up would
    otherwise pay for a filter few templates use."""
    return re.compile(f"[{_CJK_RANGES}]"), re.compile(f"[^{_CJK_RANGES} \t\n\v\f\r]+")


def _number_of_words(call: Call, value: object, *args: object) -> int:
    """Jekyll's ``number_of_words[: mode]``: words between Ruby's white space; ``cjk``
    counts each Chinese, Japanese or Korean character as a word, ``auto`` does when any."""
    arg_count(call, args, 0, 1, "at most one argument, the mode (cjk or auto)")
    text = call.to_text(value)
    mode = call.to_text(args[0]) if args else ""
    if mode in ("cjk", "auto"):
        one_cjk, not_cjk = _cjk_patterns()
        cjk = len(one_cjk.findall(text))
        if mode == "cjk" or cjk:
            return cjk + len(not_cjk.findall(text))
    return len([word for word in _SPACE_RUN.split(text) if word])


_SLUG_KEEP: dict[str, Callable[[str], bool]] = {
    "default": lambda c: unicodedata.category(c)[0] in "LM" or unicodedata.category(c) == "Nd",
    "pretty": lambda c: (
        unicodedata.category(c)[0] in "LM"
        or unicodedata.category(c) == "Nd"
        or c in "._~!$&'()+,;=@"
    ),
    "ascii": lambda c: c.isascii() and c.isalnum(),
    "raw": lambda c: c not in _RUBY_SPACE,
}


def _slugify(call: Call, value: object, *args: object) -> str:
    """Jekyll's ``slugify[: mode]``; the modes: default, raw, pretty, ascii, latin, none."""
    arg_count(call, args, 0, 1, "at most one argument, the mode")
    mode = "default" if not args or call.is_nil(args[0]) else call.to_text(args[0])
    text = call.to_text(value)
    if mode == "latin":
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
        mode = "ascii"
    keep = _SLUG_KEEP.get(mode)
    if keep is None:
        return text.lower()
    other = "".join(sorted(re.escape(char) for char in set(text) if not keep(char)))
    slug = re.sub(f"[{other}]+", "-", text) if other else text
    return re.sub(r"^-|-$", "", slug, flags=re.M).lower()


def _sentence(call: Call, value: object, *args: object) -> str:
    arg_count(call, args, 0, 1, "at most one argument, the connector word")
    connector = call.to_text(args[0]) if args else "and"
    words = [call.to_text(item) for item in as_items(call, value)]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    if len(words) == 2:
        return f"{words[0]} {connector} {words[1]}"
    return call.state.check_text(f"{', '.join(words[:-1])}, {connector} {words[-1]}")


_BOTH: dict[str, Callable[..., Any]] = {"pluralize": _pluralize, "titlecase": _titlecase}

LEGACY_STRING_FILTERS: dict[str, Callable[..., Any]] = {
    **_BOTH,
    "strip": _strip(_STRIP, True, True),
    "lstrip": _strip(_STRIP, True, False),
    "rstrip": _strip(_STRIP, False, True),
    "slice": _slice,
    "replace_last": _replace_last,
    "remove_last": _remove_last,
    "normalize_whitespace": _normalize_whitespace,
    "number_of_words": _number_of_words,
    "slugify": _slugify,
    "array_to_sentence_string": _sentence,
}
"""The string filters Customer.io adds to legacy."""

LATEST_STRING_FILTERS: dict[str, Callable[..., Any]] = dict(_BOTH)
"""The string filters Customer.io adds to latest."""
