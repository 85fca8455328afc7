"""The latest engine as the program uses it: the Engine contract, notices, missing
variables, the analysis, the source map, the guards, Customer.io's additions, speed."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from bounds import HOSTILE_BOUND_S
from latest_check import STANDARD, line_column
from oracles import HERE

from composer.liquid import engine as engine_for
from composer.liquid.cio import filters_for, tags_for
from composer.liquid.errors import LiquidRenderError, LiquidSyntaxError, RenderLimitError
from composer.liquid.latest import ENGINE, LatestEngine
from composer.liquid.latest.errors import ParseError, TokenizationError
from composer.liquid.latest.filters import FILTERS
from composer.liquid.latest.tags import TAGS
from composer.liquid.state import NESTING_LIMIT

ROOT = Path(__file__).resolve().parents[2]
ZENDESK = '{{ customer.firstName" }} {{ customer.lastName" }}'
PEOPLE = {"customer": {"firstName": "Ada", "lastName": "Lovelace"}}


class Secrets(Mapping[str, str]):
    """Like the program's secrets: an unknown name raises KeyError."""

    def __getitem__(self, key: str) -> str:
        if key == "token":
            return "s3cret"
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(["token"])

    def __len__(self) -> int:
        return 1


def test_engine_identity_and_names() -> None:
    """``ENGINE`` is latest, registered under its version, with every name."""
    assert ENGINE.version == "latest"
    assert ENGINE.title == "latest (LiquidJS)"
    assert engine_for("latest") is ENGINE
    assert set(FILTERS) <= ENGINE.filter_names()
    assert set(filters_for("latest")) <= ENGINE.filter_names()
    assert set(TAGS) | set(tags_for("latest")) == ENGINE.tag_names()
    assert STANDARD.filter_names() == set(FILTERS)


def test_every_liquidjs_filter_and_tag_is_here(latest_oracle: Any) -> None:
    """Our filters and tags are ``new Liquid()``'s, name for name."""
    node = shutil.which("node")
    assert node is not None
    script = (
        "const {Liquid}=require('liquidjs');const e=new Liquid();"
        "console.log(JSON.stringify([Object.keys(e.filters),Object.keys(e.tags)]))"
    )
    done = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, cwd=HERE / "js", check=True
    )
    filters, tags = json.loads(done.stdout)
    assert sorted(FILTERS) == sorted(filters)
    assert sorted(TAGS) == sorted(tags)


def test_parse_is_cached_and_raises_syntax_errors() -> None:
    """``parse`` gives the same tree twice; a syntax error carries LiquidJS's place."""
    assert ENGINE.parse("{{ a }}") is ENGINE.parse("{{ a }}")
    with pytest.raises(ParseError) as caught:
        ENGINE.parse("ok\n  {% nosuch %}")
    assert caught.value.message == 'tag "nosuch" not found'
    assert line_column("ok\n  {% nosuch %}", caught.value.index or 0) == (2, 3)
    with pytest.raises(TokenizationError):
        ENGINE.analyze("{{ a | f: 1 2 }}")
    assert isinstance(caught.value, LiquidSyntaxError)


def test_render_error_keeps_the_text_so_far_and_names_the_filter() -> None:
    """LiquidJS throws; we stop at the output with the text before it."""
    outcome = ENGINE.render("a{{ 'x' | append }}b", {})
    assert outcome.text == "a"
    assert isinstance(outcome.error, LiquidRenderError)
    assert outcome.error.index == 1
    assert "append" in outcome.error.message
    nested = ENGINE.render("{% if true %}x{{ '%E0%A4' | url_decode }}{% endif %}", {})
    assert nested.text == "x" and nested.error is not None and nested.error.index == 14
    assert "url_decode" in nested.error.message


def test_syntax_error_renders_nothing() -> None:
    """A template that does not parse renders nothing and says where."""
    outcome = ENGINE.render("text {% if %}", {})
    assert outcome.text == ""
    assert isinstance(outcome.error, TokenizationError)
    assert outcome.error.message == 'invalid value expression: ""'


