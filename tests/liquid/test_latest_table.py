# ruff: noqa: E501  (tables of templates read best one per line)
"""A fixed table: every LiquidJS filter and tag, rendered by LiquidJS and by us, compared.

Each filter is applied to every input in :data:`INPUTS` (nil, empty, numbers as text,
floats, negatives, huge numbers, unicode, arrays, hashes, drops, ranges …) with each of
its argument lists (none, typical, too many, odd ones); each tag case covers a tag's
forms, whitespace control, comments, raw text, nesting and malformed markup. The
comparison is :func:`latest_check.mismatch`: same text, or both failing (a syntax error
with LiquidJS's message at LiquidJS's line and column).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from latest_check import mismatch

from composer.liquid.latest.filters import FILTERS

NOW = dt.datetime(2020, 5, 6, 7, 8, 9, 123000, tzinfo=dt.UTC)
"""The clock of every case ('now' and 'today')."""
CONTEXT: dict[str, Any] = {
    "s": "Hello World",
    "n": 5,
    "f": 2.5,
    "neg": -3.7,
    "z": 0,
    "e": "",
    "u": "héllo wörld 😀 ÇA ß İ",
    "a": [3, 1, "b", None, 2],
    "words": ["apple", "Banana", "cherry", "apple"],
    "nums": [3, 1, 2, 1.5],
    "h": {"b": 1, "a": 2, "10": 3, "2": 4, "size": 7},
    "big": 12345678901234567890,
    "t": True,
    "no": False,
    "nil": None,
    "items": [
        {"name": "a", "price": 5, "tags": ["x"]},
        {"name": "b", "price": 15},
        {"name": "c", "price": None},
        {"name": "a", "price": "5"},
    ],
    "html": "<p class='x'>a & b &amp; c</p><script>x</script><!-- c -->",
    "ws": "  \t a  b \n\r\n c \u00a0 ",
    "date": "2020-01-02T10:20:30Z",
    "ns": "42",
    "fs": "3.7abc",
    "b64": "aGVsbG8g8J+YgA==",
    "url": "a%20b+c%E2%82%AC&d=%",
    "cjk": "一二三 four five",
}
INPUTS = [
    *CONTEXT,
    "missing",
    "'abc'",
    "'a,b, c'",
    "1.5",
    "-0",
    "1e3",
    "(1..3)",
    "empty",
    "blank",
    "true",
    "'1583888400'",
    "1583888400",
    "'now'",
]
ARGUMENTS: dict[str, list[str]] = {
    "append": ["", ': "x"', ": n", ": nil", ': "a", "b"'],
    "prepend": ["", ': "x"', ": a"],
    "at_least": ["", ": 3", ': "4"', ": 1, 9"],
    "at_most": ["", ": 3", ": nil"],
    "abs": ["", ": 1"],
    "ceil": [""],
    "floor": [""],
    "plus": ["", ": 1", ': "2"', ": nil", ": missing", ": 0.2"],
    "minus": ["", ": 1", ": f"],
    "times": ["", ": 2", ": 1.1", ': "x"'],
    "divided_by": ["", ": 2", ": 0", ": 2, true", ": -3"],
    "modulo": ["", ": 3", ": -3", ": 0", ": 2.5"],
    "round": ["", ": 1", ": -1", ': "2"', ": 1.5"],
    "date": [
        "",
        ': "%Y-%m-%d %H:%M:%S.%L %z"',
        ': "%a %A %b %B %c %C %d %e %j %k %l %p %P %s %u %U %V %W %w %x %X %y %Y %Z %%"',
        ': "%-d %_m %05H %^a %#B %10A %:z %N %3N %D %F %r %R %T %G %g %q %h %t|%n|%Q"',
        ': "%H:%M %Z", "America/New_York"',
        ': "%H:%M %z", 330',
        ': "%H:%M %z", "Asia/Kolkata"',
        ': "%H", "Nowhere/Zone"',
        ": nil",
    ],
    "date_to_string": ["", ': "ordinal"', ': "ordinal", "US"'],
    "date_to_long_string": ["", ': "ordinal"', ': "ordinal", "US"'],
    "default": ["", ': "d"', ': "d", allow_false: true', ": n", ': "d", 2', ": nil"],
    "join": ["", ': ", "', ": nil", ": 1"],
    "json": ["", ": 2", ': "\\t"', ": -1", ": 20"],
    "jsonify": ["", ": 1"],
    "inspect": ["", ": 2"],
    "map": ['"name"', '"price"', '"tags.first"', ""],
    "sum": ["", '"price"'],
    "sort": ["", '"price"', '"name"'],
    "sort_natural": ["", '"name"'],
    "where": ['"price", 5', '"price"', '"name", "a"', '"tags.first", "x"'],
    "reject": ['"price", 5', '"price"'],
    "where_exp": ['"i", "i.price > 4"', '"i", "i.name == \'a\'"', '"i", "i"'],
    "reject_exp": ['"i", "i.price > 4"'],
    "find": ['"name", "b"', '"price"'],
    "find_exp": ['"i", "i.price == 15"'],
    "find_index": ['"name", "c"', '"name", "zz"'],
    "find_index_exp": ['"i", "i.name == \'c\'"'],
    "has": ['"name", "a"', '"price"'],
    "has_exp": ['"i", "i.price"'],
    "group_by": ['"price"', '"name"'],
    "group_by_exp": ['"i", "i.price > 4"', '"i", "i.name | upcase"'],
    "concat": ["", ": a", ": h", ": nil"],
    "push": ["", ": 1", ": a"],
    "unshift": ["", ": 0"],
    "slice": ["", ": 1", ": -2, 2", ": 1, 10", ': "1", "2"', ": -100"],
    "truncate": ["", ": 5", ": 3, ''", ': 8, "…"', ': "abc"', ": 0"],
    "truncatewords": ["", ": 1", ': 2, "--"', ": 0", ': "x"'],
    "split": ['" "', '""', '"l"', '","', ""],
    "replace": ['"l", "L"', '"", "-"', '"o"'],
    "replace_first": ['"l", "L"', '"", "-"'],
    "replace_last": ['"l", "L"'],
    "remove": ['"l"', '""'],
    "remove_first": ['"l"'],
    "remove_last": ['"l"'],
    "strip": ["", ': "H"'],
    "lstrip": ["", ': "He"'],
    "rstrip": ["", ': "d"'],
    "slugify": ["", ': "ascii"', ': "pretty"', ': "latin", true', ': "raw"', ': "none"'],
    "number_of_words": ["", ': "cjk"', ': "auto"'],
    "array_to_sentence_string": ["", ': "or"'],
    "hmac_sha256": ["", ': "k"'],
    "to_integer": [""],
}


def _chains(name: str) -> list[str]:
    return [
        f"{name}{args}" if args[:1] in ("", ":") else f"{name}: {args}"
        for args in (ARGUMENTS.get(name) or ["", ": 1, 2"])
    ]


def _filter_cases() -> list[tuple[str, str]]:
    return [
        (name, chain) for name in sorted(FILTERS) if name != "sample" for chain in _chains(name)
    ]


@pytest.mark.parametrize(("name", "chain"), _filter_cases())
def test_filter_matches_liquidjs(latest_oracle: Any, name: str, chain: str) -> None:
    """The filter with these arguments, on every input, renders as in LiquidJS."""
    found = []
    for value in INPUTS:
        template = "{{ " + value + " | " + chain + " }}"
        difference = mismatch(latest_oracle, template, CONTEXT, NOW)
        if difference:
            found.append(f"{template}: {difference}")
    assert not found, "\n".join(found)


def test_sample_has_liquidjs_shape(latest_oracle: Any) -> None:
    """``sample`` is random: only the shape of its result is compared."""
    from latest_check import STANDARD

    for template in [
        "{{ a | sample: 2 | size }}",
        "{{ nil | sample | size }}",
        "{{ 'abc' | sample: 5 | size }}",
    ]:
        expected = latest_oracle.render(template, CONTEXT).output
        assert STANDARD.render(template, CONTEXT).text == expected
    outcome = STANDARD.render("{{ words | sample }}", CONTEXT)
    assert outcome.text in CONTEXT["words"]
    assert latest_oracle.render("{{ words | sample }}", CONTEXT).output in CONTEXT["words"]
    assert [notice.kind for notice in outcome.notices] == ["per_send"]


TAG_CASES = [
    "{% if n > 2 %}big{% elsif n > 1 %}mid{% else %}small{% endif %}",
    "{% if n > 2 and t or no %}Y{% endif %}",
    "{% if no or t and no %}Y{% else %}N{% endif %}",
    "{% if t and no or t %}Y{% else %}N{% endif %}",
    "{% if not t %}Y{% else %}N{% endif %}{% if not no == t %}Y{% endif %}",
    "{% if a contains 2 %}Y{% endif %}{% if s contains 'o W' %}Y{% endif %}",
    "{% if h contains 'a' %}Y{% else %}N{% endif %}{% if s contains nil %}Y{% endif %}",
    "{% if e == empty %}E{% endif %}{% if '' == blank %}B{% endif %}{% if nil == blank %}B{% endif %}",
    "{% if no == blank %}B{% endif %}{% if ' \t' == blank %}B{% endif %}{% if h == empty %}E{% else %}NE{% endif %}",
    "{% if empty == empty %}E{% else %}NE{% endif %}{% if blank == empty %}E{% else %}NE{% endif %}",
    "{% if nil == nil %}Y{% endif %}{% if missing == nil %}Y{% endif %}{% if 1 == 1.0 %}Y{% endif %}",
    "{% if '1' == 1 %}Y{% else %}N{% endif %}{% if 'b' > 'a' %}Y{% endif %}{% if 10 > '9' %}Y{% else %}N{% endif %}",
    "{% if '10' > '9' %}Y{% else %}N{% endif %}{% if nil < 1 %}Y{% else %}N{% endif %}{% if a == a %}Y{% endif %}",
    "{% if a b %}Y{% endif %}{% if == t %}Y{% else %}N{% endif %}{% if t == %}Y{% else %}N{% endif %}",
    "{% if s | size > 3 %}Y{% endif %}",
    "{% unless t %}A{% else %}B{% endunless %}{% unless no %}A{% elsif t %}B{% endunless %}",
    "{% unless t %}A{% elsif t %}B{% else %}C{% endunless %}{% unless t %}A{% else %}B{% else %}C{% endunless %}",
    "{% case n %}{% when 1 %}one{% when 2, 5 %}two-five{% else %}other{% endcase %}",
    "{% case n %}{% when 1 or 5 %}X{% endcase %}{% case s %}{% when 'Hello World' %}S{% when s %}T{% endcase %}",
    "{% case n %}{% else %}A{% else %}B{% endcase %}{% case n %}{% when 9 %}{% else %}E{% when 5 %}W{% endcase %}",
    "{% case n %}{% when 1 2 5 %}junk{% endcase %}{% case n %}{% when 'x' xor 5 %}Y{% endcase %}",
    "{% for i in a %}{{ i }}{% endfor %}{% for i in a limit:2 %}{{ i }}{% endfor %}",
    "{% for i in a offset:2 %}{{ i }}{% endfor %}{% for i in a reversed %}{{ i }}{% endfor %}",
    "{% for i in a reversed limit:2 offset:1 %}{{ i }}{% endfor %}{% for i in a limit:'2' %}{{ i }}{% endfor %}",
    "{% for i in a limit:2 %}{{ i }}{% endfor %}|{% for i in a offset:continue limit:2 %}{{ i }}{% endfor %}|{% for i in a offset:continue %}{{ i }}{% endfor %}",
    "{% for i in a offset:continue limit:2 %}{{ i }}{% endfor %}|{% for i in a offset:continue %}{{ i }}{% endfor %}",
    "{% for i in e %}x{% else %}empty{% endfor %}{% for i in missing %}x{% else %}none{% endfor %}",
    "{% for i in a %}{% if i == 1 %}{% break %}{% endif %}{{ i }}{% endfor %}",
    "{% for i in a %}{% if i == 1 %}{% continue %}{% endif %}{{ i }}{% endfor %}",
    "{% for i in a %}{{ forloop.index }}/{{ forloop.index0 }}/{{ forloop.rindex }}/{{ forloop.rindex0 }}/{{ forloop.first }}/{{ forloop.last }}/{{ forloop.length }} {% endfor %}",
    "{% for i in (1..2) %}{% for j in (1..2) %}{{ forloop.parentloop.index }}{{ forloop.index }}{{ forloop | json }} {% endfor %}{% endfor %}",
    "{% for k in h %}{{ k[0] }}={{ k[1] }};{% endfor %}{% for c in s %}[{{ c }}]{% endfor %}{% for i in (3..1) %}x{% endfor %}",
    "{% for i in (1..n) %}{{ i }}{% endfor %}{% for i in ('1'..'3') %}{{ i }}{% endfor %}{% for i in (f..4) %}{{ i }}{% endfor %}",
    "{% for i in a offset:-1 %}{{ i }}{% endfor %}{% for i in a limit:-1 %}{{ i }}{% endfor %}{% for i in a limit: 3 offset: -1 %}{{ i }}{% endfor %}",
    "{% for i in a junk:1 %}{{ i }}{% endfor %}{% for forloop in a %}{{ forloop }}{% endfor %}",
    "{% tablerow i in a cols:2 %}{{ i }}{% endtablerow %}{% tablerow i in a limit:2 offset:1 %}{{ i }}{% endtablerow %}",
    "{% tablerow i in e %}x{% endtablerow %}{% tablerow i in a cols:2 %}{{ tablerowloop.col }}{{ tablerowloop.row }}{{ tablerowloop.col_first }}{{ tablerowloop.col_last }}{% endtablerow %}",
    "{% tablerow i in a cols:'x' %}{{ i }}{% endtablerow %}{% tablerow i in (1..3) %}{% break %}{% endtablerow %}",
    "{% assign x = 'a' | upcase %}{{ x }}{% assign x = a | size %}{{ x | plus: 1 }}{% assign y=5%}{{y}}",
    "{% assign x = nil %}{{ x | json }}{% assign x = empty %}{{ x | json }}{{ x == empty }}",
    "{% capture c %}Hello {{ s }}{% endcapture %}{{ c }}{{ c.size }}{% capture 'q w' %}z{% endcapture %}{{ ['q w'] }}",
    "{% increment c %}{% increment c %}{% decrement c %}{{ c }}{% decrement d %}{% decrement d %}",
    "{% assign n = 9 %}{% increment n %}{{ n }}{% increment n %}{% increment %}",
    "{% cycle 'a', 'b', 'c' %}{% cycle 'a', 'b', 'c' %}{% cycle 'a', 'b', 'c' %}{% cycle 'a', 'b', 'c' %}",
    "{% cycle 'g': 'a', 'b' %}{% cycle 'g': 'c', 'd' %}{% cycle 'g': 'x' %}{% cycle 0, 1 %}{% cycle 0, 1 %}",
    "{% for i in a %}{% cycle 'odd', 'even' %}{% endfor %}{% cycle 'x' 'y' %}{% cycle 'x' 'y' %}",
    "{% comment %}hidden {% if %}{% endcomment %}shown{% comment %}{% comment %}x{% endcomment %}y{% endcomment %}z",
    "{% raw %}{{ x }}{% endraw %}{% raw %}{% if %}{% endraw %}{%raw%}a{%endraw%}{% raw %}{% endrawx %}{% endraw %}",
    "{% # a comment %}x{%# another %}y{% # line1\n # line2 %}z",
    "{% echo s | upcase %}{% echo %}{% echo a %}",
    "{% liquid\n assign x = 5\n echo x | plus: 1\n if x > 3\n echo 'big'\n endif\n # note\n %}",
    "{% liquid echo 'one line' %}{% liquid\n\n  \n%}",
    "a  {%- if t -%}  b  {%- endif -%}  c|a\n  {{- s -}}  \n b|{{- s }}  {{ s -}}\n\n|",
    "  {%- raw -%}  x  {%- endraw -%}  |{%- comment -%} x {%- endcomment -%}  |\n{%- assign q = 1 -%}\n",
    "{% if t %}\n{% if t %}\nx\n{% endif %}\n{% endif %}{%\nif\nt\n%}multi{%\nendif\n%}",
    "{% layout none %}x{% block a %}b{{ block.super }}{% endblock %}",
    "{% render 'x' for e %}ok",
    "{{ a b c }}{{ s , n }}{{ s ) }}{{ a[0] }}{{ a[-1] }}{{ a.first }}{{ a.last }}{{ a.size }}{{ h.size }}{{ s.size }}",
    "{{ h['a'] }}{{ a[n] }}{{ items[0].name }}{{ items.first.name }}{{ items[1]['name'] }}{{ a[\"x\" junk] }}",
    "{{ 1 == 1 }}{{ t and no }}{{ nil }}{{ empty }}{{ blank }}{{ true }}{{ -5 }}{{ 1.50 }}{{ 0.1 }}",
    "{{ 100000000000000000000000 }}{{ 'a\\nb' }}{{ \"\\u0041\\x\" }}{{ '\\'' }}{{ 1. }}{{ .5 }}{{ 1.2.3 }}{{ 1-2 }}",
    "{{ h }}{{ a }}{{ items }}{{ (1..5) }}{{ s.length }}{{ a.length }}{{ s[0] }}{{ forloop }}{{ size }}{{ first }}",
    "{{ nil.equals }}{{ nil.toString }}{{ nil.valueOf }}{{ empty.gt }}{{ big }}{{ -0.0 }}{{ 1e3 }}",
    "{% break %}after",
    "a{% break %}b",
    "{% for i in a %}{{ i }}{% endfor %}{% continue %}x",
    "{% capture c %}a{% break %}b{% endcapture %}[{{ c }}]c",
    '{{ customer.firstName" }} {{ customer.lastName" }}',
    "{{ 'abc' | upcase }} {{ 'a' | nosuchfilter: 1 }} {{ s | }}",
]
MALFORMED = [
    "{% if %}",
    "{% if t %}",
    "{% endif %}",
    "{% for %}{% endfor %}",
    "{% for i a %}{% endfor %}",
    "{% else %}",
    "{% assign %}",
    "{% assign x %}",
    "{% assign x 1 %}",
    "{% capture %}{% endcapture %}",
    "{% cycle %}",
    "{% case %}{% endcase %}",
    "{% when 1 %}",
    "{{ a | }}",
    "{{ a | join: }}",
    "{{ a || join }}",
    "{{ | }}",
    "{{ (1..) }}",
    "{{ (1 2) }}",
    "{{ a[ }}",
    "{{ a['x' }}",
    "{%- -%}",
    "{% - %}",
    "{{ 'unclosed }}",
    "{% if 'x %}{% endif %}",
    "{% if t %}{% else %}{% else %}{% endif %}",
    "{% if t %}{% else %}{% elsif no %}{% endif %}",
    "{% for i in a %}{% else x %}{% endfor %}",
    "{% endfor %}",
    "{% for i in a %}{% endfor x %}",
    "{% if t %}{% endif x %}",
    "{% nosuchtag %}",
    "{{ }}",
    "{{",
    "{%",
    "x {{ y",
    "{% raw %}x",
    "{% comment %}x",
    "{% # a\n b %}",
    "{% liquid\n !!! \n%}",
    "{{ a | f: 1 2 }}",
    "{{ a | f 1 }}",
    "{{ a | 1 }}",
    "{% include %}",
    "{% include 'x' %}",
    "{% render 'x' %}",
    "{% layout 'x' %}y",
    "{% include none %}",
    "{% include '' %}",
    '{{ "\\u12',
    "{% if a }}",
    "{{ a %}",
    "{% block %}x",
    "{% tablerow i in %}{% endtablerow %}",
    "{% unless %}{% endunless %}",
    "{{ nil.constructor }}",
    "{{ 'x' | url_decode }}{{ '%E0%A4' | url_decode }}",
    "{{ 'a' | base64_decode }}",
    "{{ 0 | date: '%H', 'Nowhere/Zone' }}",
    "{{ false | default: 1, 2 }}",
]


@pytest.mark.parametrize("template", TAG_CASES + MALFORMED)
def test_tag_matches_liquidjs(latest_oracle: Any, template: str) -> None:
    """The template renders (or fails) as in LiquidJS."""
    found = mismatch(latest_oracle, template, CONTEXT, NOW)
    assert found is None, found
