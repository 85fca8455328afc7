"""Rendering a request: the bytes, and the diagnostics with their positions."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import replace

import pytest

from composer.model import Header, Request
from composer.rendering.diagnostics import Diagnostic
from composer.rendering.render import MASK, render, render_field

CUSTOMER = {
    "id": "7",
    "email": "zoe@example.com",
    "name": 'Zoë "Z" O\'Brien',
    "first_name": "Zoë",
    "phone": "+15551234567",
    "plan": "pro plan",
    "nothing": None,
}
CONTEXT = {"customer": CUSTOMER, "event": {"feedback": "Too slow"}, "event_name": "cancel"}

JSON = (Header("Content-Type", "application/json"),)
FORM = (Header("Content-Type", "application/x-www-form-urlencoded"),)
XML = (Header("Content-Type", "text/xml"),)


def req(body: str = "", url: str = "https://api.example.com/x", **kw: object) -> Request:
    return Request(name="t", url=url, body=body, **kw)  # type: ignore[arg-type]


def only(diagnostics: tuple[Diagnostic, ...], severity: str | None = None) -> Diagnostic:
    found = [d for d in diagnostics if severity is None or d.severity == severity]
    assert len(found) == 1, found
    return found[0]


def test_render_is_pure_and_exact() -> None:
    request = req('{"email": {{ customer.email | json }}, "id": "{{ customer.id }}"}')
    context = {"customer": dict(CUSTOMER)}
    before = (request, dict(context["customer"]))
    rendered = render(request, context)
    assert (request, context["customer"]) == before
    assert rendered.body == '{"email": "zoe@example.com", "id": "7"}'
    assert rendered.method == "POST"
    assert rendered.headers == (("Content-Type", "application/json"),)
    assert rendered.diagnostics == ()


@pytest.mark.parametrize(
    ("where", "request_", "line", "column", "text"),
    [
        # A broken tag: where LiquidJS finds the missing expression.
        ("body", req('{\n  "a": 1,\n  {% if %}\n}'), 3, 8, "Liquid syntax error"),
        # An unclosed output statement.
        ("body", req('{\n  "a": "{{ customer.name"\n}'), 2, 9, "Liquid syntax error"),
        # Invalid JSON after rendering: the quote in the name breaks it; the output tag
        # that wrote it is pointed at.
        (
            "body",
            req('{\n  "name": "{{ customer.name }}"\n}', headers=JSON),
            2,
            12,
            "not valid JSON",
        ),
        # Invalid JSON in the template's own text: the exact character.
        ("body", req('{\n  "a": 1\n  "b": 2\n}', headers=JSON), 3, 3, "Expecting ',' delimiter"),
        # A CR/LF in a rendered header: the tag that wrote it.
        (
            "headers[1]",
            req(headers=(*JSON, Header("X-Note", "a {{ event.note }}"))),
            1,
            3,
            "line break",
        ),
        # Malformed XML.
        (
            "body",
            req("<a>\n  <b>{{ customer.id }}</c>\n</a>", headers=XML),
            2,
            25,
            "not well-formed XML",
        ),
    ],
)
def test_error_positions(where: str, request_: Request, line: int, column: int, text: str) -> None:
    context = {**CONTEXT, "event": {"note": "one\r\ntwo"}}
    error = only(render(request_, context).diagnostics, "error")
    assert (error.where, error.line, error.column) == (where, line, column), error
    assert text in error.message


def test_an_unknown_filter_is_a_warning_at_its_name() -> None:
    rendered = render(req('{\n  "a": {{ customer.id | shout }}\n}'), CONTEXT)
    warning = only(rendered.diagnostics, "warning")
    assert (warning.where, warning.line, warning.column) == ("body", 2, 25)
    assert "no filter 'shout', so the value passes through unchanged" in warning.message


def test_json_error_names_the_tag_and_suggests_json_filter() -> None:
    error = only(render(req('{"n": "{{ customer.name }}"}', headers=JSON), CONTEXT).diagnostics)
    assert "{{ customer.name }}" in error.message
    assert "| json" in error.message


def test_hash_trick_with_nil_attribute_explains_nil() -> None:
    request = req('{"customer": {{ customer | replace: "=>", ":" }}}', headers=JSON)
    request = replace(request, liquid_version="legacy")  # Ruby's hashes: legacy only
    rendered = render(request, CONTEXT)
    assert '"nothing":nil' in rendered.body
    error = only(rendered.diagnostics, "error")
    assert "'nil'" in error.message


def test_hash_trick_yields_json_when_every_attribute_has_a_value() -> None:
    customer = {"id": "1", "tags": ["a", "b"], "vip": True, "score": 1.5, "q": 'say "hi"'}
    request = req('{"customer": {{ customer | replace: "=>", ":" }}}', headers=JSON)
    request = replace(request, liquid_version="legacy")
    rendered = render(request, {"customer": customer})
    assert rendered.body == (
        '{"customer": {"id":"1", "tags":["a", "b"], "vip":true, "score":1.5, "q":"say \\"hi\\""}}'
    )
    assert rendered.diagnostics == ()


@pytest.mark.parametrize(
    ("body", "column", "fragment"),
    [
        ("to={{ customer.phone }}&x=1", 4, "a raw '+'"),
        ("plan={{ customer.plan }}", 6, "a space"),
        ("name={{ customer.first_name }}", 6, "non-ASCII"),
        ("q={{ event.feedback | append: '&a=b' }}", 3, "'&'"),
    ],
)
def test_form_values_from_variables_must_be_encoded(body: str, column: int, fragment: str) -> None:
    warning = only(render(req(body, headers=FORM), CONTEXT).diagnostics, "warning")
    assert (warning.where, warning.line, warning.column) == ("body", 1, column)
    assert fragment in warning.message
    assert "url_encode" in warning.message


def test_url_encoded_form_values_are_clean() -> None:
    body = "to={{ customer.phone | url_encode }}&name={{ customer.first_name | url_encode }}"
    rendered = render(req(body, headers=FORM), CONTEXT)
    assert rendered.body == "to=%2B15551234567&name=Zo%C3%AB"
    assert rendered.diagnostics == ()


def test_bare_form_media_type_is_checked_and_flagged() -> None:
    headers = (Header("Content-Type", "x-www-form-urlencoded"),)
    rendered = render(req("a={{ customer.plan }}", headers=headers), CONTEXT)
    where = sorted(d.where for d in rendered.diagnostics)
    assert where == ["body", "headers[0]"]


def test_missing_variables_are_warned_once_each_at_their_position() -> None:
    body = '{"a": "{{ customer.company }}",\n "b": "{{ customer.company }}{{ event.nope.x }}"}'
    rendered = render(req(body, headers=JSON), CONTEXT)
    warnings = [(d.line, d.column, d.message) for d in rendered.diagnostics]
    assert warnings == [
        (1, 11, "customer.company is not set for this person, so it renders as nothing"),
        (2, 33, "event.nope is not set for this event, so it renders as nothing"),
    ]


def test_secrets_are_masked_unless_revealed() -> None:
    request = req(
        url="https://api.example.com/cards?key={{ secrets.key }}",
        headers=(Header("Authorization", "Bearer {{ secrets.token }}"),),
    )
    secrets = {"key": "k-123", "token": "t-456"}
    masked = render(request, CONTEXT, secrets=secrets)
    assert masked.url == f"https://api.example.com/cards?key={MASK}"
    assert masked.headers == (("Authorization", f"Bearer {MASK}"),)
    wire = render(request, CONTEXT, secrets=secrets, reveal=True)
    assert wire.url == "https://api.example.com/cards?key=k-123"
    assert wire.headers == (("Authorization", "Bearer t-456"),)
    assert masked.diagnostics == wire.diagnostics == ()


def test_a_missing_secret_is_an_error_naming_it() -> None:
    request = req(url="https://x.example.com/?k={{ secrets.trello_key }}")
    error = only(render(request, CONTEXT, secrets={}).diagnostics)
    assert error.severity == "error"
    assert "'trello_key'" in error.message
    assert (error.where, error.line, error.column) == ("url", 1, 29)


def test_without_known_names_every_secret_renders_masked() -> None:
    rendered = render(req(url="https://x.example.com/{{ secrets.anything }}"), {})
    assert rendered.url == f"https://x.example.com/{MASK}"
    assert rendered.diagnostics == ()


def test_basic_auth_from_url_becomes_a_header() -> None:
    request = req(url="https://{{ secrets.user }}:{{ secrets.pw }}@api.example.com/v1/tickets")
    wire = render(request, {}, secrets={"user": "me@example.com", "pw": "p@ss:word"}, reveal=True)
    assert wire.url == "https://api.example.com/v1/tickets"
    name, value = wire.headers[-1]
    assert name == "Authorization"
    assert base64.b64decode(value.removeprefix("Basic ")) == b"me@example.com:p@ss:word"
    masked = render(request, {}, secrets={"user": "u", "pw": "p"})
    assert masked.headers[-1] == ("Authorization", f"Basic {MASK}")


def test_literal_password_in_url_is_warned_at_its_position() -> None:
    request = req(url="https://agent:hunter2@example.zendesk.com/api/v2/tickets.json")
    rendered = render(request, {})
    warning = only(rendered.diagnostics)
    assert (warning.severity, warning.line, warning.column) == ("warning", 1, 15)
    assert "keychain" in warning.message
    assert rendered.url == "https://example.zendesk.com/api/v2/tickets.json"
    assert rendered.headers[-1] == (
        "Authorization",
        "Basic " + base64.b64encode(b"agent:hunter2").decode(),
    )


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("", "the URL is empty"),
        ("ftp://example.com/x", "http:// or https://"),
        ("{{ customer.nothing }}/path", "http:// or https://"),
        ("https:///path", "no host"),
        ("https://exa mple.com/", "not valid"),
    ],
)
def test_urls_customer_io_would_refuse(url: str, fragment: str) -> None:
    error = only(render(req(url=url), CONTEXT).diagnostics, "error")
    assert error.where == "url"
    assert fragment in error.message


def test_url_is_normalised_as_sent() -> None:
    rendered = render(req(url="https://x.example.com/p?name={{ customer.first_name }} X"), CONTEXT)
    assert rendered.url == "https://x.example.com/p?name=Zo%C3%AB%20X"
    assert "whitespace" in only(rendered.diagnostics).message


def test_body_on_get_is_a_warning() -> None:
    rendered = render(req('{"a": 1}', method="GET", headers=JSON), CONTEXT)
    assert "GET" in only(rendered.diagnostics, "warning").message
    assert rendered.body == '{"a": 1}'


def test_runaway_template_stops_with_a_diagnostic() -> None:
    rendered = render(req("{% for i in (1..100000000) %}x{% endfor %}"), CONTEXT)
    error = only(rendered.diagnostics, "error")
    assert error.message.startswith("rendering stopped")


def test_dates_render_in_utc_by_default_and_in_a_chosen_zone() -> None:
    request = req("{{ 1700000000 | date: '%F %H:%M %z' }}", headers=())
    assert render(request, {}).body == "2023-11-14 22:13 +0000"
    zone = dt.timezone(dt.timedelta(hours=9))
    assert render(request, {}, zone=zone).body == "2023-11-15 07:13 +0900"


def test_render_field_for_a_mapping_value() -> None:
    text, diagnostics = render_field(
        "response_mappings[0]", "{{ response.id | plus: 1 }}", {"response": {"id": 41}}
    )
    assert (text, diagnostics) == ("42", ())
    text, diagnostics = render_field(
        "response_mappings[1]", "{{ response.id | date: '%Y', 'No/Zone' }}", {"response": {"id": 1}}
    )
    assert only(diagnostics, "error").where == "response_mappings[1]"


def test_header_names_must_be_tokens() -> None:
    request = replace(req(), headers=(Header("Bad Name", "x"),))
    error = only(render(request, {}).diagnostics, "error")
    assert (error.where, "not a valid header name" in error.message) == ("headers[0]", True)


@pytest.mark.parametrize(
    ("body", "warned"),
    [
        ("{{ customer.company }}", ["customer.company is not set for this person"]),
        (
            "{% assign c = customer.company %}{{ c }}",
            ["customer.company is not set for this person"],
        ),
        ("{{ event.reason }}", ["event.reason is not set for this event"]),
        ("{{ customer.company | default: customer.email }}", []),
        ("{% if customer.company %}{{ customer.company }}{% endif %}", []),
        ("{%- unless customer.company -%}none{%- endunless -%}", []),
        ("{% case customer.company %}{% when 'x' %}x{% endcase %}", []),
        ("{% if customer.company_url.size > 0 %}y{% endif %}", []),
    ],
)
def test_missing_variables_handled_by_the_template_are_not_warned(
    body: str, warned: list[str]
) -> None:
    rendered = render(req(body, headers=()), {"customer": {"email": "a@b.c"}, "event": {}})
    messages = [d.message for d in rendered.diagnostics if "not set" in d.message]
    assert [m.split(",")[0] for m in messages] == warned


def test_now_can_be_fixed_so_a_rerender_gives_the_same_bytes() -> None:
    request = req(
        "{{ 'now' | date: '%F %T' }}|{% assign t = 'now' %}{{ t | date: '%s' }}", headers=()
    )
    moment = dt.datetime(2024, 2, 29, 23, 59, 58, tzinfo=dt.UTC)
    first = render(request, {}, now=moment)
    assert first.body == "2024-02-29 23:59:58|1709251198"
    assert render(request, {}, now=moment).body == first.body
    today = dt.datetime.now(dt.UTC).strftime("%F")
    assert render(request, {}).body.startswith(today) or render(request, {}).body.startswith(
        dt.datetime.now(dt.UTC).strftime("%F")
    )