def test_zendesk_quote_is_one_output_with_a_plain_warning() -> None:
    """The stray quote swallows ``}} {{``: Ada only, and a notice saying so."""
    outcome = ENGINE.render(ZENDESK, PEOPLE)
    assert outcome.text == "Ada"
    [notice] = outcome.notices
    assert (notice.kind, notice.severity, notice.index) == ("lax_markup", "warning", 21)
    assert "line 1, column 22" in notice.message
    assert "`}}` at line 1, column 24" in notice.message
    assert '`" }} {{ customer.lastName"`' in notice.message


@pytest.mark.parametrize(
    ("template", "ignored"),
    [
        ("{{ a b }}", "`b`"),
        ("{{ a , b }}", "`, b`"),
        ("{% assign x = 1 junk %}", "`junk`"),
        ("{% if a ) %}{% endif %}", "`)`"),
        ("{% for i in a junk: 1 %}{% endfor %}", "`junk`"),
        ("{% case a %}{% when 1 2 %}{% endcase %}", "`2`"),
        ("{% increment x y %}", "`y`"),
        ("{{ 'a' | upcase: 1 }}", "upcase"),
        ('{{ a["x" junk] }}', "`junk`"),
        ("{% case 1 %}{% else x %}{% endcase %}", "`x`"),
        ("{% capture c %}{% endcapture c %}", "`c`"),
    ],
)
def test_ignored_markup_is_said(template: str, ignored: str) -> None:
    """What LiquidJS reads past without a word gets a ``lax_markup`` warning."""
    notices = [n for n in ENGINE.render(template, {"a": [1]}).notices if n.kind == "lax_markup"]
    assert notices and ignored in notices[0].message


def test_unknown_filter_passes_through_with_a_notice() -> None:
    """Unknown filters pass the value on (strictFilters off) and are named."""
    outcome = ENGINE.render("{{ 'v' | frobnicate: 1 | upcase }}", {})
    assert outcome.text == "V"
    [notice] = outcome.notices
    assert (notice.kind, notice.name, notice.index) == ("unknown_filter", "frobnicate", 9)


def test_missing_variables() -> None:
    """Paths up to the missing part; nil below; nothing for literals, loops, locals."""
    data = {"customer": {"plan": None, "name": "Ada", "tags": []}, "secrets": Secrets()}
    template = (
        "{{ customer.plan.name }}{{ customer.email }}{{ nobody }}{{ customer.name.x }}"
        "{{ secrets.token }}{{ secrets.other }}{{ nil }}{{ 'x'.size }}{{ customer.tags.first }}"
        "{% assign y = 1 %}{{ y }}{% for i in (1..1) %}{{ forloop.index }}{{ forloop.zz }}"
        "{% endfor %}{{ customer['my key'] }}"
    )
    outcome = ENGINE.render(template, data)
    assert outcome.text == "s3cret111"
    assert [(m.path, m.index) for m in outcome.missing] == [
        ("customer.plan", template.index("customer.plan")),
        ("customer.email", template.index("customer.email")),
        ("nobody", template.index("nobody")),
        ("customer.name.x", template.index("customer.name.x")),
        ("secrets.other", template.index("secrets.other")),
        ('customer["my key"]', template.index("customer['my key']")),
    ]


def test_caller_data_is_never_changed() -> None:
    """``increment`` and ``assign`` leave the data as it was."""
    data = {"n": 5, "a": [1, 2], "h": {"k": 1}}
    before = json.dumps(data)
    outcome = ENGINE.render(
        "{% increment n %}{% increment n %}{{ n }}{% assign a = a | push: 3 %}{{ a }}", data
    )
    assert outcome.text == "567123"
    assert json.dumps(data) == before


def test_source_map() -> None:
    """Text maps character by character; an output maps to its ``{{``."""
    template = "ab  {%- if true -%}  cd{{ x }}{% endif %}"
    outcome = ENGINE.render(template, {"x": "XY"})
    assert outcome.text == "abcdXY"
    assert [outcome.origin_of(i) for i in range(6)] == [0, 1, 21, 22, 23, 23]
    assert list(outcome.segments()) == [(0, 2, 0, True), (2, 4, 21, True), (4, 6, 23, False)]


