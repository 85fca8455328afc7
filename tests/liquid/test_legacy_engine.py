"""Legacy Liquid as the program uses it: the engine contract beyond Ruby's output.

What Ruby Liquid 2.5.3 cannot say and this engine must: the notices (a filter legacy
does not have, markup 2.5.3 reads past), the variables the data lacks, the analysis,
the source map, the first inline error as the outcome's error, the guards (deadline,
output, loops, nesting, linear-time parsing of hostile templates), the render's zone,
and Customer.io's filters and tags called through a :class:`~composer.liquid.cio.Call`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from composer import liquid
from composer.liquid import cio
from composer.liquid.cio.api import Call, CioTag
from composer.liquid.engine import VariableUse
from composer.liquid.errors import LiquidRenderError, LiquidSyntaxError, RenderLimitError
from composer.liquid.legacy import ENGINE, LegacyEngine

PERSON = {"customer": {"first_name": "Ada", "plan": None, "tags": ["a", "b"], "n": 5}}


def test_the_engine_is_legacy() -> None:
    assert liquid.engine("legacy") is ENGINE
    assert ENGINE.version == "legacy"
    assert ENGINE.title == "legacy (Ruby Liquid 2.5.3)"
    assert {"date", "truncatewords", "h", "escape_once"} <= ENGINE.filter_names()
    assert {"if", "tablerow", "ifchanged", "raw"} <= ENGINE.tag_names()
    assert "echo" not in ENGINE.tag_names()
    assert ENGINE.parse("{{ a }}") is ENGINE.parse("{{ a }}")


def test_an_unknown_filter_passes_the_value_through_with_a_warning() -> None:
    outcome = ENGINE.render("{{ 'x' | frobnicate: 1 }}", {})
    assert outcome.text == "x"
    assert outcome.error is None
    (notice,) = outcome.notices
    assert (notice.severity, notice.kind, notice.name, notice.index) == (
        "warning",
        "unknown_filter",
        "frobnicate",
        9,
    )
    assert "legacy" in notice.message


def test_markup_ruby_reads_past_is_a_lax_markup_warning() -> None:
    template = '{{ customer.first_name" }}!'
    outcome = ENGINE.render(template, PERSON)
    assert outcome.text == "Ada!"
    (notice,) = outcome.notices
    assert notice.kind == "lax_markup"
    assert notice.index == template.index('"')
    assert '`"`' in notice.message
    assert "Ruby Liquid" in notice.message
    dash = ENGINE.render("{{- customer.first_name -}}", PERSON)
    assert dash.text == ""
    assert "whitespace control" in dash.notices[0].message


def test_missing_variables_are_reported_up_to_the_missing_part() -> None:
    template = (
        "{{ customer.plan.name }}{{ customer.age }}{{ nobody }}{{ customer.tags.size }}"
        "{{ customer.tags.first }}{{ 'lit' }}{% for x in customer.tags %}{{ forloop.index }}"
        "{{ x }}{% endfor %}{% assign y = 1 %}{{ y }}{{ forloop.index }}{{ customer.n.z }}"
    )
    outcome = ENGINE.render(template, PERSON)
    assert [(m.path, m.index) for m in outcome.missing] == [
        ("customer.plan", 3),
        ("customer.age", template.index("customer.age")),
        ("nobody", template.index("nobody")),
        ("customer.n.z", template.index("customer.n.z")),
    ]


class Secrets(Mapping[str, str]):
    """A mapping that raises KeyError for a name it does not have."""

    def __getitem__(self, key: str) -> str:
        if key == "token":
            return "s3cret"
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(["token"])

    def __len__(self) -> int:
        return 1


def test_a_mapping_that_raises_keyerror_is_missing_not_an_error() -> None:
    outcome = ENGINE.render("{{ secrets.token }}|{{ secrets.other }}", {"secrets": Secrets()})
    assert outcome.text == "s3cret|"
    assert [m.path for m in outcome.missing] == ["secrets.other"]


def test_render_errors_are_written_inline_and_the_first_is_the_outcome_error() -> None:
    template = "a{{ 1 | divided_by: 0 }}b{{ 'x' | split }}c"
    outcome = ENGINE.render(template, {})
    assert outcome.text == (
        "aLiquid error: divided by 0bLiquid error: wrong number of arguments (given 1, expected 2)c"
    )
    assert isinstance(outcome.error, LiquidRenderError)
    assert outcome.error.index == template.index("{{")
    assert "'divided_by'" in outcome.error.message
    (later,) = outcome.notices
    assert (later.severity, later.kind, later.name) == ("error", "inline_error", "split")
    assert later.index == template.index("{{ 'x'")
    assert "takes 1 argument (pattern), not 0" in later.message


@pytest.mark.parametrize(
    ("template", "message", "where"),
    [
        ("ab{% echo 1 %}", "Unknown tag 'echo'", 2),
        ("x{% if a %}y", "if tag was never closed", 1),
        ("{% if a %}{% endfor %}", "Unknown tag 'endfor'", 10),
        ("x{%- if a -%}{% endif %}", "Tag '{%- if a -%}' was not properly terminated", 1),
        ("x {{ a }", "Variable '{{ a }' was not properly terminated", 2),
        ("{% for x %}{% endfor %}", "Syntax Error in 'for loop'", 0),
    ],
)
def test_syntax_errors_carry_rubys_message_and_the_token_index(
    template: str, message: str, where: int
) -> None:
    with pytest.raises(LiquidSyntaxError) as raised:
        ENGINE.parse(template)
    assert message in raised.value.message
    assert raised.value.index == where
    outcome = ENGINE.render(template, {})
    assert isinstance(outcome.error, LiquidSyntaxError)
    assert outcome.text == ""


def test_the_analysis_lists_variables_locals_tags_and_filters() -> None:
    template = (
        "{% assign a = customer.name | upcase %}{% capture c %}{{ b[key] }}{% endcapture %}"
        "{% for item in items %}{{ item.x }}{% endfor %}{% increment n %}{{ a | size }}"
    )
    analysis = ENGINE.analyze(template)
    assert VariableUse(("customer", "name"), template.index("customer")) in analysis.variables
    assert VariableUse(("b", None), template.index("b[key]")) in analysis.variables
    assert VariableUse(("key",), template.index("key]")) in analysis.variables
    assert {"a", "c", "item", "n", "forloop"} <= analysis.locals
    assert set(analysis.globals) == {"customer", "b", "key", "items"}
    assert [name for name, _ in analysis.tags] == ["assign", "capture", "for", "increment"]
    assert analysis.filters == (
        ("upcase", template.index("upcase")),
        ("size", template.index("size")),
    )
    assert not analysis.dynamic


def test_the_source_map_points_back_into_the_template() -> None:
    template = "Hi {{ name }}! {% cycle 'x', 'y' %} bye"
    outcome = ENGINE.render(template, {"name": "Ada"})
    assert outcome.text == "Hi Ada! x bye"
    pieces = [(outcome.text[s:e], origin, exact) for s, e, origin, exact in outcome.segments()]
    assert pieces == [
        ("Hi ", 0, True),
        ("Ada", 3, False),
        ("! ", template.index("! "), True),
        ("x", template.index("{% cycle"), False),
        (" bye", template.index(" bye"), True),
    ]
    assert outcome.origin_of(outcome.text.index("bye")) == template.index("bye")


def test_a_failing_case_drops_what_it_had_rendered_as_ruby_does() -> None:
    template = "{% assign r = (1..2) %}{% case 1 %}{% when 1 %}A{% when r %}B{% endcase %}|"
    outcome = ENGINE.render(template, {})
    assert outcome.text == "Liquid error: undefined method `to_liquid' for 1..2:Range|"


def test_the_callers_data_is_never_changed() -> None:
    data: dict[str, Any] = {"n": 1, "list": [3, 1, 2]}
    outcome = ENGINE.render(
        "{% increment n %}{% increment m %}{{ n }}{% assign list = list | sort %}{{ list }}", data
    )
    assert outcome.text == "102123"
    assert data == {"n": 1, "list": [3, 1, 2]}


def test_dates_render_in_the_zone_given() -> None:
    zone = ZoneInfo("America/New_York")
    outcome = ENGINE.render(
        "{{ 1700000000 | date: '%H:%M %Z %z' }}|{{ '2024-07-04 09:00' | date: '%H:%M %Z %z' }}|"
        "{{ '2024-07-04 09:00 +0200' | date: '%H:%M %Z %z' }}|{{ 'now' | date: '%F %H:%M %Z' }}",
        {},
        zone=zone,
        now=dt.datetime(2024, 1, 15, 12, 0, tzinfo=dt.UTC),
    )
    assert outcome.text == ("17:13 EST -0500|09:00 EDT -0400|09:00  +0200|2024-01-15 07:00 EST")


# -- guards -------------------------------------------------------------------------------


def test_the_deadline_stops_a_long_render() -> None:
    started = time.monotonic()
    outcome = ENGINE.render(
        "{% for i in (1..900000) %}{{ s | replace: 'a', 'bb' | size }}{% endfor %}",
        {"s": "a" * 2000},
        deadline=time.monotonic() + 0.2,
    )
    assert isinstance(outcome.error, RenderLimitError)
    assert "too long" in outcome.error.message
    assert time.monotonic() - started < 1.5


def test_the_output_is_capped_as_it_grows() -> None:
    outcome = ENGINE.render("{% for i in (1..300000) %}{{ s }}{% endfor %}", {"s": "x" * 100})
    assert isinstance(outcome.error, RenderLimitError)
    assert len(outcome.text) <= liquid.OUTPUT_LIMIT


def test_a_runaway_replace_stops_before_it_builds_its_text() -> None:
    outcome = ENGINE.render("{{ s | replace: 'a', r }}", {"s": "a" * 100_000, "r": "b" * 1000})
    assert isinstance(outcome.error, RenderLimitError)


def test_deep_data_and_deep_templates_stop_with_a_limit_error() -> None:
    deep: Any = "x"
    for _ in range(3000):
        deep = [deep]
    assert isinstance(ENGINE.render("{{ d }}", {"d": deep}).error, RenderLimitError)
    nested = "{% if true %}" * 250 + "{% endif %}" * 250
    assert isinstance(ENGINE.render(nested, {}).error, RenderLimitError)
    assert ENGINE.render("{% if true %}" * 150 + "x" + "{% endif %}" * 150, {}).text == (
        "Liquid error: Nesting too deep"
    )


HOSTILE = {
    "unclosed outputs": "{{" * 2_000_000,
    "outputs of quotes": '{{"' * 1_400_000,
    "one output of quotes": "{{ " + '"' * 4_000_000 + " }}",
    "mixed quotes": "{{ " + "'\"" * 2_000_000 + " }}",
    "spaces before a comma": "{{ " + " " * 4_000_000 + ", }}",
    "unclosed tags": "{%" * 2_000_000,
    "a long name": "{{ " + "a" * 4_000_000 + " }}",
    "brackets": "{{ " + "[" * 4_000_000 + " }}",
    "spaces before and": "{% if a " + " " * 4_000_000 + "and b %}x{% endif %}",
    "a long assign": "{% assign " + "a" * 4_000_000 + " %}",
    "a for of words": "{% for " + "a " * 2_000_000 + "%}{% endfor %}",
    "a range": "{{ (" + "." * 4_000_000 + ") }}",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_four_megabyte_template_parses_in_well_under_a_second(name: str) -> None:
    engine = LegacyEngine(customer_io=False)
    started = time.monotonic()
    engine.render(HOSTILE[name], {"a": 1})
    assert time.monotonic() - started < 0.8


@pytest.mark.parametrize(
    "template",
    [
        "{{ x | f: " + ", " * 2_000_000 + "}}",
        "{% if " + "a and " * 600_000 + "b %}x{% endif %}",
        "{{a}}" * 800_000,
        "{% case a %}{% when " + "1, " * 1_300_000 + "2 %}x{% endcase %}",
    ],
    ids=["commas", "ands", "outputs", "whens"],
)
def test_any_template_ends_within_the_deadline(template: str) -> None:
    started = time.monotonic()
    outcome = LegacyEngine(customer_io=False).render(template, {"a": 1})
    assert time.monotonic() - started < liquid.RENDER_DEADLINE_S + 0.5
    assert outcome.error is None or isinstance(outcome.error, RenderLimitError)


def test_strip_html_is_linear_on_unclosed_tags() -> None:
    started = time.monotonic()
    outcome = ENGINE.render(
        "{{ s | strip_html | size }}{{ t | strip_html | size }}",
        {"s": "<script" * 500_000, "t": "<!--<" * 500_000},
    )
    assert outcome.text == "3500000" + "2500000"
    assert time.monotonic() - started < 0.8


# -- Customer.io's filters and tags ---------------------------------------------------------


@pytest.fixture
def with_cio(monkeypatch: pytest.MonkeyPatch) -> LegacyEngine:
    """A legacy engine built with a few made-up Customer.io filters and tags."""
    calls: list[Call] = []

    def shout(call: Call, value: object, times: object = 1) -> str:
        calls.append(call)
        if times == "bad":
            raise ValueError("times must be a number")
        return call.to_text(value).upper() * int(call.to_number(times))

    def probe(call: Call, markup: str) -> str:
        calls.append(call)
        return f"[{call.to_text(call.evaluate(markup))}]"

    def render_liquid(call: Call, markup: str) -> str:
        return call.render_source(call.to_text(call.evaluate(markup)))

    filters = {"shout": shout, "upcase": lambda call, value: "CIO"}
    tags = {
        "probe": CioTag("probe", probe),
        "render_liquid": CioTag("render_liquid", render_liquid),
    }
    monkeypatch.setattr(cio, "filters_for", lambda version: filters)
    monkeypatch.setattr(cio, "tags_for", lambda version: tags)
    engine = LegacyEngine()
    engine.calls = calls  # type: ignore[attr-defined]
    return engine


def test_customer_io_filters_are_registered_after_the_standard_ones(with_cio: LegacyEngine) -> None:
    outcome = with_cio.render("{{ h | shout: '2' }}|{{ 'x' | upcase }}", {"h": {"a": None}})
    assert outcome.text == '{"A"=>NIL}{"A"=>NIL}|CIO'
    call = with_cio.calls[0]  # type: ignore[attr-defined]
    assert (call.version, call.name, call.index) == ("legacy", "shout", 7)
    assert call.to_number("1.5") == 1.5 and call.to_number("-1.5") == -1
    assert call.is_nil(None) and not call.is_nil(False)
    assert {"shout", "probe", "render_liquid"} <= with_cio.filter_names() | with_cio.tag_names()


def test_a_customer_io_filter_error_is_written_inline(with_cio: LegacyEngine) -> None:
    outcome = with_cio.render("a{{ 'x' | shout: 'bad' }}b", {})
    assert outcome.text == "aLiquid error: times must be a numberb"
    assert isinstance(outcome.error, LiquidRenderError)
    assert "'shout'" in outcome.error.message


def test_customer_io_tags_render_at_their_place_with_the_scope(with_cio: LegacyEngine) -> None:
    template = (
        "{% assign who = 'Ada' %}{% probe who | upcase %} "
        "{% render_liquid body %}|{% render_liquid broken %}"
    )
    outcome = with_cio.render(
        template, {"body": "Hi {{ who }} {% probe 1 | plus: 1 %}", "broken": "{% if %}"}
    )
    assert outcome.text == (
        "[CIO] Hi Ada [2]|Liquid syntax error: Syntax Error in tag 'if' - Valid syntax: "
        "if [expression]"
    )
    assert ("probe", template.index("{% probe")) in with_cio.analyze(template).tags
    assert with_cio.analyze(template).dynamic
    segments = list(outcome.segments())
    assert segments[0][2] == template.index("{% probe")


def test_a_recipe_sized_template_renders_quickly() -> None:
    recipe = (
        '{"email": "{{ customer.email }}", "name": "{{ customer.first_name | capitalize }}",\n' * 8
        + '"tags": "{{ customer.tags | join: \', \' }}"'
        + '{% if customer.vip %}, "vip": true{% endif %}'
    )
    data = {"customer": {"email": "a@b.c", "first_name": "ada", "tags": ["a"], "vip": True}}
    ENGINE.render(recipe, data)
    best = min(_timed(lambda: ENGINE.render(recipe, data)) for _ in range(5))
    assert best < 0.001


def _timed(work: Any) -> float:
    started = time.perf_counter()
    for _ in range(100):
        work()
    return (time.perf_counter() - started) / 100
