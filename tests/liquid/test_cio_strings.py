"""Customer.io's string filters, and legacy's Liquid 5 and Jekyll string filters.

``titlecase`` and ``pluralize`` follow ActiveSupport (compared with real Ruby); legacy's
``strip`` family and ``slice`` follow Ruby's ``String`` (real Ruby); its Jekyll filters
(``slugify``, ``array_to_sentence_string``, ``normalize_whitespace``,
``number_of_words``) and ``replace_last``/``remove_last`` are compared with the LiquidJS
oracle, which copies Jekyll and Liquid 5.
"""

from __future__ import annotations

from typing import Any

import pytest
from cio_calls import make_call, run_ruby

from composer.liquid.cio import filters_for

TITLES = [
    "hello world",
    "x-men: the last stand",
    "man_from_the_boondocks",
    "string_ending_with_id",
    "O'Neil",
    "ÉCOLE du monde",
    "HTML parser",
    "hello   WORLD  foo",
    "employee_id",
    "fooBarBaz",
    "  leading",
    "_private_thing",
    "ActiveRecord::Base",
    "it's a dog's life",
    "(parens) [x]",
    "",
]
WORDS = [
    "item",
    "person",
    "box",
    "city",
    "bus",
    "child",
    "sheep",
    "octopus",
    "matrix",
    "wife",
    "half",
    "mouse",
    "ox",
    "quiz",
    "status",
    "axis",
    "tomato",
    "money",
    "salesperson",
    "Person",
    "key",
    "Item",
]
TEXTS = [
    "",
    "  a  b  ",
    "\0 x \t\n",
    "tab\tand\nnew line",
    "Hello World!",
    "Héllo, Wörld — 2024!",
    "already-slugged",
    "--dashes--",
    "a_b.c~d",
    "日本語 テキスト",
    "x\u00a0y",
    "don't stop",
]


def _run(version: str, name: str, value: object, *args: object) -> Any:
    return filters_for(version)[name](make_call(version, name), value, *args)


def test_cio_titlecase_is_active_support_titleize() -> None:
    """``titlecase`` equals ActiveSupport's ``titleize`` in both versions."""
    expected = run_ruby("output = input.map(&:titleize)", TITLES)
    for text, wanted in zip(TITLES, expected, strict=True):
        for version in ("legacy", "latest"):
            assert _run(version, "titlecase", text) == wanted, text


def test_cio_pluralize_words_like_active_support() -> None:
    """Without a plural, the word is made plural as ``String#pluralize`` makes it."""
    expected = run_ruby("output = input.map(&:pluralize)", WORDS)
    for word, wanted in zip(WORDS, expected, strict=True):
        assert _run("latest", "pluralize", 2, word) == f"2 {wanted}", word


@pytest.mark.parametrize(
    ("version", "count", "args", "expected"),
    [
        ("legacy", 1, ("item", "items"), "1 item"),
        ("legacy", "1", ("item", "items"), "1 item"),
        ("legacy", 1.0, ("item", "items"), "1.0 item"),
        ("latest", 1.0, ("item", "items"), "1 item"),
        ("legacy", 0, ("item", "items"), "0 items"),
        ("latest", -1, ("item", "items"), "-1 items"),
        ("legacy", None, ("item", "items"), "0 items"),
        ("latest", 2, ("person",), "2 people"),
        ("legacy", "3", ("item", "items"), "3 items"),
    ],
)
def test_cio_pluralize(
    version: str, count: object, args: tuple[object, ...], expected: str
) -> None:
    """Rails' ``pluralize`` helper: the count as the engine writes it, then the word."""
    assert _run(version, "pluralize", count, *args) == expected


def test_cio_pluralize_needs_a_word() -> None:
    """``pluralize`` without a word names the filter and what it takes."""
    with pytest.raises(TypeError, match="'pluralize' takes one or two arguments"):
        _run("legacy", "pluralize", 3)


def test_cio_legacy_strip_and_slice_match_ruby() -> None:
    """``strip``/``lstrip``/``rstrip`` remove Ruby's white space and NUL; ``slice`` is
    Ruby's ``String#slice(offset, length)``."""
    script = (
        "output = input.map { |t| [t.strip, t.lstrip, t.rstrip, "
        "t.slice(1, 3) || '', t.slice(-4, 3) || '', t.slice(40, 1) || ''] }"
    )
    expected = run_ruby(script, TEXTS, active_support=False)
    for text, (strip, lstrip, rstrip, middle, tail, far) in zip(TEXTS, expected, strict=True):
        assert _run("legacy", "strip", text) == strip
        assert _run("legacy", "lstrip", text) == lstrip
        assert _run("legacy", "rstrip", text) == rstrip
        assert _run("legacy", "slice", text, 1, 3) == middle
        assert _run("legacy", "slice", text, "-4", 3) == tail
        assert _run("legacy", "slice", text, 40) == far