def test_analysis() -> None:
    """Variables in order (computed parts None), locals, tags, filters, dynamic."""
    template = (
        "{% assign x = customer.name | default: event.x %}"
        "{% for i in items %}{{ i.price | plus: x }}{% endfor %}{{ a[b.c].d }}"
        "{% capture z %}{{ y }}{% endcapture %}{% increment n %}{% render_liquid customer.body %}"
    )
    analysis = ENGINE.analyze(template)
    assert [use.path for use in analysis.variables] == [
        ("customer", "name"),
        ("event", "x"),
        ("items",),
        ("i", "price"),
        ("x",),
        ("a", None, "d"),
        ("b", "c"),
        ("y",),
        ("customer", "body"),
    ]
    assert analysis.locals == {"x", "i", "forloop", "z", "n"}
    assert [name for name, _ in analysis.tags] == [
        "assign",
        "for",
        "capture",
        "increment",
        "render_liquid",
    ]
    assert analysis.filters == (
        ("default", template.index("default")),
        ("plus", template.index("plus")),
    )
    assert analysis.variables[2].index == template.index("items")
    assert analysis.dynamic
    exp = ENGINE.analyze('{{ items | where_exp: "i", "i.price > limit.max" }}')
    assert [use.path for use in exp.variables] == [("items",), ("limit", "max")]
    assert set(analysis.globals) == {"customer", "event", "items", "a", "b", "y"}


def test_deadline_stops_a_long_render() -> None:
    """A render that outlives its deadline stops with a limit error."""
    outcome = ENGINE.render(
        "{% for i in (1..999999) %}{% for j in (1..999999) %}{% endfor %}{% endfor %}",
        {},
        deadline=time.monotonic() + 0.2,
    )
    assert isinstance(outcome.error, RenderLimitError)
    late = ENGINE.render("{{ a }}" * 2000, {}, deadline=time.monotonic() - 1)
    assert isinstance(late.error, RenderLimitError)


@pytest.mark.parametrize(
    "template",
    [
        "{% for i in (1..2000) %}{% for j in (1..1000) %}{% endfor %}{% endfor %}",
        "{% assign s = 'xxxxxxxxxxxxxxxx' %}{% for i in (1..21) %}"
        "{% assign s = s | append: s %}{% endfor %}",
        "{% capture c %}{% for i in (1..400000) %}{{ '0123456789' | append: '0123456789abcdef' "
        "| append: '0123456789abcdef' | append: 'abcdef' }}{% endfor %}{% endcapture %}",
        "{% for i in (1..600000) %}{{ '0123456789012345678901234567890' }}{% endfor %}",
        "{{ 'x' | append: 'x' | replace: 'x', s }}",
        "{{ " + "a[" * (NESTING_LIMIT + 1) + "0" + "]" * (NESTING_LIMIT + 1) + " }}",
        "{% if true %}" * (NESTING_LIMIT + 1) + "{% endif %}" * (NESTING_LIMIT + 1),
        "{{ (1..9999999999) | size }}",
        "{{ a" + " and a" * 5000 + " }}",
    ],
)
def test_guards(template: str) -> None:
    """Loops, held text, output, filter results, nesting: each stops with an error."""
    data = {"a": True, "s": "y" * (9 * 1024 * 1024)}
    outcome = ENGINE.render(template, data)
    assert outcome.error is not None
    assert not isinstance(outcome.error, LiquidRenderError) or "deep" in outcome.error.message


