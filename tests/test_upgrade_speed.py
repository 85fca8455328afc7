"""What makes ``upgrade-check`` fast, held to give the same answers as the plain way.

``upgrade-check`` renders the URL and headers once per version when they do not use the
person, and each body as a run per version (:func:`render_both_bodies`); these tests
hold that to :func:`render_both` of the whole request, for every shipped recipe and for
requests made to differ in each part. They count, through the engines' own ``render``
and the legacy engine's parse cache, that a run renders the head once per version and
parses a template once per version, a template that does not parse included. What the
engines and the linter remember between renders (a date written for a fixed 'now', a
tag's text) is checked never to cross from one input to another.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, quote_plus
from zoneinfo import ZoneInfo

import pytest

from composer.check.plan import Plan
from composer.check.shared_render import render_both_bodies, render_both_many
from composer.check.upgrade import upgrade_check
from composer.liquid import VERSIONS, LiquidSyntaxError, engine
from composer.liquid.escapes import SHORT, _remembered, percent_encoded
from composer.liquid.legacy.template import LegacyEngine
from composer.model import Event, Header, Person, Request, context_for
from composer.rendering.render import render, render_both
from composer.store.seed import load_recipes

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
FORM = "application/x-www-form-urlencoded"
SECRETS = {
    name: "••••••"
    for name in ("zendesk_email", "zendesk_api_token", "trello_api_key", "trello_token")
}


def _people() -> list[tuple[Person, list[Event]]]:
    """People with the values that part the versions: quotes, floats, gaps, no events."""
    names = ["Ada", "O'Brien", 'Jones "TJ"', "Zoë", "佐藤", "", "Tab\there", "{% if %}{{"]
    people = []
    for i, name in enumerate(names * 2):
        attributes: dict[str, Any] = {
            "first_name": name,
            "last_name": name[::-1],
            "name": f"{name} {i}",
            "company": None if i % 3 == 0 else ("Acme & Co" if i % 3 == 1 else "A+B=C 100%"),
            "NPS_rating": float(i) if i % 2 else i,
            "plan": "pro",
        }
        if i % 4 == 0:
            del attributes["name"]
        events = []
        if i % 5:
            events.append(Event("account_cancelled", {"reason": "price", "feedback": name}, 1))
        if i % 2:
            events.append(Event("nps_submitted", {"score": i * 1.0}, 2))
        people.append((Person(str(100 + i), f"user{i}@example.com", attributes), events))
    return people


def _contexts() -> list[dict[str, Any]]:
    return [
        context_for(person, event) for person, events in _people() for event in (events or [None])
    ]


def _bodies_as_render_both(request: Request, contexts: list[dict[str, Any]]) -> None:
    head = render_both(dataclasses.replace(request, body=""), contexts[0], secrets=SECRETS, now=NOW)
    for ordered in (contexts, contexts[::-1]):  # each end first once: what a run reuses
        fast = render_both_bodies(request, ordered, head, secrets=SECRETS, now=NOW)
        for context, got in zip(ordered, fast, strict=True):
            assert got == render_both(request, context, secrets=SECRETS, now=NOW)


RECIPES = [recipe for recipe in load_recipes() if Plan.of(recipe, VERSIONS).fixed_head]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("recipe", RECIPES, ids=lambda recipe: recipe.name)
def test_bodies_compare_as_whole_requests_for_every_recipe(recipe: Request, version: str) -> None:
    request = dataclasses.replace(recipe, liquid_version=version)  # type: ignore[arg-type]
    _bodies_as_render_both(request, _contexts())


def test_the_recipes_checked_are_most_of_them() -> None:
    """The recipes whose URL and headers do not use the person are the common case."""
    assert len(RECIPES) >= 10


def _request(body: str, version: str = "legacy", **changes: Any) -> Request:
    request = Request(
        "parts",
        "https://example.com/hook",
        headers=(Header("Content-Type", "application/json"),),
        body=body,
        liquid_version=version,  # type: ignore[arg-type]
    )
    return dataclasses.replace(request, **changes)


@pytest.mark.parametrize(
    "request_",
    [
        # a header that differs between the versions: the head's difference comes first
        _request('{"n": {{ customer.NPS_rating }}}', headers=(Header("X-N", "{{ 2.0 }}"),)),
        # a body that differs for some people only (Ruby writes 3.0, JavaScript 3)
        _request('{"n": {{ customer.NPS_rating | times: 1 }}}'),
        # a body that does not parse in legacy; a JSON body that breaks for some people
        _request('{%- if customer.name -%}{"n": "{{ customer.name }}"}{%- endif -%}', "latest"),
        # a form body without a Content-Type, with an unencoded value and an event
        _request(
            "name={{ customer.first_name }}&event={{ event_name }}",
            headers=(Header("X-Plan", "{{ 'growth' | upcase }}"),),
        ),
        # Liquid read from the data, which does not parse for some people
        _request("{% render_liquid customer.first_name %}{%- if true -%}!{%- endif -%}"),
        _request("{% render_liquid customer.first_name %}", "latest"),
        # a missing secret in the body, a secret in the URL's credentials
        _request(
            '{"k": "{{ secrets.nope }}", "e": {{ customer.email | json }}}',
            url="https://{{ secrets.zendesk_email }}:x@example.com/h",
        ),
    ],
)
def test_bodies_compare_as_whole_requests_for_requests_that_differ(request_: Request) -> None:
    _bodies_as_render_both(request_, _contexts())


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "request_",
    [
        *(r for r in load_recipes() if not Plan.of(r, VERSIONS).fixed_head),
        _request(
            '{"n": 1}',
            url="https://example.com/{{ customer.NPS_rating | times: 1 }}",
            name="the URL uses the person",
        ),
        _request(
            "{{ customer.first_name }}",
            headers=(Header("X-Name", "{{ customer.name }}"),),
            name="a header uses the person",
        ),
    ],
    ids=lambda request: request.name,
)
def test_whole_requests_compare_in_runs_as_one_by_one(request_: Request, version: str) -> None:
    request = dataclasses.replace(request_, liquid_version=version)  # type: ignore[arg-type]
    contexts = _contexts()
    assert Plan.of(request, VERSIONS).fixed_head is False
    found = render_both_many(request, contexts, secrets=SECRETS, now=NOW)
    for context, got in zip(contexts, found, strict=True):
        assert got == render_both(request, context, secrets=SECRETS, now=NOW)


def _counting(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    """``(version, template)`` of every render the engines do from now on."""
    counts: Counter[tuple[str, str]] = Counter()
    for version in VERSIONS:
        shared = engine(version)

        def render(
            source: str,
            globals_: Mapping[str, object],
            *,
            _version: str = version,
            _real: Any = shared.render,
            **options: Any,
        ) -> Any:
            counts[(_version, source)] += 1
            return _real(source, globals_, **options)

        monkeypatch.setattr(shared, "render", render)
    return counts


def test_upgrade_check_renders_the_head_once_per_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recipe = next(r for r in load_recipes() if r.name == "Zendesk: ticket for a cancellation")
    people = _people()
    events = {person.id: found for person, found in people}
    renderings = sum(max(1, len(found)) for _, found in people)
    counts = _counting(monkeypatch)
    report = upgrade_check(
        recipe, [p for p, _ in people], events.__getitem__, SECRETS, workers=1, now=NOW
    )
    assert report.renderings == renderings and report.different == renderings
    for version in VERSIONS:
        assert counts[(version, recipe.url)] == 1
        for header in recipe.headers:
            assert counts[(version, header.value)] == 1
    # the body uses {%- -%}, which Ruby Liquid 2.5.3 cannot read: the same for everybody
    assert counts[("latest", recipe.body)] == renderings
    assert counts[("legacy", recipe.body)] == 1


def test_upgrade_check_renders_no_body_when_a_header_already_differs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request = _request('{"e": {{ customer.email | json }}}', headers=(Header("X-N", "{{ 2.0 }}"),))
    people = [person for person, _ in _people()]
    counts = _counting(monkeypatch)
    report = upgrade_check(request, people, lambda _: [], workers=1, now=NOW)
    [group] = report.groups
    assert (group.where, len(group.people)) == ("headers[0]", len(people))
    assert counts[("legacy", request.body)] == counts[("latest", request.body)] == 0


def test_a_template_that_does_not_parse_in_legacy_is_parsed_once() -> None:
    legacy = LegacyEngine()
    source = "{%- capture x -%}{{ customer.name }}{%- endcapture -%}{{ x }}"
    outcomes = [legacy.render(source, {"customer": {"name": str(i)}}) for i in range(50)]
    assert legacy._parsed.cache_info().misses == 1
    errors = [outcome.error for outcome in outcomes]
    assert all(isinstance(error, LiquidSyntaxError) for error in errors)
    assert len({id(error) for error in errors}) == 50  # each render gets its own error
    assert len({(error.message, error.index) for error in errors if error}) == 1
    with pytest.raises(LiquidSyntaxError) as raised:
        legacy.parse(source)
    assert (raised.value.message, raised.value.index) == (errors[0].message, errors[0].index)
    assert legacy._parsed.cache_info().misses == 1


def test_a_date_written_once_is_right_for_each_now_zone_and_input() -> None:
    """``date`` keeps what it wrote, by input, format, zone and 'now': never across them."""
    latest = engine("latest")
    template = (
        "{{ 'now' | date: '%Y-%m-%d %H:%M %z' }}|{{ 1700000000 | date: '%H' }}|"
        "{{ '1700000000' | date: '%H' }}|{{ 'now' | date: '%H', 'Asia/Tokyo' }}|"
        "{{ 'now' | date: '%s' | plus: 60 | date: '%M' }}"
    )
    tokyo = ZoneInfo("Asia/Tokyo")
    later = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
    expected = {
        (NOW, dt.UTC): "2026-03-01 12:00 +0000|22|22|21|01",
        (NOW, tokyo): "2026-03-01 21:00 +0900|07|07|21|01",
        (later, dt.UTC): "2026-03-02 08:30 +0000|22|22|17|31",
    }
    for _ in range(2):  # the second round reads what the first kept
        for (now, zone), text in expected.items():
            assert latest.render(template, {}, zone=zone, now=now).text == text
    clock = latest.render("{{ 'now' | date: '%Y' }}", {}).text  # no fixed 'now': the clock
    assert clock == str(dt.datetime.now(dt.UTC).year)


def test_the_form_check_names_the_tag_of_the_template_it_checks() -> None:
    """The form check remembers tags by template: a second template gets its own tags."""
    first = _request("a={{ customer.name }}", headers=(Header("Content-Type", FORM),))
    second = _request("a={{ customer.plan }}", headers=(Header("Content-Type", FORM),))
    context = {"customer": {"name": "A B", "plan": "C D"}}
    expected = [(first, "customer.name"), (second, "customer.plan"), (first, "customer.name")]
    for request, variable in expected:
        [found] = render(request, context).diagnostics
        assert found.message.startswith(f"{{{{ {variable} }}}} wrote a space")


@pytest.mark.parametrize("plus", [False, True])
def test_percent_encoding_remembers_short_texts_and_writes_what_quote_writes(plus: bool) -> None:
    texts = ["Zoë O'Brien & Co", "a b+c=d%", "", "x" * SHORT, "é " * SHORT]
    for safe in ("", "/:", "-_.!~*'()"):
        for text in texts:
            expected = quote_plus(text, safe=safe) if plus else quote(text, safe=safe)
            before = _remembered.cache_info()
            assert percent_encoded(text, safe, plus=plus) == expected
            assert percent_encoded(text, safe, plus=plus) == expected
            after = _remembered.cache_info()
            remembered = len(text) <= SHORT
            assert after.hits - before.hits >= (1 if remembered else 0)
            assert after.misses - before.misses <= (1 if remembered else 0)