@pytest.mark.parametrize(
    ("value", "args", "expected"),
    [
        (["a", "b", "c", "d"], (1, 2), ["b", "c"]),
        (["a", "b"], (-1,), ["b"]),
        (["a", "b"], (5,), []),
        ("abc", ("0x1", "0b1"), "b"),
        ("abc", (0, -1), ""),
    ],
)
def test_cio_legacy_slice(value: object, args: tuple[object, ...], expected: object) -> None:
    """Liquid 5's ``slice`` on lists and text, with ``Integer()`` reading its arguments."""
    assert _run("legacy", "slice", value, *args) == expected


def test_cio_legacy_slice_bad_offset() -> None:
    """An offset ``Integer()`` cannot read is an error naming the filter."""
    with pytest.raises(ValueError, match="'slice' got 'x' for its offset"):
        _run("legacy", "slice", "abc", "x")


# Jekyll 4.3's own code (lib/jekyll/filters.rb, lib/jekyll/utils.rb), run in real Ruby.
_JEKYLL_RUBY = r"""
def slugify(string, mode)
  regexp = { "raw" => /\s+/, "pretty" => /[^\p{M}\p{L}\p{Nd}._~!$&'()+,;=@]+/,
             "ascii" => /[^[A-Za-z0-9]]+/ }.fetch(mode, /[^\p{M}\p{L}\p{Nd}]+/)
  return string.downcase unless %w(raw default pretty ascii).include?(mode)
  slug = string.gsub(regexp, "-")
  slug.gsub!(/^-|-$/i, "")
  slug.downcase
end
cjk = '\p{Han}\p{Katakana}\p{Hiragana}\p{Hangul}'
output = input.map do |t|
  [slugify(t, "default"), slugify(t, "pretty"), slugify(t, "ascii"), slugify(t, "raw"),
   slugify(t, "none"),
   t.gsub(/\s+/, " ").tap(&:strip!), t.split.length,
   t.scan(/[#{cjk}]/).length + t.scan(/[^#{cjk}\s]+/).length]
end
"""


def test_cio_legacy_jekyll_string_filters_match_jekyll() -> None:
    """Legacy's ``slugify`` (each mode), ``normalize_whitespace`` and ``number_of_words``
    (plain and ``cjk``) equal Jekyll's code run in Ruby."""
    expected = run_ruby(_JEKYLL_RUBY, TEXTS, active_support=False)
    for text, row in zip(TEXTS, expected, strict=True):
        got = [
            *(
                _run("legacy", "slugify", text, mode)
                for mode in ("default", "pretty", "ascii", "raw", "none")
            ),
            _run("legacy", "normalize_whitespace", text),
            _run("legacy", "number_of_words", text),
            _run("legacy", "number_of_words", text, "cjk"),
        ]
        assert got == row, text


def test_cio_legacy_replace_last_matches_liquidjs(latest_oracle: Any) -> None:
    """``replace_last``/``remove_last`` (Liquid 5's) write what LiquidJS's write."""
    for text in TEXTS:
        for name, args in (
            ("replace_last", ("o", "0")),
            ("remove_last", (" ",)),
            ("replace_last", ("", "x")),
        ):
            quoted = ", ".join(f'"{a}"' for a in args)
            answer = latest_oracle.render(f"{{{{ v | {name}: {quoted} }}}}", {"v": text})
            assert _run("legacy", name, text, *args) == answer.output, (name, args, text)


@pytest.mark.parametrize(
    ("value", "args"),
    [
        ([], ()),
        (["a"], ()),
        (["a", "b"], ()),
        (["a", "b", "c"], ()),
        (["a", "b", "c"], ("or",)),
        ([1, None, 2.5], ()),
        ("solo", ()),
    ],
)
def test_cio_array_to_sentence_string(
    latest_oracle: Any, value: object, args: tuple[object, ...]
) -> None:
    """Jekyll's ``array_to_sentence_string[: connector]``, as LiquidJS writes it."""
    quoted = ", ".join(f'"{a}"' for a in args)
    template = f"{{{{ v | array_to_sentence_string{': ' + quoted if args else ''} }}}}"
    answer = latest_oracle.render(template, {"v": value})
    assert _run("legacy", "array_to_sentence_string", value, *args) == answer.output