@pytest.mark.parametrize(
    "template",
    [
        '{{"' * (4 * 1024 * 1024 // 3),
        '"' * (4 * 1024 * 1024),
        "{{" * (2 * 1024 * 1024),
        "{%" * (2 * 1024 * 1024),
        "{% raw %}" + "{%" * (2 * 1024 * 1024),
        "{{ '" + "\\" * (4 * 1024 * 1024) + "' }}",
        "a{" * (2 * 1024 * 1024),
    ],
    ids=["output-quotes", "quotes", "braces", "tags", "raw", "escapes", "text"],
)
def test_hostile_4mb_template_is_read_in_linear_time(template: str) -> None:
    """4 MB of quotes or delimiters are read well within the deadline."""
    engine = LatestEngine()
    outcome = engine.render(template, {}, deadline=time.monotonic() + HOSTILE_BOUND_S)
    assert not isinstance(outcome.error, RenderLimitError), outcome.error


def test_recursion_never_escapes() -> None:
    """Deep nesting becomes a Liquid error, never Python's RecursionError."""
    deep = "{% liquid\n" + "if true\n" * 98 + "echo 'x'\n" + "endif\n" * 98 + "%}"
    assert ENGINE.render(deep, {}).text == "x"
    chain = "{{ a" + " == a" * 3000 + " }}"
    outcome = ENGINE.render(chain, {"a": 1})
    assert outcome.error is None or isinstance(outcome.error, RenderLimitError)


def test_customerio_filters_and_tags_run_in_latest() -> None:
    """Customer.io's latest filters and tags work, through a ``Call`` of this engine."""
    now = dt.datetime(2017, 1, 1, 12, tzinfo=dt.UTC)
    data = {"customer": {"body": "Hi {{ customer.name | upcase }}{{ gone }}", "name": "Ada"}}
    cases = {
        "{{ 1234567.896 | currency }}": "$1,234,567.90",
        "{{ 10000 | format_number }}": "10,000",
        "{% assign v = '{\"number\":123}' | from_json %}{{ v.number }}": "123",
        "{{ 1483272000 | add_day: 5 | date: '%Y-%m-%d' }}": "2017-01-06",
        "{{ 1483272000 | date: '%H:%M', 'America/New_York' }}": "07:00",
        "{% render_liquid customer.body %}": "Hi ADA",
    }
    for template, expected in cases.items():
        outcome = ENGINE.render(template, data, now=now)
        assert (outcome.text, outcome.error) == (expected, None), template
    rendered = ENGINE.render("x{% render_liquid customer.body %}", data, now=now)
    assert [(m.path, m.index) for m in rendered.missing] == [("gone", 1)]
    uuid = ENGINE.render("{% generate_uuid %}", {}, now=now)
    assert len(uuid.text) == 36 and [n.kind for n in uuid.notices] == ["per_send"]
    loop = {"customer": {"body": "{% render_liquid customer.body %}"}}
    assert isinstance(
        ENGINE.render("{% render_liquid customer.body %}", loop).error, RenderLimitError
    )
    assert "render_liquid" not in STANDARD.tag_names()


def test_json_of_a_missing_value_warns() -> None:
    """LiquidJS writes nothing for ``| json`` of a missing value: a warning says so."""
    outcome = ENGINE.render('{"n": {{ c.name | json }}, "m": {{ c.m | json }}}', {"c": {"m": None}})
    assert outcome.text == '{"n": , "m": null}'
    assert [(n.kind, n.name, n.index) for n in outcome.notices] == [("json_missing", "json", 18)]


@pytest.mark.parametrize(
    "template",
    [
        "{{a}}" * 800_000,
        "{{ a" + " | upcase" * 400_000 + " }}",
        "{{ a" + " == a" * 500_000 + " }}",
        "{% liquid\n" + "echo a\n" * 400_000 + "%}",
        "{% comment %}" + "{% x %}" * 400_000 + "{% endcomment %}",
        "{% case a %}{% when " + "1, " * 700_000 + "1 %}x{% endcase %}",
    ],
    ids=["outputs", "filters", "operators", "liquid-lines", "comment", "when-values"],
)
def test_parsing_stays_within_the_deadline(template: str) -> None:
    """A template too large to read in time stops at the deadline, parse included."""
    engine = LatestEngine()
    started = time.monotonic()
    outcome = engine.render(template, {"a": "x"}, deadline=started + 0.3)
    assert time.monotonic() - started < HOSTILE_BOUND_S
    assert isinstance(outcome.error, RenderLimitError)
